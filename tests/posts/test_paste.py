"""Paste from Excel (issue 5, point 3): previewed row by row with the importer's reading
rules, then added."""

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from investplan.models import Role
from posts.models import PlanLine
from tests.factories import (
    MembershipFactory,
    PayScaleFactory,
    PlanFactory,
    PlanLineFactory,
    make_grade,
)

pytestmark = pytest.mark.django_db

PASTED = (
    "Post\tGrade\tFTE\tStart date\tDuration\tSalary\n"
    "Social Worker\ttbc\t2\t01/04/2020\t2 years\t£32,878\n"
    "Team Manager\ttbc\t1\t01/10/2020\tPermanent\t£45,000\n"
)


@pytest.fixture
def editing(client):
    plan = PlanFactory()
    PlanLineFactory(plan=plan, title="Existing post", position=5)
    client.force_login(
        MembershipFactory(organisation=plan.organisation, role=Role.FINANCE_OFFICER).user
    )
    return plan


def test_it_previews_pasted_rows_one_by_one_and_saves_nothing(client, editing):
    response = client.post(
        reverse("posts:paste", args=[editing.slug]), {"cells": PASTED, "action": "preview"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Social Worker · grade tbc · 2 FTE · from 1 Apr 2020 · 24 months" in page
    assert "Add 2 lines" in page
    assert PlanLine.objects.filter(plan=editing).count() == 1


def test_it_adds_the_pasted_rows_after_the_plans_lines(client, editing):
    response = _add(client, editing, PASTED)

    added = list(PlanLine.objects.filter(plan=editing).order_by("position"))
    assert response.status_code == 302
    assert [line.title for line in added] == ["Existing post", "Social Worker", "Team Manager"]
    assert added[1].fte == Decimal("2") and added[1].duration_months == 24


def test_it_names_the_row_column_and_value_of_a_bad_pasted_row_and_adds_nothing(client, editing):
    bad = PASTED + "Analyst\ttbc\tlots\t01/04/2020\t1 year\t£30,000\n"

    response = client.post(
        reverse("posts:paste", args=[editing.slug]), {"cells": bad, "action": "add"}
    )

    page = response.content.decode()
    assert response.status_code == 422
    assert "Row 4" in page and "FTE" in page and "lots" in page
    assert PlanLine.objects.filter(plan=editing).count() == 1


def test_it_reads_a_block_without_a_header_in_the_plain_column_order(client, editing):
    rows = "Social Worker\ttbc\t1\t01/04/2020\t2 years\n"

    response = client.post(
        reverse("posts:paste", args=[editing.slug]),
        {"cells": rows, "action": "preview"},
    )

    assert "Social Worker · grade tbc · 1 FTE" in response.content.decode()


# -- Issue 16, item 3: what the preview shows is exactly what is saved ---------------------


def _paste(client, plan, cells, action="preview", **extra):
    return client.post(
        reverse("posts:paste", args=[plan.slug]), {"cells": cells, "action": action, **extra}
    )


def _add(client, plan, cells):
    """Preview the cells, then add them as previewed (the "Add" button's form)."""
    preview = _paste(client, plan, cells)
    previewed = re.search(r'name="previewed" value="([^"]*)"', preview.content.decode())
    return _paste(client, plan, cells, action="add", previewed=previewed[1] if previewed else "")


def _becomes(response) -> dict[int, str]:
    """What the preview says each pasted row becomes, by the row's number."""
    page = response.content.decode()
    return {
        int(number): html.unescape(text)
        for number, text in re.findall(
            r'<tr id="row-(\d+)" class="outcome-imported">.*?<td class="becomes">(.*?)</td>',
            page,
            re.S,
        )
    }


@pytest.fixture
def grade_k(editing):
    scale = PayScaleFactory(organisation=editing.organisation)
    return make_grade(scale, "K", ["40000", "41000", "51900"], year=2020)


def test_it_saves_a_pasted_salary_on_the_point_of_the_grade_that_pays_it(client, editing, grade_k):
    cells = "Post\tGrade\tFTE\tSalary\nSocial Worker\tK\t1\t£51,900\n"

    preview = _paste(client, editing, cells)
    _add(client, editing, cells)

    assert "grade K · point K3 · 1 FTE" in _becomes(preview)[2]
    assert "salary £51,900" in _becomes(preview)[2]
    line = PlanLine.objects.get(plan=editing, title="Social Worker")
    assert (line.grade, line.point.code, line.annual_salary) == (grade_k, "K3", None)


def test_it_costs_a_pasted_salary_that_is_no_point_of_the_grade_from_the_salary(
    client, editing, grade_k
):
    cells = "Post\tGrade\tFTE\tSalary\nSocial Worker\tK\t1\t£45,500\n"

    preview = _paste(client, editing, cells)
    _add(client, editing, cells)

    assert "salary £45,500" in _becomes(preview)[2]
    assert "not a point of grade K" in preview.content.decode()
    line = PlanLine.objects.get(plan=editing, title="Social Worker")
    assert line.grade is None and line.grade_as_written == "K"
    assert line.annual_salary.amount == Decimal("45500")


def test_it_shows_the_salary_of_the_grades_first_point_where_no_salary_is_pasted(
    client, editing, grade_k
):
    cells = "Post\tGrade\tFTE\nSocial Worker\tK\t1\n"

    preview = _paste(client, editing, cells)
    _add(client, editing, cells)

    assert "grade K · point K1 · 1 FTE" in _becomes(preview)[2]
    assert "salary £40,000" in _becomes(preview)[2]
    assert PlanLine.objects.get(plan=editing, title="Social Worker").point.code == "K1"


def test_it_shows_the_plans_first_day_as_the_start_of_a_row_without_one(client, editing):
    cells = "Post\tGrade\tFTE\tSalary\nSocial Worker\ttbc\t1\t£30,000\n"

    preview = _paste(client, editing, cells)

    assert "from 1 Apr 2020 · permanent" in _becomes(preview)[2]


def test_it_reads_a_bare_number_under_duration_as_months_and_says_so(client, editing):
    cells = "Post\tGrade\tFTE\tDuration\tSalary\nSocial Worker\ttbc\t1\t24\t£30,000\n"

    preview = _paste(client, editing, cells)
    _add(client, editing, cells)

    page = preview.content.decode()
    assert "24 months" in _becomes(preview)[2]
    assert "“24” under Duration is read as 24 months" in html.unescape(page)
    assert "taken as permanent" not in page
    assert PlanLine.objects.get(plan=editing, title="Social Worker").duration_months == 24


def test_it_does_not_call_a_duration_it_cannot_read_missing(client, editing):
    cells = "Post\tGrade\tFTE\tDuration\tSalary\nSocial Worker\ttbc\t1\tabout a year\t£30,000\n"

    page = _paste(client, editing, cells).content.decode()

    assert "“about a year” is not a duration" in html.unescape(page)
    assert "no duration given" not in page


def test_it_reads_a_block_without_a_header_row_in_the_workspace_column_order_unasked(
    client, editing
):
    cells = "Social Worker\ttbc\t1\t01/04/2020\t2 years\t£32,878\tFront door\tNorth\r\n"

    preview = _paste(client, editing, cells)

    page = html.unescape(preview.content.decode())
    assert preview.status_code == 200
    assert "No header row: the columns are read in the workspace's order" in page
    assert _becomes(preview)[1] == (
        "Social Worker · grade tbc · 1 FTE · from 1 Apr 2020 · 24 months · salary £32,878"
        " · workstream Front door · based in North"
    )
    assert ".tsv" not in page


def test_it_numbers_the_rows_of_a_block_without_a_header_as_they_were_pasted(client, editing):
    cells = "Social Worker\ttbc\t1\t01/04/2020\t2 years\t£32,878\nAnalyst\ttbc\tlots\n"

    page = html.unescape(_add(client, editing, cells).content.decode())

    assert "Row 2: column C “FTE”: “lots” is not a number" in page


def test_it_reads_pasted_cells_apart_at_tabs_even_where_commas_outnumber_them(client, editing):
    cells = (
        "Post\tFTE\tSalary\tComments\n"
        "Social Worker\t1\t£1,051,900\tnorth, south, east, west, centre and the hub, too\n"
    )

    preview = _paste(client, editing, cells)

    assert "Social Worker · 1 FTE" in _becomes(preview)[2]
    assert "salary £1,051,900" in _becomes(preview)[2]


def test_it_refuses_a_row_with_more_cells_than_the_columns_and_adds_nothing(client, editing):
    cells = "Social Worker\ttbc\t1\t01/04/2020\t2 years\t£32,878\tFront door\tNorth\t£9,999\n"

    response = _add(client, editing, cells)

    page = html.unescape(response.content.decode())
    assert response.status_code == 422
    assert "Row 1: 9 cells" in page and "“£9,999”" in page
    assert PlanLine.objects.filter(plan=editing).count() == 1


def test_it_refuses_an_fte_finer_than_a_line_keeps_rather_than_rounding_it(client, editing):
    cells = "Post\tGrade\tFTE\tSalary\nSocial Worker\ttbc\t0.125\t£30,000\n"

    response = _add(client, editing, cells)

    assert response.status_code == 422
    assert "0.125" in response.content.decode()
    assert PlanLine.objects.filter(plan=editing).count() == 1


def test_it_saves_a_stated_cost_to_the_penny_it_shows(client, editing):
    cells = "Post\tGrade\tFTE\tUnit cost\nSocial Worker\ttbc\t0.5\t£45,001.25\n"

    preview = _paste(client, editing, cells)
    _add(client, editing, cells)

    assert "stated annual cost £22,500.63" in _becomes(preview)[2]
    line = PlanLine.objects.get(plan=editing, title="Social Worker")
    assert line.stated_annual_cost.amount == Decimal("22500.63")


def test_it_adds_nothing_when_the_cells_changed_since_their_preview(client, editing):
    preview = _paste(client, editing, PASTED)
    previewed = re.search(r'name="previewed" value="([^"]+)"', preview.content.decode())[1]

    response = _paste(
        client, editing, PASTED.replace("£45,000", "£54,000"), action="add", previewed=previewed
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "changed since the preview" in page and "salary £54,000" in page
    assert PlanLine.objects.filter(plan=editing).count() == 1


def test_it_keeps_a_blank_first_cell_as_a_column(client, editing):
    cells = "\tPost\tFTE\tSalary\n\tSocial Worker\t1\t£30,000\n"

    preview = _paste(client, editing, cells)

    assert _becomes(preview)[2].startswith("Social Worker · 1 FTE")


@pytest.mark.parametrize(
    "cells",
    [
        "Social Worker\ttbc\t1\t01/12/9999\t2 years\t£32,878\n",
        "Social Worker\ttbc\t1\t01/04/2020\t9999 years\t£32,878\n",
    ],
    ids=["start in 9999", "9,999 years"],
)
def test_it_refuses_dates_a_line_cannot_be_costed_over_and_the_workspace_still_opens(
    client, editing, cells
):
    response = _add(client, editing, "Post\tGrade\tFTE\tStart date\tDuration\tSalary\n" + cells)

    assert response.status_code == 422
    assert PlanLine.objects.filter(plan=editing).count() == 1
    assert client.get(reverse("posts:workspace", args=[editing.slug])).status_code == 200


def test_it_gives_a_row_in_error_its_errors_alone(client, editing):
    cells = "Post\tFTE\tSalary\nSocial Worker\thalf\t£30,000\n"

    page = html.unescape(_paste(client, editing, cells).content.decode())

    assert "“half” is not a number" in page
    assert "no FTE" not in page


def test_it_adds_a_second_paste_made_in_the_same_second_rather_than_overwriting_the_first(
    client, editing, monkeypatch
):
    moment = timezone.localtime()
    monkeypatch.setattr("posts.paste_views.timezone.localtime", lambda: moment)

    _add(client, editing, "Social Worker\ttbc\t1\t01/04/2020\t2 years\t£32,878\n")
    _add(client, editing, "Team Manager\ttbc\t1\t01/04/2020\t2 years\t£45,000\n")

    titles = list(PlanLine.objects.filter(plan=editing).values_list("title", flat=True))
    assert titles == ["Existing post", "Social Worker", "Team Manager"]


def test_it_says_cells_it_cannot_read_cannot_be_read_without_naming_any_file(client, editing):
    runaway = '"' + ("x" * 50_000 + "\n") * 3  # a quote that opens a cell and never closes

    response = _paste(client, editing, "Post\tFTE\n" + runaway)

    page = html.unescape(response.content.decode())
    assert response.status_code == 422
    assert "These cells cannot be read" in page
    assert "pasted by" not in page and "CSV" not in page


def test_it_reads_an_fte_written_with_its_unit_under_the_fte_heading(client, editing):
    cells = "Post\tGrade\tFTE\tSalary\nSocial Worker\ttbc\t0.5 FTE\t£30,000\n"

    preview = _paste(client, editing, cells)
    _add(client, editing, cells)

    assert "Social Worker · grade tbc · 0.5 FTE" in _becomes(preview)[2]
    assert PlanLine.objects.get(plan=editing, title="Social Worker").fte == Decimal("0.5")


def test_it_says_in_the_preview_that_a_row_wholly_outside_the_plans_years_costs_nothing(
    client, editing
):
    cells = "Social Worker\ttbc\t1\t01/04/2030\t24\t£32,878\n"

    page = html.unescape(_paste(client, editing, cells).content.decode())

    assert "it starts 1 Apr 2030, wholly outside the plan's years" in page
    assert "it costs nothing in the plan" in page
