import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from djmoney.money import Money

from figures.checks import differences
from figures.models import PlanFigures
from funding.models import FundingAvailability
from investplan.council_file import (
    COUNCIL_ROWS,
    INSTALLATION_TABLES,
    CouncilFileError,
    export_council,
    import_council,
)
from investplan.models import EmployerNIRate, Organisation, Plan, Role
from investplan.services import approve_plan, copy_plan_as_scenario, invite_person
from posts.models import AppendixImport, ColumnMapping, ImportStatus, PlanLine
from posts.services import delete_plan_line, line_version, update_plan_line
from reports.models import RenderedReport
from tests.factories import (
    AllocationFactory,
    FundingSourceFactory,
    OrganisationFactory,
    PlanLineFactory,
    UserFactory,
    refigured,
)


@pytest.fixture
def demo_council(settings):
    """The demo council with something in every table: a funded line, an edit, a deleted
    line, a scenario, an approved baseline, an import, a kept heading and a rendered PDF."""
    settings.DEBUG = True
    call_command("load_demo")
    plan = Plan.objects.get(slug="middlesbrough-2020")
    finance = get_user_model().objects.get(username="finance")
    council = plan.organisation
    line = plan.lines.order_by("position").first()
    source = FundingSourceFactory(organisation=council, end_date=date(2022, 3, 31))
    FundingAvailability.objects.create(
        source=source, financial_year=2020, amount=Money(90000, "GBP")
    )
    AllocationFactory(line=line, source=source, percent=Decimal("60"))
    EmployerNIRate.objects.create(
        assumptions=plan.assumptions,
        financial_year=2021,
        percent=Decimal("13.8"),
        secondary_threshold=Money(8840, "GBP"),
    )
    ColumnMapping.objects.create(organisation=council, header="post title", field="title")
    AppendixImport.objects.create(
        organisation=council,
        plan=plan,
        plan_slug=plan.slug,
        uploaded_by=finance,
        file_name="Appendix 1.xlsx",
        sha256="0" * 64,
        data=b"PK\x03\x04 the workbook",
        status=ImportStatus.IMPORTED,
        counts={"lines": 27},
    )
    RenderedReport.objects.create(
        plan=plan,
        report="resource",
        options_key="all",
        plan_revision=plan.revision,
        organisation_revision=council.revision,
        content=b"%PDF-1.7 the appendix",
        requested_by=finance,
    )
    admin = get_user_model().objects.get(username="admin")
    invite_person(
        organisation=council,
        email="nadia@example.gov.uk",
        name="Nadia Shah",
        role=Role.FINANCE_OFFICER,
        invited_by=admin,
    )
    refigured(plan)
    PlanFigures.objects.update_or_create(plan=plan, defaults={"wanted": 2, "done": 2})
    update_plan_line(
        line_id=line.pk, seen_version=line_version(line), user=finance, fte=line.fte + 1
    )
    delete_plan_line(line=plan.lines.order_by("position").last(), user=finance)
    copy_plan_as_scenario(plan=plan, name="With two more social workers", user=finance)
    approve_plan(plan=plan, user=finance, committee="Cabinet", meeting_date=date(2021, 3, 2))
    return council


def _rows(document):
    return sum(len(rows) for rows in document["tables"].values())


def test_it_knows_where_every_table_stands():
    labels = {model._meta.label for model in apps.get_models()}

    assert labels - set(COUNCIL_ROWS) - INSTALLATION_TABLES == set()


@pytest.mark.django_db(transaction=True)
def test_it_brings_every_row_of_a_council_back_equal(demo_council, tmp_path):
    path = tmp_path / "council.json"
    call_command("export_council", demo_council.slug, output=str(path))
    written = json.loads(path.read_text())
    call_command("flush", interactive=False)
    get_user_model().objects.create_superuser("installer", password="a-long-password-1")

    call_command("import_council", str(path))

    restored = export_council(council=Organisation.objects.get())
    assert [
        label
        for label in written["tables"]
        if restored["tables"][label] != written["tables"][label]
    ] == []
    assert restored == written
    empty = [label for label, rows in written["tables"].items() if not rows]
    assert empty == []


