"""Committee tables and prose in Word, to paste into a council's report: the same `Table`
rows as the HTML page, the PDF and the workbook, each figure the text `format_cell`
prints, so a table in Word casts as it does on the page.

A table is a real Word table: its header row repeats at the top of each page
(`w:tblHeader`), no row breaks across pages, numbers are right-aligned, group headings
span the table, subtotals and totals are bold, and its notes and the assumptions follow
it, on A4 landscape with the PDF's margins, the council's name and the appendix in the
page header (decision 0034). python-docx makes the document around the tables; each
table is written as WordprocessingML text, as `reports.rendering` writes HTML, and put in
the place held for it as the file is saved: python-docx's row and cell objects take
seconds over the 20,000 cells of a 2,000-line table, and offer no header row that repeats.

No Django here: `reports.documents` says what goes in the header and footer.
"""

from __future__ import annotations

import io
import re
import secrets
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

from docx import Document as new_word_document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Mm, Pt, RGBColor

from reports.tables import Column, RowKind, Table, format_cell, width_class

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

FONT = "Arial"  # Liberation Sans, its metric twin, where LibreOffice lacks it
BLACK = RGBColor(0x0B, 0x0C, 0x0C)
MARK_RED = RGBColor(0xA4, 0x00, 0x1D)
GREY_RULE = "B1B4B6"
HEADING_FILL = "F3F2F1"
TWIPS_PER_MM = 1440 / 25.4
EMU_PER_TWIP = 635

# A4 and the PDF's margins (templates/reports/print.html): landscape for tables, portrait
# for prose, as a committee report holds its text and its appendices.
A4_LONG, A4_SHORT = Mm(297), Mm(210)
TABLE_MARGINS = {"top": 20, "right": 12, "bottom": 16, "left": 12}
PROSE_MARGINS = {"top": 20, "right": 20, "bottom": 20, "left": 20}

# Column widths in millimetres by the PDF's width classes (reports.tables.width_class);
# wide (free-text) columns share what is left, but no less than this each.
WIDTHS_MM = {"fte": 12, "number": 19, "short": 14, "medium": 24, "text": 36}
WIDE_AT_LEAST_MM = 30

# Characters XML 1.0 cannot hold (control characters but tab and line breaks): a title
# typed with one still prints, without it.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class Letterhead:
    """What a document says about itself, at its head and on every page: the PDF's title,
    meta line, running header and footer, in words already printed."""

    council: str
    title: str  # "Resource requirement"
    plan: str = ""  # the plan's name
    appendix: str = ""  # "2", as the reader typed it
    meeting: str = ""  # "Cabinet, 12 March 2026", or "Approved by Cabinet on ..."
    period: str = ""  # "2025/26 to 2027/28"
    filters: str = ""  # "Showing only lines with ..."
    produced_at: datetime | None = None
    produced: str = ""  # "2 December 2026, 04:50", in the council's time
    status: str = ""  # the footer's "Status: Draft"
    status_mark: str = ""  # the word across the top of each page: DRAFT

    @property
    def heading(self) -> str:
        return f"Appendix {self.appendix}: {self.title}" if self.appendix else self.title

    @property
    def running_title(self) -> str:
        return ": ".join(part for part in (self.council, self.plan) if part)

    @property
    def running_appendix(self) -> str:
        appendix = f"Appendix {self.appendix}" if self.appendix else ""
        return " · ".join(part for part in (appendix, self.meeting) if part)


def write_tables_docx(
    letterhead: Letterhead, tables: Sequence[Table], assumptions: Iterable[tuple[str, str]]
) -> bytes:
    """The tables as one Word document: title, meta line, each table with its caption and
    notes, then the assumptions, on A4 landscape."""
    document = _new_document(landscape=True, body_size=9)
    _page_furniture(document, letterhead)
    _title_and_meta(document, letterhead)
    width = _text_width_twips(document)
    written: dict[str, str] = {}
    for table in tables:
        caption = document.add_paragraph(_clean(table.title), style="Caption")
        caption.paragraph_format.keep_with_next = True
        _set_aside(document, written, table_xml(table, width))
        for note in table.notes:
            document.add_paragraph(_clean(note), style="Table note")
    assumptions = list(assumptions)
    if assumptions:
        heading = document.add_heading("Assumptions", level=2)
        heading.paragraph_format.keep_with_next = True
        _set_aside(document, written, _pairs_xml(assumptions, width))
    return _saved(document, written)


