"""Read the Word document back with python-docx: every cell is the text the page prints,
the groups cast, the header row repeats, A4 landscape with the council and the appendix
in the header; and LibreOffice opens it and reads out the same figures."""

import io
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document as read_docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm
from pypdf import PdfReader

from figures.services import refigure_plan
from investplan.models import Role
from investplan.services import approve_plan, reopen_plan
from posts.models import PlanLine
from reports.builders import MULTI_YEAR_GROUPINGS, REPORTS, ReportOptions
from reports.documents import ReportDocument
from reports.tables import RowKind, format_cell
from reports.views import PAGE_LINES
from reports.word import Letterhead, write_prose_docx
from tests.factories import MembershipFactory, PlanLineFactory, WorkstreamFactory
from tests.reports.helpers import page_header

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EVERY_TABLE = [
    *[(slug, {}) for slug in REPORTS],
    *[("multi-year", {"by": by}) for by in MULTI_YEAR_GROUPINGS if by != "workstream"],
    ("resource-requirement", {"sort": "annual_cost", "descending": True}),
    ("recruitment", {"status": "recruiting"}),
]


def word_of(plan, slug, **options):
    document = ReportDocument.build(plan, slug, ReportOptions(**options))
    return document, read_docx(io.BytesIO(document.docx()))


def cell_texts(row) -> list[str]:
    """A Word row's cells left to right, a cell spanning several columns once."""
    seen, texts = set(), []
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            texts.append(cell.text)
    return texts


def printed(table, row) -> list[str]:
    return [format_cell(column, row.cells.get(column.key)) for column in table.columns]


def amount(text: str) -> Decimal:
    return Decimal(text.replace(",", "")) if text else Decimal(0)


def test_it_writes_every_cell_of_every_table_as_the_page_prints_it(demo):
    for slug, options in EVERY_TABLE:
        document, word = word_of(demo, slug, **options)

        assert len(word.tables) == len(document.tables) + 1  # and the assumptions
        assert_cells_as_printed(document, word)


def assert_cells_as_printed(document, word):
    for table, written in zip(document.tables, word.tables, strict=False):
        rows = written.rows
        assert cell_texts(rows[0]) == [column.label for column in table.columns]
        if not table.rows:
            assert [cell_texts(row) for row in rows[1:]] == [[table.empty_message]]
            continue
        for row, word_row in zip(table.rows, rows[1:], strict=True):
            if row.kind == RowKind.HEADING:
                assert cell_texts(word_row) == [row.cells[table.columns[0].key]]
            else:
                assert cell_texts(word_row) == printed(table, row)


def test_it_writes_every_line_of_a_table_longer_than_a_page_shows(plan):
    workstream = WorkstreamFactory(plan=plan)
    made = PlanLineFactory.build_batch(PAGE_LINES + 1, plan=plan, workstream=workstream)
    PlanLine.objects.bulk_create(made)
    refigure_plan(plan=plan)

    document, word = word_of(plan, "resource-requirement")

    lines = [row for row in document.tables[0].rows if row.kind == RowKind.LINE]
    assert len(lines) == PAGE_LINES + 1
    assert_cells_as_printed(document, word)


def test_it_casts_each_group_and_the_total_from_the_printed_cells(demo):
    cast = 0
    for slug, options in EVERY_TABLE:
        cast += tables_cast(*word_of(demo, slug, **options))

    assert cast >= len(EVERY_TABLE)


def tables_cast(document, word) -> int:
    """How many of the Word tables cast: each subtotal the sum of the printed lines above
    it, the total of the printed subtotals (or lines); it fails on one that does not."""
    cast = 0
    for table, written in zip(document.tables, word.tables, strict=False):
        summed = [i for i, column in enumerate(table.columns) if column.summed]
        kinds = [row.kind for row in table.rows]
        if not kinds:
            continue
        group = lines = subtotals = [Decimal(0)] * len(summed)
        for kind, row in zip(kinds, written.rows[1:], strict=True):
            texts = cell_texts(row)
            figures = [amount(texts[i]) for i in summed] if kind != RowKind.HEADING else []
            if kind == RowKind.HEADING:
                group = [Decimal(0)] * len(summed)
            elif kind == RowKind.LINE:
                group = [a + b for a, b in zip(group, figures, strict=True)]
                lines = [a + b for a, b in zip(lines, figures, strict=True)]
            elif kind == RowKind.SUBTOTAL:
                assert figures == group
                subtotals = [a + b for a, b in zip(subtotals, figures, strict=True)]
            else:
                assert figures == (subtotals if RowKind.SUBTOTAL in kinds else lines)
        assert kinds[-1] == RowKind.TOTAL
        cast += 1
    return cast


