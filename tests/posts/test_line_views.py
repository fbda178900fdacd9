"""Editing lines (issue 5, points 2, 6 and 7): in place with htmx, on their own page, add,
duplicate, delete with undo; a save over someone else's change refused; history and revert."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from figures.checks import differences
from figures.models import LineFigures
from funding.models import Allocation
from investplan.models import Finding, Inspection, Role
from posts.models import PlanLine
from posts.services import line_version, update_plan_line
from posts.workspace import build_workspace
from tests.factories import (
    AllocationFactory,
    MembershipFactory,
    PayScaleFactory,
    PlanFactory,
    PlanLineFactory,
    WorkstreamFactory,
    make_grade,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def setting():
    plan = PlanFactory(first_year=2025, last_year=2026)
    workstream = WorkstreamFactory(plan=plan, name="Front door")
    line = PlanLineFactory(
        plan=plan,
        title="Social Worker",
        workstream=workstream,
        annual_salary=Decimal("40000"),
        start_date="2025-04-01",
        position=1,
    )
    other = PlanLineFactory(
        plan=plan,
        title="Team Manager",
        workstream=workstream,
        annual_salary=Decimal("50000"),
        start_date="2025-04-01",
        position=2,
    )
    user = MembershipFactory(
        organisation=plan.organisation, role=Role.FINANCE_OFFICER, user__username="fiona"
    ).user
    return plan, line, other, user


def in_place(plan, line, **changes):
    data = {
        "title": line.title,
        "fte": str(line.fte),
        "start_date": str(line.start_date),
        "duration_months": "",
        "version": line_version(line) or "",
    }
    data.update(changes)
    return reverse("posts:line-in-place", args=[plan.slug, line.pk]), data


def test_it_answers_an_in_place_save_with_the_row_its_subtotal_and_the_totals(client, setting):
    plan, line, _, user = setting
    client.force_login(user)
    address, data = in_place(plan, line, fte="0.5")

    response = client.post(address, data, **HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert f'<tr id="line-{line.pk}" class="line"' in page
    assert "25,800" in page  # the row: half of 51,600
    assert 'id="subtotal-group-' in page and 'hx-swap-oob="true"' in page
    assert "90,300" in page  # the subtotal a year: 25,800 + 64,500
    assert 'id="plan-totals" hx-swap-oob="true"' in page
    assert PlanLine.objects.get(pk=line.pk).fte == Decimal("0.5")


def test_it_redirects_an_in_place_save_made_without_javascript(client, setting):
    plan, line, _, user = setting
    client.force_login(user)
    address, data = in_place(plan, line, fte="2")

    response = client.post(address, data)

    assert response.status_code == 302
    assert PlanLine.objects.get(pk=line.pk).fte == Decimal("2")


def test_it_keeps_the_editing_row_with_the_error_on_a_bad_value(client, setting):
    plan, line, _, user = setting
    client.force_login(user)
    address, data = in_place(plan, line, fte="-1")

    response = client.post(address, data, **HTMX)

    assert response.status_code == 422
    assert "FTE must be above zero (you entered -1)" in response.content.decode()
    assert PlanLine.objects.get(pk=line.pk).fte == Decimal("1")


def test_it_refuses_a_save_over_someone_elses_and_shows_what_they_changed(client, setting):
    plan, line, _, user = setting
    address, data = in_place(plan, line, fte="3")  # read at this version
    update_plan_line(
        line_id=line.pk,
        seen_version=line_version(line),
        user=MembershipFactory(organisation=plan.organisation, user__username="priya").user,
        fte=Decimal("2"),
    )
    client.force_login(user)

    response = client.post(address, data, **HTMX)

    page = response.content.decode()
    assert response.status_code == 409
    assert "priya changed this line" in page
    assert "FTE: 1 → 2" in page
    assert 'value="3"' in page  # what this user typed is kept
    assert PlanLine.objects.get(pk=line.pk).fte == Decimal("2")


def test_it_lets_the_second_save_through_once_the_user_has_seen_the_change(client, setting):
    plan, line, _, user = setting
    address, data = in_place(plan, line, fte="3")
    update_plan_line(line_id=line.pk, seen_version=line_version(line), fte=Decimal("2"))
    client.force_login(user)
    refused = client.post(address, data, **HTMX)
    data["version"] = line_version(PlanLine.objects.get(pk=line.pk))  # as the refusal gives

    client.post(address, data, **HTMX)

    assert refused.status_code == 409
    assert PlanLine.objects.get(pk=line.pk).fte == Decimal("3")


def test_it_previews_the_cost_of_what_is_typed_without_saving(client, setting):
    plan, line, _, user = setting
    client.force_login(user)
    _, data = in_place(plan, line, fte="2")

    response = client.post(reverse("posts:line-preview", args=[plan.slug, line.pk]), data, **HTMX)

    assert f'id="line-{line.pk}-annual" hx-swap-oob="true">103,200<' in response.content.decode()
    assert PlanLine.objects.get(pk=line.pk).fte == Decimal("1")


def test_it_shows_every_error_in_a_summary_at_the_top_of_the_line_page(client, setting):
    plan, line, _, user = setting
    client.force_login(user)

    response = client.post(
        reverse("posts:line", args=[plan.slug, line.pk]),
        {
            "kind": "new_post",
            "title": "",
            "status": "proposed",
            "fte": "0",
            "fte_in_post": "0",
            "start_date": "2025-04-01",
            "end_date": "2025-01-01",
            "version": line_version(line),
        },
    )

    page = response.content.decode()
    assert response.status_code == 422
    assert page.index('class="error-summary"') < page.index("<h1>")
    assert 'href="#id_title">Post or item: This field is required.' in page
    assert 'href="#id_fte">FTE: FTE must be above zero (you entered 0).' in page


def test_it_adds_a_line_at_the_end_of_the_plan_with_its_findings(client, setting):
    plan, _, _, user = setting
    finding = Finding.objects.create(
        inspection=Inspection.objects.create(organisation=plan.organisation, kind="ilacs"),
        text="Caseloads are too high",
    )
    client.force_login(user)

    response = client.post(
        reverse("posts:line-new", args=[plan.slug]),
        {
            "kind": "new_post",
            "title": "Senior Practitioner",
            "status": "proposed",
            "annual_salary": "45000",
            "fte": "1",
            "fte_in_post": "0",
            "start_date": "2025-04-01",
            "findings": [finding.pk],
        },
    )

    added = PlanLine.objects.get(title="Senior Practitioner")
    assert response.status_code == 302
    assert added.position == max(plan.lines.values_list("position", flat=True))
    assert list(added.findings.all()) == [finding]
    assert added.history.first().history_user == user


def test_it_duplicates_a_line_with_its_funding_straight_after_it(client, setting):
    plan, line, _, user = setting
    AllocationFactory(line=line, percent=Decimal("60"))
    client.force_login(user)

    client.post(reverse("posts:line-duplicate", args=[plan.slug, line.pk]))

    copy = PlanLine.objects.get(title="Social Worker (copy)")
    assert [each.title for each in plan.lines.order_by("position")] == [
        "Social Worker",
        "Social Worker (copy)",
        "Team Manager",
    ]
    assert copy.allocations.get().percent == Decimal("60")


def test_it_deletes_a_line_and_brings_it_back_with_its_findings_and_funding(client, setting):
    plan, line, _, user = setting
    finding = Finding.objects.create(
        inspection=Inspection.objects.create(organisation=plan.organisation, kind="ilacs"),
        text="Caseloads are too high",
    )
    line.findings.add(finding)
    AllocationFactory(line=line, percent=Decimal("40"))
    client.force_login(user)

    deleted = client.post(reverse("posts:line-delete", args=[plan.slug, line.pk]), follow=True)
    assert not PlanLine.objects.filter(pk=line.pk).exists()
    assert "Undo<span" in deleted.content.decode()

    client.post(reverse("posts:line-restore", args=[plan.slug, line.pk]))

    back = PlanLine.objects.get(pk=line.pk)
    assert back.title == "Social Worker"
    assert list(back.findings.all()) == [finding]
    assert back.allocations.get().percent == Decimal("40")
    assert back.history.first().history_change_reason == "deletion undone"


def test_it_refuses_to_restore_a_line_that_was_never_deleted(client, setting):
    plan, line, _, user = setting
    client.force_login(user)

    response = client.post(reverse("posts:line-restore", args=[plan.slug, line.pk]), follow=True)

    assert "has not been deleted" in response.content.decode()


def test_it_answers_another_councils_line_as_one_that_never_existed(client, setting):
    plan, _, _, user = setting
    elsewhere = PlanLineFactory(plan=PlanFactory())
    client.force_login(user)

    response = client.post(
        reverse("posts:line-restore", args=[plan.slug, elsewhere.pk]), follow=True
    )

    page = response.content.decode()
    assert "There is no deleted line to bring back." in page
    assert "has not been deleted" not in page
    assert PlanLine.objects.get(pk=elsewhere.pk).plan_id == elsewhere.plan_id


def test_it_shows_a_lines_history_with_who_changed_what(client, setting):
    plan, line, _, user = setting
    update_plan_line(
        line_id=line.pk,
        seen_version=line_version(line),
        user=user,
        fte=Decimal("0.5"),
        title="Senior Social Worker",
    )
    client.force_login(user)

    page = client.get(reverse("posts:line-history", args=[plan.slug, line.pk])).content.decode()

    assert "fiona" in page
    assert "FTE: 1 → 0.5" in page
    assert "Post or item: Social Worker → Senior Social Worker" in page
    assert "Revert to this version" in page


def test_it_reverts_a_line_from_its_history_page(client, setting):
    plan, line, _, user = setting
    first = line_version(line)
    update_plan_line(line_id=line.pk, seen_version=first, user=user, fte=Decimal("0.5"))
    client.force_login(user)

    client.post(
        reverse("posts:line-revert", args=[plan.slug, line.pk]),
        {"to_version": first, "version": line_version(PlanLine.objects.get(pk=line.pk))},
    )

    assert PlanLine.objects.get(pk=line.pk).fte == Decimal("1")


def test_it_shows_the_plans_history_across_lines_funding_and_assumptions(client, setting):
    plan, line, other, user = setting
    update_plan_line(line_id=line.pk, seen_version=line_version(line), user=user, fte=Decimal("2"))
    AllocationFactory(line=other, percent=Decimal("25"))
    assumptions = plan.assumptions
    assumptions.flat_on_cost_percent = Decimal("30")
    assumptions.save()
    client.force_login(user)

    page = client.get(reverse("posts:plan-history", args=[plan.slug])).content.decode()

    assert "FTE: 1 → 2" in page
    assert "Funding from" in page and "“Team Manager”" in page
    assert "Flat on-cost %: 29 → 30" in page


def test_it_stores_the_saved_line_figures_in_its_own_save(setting):
    plan, line, _, _ = setting

    update_plan_line(line_id=line.pk, seen_version=line_version(line), fte=Decimal("2"))

    assert differences(plan) == []
    assert LineFigures.objects.get(line=line).fte == Decimal("2")


def test_it_leaves_the_figures_as_they_were_after_a_refused_save(setting):
    plan, line, _, _ = setting
    build_workspace(plan)

    with pytest.raises(ValidationError):
        update_plan_line(line_id=line.pk, seen_version=line_version(line), fte=Decimal("-1"))

    assert build_workspace(plan).groups[0].rows[0].line.fte == Decimal("1")
    assert Allocation.objects.count() == 0
    assert LineFigures.objects.get(line=line).fte == Decimal("1")
    assert differences(plan) == []


def test_it_keeps_a_lines_recruitment_dates_and_true_cost_flags(client, setting):
    plan, line, _, user = setting
    client.force_login(user)

    response = client.post(
        reverse("posts:line", args=[plan.slug, line.pk]),
        {
            "kind": "new_post",
            "title": line.title,
            "status": "recruiting",
            "annual_salary": "40000",
            "fte": "1",
            "fte_in_post": "0",
            "start_date": "2025-04-01",
            "expected_start_date": "2025-09-01",
            "agency_cover": "on",
            "social_worker": "on",
            "reward_scheme": "on",
            "version": line_version(line),
        },
    )

    line.refresh_from_db()
    assert response.status_code == 302
    assert (str(line.expected_start_date), line.actual_start_date) == ("2025-09-01", None)
    assert (line.agency_cover, line.social_worker, line.reward_scheme) == (True, True, True)


def test_it_fills_every_date_of_a_line_into_its_page_as_iso(client, setting):
    plan, line, _, user = setting
    line.end_date, line.expected_start_date, line.actual_start_date = (
        "2027-03-31",
        "2025-06-02",
        "2025-07-14",
    )
    line.save()
    client.force_login(user)

    page = client.get(reverse("posts:line", args=[plan.slug, line.pk])).content.decode()

    for name, value in (
        ("start_date", "2025-04-01"),
        ("end_date", "2027-03-31"),
        ("expected_start_date", "2025-06-02"),
        ("actual_start_date", "2025-07-14"),
    ):
        assert f'name="{name}" value="{value}"' in page


def grade_options(html: str) -> list[tuple[str, str]]:
    select = re.search(r'<select name="grade".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def test_it_offers_each_grade_once_and_no_grade_by_name_in_the_row(client, setting):
    plan, line, _, user = setting
    scale = PayScaleFactory(organisation=plan.organisation)
    grade = make_grade(scale, "K", ["40000", "41000"], year=2025)
    make_grade(scale, "L", ["42000"], year=2025)
    PlanLine.objects.filter(pk=line.pk).update(
        grade=grade, grade_as_written="K", annual_salary=None
    )
    client.force_login(user)

    html = client.get(reverse("posts:line-in-place", args=[plan.slug, line.pk])).content.decode()

    options = grade_options(html)
    labels = [label for _, label in options]
    assert options[0] == ("", "No grade")
    assert sorted(labels[1:]) == ["K", "L"]
    assert len(set(labels)) == len(labels)


def test_it_names_the_empty_grade_no_grade_on_the_lines_own_page(client, setting):
    plan, line, _, user = setting
    client.force_login(user)

    html = client.get(reverse("posts:line", args=[plan.slug, line.pk])).content.decode()

    assert grade_options(html)[0] == ("", "No grade")
