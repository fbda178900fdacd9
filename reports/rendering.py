"""Rows to HTML, shared by the web page and the PDF. Built as strings rather than through
the template engine: a 2,000-line table is 20,000 cells, and every one is escaped here."""

from __future__ import annotations

from html import escape as _escape_html
from urllib.parse import urlencode

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reports.tables import Column, Row, RowKind, Table, cell_printer, width_class

_ROW_CLASSES = {RowKind.SUBTOTAL: "subtotal", RowKind.TOTAL: "total"}


def _printer(column: Column):
    """A cell's text as printed, escaped where it is text. The standard library's escape:
    Django's wraps it for lazy strings, which costs a tenth of the page on a 20,000-cell
    table. Same characters escaped. A printed figure is digits, commas, a point and a
    minus only."""
    printer = cell_printer(column)
    if column.numeric:
        return printer
    return lambda value: _escape_html(printer(value))


def table_html(
    table: Table,
    sort_link=None,
    current_sort: str = "",
    descending: bool = False,
    sortable: frozenset[str] = frozenset(),
    rows: list[Row] | None = None,
) -> SafeString:
    """A <table> with a caption, a header row that repeats on each printed page, group
    headings as row-group headers, and numbers right-aligned in tabular figures. `rows`,
    if given, are the rows to print of it (a window, `reports.tables.window`)."""
    columns = table.columns
    parts = [
        f'<table class="report" id="{escape(table.slug)}">',
        f"<caption>{escape(table.title)}</caption>",
        "<colgroup>",
        *(f'<col class="{width_class(column)}">' for column in columns),
        "</colgroup><thead><tr>",
    ]
    for column in columns:
        classes = "num" if column.numeric else ""
        label = escape(column.label)
        aria = ""
        if sort_link and column.key in sortable:
            is_current = column.key == current_sort
            next_descending = is_current and not descending
            if is_current:
                aria = f' aria-sort="{"descending" if descending else "ascending"}"'
            label = f'<a href="{escape(sort_link(column.key, next_descending))}">{label}</a>'
        parts.append(f'<th scope="col" class="{classes}"{aria}>{label}</th>')
    parts.append("</tr></thead><tbody>")
    # Each column's cells: its key, how it prints a value (chosen once, not per cell), and
    # its tags; a subtotal's or total's first cell heads its row.
    line_cells = [
        (column.key, _printer(column), '<td class="num">' if column.numeric else "<td>", "</td>")
        for column in columns
    ]
    first_key, first_printer, _, _ = line_cells[0]
    summary_cells = [(first_key, first_printer, '<th scope="row">', "</th>"), *line_cells[1:]]
    if not table.rows:
        parts.append(f'<tr><td colspan="{len(columns)}">{escape(table.empty_message)}</td></tr>')
    for row in table.rows if rows is None else rows:
        kind = row.kind
        if kind == RowKind.HEADING:
            label = escape(row.cells.get(first_key, ""))
            parts.append(
                f'<tr class="heading"><th scope="rowgroup" colspan="{len(columns)}">'
                f"{label}</th></tr>"
            )
            continue
        row_cells = row.cells
        cells = "".join(
            [
                f"{opening}{printer(row_cells.get(key))}{closing}"
                for key, printer, opening, closing in (
                    line_cells if kind == RowKind.LINE else summary_cells
                )
            ]
        )
        parts.append(f'<tr class="{_ROW_CLASSES.get(kind, "line")}">{cells}</tr>')
    parts.append("</tbody></table>")
    if table.notes:
        parts.append('<ul class="notes">')
        parts.extend(f"<li>{escape(note)}</li>" for note in table.notes)
        parts.append("</ul>")
    return mark_safe("".join(parts))


def query_string(query: dict[str, str]) -> str:
    return f"?{urlencode(query)}" if query else ""


def chart_html(chart, src: str) -> SafeString:
    """A chart as a figure: its SVG as an image (the SVG keeps its styles to itself, so the
    page's CSP needs no inline style) with the text alternative stating its figures. The
    SVG draws its own title; the table it is drawn from follows it."""
    return mark_safe(
        f'<figure class="chart" id="chart-{escape(chart.slug)}">'
        f'<img src="{escape(src)}" alt="{escape(chart.alt)}" width="800">'
        "</figure>"
    )
