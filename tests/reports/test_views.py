"""The report pages: who sees what, the PDF cache, and long PDFs made in the background."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from figures.models import PlanFigures
from figures.services import refigure_plan
from investplan.models import Membership, Plan, Role
from posts.services import line_version, update_plan_line
from reports import services
from reports.models import RenderedReport, RenderStatus
from tests.factories import MembershipFactory, PlanLineFactory, WorkstreamFactory

pytestmark = pytest.mark.django_db


def member(plan, role):
    return MembershipFactory(organisation=plan.organisation, role=role).user


def url(name, plan, report="resource-requirement"):
    return reverse(f"reports:{name}", args=[plan.slug, report])


@pytest.mark.parametrize(
    "report",
    ["resource-requirement", "multi-year", "funding", "findings", "recruitment", "establishment"],
)
def test_it_shows_each_table_as_a_page_with_a_stable_address(client, demo, report):
    client.force_login(member(demo, Role.VIEWER))

    response = client.get(f"/plans/middlesbrough-2020/reports/{report}/")

    assert response.status_code == 200
    assert '<table class="report"' in response.content.decode()
    assert "Assumptions" in response.content.decode()


def test_it_hides_another_councils_plan(client, demo):
    client.force_login(MembershipFactory(role=Role.ADMIN).user)

    for name in ("report", "pdf", "xlsx"):
        assert client.get(url(name, demo)).status_code == 404


def test_it_lets_a_viewer_read_but_not_print(client, demo):
    client.force_login(member(demo, Role.VIEWER))

    page = client.get(url("report", demo)).content.decode()

    assert "Download PDF" not in page
    assert client.get(url("pdf", demo)).status_code == 403
    assert client.get(url("xlsx", demo)).status_code == 403


def test_it_serves_the_pdf_to_a_head_of_service(client, demo):
    client.force_login(member(demo, Role.HEAD_OF_SERVICE))

    response = client.get(url("pdf", demo) + "?appendix=2")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_it_serves_an_unchanged_plans_pdf_from_the_cache(client, demo):
    client.force_login(member(demo, Role.HEAD_OF_SERVICE))
    first = client.get(url("pdf", demo, "multi-year"))

    with CaptureQueriesContext(connection) as queries:
        second = client.get(url("pdf", demo, "multi-year"))

    assert second.content == first.content
    assert RenderedReport.objects.count() == 1
    assert len(queries) <= 8


def test_it_makes_a_new_pdf_once_a_line_changes(client, demo):
    client.force_login(member(demo, Role.HEAD_OF_SERVICE))
    client.get(url("pdf", demo, "multi-year"))
    line = demo.lines.get(title="Social Worker")
    update_plan_line(line_id=line.pk, seen_version=line_version(line), fte=Decimal("2.5"))

    client.get(url("pdf", demo, "multi-year"))

    assert RenderedReport.objects.count() == 2
    revisions = set(RenderedReport.objects.values_list("plan_revision", flat=True))
    assert Plan.objects.get(pk=demo.pk).revision in revisions


def test_it_sends_the_excel_workbook(client, demo):
    client.force_login(member(demo, Role.FINANCE_OFFICER))

    response = client.get(url("xlsx", demo))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="middlesbrough-2020-resource-requirement.xlsx"'
    )
    assert response.content.startswith(b"PK")


@pytest.mark.django_db(transaction=True)
def test_it_lays_out_a_long_pdf_in_the_background_with_progress(client, demo, monkeypatch):
    monkeypatch.setattr(services, "INLINE_ROW_LIMIT", 5)
    client.force_login(member(demo, Role.HEAD_OF_SERVICE))

    response = client.get(url("pdf", demo))

    render = RenderedReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:render", args=[demo.slug, render.pk])
    waiting = client.get(response["Location"]).content.decode()
    assert "Waiting for the worker to start" in waiting
    assert 'http-equiv="refresh"' in waiting

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    render.refresh_from_db()
    assert render.status == RenderStatus.DONE
    assert render.pages_done == render.pages_expected
    ready = client.get(response["Location"]).content.decode()
    assert "The PDF is ready." in ready
    download = client.get(reverse("reports:render-download", args=[demo.slug, render.pk]))
    assert download.content.startswith(b"%PDF")


def test_it_reads_a_report_page_in_the_same_number_of_queries_however_many_lines(client, plan):
    client.force_login(member(plan, Role.VIEWER))

    def queries_for(count):
        for _ in range(count):
            PlanLineFactory(plan=plan, workstream=WorkstreamFactory(plan=plan), phase="1")
        refigure_plan(plan=plan)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("report", plan)).status_code == 200
        return len(queries)

    assert queries_for(2) == queries_for(20)


def test_it_ignores_filter_values_that_are_not_choices(client, demo):
    client.force_login(member(demo, Role.VIEWER))

    response = client.get(url("report", demo) + "?status=<script>&sort=drop&workstream=x")

    assert response.status_code == 200
    assert "<script>" not in response.content.decode()
    assert Membership.objects.exists()


def test_it_recosts_a_plan_as_soon_as_a_line_changes(client, demo):
    client.force_login(member(demo, Role.VIEWER))
    before = client.get(url("report", demo, "multi-year")).content.decode()
    line = demo.lines.get(title="Social Worker")
    update_plan_line(
        line_id=line.pk, seen_version=line_version(line), stated_annual_cost=Decimal("100000")
    )

    after = client.get(url("report", demo, "multi-year")).content.decode()

    assert "1,765,417" in before
    assert "1,801,798" in after


def test_it_says_the_figures_are_being_recalculated_until_the_worker_has_recosted(client, demo):
    client.force_login(member(demo, Role.VIEWER))
    state = PlanFigures.objects.create(plan=demo, wanted=1, done=0)
    waiting = client.get(url("report", demo, "multi-year")).content.decode()
    state.done = 1
    state.save()

    done = client.get(url("report", demo, "multi-year")).content.decode()

    assert "Figures are being recalculated" in waiting
    assert "Figures are being recalculated" not in done
