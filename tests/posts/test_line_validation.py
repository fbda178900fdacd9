"""Bad input on a line gets a clear message on the field, in the form and in the admin,
and the database refuses it too."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from posts.forms import PlanLineForm
from posts.models import PlanLine
from tests.factories import PayScaleFactory, PlanLineFactory, line_form_data, make_grade

pytestmark = pytest.mark.django_db


def form_data(plan, **overrides):
    return line_form_data(plan, **overrides)


def test_it_accepts_a_valid_line(plan):
    form = PlanLineForm(data=form_data(plan))

    assert form.is_valid(), form.errors


@pytest.mark.parametrize("fte", ["0", "-0.5"])
def test_it_refuses_fte_of_zero_or_below_on_the_form(plan, fte):
    form = PlanLineForm(data=form_data(plan, fte=fte))

    assert not form.is_valid()
    assert form.errors["fte"] == [
        f"FTE must be above zero (you entered {Decimal(fte).normalize():f})."
    ]


@pytest.mark.parametrize("fte", ["99999.99", "1e4", "1000.01"])
def test_it_refuses_more_fte_on_one_line_than_a_whole_workforce(plan, fte):
    form = PlanLineForm(data=form_data(plan, fte=fte))

    assert not form.is_valid()
    assert form.errors["fte"] == [
        "An FTE above 1,000 on one line is more than a council's whole children's "
        f"workforce: check it (you entered {Decimal(fte).normalize():f})."
    ]


def test_it_refuses_an_end_before_the_start_on_the_form(plan):
    form = PlanLineForm(data=form_data(plan, start_date="2020-10-01", end_date="2020-09-30"))

    assert not form.is_valid()
    assert form.errors["end_date"] == [
        "The end date (30 Sep 2020) is before the start date (1 Oct 2020)."
    ]


def test_it_refuses_a_grade_with_no_salary_for_a_year_the_line_spans(plan):
    scale = PayScaleFactory(organisation=plan.organisation)
    grade = make_grade(scale, "K", ["32878"], year=2021)

    form = PlanLineForm(data=form_data(plan, grade=grade.pk, annual_salary_0=""))

    assert not form.is_valid()
    assert form.errors["grade"] == [
        "Grade K has no salary for point K1 in 2020/21 or any earlier year"
    ]


def test_it_refuses_a_grade_from_another_councils_pay_scale(plan):
    grade = make_grade(PayScaleFactory(), "K", ["32878"])

    form = PlanLineForm(data=form_data(plan, grade=grade.pk, annual_salary_0=""))

    assert not form.is_valid()
    assert "This grade is on another council's pay scale." in form.errors["grade"]


def test_it_shows_the_fte_message_in_the_admin(admin_client, plan):
    url = reverse("admin:posts_planline_add")
    data = form_data(plan, fte="0")

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "FTE must be above zero (you entered 0)." in response.content.decode()
    assert not PlanLine.objects.exists()


def test_it_shows_the_end_date_message_in_the_admin(admin_client, plan):
    line = PlanLineFactory(plan=plan)
    url = reverse("admin:posts_planline_change", args=[line.pk])
    data = form_data(plan, start_date="2021-01-01", end_date="2020-12-31")

    response = admin_client.post(url, data)

    assert "The end date (31 Dec 2020) is before the start date (1 Jan 2021)." in (
        response.content.decode()
    )
    line.refresh_from_db()
    assert line.end_date is None


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"fte": Decimal("0")}, "line_fte_above_zero"),
        ({"end_date": date(2020, 3, 31)}, "line_end_not_before_start"),
        ({"fte": None}, "staff_line_has_fte"),
    ],
)
def test_it_is_refused_by_the_database_even_without_the_form(plan, fields, constraint):
    line = PlanLineFactory(plan=plan)
    for field, value in fields.items():
        setattr(line, field, value)

    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        line.save()

    assert constraint in str(raised.value) or "CHECK constraint failed" in str(raised.value)


def test_it_reads_a_duration_in_months_as_an_end_date(plan):
    line = PlanLineFactory.build(plan=plan, start_date=date(2020, 4, 1), duration_months=24)

    assert line.effective_end_date == date(2022, 3, 31)
    assert line.duration_label == "2 years"


def test_it_shows_the_stated_cost_the_grade_arithmetic_and_the_difference_in_the_admin(
    admin_client, plan
):
    grade = make_grade(PayScaleFactory(organisation=plan.organisation), "N", ["41675"])
    line = PlanLineFactory(
        plan=plan,
        grade=grade,
        annual_salary=None,
        fte=Decimal("4"),
        stated_annual_cost=Decimal("212000"),
    )

    page = admin_client.get(reverse("admin:posts_planline_change", args=[line.pk])).content.decode()

    assert "Stated annual cost (used)</th><td>212,000.00" in page
    assert "By the grade arithmetic</th><td>215,043.00" in page
    assert "Difference (stated less arithmetic)</th><td>-3,043.00" in page
    assert "grade N point N1, 2020/21 spine £41,675.00" in page


# One breach of each check constraint on a line. The line service skips Django's own check
# of the constraints (a query each) because clean() states every one of them in the users'
# words; these cases prove it does.
BREACHES = {
    "line_kind_known": {"kind": "bonus"},
    "line_status_known": {"status": "maybe"},
    "line_fte_above_zero": {"fte": Decimal("0")},
    "staff_line_has_fte": {"fte": None},
    "line_fte_in_post_not_negative": {"fte_in_post": Decimal("-1")},
    "line_headcount_at_least_one": {"headcount": 0},
    "line_end_not_before_start": {"end_date": date(2020, 3, 31)},
    "line_end_date_or_duration": {"end_date": date(2021, 3, 31), "duration_months": 12},
    "line_duration_above_zero": {"duration_months": 0},
    "line_point_needs_grade": {"point": "a point"},
    "line_amount_not_negative": {"amount": Decimal("-1")},
    "line_stated_cost_not_negative": {"stated_annual_cost": Decimal("-1")},
    "line_salary_not_negative": {"annual_salary": Decimal("-1")},
    "line_stated_cost_fte_above_zero": {"stated_cost_fte": Decimal("0")},
}


def test_it_has_a_breach_for_every_check_constraint_on_a_line():
    constraints = {c.name for c in PlanLine._meta.constraints if hasattr(c, "condition")}

    assert constraints == set(BREACHES)


@pytest.mark.parametrize("constraint", sorted(BREACHES))
def test_it_refuses_each_constraint_breach_in_clean_with_a_message(plan, constraint):
    line = PlanLineFactory(plan=plan)
    for field, value in BREACHES[constraint].items():
        if value == "a point":
            value = make_grade(
                PayScaleFactory(organisation=plan.organisation), "K", ["1"]
            ).bottom_point
        setattr(line, field, value)

    with pytest.raises(ValidationError) as raised:
        line.full_clean(validate_constraints=False)

    assert set(raised.value.message_dict) & set(BREACHES[constraint])
