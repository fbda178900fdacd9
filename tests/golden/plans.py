"""The plans the golden outputs are captured from: the demo plan, loaded as `manage.py
load_demo` loads it, and two generated plans of 2,000 lines over five financial years.

Everything here is fixed: a seeded `random.Random`, fixed names, fixed dates. The same
code on the same seed makes the same plan on SQLite and PostgreSQL; only database ids
differ, and no output keys on them."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from funding.models import Allocation, FundingAvailability, FundingSource, SourceKind
from investplan.management.commands import load_demo
from investplan.models import (
    Finding,
    Inspection,
    Membership,
    OnCostMethod,
    Plan,
    Role,
    Team,
    Workstream,
)
from investplan.services import set_assumptions
from posts.models import Grade, LineKind, LineStatus, PayScale, PlanLine, SpinalPoint, SpinalSalary
from tests.factories import OrganisationFactory, PlanFactory

LINES = 2000
FIRST_YEAR, LAST_YEAR = 2025, 2029
HEAD_OF_SERVICE = "golden-head"
PASSWORD = "a-long-golden-password"

GENERATED = {
    # name: (seed, variant)
    "flat": (17, "flat"),
    "employer-ni": (1717, "employer-ni"),
}

WORDS = [
    *["to", "address", "capacity", "identified", "in", "the", "Ofsted", "letter"],
    *["caseloads", "social", "work", "practice", "improvement", "quality", "assurance"],
    *["oversight", "children", "families", "early", "help"],
]
POSTS = ["Social Worker", "Team Manager", "Practice Lead", "Family Worker"]


@dataclass
class GoldenPlan:
    """A plan to capture, and who reads it: a head of service of its council."""

    name: str
    plan: Plan
    reader: object  # a user with the head of service role


# -- The demo plan ---------------------------------------------------------------------


def build_demo() -> GoldenPlan:
    """The demo plan, through `load_demo`'s own loading code (the command itself refuses
    to run with DEBUG off, which the test settings are)."""
    data = json.loads(load_demo.DEMO_FILE.read_text(encoding="utf-8"))
    plan = load_demo.load(data)
    reader = get_user_model().objects.get(username="head")
    return GoldenPlan("demo", Plan.objects.select_related("organisation").get(pk=plan.pk), reader)


def demo_usernames() -> list[str]:
    data = json.loads(load_demo.DEMO_FILE.read_text(encoding="utf-8"))
    return [user["username"] for user in data["users"]]


# -- Generated plans -------------------------------------------------------------------


def _store_figures(plan) -> None:
    """Made straight in the database: the lines' figures are stored as a change through the
    services would store them (decision 0020)."""
    from figures.services import refigure_plan

    refigure_plan(plan=plan)


def build_generated(name: str) -> GoldenPlan:
    seed, variant = GENERATED[name]
    return _Generator(random.Random(seed), name, variant).build()


class _Generator:
    def __init__(self, rng: random.Random, name: str, variant: str):
        self.rng = rng
        self.name = name
        self.variant = variant

    def build(self) -> GoldenPlan:
        organisation = OrganisationFactory(
            name=f"Golden Council {self.name}", slug=f"golden-{self.name}"
        )
        plan = PlanFactory(
            organisation=organisation,
            name=f"Golden plan {self.name}",
            slug=f"golden-{self.name}-2025",
            first_year=FIRST_YEAR,
            last_year=LAST_YEAR,
            committee="Children's Services Scrutiny Panel",
            meeting_date=date(2025, 3, 12),
        )
        self._assumptions(plan)
        grades, no_salary_grade, points = self._pay_scale(organisation)
        workstreams = [
            Workstream.objects.create(plan=plan, name=f"Workstream {i:02d}", position=i % 7)
            for i in range(20)
        ]
        teams = [
            Team.objects.create(organisation=organisation, name=f"District {i}") for i in range(10)
        ]
        findings = self._findings(organisation)
        sources = self._sources(organisation)
        lines = [
            self._line(plan, position, grades, no_salary_grade, points, workstreams, teams)
            for position in range(1, LINES + 1)
        ]
        PlanLine.objects.bulk_create(lines, batch_size=500)
        self._link_findings(lines, findings)
        self._allocate(lines, sources)
        _store_figures(plan)
        user = get_user_model().objects.create_user(
            f"{HEAD_OF_SERVICE}-{self.name}", password=PASSWORD
        )
        Membership.objects.create(user=user, organisation=organisation, role=Role.HEAD_OF_SERVICE)
        return GoldenPlan(
            self.name, Plan.objects.select_related("organisation").get(pk=plan.pk), user
        )

    def _assumptions(self, plan: Plan) -> None:
        true_cost = {
            "increments": True,
            "vacancy_factor_percent": Decimal("4.5"),
            "agency_share_percent": Decimal("15"),
            "agency_premium": Decimal("30000"),
            "recruitment_payment": Decimal("2500"),
            "retention_payment": Decimal("1250.50"),
        }
        if self.variant == "flat":
            set_assumptions(
                plan=plan,
                on_cost_method=OnCostMethod.FLAT,
                flat_on_cost_percent=Decimal("29"),
                pay_awards=[(2025, Decimal("2"), True), (2027, Decimal("2.5"), False)],
                **true_cost,
            )
        else:
            set_assumptions(
                plan=plan,
                on_cost_method=OnCostMethod.COMPUTED,
                pension_percent=Decimal("19.1"),
                levy_percent=Decimal("0.5"),
                pay_awards=[(year, Decimal("3"), year == 2026) for year in range(2026, 2030)],
                ni_rates=[
                    (2025, Decimal("15"), Decimal("5000")),
                    (2026, Decimal("15"), Decimal("5000")),
                    (2027, Decimal("15"), Decimal("5200")),
                ],
                **true_cost,
            )

    def _pay_scale(self, organisation):
        scale = PayScale.objects.create(organisation=organisation, name="NJC")
        points = []
        for ordinal in range(1, 44):
            point = SpinalPoint.objects.create(pay_scale=scale, code=str(ordinal), ordinal=ordinal)
            # A few odd pence, so rounding of each line's figures is exercised.
            salary = Decimal(21000 + 917 * ordinal) + Decimal(ordinal % 4) / 4
            SpinalSalary.objects.create(point=point, financial_year=FIRST_YEAR, salary=salary)
            points.append(point)
        # Later years' salaries for a few points, as councils key a new spine in.
        for point in points[10:20]:
            SpinalSalary.objects.create(
                point=point,
                financial_year=FIRST_YEAR + 2,
                salary=Decimal(23500 + 950 * point.ordinal),
            )
        grades = [
            Grade.objects.create(
                pay_scale=scale,
                code=f"G{i:02d}",
                bottom_point=points[i * 3],
                top_point=points[i * 3 + 4],
            )
            for i in range(12)
        ]
        # A grade over points with no salary keyed for the plan's years: lines on it
        # cannot be costed.
        empty = [
            SpinalPoint.objects.create(pay_scale=scale, code=f"X{i}", ordinal=100 + i)
            for i in range(2)
        ]
        no_salary = Grade.objects.create(
            pay_scale=scale, code="TBC-NEW", bottom_point=empty[0], top_point=empty[1]
        )
        return grades, no_salary, points

    def _findings(self, organisation) -> list[Finding]:
        inspection = Inspection.objects.create(
            organisation=organisation,
            kind="ilacs",
            date=date(2024, 11, 20),
            overall_judgement="inadequate",
        )
        return [
            Finding.objects.create(
                inspection=inspection,
                reference=f"para {i + 10}",
                text=" ".join(self.rng.choices(WORDS, k=14)),
                judgement_area="Help and protection" if i % 2 else "Leadership",
                position=i,
            )
            for i in range(30)
        ]

    def _sources(self, organisation) -> list[FundingSource]:
        ends = [None, date(2026, 3, 31), None, date(2027, 9, 30), None, date(2028, 3, 31)]
        kinds = list(SourceKind.values)
        sources = [
            FundingSource.objects.create(
                organisation=organisation,
                name=f"Source {chr(65 + i)}",
                kind=kinds[i % len(kinds)],
                end_date=end,
            )
            for i, end in enumerate(ends)
        ]
        for i, source in enumerate(sources[:4]):
            for year in range(FIRST_YEAR, LAST_YEAR + 1):
                FundingAvailability.objects.create(
                    source=source,
                    financial_year=year,
                    amount=Decimal(4_000_000 + 250_000 * i + year),
                )
        return sources

    def _line(
        self, plan, position, grades, no_salary_grade, points, workstreams, teams
    ) -> PlanLine:
        rng = self.rng
        roll = rng.random()
        start = date(FIRST_YEAR, 4, 1) + timedelta(days=rng.randrange(0, 900))
        line = PlanLine(
            plan=plan,
            position=position,
            section=f"Appendix {rng.randint(1, 3)}",
            title=f"{rng.choice(POSTS)} {position}",
            workstream=rng.choice(workstreams) if rng.random() > 0.05 else None,
            team=rng.choice(teams) if rng.random() > 0.1 else None,
            phase=rng.choice(["Phase 1", "Phase 2", "Phase 3", ""]),
            justification=" ".join(rng.choices(WORDS, k=12)),
            status=rng.choice(LineStatus.values),
            fte_in_post=Decimal("0"),
            start_date=start,
            duration_months=rng.choice([None, None, 12, 18, 24, 36]),
        )
        if roll < 0.50:
            self._new_post(line, grades, points)
        elif roll < 0.62:
            line.kind = LineKind.UPLIFT
            low = rng.randrange(0, 10)
            line.from_grade, line.grade = grades[low], grades[low + rng.randint(1, 2)]
            line.fte = Decimal(rng.choice(["1", "2", "0.5", "3.5"]))
        elif roll < 0.70:
            line.kind = LineKind.RELEASED_BUDGET
            line.grade = rng.choice(grades)
            line.fte = Decimal(rng.choice(["1", "0.6", "2"]))
        elif roll < 0.84:
            line.kind = LineKind.NON_STAFF
            line.title = f"Non-staff item {position}"
            line.one_off = rng.random() < 0.35
            line.amount = (
                Decimal(rng.randrange(500, 250_000)) + Decimal(rng.randrange(0, 100)) / 100
            )
            if line.one_off:
                line.duration_months = None
        elif roll < 0.90:
            # A stated salary where the grade is "tbc".
            line.grade_as_written = "tbc"
            line.annual_salary = Decimal(rng.randrange(28_000, 70_000)) + Decimal("0.50")
            line.fte = Decimal(rng.choice(["1", "0.8", "1.5"]))
        elif roll < 0.97:
            # A stated annual cost, some stated for another FTE than the line's.
            line.grade = rng.choice(grades) if rng.random() < 0.5 else None
            line.grade_as_written = "" if line.grade else "see note"
            line.fte = Decimal(rng.choice(["1", "2", "0.5"]))
            line.stated_annual_cost = Decimal(rng.randrange(40_000, 120_000)) + Decimal("0.25")
            line.stated_cost_fte = (
                line.fte if rng.random() < 0.6 else Decimal(rng.choice(["1", "2.5"]))
            )
        else:
            # Lines that cannot be costed: a grade with no salaries, or no pay at all.
            line.fte = Decimal("1")
            if rng.random() < 0.5:
                line.grade = no_salary_grade
            else:
                line.grade_as_written = "tbc"
        if position % 97 == 0:
            # Wholly outside the plan's years: before it, or after it.
            if rng.random() < 0.5:
                line.start_date, line.duration_months = date(2023, 4, 1), 12
            else:
                line.start_date, line.duration_months = date(LAST_YEAR + 2, 6, 1), None
            line.end_date = None
        return line

    def _new_post(self, line, grades, points) -> None:
        rng = self.rng
        line.kind = LineKind.NEW_POST
        grade = rng.choice(grades)
        line.grade = grade
        if rng.random() < 0.6:
            line.point = points[grade.bottom_point.ordinal - 1 + rng.randint(0, 4)]
        line.fte = Decimal(rng.choice(["0.5", "1", "1", "1.5", "2", "0.8"]))
        if rng.random() < 0.2:
            line.headcount = max(1, int(line.fte * 2))
        line.social_worker = rng.random() < 0.5
        line.reward_scheme = rng.random() < 0.3
        if rng.random() < 0.15:
            line.fte_in_post = min(line.fte, Decimal("1"))
        # The in-year forecast: when posts are now expected to be, or were, filled.
        tracker = rng.random()
        if tracker < 0.2:
            line.expected_start_date = line.start_date + timedelta(days=rng.randrange(30, 200))
            line.agency_cover = rng.random() < 0.5
        elif tracker < 0.3:
            line.actual_start_date = line.start_date + timedelta(days=rng.randrange(0, 90))
        elif tracker < 0.35:
            line.agency_cover = True
        if rng.random() < 0.1:
            line.duration_months = None
            line.end_date = line.start_date + timedelta(days=rng.randrange(200, 1000))

    def _link_findings(self, lines: list[PlanLine], findings: list[Finding]) -> None:
        through = PlanLine.findings.through
        links = []
        for line in lines:
            roll = self.rng.random()
            if roll < 0.4:
                continue
            count = 1 if roll < 0.8 else self.rng.randint(2, 3)
            for finding in self.rng.sample(findings[:26], count):  # the last four: unanswered
                links.append(through(planline_id=line.pk, finding_id=finding.pk))
        through.objects.bulk_create(links, batch_size=1000)

    def _allocate(self, lines: list[PlanLine], sources: list[FundingSource]) -> None:
        allocations = []
        for line in lines:
            roll = self.rng.random()
            if roll < 0.25:
                continue  # unfunded: requires additional funding
            chosen = self.rng.sample(sources, self.rng.randint(1, 3))
            if roll < 0.55:
                shares = [Decimal("100")] if len(chosen) == 1 else self._percents(len(chosen))
                for position, (source, percent) in enumerate(zip(chosen, shares, strict=False)):
                    allocations.append(
                        Allocation(line=line, source=source, percent=percent, position=position)
                    )
            elif roll < 0.8:
                for position, source in enumerate(chosen):
                    amount = Decimal(self.rng.randrange(1_000, 30_000)) + Decimal("0.33")
                    allocations.append(
                        Allocation(line=line, source=source, amount=amount, position=position)
                    )
            else:
                # A percentage from one source and a fixed amount from another.
                allocations.append(
                    Allocation(line=line, source=chosen[0], percent=Decimal("33.333"), position=0)
                )
                if len(chosen) > 1:
                    allocations.append(
                        Allocation(line=line, source=chosen[1], amount=Decimal("7500"), position=1)
                    )
        Allocation.objects.bulk_create(allocations, batch_size=1000)

    def _percents(self, ways: int) -> list[Decimal]:
        options = {
            2: [["50", "50"], ["60", "25"], ["12.5", "87.5"]],
            3: [["33.333", "33.333", "33.334"], ["10", "20", "30"]],
        }
        return [Decimal(p) for p in self.rng.choice(options[ways])]
