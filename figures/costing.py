"""From models to the cost engine and back: read a plan's lines with everything their
cost rests on, in a fixed number of queries, turn them into engine inputs, and work out
the figures printed for them (`figures.costs.printed`). The arithmetic itself is in
`figures.costs`; storing the figures is `figures.services`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from decimal import Decimal, localcontext

from django.db.models import Prefetch

from figures.costs import engine
from figures.costs.engine import CostEngine, CostingError, LineCost
from figures.costs.financial_year import FinancialYear
from figures.costs.money import HUNDRED
from figures.costs.printed import Allocation, LineFacts, PrintedLine, printed_line
from figures.costs.true_cost import TrueCostAssumptions
from funding.models import Allocation as AllocationRow
from investplan.models import Assumptions, Finding, OnCostMethod, Plan
from posts.models import LineKind, PayScale, PlanLine, SpinalSalary


def engine_assumptions(plan: Plan, assumptions: Assumptions | None = None) -> engine.Assumptions:
    """The plan's assumptions as the engine reads them (percentages become fractions)."""
    if assumptions is None:
        assumptions = _assumptions_of(plan)
    awards = {
        FinancialYear(award.financial_year): engine.PayAward(award.percent / HUNDRED, award.agreed)
        for award in assumptions.pay_awards.all()
    }
    if assumptions.on_cost_method == OnCostMethod.COMPUTED:
        on_cost = engine.ComputedOnCost(
            ni={
                FinancialYear(rate.financial_year): engine.EmployerNI(
                    rate.percent / HUNDRED, rate.secondary_threshold.amount
                )
                for rate in assumptions.ni_rates.all()
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


def true_cost_assumptions(plan: Plan) -> TrueCostAssumptions:
    """The plan's true-cost assumptions as the engine reads them; none for a plan that
    has no assumptions yet."""
    assumptions = getattr(plan, "assumptions", None)
    if assumptions is None:
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
    """Salaries of every point of the given pay scales, read in one query."""

    def __init__(self, pay_scale_ids):
        self._salaries: dict[int, dict[int, dict[FinancialYear, Decimal]]] = defaultdict(
            lambda: defaultdict(dict)
        )
        self._codes: dict[int, dict[int, str]] = defaultdict(dict)
        rows = SpinalSalary.objects.filter(point__pay_scale_id__in=set(pay_scale_ids)).values_list(
            "point__pay_scale_id", "point__ordinal", "point__code", "financial_year", "salary"
        )
        for scale_id, ordinal, code, year, salary in rows:
            self._salaries[scale_id][ordinal][FinancialYear(year)] = salary
            self._codes[scale_id][ordinal] = code
        self._grades: dict[int, engine.Grade] = {}

    def grade(self, grade) -> engine.Grade:
        found = self._grades.get(grade.pk)
        if found is None:
            scale_id = grade.pay_scale_id
            found = self._grades[grade.pk] = engine.Grade(
                code=grade.code,
                bottom=grade.bottom_point.ordinal,
                top=grade.top_point.ordinal,
                salaries=self._salaries.get(scale_id, {}),
                point_codes=self._codes.get(scale_id, {}),
            )
        return found


def _pay_of(spine: Spine, grade, point, salary) -> engine.Pay | None:
    if grade is not None:
        engine_grade = spine.grade(grade)
        return engine.GradePay(
            engine_grade, point.ordinal if point is not None else engine_grade.bottom
        )
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
        pay=_pay_of(spine, line.grade, line.point, line.annual_salary),
        from_pay=_pay_of(spine, line.from_grade, line.from_point, None),
        headcount=engine.people(fte, line.headcount),
        stated_annual_cost=stated.amount if stated is not None else None,
        stated_fte=line.stated_cost_fte if stated is not None else None,
    )


def lines_for_costing(plan: Plan, line_ids=None):
    """The plan's lines (or those of `line_ids`) with what costing reads of them: grades
    and points, allocations with their sources, findings. Five queries, however many."""
    lines = PlanLine.objects.filter(plan=plan)
    if line_ids is not None:
        lines = lines.filter(pk__in=line_ids)
    return (
        lines.select_related(
            "grade__bottom_point",
            "grade__top_point",
            "point",
            "from_grade__bottom_point",
            "from_grade__top_point",
            "from_point",
        )
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=AllocationRow.objects.select_related("source").order_by("position", "id"),
                to_attr="allocations_in_order",
            ),
            Prefetch(
                "findings", queryset=Finding.objects.order_by("position", "id"), to_attr="answered"
            ),
        )
        .order_by("position", "pk")
    )


def line_facts(line: PlanLine, plan: Plan) -> LineFacts:
    """What the printed figures rest on besides the cost, from a line read by
    `lines_for_costing`."""
    return LineFacts(
        kind=line.kind,
        fte=line.fte,
        start=line.start_date,
        end=line.effective_end_date,
        outside_years=bool(line.start_date)
        and line.is_outside_years(plan.first_year, plan.last_year),
        allocations=[
            Allocation(
                allocation.source_id,
                allocation.percent,
                allocation.amount.amount if allocation.amount is not None else None,
                allocation.source.end_date,
            )
            for allocation in line.allocations_in_order
        ],
        finding_ids=[finding.pk for finding in line.answered],
        headcount=line.headcount,
        social_worker=line.social_worker,
        reward_scheme=line.reward_scheme,
    )


class PlanCoster:
    """Costs lines of one plan under its assumptions (or a what-if's) and its council's
    pay scales, read once."""

    def __init__(self, plan: Plan, assumptions: engine.Assumptions | None = None):
        self.plan = plan
        self.assumptions = assumptions or engine_assumptions(plan)
        self.years = self.assumptions.years
        self.engine = CostEngine(self.assumptions)
        self.true_cost = true_cost_assumptions(plan)
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

    def printed(self, line: PlanLine) -> PrintedLine:
        """The line's printed figures, from a line read by `lines_for_costing`."""
        with localcontext(prec=60):
            cost, error = self.cost(line)
            return printed_line(
                line_facts(line, self.plan),
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
        start = line.actual_start_date or line.expected_start_date or line.start_date
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
