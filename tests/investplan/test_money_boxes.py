"""Money and percentages typed as finance officers write them, in every form: £, commas
and spaces, pence to two places; one message for a box, in the users' words."""

from decimal import Decimal

import pytest

from funding.forms import AllocationForm
from investplan.forms import NewPlanForm, YearGridForm, assumptions_forms
from posts.forms import PlanLineEditForm
from posts.models import PlanLine
from tests.factories import FundingSourceFactory, PlanFactory, line_form_data

pytestmark = pytest.mark.django_db
NOT_POUNDS = "Give the amount in pounds, e.g. £46,355.50"
TOO_MUCH = "Give an amount of at most £999,999,999,999.99"


def line_form(plan, **typed):
    data = line_form_data(plan, **{"annual_salary": "32878", **typed})
    return PlanLineEditForm(data=data, instance=PlanLine(plan=plan), plan=plan)


def grid(*, cell):
    return YearGridForm(
        {"available-r1-y2025": cell},
        rows=[(1, "Grant")],
        years=[2025],
        values={},
        prefix="available",
        what="Money",
    )


@pytest.mark.parametrize(
    ("typed", "read"),
    [("250,000", Decimal("250000")), ("£125000.50", Decimal("125000.50")), ("£ 1 000", 1000)],
)
def test_it_reads_pounds_as_people_write_them_in_the_funding_sources_grid(typed, read):
    form = grid(cell=typed)

    assert form.is_valid(), form.errors
    assert form.amounts() == {(1, 2025): Decimal(read)}


@pytest.mark.parametrize(("field"), ["stated_annual_cost", "annual_salary"])
def test_it_reads_a_lines_stated_cost_or_salary_written_with_a_pound_sign(plan, field):
    form = line_form(plan, **{field: "£46,355"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data[field] == Decimal("46355")


def test_it_says_in_words_that_a_money_box_needs_pounds():
    form = grid(cell="forty pounds")

    assert not form.is_valid()
    assert form.errors["r1-y2025"] == [NOT_POUNDS]


def test_it_says_in_words_how_large_an_amount_can_be():
    form = grid(cell="£1,234,567,890,123")

    assert not form.is_valid()
    assert form.errors["r1-y2025"] == [TOO_MUCH]


def test_it_says_in_words_how_large_a_lines_salary_can_be(plan):
    form = line_form(plan, annual_salary="12345678901")

    assert not form.is_valid()
    assert form.errors["annual_salary"] == ["Give an amount of at most £9,999,999,999.99"]


def test_it_says_in_words_that_pence_go_to_two_places():
    form = grid(cell="£10.505")

    assert not form.is_valid()
    assert form.errors["r1-y2025"] == ["Give pence to two places at most, e.g. £46,355.50"]


def test_it_reads_an_allocations_fixed_amount_with_commas(plan):
    source = FundingSourceFactory(organisation=plan.organisation)

    form = AllocationForm(data={"source": source.pk, "percent": "", "amount": "£12,000"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal("12000")


def assumptions_data(plan, **changes):
    form, awards, rates = assumptions_forms(plan)
    data = {
        field.html_name: "" if field.value() is None else field.value()
        for field in form
        if field.value() is not False
    }
    for formset in (awards, rates):
        data.update({field.html_name: field.value() for field in formset.management_form})
    data.update({f"assumptions-{name}": value for name, value in changes.items()})
    return data


def test_it_gives_one_message_for_an_on_cost_of_a_billion_percent(plan):
    form, _, _ = assumptions_forms(plan, assumptions_data(plan, flat_on_cost_percent="1e9"))

    assert not form.is_valid()
    assert form.errors["flat_on_cost_percent"] == ["Give a percentage between 0 and 100, e.g. 29.5"]


def test_it_reads_a_percentage_written_with_a_percent_sign(plan):
    form, _, _ = assumptions_forms(plan, assumptions_data(plan, levy_percent="0.5%"))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["levy_percent"] == Decimal("0.5")


def test_it_gives_one_message_for_a_new_plans_on_cost_of_a_billion_percent():
    plan = PlanFactory()
    form = NewPlanForm(
        {
            "name": "Next",
            "first_year": "2025/26",
            "last_year": "2026/27",
            "on_cost_method": "flat",
            "flat_on_cost_percent": "1000000000",
        },
        plans=[plan],
    )

    assert not form.is_valid()
    assert form.errors["flat_on_cost_percent"] == ["Give a percentage between 0 and 100, e.g. 29.5"]


def test_it_reads_an_ni_threshold_written_with_a_pound_sign(plan):
    data = assumptions_data(plan)
    data.update(
        {
            "ni-TOTAL_FORMS": "1",
            "ni-0-financial_year": "2025/26",
            "ni-0-percent": "15%",
            "ni-0-secondary_threshold": "£5,000",
        }
    )
    _, _, rates = assumptions_forms(plan, data)

    assert rates.is_valid(), rates.errors
    assert rates.forms[0].cleaned_data["secondary_threshold"] == Decimal("5000")