def test_it_prints_the_resource_requirement_total_to_the_pound(demo):
    _, word = word_of(demo, "resource-requirement")

    total = cell_texts(word.tables[0].rows[-1])
    assert total[0] == "Total"
    assert "1,765,417" in total and "3,094,223" in total


def is_bold(word_row) -> bool:
    runs = [run for cell in word_row.cells for p in cell.paragraphs for run in p.runs]
    return bool(runs) and all(run.bold for run in runs)


def test_it_sets_subtotals_totals_and_group_headings_in_bold_and_lines_not(demo):
    document, word = word_of(demo, "resource-requirement")

    for row, word_row in zip(document.tables[0].rows, word.tables[0].rows[1:], strict=True):
        assert is_bold(word_row) == (row.kind != RowKind.LINE), cell_texts(word_row)


def test_it_spans_and_shades_a_groups_heading_across_the_table(demo):
    document, word = word_of(demo, "resource-requirement")

    heading = word.tables[0].rows[1]
    tc = heading._tr.tc_lst[0]
    assert len(heading._tr.tc_lst) == 1
    assert tc.tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == str(len(document.tables[0].columns))
    assert tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "F3F2F1"
    assert heading.cells[0].paragraphs[0].paragraph_format.keep_with_next


def test_it_marks_the_header_row_to_repeat_on_every_page_and_no_other(demo):
    _, word = word_of(demo, "resource-requirement")

    rows = word.tables[0].rows
    repeats = [row._tr.trPr.find(qn("w:tblHeader")) is not None for row in rows]
    assert repeats == [True] + [False] * (len(rows) - 1)
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in rows)


def test_it_aligns_figures_right_and_words_left(demo):
    document, word = word_of(demo, "resource-requirement")
    columns = document.tables[0].columns

    line = next(row for row in word.tables[0].rows if cell_texts(row)[0] == "Social Worker")
    for column, cell in zip(columns, line.cells, strict=True):
        alignment = cell.paragraphs[0].style.paragraph_format.alignment
        assert (alignment == WD_ALIGN_PARAGRAPH.RIGHT) == column.numeric, column.key


def test_it_lays_out_a4_landscape_with_the_pdfs_margins(demo):
    _, word = word_of(demo, "multi-year")

    section = word.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    margins = [section.top_margin, section.right_margin, section.bottom_margin]
    assert [round(m.mm) for m in [*margins, section.left_margin]] == [20, 12, 16, 12]
    assert sum(word.tables[0]._tbl.tblGrid.gridCol_lst[i].w for i in range(2)) > Mm(40)


def test_it_names_the_council_plan_and_appendix_in_the_title_and_the_page_header(demo):
    _, word = word_of(demo, "resource-requirement", appendix="3")

    header = page_header(word.sections[0])
    footer = word.sections[0].footer.paragraphs[0]
    assert word.paragraphs[0].text == "Appendix 3: Resource requirement"
    assert word.paragraphs[0].style.name == "Heading 1"
    assert "Middlesbrough Council" in word.paragraphs[1].text
    assert header.startswith("Middlesbrough Council: Resource Requirement for Improvement")
    assert "DRAFT" in header and "Appendix 3" in header
    assert re.match(r"Produced \d{1,2} \w+ \d{4}, \d{2}:\d{2}\tPage ", footer.text)
    assert footer.text.endswith("Status: Draft")
    fields = [f.get(qn("w:instr")).strip() for f in footer._p.iter(qn("w:fldSimple"))]
    assert fields == ["PAGE", "NUMPAGES"]
    assert word.core_properties.author == "Middlesbrough Council"