def write_prose_docx(*, letterhead: Letterhead, sections: Sequence[tuple[str, list[str]]]) -> bytes:
    """Prose in the tables' style, on A4 portrait, with their header and footer (the
    DRAFT mark, the status): the title and meta line, then each section's heading (none
    if blank) and its paragraphs; a line break in a paragraph is kept."""
    document = _new_document(landscape=False, body_size=11)
    _page_furniture(document, letterhead)
    _title_and_meta(document, letterhead)
    for heading, paragraphs in sections:
        if heading:
            document.add_heading(_clean(heading), level=2)
        for text in paragraphs:
            paragraph = document.add_paragraph()
            for number, line in enumerate(_clean(text).split("\n")):
                run = paragraph.add_run()
                if number:
                    run.add_break()
                run.add_text(line)
    return _saved(document)


def _title_and_meta(document, letterhead: Letterhead) -> None:
    """The heading and, under it, the council, plan, meeting and period; the filters."""
    document.add_heading(_clean(letterhead.heading), level=1)
    meta = [letterhead.council, letterhead.plan, letterhead.meeting, letterhead.period]
    document.add_paragraph(_clean(" · ".join(part for part in meta if part)), style="Meta")
    if letterhead.filters:
        document.add_paragraph(_clean(letterhead.filters), style="Meta")


# -- the table's XML ----------------------------------------------------------------------


HEADER_RULE = (
    '<w:tcBorders><w:bottom w:val="single" w:sz="8" w:space="0" w:color="0B0C0C"/></w:tcBorders>'
)
TOTAL_RULE = (
    '<w:tcBorders><w:top w:val="single" w:sz="8" w:space="0" w:color="0B0C0C"/>'
    '<w:bottom w:val="double" w:sz="4" w:space="0" w:color="0B0C0C"/></w:tcBorders>'
)
TABLE_STYLE_ID = "CommitteeTable"
TEXT_STYLE_ID = "TableText"
FIGURE_STYLE_ID = "TableFigure"
ROW = "<w:tr><w:trPr><w:cantSplit/></w:trPr>"  # a row is never split across pages
HEADER_ROW = "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"  # repeats on each page


def table_xml(table: Table, text_width: int) -> str:
    """A <w:tbl> of the table: the header row marked to repeat, every row kept whole on
    its page, a group's heading kept with the rows under it."""
    columns = table.columns
    widths = column_widths(columns, text_width)
    whole, count = sum(widths), len(columns)
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    parts = [
        "<w:tbl><w:tblPr>",
        f'<w:tblStyle w:val="{TABLE_STYLE_ID}"/>',
        f'<w:tblW w:w="{whole}" w:type="dxa"/>',
        '<w:tblLayout w:type="fixed"/>',
        '<w:tblLook w:val="0660" w:firstRow="1" w:lastRow="1" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>',
        f"<w:tblCaption w:val={quoteattr(_clean(table.title))}/>",
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>",
        HEADER_ROW,
    ]
    for column, width in zip(columns, widths, strict=True):
        parts.append(_cell(column.label, width, right=column.numeric, bold=True, rule=HEADER_RULE))
    parts.append("</w:tr>")
    if not table.rows:
        parts.append(f"{ROW}{_cell(table.empty_message, whole, span=count)}</w:tr>")
    first_key = columns[0].key
    # Each cell's opening by the kind of row, worked out once per column: a table of
    # 2,000 lines has 20,000 cells. A printed figure is digits, commas, a point and a
    # minus only, so it is written as it is, as `reports.rendering` writes it.
    opening = {
        kind: [
            (
                column,
                column.key,
                column.numeric,
                _cell_opening(width, right=column.numeric, rule=rule),
            )
            for column, width in zip(columns, widths, strict=True)
        ]
        for kind, rule in ((RowKind.LINE, ""), (RowKind.SUBTOTAL, ""), (RowKind.TOTAL, TOTAL_RULE))
    }
    for row in table.rows:
        kind, cells = row.kind, row.cells
        parts.append(ROW)
        if kind == RowKind.HEADING:
            label = cells.get(first_key, "")
            parts.append(_cell(label, whole, bold=True, span=count, fill=HEADING_FILL, keep=True))
            parts.append("</w:tr>")
            continue
        bold = kind != RowKind.LINE
        run = BOLD_RUN if bold else RUN
        for column, key, numeric, start in opening[kind]:
            text = format_cell(column, cells.get(key))
            if not text:
                parts.append(start + CELL_END)
            elif numeric:
                parts.append(f"{start}{run}<w:t>{text}</w:t></w:r>{CELL_END}")
            else:
                parts.append(start + _runs(text, bold) + CELL_END)
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


