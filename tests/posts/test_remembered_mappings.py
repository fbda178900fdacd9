"""A column mapping remembered from one import, and how a later file is read: only what
an admin corrected is a correction, a reading by arithmetic is never remembered, and a
remembered mapping is said wherever it is applied (issue 16 follow-up)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from posts.importing import import_appendix
from posts.models import AppendixImport, ColumnMapping, PlanLine
from tests.posts.appendix_files import SEED_001, csv_bytes

pytestmark = pytest.mark.django_db

LATER = [["Post", "FTE", "Total cost"], ["Social Worker", 2, "£80,000"]]


def previewed(client, data, plan="seed-001") -> AppendixImport:
    url = reverse("posts:imports", args=[client.organisation.slug])
    file = SimpleUploadedFile("appendix.csv", data)
    response = client.post(url, {"file": file, "plan": plan, "sheet": ""})
    return AppendixImport.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def read(client, preview):
    """The preview's reading as the preview page makes it, with its stored corrections."""
    return import_appendix(
        organisation=client.organisation,
        plan_slug=preview.plan_slug,
        file_name=preview.file_name,
        data=bytes(preview.data),
        corrections={int(column): name for column, name in preview.corrections.items()},
        dry_run=True,
    )


def submit_unchanged(client, preview):
    """The preview's mapping form sent as the browser sends it: every column as shown."""
    shown = read(client, preview).columns.fields
    url = reverse("posts:import-mapping", args=[client.organisation.slug, preview.pk])
    client.post(url, {f"column-{column}": name for column, name in shown.items()})
    preview.refresh_from_db()


def commit(client, preview):
    client.post(reverse("posts:import-commit", args=[client.organisation.slug, preview.pk]))


def test_it_counts_no_column_as_corrected_when_the_mapping_form_is_sent_unchanged(admin):
    preview = previewed(admin, csv_bytes(SEED_001))

    submit_unchanged(admin, preview)

    assert preview.corrections == {}


def test_it_reads_the_same_when_the_mapping_form_is_sent_unchanged(admin):
    preview = previewed(admin, csv_bytes(SEED_001))
    before = read(admin, preview).as_json()

    submit_unchanged(admin, preview)

    assert read(admin, preview).as_json() == before
    assert before["column_reasons"]  # the arithmetic's reasons, kept


def test_it_counts_only_the_column_an_admin_changed_as_a_correction(admin):
    preview = previewed(admin, csv_bytes(SEED_001))
    shown = read(admin, preview).columns.fields
    url = reverse("posts:import-mapping", args=[admin.organisation.slug, preview.pk])

    admin.post(url, {**{f"column-{c}": name for c, name in shown.items()}, "column-0": "ignore"})

    preview.refresh_from_db()
    assert preview.corrections == {"0": "ignore"}


def test_it_never_remembers_a_mapping_read_by_arithmetic(admin):
    preview = previewed(admin, csv_bytes(SEED_001))
    submit_unchanged(admin, preview)

    commit(admin, preview)

    assert PlanLine.objects.filter(plan__slug="seed-001").exists()
    assert not ColumnMapping.objects.filter(header__in=["total cost", "total budget"]).exists()


def test_it_reads_a_later_file_by_its_own_words_after_seed_001_is_committed(admin):
    first = previewed(admin, csv_bytes(SEED_001))
    submit_unchanged(admin, first)
    commit(admin, first)

    later = read(admin, previewed(admin, csv_bytes(LATER), plan="later"))

    assert later.columns.fields[2] == "total"
    assert not later.columns.reasons


def test_it_says_where_a_remembered_mapping_is_applied(admin):
    ColumnMapping.objects.create(
        organisation=admin.organisation, header="total cost", field="unit_cost"
    )

    later = read(admin, previewed(admin, csv_bytes(LATER), plan="later"))

    assert later.columns.fields[2] == "unit_cost"
    assert (
        "“Total cost” read as the cost of one post, as an earlier import of this council was mapped"
    ) in later.columns.reasons


def test_it_shows_on_the_preview_where_a_remembered_mapping_is_applied(admin):
    ColumnMapping.objects.create(
        organisation=admin.organisation, header="total cost", field="unit_cost"
    )
    preview = previewed(admin, csv_bytes(LATER), plan="later")

    url = reverse("posts:import-preview", args=[admin.organisation.slug, preview.pk])
    page = admin.get(url).content.decode()

    assert "as an earlier import of this council was mapped" in page


def test_it_ignores_columns_and_fields_that_are_not_the_forms_in_a_tampered_mapping(admin):
    preview = previewed(admin, csv_bytes(SEED_001))
    url = reverse("posts:import-mapping", args=[admin.organisation.slug, preview.pk])

    response = admin.post(url, {"column-x": "title", "column-1": "<script>", "column-2": ""})

    preview.refresh_from_db()
    assert response.status_code == 302
    assert preview.corrections == {}
