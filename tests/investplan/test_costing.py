"""Reading a plan into the cost engine: line costs shared between costings by the line's
facts, under the same assumptions and the same council reference data."""

from datetime import date
from decimal import Decimal

import pytest

from figures.costing import (
    LINE_FACTS,
    KnownLineCosts,
    PlanCosting,
    SharedLineCosts,
    SpineCache,
    engine_assumptions,
    engine_line,
)
from figures.costs.money import POUND
from investplan.models import Assumptions
from investplan.services import copy_plan_as_scenario
from posts.models import LineKind, PlanLine, SpinalSalary
from posts.workspace import plan_costing
from reports.rollups import rollup
from tests.factories import PayScaleFactory, PlanLineFactory, make_grade

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(two_posts):
    """Two posts at £40,000 and £30,000 from April 2025, on 29% on-costs."""
    return two_posts


def lines_of(plan):
    return PlanLine.objects.filter(plan=plan).order_by("position").for_costing()


def test_it_costs_a_line_its_copy_shares_once_for_both_plans(plan):
    copy = copy_plan_as_scenario(plan=plan, name="Efficient structure")
    known = KnownLineCosts()

    first = PlanCosting(plan, lines_of(plan), known=known)
    second = PlanCosting(copy, lines_of(copy), known=known)

    assert [costed.cost for costed in second.costed] == [costed.cost for costed in first.costed]
    assert all(
        mine.cost is theirs.cost for mine, theirs in zip(first.costed, second.costed, strict=True)
    )
    assert len(known.costs) == 2


def test_it_costs_afresh_a_line_whose_facts_differ_from_its_copy(plan):
    copy = copy_plan_as_scenario(plan=plan, name="Efficient structure")
    PlanLine.objects.filter(plan=copy, position=1).update(fte=Decimal("0.5"))
    known = KnownLineCosts()
    PlanCosting(plan, lines_of(plan), known=known)

    second = PlanCosting(copy, lines_of(copy), known=known)

    # Half of £40,000 plus 29% on-costs for a year, against £51,600 for the whole post.
    assert second.costed[0].cost.years[min(second.years)] == Decimal("25800")
    assert len(known.costs) == 3


def test_it_keeps_line_costs_apart_under_other_assumptions(plan):
    shared = SharedLineCosts()
    assumptions = engine_assumptions(plan)
    other = engine_assumptions(plan)
    other = type(other)(
        first_year=other.first_year,
        last_year=other.last_year,
        on_cost=type(other.on_cost)(Decimal("0.30")),
    )

    known = shared.under(("council", 1), assumptions)

    assert shared.under(("council", 1), assumptions) is known
    assert shared.under(("council", 1), other) is not known
    assert shared.under(("council", 2), assumptions) is not known


def test_it_costs_again_after_the_plans_on_cost_rate_changes(plan):
    before = plan_costing(plan).costed[0].cost.years

    assumptions = Assumptions.objects.get(plan=plan)
    assumptions.flat_on_cost_percent = Decimal("30")
    assumptions.save()
    plan.refresh_from_db()
    after = plan_costing(plan).costed[0].cost.years

    year = min(before)
    assert (before[year], after[year]) == (Decimal("51600"), Decimal("52000"))


def test_it_costs_again_after_the_councils_spine_changes(plan):
    grade = make_grade(PayScaleFactory(organisation=plan.organisation), "SW", ["30000"], 2025)
    PlanLine.objects.filter(plan=plan).update(grade=grade, point=grade.bottom_point)
    plan.bump_revision(plan.pk)
    copy = copy_plan_as_scenario(plan=plan, name="Efficient structure")
    before = plan_costing(plan).costed[0].cost.years

    salary = SpinalSalary.objects.get(point=grade.bottom_point)
    salary.salary = Decimal("40000")
    salary.save()  # moves the council's revision
    after = plan_costing(copy).costed[0].cost.years

    year = min(before)
    assert (before[year], after[year]) == (Decimal("38700"), Decimal("51600"))


class Reading:
    """A line that notes which of its attributes are read."""

    def __init__(self, line):
        self._line = line
        self.read = set()

    def __getattr__(self, name):
        self.read.add(name)
        return getattr(self._line, name)


# What engine_line reads, in the line's own facts: related rows by their ids (their own
# contents are council reference data), the effective end date from its makings.
READ_AS = {
    "grade": {"grade_id"},
    "point": {"point_id"},
    "from_grade": {"from_grade_id"},
    "from_point": {"from_point_id"},
    "effective_end_date": {"start_date", "end_date", "duration_months"},
}


@pytest.mark.parametrize(
    "facts",
    [
        {"kind": LineKind.NEW_POST, "duration_months": 24},
        {"kind": LineKind.UPLIFT, "end_date": date(2026, 3, 31)},
        {"kind": LineKind.RELEASED_BUDGET},
        {"kind": LineKind.NEW_POST, "stated_annual_cost": Decimal("45000")},
        {
            "kind": LineKind.NEW_POST,
            "stated_annual_cost": Decimal("45000"),
            "stated_cost_fte": Decimal("2"),
        },
        {"kind": LineKind.NON_STAFF, "amount": Decimal("5000"), "one_off": True},
    ],
)
def test_it_keys_shared_line_costs_on_every_fact_the_engine_reads(plan, facts):
    scale = PayScaleFactory(organisation=plan.organisation)
    grade = make_grade(scale, "SW", ["30000", "31000"], 2025)
    line = PlanLineFactory(
        plan=plan, grade=grade, from_grade=grade, start_date=date(2025, 4, 1), **facts
    )
    reading = Reading(PlanLine.objects.filter(pk=line.pk).for_costing()[0])

    engine_line(reading, SpineCache([scale.pk]))

    read = set().union(*(READ_AS.get(name, {name}) for name in reading.read))
    assert read <= set(LINE_FACTS), read - set(LINE_FACTS)


def test_it_gives_each_line_its_own_figures_when_lines_share_a_cost(plan):
    copy = copy_plan_as_scenario(plan=plan, name="Efficient structure")
    known = KnownLineCosts()
    first = PlanCosting(plan, lines_of(plan), known=known).figures(Decimal("1"))
    second = PlanCosting(copy, lines_of(copy), known=known).figures(Decimal("1"))
    year = min(first[0].years)

    second[0].years[year] += Decimal("1")

    assert first[0].years[year] == Decimal("51600")
    assert second[0].years[year] == Decimal("51601")


def test_it_works_a_rollup_out_once_per_costing_and_afresh_for_a_recosting(plan):
    costing = PlanCosting(plan)
    recosted = costing.with_lines([])

    once = rollup(plan, "funding", POUND, costing=costing)

    assert rollup(plan, "funding", POUND, costing=costing) is once
    assert rollup(plan, "funding", POUND, costing=recosted) is not once
    assert rollup(plan, "funding", POUND, costing=recosted).totals == once.totals


def test_it_starts_a_group_of_line_costs_afresh_once_it_holds_too_many(plan):
    shared = SharedLineCosts(most_lines=2)
    assumptions = engine_assumptions(plan)
    known = shared.under(("council", 1), assumptions)
    PlanCosting(plan, lines_of(plan), known=known)
    assert shared.under(("council", 1), assumptions) is known

    PlanLineFactory(plan=plan, annual_salary=Decimal("20000"), position=3)
    PlanCosting(plan, lines_of(plan), known=known)

    assert len(known.costs) == 3
    assert shared.under(("council", 1), assumptions).costs == {}
