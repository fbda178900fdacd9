"""Starting, renaming, re-dating and archiving plans in the app (issue 16, item 5)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import Allocation
from investplan.models import OnCostMethod, Plan, PlanStatus, Role
from investplan.services import approve_plan
from posts.models import PlanLine
from tests.factories import (
    AllocationFactory,
    MembershipFactory,
    PlanFactory,
    PlanLineFactory,
    WorkstreamFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    plan = PlanFactory(
        name="Getting to Good", slug="getting-to-good", first_year=2025, last_year=2026
    )
    front_door = WorkstreamFactory(plan=plan, name="Front door")
    line = PlanLineFactory(
        plan=plan, title="Social Worker", workstream=front_door, start_date=date(2025, 4, 1)
    )
    AllocationFactory(line=line, percent=Decimal("60"))
    PlanLineFactory(plan=plan, title="Audit Officer", start_date=date(2026, 6, 1))
    return plan


def member(plan, role, client=None):
    user = MembershipFactory(organisation=plan.organisation, role=role).user
    if client is not None:
        client.force_login(user)
    return user


def new_plan(client, plan, **fields):
    data = {
        "name": "Improvement plan 2027",
        "first_year": "2027/28",
        "last_year": "2028/29",
        "on_cost_method": "flat",
        "flat_on_cost_percent": "30",
        "copy_of": "",
        **fields,
    }
    return client.post(reverse("plan-new", args=[plan.organisation.slug]), data)


def details(client, plan, **fields):
    data = {"name": plan.name, "first_year": "2025/26", "last_year": "2026/27", **fields}
    return client.post(reverse("plan-details", args=[plan.slug]), data)


# -- starting a plan ------------------------------------------------------------------


def test_it_starts_a_plan_from_scratch_with_its_years_and_on_cost_basis(client, plan):
    member(plan, Role.FINANCE_OFFICER, client)

    response = new_plan(client, plan)

    made = Plan.objects.get(name="Improvement plan 2027")
    assert response.status_code == 302
    assert response["Location"] == reverse("posts:workspace", args=[made.slug])
    assert (made.organisation, made.first_year, made.last_year) == (plan.organisation, 2027, 2028)
    assert made.assumptions.on_cost_method == OnCostMethod.FLAT
    assert made.assumptions.flat_on_cost_percent == Decimal("30")
    assert not made.lines.exists()


def test_it_starts_a_plan_as_a_copy_of_another_with_its_lines_and_allocations(client, plan):
    member(plan, Role.ADMIN, client)

    new_plan(
        client,
        plan,
        name="Next year",
        first_year="2025/26",
        last_year="2026/27",
        on_cost_method="computed",
        copy_of=str(plan.pk),
    )

    copy = Plan.objects.get(name="Next year")
    assert sorted(copy.lines.values_list("title", flat=True)) == ["Audit Officer", "Social Worker"]
    assert Allocation.objects.filter(line__plan=copy).get().percent == Decimal("60")
    assert copy.workstreams.get().name == "Front door"
    assert copy.assumptions.on_cost_method == OnCostMethod.COMPUTED
    assert copy.scenario_of is None  # a plan of its own, not a scenario
    assert plan.lines.count() == 2  # the plan copied is untouched


def test_it_lists_the_lines_a_copy_leaves_outside_its_years(client, plan):
    member(plan, Role.FINANCE_OFFICER, client)

    response = new_plan(
        client, plan, name="Earlier", first_year="2023/24", last_year="2024/25", copy_of=plan.pk
    )

    page = client.get(response["Location"]).content.decode()
    message = page.split("lie wholly outside")[1].split("</p>")[0]
    assert "2023/24 to 2024/25" in message
    assert "Social Worker" in message and "Audit Officer" in message


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "   "}, "Give the plan a name."),
        ({"first_year": "2025/27"}, "Enter a financial year like 2025/26"),
        ({"last_year": "2026/25"}, "Enter a financial year like 2025/26"),
        ({"first_year": "2029/30"}, "The last financial year is before the first"),
        ({"first_year": "2027/28", "last_year": "2076/77"}, "at most 10 financial years"),
        ({"first_year": "1066/67"}, "between 1990/91 and 2100/01"),
        ({"flat_on_cost_percent": "-5"}, "0 and 100"),
        ({"on_cost_method": "guess"}, "Select a valid choice"),
        ({"name": "x" * 201}, "at most 200 characters"),
        ({"name": "Null\x00byte"}, "Null characters are not allowed"),
        ({"copy_of": "999999"}, "Choose a plan of this council to copy"),
    ],
)
def test_it_refuses_a_new_plan_with_a_clear_message_and_saves_nothing(
    client, plan, fields, message
):
    member(plan, Role.FINANCE_OFFICER, client)

    response = new_plan(client, plan, **fields)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert Plan.objects.count() == 1


def test_it_refuses_a_second_plan_of_the_same_name_in_the_council(client, plan):
    member(plan, Role.FINANCE_OFFICER, client)

    response = new_plan(client, plan, name="  getting TO good ")

    assert response.status_code == 422
    assert "already has a plan called" in response.content.decode()
    assert Plan.objects.count() == 1


def start_getting_to_good_in(client, organisation):
    return client.post(
        reverse("plan-new", args=[organisation.slug]),
        {
            "name": "Getting to Good",
            "first_year": "2025/26",
            "last_year": "2025/26",
            "on_cost_method": "flat",
            "flat_on_cost_percent": "29",
        },
        follow=True,
    )


def test_it_gives_a_new_plan_the_address_of_its_name_when_another_council_has_it(client, plan):
    other = MembershipFactory(role=Role.FINANCE_OFFICER)
    client.force_login(other.user)

    start_getting_to_good_in(client, other.organisation)

    made = Plan.objects.get(organisation=other.organisation)
    assert made.slug == "getting-to-good"


def test_it_says_nothing_of_another_council_with_the_address_when_a_plan_starts(client, plan):
    other = MembershipFactory(role=Role.FINANCE_OFFICER)
    client.force_login(other.user)

    response = start_getting_to_good_in(client, other.organisation)

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("posts:workspace", args=["getting-to-good"])
    assert plan.organisation.name not in page
    assert "getting-to-good-2" not in page
    assert "another council" not in page


def test_it_gives_a_new_plan_the_next_free_address_when_its_council_has_the_address(client, plan):
    member(plan, Role.FINANCE_OFFICER, client)

    new_plan(client, plan, name="Getting-to-Good")

    assert Plan.objects.get(name="Getting-to-Good").slug == "getting-to-good-2"


def test_it_gives_a_plan_named_only_in_symbols_an_address(client, plan):
    member(plan, Role.FINANCE_OFFICER, client)

    new_plan(client, plan, name="£££ !!!")

    assert Plan.objects.get(name="£££ !!!").slug == "plan"


def test_it_keeps_hostile_text_in_a_plan_name_as_text(client, plan):
    member(plan, Role.FINANCE_OFFICER, client)

    new_plan(client, plan, name='<script>alert("x")</script>')

    page = client.get("/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


@pytest.mark.parametrize("role", [Role.VIEWER, Role.HEAD_OF_SERVICE])
def test_it_lets_only_finance_officers_and_admins_start_plans(client, plan, role):
    member(plan, role, client)

    assert client.get(reverse("plan-new", args=[plan.organisation.slug])).status_code == 403
    assert new_plan(client, plan).status_code == 403
    assert Plan.objects.count() == 1


def test_it_will_not_copy_another_councils_plan(client, plan):
    elsewhere = PlanFactory()
    member(plan, Role.FINANCE_OFFICER, client)

    response = new_plan(client, plan, copy_of=str(elsewhere.pk))

    assert response.status_code == 422
    assert Plan.objects.count() == 2


def test_it_shows_the_start_a_plan_link_only_to_those_who_may(client, plan):
    member(plan, Role.VIEWER, client)
    viewer_home = client.get("/").content.decode()
    member(plan, Role.FINANCE_OFFICER, client)
    finance_home = client.get("/").content.decode()

    assert "Start a plan" not in viewer_home
    assert "Start a plan" in finance_home


# -- renaming and re-dating -----------------------------------------------------------


def test_it_renames_a_plan_and_keeps_its_address(client, plan):
    member(plan, Role.FINANCE_OFFICER, client)

    response = details(client, plan, name="Getting to Good, phase 2")

    plan.refresh_from_db()
    assert response.status_code == 302
    assert (plan.name, plan.slug) == ("Getting to Good, phase 2", "getting-to-good")


def test_it_refuses_a_rename_to_another_plans_name(client, plan):
    PlanFactory(organisation=plan.organisation, name="Efficient structure")
    member(plan, Role.FINANCE_OFFICER, client)

    response = details(client, plan, name="Efficient Structure")

    plan.refresh_from_db()
    assert response.status_code == 422
    assert "already has a plan called" in response.content.decode()
    assert plan.name == "Getting to Good"


def test_it_changes_a_plans_years_and_lists_the_lines_then_outside_them(client, plan):
    member(plan, Role.FINANCE_OFFICER, client)
    revision = plan.revision

    response = details(client, plan, first_year="2023/24", last_year="2024/25")

    plan.refresh_from_db()
    page = client.get(response["Location"]).content.decode()
    assert (plan.first_year, plan.last_year) == (2023, 2024)
    assert plan.revision > revision
    assert "2 lines lie wholly outside 2023/24 to 2024/25" in page
    assert "Social Worker" in page and "Audit Officer" in page


def test_it_lists_on_the_details_page_the_lines_outside_the_plans_years(client, plan):
    PlanLineFactory(plan=plan, title="Early Help Lead", start_date=date(2030, 4, 1))
    member(plan, Role.VIEWER, client)

    page = client.get(reverse("plan-details", args=[plan.slug])).content.decode()

    listed = page.split('id="lines-outside"')[1].split("</ul>")[0]
    assert "Early Help Lead" in listed
    assert "Social Worker" not in listed


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Give the plan a name."),
        ({"first_year": "2025/27"}, "Enter a financial year like 2025/26"),
        ({"last_year": "2024/25"}, "The last financial year is before the first"),
        ({"last_year": "2075/76"}, "at most 10 financial years"),
        ({"first_year": "<b>2025</b>"}, "you entered “&lt;b&gt;2025&lt;/b&gt;”"),
    ],
)
def test_it_refuses_bad_plan_details_and_changes_nothing(client, plan, fields, message):
    member(plan, Role.FINANCE_OFFICER, client)
    plan.refresh_from_db()

    response = details(client, plan, **fields)

    fresh = Plan.objects.get(pk=plan.pk)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert (fresh.name, fresh.first_year, fresh.last_year, fresh.revision) == (
        plan.name,
        plan.first_year,
        plan.last_year,
        plan.revision,
    )


def test_it_refuses_to_change_an_approved_plans_details(client, plan):
    approve_plan(plan=plan)
    member(plan, Role.FINANCE_OFFICER, client)

    response = details(client, plan, first_year="2027/28", last_year="2028/29")

    plan.refresh_from_db()
    assert response.status_code == 403
    assert plan.first_year == 2025


def test_it_lets_a_viewer_read_a_plans_details_but_not_change_them(client, plan):
    member(plan, Role.VIEWER, client)

    page = client.get(reverse("plan-details", args=[plan.slug]))
    refused = details(client, plan, name="Renamed")

    assert page.status_code == 200
    assert 'name="name"' not in page.content.decode()
    assert refused.status_code == 403
    assert Plan.objects.get(pk=plan.pk).name == "Getting to Good"


# -- archiving ------------------------------------------------------------------------


def archive(client, plan, action="archive"):
    return client.post(reverse("plan-archive", args=[plan.slug]), {"action": action})


def test_it_archives_a_plan_off_the_home_page_and_lists_it_with_the_archived(client, plan):
    member(plan, Role.FINANCE_OFFICER, client)

    response = archive(client, plan)

    plan.refresh_from_db()
    home = client.get("/").content.decode()
    archived = client.get(reverse("plans-archived", args=[plan.organisation.slug]))
    assert response.status_code == 302
    assert plan.archived_at is not None
    assert reverse("reports:front", args=[plan.slug]) not in home
    assert "Archived plans (1)" in home
    assert "Getting to Good" in archived.content.decode()


def test_it_reads_an_archived_plan_but_refuses_changes_to_it(client, plan):
    member(plan, Role.FINANCE_OFFICER, client)
    archive(client, plan)
    line = plan.lines.first()

    workspace = client.get(reverse("posts:workspace", args=[plan.slug]))
    table = client.get(reverse("reports:report", args=[plan.slug, "resource-requirement"]))
    edit = client.post(reverse("posts:line-delete", args=[plan.slug, line.pk]))
    rename = details(client, plan, name="Renamed")

    assert (workspace.status_code, table.status_code) == (200, 200)
    assert "This plan is archived" in workspace.content.decode()
    assert "Add a line" not in workspace.content.decode()
    assert (edit.status_code, rename.status_code) == (403, 403)
    assert PlanLine.objects.filter(pk=line.pk).exists()


def test_it_will_not_approve_an_archived_plan(client, plan):
    member(plan, Role.FINANCE_OFFICER, client)
    archive(client, plan)
    member(plan, Role.HEAD_OF_SERVICE, client)

    response = client.post(
        reverse("plan-status", args=[plan.slug]),
        {"action": "approve", "committee": "Cabinet", "meeting_date": "2026-03-12"},
    )

    plan.refresh_from_db()
    assert response.status_code == 403
    assert plan.status == PlanStatus.DRAFT


def test_it_unarchives_a_plan_back_onto_the_home_page(client, plan):
    member(plan, Role.ADMIN, client)
    archive(client, plan)

    archive(client, plan, action="unarchive")

    plan.refresh_from_db()
    assert plan.archived_at is None
    assert reverse("reports:front", args=[plan.slug]) in client.get("/").content.decode()


def test_it_lets_a_viewer_not_archive_a_plan(client, plan):
    member(plan, Role.VIEWER, client)

    response = archive(client, plan)

    plan.refresh_from_db()
    assert response.status_code == 403
    assert plan.archived_at is None


def test_it_gives_another_councils_user_404_for_a_plans_details_and_archive(client, plan):
    client.force_login(MembershipFactory(role=Role.ADMIN).user)

    assert client.get(reverse("plan-details", args=[plan.slug])).status_code == 404
    assert archive(client, plan).status_code == 404
    assert Plan.objects.get(pk=plan.pk).archived_at is None


def test_it_asks_again_when_another_plan_takes_the_address_at_the_same_moment(
    client, plan, monkeypatch
):
    member(plan, Role.FINANCE_OFFICER, client)
    # As if another person's new plan took the address between looking and saving.
    monkeypatch.setattr("investplan.services.free_plan_slug", lambda **given: plan.slug)

    response = new_plan(client, plan)

    assert response.status_code == 422
    assert "Another plan was started under this name just now" in response.content.decode()
    assert Plan.objects.count() == 1
