"""From models to the cost engine and back: read a plan's lines with everything their
cost rests on, in a fixed number of queries, turn them into engine inputs, and work out
the figures printed for them (`figures.costs.printed`). The arithmetic itself is in
`figures.costs`; storing the figures is `figures.services`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal, localcontext

from figures.costs import engine
from figures.costs.engine import CostEngine, CostingError, LineCost
from figures.costs.financial_year import FinancialYear
from figures.costs.money import HUNDRED
from figures.costs.printed import Allocation, LineFacts, PrintedLine, printed_line
from figures.costs.true_cost import TrueCostAssumptions
from funding.models import Allocation as AllocationRow
from investplan.models import Assumptions, OnCostMethod, Plan
from posts.models import (
    Grade,
    LineKind,
    LineValues,
    PayScale,
    PlanLine,
    SpinalPoint,
    SpinalSalary,
)


def engine_assumptions(plan: Plan, assumptions: Assumptions | None = None) -> engine.Assumptions:
    """The plan's assumptions as the engine reads them (percentages become fractions)."""
    if assumptions is None:
        assumptions = _assumptions_of(plan)
    saved = assumptions.pk is not None  # unsaved defaults have no awards or rates yet
    awards = {
        FinancialYear(award.financial_year): engine.PayAward(award.percent / HUNDRED, award.agreed)
        for award in (assumptions.pay_awards.all() if saved else ())
    }
    if assumptions.on_cost_method == OnCostMethod.COMPUTED:
        on_cost = engine.ComputedOnCost(
            ni={
                FinancialYear(rate.financial_year): engine.EmployerNI(
                    rate.percent / HUNDRED, rate.secondary_threshold.amount
                )
                for rate in (assumptions.ni_rates.all() if saved else ())
            },
            pension_rate=assumptions.pension_percent / HUNDRED,
            levy_rate=assumptions.levy_percent / HUNDRED,
        )
    else:
        on_cost = engine.FlatOnCost(assumptions.flat_on_cost_percent / HUNDRED)
    return engine.Assumptions(
        first_year=FinancialYear(plan.first_year),
        last_year=FinancialYear(plan.last_year),
        on_cost=on_cost,
        pay_awards=awards,
        increments=assumptions.increments,
    )


def true_cost_assumptions(
    plan: Plan, assumptions: Assumptions | None = None
) -> TrueCostAssumptions:
    """The plan's true-cost assumptions as the engine reads them; none for a plan that
    has no assumptions yet."""
    if assumptions is None:
        assumptions = getattr(plan, "assumptions", None)
    if assumptions is None or assumptions.pk is None:
        return TrueCostAssumptions()
    return TrueCostAssumptions(
        agency_share_percent=assumptions.agency_share_percent,
        agency_premium=assumptions.agency_premium.amount,
        recruitment_payment=assumptions.recruitment_payment.amount,
        retention_payment=assumptions.retention_payment.amount,
        vacancy_factor_percent=assumptions.vacancy_factor_percent,
    )


def _assumptions_of(plan: Plan) -> Assumptions:
    try:
        return Assumptions.objects.prefetch_related("pay_awards", "ni_rates").get(plan=plan)
    except Assumptions.DoesNotExist:
        # A plan with no assumptions yet is costed on the defaults, never refused.
        return Assumptions(plan=plan)


class Spine:
    """The council's pay scales as the engine reads them: every grade with its points'
    salaries by year, and each point's place on its scale. Three queries."""

    def __init__(self, pay_scale_ids):
        scale_ids = set(pay_scale_ids)
        salaries: dict[int, dict[int, dict[FinancialYear, Decimal]]] = defaultdict(
            lambda: defaultdict(dict)
        )
        codes: dict[int, dict[int, str]] = defaultdict(dict)
        rows = SpinalSalary.objects.filter(point__pay_scale_id__in=scale_ids).values_list(
            "point__pay_scale_id", "point__ordinal", "point__code", "financial_year", "salary"
        )
        for scale_id, ordinal, code, year, salary in rows:
            salaries[scale_id][ordinal][FinancialYear(year)] = salary
            codes[scale_id][ordinal] = code
        self.ordinals: dict[int, int] = dict(
            SpinalPoint.objects.filter(pay_scale_id__in=scale_ids).values_list("pk", "ordinal")
        )
        self.grades: dict[int, engine.Grade] = {
            pk: engine.Grade(
                code=code,
                bottom=bottom,
                top=top,
                salaries=salaries.get(scale_id, {}),
                point_codes=codes.get(scale_id, {}),
            )
            for pk, code, bottom, top, scale_id in Grade.objects.filter(
                pay_scale_id__in=scale_ids
            ).values_list(
                "pk", "code", "bottom_point__ordinal", "top_point__ordinal", "pay_scale_id"
            )
        }

    def pay(self, grade_id, point_id, salary) -> engine.Pay | None:
        if grade_id is not None:
            grade = self.grades.get(grade_id)
            if grade is None:
                raise CostingError("The grade is not on this council's pay scales")
            return engine.GradePay(grade, self.ordinals.get(point_id, grade.bottom))
        if salary is not None:
            return engine.StatedSalary(salary.amount)
        return None