@pytest.mark.django_db(transaction=True)
def test_it_brings_a_history_record_back_to_the_microsecond(demo_council):
    # Django's JSON encoder writes 12:00:00.000456 as 12:00:00.000, which reads back as
    # 12:00:00: the record would move and a second export would differ from the first.
    record = PlanLine.history.filter(plan__organisation=demo_council).order_by("pk").first()
    when = datetime(2021, 4, 1, 12, 0, 0, 456, tzinfo=UTC)
    PlanLine.history.filter(pk=record.pk).update(history_date=when)
    document = export_council(council=demo_council)
    call_command("flush", interactive=False)

    import_council(document=document)

    assert PlanLine.history.get(pk=record.pk).history_date == when


@pytest.mark.django_db(transaction=True)
def test_it_restores_figures_that_equal_a_fresh_costing(demo_council, tmp_path):
    document = export_council(council=demo_council)
    call_command("flush", interactive=False)

    import_council(document=document)

    assert {plan.slug: differences(plan) for plan in Plan.objects.all()} == {
        plan.slug: [] for plan in Plan.objects.all()
    }


@pytest.mark.django_db(transaction=True)
def test_it_lets_the_councils_people_sign_in_after_a_restore(demo_council, client):
    document = export_council(council=demo_council)
    call_command("flush", interactive=False)

    import_council(document=document)

    assert client.login(username="finance", password="investplan-demo")


@pytest.mark.django_db
def test_it_writes_no_installation_rights_into_the_file(demo_council):
    assert get_user_model().objects.get(username="admin").is_superuser

    people = export_council(council=demo_council)["tables"]["auth.User"]

    assert [row["fields"]["username"] for row in people if row["fields"]["is_superuser"]] == []
    assert [row["fields"]["username"] for row in people if row["fields"]["is_staff"]] == []


@pytest.mark.django_db(transaction=True)
def test_it_grants_no_installation_rights_from_an_edited_file(demo_council):
    document = export_council(council=demo_council)
    for row in document["tables"]["auth.User"]:
        row["fields"].update(is_superuser=True, is_staff=True)
    call_command("flush", interactive=False)

    import_council(document=document)

    people = get_user_model().objects.all()
    assert people.count() == len(document["tables"]["auth.User"])
    assert not people.filter(is_superuser=True).exists()
    assert not people.filter(is_staff=True).exists()


@pytest.mark.django_db
def test_it_writes_nothing_of_another_council(demo_council):
    other = OrganisationFactory(name="Another Borough")
    PlanLineFactory(plan__organisation=other, title="Their social worker")

    document = export_council(council=demo_council)

    text = json.dumps(document)
    assert "Another Borough" not in text
    assert "Their social worker" not in text
    assert {row["fields"]["plan"] for row in document["tables"]["posts.PlanLine"]} <= set(
        demo_council.plans.values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_it_refuses_an_installation_that_already_holds_a_council(demo_council):
    document = export_council(council=demo_council)

    with pytest.raises(CouncilFileError, match="already holds a council"):
        import_council(document=document)


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_username_already_used_here(demo_council):
    document = export_council(council=demo_council)
    call_command("flush", interactive=False)
    UserFactory(username="finance")

    with pytest.raises(
        CouncilFileError, match="usernames are already used in this installation: finance"
    ):
        import_council(document=document)


@pytest.mark.django_db(transaction=True)
def test_it_restores_nothing_when_a_row_cannot_be_restored(demo_council):
    document = export_council(council=demo_council)
    document["tables"]["posts.PlanLine"][3]["fields"]["fte"] = "not a number"
    call_command("flush", interactive=False)

    with pytest.raises(CouncilFileError, match=r"posts\.PlanLine"):
        import_council(document=document)

    assert not Organisation.objects.exists()
    assert not PlanLine.objects.exists()
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_it_says_so_when_no_council_has_the_short_name():
    with pytest.raises(CommandError, match="No council here has the short name 'nowhere'"):
        call_command("export_council", "nowhere")


@pytest.mark.django_db
def test_it_says_so_when_the_file_is_not_json(tmp_path):
    path = tmp_path / "council.json"
    path.write_text("PK\x03\x04 a workbook, perhaps")

    with pytest.raises(CommandError, match="not a council file"):
        call_command("import_council", str(path))
