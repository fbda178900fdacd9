"""An import into a plan address another council uses says nothing of that council: a
plan's address is unique within its council only (decision 0047), so the import makes or
fills this council's plan at exactly the address asked for (issue 18)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from investplan.models import Plan, Role
from posts.models import PlanLine
from tests.factories import MembershipFactory, OrganisationFactory, PlanFactory
from tests.posts.appendix_files import MIDDLESBROUGH, WEST_BERKSHIRE, workbook_bytes
from tests.posts.importing_runs import command

pytestmark = pytest.mark.django_db


def upload(client, organisation, plan_slug):
    """The preview's page, and the committed import's response."""
    uploaded = client.post(
        reverse("posts:imports", args=[organisation.slug]),
        {
            "file": SimpleUploadedFile("gtg.xlsx", workbook_bytes(WEST_BERKSHIRE)),
            "plan": plan_slug,
            "sheet": "",
        },
    )
    preview = client.get(uploaded["Location"])
    preview_id = int(uploaded["Location"].rstrip("/").split("/")[-1])
    committed = client.post(reverse("posts:import-commit", args=[organisation.slug, preview_id]))
    return preview, committed


@pytest.fixture
def theirs():
    return PlanFactory(slug="getting-to-good", name="Their plan")


@pytest.fixture
def admin(client):
    membership = MembershipFactory(role=Role.ADMIN)
    client.force_login(membership.user)
    return membership


def test_it_imports_into_a_new_plan_at_exactly_the_address_another_council_has(
    client, theirs, admin
):
    upload(client, admin.organisation, "getting-to-good")

    ours = Plan.objects.get(organisation=admin.organisation)
    assert ours.slug == "getting-to-good"
    assert PlanLine.objects.filter(plan=ours).count() == 3
    assert not PlanLine.objects.filter(plan=theirs).exists()
    assert Plan.objects.count() == 2


def test_it_says_nothing_of_another_council_in_the_preview_of_an_import_into_its_address(
    client, theirs, admin
):
    preview, _ = upload(client, admin.organisation, "getting-to-good")

    page = preview.content.decode()
    assert preview.status_code == 200
    assert "a new plan" in page
    assert "Into plan <code>getting-to-good</code>" in page
    assert "getting-to-good-2" not in page
    assert "another council" not in page
    assert theirs.organisation.name not in page
    assert theirs.name not in page


def test_it_links_the_imported_plan_at_the_address_asked_for(client, theirs, admin):
    _, committed = upload(client, admin.organisation, "getting-to-good")

    said = client.get(committed["Location"]).content.decode()
    link = reverse("posts:workspace", args=["getting-to-good"])
    assert f'<a href="{link}">Open Getting to good</a>' in said
    opened = client.get(link)
    assert opened.status_code == 200
    assert opened.context["plan"].organisation == admin.organisation


def test_it_imports_into_this_councils_plan_when_both_councils_have_the_address(
    client, theirs, admin
):
    ours = PlanFactory(organisation=admin.organisation, slug="getting-to-good", name="Ours")

    upload(client, admin.organisation, "getting-to-good")

    assert PlanLine.objects.filter(plan=ours).count() == 3
    assert not PlanLine.objects.filter(plan=theirs).exists()
    assert Plan.objects.count() == 2


def test_it_imports_by_command_into_a_named_council_at_the_address_another_has(theirs):
    council = OrganisationFactory(slug="middlesbrough")

    code, result = command(
        str(MIDDLESBROUGH), "--plan", "getting-to-good", "--council", "middlesbrough"
    )

    assert code == 0 and result["committed"]
    ours = Plan.objects.get(organisation=council)
    assert ours.slug == "getting-to-good"
    assert ours.lines.count() == 27
    assert not theirs.lines.exists()


def test_it_asks_whose_plan_the_command_means_when_two_councils_have_the_address():
    for name in ("Southshire", "Northshire"):
        council = OrganisationFactory(name=name, slug=name.lower())
        PlanFactory(slug="getting-to-good", organisation=council)

    code, result = command(str(MIDDLESBROUGH), "--plan", "getting-to-good")

    assert code == 2
    assert result["error"] == (
        "2 councils have a plan at “getting-to-good”: Northshire (northshire), Southshire "
        "(southshire). Say whose with --council, e.g. --council northshire."
    )
    assert not PlanLine.objects.exists()


def test_it_imports_by_command_into_the_plan_of_the_council_named_when_two_have_it(theirs):
    mine = PlanFactory(slug="getting-to-good", organisation=OrganisationFactory(name="Northshire"))

    code, _ = command(
        str(MIDDLESBROUGH), "--plan", "getting-to-good", "--council", mine.organisation.slug
    )

    assert code == 0
    assert mine.lines.count() == 27
    assert not theirs.lines.exists()