def test_it_heads_a_plan_reopened_since_approval_as_a_draft_not_as_approved(demo):
    approve_plan(plan=demo, committee="Cabinet", meeting_date=date(2026, 3, 12))
    reopen_plan(plan=demo)

    _, word = word_of(demo, "resource-requirement", appendix="3")

    header = page_header(word.sections[0])
    said = "Draft (reopened): not the plan as approved by Cabinet on 12 March 2026"
    assert header.endswith(f"Appendix 3 · {said}")
    assert "DRAFT" in header
    assert said in word.paragraphs[1].text
    assert "Cabinet, 12 March 2026" not in header + word.paragraphs[1].text


def test_it_names_the_committee_a_plan_never_approved_goes_to_as_a_draft_for_it(demo):
    _, word = word_of(demo, "resource-requirement", appendix="3")

    assert page_header(word.sections[0]).endswith("Appendix 3 · Draft for Executive")


def test_it_puts_the_notes_and_the_assumptions_below_the_table(demo):
    document, word = word_of(demo, "resource-requirement")

    body = list(word.iter_inner_content())
    after = body[[getattr(part, "_tbl", None) for part in body].index(word.tables[0]._tbl) + 1 :]
    texts = [part.text for part in after if hasattr(part, "text")]
    assert texts[: len(document.tables[0].notes)] == document.tables[0].notes
    assert "Assumptions" in texts
    assumptions = {cell_texts(row)[0]: cell_texts(row)[1] for row in word.tables[-1].rows}
    assert assumptions["On-costs"] == "A flat 29% of pay."
    assert assumptions == dict(document.assumptions)


def test_it_writes_text_no_xml_may_hold_without_it(plan):
    PlanLineFactory(plan=plan, title="Social\x01 Worker <b>&", justification="one\ntwo")

    _, word = word_of(plan, "resource-requirement")

    texts = [text for row in word.tables[0].rows for text in cell_texts(row)]
    assert "Social Worker <b>&" in texts
    assert "one\ntwo" in texts


# -- the download ------------------------------------------------------------------------


def url(plan, slug="resource-requirement"):
    return reverse("reports:docx", args=[plan.slug, slug])


def member(plan, role):
    return MembershipFactory(organisation=plan.organisation, role=role).user


def test_it_sends_the_word_document_with_its_type_and_name(client, demo):
    client.force_login(member(demo, Role.HEAD_OF_SERVICE))

    response = client.get(url(demo, "multi-year") + "?by=funding&appendix=4")

    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == (
        'attachment; filename="middlesbrough-2020-multi-year.docx"'
    )
    word = read_docx(io.BytesIO(response.content))
    assert word.paragraphs[0].text == "Appendix 4: Multi-year summary"
    assert cell_texts(word.tables[0].rows[0])[0] == "Funding source"


def test_it_links_the_word_document_beside_the_pdf_and_excel(client, demo):
    client.force_login(member(demo, Role.FINANCE_OFFICER))

    page = client.get(reverse("reports:report", args=[demo.slug, "funding"]) + "?appendix=2")

    assert f'href="{url(demo, "funding")}?appendix=2">Download Word</a>' in page.content.decode()


def test_it_lets_a_viewer_read_the_page_but_not_download_the_word_document(client, demo):
    client.force_login(member(demo, Role.VIEWER))

    assert "Download Word" not in client.get(url(demo).replace("docx/", "")).content.decode()
    assert client.get(url(demo)).status_code == 403


def test_it_hides_another_councils_plan_from_the_word_download(client, demo):
    client.force_login(MembershipFactory(role=Role.ADMIN).user)

    assert client.get(url(demo)).status_code == 404


def test_it_sends_the_variance_and_the_tables_as_approved_in_word(client, plan):
    PlanLineFactory(plan=plan, title="Team Manager")
    baseline = approve_plan(plan=plan)
    client.force_login(member(plan, Role.HEAD_OF_SERVICE))

    variance = client.get(reverse("reports:variance-docx", args=[plan.slug]))
    approved = client.get(
        reverse("reports:as-approved-docx", args=[plan.slug, baseline.pk, "resource-requirement"])
    )

    assert variance["Content-Type"] == approved["Content-Type"] == DOCX
    assert variance["Content-Disposition"].endswith('.docx"')
    kept = read_docx(io.BytesIO(approved.content))
    texts = [text for row in kept.tables[0].rows for text in cell_texts(row)]
    assert "Team Manager" in texts
    assert "Variance" in read_docx(io.BytesIO(variance.content)).paragraphs[0].text


