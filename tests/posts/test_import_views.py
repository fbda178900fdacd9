"""Importing in the browser: upload, preview, correct the mapping, commit, history."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from investplan.models import Role
from posts.models import AppendixImport, ColumnMapping, ImportStatus, PlanLine
from tests.factories import MembershipFactory
from tests.posts.appendix_files import MIDDLESBROUGH, WEST_BERKSHIRE, workbook_bytes

pytestmark = pytest.mark.django_db


def upload(client, data, name="appendix.xlsx", plan="new-plan"):
    url = reverse("posts:imports", args=[client.organisation.slug])
    return client.post(url, {"file": SimpleUploadedFile(name, data), "plan": plan, "sheet": ""})


def test_it_previews_every_row_and_saves_nothing_until_committed(admin):
    response = upload(admin, MIDDLESBROUGH.read_bytes(), name=MIDDLESBROUGH.name)
    preview = admin.get(response["Location"])
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "27 imported, 1 totals" in page
    assert "stated 3,228,957" in page
    assert 'id="row-36"' in page  # the note under the table has its outcome too
    assert not PlanLine.objects.exists()


def test_it_commits_the_preview_and_lists_it_in_the_history(admin):
    response = upload(admin, workbook_bytes(WEST_BERKSHIRE), name="gtg.xlsx")
    preview_id = int(response["Location"].rstrip("/").split("/")[-1])
    commit = reverse("posts:import-commit", args=[admin.organisation.slug, preview_id])
    done = admin.post(commit, follow=True)
    assert "Imported gtg.xlsx: 3 lines added" in done.content.decode()
    assert PlanLine.objects.filter(plan__slug="new-plan").count() == 3
    record = AppendixImport.objects.get()
    assert (record.status, record.uploaded_by.pk, record.counts["imported"]) == (
        ImportStatus.IMPORTED,
        int(admin.session["_auth_user_id"]),
        3,
    )
    assert "gtg.xlsx" in done.content.decode()  # the history on the same page


def test_it_reads_again_with_a_corrected_mapping_and_remembers_it_on_commit(admin):
    rows = [["Post", "FTE", "Cost", "Lead officer"], ["Analyst", 1, 40000, "Ms Smith"]]
    response = upload(admin, workbook_bytes(rows))
    preview_id = int(response["Location"].rstrip("/").split("/")[-1])
    slug = admin.organisation.slug
    admin.post(
        reverse("posts:import-mapping", args=[slug, preview_id]),
        {"column-0": "title", "column-1": "fte", "column-2": "annual_cost",
         "column-3": "justification"},
    )  # fmt: skip
    admin.post(reverse("posts:import-commit", args=[slug, preview_id]))
    assert PlanLine.objects.get().justification == "Ms Smith"
    assert ColumnMapping.objects.get(header="lead officer").field == "justification"


def test_it_names_the_problem_with_a_file_of_the_wrong_type(admin):
    response = upload(admin, b"MZ\x90\x00", name="setup.exe")
    assert response.status_code == 422
    assert "is not an Excel workbook (.xlsx, .xlsm) or a CSV file" in response.content.decode()
    assert not AppendixImport.objects.exists()


def test_it_refuses_a_finance_officer(client):
    membership = MembershipFactory(role=Role.FINANCE_OFFICER)
    client.force_login(membership.user)
    url = reverse("posts:imports", args=[membership.organisation.slug])
    assert client.get(url).status_code == 403


def test_it_hides_another_councils_imports(admin):
    other = MembershipFactory(role=Role.ADMIN).organisation
    assert admin.get(reverse("posts:imports", args=[other.slug])).status_code == 404


def test_it_refuses_a_commit_without_the_csrf_token(admin):
    from django.test import Client

    response = upload(admin, workbook_bytes(WEST_BERKSHIRE))
    preview_id = int(response["Location"].rstrip("/").split("/")[-1])
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(AppendixImport.objects.get().uploaded_by)
    commit = reverse("posts:import-commit", args=[admin.organisation.slug, preview_id])
    assert strict.post(commit).status_code == 403
    assert not PlanLine.objects.exists()


def test_it_lets_go_of_previews_nobody_imported_within_a_week(admin):
    first = upload(admin, workbook_bytes(WEST_BERKSHIRE), name="old.xlsx")
    imported = upload(admin, workbook_bytes(WEST_BERKSHIRE), name="imported.xlsx")
    imported_id = int(imported["Location"].rstrip("/").split("/")[-1])
    admin.post(reverse("posts:import-commit", args=[admin.organisation.slug, imported_id]))
    a_week_ago = timezone.now() - timedelta(days=7, minutes=1)
    AppendixImport.objects.update(created_at=a_week_ago)

    upload(admin, workbook_bytes(WEST_BERKSHIRE), name="new.xlsx")

    kept = set(AppendixImport.objects.values_list("file_name", "status"))
    assert kept == {("imported.xlsx", ImportStatus.IMPORTED), ("new.xlsx", ImportStatus.PREVIEWED)}
    assert admin.get(first["Location"]).status_code == 404
