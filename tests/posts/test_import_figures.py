"""An import's stored figures are those a fresh costing of its lines gives: each batch is
costed from the lines as saved, by one coster for the whole import, nothing read back."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from figures.checks import differences
from figures.models import FundingPart, LineFigures
from posts import importing
from posts.models import PlanLine
from tests.posts.appendix_files import MIDDLESBROUGH, csv_bytes
from tests.posts.importing_runs import run

pytestmark = pytest.mark.django_db

HEADER = ["Post / Role:", "Grade:", "FTE", "Estimated Duration:", "Salary:", "Cost:", "Funding"]


def appendix(*rows) -> dict:
    return {"data": csv_bytes([["Resource Requirement"], [], HEADER, *rows]), "name": "plan.csv"}


def test_it_stores_an_imported_plans_figures_as_a_fresh_costing_gives_them():
    plan = run(MIDDLESBROUGH.read_bytes(), name=MIDDLESBROUGH.name).plan

    assert (
        LineFigures.objects.filter(plan=plan).count() == PlanLine.objects.filter(plan=plan).count()
    )
    assert differences(plan) == []


def test_it_stores_figures_as_costed_for_lines_saved_over_several_batches(monkeypatch):
    monkeypatch.setattr(importing, "BATCH", 4)

    plan = run(MIDDLESBROUGH.read_bytes(), name=MIDDLESBROUGH.name).plan

    assert PlanLine.objects.filter(plan=plan).count() == 27
    assert differences(plan) == []


def test_it_stores_the_figures_of_lines_imported_again_as_a_fresh_costing_gives_them():
    first = run(
        **appendix(
            ["Social Worker", "", "1", "2 years", "40000", "£51,600", "Met from Improvement Grant"]
        )
    )
    plan = first.plan
    again = run(
        **appendix(
            [
                "Social Worker",
                "",
                "0.5",
                "1 year",
                "40000",
                "£25,800",
                "Requires additional funding",
            ]
        ),
        plan_slug=plan.slug,
        organisation=plan.organisation,
    )

    assert (again.lines_created, again.lines_updated) == (0, 1)
    assert LineFigures.objects.get(plan=plan).fte == Decimal("0.50")
    assert not FundingPart.objects.filter(plan=plan, source__isnull=False).exists()
    assert differences(plan) == []


def test_it_costs_an_fte_written_with_one_place_as_the_line_keeps_it():
    # Read back, 1.5 is 1.50: the exact full-year effect stored as text must not differ
    # from a fresh costing's by a trailing nought.
    report = run(**appendix(["Social Worker", "", "1.5", "1 year", "40000.5", "", ""]))

    assert PlanLine.objects.get(plan=report.plan).fte == Decimal("1.50")
    assert differences(report.plan) == []


def test_it_leaves_check_figures_nothing_to_report_on_an_imported_plan():
    plan = run(MIDDLESBROUGH.read_bytes(), name=MIDDLESBROUGH.name).plan
    out = io.StringIO()

    call_command("check_figures", plan.slug, "--skip-checks", stdout=out)

    assert out.getvalue() == f"{plan.name}: every line's figures are as costed\n"