def engine_line(line, spine: Spine) -> engine.Line:
    """A plan line as the engine reads it."""
    kind = engine.LineKind(line.kind)
    if kind == engine.LineKind.NON_STAFF:
        amount = line.amount.amount if line.amount is not None else None
        if amount is None and line.stated_annual_cost is not None:
            amount = line.stated_annual_cost.amount
        return engine.NonStaffLine(
            amount=amount if amount is not None else Decimal("0"),
            start=line.start_date,
            end=line.effective_end_date,
            one_off=line.one_off,
        )
    fte = line.fte
    stated = line.stated_annual_cost
    return engine.StaffLine(
        kind=kind,
        fte=fte,
        start=line.start_date,
        end=line.effective_end_date,
        pay=spine.pay(line.grade_id, line.point_id, line.annual_salary),
        from_pay=spine.pay(line.from_grade_id, line.from_point_id, None),
        headcount=engine.people(fte, line.headcount),
        stated_annual_cost=stated.amount if stated is not None else None,
        stated_fte=line.stated_cost_fte if stated is not None else None,
    )


@dataclass
class LinesToCost:
    """Lines of one plan with what their printed figures rest on besides the line: its
    allocations (source, percent, amount, the source's end date) and its findings in the
    order they are printed. Four queries, however many lines. An import's new lines are
    `LineValues`, costed as they were inserted."""

    lines: list[PlanLine | LineValues]
    allocations: dict[int, list[Allocation]]
    findings: dict[int, list[int]]


def lines_for_costing(plan: Plan, line_ids=None) -> LinesToCost:
    lines = PlanLine.objects.filter(plan=plan)
    allocations = AllocationRow.objects.filter(line__plan=plan)
    links = PlanLine.findings.through.objects.filter(planline__plan=plan)
    if line_ids is not None:
        lines = lines.filter(pk__in=line_ids)
        allocations = allocations.filter(line_id__in=line_ids)
        links = links.filter(planline_id__in=line_ids)
    shares: dict[int, list[Allocation]] = defaultdict(list)
    for line_id, source_id, percent, amount, end_date in allocations.order_by(
        "line_id", "position", "id"
    ).values_list("line_id", "source_id", "percent", "amount", "source__end_date"):
        shares[line_id].append(Allocation(source_id, percent, amount, end_date))
    findings: dict[int, list[int]] = defaultdict(list)
    for line_id, finding_id in links.order_by(
        "planline_id", "finding__position", "finding_id"
    ).values_list("planline_id", "finding_id"):
        findings[line_id].append(finding_id)
    return LinesToCost(list(lines.order_by("position", "pk")), shares, findings)


def line_facts(line: PlanLine, plan: Plan, read: LinesToCost) -> LineFacts:
    """What the printed figures rest on besides the cost."""
    return LineFacts(
        kind=line.kind,
        fte=line.fte,
        start=line.start_date,
        end=line.effective_end_date,
        outside_years=bool(line.start_date)
        and line.is_outside_years(plan.first_year, plan.last_year),
        allocations=read.allocations.get(line.pk, ()),
        finding_ids=read.findings.get(line.pk, ()),
        headcount=line.headcount,
        social_worker=line.social_worker,
        reward_scheme=line.reward_scheme,
        agency_cover=line.agency_cover,
        forecast_start=forecast_start(line),
    )


def forecast_start(line: PlanLine):
    """The date the in-year forecast costs a post from: when it actually started, else
    when it is now expected to, else its budgeted start."""
    return line.actual_start_date or line.expected_start_date or line.start_date


class PlanCoster:
    """Costs lines of one plan under its assumptions (or a what-if's) and its council's
    pay scales, read once."""

    def __init__(self, plan: Plan, assumptions: engine.Assumptions | None = None):
        self.plan = plan
        # Read afresh, not from the plan object: a page may hand over a plan whose
        # assumptions it read before the change being costed.
        stored = _assumptions_of(plan)
        self.assumptions = assumptions or engine_assumptions(plan, stored)
        self.years = self.assumptions.years
        self.engine = CostEngine(self.assumptions)
        self.true_cost = true_cost_assumptions(plan, stored)
        self.spine = Spine(
            PayScale.objects.filter(organisation_id=plan.organisation_id).values_list(
                "id", flat=True
            )
        )

    def cost(self, line: PlanLine) -> tuple[LineCost | None, str]:
        try:
            return self.engine.cost(engine_line(line, self.spine)), ""
        except CostingError as error:
            return None, str(error)

    def printed(self, line: PlanLine, read: LinesToCost) -> PrintedLine:
        """The line's printed figures, from lines read by `lines_for_costing`."""
        with localcontext(prec=60):
            cost, error = self.cost(line)
            return printed_line(
                line_facts(line, self.plan, read),
                cost,
                self.years,
                error=error,
                forecast_cost=self._forecast_cost(line, cost),
                true_cost=self.true_cost,
            )

    def _forecast_cost(self, line: PlanLine, cost) -> dict[FinancialYear, Decimal] | None:
        """The line's cost by year had it started when it actually did or is now expected
        to, its end unchanged: the in-year forecast of a post filled late."""
        if cost is None or line.kind != LineKind.NEW_POST:
            return None
        start = forecast_start(line)
        if start == line.start_date:
            return None
        try:
            return self.engine.cost(replace(engine_line(line, self.spine), start=start)).years
        except CostingError:
            return None


def cost_line(line) -> LineCost:
    """One line costed under its plan's assumptions; CostingError says why it cannot be.
    For the line's working, and for the line page's figures as typed."""
    plan = line.plan
    spine = Spine(plan.organisation.pay_scales.values_list("id", flat=True))
    return CostEngine(engine_assumptions(plan)).cost(engine_line(line, spine))


def line_cost_error(line) -> str:
    """Why this line cannot be costed under its plan's assumptions, or "" if it can."""
    try:
        cost_line(line)
    except CostingError as error:
        return str(error)
    return ""
