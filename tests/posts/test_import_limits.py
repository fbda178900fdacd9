"""What one appendix may hold, and how a file past it is refused (issue 18): columns and
cells, a request's body, a workbook's parts; and Excel's "Unicode text" read as text."""

import io
import re
import zipfile

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.test import RequestFactory
from django.urls import reverse

from posts.appendix.reading import Appendix, Limits, UnreadableFile
from posts.importing import import_appendix
from posts.models import AppendixImport, PlanLine
from tests.factories import OrganisationFactory, PlanFactory, PlanLineFactory
from tests.posts.appendix_files import csv_bytes, workbook_bytes

pytestmark = pytest.mark.django_db
LIMITS = django_settings.IMPORT_LIMITS
MAX_COLUMNS, MAX_FILE_BYTES, MAX_PARTS = LIMITS["columns"], LIMITS["file_bytes"], LIMITS["parts"]
HEADER = ["Post", "Grade", "FTE", "Salary", "Cost"]
ROWS = [HEADER, ["Analyst", "K", 1, 30000, 38700], ["Social worker £", "L", 0.5, 36000, 23220]]


def open_appendix(name, data) -> Appendix:
    return Appendix(name, data, limits=Limits(**LIMITS))


def import_bytes(data, name="appendix.xlsx", **options):
    return import_appendix(
        organisation=OrganisationFactory(), plan_slug="limits", file_name=name, data=data, **options
    )


def upload(client, data, name):
    url = reverse("posts:imports", args=[client.organisation.slug])
    return client.post(
        url, {"plan": "new-plan", "sheet": "", "file": SimpleUploadedFile(name, data)}
    )


# -- 1. columns and cells ------------------------------------------------------------------


def test_it_refuses_a_header_row_of_a_million_columns_naming_the_limit():
    data = b"Post," * 1_000_000  # 5 MB, one row
    rows = open_appendix("wide.csv", data).rows("wide.csv")
    with pytest.raises(
        UnreadableFile, match=f"has 1,000,000 columns; InvestPlan reads at most {MAX_COLUMNS:,}"
    ):
        list(rows)


def test_it_refuses_a_row_one_column_wider_than_the_limit():
    data = csv_bytes([HEADER, ["x"] * (MAX_COLUMNS + 1)])
    with pytest.raises(
        UnreadableFile, match=f"row 2 of “wide.csv” has {MAX_COLUMNS + 1:,} columns"
    ):
        import_bytes(data, name="wide.csv")


def test_it_reads_rows_with_thousands_of_trailing_blank_cells_as_the_rows_they_are():
    data = csv_bytes([row + [None] * 5_000 for row in ROWS])
    report = import_bytes(data, name="padded.csv")
    assert (report.committed, report.lines_created) == (True, 2)


def test_it_refuses_a_sheet_with_more_cells_than_the_limit(settings):
    settings.IMPORT_LIMITS = {**LIMITS, "cells": 100}
    data = csv_bytes([HEADER] + [["Analyst", "K", 1, 30000, 38700]] * 30)
    with pytest.raises(UnreadableFile, match="more than 100 cells; InvestPlan reads at most"):
        import_bytes(data, name="many.csv")


