"""Scenarios: a plan copied into a named scenario, changed freely, and compared side by
side; what-if on assumptions without touching the lines."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from figures.costs.what_if import WhatIf
from figures.services import refigure_plan
from funding.models import Allocation
from investplan.models import Finding, Inspection, Plan, Role
from investplan.services import copy_plan_as_scenario
from posts.models import PlanLine
from reports.comparisons import scenario_comparison, what_if_comparison
from reports.tables import RowKind, casting_errors
from tests.factories import (
    AllocationFactory,
    MembershipFactory,
    PlanFactory,
    PlanLineFactory,
    WorkstreamFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def improvement():
    """Two social workers at £40,000 from April 2025, on 29% on-costs: £51,600 a year each."""
    plan = PlanFactory(name="Improvement structure", first_year=2025, last_year=2026)
    front_door = WorkstreamFactory(plan=plan, name="Front door")
    inspection = Inspection.objects.create(organisation=plan.organisation, kind="ilacs")
    finding = Finding.objects.create(inspection=inspection, reference="R1", text="Caseloads")
    lines = [
        PlanLineFactory(
            plan=plan,
            title=title,
            workstream=front_door,
            annual_salary=Decimal("40000"),
            start_date="2025-04-01",
            position=position,
        )
        for position, title in enumerate(["Social Worker", "Senior Social Worker"], start=1)
    ]
    lines[0].findings.add(finding)
    AllocationFactory(line=lines[0], percent=Decimal("60"))
    refigure_plan(plan=plan)
    return plan


def member(plan, role):
    return MembershipFactory(organisation=plan.organisation, role=role).user


def totals(table):
    return next(row.cells for row in table.rows if row.kind == RowKind.TOTAL)


def test_it_copies_a_plan_with_its_lines_findings_funding_and_assumptions(improvement):
    copy = copy_plan_as_scenario(plan=improvement, name="Efficient structure")

    assert (copy.name, copy.slug, copy.scenario_of) == (
        "Efficient structure",
        f"{improvement.slug}-efficient-structure",
        improvement,
    )
    lines = list(PlanLine.objects.filter(plan=copy).order_by("position"))
    assert [(line.title, line.workstream.name) for line in lines] == [
        ("Social Worker", "Front door"),
        ("Senior Social Worker", "Front door"),
    ]
    assert [finding.reference for finding in lines[0].findings.all()] == ["R1"]
    assert Allocation.objects.get(line__plan=copy).percent == Decimal("60")
    assert copy.assumptions.flat_on_cost_percent == Decimal("29")
    assert lines[0].history.get().history_change_reason == f"copied from {improvement.name}"


def test_it_gives_a_scenario_the_address_another_council_has(improvement):
    address = f"{improvement.slug}-efficient-structure"
    PlanFactory(slug=address)

    copy = copy_plan_as_scenario(plan=improvement, name="Efficient structure")

    assert copy.slug == address


def test_it_gives_a_scenario_the_next_free_address_when_its_council_has_it(improvement):
    address = f"{improvement.slug}-efficient-structure"
    PlanFactory(organisation=improvement.organisation, slug=address)

    copy = copy_plan_as_scenario(plan=improvement, name="Efficient structure")

    assert copy.slug == f"{address}-2"


def test_it_leaves_the_plan_it_was_copied_from_untouched_when_the_scenario_changes(improvement):
    copy = copy_plan_as_scenario(plan=improvement, name="Efficient structure")

    PlanLine.objects.filter(plan=copy).update(fte=Decimal("0.5"))

    assert set(PlanLine.objects.filter(plan=improvement).values_list("fte", flat=True)) == {
        Decimal("1.00")
    }


def test_it_refuses_a_scenario_name_the_council_already_uses(improvement):
    with pytest.raises(ValidationError) as refused:
        copy_plan_as_scenario(plan=improvement, name="Improvement structure")

    assert refused.value.message_dict["name"] == [
        "The council already has a plan called “Improvement structure”."
    ]


def test_it_compares_two_scenarios_with_the_differences(improvement):
    efficient = copy_plan_as_scenario(plan=improvement, name="Efficient structure")
    PlanLine.objects.filter(plan=efficient, title="Senior Social Worker").delete()

    document = scenario_comparison(improvement, efficient, "workstream")

    summary, _, _, difference = document.tables
    assert totals(summary) | {"name": None} == {
        "name": None,
        "fte_left": Decimal("2"),
        "fte_right": Decimal("1"),
        "fte_change": Decimal("-1"),
        "total_left": Decimal("206400"),  # 2 posts at £51,600 for 2 years
        "total_right": Decimal("103200"),
        "total_change": Decimal("-103200"),
    }
    assert totals(difference)["y2025"] == Decimal("-51600")
    assert all(casting_errors(table) == [] for table in document.tables)


def test_it_compares_by_funding_source_splitting_what_each_pays(improvement):
    efficient = copy_plan_as_scenario(plan=improvement, name="Efficient structure")

    summary = scenario_comparison(improvement, efficient, "funding").tables[0]

    names = [row.cells["name"] for row in summary.rows if row.kind == RowKind.LINE]
    assert len(names) == 2 and "Requires additional funding" in names
    funded = next(
        row.cells for row in summary.rows if row.cells["name"] != "Requires additional funding"
    )
    assert funded["total_left"] == funded["total_right"] == Decimal("61920")  # 60% of 103,200


def test_it_costs_a_what_if_pay_award_without_touching_the_lines_or_assumptions(improvement):
    revision = Plan.objects.get(pk=improvement.pk).revision

    document = what_if_comparison(improvement, WhatIf(pay_award_percent=Decimal("4")), "team")

    summary = document.tables[0]
    # 2026/27 on a 4% award: 41,600 plus 29% = 53,664 a post, against 51,600.
    assert totals(summary)["total_change"] == 2 * (Decimal("53664") - Decimal("51600"))
    assert Plan.objects.get(pk=improvement.pk).revision == revision
    assert improvement.assumptions.pay_awards.count() == 0
    assert dict(document.assumptions)["Pay awards"].endswith(
        "What if: From 1 April. 2025/26: 4% (assumed); 2026/27: 4% (assumed)."
    )


def test_it_lets_a_finance_officer_copy_a_plan_into_a_scenario(client, improvement):
    client.force_login(member(improvement, Role.FINANCE_OFFICER))

    response = client.post(
        reverse("reports:scenarios", args=[improvement.slug]), {"name": "Efficient structure"}
    )

    copy = Plan.objects.get(name="Efficient structure")
    assert response.status_code == 302
    assert response["Location"] == reverse("posts:workspace", args=[copy.slug])


def test_it_refuses_a_viewer_a_scenario(client, improvement):
    client.force_login(member(improvement, Role.VIEWER))

    response = client.post(
        reverse("reports:scenarios", args=[improvement.slug]), {"name": "Efficient structure"}
    )

    assert response.status_code == 403
    assert not Plan.objects.filter(name="Efficient structure").exists()


def test_it_names_a_missing_scenario_name_in_an_error_summary(client, improvement):
    client.force_login(member(improvement, Role.FINANCE_OFFICER))

    response = client.post(reverse("reports:scenarios", args=[improvement.slug]), {"name": " "})

    assert response.status_code == 422
    assert "Scenario name: Give the scenario a name." in response.content.decode()


def test_it_shows_the_comparison_to_a_viewer_but_prints_it_only_for_others(client, improvement):
    efficient = copy_plan_as_scenario(plan=improvement, name="Efficient structure")
    client.force_login(member(improvement, Role.VIEWER))
    address = reverse("reports:compare", args=[improvement.slug])

    page = client.get(address, {"with": efficient.slug, "by": "workstream"})

    assert page.status_code == 200
    assert "Other plan by financial year: Efficient structure" in page.content.decode()
    assert "Download PDF" not in page.content.decode()
    assert client.get(address + "pdf/", {"with": efficient.slug}).status_code == 403


def test_it_prints_the_comparison_as_pdf_and_excel_for_a_head_of_service(client, improvement):
    from io import BytesIO

    from openpyxl import load_workbook

    efficient = copy_plan_as_scenario(plan=improvement, name="Efficient structure")
    client.force_login(member(improvement, Role.HEAD_OF_SERVICE))
    address = reverse("reports:compare", args=[improvement.slug])

    pdf = client.get(address + "pdf/", {"with": efficient.slug})
    xlsx = client.get(address + "xlsx/", {"with": efficient.slug})

    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    workbook = load_workbook(BytesIO(xlsx.content))
    assert workbook.sheetnames[-1] == "Assumptions"
    assert len(workbook.sheetnames) == 5


def test_it_will_not_compare_with_another_councils_plan(client, improvement):
    elsewhere = PlanFactory()
    client.force_login(member(improvement, Role.ADMIN))

    response = client.get(
        reverse("reports:compare", args=[improvement.slug]), {"with": elsewhere.slug}
    )

    assert response.status_code == 404


def test_it_names_a_what_if_that_is_not_a_percentage(client, improvement):
    client.force_login(member(improvement, Role.VIEWER))

    response = client.get(
        reverse("reports:what-if", args=[improvement.slug]), {"pay_award": "lots"}
    )

    assert response.status_code == 422
    assert "Pay award: “lots” is not a percentage, like 2 or 3.5" in response.content.decode()


@pytest.mark.parametrize("page, words", [("what-if", "What if"), ("variance", "Variance")])
def test_it_names_the_what_if_and_variance_pages_in_the_browsers_title(
    client, improvement, page, words
):
    client.force_login(member(improvement, Role.VIEWER))

    html = client.get(reverse(f"reports:{page}", args=[improvement.slug])).content.decode()

    assert f"<title>{words} – Improvement structure – InvestPlan</title>" in html
