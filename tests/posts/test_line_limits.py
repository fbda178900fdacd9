"""Dates and durations a plan line can hold, one set of limits wherever a line is saved:
its own page, the in-place edit, its live preview (the paste and the import say the same)."""

import pytest
from django.urls import reverse

from posts.forms import PlanLineForm
from posts.models import PlanLine
from posts.services import line_version
from tests.factories import MembershipFactory, PlanFactory, PlanLineFactory, line_form_data

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
TOO_LONG = (
    "A duration of 999,999,999 months is longer than a plan line can run (100 years); "
    "leave it blank for a permanent post."
)


@pytest.fixture
def setting():
    from investplan.models import Role

    plan = PlanFactory(first_year=2025, last_year=2026)
    line = PlanLineFactory(plan=plan, title="Social Worker", start_date="2025-04-01")
    user = MembershipFactory(organisation=plan.organisation, role=Role.FINANCE_OFFICER).user
    return plan, line, user


def in_place(line, **changes):
    data = {
        "title": line.title,
        "fte": str(line.fte),
        "start_date": str(line.start_date),
        "duration_months": "",
        "version": line_version(line) or "",
    }
    data.update(changes)
    return data


def test_it_refuses_a_start_in_year_9999_in_place_without_a_500(client, setting):
    plan, line, user = setting
    client.force_login(user)
    data = in_place(line, start_date="9999-12-31", duration_months="24")

    response = client.post(reverse("posts:line-in-place", args=[plan.slug, line.pk]), data, **HTMX)

    assert response.status_code == 422
    assert (
        "The start date 31 Dec 9999 is not one a plan line can hold (years 1900 to 2199)."
        in response.content.decode()
    )
    assert str(PlanLine.objects.get(pk=line.pk).start_date) == "2025-04-01"


def test_it_refuses_a_duration_of_999999999_months_in_place(client, setting):
    plan, line, user = setting
    client.force_login(user)
    data = in_place(line, duration_months="999999999")

    response = client.post(reverse("posts:line-in-place", args=[plan.slug, line.pk]), data, **HTMX)

    assert response.status_code == 422
    assert TOO_LONG in response.content.decode()
    assert PlanLine.objects.get(pk=line.pk).duration_months is None


def test_it_previews_a_duration_of_240000_months_as_an_error_not_a_500(client, setting):
    plan, line, user = setting
    client.force_login(user)
    data = in_place(line, duration_months="240000")

    response = client.post(reverse("posts:line-preview", args=[plan.slug, line.pk]), data, **HTMX)

    assert response.status_code == 200
    assert "A duration of 240,000 months is longer than a plan line can run (100 years)" in (
        response.content.decode()
    )


def test_it_refuses_a_start_in_year_1_on_the_lines_page(client, setting):
    plan, line, user = setting
    client.force_login(user)
    data = line_form_data(plan, start_date="0001-01-01", version=line_version(line))

    response = client.post(reverse("posts:line", args=[plan.slug, line.pk]), data)

    assert response.status_code == 422
    assert "The start date 1 Jan 0001 is not one a plan line can hold" in (
        response.content.decode()
    )
    assert str(PlanLine.objects.get(pk=line.pk).start_date) == "2025-04-01"


@pytest.mark.parametrize(
    ("field", "words"),
    [
        ("end_date", "The end date 31 Dec 9999"),
        ("expected_start_date", "The expected start date 31 Dec 9999"),
        ("actual_start_date", "The actual start date 31 Dec 9999"),
    ],
)
def test_it_refuses_every_date_of_a_line_outside_the_years_it_can_hold(plan, field, words):
    form = PlanLineForm(data=line_form_data(plan, **{field: "9999-12-31"}))

    assert not form.is_valid()
    assert form.errors[field] == [f"{words} is not one a plan line can hold (years 1900 to 2199)."]


def test_it_says_once_that_a_duration_of_twenty_digits_is_too_long(plan):
    from posts.forms import PlanLineEditForm

    data = line_form_data(plan, annual_salary="32878", duration_months="99999999999999999999")
    form = PlanLineEditForm(data=data, instance=PlanLine(plan=plan), plan=plan)

    assert not form.is_valid()
    assert form.errors["duration_months"] == [
        "A duration of 99,999,999,999,999,999,999 months is longer than a plan line can run "
        "(100 years); leave it blank for a permanent post."
    ]


@pytest.mark.parametrize("typed", ["1e9", "1000000000"])
def test_it_says_in_the_users_words_that_an_fte_of_a_billion_is_out_of_range(plan, typed):
    from posts.forms import PlanLineEditForm

    data = line_form_data(plan, annual_salary="32878", fte=typed)
    form = PlanLineEditForm(data=data, instance=PlanLine(plan=plan), plan=plan)

    assert not form.is_valid()
    assert form.errors["fte"][0] == "FTE must be between 0.01 and 1,000: check it."
    assert not any("digits" in message for message in form.errors["fte"])


def test_it_refuses_an_fte_of_a_billion_in_place_in_the_users_words(client, setting):
    plan, line, user = setting
    client.force_login(user)
    data = in_place(line, fte="1e9")

    response = client.post(reverse("posts:line-in-place", args=[plan.slug, line.pk]), data, **HTMX)

    assert response.status_code == 422
    assert "FTE must be between 0.01 and 1,000: check it." in response.content.decode()
    assert "Ensure that there are no more than" not in response.content.decode()


def test_it_gives_a_new_post_typed_with_an_fte_of_a_billion_one_message(plan):
    from posts.forms import PlanLineEditForm

    data = line_form_data(plan, annual_salary="32878", fte="1e9")
    form = PlanLineEditForm(data=data, instance=PlanLine(plan=plan), plan=plan)

    assert not form.is_valid()
    assert form.errors["fte"] == ["FTE must be between 0.01 and 1,000: check it."]


def test_it_still_says_a_post_needs_an_fte_when_none_is_typed(plan):
    from posts.forms import PlanLineEditForm

    data = line_form_data(plan, annual_salary="32878", fte="")
    form = PlanLineEditForm(data=data, instance=PlanLine(plan=plan), plan=plan)

    assert not form.is_valid()
    assert form.errors["fte"] == ["A post needs an FTE."]
