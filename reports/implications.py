"""The financial implications of a plan, in words: the draft of the section a committee
report carries (seed 004, section 13; seed 002, section 3), as headed sections of plain
sentences.

Every figure in a sentence is a cell of a committee table (`reports.builders`,
`reports.comparisons`), printed with the one formatting helper; nothing is added up or
worked out again here. Each figure keeps where it came from (the table, its row, its
column), so a page links it to the table behind it and a test finds it there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from figures.costs.engine import ComputedOnCost, FlatOnCost
from figures.costs.money import POUND, ZERO, format_money
from investplan.models import Plan
from posts.models import PlanLine
from reports.builders import ReportContext, build_report
from reports.comparisons import variance
from reports.rollups import UNFUNDED
from reports.tables import Kind, Row, RowKind, Table, format_fte

# Where each table is printed: a committee table's report, or the variance page.
MULTI_YEAR, FUNDING, VARIANCE = "multi-year", "funding", "variance"
# The changes from the baseline named workstream by workstream; the variance lists the rest.
WORKSTREAMS_NAMED = 8


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure as a sentence prints it, and the cell it is: the table (and the report it
    is printed in), the row (its place among the table's rows, and its label) and the
    column."""

    text: str  # "£1,765,417", "24.6 FTE"
    value: Decimal  # the cell as the table prints it
    report: str
    table: str
    table_title: str
    row: int
    row_label: str
    column: str
    column_label: str

    @property
    def describe(self) -> str:
        return f"{self.table_title}: {self.row_label}, {self.column_label}"


@dataclass(slots=True)
class Paragraph:
    """Words and figures in the order they are read."""

    parts: list[str | Figure]

    @property
    def text(self) -> str:
        return "".join(part if isinstance(part, str) else part.text for part in self.parts)

    @property
    def figures(self) -> list[Figure]:
        return [part for part in self.parts if isinstance(part, Figure)]


@dataclass(slots=True)
class Section:
    heading: str
    paragraphs: list[Paragraph] = field(default_factory=list)

    def say(self, *parts: str | Figure) -> None:
        self.paragraphs.append(Paragraph(list(parts)))


@dataclass(slots=True)
class Implications:
    plan: Plan
    sections: list[Section]
    tables: list[tuple[str, Table]]  # (report, table) for every table a figure is from

    def prose(self) -> list[tuple[str, list[str]]]:
        """Each heading with its paragraphs as plain text."""
        return [
            (section.heading, [paragraph.text for paragraph in section.paragraphs])
            for section in self.sections
        ]

    def numbered_prose(self) -> list[tuple[str, list[str]]]:
        """As Word takes it: the prose under its numbered headings, as the page heads them."""
        return [
            (numbered(number, heading), paragraphs)
            for number, (heading, paragraphs) in enumerate(self.prose(), start=1)
        ]

    @property
    def figures(self) -> list[Figure]:
        return [
            figure
            for section in self.sections
            for paragraph in section.paragraphs
            for figure in paragraph.figures
        ]


def numbered(number: int, heading: str) -> str:
    """A section's heading as a council report numbers it ("2. How the plan is funded"),
    on the page and in Word alike."""
    return f"{number}. {heading}"


class Cells:
    """A table's printed cells, read as figures for a sentence."""

    def __init__(self, report: str, table: Table):
        self.report = report
        self.table = table
        self.columns = {column.key: column for column in table.columns}
        self.label_key = table.columns[0].key

    def rows(self, kind: RowKind = RowKind.LINE) -> list[int]:
        return [index for index, row in enumerate(self.table.rows) if row.kind == kind]

    def total(self) -> int | None:
        found = self.rows(RowKind.TOTAL)
        return found[0] if found else None

    def row(self, index: int) -> Row:
        return self.table.rows[index]

    def label(self, index: int) -> str:
        return str(self.row(index).cells.get(self.label_key, ""))

    def value(self, index: int, column: str) -> Decimal:
        return self.row(index).cells.get(column) or ZERO

    def figure(self, index: int, column: str, *, unsigned: bool = False) -> Figure:
        """The cell as a sentence prints it: money with its pound sign, FTE with "FTE";
        `unsigned` where the words say which way ("more", "less")."""
        value = self.value(index, column)
        shown = abs(value) if unsigned else value
        kind = self.columns[column].kind
        if kind == Kind.MONEY:
            text = format_money(shown, POUND)
        elif kind == Kind.FTE:
            text = f"{format_fte(shown)} FTE"
        else:
            text = f"{shown:,}"
        return Figure(
            text=text,
            value=value,
            report=self.report,
            table=self.table.slug,
            table_title=self.table.title,
            row=index,
            row_label=self.label(index),
            column=column,
            column_label=self.columns[column].label,
        )


