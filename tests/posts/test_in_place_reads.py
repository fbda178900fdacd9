"""Saving a line in place, and its Edit row, read what they need once (issue 18, point 6;
decision 0036): the plan's assumptions once a save, no sums for the Edit row, and a line
that cannot be costed is still refused with its message on the grade."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from investplan.models import Role
from posts.models import PlanLine
from tests.factories import (
    MembershipFactory,
    PayScaleFactory,
    PlanFactory,
    PlanLineFactory,
    WorkstreamFactory,
    make_grade,
    refigured,
)
from tests.posts.test_line_views import HTMX, in_place

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(client):
    plan = PlanFactory(first_year=2025, last_year=2026)
    line = PlanLineFactory(
        plan=plan,
        title="Social Worker",
        workstream=WorkstreamFactory(plan=plan, name="Front door"),
        annual_salary=Decimal("40000"),
        start_date="2025-04-01",
    )
    refigured(plan)
    client.force_login(
        MembershipFactory(organisation=plan.organisation, role=Role.FINANCE_OFFICER).user
    )
    return plan, line


def _reading(sql: str, table: str) -> bool:
    return f'FROM "{table}"' in sql


def test_it_reads_the_plans_assumptions_once_to_save_a_line_in_place(client, setting):
    plan, line = setting
    address, data = in_place(plan, line, fte="0.5")

    with CaptureQueriesContext(connection) as queries:
        response = client.post(address, data, **HTMX)

    assert response.status_code == 200
    assert PlanLine.objects.get(pk=line.pk).fte == Decimal("0.5")
    read = [query["sql"] for query in queries if _reading(query["sql"], "investplan_assumptions")]
    assert len(read) == 1


def test_it_answers_the_edit_row_without_adding_up_the_plan(client, setting):
    plan, line = setting
    address, _ = in_place(plan, line)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(address, **HTMX)

    assert response.status_code == 200
    assert 'name="fte"' in response.content.decode()
    assert not [query["sql"] for query in queries if "GROUP BY" in query["sql"]]


def test_it_refuses_an_in_place_save_it_cannot_cost_with_the_reason_on_the_grade(client, setting):
    plan, line = setting
    grade = make_grade(PayScaleFactory(organisation=plan.organisation), "K", [30000], year=2030)
    address, data = in_place(plan, line, grade=str(grade.pk))

    response = client.post(address, data, **HTMX)

    page = response.content.decode()
    assert response.status_code == 422
    assert "Grade K has no salary for point K1 in 2025/26 or any earlier year" in page
    assert 'for="grade-' in page.split("has no salary")[0].rsplit("<td", 1)[1]
    assert PlanLine.objects.get(pk=line.pk).grade_id is None


def _saving_reads(client, plan, line) -> list[str]:
    """The SQL of saving the line's FTE in place, once it has answered its row."""
    address, data = in_place(plan, line, fte="0.5")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(address, data, **HTMX)
    assert response.status_code == 200
    return [query["sql"] for query in queries]


def _answering_edit_reads(client, plan, line) -> list[str]:
    address, _ = in_place(plan, line)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address, **HTMX)
    assert response.status_code == 200
    return [query["sql"] for query in queries]


def test_it_reads_the_lines_version_once_to_save_a_change_in_place(client, setting):
    read = _saving_reads(client, *setting)

    assert len([sql for sql in read if _reading(sql, "posts_historicalplanline")]) == 1


def test_it_answers_a_saved_row_without_listing_the_lines_that_cannot_be_costed(client, setting):
    read = _saving_reads(client, *setting)

    assert not [sql for sql in read if 'NOT ("figures_linefigures"."error"' in sql]
    assert not [sql for sql in read if _reading(sql, "figures_planfigures")]


def test_it_answers_the_edit_row_without_reading_the_headers_councils(client, setting):
    read = _answering_edit_reads(client, *setting)

    memberships = [sql for sql in read if _reading(sql, "investplan_membership")]
    assert not [sql for sql in memberships if "investplan_organisation" in sql]


def test_it_reads_the_grades_of_the_edit_row_once(client, setting):
    read = _answering_edit_reads(client, *setting)

    assert len([sql for sql in read if _reading(sql, "posts_grade")]) == 1


def test_it_reads_a_grades_points_and_pay_scale_with_it_to_save_in_place(client, setting):
    plan, line = setting
    grade = make_grade(PayScaleFactory(organisation=plan.organisation), "K", [30000], year=2025)
    point = grade.bottom_point
    PlanLine.objects.filter(pk=line.pk).update(grade=grade, point=point, annual_salary=None)
    line.refresh_from_db()
    address, data = in_place(plan, line, fte="0.5", grade=str(grade.pk))

    with CaptureQueriesContext(connection) as queries:
        response = client.post(address, data, **HTMX)

    assert response.status_code == 200
    assert PlanLine.objects.get(pk=line.pk).fte == Decimal("0.5")
    by_id = [
        query["sql"]
        for query in queries
        if _reading(query["sql"], "posts_spinalpoint") or _reading(query["sql"], "posts_payscale")
    ]
    assert not [sql for sql in by_id if '"id" = ' in sql.split("WHERE", 1)[-1]]


@pytest.mark.django_db(transaction=True)
def test_it_saves_a_line_in_place_in_one_transaction_without_savepoints(client, setting):
    # A test transaction around it would make the save's own transaction a savepoint.
    read = _saving_reads(client, *setting)

    assert not [sql for sql in read if "SAVEPOINT" in sql]
