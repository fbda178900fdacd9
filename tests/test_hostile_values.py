"""Hostile ids in query strings and forms (issue 18, item 5): a Unicode digit such as "²",
which str.isdigit() accepts and int() refuses, or a number too long to read, is taken as
no choice at all, never a server error."""

from datetime import date
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from investplan.models import Role
from posts.forms import LINE_FIELDS
from posts.models import AppendixImport
from posts.services import line_version
from tests.factories import (
    MembershipFactory,
    PlanFactory,
    PlanLineFactory,
    WorkstreamFactory,
    line_form_data,
)
from tests.posts.appendix_files import SEED_001, csv_bytes

pytestmark = pytest.mark.django_db

SUPERSCRIPT_TWO = "²"
TOO_LONG = "9" * 5000  # past Python's 4,300-digit limit on reading an int
PAST_BIGINT = "9" * 25  # reads as an int, but no database column holds it


@pytest.fixture
def setting():
    plan = PlanFactory(first_year=2025, last_year=2026)
    workstream = WorkstreamFactory(plan=plan, name="Front door")
    line = PlanLineFactory(plan=plan, workstream=workstream, start_date=date(2025, 4, 1))
    user = MembershipFactory(organisation=plan.organisation, role=Role.ADMIN).user
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return plan, line, client


@pytest.mark.parametrize("value", [SUPERSCRIPT_TWO, TOO_LONG, PAST_BIGINT, "٣"])
def test_it_shows_the_whole_workspace_for_a_workstream_that_is_no_id(setting, value):
    plan, line, client = setting

    response = client.get(reverse("posts:workspace", args=[plan.slug]), {"workstream": value})

    assert response.status_code == 200
    assert f'id="line-{line.pk}"' in response.content.decode()


@pytest.mark.parametrize("value", [SUPERSCRIPT_TWO, TOO_LONG])
def test_it_opens_the_workspace_whatever_show_open_and_upto_say(setting, value):
    plan, _, client = setting

    response = client.get(
        reverse("posts:workspace", args=[plan.slug]),
        {"show": value, "open": value, "upto": value},
    )

    assert response.status_code == 200


@pytest.mark.parametrize("value", [SUPERSCRIPT_TWO, TOO_LONG])
def test_it_answers_no_such_rows_for_more_rows_of_a_group_that_is_no_id(setting, value):
    plan, _, client = setting

    response = client.get(
        reverse("posts:workspace-more", args=[plan.slug]), {"group": value, "from": value}
    )

    assert response.status_code == 404


@pytest.mark.parametrize("value", [SUPERSCRIPT_TWO, TOO_LONG, PAST_BIGINT])
def test_it_shows_the_report_unfiltered_for_a_workstream_that_is_no_id(setting, value):
    plan, line, client = setting

    response = client.get(
        reverse("reports:report", args=[plan.slug, "resource-requirement"]),
        {"workstream": value},
    )

    assert response.status_code == 200
    assert line.title in response.content.decode()


@pytest.mark.parametrize("value", [SUPERSCRIPT_TWO, TOO_LONG])
def test_it_answers_htmx_with_the_row_when_the_page_address_holds_no_id(setting, value):
    plan, line, client = setting
    page = "http://testserver" + reverse("posts:workspace", args=[plan.slug])

    response = client.get(
        reverse("posts:line-row", args=[plan.slug, line.pk]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"{page}?workstream={value}",
    )

    assert response.status_code == 200
    assert f'id="line-{line.pk}"' in response.content.decode()


@pytest.mark.parametrize("value", [SUPERSCRIPT_TWO, TOO_LONG, PAST_BIGINT])
def test_it_answers_no_such_version_for_a_revert_to_a_version_that_is_no_id(setting, value):
    plan, line, client = setting

    response = client.post(
        reverse("posts:line-revert", args=[plan.slug, line.pk]),
        {"to_version": value, "version": line_version(line)},
    )

    assert response.status_code == 404


@pytest.mark.parametrize("value", [SUPERSCRIPT_TWO, TOO_LONG])
def test_it_refuses_a_revert_seen_at_a_version_that_is_no_id(setting, value):
    plan, line, client = setting
    version = line_version(line)

    response = client.post(
        reverse("posts:line-revert", args=[plan.slug, line.pk]),
        {"to_version": version, "version": value},
        follow=True,
    )

    assert response.status_code == 200
    assert "Not reverted" in response.content.decode()


def test_it_opens_the_new_line_page_for_a_workstream_that_is_no_id(setting):
    plan, _, client = setting

    response = client.get(
        reverse("posts:line-new", args=[plan.slug]), {"workstream": SUPERSCRIPT_TWO}
    )

    assert response.status_code == 200


def previewed(client, organisation, data: bytes) -> AppendixImport:
    url = reverse("posts:imports", args=[organisation.slug])
    file = SimpleUploadedFile("appendix.csv", data)
    response = client.post(url, {"file": file, "plan": "seed-001", "sheet": ""})
    return AppendixImport.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


@pytest.mark.parametrize("column", [SUPERSCRIPT_TWO, TOO_LONG])
def test_it_passes_over_a_mapped_column_that_is_no_number(setting, column):
    plan, _, client = setting
    preview = previewed(client, plan.organisation, csv_bytes(SEED_001))
    address = [plan.organisation.slug, preview.pk]

    mapped = client.post(  # as a browser posts a form (multipart caps a field's name)
        reverse("posts:import-mapping", args=address),
        urlencode({f"column-{column}": "title"}),
        content_type="application/x-www-form-urlencoded",
    )
    shown = client.get(reverse("posts:import-preview", args=address))

    assert mapped.status_code == 302
    assert shown.status_code == 200
    preview.refresh_from_db()
    assert preview.corrections == {}


def test_it_refuses_a_new_line_whose_every_field_is_too_long_a_number(setting):
    plan, _, client = setting
    fields = {name: PAST_BIGINT for name in [*line_form_data(plan), *LINE_FIELDS, "version"]}

    response = client.post(reverse("posts:line-new", args=[plan.slug]), fields)

    assert response.status_code == 422


def test_it_prints_a_report_to_excel_whatever_control_characters_its_phase_holds(setting):
    plan, _, client = setting

    response = client.get(
        reverse("reports:xlsx", args=[plan.slug, "resource-requirement"]), {"phase": "a\x00b\x07"}
    )

    assert response.status_code == 200


def test_it_searches_the_workspace_for_what_is_typed_without_its_nul_bytes(setting):
    plan, line, client = setting

    response = client.get(
        reverse("posts:workspace", args=[plan.slug]), {"q": "\x00" + line.title[:6]}
    )

    assert response.status_code == 200
    assert f'id="line-{line.pk}"' in response.content.decode()


def test_it_answers_no_such_council_to_a_switch_to_a_slug_with_a_nul_byte(setting):
    _, _, client = setting  # PostgreSQL refused the NUL as an error, a 500

    response = client.post(reverse("switch-organisation"), {"organisation": "a\x00b"})

    assert response.status_code == 404


def test_it_answers_no_such_plan_to_a_comparison_with_a_slug_with_a_nul_byte(setting):
    plan, _, client = setting

    response = client.get(reverse("reports:compare", args=[plan.slug]), {"with": "a\x00b"})

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["a\x00b", "x" * 201])
def test_it_refuses_a_scenario_name_of_control_characters_or_past_the_longest(setting, name):
    plan, _, client = setting  # PostgreSQL refused either as an error, a 500

    response = client.post(reverse("reports:scenarios", args=[plan.slug]), {"name": name})

    assert response.status_code == 422
    assert "a name of one line, up to 200 characters" in response.content.decode()
