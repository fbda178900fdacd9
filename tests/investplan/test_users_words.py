"""What the app says is in its users' words: never the documents it was built from (the
council papers we call seeds are ours, not the users'), however the page is reached."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.forms import BaseFormSet

from funding.forms import FundingSourceForm, allocation_formset
from investplan.forms import (
    AcceptInvitationForm,
    InspectionForm,
    InvitePersonForm,
    assumptions_forms,
    findings_formset,
)
from investplan.models import Plan
from posts.forms import AppendixUploadForm, LineInPlaceForm, PlanLineEditForm, PlanLineForm
from posts.paste_views import PasteForm
from tests.pages import visible_text, walk

pytestmark = pytest.mark.django_db

# How our own notes name the source documents: "seed 000", "seeds 003 and 004",
# "000_bdd007229a3efb45.txt", "the paper's stated total", "Middlesbrough paper".
SOURCE_WORDS = re.compile(r"\bseeds?\b|\b\d{3}_[0-9a-f]{6,}|\bpapers?\b", re.IGNORECASE)


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo")
    return Plan.objects.get(slug="middlesbrough-2020")


def test_it_names_no_source_document_on_any_page_an_admin_can_reach(demo, client):
    client.force_login(get_user_model().objects.get(username="admin"))

    pages = walk(client)

    assert len(pages) > 20
    said = {
        address: SOURCE_WORDS.findall(visible_text(html))
        for address, html in pages.items()
        if SOURCE_WORDS.search(visible_text(html))
    }
    assert said == {}


def _help_texts(form) -> list[str]:
    forms = [*form.forms, form.empty_form] if isinstance(form, BaseFormSet) else [form]
    return [str(field.help_text) for each in forms for field in each.fields.values()]


def test_it_names_no_source_document_in_any_forms_help(demo):
    line = demo.lines.first()
    inspection = demo.organisation.inspections.first()
    forms = [
        *assumptions_forms(demo),
        PlanLineForm(),
        PlanLineEditForm(plan=demo, instance=line),
        LineInPlaceForm(plan=demo, instance=line),
        allocation_formset(line),
        FundingSourceForm(),
        InspectionForm(),
        findings_formset(inspection),
        InvitePersonForm(),
        AcceptInvitationForm(),
        AppendixUploadForm(),
        PasteForm(),
    ]

    said = [text for form in forms for text in _help_texts(form) if SOURCE_WORDS.search(text)]

    assert said == []


def test_it_names_no_source_document_in_any_template():
    templates = Path(settings.BASE_DIR) / "templates"

    said = {
        str(path.relative_to(templates)): SOURCE_WORDS.findall(path.read_text())
        for path in templates.rglob("*.html")
        if SOURCE_WORDS.search(path.read_text())
    }

    assert said == {}


def test_it_names_no_source_document_on_the_admin_pages_of_assumptions_and_lines(demo, client):
    client.force_login(get_user_model().objects.get(username="admin"))
    addresses = [
        f"/admin/investplan/assumptions/{demo.assumptions.pk}/change/",
        f"/admin/posts/planline/{demo.lines.first().pk}/change/",
    ]

    said = {
        address: SOURCE_WORDS.findall(visible_text(client.get(address).content.decode()))
        for address in addresses
    }

    assert said == {address: [] for address in addresses}