def financial_implications(plan: Plan) -> Implications:
    """The draft section for the plan as it stands, from its committee tables."""
    context = ReportContext.build(plan)
    multi_year, pressure = build_report(MULTI_YEAR, context)
    sources, available, outliving, _by_year = build_report(FUNDING, context)
    used = [
        (MULTI_YEAR, multi_year),
        (FUNDING, sources),
        (FUNDING, available),
        (MULTI_YEAR, pressure),
        (FUNDING, outliving),
    ]
    writer = _Writer(context, *(Cells(report, table) for report, table in used))
    sections = writer.sections()
    baseline = plan.baselines.select_related("approved_by").defer("documents").first()
    if baseline is None:
        section = Section("Against the approved baseline")
        section.say(
            "The plan has no approved baseline: it has not yet been approved by committee, so "
            "there are no differences from an approved position to report."
        )
        sections.append(section)
    else:
        document = variance(plan, baseline, "workstream")
        summary, _, _, difference = document.tables
        used += [(VARIANCE, summary), (VARIANCE, difference)]
        sections.append(
            _against_baseline(plan, baseline, Cells(VARIANCE, summary), Cells(VARIANCE, difference))
        )
    return Implications(plan, sections, used)


def _listed(items: list) -> list:
    """Items joined as a sentence lists them: "a, b and c" (items are strings or
    figures, or lists of them)."""
    parts: list = []
    for index, item in enumerate(items):
        if index:
            parts.append(" and " if index == len(items) - 1 else ", ")
        parts.extend(item if isinstance(item, list) else [item])
    return parts


def _count_words(count: int) -> str:
    words = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    return words[count - 1] if 0 < count <= len(words) else f"{count:,}"


def _plural_words(count: int, one: str) -> str:
    return f"{_count_words(count)} {one if count == 1 else one + 's'}"


def _plural(count: int, one: str) -> str:
    return f"{count:,} {one if count == 1 else one + 's'}"


def _opening(count: int, one: str) -> str:
    """A count that opens a sentence, in words up to ten: "One line", "12 lines"."""
    words = _plural_words(count, one)
    return words[0].upper() + words[1:]