# -- prose ----------------------------------------------------------------------------


def test_it_writes_prose_sections_under_their_headings_on_a4_portrait():
    content = write_prose_docx(
        letterhead=Letterhead(council="Wirral Council", title="Financial implications"),
        sections=[
            ("Cost", ["The plan costs £1,765,417 in 2020/21.", "Full-year effect:\n£1.8m."]),
            ("Funding", ["£500,000 requires additional funding."]),
        ],
    )

    word = read_docx(io.BytesIO(content))
    paragraphs = [(p.style.name, p.text) for p in word.paragraphs]
    assert paragraphs == [
        ("Heading 1", "Financial implications"),
        ("Meta", "Wirral Council"),
        ("Heading 2", "Cost"),
        ("Normal", "The plan costs £1,765,417 in 2020/21."),
        ("Normal", "Full-year effect:\n£1.8m."),
        ("Heading 2", "Funding"),
        ("Normal", "£500,000 requires additional funding."),
    ]
    section = word.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert round(section.page_width.mm) == 210
    assert page_header(section).startswith("Wirral Council")


# -- LibreOffice ------------------------------------------------------------------------

SOFFICE = shutil.which("soffice")


def printed_by_libreoffice(content: bytes, tmp_path):
    """The Word document converted to PDF by LibreOffice headless: the PDF's path."""
    source = tmp_path / "word.docx"
    source.write_bytes(content)
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return tmp_path / "word.pdf"


@pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui gives soffice)",
)
def test_it_opens_in_libreoffice_with_its_figures_header_and_repeating_header_row(demo, tmp_path):
    document = ReportDocument.build(demo, "resource-requirement", ReportOptions(appendix="3"))
    reader = PdfReader(printed_by_libreoffice(document.docx(), tmp_path))
    texts = [page.extract_text() for page in reader.pages]
    assert len(texts) > 1
    assert {(round(p.mediabox.width), round(p.mediabox.height)) for p in reader.pages} == {
        (842, 595)
    }
    for number, text in enumerate(texts, start=1):
        assert "Middlesbrough Council: Resource Requirement for Improvement" in text
        assert "Appendix 3" in text and f"Page {number} of {len(texts)}" in text
    table_pages = [text for text in texts if "Children's Services" in text]
    assert all("Post / role" in text for text in table_pages)
    whole = "\n".join(texts)
    assert "1,765,417" in whole and "3,094,223" in whole
    assert "A flat 29% of pay." in whole


def words_placed_by_libreoffice(content: bytes, tmp_path) -> list[tuple[str, float, float]]:
    """The Word document as LibreOffice prints it, read back by pdftotext: each word of
    its first page with where its top and left edges are (points from the page's top
    left)."""
    printed = printed_by_libreoffice(content, tmp_path)
    placed = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(printed), "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    return [
        (word, float(top), float(left))
        for left, top, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', placed.stdout
        )
    ]


@pytest.mark.skipif(
    SOFFICE is None or shutil.which("pdftotext") is None,
    reason="LibreOffice and pdftotext are not installed (make browser installs them)",
)
def test_it_keeps_a_long_plan_names_portrait_header_on_one_line_with_the_mark(tmp_path):
    content = write_prose_docx(
        letterhead=Letterhead(
            council="Middlesbrough Council",
            plan="Resource Requirement for Improvement in Children's Services",
            title="Financial implications",
            meeting="Draft for Executive",
            status_mark="DRAFT",
        ),
        sections=[("The cost of the plan", ["The plan costs £3,094,223."])],
    )

    words = words_placed_by_libreoffice(content, tmp_path)

    top = {word: (y, x) for word, y, x in reversed(words)}  # each word's first place
    assert abs(top["Executive"][0] - top["Middlesbrough"][0]) < 1
    assert abs(top["DRAFT"][0] - top["Middlesbrough"][0]) < 1
    assert top["Middlesbrough"][1] < top["DRAFT"][1] < top["Executive"][1]
