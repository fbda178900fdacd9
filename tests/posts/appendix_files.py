"""Appendices made in the tests: workbooks and CSV in the shapes councils use."""

import csv
import io
import zipfile
from pathlib import Path

from openpyxl import Workbook

# The two real workbooks from the brief (`../shared/appendices/`), kept with the project so
# the tests run wherever it is cloned.
APPENDICES = Path(__file__).resolve().parents[2] / "fixtures" / "appendices"
MIDDLESBROUGH = APPENDICES / "middlesbrough-2020-resource-requirement.xlsx"
STAFFORDSHIRE = APPENDICES / "staffordshire-2023-investment-tracker.xlsx"


def workbook_bytes(rows, title="Appendix", merged=(), sheets=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for cells in merged:
        sheet.merge_cells(cells)
    for name, extra_rows in (sheets or {}).items():
        extra = workbook.create_sheet(name)
        for row in extra_rows:
            extra.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, delimiter=",", encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(
        ["" if cell is None else cell for cell in row] for row in rows
    )
    return buffer.getvalue().encode(encoding)


# Seed 001 (West Berkshire): team / role with its count / unit cost / budget, no FTE column.
WEST_BERKSHIRE = [
    ["Getting to Good: additional posts"],
    [],
    ["Team", "Role", "Unit cost", "Budget"],
    ["Referral and Assessment", "4 SW", "£38,020", "£152,080"],
    ["Referral and Assessment", "0.5 BSO", "£24,000", "£12,000"],
    ["Child Protection", "1 TM", "£55,000", "£55,000"],
    ["Total", None, None, "£219,080"],
]

# Seed 004 (Wirral): district, post, grade, FTE, cost, and the funding in a Comment column.
WIRRAL = [
    ["Appendix 1: posts by district"],
    ["District", "Post", "Grade", "FTE", "Cost", "Comment"],
    ["Birkenhead", "Social Worker", "Scp 26-36", 2, "£ 80,000", "Met from Care Matters ABG"],
    ["Birkenhead", "Team Manager", "PO8", 1, "50,000", "Requires additional funding"],
    ["Wallasey", "Family Support Worker", "Band E", 1, "25,000", "Funded by Police partnership"],
    ["Total", None, None, 4, "155,000", None],
]

# Seed 004 again, with the second table under it: what each source has for a full year,
# written as the paper writes it ("= £100,000"; in a workbook that would be a formula).
WIRRAL_WITH_SOURCES = [
    *WIRRAL,
    [],
    ["The sources of funding for a full year are:-"],
    [],
    ["Care Matters ABG", "= £80,000"],
    ["Police partnership", "= £25,000"],
    ["Care Matters ABG (2025/26)", 12_500],
    ["Budget Growth", "= £50,000"],
    ["Total", "= £167,500"],
]


def macro_workbook_bytes(rows) -> bytes:
    """`rows` as an .xlsm: the macro-enabled content type and a VBA project part, as Excel
    saves one. The project's bytes are junk: reading must never need them."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes(rows)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                ).replace(
                    b"</Types>",
                    b'<Default Extension="bin" '
                    b'ContentType="application/vnd.ms-office.vbaProject" /></Types>',
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdVba" Target="vbaProject.bin" Type="http://schemas.'
                    b'microsoft.com/office/2006/relationships/vbaProject" /></Relationships>',
                )
            target.writestr(info, data)
        target.writestr("xl/vbaProject.bin", b'Attribute VB_Name = "AutoOpen"' * 100)
    return buffer.getvalue()
