"""A plan's front page and the council's list of plans: what a head of service looks at
first (issue 19, point 4).

Every figure is read from the stored figures (`figures.models`) with aggregate queries
over the rows the committee tables add up, or by the committee table's own builder (the
recurring pressure), so the figure here is the figure in the table the page links to, to
the penny (tests/reports/test_front_page.py follows each link and finds it). The number
of queries does not grow with the lines, nor (for the list of plans) with the plans.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from figures.costs.financial_year import FinancialYear
from figures.costs.money import PENNY, POUND, ZERO, round_money
from figures.models import FindingPart, FundingPart, LineFigures, LineYearFigure
from funding.models import Allocation, FundingSource
from investplan.models import Finding, Plan, PlanStatus
from posts.models import LineKind, PlanLine
from reports.builders import ReportContext, funded_against_unfunded, recurring_pressure
from reports.models import ApprovedBaseline
from reports.rollups import Figures
from reports.services import kept_approval
from reports.tables import Column, Kind, Table, TableBuilder

# A front page names this many of the findings no line answers and of the lines that
# cannot be costed; the table or page it links to lists them all.
NAMED = 10


@dataclass(frozen=True, slots=True)
class Recruitment:
    """New posts: FTE funded against FTE in post, as the recruitment table totals them."""

    posts: int
    funded: Decimal
    in_post: Decimal
    annual_cost: Decimal

    @property
    def vacant(self) -> Decimal:
        return self.funded - self.in_post


@dataclass(frozen=True, slots=True)
class Uncosted:
    line_id: int
    title: str
    error: str


@dataclass(frozen=True, slots=True)
class GrantEnd:
    """A funding source of the plan that ends within its years."""

    name: str
    ends: object  # a date


@dataclass
class FrontPage:
    plan: Plan
    years: list[FinancialYear]
    totals: Figures  # the total row of every table of every line
    costs: Table  # what the plan costs, each year and in total
    funding: Table  # funded against unfunded by year: the funding-cliff chart's table
    unfunded: Figures  # "Requires additional funding", as the funding table prints it
    grant_ends: list[GrantEnd]
    pressure: Table  # the recurring pressure when funding ends (multi-year summary)
    unanswered: list[Finding]
    unanswered_count: int
    findings_count: int
    uncosted: list[Uncosted]
    uncosted_count: int
    recruitment: Recruitment
    baseline: ApprovedBaseline | None
    baseline_approval: str
    scenarios: list[Plan]
    line_count: int


def front_page(plan: Plan) -> FrontPage:
    """Everything the plan's front page shows, in a fixed number of queries."""
    context = ReportContext.build(plan)
    years = context.years
    totals = plan_totals(plan, years)
    unfunded = _summed(FundingPart.objects.filter(plan=plan, source__isnull=True), years)
    answered = FindingPart.objects.filter(plan=plan, finding__isnull=False).values("finding_id")
    council_findings = Finding.objects.filter(inspection__organisation_id=plan.organisation_id)
    unanswered = council_findings.exclude(pk__in=answered)
    uncosted = LineFigures.objects.filter(plan=plan).exclude(error="")
    latest = (
        ApprovedBaseline.objects.filter(plan=plan)
        .only("pk", "plan_id", "approved_at", "documents")
        .first()
    )
    return FrontPage(
        plan=plan,
        years=years,
        totals=totals,
        costs=costs_table(context, totals),
        funding=funded_against_unfunded(context),
        unfunded=unfunded,
        grant_ends=_grant_ends(plan),
        pressure=recurring_pressure(context),
        unanswered=list(
            unanswered.select_related("inspection").order_by(
                "inspection__date", "inspection_id", "position", "id"
            )[:NAMED]
        ),
        unanswered_count=unanswered.count(),
        findings_count=council_findings.count(),
        uncosted=[
            Uncosted(*row)
            for row in uncosted.order_by("line__position", "line_id").values_list(
                "line_id", "line__title", "error"
            )[:NAMED]
        ],
        uncosted_count=uncosted.count(),
        recruitment=recruitment(plan),
        baseline=latest,
        baseline_approval=kept_approval(latest) if latest else "",
        scenarios=list(plan.scenarios.order_by("name").only("pk", "name", "slug", "status")),
        line_count=PlanLine.objects.filter(plan=plan).count(),
    )


def plan_totals(plan: Plan, years: list[FinancialYear]) -> Figures:
    """The plan's FTE, full-year effect and each year's cost: every line's stored figures
    added up (two queries, no join), as the total row of every table of every line."""
    found = LineFigures.objects.filter(plan=plan).aggregate(
        fte=Sum("fte"), full_year=Sum("full_year_in_pounds")
    )
    totals = _summed(LineYearFigure.objects.filter(plan=plan), years)
    totals.fte = round_money(found["fte"] or ZERO, PENNY)
    totals.full_year = round_money(found["full_year"] or ZERO, POUND)
    return totals