def _declared_wide(data: bytes) -> bytes:
    """The workbook with its sheet saying it spans every column Excel has."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD1048576"', part)
            target.writestr(info.filename, part)
    return buffer.getvalue()


def test_it_reads_a_sheet_that_says_it_spans_every_column_only_as_far_as_its_cells():
    appendix = open_appendix("wide.xlsx", _declared_wide(workbook_bytes(ROWS)))
    widths = {len(row.values) for row in appendix.rows("Appendix")}
    assert widths == {len(HEADER)}


def test_it_refuses_an_unreadable_file_at_upload_and_keeps_nothing_to_read_again(admin):
    response = upload(admin, b"Post," * 1_000_000, "wide.csv")
    assert response.status_code == 422
    assert "has 1,000,000 columns; InvestPlan reads at most" in response.content.decode()
    assert not AppendixImport.objects.exists()


def counting_reads(monkeypatch) -> list:
    """The times the import views read a file, from here on."""
    from posts import views

    reads = []
    real = views.import_appendix

    def import_appendix(**options):
        reads.append(options["file_name"])
        return real(**options)

    monkeypatch.setattr(views, "import_appendix", import_appendix)
    return reads


def test_it_reads_a_file_once_however_often_its_preview_is_loaded(admin, monkeypatch):
    response = upload(admin, workbook_bytes(ROWS), "appendix.xlsx")
    reads = counting_reads(monkeypatch)
    pages = [admin.get(response["Location"]) for _ in range(3)]
    assert [page.status_code for page in pages] == [200, 200, 200]
    assert all("2 imported" in page.content.decode() for page in pages)
    assert reads == []


def test_it_reads_the_file_again_once_the_plan_it_goes_into_has_changed(admin, monkeypatch):
    plan = PlanFactory(organisation=admin.organisation, slug="new-plan")
    response = upload(admin, workbook_bytes(ROWS), "appendix.xlsx")
    PlanLineFactory(plan=plan, title="Added since the upload")
    reads = counting_reads(monkeypatch)
    admin.get(response["Location"])
    admin.get(response["Location"])
    assert reads == ["appendix.xlsx"]


# -- 9. bodies capped before they are read ---------------------------------------------------


def test_it_refuses_an_upload_over_the_limit_before_any_of_it_is_written(admin, monkeypatch):
    started = []
    real_new_file = TemporaryFileUploadHandler.new_file

    def new_file(handler, *args, **kwargs):
        started.append(args)
        return real_new_file(handler, *args, **kwargs)

    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", new_file)
    response = upload(admin, b"a," * (MAX_FILE_BYTES // 2 + 1_000_000), "big.csv")
    assert response.status_code == 413
    assert "“big.csv” is 11.9 MB; the limit is 10 MB" in response.content.decode()
    assert started == []  # no handler after the cap began a file, in memory or on disk
    assert not AppendixImport.objects.exists()


def test_it_stops_a_file_at_the_limit_as_its_bytes_arrive():
    from posts.uploads import CappedUploadHandler

    request = RequestFactory().post("/")
    handler = CappedUploadHandler(request)
    handler.handle_raw_input(None, {}, 1_000, None)  # a body that understates its size
    handler.new_file("file", "sly.csv", "text/csv", None)
    handler.receive_data_chunk(b"a" * MAX_FILE_BYTES, 0)
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"a", MAX_FILE_BYTES)
    assert request.upload_refused == "“sly.csv” is over 10 MB; the limit is 10 MB"


def _workbook_with(parts: dict[str, bytes]) -> bytes:
    """A workbook Excel could open, with `parts` put in place of its own or beside them."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes(ROWS)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info.filename, source.read(info))
        for name, part in parts.items():
            target.writestr(name, part)
    return buffer.getvalue()


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">'
        % (level, (b"&lol%d;" % (level - 1) if level > 1 else b"&lol;") * 10)
        for level in range(1, 10)
    )
    + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    + b"<si><t>&lol9;</t></si></sst>"
)


def test_it_refuses_a_workbook_whose_xml_declares_entities_before_parsing_it():
    data = _workbook_with({"xl/sharedStrings.xml": LAUGHS})
    with pytest.raises(UnreadableFile, match=r"sharedStrings\.xml declares XML entities"):
        open_appendix("laughs.xlsx", data)


def test_it_refuses_a_part_that_inflates_like_a_zip_bomb():
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b" " * (40 * 1024 * 1024)
        + b"<sheetData/></worksheet>"
    )
    data = _workbook_with({"xl/worksheets/sheet1.xml": sheet})
    assert len(data) < 100 * 1024
    with pytest.raises(UnreadableFile, match=r"sheet1\.xml inflates .* \(a zip bomb\)"):
        open_appendix("bomb.xlsx", data)


def test_it_refuses_a_workbook_of_more_parts_than_any_workbook_has():
    data = _workbook_with({f"xl/media/{n}.bin": b"x" for n in range(MAX_PARTS)})
    with pytest.raises(
        UnreadableFile, match=f"it holds {MAX_PARTS + 9:,} parts; InvestPlan reads at most"
    ):
        open_appendix("parts.xlsx", data)


# -- 10. Excel's "Unicode text" ------------------------------------------------------------


def unicode_text(rows) -> str:
    """Rows as Excel saves them as "Unicode text": a byte-order mark, tabs, CRLF."""
    return "\ufeff" + "".join("\t".join(str(cell) for cell in row) + "\r\n" for row in rows)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_it_reads_unicode_text_saved_by_excel_as_utf_16_with_tabs(encoding):
    report = import_bytes(unicode_text(ROWS).encode(encoding), name="appendix.txt")
    assert report.committed
    assert list(PlanLine.objects.order_by("position").values_list("title", flat=True)) == [
        "Analyst",
        "Social worker £",
    ]


def test_it_uploads_unicode_text_and_previews_its_rows(admin):
    response = upload(admin, unicode_text(ROWS).encode("utf-16-le"), "appendix.txt")
    preview = admin.get(response["Location"])
    assert preview.status_code == 200
    assert "2 imported" in preview.content.decode()
