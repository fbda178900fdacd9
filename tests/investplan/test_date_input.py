"""Date boxes are the browser's date picker, which reads only ISO dates (issue 16, item 1)."""

from datetime import date

import pytest
from django import forms
from django.urls import reverse

from investplan.forms import DateInput
from investplan.models import Inspection, Role
from tests.factories import MembershipFactory, OrganisationFactory


class _Form(forms.Form):
    when = forms.DateField(widget=DateInput)


def test_it_writes_a_stored_date_into_the_date_picker_as_iso():
    html = str(_Form(initial={"when": date(2021, 3, 31)})["when"])

    assert 'type="date"' in html
    assert 'value="2021-03-31"' in html


def test_it_reads_the_iso_date_the_date_picker_sends():
    form = _Form({"when": "2021-03-31"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] == date(2021, 3, 31)


def test_it_still_reads_a_date_typed_the_uk_way_where_a_browser_gives_a_text_box():
    form = _Form({"when": "31/03/2021"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] == date(2021, 3, 31)


def test_it_puts_back_what_was_typed_when_it_is_not_a_date():
    form = _Form({"when": "31/02/2021"})

    assert not form.is_valid()
    assert 'value="31/02/2021"' in str(form["when"])


@pytest.mark.django_db
def test_it_fills_an_inspections_date_into_its_page_as_iso(client):
    council = OrganisationFactory()
    inspection = Inspection.objects.create(
        organisation=council, kind="ilacs", date=date(2024, 11, 15)
    )
    client.force_login(MembershipFactory(organisation=council, role=Role.FINANCE_OFFICER).user)

    page = client.get(reverse("inspection", args=[council.slug, inspection.pk])).content.decode()

    assert 'name="date" value="2024-11-15"' in page