def _summed(rows, years: list[FinancialYear]) -> Figures:
    """Stored figures' cost added up by financial year (a row of no year: the full-year
    effect), in whole pounds; SQLite adds decimals as floats, exact for any plan's money."""
    by_year = {year.start_year: year for year in years}
    figures = Figures(years=dict.fromkeys(years, ZERO))
    for year, amount in (
        rows.values("financial_year")
        .annotate(amount=Sum("cost_in_pounds"))
        .order_by()
        .values_list("financial_year", "amount")
    ):
        if year is None:
            figures.full_year = round_money(amount, POUND)
        elif year in by_year:
            figures.years[by_year[year]] = round_money(amount, POUND)
    return figures


def costs_table(context: ReportContext, totals: Figures) -> Table:
    """The plan's cost: FTE, full-year effect, each financial year and the total, as the
    total row of the multi-year summary prints them."""
    table = Table(
        "front-costs",
        f"What the plan costs, {context.plan.period_label} (£, whole pounds)",
        [
            Column("name", "Lines", width=20),
            # Every line's FTE added up: released budget takes away the posts it gives up,
            # so it can be less than the new posts' FTE funded (recruitment).
            Column("fte", "Net FTE", Kind.FTE, summed=True, width=8),
            Column("full_year", "Full-year effect £", Kind.MONEY, summed=True, width=14),
            *context.year_columns(),
            Column("total", "Total £", Kind.MONEY, summed=True, width=14),
        ],
    )
    TableBuilder(table).line(
        {
            "name": "Every line",
            "fte": totals.fte,
            "full_year": totals.full_year,
            **context.year_cells(totals),
            "total": totals.total,
        }
    )
    return table


def _grant_ends(plan: Plan) -> list[GrantEnd]:
    """The funding sources paying for the plan's lines that end before its last year is
    out, soonest first."""
    last_day = FinancialYear(plan.last_year).end
    return [
        GrantEnd(name, ends)
        for name, ends in FundingSource.objects.filter(
            pk__in=Allocation.objects.filter(line__plan=plan).values("source_id"),
            end_date__isnull=False,
            end_date__lt=last_day,
        )
        .order_by("end_date", "name")
        .values_list("name", "end_date")
    ]


def recruitment(plan: Plan) -> Recruitment:
    """The recruitment table's totals: new posts' FTE funded, FTE in post and annual
    cost, in one query."""
    found = PlanLine.objects.filter(plan=plan, kind=LineKind.NEW_POST).aggregate(
        funded=Sum("figures__fte"),
        in_post=Sum("fte_in_post"),
        annual_cost=Sum("figures__full_year_in_pounds"),
        posts=Count("pk"),
    )
    return Recruitment(
        posts=found["posts"] or 0,
        funded=round_money(found["funded"] or ZERO, PENNY),
        in_post=round_money(found["in_post"] or ZERO, PENNY),
        annual_cost=round_money(found["annual_cost"] or ZERO, POUND),
    )


# -- The council's plans ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanSummary:
    plan: Plan
    total: Decimal  # every year of the plan, as the multi-year summary's total
    full_year: Decimal
    recalculating: bool

    @property
    def status(self) -> str:
        """Approved, Draft, Submitted; a scenario says what it is a scenario of."""
        words = self.plan.get_status_display()
        if self.plan.scenario_of_id is not None and self.plan.scenario_of is not None:
            words += f"; a scenario of {self.plan.scenario_of.name}"
        return words

    @property
    def approved(self) -> bool:
        return self.plan.status == PlanStatus.APPROVED


def plan_summaries(plans) -> list[PlanSummary]:
    """Each plan of `plans` (a queryset) with its total and full-year effect: three
    queries, however many plans and lines."""
    plans = list(plans.select_related("scenario_of", "figures_state").order_by("name", "pk"))
    ids = [plan.pk for plan in plans]
    totals = dict(
        LineYearFigure.objects.filter(
            Q(financial_year__gte=F("plan__first_year"))
            & Q(financial_year__lte=F("plan__last_year")),
            plan_id__in=ids,
        )
        .values("plan_id")
        .annotate(amount=Sum("cost_in_pounds"))
        .order_by()
        .values_list("plan_id", "amount")
    )
    full_years = dict(
        LineFigures.objects.filter(plan_id__in=ids)
        .values("plan_id")
        .annotate(amount=Sum("full_year_in_pounds"))
        .order_by()
        .values_list("plan_id", "amount")
    )
    summaries = []
    for plan in plans:
        state = getattr(plan, "figures_state", None)
        summaries.append(
            PlanSummary(
                plan=plan,
                total=round_money(totals.get(plan.pk) or ZERO, POUND),
                full_year=round_money(full_years.get(plan.pk) or ZERO, POUND),
                recalculating=state is not None and state.recalculating,
            )
        )
    return summaries
