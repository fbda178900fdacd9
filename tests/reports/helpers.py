"""Building a committee table in a test, and reading its rows."""

from datetime import date
from decimal import Decimal

from figures.services import refigure_plan
from funding.models import FundingAvailability
from investplan.models import PayAward
from investplan.services import approve_plan, reopen_plan
from posts.models import PlanLine
from reports.builders import ReportContext, ReportOptions, build_report
from reports.tables import RowKind
from tests.factories import (
    AllocationFactory,
    FundingSourceFactory,
    PlanFactory,
    PlanLineFactory,
    WorkstreamFactory,
)


def tables_of(plan, slug, **options):
    """The table as printed from the plan's figures, stored first: the tests make lines
    with factories, which store none (the services do, for lines made through them)."""
    refigure_plan(plan=plan)
    return build_report(slug, ReportContext.build(plan, ReportOptions(**options)))


def rows(table, kind=RowKind.LINE):
    return [row.cells for row in table.rows if row.kind == kind]


def funded_and_changed_plan():
    """Three years from April 2025: a permanent social worker and a fixed-term team manager
    on a grant that ends in March 2026, a permanent principal manager half on the base
    budget; approved, then changed."""
    plan = PlanFactory(name="Getting to Good", first_year=2025, last_year=2027)
    PayAward.objects.create(
        assumptions=plan.assumptions, financial_year=2026, percent=Decimal("3"), agreed=False
    )
    front_door = WorkstreamFactory(plan=plan, name="Front door", position=1)
    in_care = WorkstreamFactory(plan=plan, name="Children in care", position=2)
    social_worker = PlanLineFactory(
        plan=plan, title="Social Worker", workstream=front_door, position=1,
        annual_salary=Decimal("40000"), start_date=date(2025, 4, 1),
    )  # fmt: skip
    manager = PlanLineFactory(
        plan=plan, title="Team Manager", workstream=front_door, position=2,
        annual_salary=Decimal("50000"), start_date=date(2025, 4, 1), end_date=date(2027, 3, 31),
    )  # fmt: skip
    principal = PlanLineFactory(
        plan=plan, title="Principal Manager", workstream=in_care, position=3,
        annual_salary=Decimal("60000"), fte=Decimal("0.5"), start_date=date(2025, 10, 1),
    )  # fmt: skip
    grant = FundingSourceFactory(
        organisation=plan.organisation, name="Families First grant", end_date=date(2026, 3, 31)
    )
    base = FundingSourceFactory(
        organisation=plan.organisation, name="Base budget", kind="base_budget"
    )
    FundingAvailability.objects.create(source=grant, financial_year=2025, amount=Decimal("50000"))
    AllocationFactory(line=social_worker, source=grant, percent=Decimal("100"))
    AllocationFactory(line=manager, source=grant, percent=Decimal("50"))
    AllocationFactory(line=principal, source=base, percent=Decimal("50"))
    refigure_plan(plan=plan)
    approve_plan(plan=plan, committee="Cabinet", meeting_date=date(2026, 3, 12))
    reopen_plan(plan=plan)
    PlanLine.objects.filter(pk=principal.pk).update(fte=Decimal("1"))
    type(plan).bump_revision(plan.pk)
    refigure_plan(plan=plan)
    plan.refresh_from_db()
    return plan


def page_header(section) -> str:
    """A Word section's page header as read across: its table's three parts, by tabs."""
    return "\t".join(cell.text for cell in section.header.tables[0].rows[0].cells)