class _Writer:
    def __init__(
        self,
        context: ReportContext,
        multi_year: Cells,
        sources: Cells,
        available: Cells,
        pressure: Cells,
        outliving: Cells,
    ):
        self.context = context
        self.plan = context.plan
        self.years = context.years
        self.multi_year = multi_year
        self.sources = sources
        self.available = available
        self.pressure = pressure
        self.outliving = outliving

    def sections(self) -> list[Section]:
        lines = PlanLine.objects.filter(plan=self.plan).count()
        if not lines:
            cost = Section("The cost of the plan")
            cost.say(
                "The plan has no lines yet, so there are no costs, funding or pressures to report."
            )
            return [cost, self.assumptions()]
        return [
            self.cost(),
            self.funding(),
            self.additional_funding(),
            self.funding_ends(),
            self.assumptions(),
        ]

    def _by_year(self, cells: Cells, index: int, *, unsigned: bool = False) -> list:
        """ "£a in 2025/26 and £b in 2026/27", from a row's year columns."""
        return _listed(
            [
                [cells.figure(index, f"y{year.start_year}", unsigned=unsigned), f" in {year}"]
                for year in self.years
            ]
        )

    def _period(self) -> str:
        first, last = self.years[0], self.years[-1]
        if first == last:
            return f"in {first}, its one financial year"
        return f"over its {_count_words(len(self.years))} financial years, {first} to {last}"

    # -- what it costs -----------------------------------------------------------------

    def cost(self) -> Section:
        section = Section("The cost of the plan")
        cells = self.multi_year
        total = cells.total()
        if self._costs_nothing():
            section.say(
                "None of the plan's lines has a cost yet, so the plan costs nothing as it stands."
            )
        else:
            if len(self.years) > 1:
                section.say(
                    "The plan costs ",
                    cells.figure(total, "total"),
                    f" {self._period()}: ",
                    *self._by_year(cells, total),
                    ".",
                )
            else:
                section.say("The plan costs ", cells.figure(total, "total"), f" {self._period()}.")
            posts = (
                [
                    "; its lines come to a net ",
                    cells.figure(total, "fte"),
                    " (new posts, less any posts given up to pay for them)",
                ]
                if cells.value(total, "fte")
                else []
            )
            section.say(
                "Its full-year effect, the cost of every line for a whole year once it has "
                "started, is ",
                cells.figure(total, "full_year"),
                *posts,
                ".",
            )
            largest = sorted(
                (index for index in cells.rows() if cells.value(index, "total")),
                key=lambda index: -cells.value(index, "total"),
            )
            if len(largest) > 1:
                shown = largest[:3]
                section.say(
                    f"By workstream, the largest {'costs are' if len(shown) > 1 else 'cost is'} ",
                    *_listed(
                        [
                            [cells.label(index), " (", cells.figure(index, "total"), ")"]
                            for index in shown
                        ]
                    ),
                    "; the multi-year summary sets out each workstream by year.",
                )
        self._not_costed(section)
        return section

    def _costs_nothing(self) -> bool:
        cells = self.multi_year
        total = cells.total()
        return total is None or not (cells.value(total, "total") or cells.value(total, "full_year"))

    def _not_costed(self, section: Section) -> None:
        # The plan's whole context (no filters): what its tables' notes read, once.
        missing = self.context.not_costed
        if missing:
            section.say(
                f"{_opening(len(missing), 'line')} cannot be costed yet and "
                f"{'is' if len(missing) == 1 else 'are'} not included in these figures: "
                + "; ".join(f"{line.title} ({line.error.rstrip('.')})" for line in missing)
                + "."
            )
        no_amount = self.context.no_amount
        if no_amount:
            section.say(
                f"{_opening(len(no_amount), 'non-staff cost')} "
                f"{'has' if len(no_amount) == 1 else 'have'} no amount stated yet and "
                f"{'is' if len(no_amount) == 1 else 'are'} counted as nothing: "
                + "; ".join(no_amount)
                + "."
            )

    # -- how it is funded --------------------------------------------------------------

    def _funded_rows(self) -> list[int]:
        cells = self.sources
        return [index for index in cells.rows() if cells.label(index) != UNFUNDED]

    def _unfunded_row(self) -> int | None:
        cells = self.sources
        found = [index for index in cells.rows() if cells.label(index) == UNFUNDED]
        return found[0] if found else None

    def funding(self) -> Section:
        section = Section("How the plan is funded")
        cells = self.sources
        funded = self._funded_rows()
        if not funded:
            section.say("No funding source is allocated to any line of the plan yet.")
            return section
        rest = self._unfunded_row()
        with_rest = rest is not None and bool(cells.value(rest, "total"))
        section.say(
            "The plan's cost of ",
            cells.figure(cells.total(), "total"),
            (" is met partly from " if with_rest else " is met from ")
            + _plural_words(len(funded), "funding source")
            + ("; the rest requires additional funding." if with_rest else "."),
        )
        for index in funded:
            kind = cells.row(index).cells.get("kind") or ""
            name = cells.label(index)
            shown_kind = kind and kind.lower() not in name.lower()
            named = f"{name} ({kind.lower()})" if shown_kind else name
            parts: list = [f"{named} meets ", cells.figure(index, "total"), " over the plan"]
            if len(self.years) > 1:
                parts += [" (", *self._by_year(cells, index), ")"]
            parts += ["; ", cells.figure(index, "full_year"), " for a full year."]
            section.say(*parts)
        self._over_allocated(section)
        return section

    def _over_allocated(self, section: Section) -> None:
        """The years a source is allocated more than it has; and the sources with no
        amount recorded as available, which the table cannot check."""
        cells = self.available
        source, recorded, unrecorded = "", False, []
        over: list[tuple[str, int]] = []
        for index, row in enumerate(cells.table.rows):
            if row.kind == RowKind.HEADING:
                source, recorded = cells.label(index), False
            elif row.kind == RowKind.LINE:
                recorded = recorded or bool(cells.value(index, "available"))
                if "Over-allocated" in str(row.cells.get("flag", "")):
                    over.append((source, index))
            elif row.kind == RowKind.SUBTOTAL and not recorded:
                unrecorded.append(source)
        for source, index in over:
            if source in unrecorded:
                continue
            section.say(
                f"{source} is allocated ",
                cells.figure(index, "allocated"),
                f" in {cells.label(index)} against ",
                cells.figure(index, "available"),
                " available, ",
                cells.figure(index, "balance", unsigned=True),
                " more than it has: the allocations need to be reduced or the difference "
                "funded elsewhere.",
            )
        if unrecorded:
            section.say(
                "No amount available is recorded for "
                + "".join(_listed(unrecorded))
                + ", so the allocations to "
                + ("it" if len(unrecorded) == 1 else "them")
                + " cannot be checked against what "
                + ("it has" if len(unrecorded) == 1 else "they have")
                + "."
            )

    def additional_funding(self) -> Section:
        section = Section("What requires additional funding")
        cells = self.sources
        index = self._unfunded_row()
        if self._costs_nothing():
            section.say("As the plan has no costs yet, nothing requires additional funding.")
            return section
        pressure = self.pressure
        ending = pressure.total() if pressure.rows() else None
        if index is None or not (cells.value(index, "total") or cells.value(index, "full_year")):
            if ending is None:
                section.say(
                    "Every line's cost is met by a funding source: nothing requires additional "
                    "funding."
                )
            else:
                section.say(
                    "Every line's cost is met by a funding source while it pays. When funding "
                    "ends, ",
                    pressure.figure(ending, "full_year"),
                    " for a full year requires additional funding: the recurring pressure set "
                    "out under “When funding ends”.",
                )
            return section
        by_year = [" (", *self._by_year(cells, index), ")"] if len(self.years) > 1 else []
        if not self._funded_rows():
            section.say(
                "As no funding source is allocated, the whole cost of the plan, ",
                cells.figure(index, "total"),
                *by_year,
                ", requires additional funding; ",
                cells.figure(index, "full_year"),
                " for a full year.",
            )
            return section
        if ending is None:
            section.say(
                "Of the plan's cost, ",
                cells.figure(index, "total"),
                " is not met by any funding source and requires additional funding",
                *by_year,
                "; ",
                cells.figure(index, "full_year"),
                " for a full year, the part of each line's cost no source is allocated to pay.",
            )
            return section
        # A full year's unfunded cost is of the lines as their sources pay them now: the
        # pressure when a grant ends comes on top, and is said here so no reader takes
        # the first figure for the whole of what needs funding.
        section.say(
            "Of the plan's cost, ",
            cells.figure(index, "total"),
            " is not met by any funding source and requires additional funding",
            *by_year,
            ", counting what each grant pays for from the year it ends as unfunded.",
        )
        section.say(
            "In a full year, ",
            cells.figure(index, "full_year"),
            " requires additional funding while every grant still pays. When funding ends, a "
            "further ",
            pressure.figure(ending, "full_year"),
            " for a full year requires additional funding: the recurring pressure set out "
            "under “When funding ends”.",
        )
        return section

    # -- when funding ends -------------------------------------------------------------

    def funding_ends(self) -> Section:
        section = Section("When funding ends")
        cells = self.pressure
        rows = cells.rows()
        if not self._funded_rows():
            section.say("No funding source is allocated, so no grant ends while it pays for posts.")
            return section
        if not rows:
            section.say(
                "No time-limited funding source ends while the lines it pays for continue, so "
                "the plan carries no recurring pressure from funding ending."
            )
            return section
        permanent = self._permanent_by_source()
        for index in rows:
            name = cells.label(index)
            count = int(cells.value(index, "posts"))
            kept = permanent.get(name, 0)
            which = f", {kept:,} of them permanent" if kept and kept < count else ""
            if kept and kept == count:
                which = ", all of them permanent" if count > 1 else ", a permanent post"
            first = next(
                (year for year in self.years if cells.value(index, f"y{year.start_year}")),
                None,
            )
            parts: list = [
                f"{name} ends on {cells.row(index).cells.get('ends')}. It pays for "
                f"{_plural(count, 'line')} that continue{'s' if count == 1 else ''} after it "
                f"ends{which}. ",
            ]
            if first is None:
                parts += [
                    f"After the plan's last year, {self.years[-1]}, that leaves a pressure of ",
                    cells.figure(index, "full_year"),
                    " for a full year",
                ]
            else:
                parts += [
                    f"From {first} that leaves a pressure of ",
                    cells.figure(index, "full_year"),
                    " for a full year (",
                    cells.figure(index, "total"),
                    " over the rest of the plan)",
                ]
            parts.append(
                ", which will need another source of funding unless "
                + (
                    "the post ends with the grant, as a time-limited appointment."
                    if count == 1
                    else "the posts end with the grant, as time-limited appointments."
                )
            )
            section.say(*parts)
        total = cells.total()
        if len(rows) > 1 and total is not None:
            section.say(
                "Together, funding ending leaves a recurring pressure of ",
                cells.figure(total, "full_year"),
                " for a full year (",
                cells.figure(total, "total"),
                " over the rest of the plan).",
            )
        return section

    def _permanent_by_source(self) -> dict[str, int]:
        """How many of the lines that outlive each source are permanent, counted from the
        rows of the table that lists them."""
        cells = self.outliving
        counts: dict[str, int] = {}
        source = ""
        for index, row in enumerate(cells.table.rows):
            if row.kind == RowKind.HEADING:
                source = cells.label(index).rsplit(": ends ", 1)[0]
            elif row.kind == RowKind.LINE and row.cells.get("line_ends") == "Permanent":
                counts[source] = counts.get(source, 0) + 1
        return counts

    # -- what it rests on --------------------------------------------------------------

    def assumptions(self) -> Section:
        section = Section("Assumptions")
        assumptions = self.context.engine_assumptions
        first = assumptions.first_year
        section.say(
            f"The costs start from {first} pay: the council's pay spine, and the salaries and "
            "costs stated for lines."
        )
        on_cost = assumptions.on_cost
        if isinstance(on_cost, FlatOnCost):
            section.say(
                "They include on-costs (employer National Insurance, pension and other employer "
                f"costs) at a flat {_percent(on_cost.rate)} of pay."
            )
        elif isinstance(on_cost, ComputedOnCost):
            ni = _listed(
                [
                    f"{_percent(rate.rate)} from {year}"
                    for year, rate in sorted(on_cost.ni.items())
                    if year <= assumptions.last_year
                ]
            )
            section.say(
                "They include employer National Insurance on pay above the threshold ("
                + ("".join(ni) if ni else "no rates recorded")
                + f"), employer pension at {_percent(on_cost.pension_rate)} of pay and the "
                f"apprenticeship levy at {_percent(on_cost.levy_rate)}."
            )
        awards = [
            (year, award)
            for year, award in sorted(assumptions.pay_awards.items())
            if first <= year <= assumptions.last_year
        ]
        if not awards:
            section.say("They assume no pay award in any year of the plan.")
        else:
            section.say(
                "They assume "
                + "".join(
                    _listed(
                        [
                            (
                                f"a pay award of {_percent(award.rate)}"
                                if award.rate
                                else "no pay award"
                            )
                            + f" from April {year.start_year} ("
                            + ("agreed" if award.agreed else "an assumption, not yet agreed")
                            + ")"
                            for year, award in awards
                        ]
                    )
                )
                + "."
            )
            if not all(award.agreed for _, award in awards):
                section.say(
                    "A pay award above what is assumed would add to the cost of its year and "
                    "of every year after it."
                )
        section.say(
            "Posts move up one spinal point each April to the top of their grade."
            if assumptions.increments
            else "Posts stay on their starting spinal point: no increments are assumed."
        )
        section.say(
            "Each line's figures are rounded to whole pounds, and every total adds the rounded "
            "figures, as the committee tables print them."
        )
        return section


