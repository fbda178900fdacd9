"""Line costs kept in the database, so a process that has not costed a plan yet (another
server worker, or any worker after a restart) reads them instead of costing every line
again; and never uses one worked out under anything other than what it rests on now."""

from datetime import date
from decimal import Decimal as D
from unittest import mock

import pytest
from django.db import OperationalError, transaction
from django.db.backends.utils import CursorWrapper

from figures.costing import (
    PlanCosting,
    costing_cache,
    from_stored_form,
    recosting_only_changed_lines,
    store_line_costs,
    stored_form,
)
from figures.costs.engine import (
    Assumptions,
    ComputedOnCost,
    CostEngine,
    CostingError,
    EmployerNI,
    Grade,
    GradePay,
    LineKind,
    NonStaffLine,
    PayAward,
    StaffLine,
    StatedSalary,
)
from figures.costs.financial_year import FinancialYear as FY
from investplan.models import Organisation
from posts.models import PlanLine, StoredLineCost
from posts.workspace import plan_costing

SW = Grade("SW", 1, 3, {point: {FY(2025): D(30000 + 1000 * point)} for point in (1, 2, 3)})
COMPUTED = ComputedOnCost(
    ni={FY(2025): EmployerNI(D("0.15"), D("5000"))}, pension_rate=D("0.19"), levy_rate=D("0.005")
)
AWARDS = {FY(2026): PayAward(D("0.03"), agreed=True), FY(2027): PayAward(D("0.025"))}


def engine(on_cost=COMPUTED) -> CostEngine:
    return CostEngine(Assumptions(FY(2025), FY(2027), on_cost, AWARDS, increments=True))


LINES = {
    "a post starting mid-month, on computed NI, with increments": StaffLine(
        LineKind.NEW_POST, D("1.5"), date(2025, 11, 17), None, GradePay(SW, 1), headcount=2
    ),
    "an uplift": StaffLine(
        LineKind.UPLIFT,
        D("1"),
        date(2025, 4, 1),
        date(2027, 3, 31),
        GradePay(SW, 3),
        GradePay(SW, 1),
    ),
    "released budget": StaffLine(
        LineKind.RELEASED_BUDGET, D("0.5"), date(2026, 1, 1), None, GradePay(SW, 2)
    ),
    "a stated annual cost beside its grade arithmetic": StaffLine(
        LineKind.NEW_POST,
        D("1"),
        date(2025, 4, 1),
        None,
        StatedSalary(D("41234.56")),
        stated_annual_cost=D("55000"),
    ),
    "a stated annual cost whose grade arithmetic cannot be done": StaffLine(
        LineKind.NEW_POST, D("1"), date(2025, 4, 1), None, None, stated_annual_cost=D("55000")
    ),
    "a one-off cost": NonStaffLine(D("12500.50"), date(2026, 6, 1), one_off=True),
    "a recurring cost ending mid-year": NonStaffLine(
        D("9000"), date(2025, 7, 1), date(2026, 10, 15)
    ),
}


@pytest.mark.parametrize("line", LINES.values(), ids=LINES.keys())
def test_it_reads_back_exactly_the_cost_it_stored(line):
    worked_out = engine().cost(line)
    years = {year.start_year: year for year in worked_out.years}

    read, error = from_stored_form(stored_form((worked_out, "")), years, lambda: None)

    assert error == ""
    for name in (
        "years",
        "full_year_effect",
        "start_year",
        "full_year_salary",
        "stated_annual_cost",
        "computed_full_year_effect",
        "computed_note",
    ):
        assert getattr(read, name) == getattr(worked_out, name), name
    # Not only equal: the same digits, so a figure printed from either is the same.
    assert [str(amount) for amount in read.years.values()] == [
        str(amount) for amount in worked_out.years.values()
    ]


def test_it_reads_back_why_a_line_cannot_be_costed():
    line = StaffLine(LineKind.NEW_POST, D("1"), date(2025, 4, 1), None, None)
    with pytest.raises(CostingError) as refused:
        engine().cost(line)

    assert from_stored_form(stored_form((None, str(refused.value))), {}, lambda: None) == (
        None,
        "A post needs a grade and point, or a stated salary",
    )


# ---------------------------------------------------------------------------------------
# Stored and read through the costing cache


@pytest.fixture
def plan(two_posts):
    """Two posts at £40,000 and £30,000 from April 2025, on 29% on-costs."""
    return two_posts


def first_year_costs(costing) -> list[D]:
    return [costed.cost.years[FY(2025)] for costed in costing.costed]


def stored_figures(row: StoredLineCost) -> list[D]:
    return [D(figure) for figure in row.cost.split() if figure != "-"]


def in_a_fresh_process():
    """Forget everything this process has costed, as another worker or a restart would."""
    costing_cache.clear()