RUN = "<w:r>"
BOLD_RUN = "<w:r><w:rPr><w:b/><w:bCs/></w:rPr>"
CELL_END = "</w:p></w:tc>"


def _cell(text: str, width: int, *, bold: bool = False, **opening) -> str:
    return _cell_opening(width, **opening) + _runs(text, bold) + CELL_END


def _cell_opening(
    width: int,
    *,
    right: bool = False,
    rule: str = "",
    span: int = 1,
    fill: str = "",
    keep: bool = False,
) -> str:
    """A cell up to its paragraph's text: its width, span, rules and shading, and the
    paragraph's style (figures right-aligned) and whether it keeps with the next row."""
    properties = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        properties += f'<w:gridSpan w:val="{span}"/>'
    properties += rule
    if fill:
        properties += f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'
    style = FIGURE_STYLE_ID if right else TEXT_STYLE_ID
    paragraph = f'<w:pPr><w:pStyle w:val="{style}"/>{"<w:keepNext/>" if keep else ""}</w:pPr>'
    return f"<w:tc><w:tcPr>{properties}</w:tcPr><w:p>{paragraph}"


def _runs(text: str, bold: bool = False) -> str:
    if not text:
        return ""
    text = _clean(text)
    start = BOLD_RUN if bold else RUN
    if "\n" not in text and "\t" not in text:
        return f'{start}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    pieces = []
    for number, line in enumerate(text.split("\n")):
        if number:
            pieces.append("<w:br/>")
        for index, part in enumerate(line.split("\t")):
            if index:
                pieces.append("<w:tab/>")
            if part:
                pieces.append(f'<w:t xml:space="preserve">{escape(part)}</w:t>')
    return f"{start}{''.join(pieces)}</w:r>"


def _pairs_xml(pairs: list[tuple[str, str]], text_width: int) -> str:
    """The assumptions as the PDF lists them: each label, bold, beside its text."""
    label_width = round(32 * TWIPS_PER_MM)
    text = text_width - label_width
    rows = "".join(
        f"{ROW}{_cell(label, label_width, bold=True)}{_cell(value, text)}</w:tr>"
        for label, value in pairs
    )
    return (
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{text_width}" w:type="dxa"/>'
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="113" w:type="dxa"/>'
        "</w:tblCellMar>"
        '<w:tblLook w:val="0600" w:firstRow="0" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
        '<w:tblCaption w:val="Assumptions"/></w:tblPr>'
        f'<w:tblGrid><w:gridCol w:w="{label_width}"/><w:gridCol w:w="{text}"/></w:tblGrid>'
        f"{rows}</w:tbl>"
    )


