"""A council whose plan has something in every form of the app: lines of every kind with
every date a line keeps, allocations, findings, funding sources with end dates and money
each year, an inspection with a date, assumptions, pay awards and NI rates; and a person
in each role."""

from datetime import date
from decimal import Decimal

from funding.models import FundingAvailability, SourceKind
from investplan.models import EmployerNIRate, Finding, Inspection, PayAward, Role
from posts.models import LineKind, LineStatus
from tests.factories import (
    AllocationFactory,
    FundingSourceFactory,
    MembershipFactory,
    PayScaleFactory,
    PlanFactory,
    PlanLineFactory,
    TeamFactory,
    WorkstreamFactory,
    make_grade,
)

# Who signs in as each role; the password is tests.e2e.conftest.PASSWORD.
PEOPLE = {
    Role.VIEWER: "victor",
    Role.HEAD_OF_SERVICE: "hazel",
    Role.FINANCE_OFFICER: "fiona",
    Role.ADMIN: "ada",
}


def plan_of_every_kind() -> dict:
    plan = PlanFactory(
        name="Getting to Good",
        slug="getting-to-good",
        first_year=2025,
        last_year=2026,
        committee="Children's Services Scrutiny Panel",
        meeting_date=date(2025, 3, 12),
        description="Investment after the 2024 inspection.",
    )
    council = plan.organisation
    for role, username in PEOPLE.items():
        MembershipFactory(organisation=council, role=role, user__username=username)

    assumptions = plan.assumptions
    assumptions.agency_share_percent = Decimal("15")
    assumptions.agency_premium = Decimal("30000")
    assumptions.recruitment_payment = Decimal("5000")
    assumptions.retention_payment = Decimal("2500")
    assumptions.vacancy_factor_percent = Decimal("2.5")
    assumptions.save()
    PayAward.objects.create(
        assumptions=assumptions, financial_year=2025, percent=Decimal("3.2"), agreed=True
    )
    PayAward.objects.create(assumptions=assumptions, financial_year=2026, percent=Decimal("2"))
    EmployerNIRate.objects.create(
        assumptions=assumptions,
        financial_year=2025,
        percent=Decimal("15"),
        secondary_threshold=Decimal("5000"),
    )

    scale = PayScaleFactory(organisation=council, name="NJC")
    grade_k = make_grade(scale, "K", ["40000", "41000", "42000"], year=2025)
    grade_m = make_grade(scale, "M", ["46000", "47500"], year=2025)
    front_door = WorkstreamFactory(plan=plan, name="Front door", position=1)
    quality = WorkstreamFactory(plan=plan, name="Quality assurance", position=2)
    district = TeamFactory(organisation=council, name="North district")

    inspection = Inspection.objects.create(
        organisation=council,
        kind="ilacs",
        date=date(2024, 11, 15),
        overall_judgement="requires_improvement",
    )
    para_36 = Finding.objects.create(
        inspection=inspection,
        reference="para 36",
        text="Caseloads are too high for social workers to see children often enough.",
        judgement_area="Help and protection",
        position=1,
    )
    rec_14 = Finding.objects.create(
        inspection=inspection, reference="Rec 14", text="Strengthen quality assurance.", position=2
    )

    grant = FundingSourceFactory(
        organisation=council,
        name="Improvement grant",
        kind=SourceKind.GRANT,
        end_date=date(2026, 3, 31),
    )
    partner = FundingSourceFactory(
        organisation=council,
        name="Health partner contribution",
        kind=SourceKind.PARTNER,
        end_date=date(2027, 3, 31),
    )
    base = FundingSourceFactory(organisation=council, name="Base budget", kind="base_budget")
    for source, amounts in ((grant, ["120000"]), (partner, ["15000", "15000"])):
        for year, amount in zip((2025, 2026), amounts, strict=False):
            FundingAvailability.objects.create(
                source=source, financial_year=year, amount=Decimal(amount)
            )

    lines = {
        "post": PlanLineFactory(
            plan=plan,
            position=1,
            kind=LineKind.NEW_POST,
            title="Social Worker",
            workstream=front_door,
            team=district,
            section="Appendix 3",
            phase="Phase 1",
            status=LineStatus.RECRUITING,
            grade=grade_k,
            point=grade_k.bottom_point.pay_scale.points.get(code="K2"),
            annual_salary=None,
            fte=Decimal("1"),
            headcount=1,
            fte_in_post=Decimal("0.5"),
            start_date=date(2025, 4, 1),
            end_date=date(2027, 3, 31),
            expected_start_date=date(2025, 6, 2),
            actual_start_date=date(2025, 7, 14),
            agency_cover=True,
            social_worker=True,
            reward_scheme=True,
            justification="Caseloads above 20.",
        ),
        "uplift": PlanLineFactory(
            plan=plan,
            position=2,
            kind=LineKind.UPLIFT,
            title="Senior Practitioner",
            workstream=front_door,
            grade=grade_m,
            from_grade=grade_k,
            annual_salary=None,
            fte=Decimal("2"),
            start_date=date(2025, 9, 1),
            duration_months=18,
            expected_start_date=date(2025, 10, 1),
        ),
        "released": PlanLineFactory(
            plan=plan,
            position=3,
            kind=LineKind.RELEASED_BUDGET,
            title="Vacant Team Manager",
            workstream=quality,
            grade=grade_m,
            annual_salary=None,
            fte=Decimal("1"),
            start_date=date(2025, 4, 1),
        ),
        "stated": PlanLineFactory(
            plan=plan,
            position=4,
            kind=LineKind.NEW_POST,
            title="Principal Social Worker",
            workstream=quality,
            grade_as_written="tbc",
            annual_salary=Decimal("52000"),
            stated_annual_cost=Decimal("68120.50"),
            stated_cost_fte=Decimal("1"),  # stated for 1 FTE, as an import would keep it
            fte=Decimal("1"),
            start_date=date(2025, 5, 1),
            end_date=date(2026, 4, 30),
        ),
        "non_staff": PlanLineFactory(
            plan=plan,
            position=5,
            kind=LineKind.NON_STAFF,
            title="Audit resource",
            workstream=quality,
            annual_salary=None,
            fte=None,
            amount=Decimal("25000"),
            one_off=True,
            start_date=date(2025, 10, 1),
        ),
    }
    lines["post"].findings.set([para_36])
    lines["stated"].findings.set([para_36, rec_14])
    AllocationFactory(line=lines["post"], source=grant, percent=Decimal("60"), position=1)
    AllocationFactory(
        line=lines["post"], source=base, percent=None, amount=Decimal("10000"), position=2
    )
    AllocationFactory(line=lines["uplift"], source=partner, percent=Decimal("100"))
    return {
        "plan": plan,
        "lines": lines,
        "sources": {"grant": grant, "partner": partner, "base": base},
        "inspection": inspection,
        "grades": {"K": grade_k, "M": grade_m},
        "workstreams": [front_door, quality],
        "team": district,
        "findings": [para_36, rec_14],
    }
