"""Charts of the committee tables: each drawn from one table's printed figures, so a chart
says nothing its table does not. A chart is defined once here (which rows and columns of
its table it shows), and drawn three ways: as SVG by pygal for the page and the PDF, as a
text alternative that states every figure, and as a native Excel chart over the table's
own cells (`reports.documents`). Plain Python, no Django (decision 0030).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from reports.tables import (
    Column,
    Kind,
    Row,
    RowKind,
    Table,
    by_group,
    format_cell,
    format_fte,
)

WIDTH = 800
PLOT_HEIGHT = 360  # the plot and its axes; the legend adds rows below
LEGEND_COLUMNS = 2
LEGEND_ROW = 22
# Distinct in colour and in lightness (the first two differ for every colour vision),
# each dark enough against white for a bar (WCAG 1.4.11, 3:1).
COLOURS = (
    "#1d70b8",  # blue
    "#d4351c",  # red
    "#00703c",  # green
    "#6f2c91",  # purple
    "#b58400",  # ochre
    "#28a197",  # turquoise
    "#912b88",  # magenta
    "#505a5f",  # grey
    "#003078",  # navy
    "#85994b",  # olive
    "#f47738",  # orange
    "#0b0c0c",  # black
    "#5694ca",  # light blue
    "#942514",  # brick
    "#4c2c92",  # indigo
    "#7d5a00",  # brown
    "#1b6e65",  # teal
    "#b1387f",  # pink
    "#3d4a52",  # slate
    "#5c6e1f",  # moss
)
MARK_COLOUR = "#a4001d"
FONT = '"DejaVu Sans", "Helvetica Neue", Arial, sans-serif'
LEGEND_LENGTH = 48  # characters a legend entry prints before "…"; the alternative has all


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: list[Decimal]


@dataclass(frozen=True, slots=True)
class Mark:
    """A line drawn after a category (a grant's end after the year it ends in)."""

    after: int  # the index of the category it follows
    label: str


@dataclass(frozen=True)
class Chart:
    """A chart of a table: its categories and series are cells of `table`, at the rows
    `rows` (indexes into table.rows) and the columns `columns` (keys). With
    `series_in_rows`, each row is a series and the columns are the categories (a year
    each); otherwise each column is a series and the rows are the categories."""

    slug: str
    title: str
    table: Table
    rows: list[int]
    columns: list[str]
    series_in_rows: bool
    stacked: bool
    x_title: str
    y_title: str
    marks: list[Mark] = field(default_factory=list)
    # The name of each series where it is not its column's label (series in columns).
    names: list[str] | None = None
    # Bars along the categories, for categories with long names (workstreams).
    horizontal: bool = False
    # The label of each category row, where it is not the row's first cell.
    row_labels: list[str] | None = None

    @cached_property
    def _unit(self) -> Column:
        """The column whose kind all the chart's figures share."""
        return self._column(self.columns[0])

    @property
    def kind(self) -> Kind:
        return self._unit.kind

    def _column(self, key: str) -> Column:
        return next(column for column in self.table.columns if column.key == key)

    def _row_label(self, position: int) -> str:
        if self.row_labels is not None:
            return self.row_labels[position]
        return str(self.table.rows[self.rows[position]].cells[self.table.columns[0].key])

    @cached_property
    def categories(self) -> list[str]:
        if self.series_in_rows:
            return [self._column(key).label for key in self.columns]
        return [self._row_label(position) for position in range(len(self.rows))]

    @cached_property
    def series(self) -> list[Series]:
        """The figures drawn, each the table's own printed figure."""
        rows = [self.table.rows[index] for index in self.rows]
        if self.series_in_rows:
            return [
                Series(self._row_label(position), [_figure(row, key) for key in self.columns])
                for position, row in enumerate(rows)
            ]
        names = self.names or [_series_name(self._column(key)) for key in self.columns]
        return [
            Series(name, [_figure(row, key) for row in rows])
            for name, key in zip(names, self.columns, strict=True)
        ]

    @property
    def empty(self) -> bool:
        return not self.rows

    def printed(self, value: Decimal) -> str:
        """A figure as the table prints it, with its unit."""
        text = format_cell(self._unit, value)
        if self._unit.kind == Kind.MONEY:
            return f"-£{text[1:]}" if text.startswith("-") else f"£{text}"
        return f"{text} FTE"

    @cached_property
    def figures_printed(self) -> dict[Decimal, str]:
        """Each figure the chart draws as printed: written once for the text alternative
        and the bars' values alike."""
        return {value: self.printed(value) for one in self.series for value in one.values}

    # -- The text alternative ----------------------------------------------------------

    @cached_property
    def alt(self) -> str:
        """Every figure of the chart in words: the title, then each category's figures."""
        if self.empty:
            return f"{self.title}: there is nothing to show."
        series, printed = self.series, self.figures_printed
        parts = []
        for index, category in enumerate(self.categories):
            figures = ", ".join(f"{one.name} {printed[one.values[index]]}" for one in series)
            if self.stacked:
                total = sum((one.values[index] for one in series), Decimal(0))
                figures = f"{self.printed(total)} in all: {figures}"
            parts.append(f"{category}: {figures}")
        text = f"{self.title}. " + "; ".join(parts) + "."
        if self.marks:
            text += " " + "; ".join(mark.label for mark in self.marks) + "."
        return text

    # -- SVG ---------------------------------------------------------------------------

    def svg(self) -> str:
        return draw_svg(self)


def _figure(row: Row, key: str) -> Decimal:
    return row.cells.get(key) or Decimal(0)


def _series_name(column: Column) -> str:
    """A column's label without its unit: "Funded £" is the series "Funded"."""
    return column.label.removesuffix(" £").removesuffix("£").strip()


# -- The four charts, each from the table it is drawn from -------------------------------


def cost_by_year(table: Table) -> Chart:
    """The multi-year summary: cost by financial year, stacked by its grouping (by
    workstream unless the reader grouped it otherwise)."""
    years = [column.key for column in table.columns if _is_year(column)]
    grouping = table.columns[0].label
    return Chart(
        slug="cost-by-year",
        title=f"Cost by financial year, by {grouping.lower()}",
        table=table,
        rows=_rows_of(table, RowKind.LINE),
        columns=years,
        series_in_rows=True,
        stacked=True,
        x_title="Financial year",
        y_title="Cost £",
    )


def funding_cliff(table: Table) -> Chart:
    """Funded against unfunded by financial year, each source's end marked after the
    year it ends in."""
    rows = _rows_of(table, RowKind.LINE)
    marks = [
        Mark(position, table.rows[index].cells["ends"])
        for position, index in enumerate(rows)
        if table.rows[index].cells.get("ends")
    ]
    return Chart(
        slug="funding-cliff",
        title="Funded and unfunded by financial year: the funding cliff",
        table=table,
        rows=rows,
        columns=["funded", "unfunded"],
        series_in_rows=False,
        stacked=True,
        x_title="Financial year",
        y_title="Cost £",
        marks=marks,
    )


def recruitment(table: Table) -> Chart:
    """FTE funded against FTE in post, by workstream: the recruitment table's subtotals
    (of every workstream: a page of the table holds only its lines', its outline all)."""
    labels: list[str] | None = None
    if table.window is not None and not table.window.whole:
        # Read without its lines: printed as a row a workstream, not a heading and its
        # subtotal with nothing between.
        table = by_group(table, "Workstream")
        rows = _rows_of(table, RowKind.LINE)
    else:
        rows = _rows_of(table, RowKind.SUBTOTAL)
        labels = []
        heading = ""
        key = table.columns[0].key
        for index, row in enumerate(table.rows):
            if row.kind == RowKind.HEADING:
                heading = str(row.cells.get(key, ""))
            elif index in rows:
                labels.append(heading)
    return Chart(
        slug="recruitment",
        title="FTE funded against FTE in post, by workstream",
        table=table,
        rows=rows,
        columns=["funded", "in_post"],
        series_in_rows=False,
        stacked=False,
        x_title="Workstream",
        y_title="FTE",
        row_labels=labels,
        names=["Funded", "In post"],
        horizontal=True,
    )


def plan_against_baseline(table: Table) -> Chart:
    """The variance summary: each group's total as approved against its total now."""
    return Chart(
        slug="plan-against-baseline",
        title="The plan now against the approved baseline",
        table=table,
        rows=_rows_of(table, RowKind.LINE),
        columns=["total_left", "total_right"],
        series_in_rows=False,
        stacked=False,
        x_title=table.columns[0].label,
        y_title="Total cost £",
        names=["Approved", "Now"],
        horizontal=True,
    )


def chart_of(table: Table) -> Chart | None:
    """The chart drawn from a table, if the table has one."""
    if table.slug.startswith("multi-year-"):
        return cost_by_year(table)
    if table.slug == "funded-unfunded":
        return funding_cliff(table)
    if table.slug == "recruitment":
        return recruitment(table)
    if table.slug == "variance-summary":
        return plan_against_baseline(table)
    return None


def _rows_of(table: Table, kind: RowKind) -> list[int]:
    return [index for index, row in enumerate(table.rows) if row.kind == kind]


def _is_year(column: Column) -> bool:
    return column.summed and re.fullmatch(r"y\d{4}", column.key) is not None


# -- Drawing -------------------------------------------------------------------------------


def height_of(chart: Chart) -> int:
    legend_rows = -(-len(chart.series) // LEGEND_COLUMNS)
    plot = PLOT_HEIGHT
    if chart.horizontal:  # room for each category's bars
        plot = max(PLOT_HEIGHT, 110 + len(chart.categories) * 14 * (len(chart.series) + 1))
    return plot + LEGEND_ROW * legend_rows + 30


def draw_svg(chart: Chart) -> str:
    """The chart as a standalone SVG document: a title and a description that states every
    figure (role="img", labelled by both), the figures as the table prints them, and no
    script. Its styles are in a <style> of its own, so it is shown as an image (an <img>
    on the page and in the PDF), never inlined into a page under the CSP."""
    # pygal (with lxml, about 100 modules) is loaded only where a chart is drawn.
    import pygal
    from lxml import etree
    from pygal.style import Style

    style = Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#0b0c0c",
        foreground_strong="#0b0c0c",
        foreground_subtle="#505a5f",
        opacity="1",
        opacity_hover="0.85",
        colors=COLOURS,
        font_family=FONT,
        title_font_size=18,
        label_font_size=12,
        major_label_font_size=12,
        legend_font_size=13,
        tooltip_font_size=13,
        guide_stroke_color="#b1b4b6",
        major_guide_stroke_color="#b1b4b6",
    )
    if chart.horizontal:
        kind = pygal.HorizontalStackedBar if chart.stacked else pygal.HorizontalBar
    else:
        kind = pygal.StackedBar if chart.stacked else pygal.Bar
    drawing = kind(
        style=style,
        js=[],
        width=WIDTH,
        height=height_of(chart),
        explicit_size=False,
        disable_xml_declaration=True,
        title=chart.title,
        # pygal titles its axes as drawn: horizontal bars have their categories up the side.
        x_title=chart.y_title if chart.horizontal else chart.x_title,
        y_title=chart.x_title if chart.horizontal else chart.y_title,
        legend_at_bottom=True,
        legend_at_bottom_columns=LEGEND_COLUMNS,
        truncate_legend=LEGEND_LENGTH,
        truncate_label=40 if chart.horizontal else 24,
        value_formatter=_axis_formatter(chart),
        print_values=False,
        include_x_axis=True,
        margin=16,
        # pygal makes room for the legend by whole rows of LEGEND_COLUMNS names, so an odd
        # last name would fall below the picture: room for its row (1.5 x the font size).
        margin_bottom=16 + (20 if len(chart.series) % LEGEND_COLUMNS else 0),
        spacing=12,
        no_data_text="Nothing to show",
        x_label_rotation=0 if chart.horizontal or len(chart.categories) <= 6 else 30,
        # Room above the tallest bar, for the marks' labels.
        range=(0, _headroom(chart)) if not chart.empty else None,
    )
    # Horizontal bars are drawn from the bottom up: the first category goes at the top.
    order = slice(None, None, -1) if chart.horizontal else slice(None)
    drawing.x_labels = chart.categories[order]
    for one in chart.series:
        drawing.add(one.name, [float(value) for value in one.values[order]])
    root = drawing.render_tree()
    chart_id = f"chart-{chart.slug}"
    _tidy(root, etree, drawing, chart_id)
    _describe(root, etree, chart, chart_id)
    if chart.marks:
        _mark(root, etree, chart)
    return etree.tostring(root, encoding="unicode")


def _headroom(chart: Chart) -> float:
    series = chart.series
    if chart.stacked:
        tallest = max(sum(values) for values in zip(*(one.values for one in series), strict=True))
    else:
        tallest = max(max(one.values) for one in series)
    return float(tallest) * 1.15 or 1.0


def _axis_formatter(chart: Chart):
    """Figures as the table prints them: pounds with the pound sign, FTE bare (the axis
    title says FTE). A bar's value is a figure of the table, already printed (a float
    equal to a Decimal finds it: whole pounds and most FTE are exact); the axis's steps
    are printed here."""

    money = chart.kind == Kind.MONEY
    penny = Decimal("0.01")
    printed = chart.figures_printed if money else {}

    def formatted(value) -> str:
        if value is None:
            return ""
        text = printed.get(value)
        if text is not None:
            return text
        figure = Decimal(repr(value)).quantize(penny).normalize()
        return chart.printed(figure) if money else format_fte(figure)

    return formatted


def _tidy(root, etree, drawing, chart_id: str) -> None:
    """No script, no comments dated today, and an id of the chart's own (pygal draws a
    random one), so that the same figures draw the same file."""
    for script in root.iter("{*}script"):
        script.getparent().remove(script)
    for comment in root.xpath("//comment()"):
        comment.getparent().remove(comment)
    random_id = root.get("id")
    root.set("id", chart_id)
    for style in root.iter("{*}style"):
        style.text = style.text.replace(random_id, chart_id)


# pygal makes its elements without a namespace, under a default xmlns on the root.


def _describe(root, etree, chart: Chart, chart_id: str) -> None:
    title = root.find("title")
    if title is None:
        title = etree.Element("title")
        root.insert(0, title)
    title.text = chart.title
    title.set("id", f"{chart_id}-title")
    desc = etree.Element("desc")
    desc.set("id", f"{chart_id}-desc")
    desc.text = chart.alt
    title.addnext(desc)
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
    root.set("lang", "en-GB")


def _mark(root, etree, chart: Chart) -> None:
    """A dashed line after each year a source ends in, labelled with the source and the
    day, inside the plot: between that year's column and the next."""
    plot = root.find(".//g[@class='plot']")
    background = plot.find("rect")
    height = float(background.get("height"))
    width = float(background.get("width"))
    centres = [float(text.get("x")) for text in plot.findall("g[@class='axis x']/g/text")]
    if len(centres) != len(chart.categories):
        return
    step = centres[1] - centres[0] if len(centres) > 1 else width
    by_place: dict[int, list[str]] = {}
    for mark in chart.marks:
        by_place.setdefault(mark.after, []).append(mark.label)
    group = etree.SubElement(plot, "g", {"class": "grant-ends"})
    for after, labels in sorted(by_place.items()):
        x = min(centres[after] + step / 2, width - 1)
        etree.SubElement(
            group,
            "path",
            {
                "d": f"M{x:.2f} 0 v{height:.2f}",
                "stroke": MARK_COLOUR,
                "stroke-width": "2",
                "stroke-dasharray": "6,4",
                "fill": "none",
            },
        )
        # Written on the side with more room, one line for each source ending there.
        right = x < width / 2
        for number, label in enumerate(labels):
            # On white, so that it reads over a bar.
            wide = 7 * len(label) + 8
            etree.SubElement(
                group,
                "rect",
                {
                    "x": f"{x + 2 if right else x - 2 - wide:.2f}",
                    "y": f"{2 + 15 * number}",
                    "width": f"{wide}",
                    "height": "15",
                    "fill": "#ffffff",
                },
            )
            text = etree.SubElement(
                group,
                "text",
                {
                    "x": f"{x + 4 if right else x - 4:.2f}",
                    "y": f"{14 + 15 * number}",
                    "text-anchor": "start" if right else "end",
                    "fill": MARK_COLOUR,
                    "font-size": "12",
                    "font-family": FONT,
                },
            )
            text.text = label