def column_widths(columns: Sequence[Column], text_width: int) -> list[int]:
    """Each column's width in twips, by the PDF's width classes; wide columns share what is
    left, and if that leaves them too little, every column narrows in proportion."""
    fixed = [None if c.wide else round(WIDTHS_MM[width_class(c)] * TWIPS_PER_MM) for c in columns]
    wide_count = fixed.count(None)
    left = text_width - sum(w for w in fixed if w is not None)
    wide = max(left // wide_count, round(WIDE_AT_LEAST_MM * TWIPS_PER_MM)) if wide_count else 0
    widths = [wide if w is None else w for w in fixed]
    total = sum(widths)
    if total > text_width or (not wide_count and total < text_width):
        widths = [w * text_width // total for w in widths]
    return widths


# -- the document around it ---------------------------------------------------------------


def _new_document(*, landscape: bool, body_size: float):
    document = new_word_document()
    section = document.sections[0]
    margins = TABLE_MARGINS if landscape else PROSE_MARGINS
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = A4_LONG, A4_SHORT
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = A4_SHORT, A4_LONG
    section.top_margin = Mm(margins["top"])
    section.right_margin = Mm(margins["right"])
    section.bottom_margin = Mm(margins["bottom"])
    section.left_margin = Mm(margins["left"])
    section.header_distance = Mm(8)
    section.footer_distance = Mm(7)
    _styles(document, body_size)
    return document


def _styles(document, body_size: float) -> None:
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    for lang in defaults.iter(qn("w:lang")):
        lang.set(qn("w:val"), "en-GB")
        lang.set(qn("w:eastAsia"), "en-GB")
    normal = styles["Normal"]
    _font(normal, body_size)
    normal.paragraph_format.space_after = Pt(body_size * 0.6)
    normal.paragraph_format.line_spacing = 1.0
    for name, size in (("Heading 1", 14), ("Heading 2", 11)):
        _font(styles[name], size, bold=True)
        styles[name].paragraph_format.space_before = Pt(size * 0.6)
        styles[name].paragraph_format.space_after = Pt(4)
    caption = styles["Caption"]
    _font(caption, 10, bold=True)
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(3)
    meta = styles.add_style("Meta", WD_STYLE_TYPE.PARAGRAPH)
    meta.base_style = normal
    _font(meta, 9)
    meta.paragraph_format.space_after = Pt(4)
    for name, style_id, right in (
        ("Table text", TEXT_STYLE_ID, False),
        ("Table figure", FIGURE_STYLE_ID, True),
    ):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.element.set(qn("w:styleId"), style_id)
        style.base_style = normal
        _font(style, 8)
        style.paragraph_format.space_before = Pt(0)
        style.paragraph_format.space_after = Pt(0)
        if right:
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    note = styles.add_style("Table note", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = styles["List Bullet"]
    _font(note, 7.5)
    note.paragraph_format.space_after = Pt(1)
    _table_style(document)
    for name in ("Header", "Footer"):
        _font(styles[name], 8)
        tabs = styles[name].paragraph_format.tab_stops
        tabs.clear_all()
        width = _text_width_twips(document)
        tabs.add_tab_stop(Emu(width // 2 * EMU_PER_TWIP), WD_TAB_ALIGNMENT.CENTER)
        tabs.add_tab_stop(Emu(width * EMU_PER_TWIP), WD_TAB_ALIGNMENT.RIGHT)


def _table_style(document) -> None:
    """The committee table's own table style: a fine rule under each row, and room in the
    cells as the PDF gives them, so a council's template can restyle every table at once."""
    styles = document.styles.element
    styles.append(
        parse_xml(
            f'<w:style {nsdecls("w")} w:type="table" w:customStyle="1" '
            f'w:styleId="{TABLE_STYLE_ID}"><w:name w:val="Committee table"/>'
            '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/><w:pPr>'
            '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:tblPr>'
            "<w:tblBorders>"
            f'<w:bottom w:val="single" w:sz="3" w:space="0" w:color="{GREY_RULE}"/>'
            f'<w:insideH w:val="single" w:sz="3" w:space="0" w:color="{GREY_RULE}"/>'
            "</w:tblBorders><w:tblCellMar>"
            '<w:top w:w="28" w:type="dxa"/><w:left w:w="68" w:type="dxa"/>'
            '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="68" w:type="dxa"/>'
            "</w:tblCellMar></w:tblPr></w:style>"
        )
    )


def _font(style, size: float, bold: bool | None = None) -> None:
    font = style.font
    font.name = FONT
    font.size = Pt(size)
    font.color.rgb = BLACK
    if bold is not None:
        font.bold = bold
    if style.type == WD_STYLE_TYPE.PARAGRAPH or style.type == WD_STYLE_TYPE.CHARACTER:
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attribute), FONT)
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            fonts.attrib.pop(qn(attribute), None)


# The page header's three parts, as shares of the text's width: the council and plan,
# which may take two lines, the status mark, and the appendix and its meeting.
HEADER_SHARES = (0.6, 0.12, 0.28)


def _header_cells(document, section):
    """The page header as a table of one row without borders, a paragraph in each cell
    (left, centred, right), so a long plan name wraps in its own cell instead of pushing
    the mark and the appendix onto a line of their own, in portrait as in landscape. The
    header's own paragraph, which Word needs after a table, is left empty and small."""
    width = _text_width_twips(document)
    table = section.header.add_table(1, len(HEADER_SHARES), Emu(width * EMU_PER_TWIP))
    table.autofit = False
    paragraphs = []
    for column, cell, share, alignment in zip(
        table.columns,
        table.rows[0].cells,
        HEADER_SHARES,
        (WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT),
        strict=True,
    ):
        column.width = cell.width = Emu(round(width * share) * EMU_PER_TWIP)
        paragraph = cell.paragraphs[0]
        paragraph.style = document.styles["Header"]
        paragraph.alignment = alignment
        paragraphs.append(paragraph)
    after = section.header.paragraphs[0]
    after._p.addprevious(table._tbl)
    after.paragraph_format.space_after = Pt(0)
    after.paragraph_format.line_spacing = Pt(1)
    return paragraphs


def _page_furniture(document, letterhead: Letterhead) -> None:
    """The running header and footer of the PDF: the council and plan, the status mark and
    the appendix with its meeting above; when it was produced, the page of how many and
    the plan's status below."""
    section = document.sections[0]
    left, centre, right = _header_cells(document, section)
    left.add_run(_clean(letterhead.running_title))
    if letterhead.status_mark:
        mark = centre.add_run(_clean(letterhead.status_mark))
        mark.bold = True
        mark.font.size = Pt(13)
        mark.font.color.rgb = MARK_RED
    right.add_run(_clean(letterhead.running_appendix or letterhead.title))
    footer = section.footer.paragraphs[0]
    footer.add_run(_clean(f"Produced {letterhead.produced}" if letterhead.produced else ""))
    footer.add_run("\tPage ")
    footer._p.append(_field("PAGE", "1"))
    footer.add_run(" of ")
    footer._p.append(_field("NUMPAGES", "1"))
    footer.add_run("\t" + (_clean(f"Status: {letterhead.status}") if letterhead.status else ""))
    properties = document.core_properties
    properties.title = _clean(f"{letterhead.running_title}: {letterhead.heading}")[:255]
    properties.subject = _clean(letterhead.heading)[:255]
    properties.author = _clean(letterhead.council)[:255]
    properties.last_modified_by = _clean(letterhead.council)[:255]
    properties.comments = ""
    properties.keywords = ""
    if letterhead.produced_at is not None:
        properties.created = letterhead.produced_at
        properties.modified = letterhead.produced_at


def _field(instruction: str, placeholder: str):
    return parse_xml(
        f'<w:fldSimple {nsdecls("w")} w:instr=" {instruction} "><w:r><w:t>{placeholder}</w:t>'
        "</w:r></w:fldSimple>"
    )


def _set_aside(document, written: dict[str, str], xml: str) -> None:
    """A place held in the document for a table written as text, filled as it is saved."""
    token = f"investplan-table-{len(written)}-{secrets.token_hex(8)}"
    document.add_paragraph(token)
    written[_PLACE_HELD.format(token=token)] = xml


_PLACE_HELD = "<w:p><w:r><w:t>{token}</w:t></w:r></w:p>"  # add_paragraph(token), saved
DOCUMENT_PART = "word/document.xml"


def _text_width_twips(document) -> int:
    section = document.sections[0]
    return round((section.page_width - section.left_margin - section.right_margin) / EMU_PER_TWIP)


def _saved(document, written: dict[str, str] | None = None) -> bytes:
    """The document as a .docx, each table written as text in the place held for it."""
    buffer = io.BytesIO()
    document.save(buffer)
    if not written:
        return buffer.getvalue()
    filled = io.BytesIO()
    with (
        zipfile.ZipFile(buffer) as saved,
        zipfile.ZipFile(filled, "w", zipfile.ZIP_DEFLATED) as package,
    ):
        for item in saved.infolist():
            content = saved.read(item)
            if item.filename == DOCUMENT_PART:
                content = _filled(content.decode(), written).encode()
            package.writestr(item, content)
    return filled.getvalue()


def _filled(xml: str, written: dict[str, str]) -> str:
    for place, table in written.items():
        if xml.count(place) != 1:
            raise ValueError("a table's place in the Word document was not kept")
        xml = xml.replace(place, table)
    return xml


def _clean(text: object) -> str:
    return _NOT_XML.sub("", "" if text is None else str(text))
