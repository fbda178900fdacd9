"""Rows to HTML, shared by the web page and the PDF. Built as strings rather than through
the template engine: a 2,000-line table is 20,000 cells, and every one is escaped here."""

from __future__ import annotations

from html import escape as _escape_html
from urllib.parse import urlencode

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reports.tables import Row, RowKind, Table, format_cell, width_class


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
    keyed = [(column, column.key, column.numeric) for column in columns]
    if not table.rows:
        parts.append(f'<tr><td colspan="{len(columns)}">{escape(table.empty_message)}</td></tr>')
    for row in table.rows if rows is None else rows:
        if row.kind == RowKind.HEADING:
            label = escape(row.cells.get(columns[0].key, ""))
            parts.append(
                f'<tr class="heading"><th scope="rowgroup" colspan="{len(columns)}">'
                f"{label}</th></tr>"
            )
            continue
        row_class = {RowKind.SUBTOTAL: "subtotal", RowKind.TOTAL: "total"}.get(row.kind, "line")
        cells = []
        row_cells = row.cells
        for index, (column, key, numeric) in enumerate(keyed):
            text = format_cell(column, row_cells.get(key))
            if not numeric:
                # The standard library's escape: Django's wraps it for lazy strings, which
                # costs a tenth of the page on a 20,000-cell table. Same characters
                # escaped. A printed figure is digits, commas, a point and a minus only.
                text = _escape_html(text)
            if index == 0 and row.kind != RowKind.LINE:
                cells.append(f'<th scope="row">{text}</th>')
            elif numeric:
                cells.append(f'<td class="num">{text}</td>')
            else:
                cells.append(f"<td>{text}</td>")
        parts.append(f'<tr class="{row_class}">{"".join(cells)}</tr>')
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
