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


# Seed 001 as its committee report prints it: "Total cost" is the cost of one post, "Total
# Budget" that times the count in "4 SW"; a team written once over its roles; the total's
# word in the TEAM column and its FTE in the ROLE column.
SEED_001 = [
    ["TEAM", "ROLE", "Total cost", "Total Budget"],
    ["Contact Advice & Assessment", "1 ATM", "£46,110", "£46,110"],
    [None, "4 SW", "£38,020", "£152,080"],
    [None, "0.5 BSO", "£25,360", "£12,680"],
    ["Looked After Children's Team", "1 TM", "£56,030", "£56,030"],
    [None, "3 SW", "£38,020", "£114,060"],
    ["Children & Families", "1 PSW", "£64,810", "£64,810"],
    ["Quality Assurance and Safeguarding Service", "1 IRO", "£57,420", "£57,420"],
    ["Disabled Children's Team", "1 SW", "£38,020", "£38,020"],
    ["Training & Development", None, None, "£10,000"],
    ["Total", "12.5fte", None, "£ 551,210"],
]

# Seed 004 (Wirral, 13.1): every post by district, the funding and the kind of change in the
# Comment column; on a second sheet, the sources of funding for a full year (as numbers: the
# paper's "= £100,000" would be a formula in a workbook).
WIRRAL_POSTS = [
    ["District/Area", "Post", "Grade (subject to evaluation)", "FTE", "Cost", "Comment"],
    ["Area Teams", "Team Leaders", "PO8", 2.5, "£100,000", "Met by ABG (SDG ex BIP)"],
    ["Area Team", "Information Sharing Coordinators", "Band E", 7.5, "£182,000",
     "Met from ABG (SDG)."],
    ["CADT", "Team Manager", "PO8", 1, "£46,070", "Met from Care Matters ABG"],
    ["Assessment", "Social Workers", "Scp 26-36", 3, "£114,230", "Requires additional funding"],
    ["CADT", "Principal Manager", "PO12", 1, "£50,560", "Requires additional funding"],
    ["Care Management", "Social Worker", "Scp 26 - 36", 3, "£114,230",
     "Requires additional funding"],
    ["Leaving Care", "Social Worker", "Scp 26 -36", 2, "£76,150", "Met from Care Matters ABG"],
    ["CiC Team", "Social Worker", "Scp 26-36", 3, "£114,230", "Met from Care Matters ABG"],
    ["CiC Team", "Senior Practitioner", "PO4", 1, "£41,610", "Met from Care Matters ABG"],
    [None, "Agency Social workers and Admin support", None, None, "£80,000",
     "School Development Grant ABG (2008-09)"],
    ["ICS", "Project Manager", "PO8", 1, "£46,070", "Care Matters ABG (2008/09)"],
    ["ICS", "Data Officers", "Band E", 4, "£97,070", "Care Matters ABG (2008/09)"],
    ["ICS software", "-", "-", "-", "£37,000", "Care Matters ABG (2008/09)"],
    [],
    ["Birkenhead (North)", "Principal Manager", "PO12", 2, "£101,130",
     "New Post, requires additional funding"],
    ["Birkenhead (North)", "Care Management Team Manager", "PO8", 1, "£46,070",
     "New Post, requires additional funding"],
    ["Birkenhead (North)", "Senior Practitioner", "PO4", 1, "£3,540",
     "Uplift from SW, requires additional funding"],
    ["Birkenhead (South)", "Principal Manager", "PO12", 2, "£101,130",
     "New Post, requires additional funding"],
    ["Wallasey", "Principal Manager", "PO12", 2, "£101,130",
     "New Post, requires additional funding"],
    ["South & West", "Principal Manager", "PO12", 1, "£50,560",
     "New Post, requires additional funding"],
    ["Safeguarding", "Strategic Service Manager", "EPO21", 1, "£16,100",
     "Uplift from EPO6, funded from LSCB"],
    ["Safeguarding", "LSCB Manager", "PO14", 1, "£52,800", "Funded from LSCB"],
    ["Quality Assurance", "CIN Reviewing Officer", "PO8", 1, "£46,070",
     "Met from Care Matters ABG"],
    ["Quality Assurance", "Complaints Manager", "PO8", 1, "£2,240",
     "Uplift from PO6, requires additional funding"],
    ["Quality Assurance", "Children's Involvement Manager", "PO8", 1, "£4,460",
     "Uplift from PO4, requires additional funding"],
    ["Quality Assurance", "Professional Practice Officer", "PO4", 1, "£42,850",
     "Met from Care Matters ABG"],
    ["Work Force Development", "Staff Development Officer", "PO2", 1, "£40,300",
     "Met from CWDC Grant"],
    ["Total", None, None, None, "£1,707,600", None],
]  # fmt: skip
WIRRAL_SOURCES = [
    ["The sources of funding for a full year are:-"],
    [],
    ["ABG (SDG ex BIP)", 100_000],
    ["ABG (SDG)", 182_000],
    ["ABG (Care Matters)", 367_000],
    ["LSCB funding", 68_900],
    ["ABG Care Matters (2008/09)", 180_100],
    ["ABG School Development Grant (2008/09)", 80_000],
    ["CWDC Grant", 40_300],
    ["Budget Growth", 689_300],
    ["Total", 1_707_600],
]


def wirral_workbook() -> bytes:
    return workbook_bytes(WIRRAL_POSTS, title="Posts", sheets={"Funding": WIRRAL_SOURCES})