@pytest.mark.django_db
def test_it_stores_every_line_cost_the_first_time_a_plan_is_costed(plan):
    plan_costing(plan)

    stored = StoredLineCost.objects.filter(line__plan=plan).order_by("line__position")
    # The year each starts in and its full-year effect: £40,000 and £30,000 plus 29%.
    assert [stored_figures(row)[:2] for row in stored] == [[2025, 51600], [2025, 38700]]


@pytest.mark.django_db
def test_it_reads_stored_costs_instead_of_costing_the_lines_again(plan):
    before = first_year_costs(plan_costing(plan))
    in_a_fresh_process()

    with mock.patch.object(CostEngine, "cost", side_effect=AssertionError("costed again")):
        after = plan_costing(plan)

    assert first_year_costs(after) == before == [D("51600"), D("38700")]


@pytest.mark.django_db
def test_it_builds_the_working_of_a_stored_cost_when_asked(plan):
    worked_out = plan_costing(plan).costed[0].cost
    in_a_fresh_process()

    read = plan_costing(plan).costed[0].cost

    assert read.pieces == worked_out.pieces
    assert sum(piece.amount for piece in read.pieces) == read.total == D("103200")


@pytest.mark.django_db
def test_it_costs_a_line_again_when_its_facts_changed_since_its_cost_was_stored(plan):
    plan_costing(plan)
    # Changed as an import or a bulk edit might change it, around every service.
    PlanLine.objects.filter(plan=plan, position=1).update(fte=D("0.5"))
    plan.bump_revision(plan.pk)
    in_a_fresh_process()

    costing = plan_costing(plan)

    assert first_year_costs(costing) == [D("25800"), D("38700")]
    assert stored_figures(StoredLineCost.objects.get(line__plan=plan, line__position=1))[1] == 25800


@pytest.mark.django_db
def test_it_costs_every_line_again_once_the_councils_reference_data_moved(plan):
    plan_costing(plan)
    Organisation.bump_revision(plan.organisation_id)
    in_a_fresh_process()

    costed, cost = [], CostEngine.cost

    def counting(engine, line):
        costed.append(line)
        return cost(engine, line)

    with mock.patch.object(CostEngine, "cost", counting):
        plan_costing(plan)

    assert len(costed) == 2


@pytest.mark.django_db
def test_it_costs_every_line_again_under_new_assumptions(plan):
    plan_costing(plan)
    plan.assumptions.flat_on_cost_percent = D("30")
    plan.assumptions.save()
    plan.refresh_from_db()
    in_a_fresh_process()

    assert first_year_costs(plan_costing(plan)) == [D("52000"), D("39000")]


@pytest.mark.django_db
def test_it_leaves_costs_already_stored_alone(plan):
    plan_costing(plan)
    in_a_fresh_process()

    assert plan_costing(plan).unstored == []


@pytest.mark.django_db
def test_it_stores_nothing_for_a_what_if(plan):
    costing = PlanCosting(plan, PlanLine.objects.filter(plan=plan).for_costing())

    assert store_line_costs(costing=costing) == 0
    assert not StoredLineCost.objects.exists()


@pytest.mark.django_db
def test_it_stores_the_new_cost_of_a_line_saved_through_a_change(plan):
    plan_costing(plan)
    line = PlanLine.objects.get(plan=plan, position=2)
    with transaction.atomic(), recosting_only_changed_lines(plan.pk) as changes:
        line.fte = D("2")
        line.save()
        changes.saved.add(line.pk)

    assert stored_figures(StoredLineCost.objects.get(line=line))[1] == 77400


@pytest.mark.django_db
def test_it_gives_up_storing_quietly_when_the_database_refuses(plan, caplog):
    in_a_fresh_process()
    execute = CursorWrapper.execute

    def locked_for_stored_costs(cursor, sql, params=None):
        if sql.startswith(f'INSERT INTO "{StoredLineCost._meta.db_table}"'):
            raise OperationalError("database is locked")
        return execute(cursor, sql, params)

    with mock.patch.object(CursorWrapper, "execute", locked_for_stored_costs):
        costing = plan_costing(plan)
    # The transaction around it goes on as if nothing had happened.
    lines = PlanLine.objects.filter(plan=plan).count()

    assert (len(costing.unstored), lines) == (2, 2)
    assert not StoredLineCost.objects.exists()
    assert "not stored: database is locked" in caplog.text


@pytest.mark.django_db
def test_it_deletes_a_lines_stored_cost_with_the_line(plan):
    plan_costing(plan)

    PlanLine.objects.get(plan=plan, position=1).delete()

    assert list(StoredLineCost.objects.values_list("line__position", flat=True)) == [2]