def _against_baseline(plan: Plan, baseline, summary: Cells, difference: Cells) -> Section:
    section = Section("Against the approved baseline")
    # The committee and meeting recorded at the last approval, whose baseline this is; a
    # councillor knows the meeting, not who pressed the button or on which day.
    if plan.committee:
        meeting = f" at its meeting on {plan.meeting_date:%-d %B %Y}" if plan.meeting_date else ""
        approved = f"as {plan.committee} approved it{meeting}"
    else:
        approved = f"as it was approved on {timezone.localtime(baseline.approved_at):%-d %B %Y}"
    section.say(
        f"The approved baseline is the plan {approved}; "
        "the variance table compares the plan now with it."
    )
    total = summary.total()
    if total is None:
        section.say("Neither the approved baseline nor the plan now has any costs.")
        return section
    change = summary.value(total, "total_change")
    fte_change = summary.value(total, "fte_change")
    changed = [
        index
        for index in summary.rows()
        if summary.value(index, "total_change") or summary.value(index, "fte_change")
    ]
    if not change and not fte_change and not changed:
        section.say(
            "Its figures are as approved: ",
            summary.figure(total, "total_right"),
            " in total, for ",
            summary.figure(total, "fte_right"),
            ".",
        )
        return section
    now: list = ["The plan now costs ", summary.figure(total, "total_right")]
    if change:
        now += [
            " against ",
            summary.figure(total, "total_left"),
            " approved, ",
            summary.figure(total, "total_change", unsigned=True),
            f" {_way(change)}",
        ]
    else:
        now += [", the same as approved"]
    now += ["; it has ", summary.figure(total, "fte_right")]
    if fte_change:
        now += [" against ", summary.figure(total, "fte_left"), " approved."]
    else:
        now += [", as approved."]
    section.say(*now)
    years = [column.key for column in difference.table.columns if column.key.startswith("y")]
    difference_total = difference.total()
    if difference_total is not None and any(
        difference.value(difference_total, key) for key in years
    ):
        section.say(
            "By year, the difference is ",
            *_listed(
                [
                    [
                        difference.figure(difference_total, key, unsigned=True),
                        f" {_way(difference.value(difference_total, key))} in "
                        f"{difference.columns[key].label.removesuffix(' £')}",
                    ]
                    if difference.value(difference_total, key)
                    else f"no change in {difference.columns[key].label.removesuffix(' £')}"
                    for key in years
                ]
            ),
            ".",
        )
    for index in changed[:WORKSTREAMS_NAMED]:
        amount = summary.value(index, "total_change")
        fte = summary.value(index, "fte_change")
        if amount:
            parts: list = [
                f"{summary.label(index)} costs ",
                summary.figure(index, "total_change", unsigned=True),
                f" {_way(amount)} than approved",
            ]
            if fte:
                parts += [", with ", summary.figure(index, "fte_change", unsigned=True)]
                parts.append(f" {_way(fte)}.")
            else:
                parts.append(", with the same FTE.")
        else:
            parts = [
                f"{summary.label(index)} has ",
                summary.figure(index, "fte_change", unsigned=True),
                f" {_way(fte)} than approved, at the same cost.",
            ]
        section.say(*parts)
    if len(changed) > WORKSTREAMS_NAMED:
        others = len(changed) - WORKSTREAMS_NAMED
        section.say(
            f"{_opening(others, 'other workstream')} {'has' if others == 1 else 'have'} changed; "
            "the variance table lists every workstream."
        )
    return section


def _way(amount: Decimal) -> str:
    if amount > 0:
        return "more"
    return "less" if amount < 0 else "unchanged"


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"
