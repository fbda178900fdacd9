"""Each row of an appendix read as the council meant it: a line, a section heading, a
subtotal or total, or blank. Plain Python; `posts.importing` resolves names against the
council's grades, workstreams and funding sources and saves the lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from openpyxl.utils import get_column_letter

from figures.costs.money import round_money
from investplan.reading import ONE_OFF, PERMANENT, FigureTooLarge, parse_duration, parse_money

from ..limits import date_problem, duration_problem
from .columns import MONEY_FIELDS, ColumnMap
from .reading import SourceRow, is_blank
from .text import clean_text, figure_text, fold_lookalikes, name_key

IMPORTED, TOTAL, SECTION, BLANK, ERROR = "imported", "total", "section", "blank", "error"
OUTCOMES = (IMPORTED, TOTAL, SECTION, BLANK, ERROR)

UNKNOWN_GRADES = {"tbc", "tbd", "mix", "mixed", "various", "n/a", "na", "-", "?", "tba"}
AS_ABOVE = re.compile(r"^(as above|see (comments? )?above|ditto|same as above)\.?$", re.I)
_TOTAL = re.compile(r"^(sub[- ]?total|grand total|total)\b", re.I)
_FUNDED_BY = re.compile(r"^funded by\s*:?\s*", re.I)
_ROLE_COUNT = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:x\s*)?([A-Za-z].*)$")
_REFERENCE = re.compile(r"\b(para(?:graph)?\.?\s*\d+|rec(?:ommendation)?\.?\s*\d+)", re.I)
_UNFUNDED = re.compile(
    r"requires? additional funding|unfunded|not (yet )?funded|no funding|funding (to be|not) ",
    re.I,
)
_FUNDED_FROM = re.compile(
    r"^(?:to be\s+)?(?:met|funded|paid|financed|covered)\s+(?:from|by|through)\s+"
    r"(?:the\s+)?(.+?)\.?$",
    re.I,
)
_PERCENT_SHARE = re.compile(r"(\d+(?:\.\d+)?)\s*%\s*(?:from\s+|of\s+)?([^,;]+)")
# What the columns hold (posts.models.PlanLine): FTE 7 digits with 2 decimal places, a
# salary 12, costs and amounts 14 (parse_money already refuses £1tn and more).
_MOST_FTE = Decimal("100000")
_MOST_SALARY = Decimal("1e10")
_FTE_STEP = Decimal("0.01")  # FTE is kept to two decimal places
_FTE_UNIT = re.compile(r"(?<=[\d\s])\s*(?:fte|wte)\s*$", re.I)  # "0.5 FTE", "0.5fte"
_DIGIT = re.compile(r"\d")
# "The sources of funding for a full year are:-" (seed 004): a second table, of sources.
_SOURCES_OF_FUNDING = re.compile(r"\b(sources? of funding|funding sources?)\b", re.I)
_YEAR_IN_NAME = re.compile(r"\b((?:19|20)\d{2})\s*[/-]\s*\d{2}\b")
_UPLIFT = re.compile(r"uplift|regrad|re-grad|moving to", re.I)
# The phrases of seed 004's Comment column: "Uplift from SW, requires additional funding",
# "Uplift from EPO6, funded from LSCB", "New Post, requires additional funding".
_UPLIFT_FROM = re.compile(
    r"^(?:an?\s+)?(?:uplift(?:ed)?|regrad(?:e|ed|ing)|re-grad(?:e|ed|ing))\s+from\s+(.+?)"
    r"(?:\s+to\s+.+)?$",
    re.I,
)
_NEW_POST = re.compile(r"^(?:an?\s+)?new post$", re.I)
# A comment that is only a grant's name is the line's funding: "Care Matters ABG (2008/09)".
_GRANT_NAME = re.compile(r"\b(grant|abg)\b", re.I)
_MOST_SOURCE_WORDS = 8
# A heading that is a part of the document, not a group of lines: "Appendix 3".
_DOCUMENT_PART = re.compile(r"^(appendix|annex|table|page|part|schedule)\b\W*\w{0,4}\W*$", re.I)
_FTE_WRITTEN = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:fte|wte)?$", re.I)
_TOTAL_LABEL_LENGTH = 60
# Total, sub-total, grand total; and a Cyrillic Te (U+0422), which text from a PDF may hold.
_TOTAL_INITIALS = frozenset("TtSsGg\u0422")


@dataclass
class Funding:
    source: str
    percent: Decimal


@dataclass
class SourceFacts:
    """A row of a table of funding sources: what the source has a year."""

    name: str
    amount: Decimal
    year: int | None = None  # the financial year its name gives, "(2008/09)"; else every year


@dataclass
class LineFacts:
    """What one row says about one plan line, before names are looked up."""

    kind: str
    title: str
    section: str = ""
    grade: str = ""  # as written, look-alikes folded; "" when none
    grade_known: bool = False  # False for tbc, mix and the like
    fte: Decimal | None = None
    fte_in_post: Decimal = Decimal("0")
    duration_months: int | None = None
    one_off: bool = False
    start: date | None = None
    salary: Decimal | None = None
    stated_annual_cost: Decimal | None = None
    amount: Decimal | None = None  # non-staff: a year's amount, or the whole if one-off
    stated_total: Decimal | None = None
    from_grade: str = ""  # an uplift's grade before, as written: "EPO6"
    workstream: str = ""
    team: str = ""
    justification: str = ""
    phase: str = ""
    finding: str = ""
    funding: list[Funding] = field(default_factory=list)


@dataclass
class RowReading:
    number: int
    outcome: str
    messages: list[str] = field(default_factory=list)  # errors, or what was done
    warnings: list[str] = field(default_factory=list)
    facts: LineFacts | None = None
    stated: dict[str, Decimal] = field(default_factory=dict)  # a total row's figures
    written: dict[str, Decimal] = field(default_factory=dict)  # a line's, as written
    label: str = ""
    source: SourceFacts | None = None  # a row of a table of funding sources
    of_sources: bool = False  # a total of such a table, not of the lines
    summary: str = ""  # what an imported row becomes, in words, for the preview
    sheet: str = ""  # another sheet than the table's: a table of funding sources

    def as_json(self) -> dict:
        found = {"row": self.number}
        if self.sheet:
            found["sheet"] = self.sheet
        return {
            **found,
            "outcome": self.outcome,
            "messages": [*self.messages, *(f"warning: {text}" for text in self.warnings)],
        }


@dataclass
class Context:
    """What reading a row needs beyond the row: the plan's first day and length, its flat
    on-cost rate (for checking stated costs), and what the rows above set."""

    plan_start: date
    plan_years: int
    on_cost_rate: Decimal | None = None
    section: str = ""
    heading_workstream: str = ""  # the heading above, where the lines have no workstream column
    previous_finding: str = ""
    previous_was_line: bool = False
    team_above: str = ""
    # None until the team column shows its habit: written on every line (False), or once
    # over the lines of its group with blank cells under it (True), as seed 001 writes it.
    team_written_once: bool | None = None


class RowReader:
    def __init__(self, columns: ColumnMap, context: Context):
        self.columns = columns
        self.context = context
        self._index = {name: column for column, name in columns.fields.items() if name != "ignore"}
        self.has_fte_column = "fte" in self._index
        # Under "The sources of funding ... are:", rows are sources until their total.
        self.reading_sources = False
        self.sources_sum = Decimal(0)

    # -- cells ------------------------------------------------------------------------

    def cell(self, values: tuple, name: str):
        column = self._index.get(name)
        if column is None or column >= len(values):
            return None
        value = values[column]
        if isinstance(value, str) and not value.strip():
            return None
        return value

    def text(self, values: tuple, name: str) -> str:
        return clean_text(self.cell(values, name))

    def where(self, name: str) -> str:
        column = self._index[name]
        return f"column {get_column_letter(column + 1)} “{self.columns.labels.get(column, '')}”"

    def money(self, values, name, errors) -> Decimal | None:
        value = self.cell(values, name)
        try:
            return parse_money(value)
        except ValueError as error:
            errors.append(f"{self.where(name)}: {error}")
            return None

    def number(self, values, name, errors) -> Decimal | None:
        value = self.cell(values, name)
        if isinstance(value, str) and value.strip().lower() == "n/a":
            return None
        figure = value
        if isinstance(value, str) and name in ("fte", "fte_in_post"):
            figure = _FTE_UNIT.sub("", value) or value
        try:
            if isinstance(value, bool):
                raise ValueError(value)
            return parse_money(figure)  # the same reading: "1,200", "-", (1.5)
        except FigureTooLarge:
            errors.append(f"{self.where(name)}: “{value}” is too large")
            return None
        except ValueError:
            errors.append(f"{self.where(name)}: “{value}” is not a number")
            return None

    # -- rows -------------------------------------------------------------------------

    def read(self, row: SourceRow) -> RowReading:
        values = row.values
        if is_blank(values):
            self.context.previous_was_line = False
            return RowReading(row.number, BLANK)
        if self.reading_sources:
            return self._source_row(row)
        label = self._total_label(values)
        if label:
            return self._total(row, label)
        heading = self._heading(values)
        if heading and _SOURCES_OF_FUNDING.search(heading):
            self.reading_sources, self.sources_sum = True, Decimal(0)
            message = f"“{heading}”: the rows below are funding sources, not lines"
            return RowReading(row.number, SECTION, [message], label=heading)
        if heading:
            return self._section(row, heading)
        return self._line(row)

    def _source_row(self, row: SourceRow) -> RowReading:
        """A row of a table of funding sources: a name and what it has a year, written
        "ABG (SDG) | = £182,000" or with the amount as a number."""
        name, amount, too_large, errors = "", None, None, []
        for value in row.values:
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            text = value.strip().lstrip("=").strip() if isinstance(value, str) else value
            if not name and not is_figure(text):
                name = clean_text(text)
            elif amount is None and too_large is None and is_figure(text):
                try:
                    amount = parse_money(text)
                except FigureTooLarge as error:
                    too_large = error
        if _TOTAL.match(fold_lookalikes(name)):
            self.reading_sources = False
            return self._sources_total(row, name, amount)
        if too_large is not None:
            errors.append(f"the funding source “{name}”: {too_large}")
        elif amount is None:
            errors.append(f"the funding source “{name}” has no amount beside it")
        elif amount < 0:
            errors.append(
                f"the funding source “{name}” has a negative amount, "
                f"{figure_text(amount, symbol='£')}"
            )
        if errors:
            return RowReading(row.number, ERROR, errors, label=name)
        self.sources_sum += amount
        year = _YEAR_IN_NAME.search(name)
        source = SourceFacts(name[:200], amount, int(year.group(1)) if year else None)
        return RowReading(row.number, IMPORTED, label=name, source=source)

    def _sources_total(self, row: SourceRow, label: str, stated) -> RowReading:
        reading = RowReading(row.number, TOTAL, label=label, of_sources=True)
        if stated is None:
            reading.messages.append(f"“{label}”: the end of the funding sources")
        elif stated == self.sources_sum:
            reading.messages.append(
                f"“{label}”: the funding sources' total £{figure_text(stated)} equals the "
                "sources above"
            )
        else:
            reading.messages.append(
                f"“{label}”: the funding sources' total is stated as £{figure_text(stated)}; "
                f"the sources above add up to £{figure_text(self.sources_sum)} (difference "
                f"{figure_text(stated - self.sources_sum, symbol='£')})"
            )
        if stated is not None:
            reading.stated["annual_cost"] = stated
        self.context.previous_was_line = False
        return reading

    def _total_label(self, values) -> str:
        """The words that make the row a total, in whichever column they sit: "Total" in
        seed 001's TEAM column beside "12.5fte" in its ROLE column. Comments are not looked
        at: a justification may well begin "Total cost of ..."."""
        title = self.text(values, "title")
        if _TOTAL.match(fold_lookalikes(title)):
            return title
        said = {self._index.get(name) for name in ("justification", "finding", "funding")}
        for column, value in enumerate(values):
            if column in said or not isinstance(value, str):
                continue
            if value.lstrip()[:1] not in _TOTAL_INITIALS:  # most cells, cheaply
                continue
            text = clean_text(value)
            if _TOTAL.match(fold_lookalikes(text)) and len(text) <= _TOTAL_LABEL_LENGTH:
                return text
        return ""

    def _heading(self, values) -> str:
        """The row's one text, if it is a heading or a note: the same words in every
        filled cell (a merged heading fills several), and no figures."""
        written = set()
        for value in values:
            if isinstance(value, str):
                if value.strip():
                    written.add(value)
            elif is_figure(value):
                return ""  # most lines end here, at their first number
        texts = {clean_text(value) for value in written}
        if len(texts) != 1 or any(is_figure(value) for value in written):
            return ""
        return "" if self._is_line_text(values) else texts.pop()

    def _is_line_text(self, values) -> bool:
        # A heading has its words in one cell; a line with no figures ("IRO Service") has
        # words in several of the line's own columns.
        filled = [
            name
            for name in ("grade", "duration", "workstream", "team", "justification", "phase")
            if self.cell(values, name) is not None
        ]
        return len(filled) >= 2

    def _total(self, row: SourceRow, label: str) -> RowReading:
        errors: list[str] = []
        stated = {}
        for name in (*MONEY_FIELDS, "fte", "fte_in_post"):
            if name in self._index:
                value = (
                    self.money(row.values, name, errors)
                    if name in MONEY_FIELDS
                    else self.number(row.values, name, errors)
                )
                if value is not None:
                    stated[name] = value
        if "fte" not in stated and not self.has_fte_column:
            # "12.5fte" beside the word, where the roles give the counts ("4 SW").
            title = self.text(row.values, "title")
            for value in row.values:
                text = clean_text(value) if isinstance(value, str) else ""
                match = _FTE_WRITTEN.match(text)
                if match and (text != match.group(1) or text == title):
                    stated["fte"] = Decimal(match.group(1))
                    break
        reading = RowReading(row.number, TOTAL, label=label, stated=stated)
        reading.messages.append(f"“{label}”: a stated total, reconciled below, not a line")
        reading.warnings.extend(errors)
        # A total closes the group its heading opened.
        self.context.section = self.context.heading_workstream = ""
        self.context.previous_was_line = False
        return reading

    def _section(self, row: SourceRow, text: str) -> RowReading:
        reading = RowReading(row.number, SECTION, label=text)
        if len(text) > 60 or text.endswith("."):
            reading.messages.append(f"a note, kept with the import: “{text}”")
        else:
            self.context.section = text
            heading_workstream = ""
            if "workstream" not in self._index and not _DOCUMENT_PART.match(text):
                heading_workstream = text[:200]
            self.context.heading_workstream = heading_workstream
            reading.messages.append(
                f"section “{text}”: the lines below sit under it"
                + (f", in the workstream “{heading_workstream}”" if heading_workstream else "")
            )
        self.context.previous_was_line = False
        return reading

    def _line(self, row: SourceRow) -> RowReading:
        values = row.values
        errors: list[str] = []
        warnings: list[str] = []
        notes: list[str] = []  # how the row was read, where the reading needs saying
        context = self.context
        title = self.text(values, "title")
        if title in _PLACEHOLDERS:
            title = ""
        grade_text = self.text(values, "grade")
        if not title and grade_text and not _looks_like_grade(grade_text):
            # "Exit Costs" written in the Grade column with the post column empty.
            title, grade_text = grade_text, ""
            warnings.append("no post or item given; its name is taken from the Grade column")
        fte = self.number(values, "fte", errors)
        written_fte = fte if self.has_fte_column else None
        if not self.has_fte_column and title:
            # Folding is letter for letter, so the match's places are the title's own.
            match = _ROLE_COUNT.match(fold_lookalikes(title))
            if match:  # "4 SW", "0.5 BSO": the count is the FTE
                fte, title = Decimal(match.group(1)), title[match.start(2) :].strip()
                written_fte = fte
        team = self.text(values, "team")
        team_is_title = False
        if not title:
            title = _first_text(values)
            if title and title == team:  # seed 001's "Training & Development": an item
                team_is_title = True
                notes.append("no post or item given; its name is taken from the Team column")
        if not title:
            errors.append("the row has figures but no post or item to say what they are")

        facts = LineFacts(kind="new_post", title=title[:300], section=context.section)
        facts.salary = self.money(values, "salary", errors)
        unit_cost = self.money(values, "unit_cost", errors)
        annual_cost = self.money(values, "annual_cost", errors)
        facts.stated_total = written_total = self.money(values, "total", errors)
        written_cost = annual_cost
        fte_in_post = self.number(values, "fte_in_post", errors)
        facts.workstream = self.text(values, "workstream")[:200]
        if "workstream" not in self._index:
            facts.workstream = context.heading_workstream
        facts.team = self._team(team, team_is_title, notes)[:200]
        facts.justification = clean_text(self.cell(values, "justification"))
        facts.phase = self.text(values, "phase")[:50]
        facts.start = self._start(values, errors)

        if _FUNDED_BY.match(title):
            facts.kind = "released_budget"
            facts.title = title
        elif _UPLIFT.search(title) or _UPLIFT.search(context.section):
            facts.kind = "uplift"
        comment = self._comment(values)
        if comment.kind and facts.kind != "released_budget":
            facts.kind = comment.kind
            facts.from_grade = comment.from_grade[:30]

        duration_text = self.text(values, "duration")
        permanent = False
        if duration_text:
            try:
                duration = parse_duration(fold_lookalikes(duration_text))
            except ValueError as error:
                errors.append(f"{self.where('duration')}: {error}")
            else:
                facts.duration_months = duration.months
                facts.one_off = duration.kind == ONE_OFF
                permanent = duration.kind == PERMANENT
                if duration.bare:
                    label = self.columns.labels.get(self._index["duration"], "Duration")
                    warnings.append(
                        f"“{duration_text}” under {label} is read as {duration.months} months"
                    )

        # Released budget is written negative ("-42,413" or "(42,413)"); it is stored as the
        # amount released, and the kind says which way it counts.
        magnitudes = [abs(value) if value is not None else None for value in (fte, facts.salary)]
        fte, facts.salary = magnitudes
        if annual_cost is not None:
            annual_cost = abs(annual_cost) if facts.kind == "released_budget" else annual_cost
        if facts.stated_total is not None and facts.kind == "released_budget":
            facts.stated_total = abs(facts.stated_total)
        costs = (
            ("annual_cost", annual_cost),
            ("unit_cost", unit_cost),
            ("total", facts.stated_total),
        )
        for name, value in costs:
            if value is not None and value < 0 and facts.kind != "released_budget":
                errors.append(f"{self.where(name)}: a negative cost on a {facts.kind} line")
        if fte_in_post is not None:
            if fte_in_post < 0:
                errors.append(f"{self.where('fte_in_post')}: FTE in post cannot be negative")
            else:
                facts.fte_in_post = fte_in_post
        if fte is not None and fte == 0:
            fte = None

        if grade_text:
            facts.grade = grade_text[:30]
            facts.grade_known = name_key(grade_text) not in UNKNOWN_GRADES
        if annual_cost is None and unit_cost is not None and fte is not None:
            annual_cost = unit_cost * fte
            warnings.append(f"annual cost is unit cost £{pounds(unit_cost)} × {fte} FTE")
        elif (
            annual_cost is not None
            and unit_cost is not None
            and fte is not None
            and abs(unit_cost * fte - annual_cost) > 1
        ):
            warnings.append(
                f"annual cost £{pounds(annual_cost)} is not {fte.normalize():f} × the cost "
                f"of one post £{pounds(unit_cost)}; the stated annual cost is kept"
            )

        if facts.one_off or fte is None:  # no FTE, not a post: a cost of some other kind
            self._non_staff(facts, annual_cost, warnings, permanent)
        else:
            facts.fte = fte
            facts.stated_annual_cost = annual_cost
            if not duration_text and facts.duration_months is None:
                warnings.append("no duration given: taken as permanent")
            if not (facts.grade_known or facts.salary or facts.stated_annual_cost):
                warnings.append(
                    "no grade, salary or cost given: the post cannot be costed until one is"
                )
        self._check_bounds(facts, errors)
        self._check_figures(facts, warnings)
        facts.finding = self._finding(values, warnings)
        facts.funding = self._funding(comment, warnings, errors)
        context.previous_was_line = True
        said = []
        if facts.kind == "uplift" and facts.stated_annual_cost is not None:
            said.append(
                (f"uplift from {facts.from_grade}: " if facts.from_grade else "")
                + f"costed at the stated difference, £{figure_text(facts.stated_annual_cost)} a "
                "year"
            )
        if comment.unfunded:
            said.append("requires additional funding, so no source pays for it yet")
        elif facts.funding and comment.column == "justification":
            names = ", ".join(f"“{share.source}”" for share in facts.funding)
            said.append(f"funded from {names}, as its comment says")

        reading = RowReading(row.number, ERROR if errors else IMPORTED, facts=facts)
        for name, value in (("fte", written_fte), ("annual_cost", written_cost)):
            if value is not None:
                reading.written[name] = value
        if facts.stated_total is not None:
            reading.written["total"] = written_total
        reading.messages.extend(errors)
        if not errors:  # a row in error saves nothing: how it would have been read is moot
            reading.warnings.extend(warnings)
            reading.messages.append(f"{_KIND_WORDS[facts.kind]}: “{facts.title}”")
            reading.messages.extend(notes)
            if said:
                reading.messages.append("; ".join(said))
        return reading

    def _team(self, team: str, team_is_title: bool, notes: list[str]) -> str:
        """The line's team. A team column written once over the lines of its group (seed
        001: "Contact Advice & Assessment" over ATM, 4 SW and 0.5 BSO) gives its team to the
        lines under it until the next team, heading, total or blank row; one written on
        every line (seed 004's districts) leaves a blank cell blank. The habit is taken
        from the column's first two lines in a row."""
        context = self.context
        if "team" not in self._index:
            return team
        if team_is_title:  # the item's own name, not a team over it
            context.team_above = ""
            return ""
        if team:
            # Two lines in a row, each with its team: the column is written on every line.
            after_a_team = context.previous_was_line and bool(context.team_above)
            if after_a_team and context.team_written_once is None:
                context.team_written_once = False
            context.team_above = team
            return team
        if not context.previous_was_line or not context.team_above:
            context.team_above = ""
            return ""
        if context.team_written_once is None:
            context.team_written_once = True
        if not context.team_written_once:
            context.team_above = ""
            return ""
        notes.append(f"team “{context.team_above}”, written above: its cell here is blank")
        return context.team_above

    def _non_staff(self, facts: LineFacts, annual_cost, warnings, permanent: bool) -> None:
        facts.kind = "non_staff"
        facts.fte = None
        if facts.one_off:
            facts.amount = facts.stated_total if facts.stated_total is not None else annual_cost
            return
        if annual_cost is not None:
            facts.amount = annual_cost
        elif facts.stated_total is not None and facts.salary is None:
            # Only a total over the plan (Middlesbrough's Exit Costs, "3 months", £120,000):
            # the council means that sum once, not a year's rate of it.
            facts.amount, facts.one_off = facts.stated_total, True
            total = pounds(facts.stated_total)
            over = f" over its {_months(facts.duration_months)}" if facts.duration_months else ""
            warnings.append(
                f"only a total, £{total}, is given (no FTE, salary or annual cost): a one-off "
                f"cost of £{total}{over}"
            )
        elif facts.stated_total is not None and facts.duration_months:
            facts.amount = facts.stated_total * 12 / facts.duration_months
            warnings.append(
                f"a year's cost is the total £{pounds(facts.stated_total)} "
                "over "
                f"{facts.duration_months} months"
            )
        elif facts.stated_total is not None:
            facts.amount, facts.one_off = facts.stated_total, True
            warnings.append("only a total is given, with no duration: taken as a one-off cost")
        else:
            warnings.append("no FTE or cost given: imported without a cost")
        if facts.salary is not None:
            warnings.append(f"a salary of £{pounds(facts.salary)} is given with no FTE")

    def _start(self, values, errors) -> date | None:
        value = self.cell(values, "start")
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        for pattern in ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%B %Y"):
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        errors.append(f"{self.where('start')}: “{value}” is not a date like 01/04/2025")
        return None

    def _check_bounds(self, facts: LineFacts, errors: list[str]) -> None:
        """Figures too large for a plan line to hold: named, rather than failing on save."""
        for name, value, limit in (
            ("FTE", facts.fte, _MOST_FTE),
            ("FTE in post", facts.fte_in_post, _MOST_FTE),
            ("salary", facts.salary, _MOST_SALARY),
        ):
            if value is not None and abs(value) >= limit:
                errors.append(
                    f"the {name} {figure_text(value)} is larger than a plan line can hold"
                )
            elif name != "salary" and value is not None and value % _FTE_STEP:
                errors.append(
                    f"the {name} {value} has more decimal places than a plan line keeps (two)"
                )
        for problem in (
            date_problem("start date", facts.start),
            duration_problem(facts.duration_months),
        ):
            if problem:
                errors.append(problem)
        if facts.amount is not None:
            facts.amount = round_money(facts.amount)

    def _check_figures(self, facts: LineFacts, warnings: list[str]) -> None:
        """Figures that disagree are kept as stated and reported."""
        rate = self.context.on_cost_rate
        if (
            facts.kind in ("new_post", "released_budget")
            and rate is not None
            and facts.salary is not None
            and facts.fte
            and facts.stated_annual_cost is not None
        ):
            expected = facts.salary * facts.fte * (1 + rate)
            if abs(facts.stated_annual_cost - expected) > max(Decimal(1), expected / 200):
                warnings.append(
                    f"annual cost £{pounds(facts.stated_annual_cost)} is not salary "
                    f"£{pounds(facts.salary)} × {facts.fte} FTE × {1 + rate} on-costs "
                    f"(£{pounds(expected)}); the stated cost is kept"
                )
        yearly = facts.stated_annual_cost if facts.kind != "non_staff" else facts.amount
        if facts.stated_total is None or yearly is None:
            return
        if facts.one_off:
            expected, words = yearly, "the one-off amount"
        else:
            months = facts.duration_months or 12 * self.context.plan_years
            months = min(months, 12 * self.context.plan_years)
            expected = yearly * months / 12
            words = f"annual cost × {months / 12:g} year{'s' if months != 12 else ''}"
        if abs(facts.stated_total - expected) > 1:
            warnings.append(
                f"total £{pounds(facts.stated_total)} is not {words} (£{pounds(expected)}); "
                "the costs are worked out from the annual figures"
            )

    def _finding(self, values, warnings) -> str:
        text = clean_text(self.cell(values, "finding"))
        if text and AS_ABOVE.match(fold_lookalikes(text)):
            if not self.context.previous_finding:
                warnings.append(f"finding “{text}” but the row above has no finding")
            text = self.context.previous_finding
        self.context.previous_finding = text
        return text

    def _comment(self, values) -> Comment:
        """What the funding column says, or where there is none the comment column, as
        seed 004 writes it: the kind of change and who pays ("Uplift from EPO6, funded from
        LSCB"; "New Post, requires additional funding"; "Care Matters ABG (2008/09)")."""
        text = self.text(values, "funding")
        if text:
            return read_comment(text, column="funding", names_source=True)
        if "funding" in self._index:
            return Comment()
        return read_comment(self.text(values, "justification"), column="justification")

    def _funding(self, comment: Comment, warnings, errors) -> list[Funding]:
        if comment.unfunded or not comment.funding_text:
            return []
        try:
            return read_funding(comment.funding_text, warnings)
        except ValueError as error:
            errors.append(f"{self.where(comment.column)}: {error}")
            return []


@dataclass
class Comment:
    kind: str = ""  # "uplift" or "new_post" where the words say so
    from_grade: str = ""
    unfunded: bool = False
    funding_text: str = ""
    column: str = ""


def read_comment(text: str, *, column: str, names_source: bool = False) -> Comment:
    """The phrases of a comment, split at commas and semicolons; percentage shares ("60%
    X, 40% Y") are one phrase. In a funding column (`names_source`), words that say
    nothing else name the source."""
    comment = Comment(column=column)
    if not text:
        return comment
    if _PERCENT_SHARE.search(text):
        comment.funding_text = text
        return comment
    for phrase in (part.strip() for part in re.split(r"[;,]", text)):
        if not phrase:
            continue
        uplift = _UPLIFT_FROM.match(phrase)
        if uplift:
            comment.kind, comment.from_grade = "uplift", uplift.group(1).strip()
        elif _NEW_POST.match(phrase):
            comment.kind = "new_post"
        elif _UNFUNDED.search(phrase):
            comment.unfunded = True
        elif _FUNDED_FROM.match(phrase) or (
            _GRANT_NAME.search(phrase) and len(phrase.split()) <= _MOST_SOURCE_WORDS
        ):
            comment.funding_text = comment.funding_text or phrase
    if names_source and not (comment.kind or comment.unfunded or comment.funding_text):
        comment.funding_text = text
    return comment


def read_funding(text: str, warnings: list[str]) -> list[Funding]:
    """ "Met from Care Matters ABG" -> 100% from Care Matters ABG; "50% DfE grant, 50%
    base budget" -> two shares; "Requires additional funding" -> none (it is unfunded)."""
    if _UNFUNDED.search(text):
        return []
    shares = _PERCENT_SHARE.findall(text)
    if shares:
        return _shares(text, shares)
    match = _FUNDED_FROM.match(text)
    name = _source_name(match.group(1) if match else text)
    if len(name) > 120 or not name:
        warnings.append(f"funding “{text[:60]}…” is not a source that can be allocated")
        return []
    return [Funding(name, Decimal(100))]


def _shares(text: str, shares: list[tuple[str, str]]) -> list[Funding]:
    """Percentage shares, one per source (a source named twice has its shares added), as
    an allocation can hold them: each above nothing, all together at most the whole."""
    merged: dict[str, Funding] = {}
    for percent, name in shares:
        source = _source_name(name)
        if not source:
            raise ValueError(f"“{text}” gives a share with no source")
        share = Decimal(percent)
        if not 0 < share <= 100:
            raise ValueError(f"“{text}” gives {percent}% to {source}")
        # An allocation holds a percentage to three places.
        share = share.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
        if name_key(source) in merged:
            merged[name_key(source)].percent += share
        else:
            merged[name_key(source)] = Funding(source, share)
    total = sum(funding.percent for funding in merged.values())
    if total > 100:
        share_out = f"{total.normalize():f}%"
        raise ValueError(f"“{text}” shares out {share_out} of the cost, more than the whole")
    return list(merged.values())


def finding_reference(text: str) -> str:
    match = _REFERENCE.search(text)
    return match.group(1)[:100] if match else ""


def _source_name(text: str) -> str:
    return text.strip().strip(".").strip()[:200]


def is_figure(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float | Decimal) or (
        isinstance(value, str) and _DIGIT.search(value)  # words alone are never a figure
    ):
        try:
            return parse_money(value) is not None
        except FigureTooLarge:
            return True  # a figure all the same, refused with a reason where it is read
        except ValueError:
            return False
    return False


def pounds(value: Decimal) -> str:
    """Whole pounds for a warning: "66,948"."""
    return figure_text(value, whole_pounds=True)


def _first_text(values) -> str:
    for value in values:
        if isinstance(value, str) and value.strip():
            return clean_text(value)
    return ""


_PLACEHOLDERS = {"-", "–", "—", "n/a"}


def _months(months: int) -> str:
    if months % 12 == 0:
        years = months // 12
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{months} month{'s' if months != 1 else ''}"


# A grade as councils write them: "K", "PO6", "EPO6", "G12", "SCP 23", "Band E", "Grade 7".
_GRADE = re.compile(
    r"^(?:(?:band|grade|scale|level|hay)\s+\S{1,4}|\S{1,4}|\S*\d\S*(?:\s+\S+)?)$", re.I
)


def _looks_like_grade(text: str) -> bool:
    """A short code, a code with a figure in it, or "Band E": never words like "Exit
    Costs" written in a Grade column under a blank post."""
    text = fold_lookalikes(text.strip())
    return text.lower() in UNKNOWN_GRADES or (len(text) <= 12 and bool(_GRADE.match(text)))


_KIND_WORDS = {
    "new_post": "new post",
    "uplift": "uplift",
    "released_budget": "released budget",
    "non_staff": "non-staff cost",
}
