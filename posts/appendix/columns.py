"""Finding the table on a sheet and mapping its columns by the words councils use."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .text import fold_lookalikes

# The fields a column can feed, in the words of the preview's mapping form.
FIELDS = {
    "title": "Post / role",
    "grade": "Grade",
    "fte": "FTE",
    "fte_in_post": "FTE in post",
    "duration": "Duration",
    "start": "Start date",
    "salary": "Salary",
    "unit_cost": "Unit cost (per FTE, with on-costs)",
    "annual_cost": "Annual cost",
    "total": "Total over the plan",
    "workstream": "Workstream",
    "team": "Where based / team",
    "justification": "Comments / justification",
    "phase": "Phase / priority",
    "finding": "Inspection finding",
    "funding": "Funding source",
    "ignore": "Not imported",
}
MONEY_FIELDS = ("salary", "unit_cost", "annual_cost", "total")

# First match wins, so the specific come before the general: "Total Cost" is a total, not
# a cost; "Status - in position" is FTE in post, not a post; "Ofsted Comment" is a finding.
_SYNONYMS: list[tuple[str, re.Pattern]] = [
    (name, re.compile(pattern))
    for name, pattern in [
        ("total", r"\btotal\b|programme cost|whole (programme|period)"),
        ("fte_in_post", r"in post|in position|filled|appointed"),
        ("finding", r"ofsted|inspection|finding|judgement"),
        ("funding", r"\bfund(ing|ed)?\b|source of funding|funding source|\bsource\b"),
        ("unit_cost", r"unit cost|cost per (post|fte|head)"),
        ("fte", r"\bfte\b|\bwte\b|full.time equivalent|number of posts|no of posts|headcount"),
        ("salary", r"salary|base pay"),
        ("annual_cost", r"\bcosts?\b|budget|per annum|annual|full.year"),
        ("grade", r"\bgrade\b|\bband\b|\bscale\b|\bscp\b|spinal"),
        ("duration", r"duration|length|\bterm\b|how long"),
        ("start", r"\bstart"),
        ("workstream", r"work ?stream|\btheme\b|programme area"),
        ("team", r"where based|location|\bteam\b|district|\barea\b|based|locality|service$"),
        ("phase", r"\bphase\b|priority"),
        ("justification", r"justification|comment|commentary|rationale|reason|notes?\b|purpose"),
        ("title", r"\bpost\b|\brole\b|recommendation|position|job|title|\bitem\b|description"),
    ]
]
_UNITS = re.compile(r"^(£s?|£000s?|£k|%|per annum|pa|fte|wte|£ ?s|gbp|k)$")
_NOISE = re.compile(r"[^a-z0-9£%]+")
_NUMERIC = re.compile(r"^[(£\s-]*[\d,.]+[)%]?$")
HEADER_SEARCH_ROWS = 30


def normalise_header(text) -> str:
    """Lower case, look-alike letters folded, punctuation as single spaces."""
    if text is None:
        return ""
    return _NOISE.sub(" ", fold_lookalikes(str(text)).lower()).strip()


def field_for(header: str) -> str | None:
    normalised = normalise_header(header)
    if not normalised:
        return None
    for name, pattern in _SYNONYMS:
        if pattern.search(normalised):
            return name
    return None


@dataclass
class ColumnMap:
    """Which source column feeds which field. Columns are 0-based indexes."""

    labels: dict[int, str]  # column -> the header as the sheet writes it
    fields: dict[int, str]  # column -> field name ("ignore" for columns not imported)
    header_rows: tuple[int, ...]  # the sheet's row numbers of the header
    notes: list[str] = field(default_factory=list)
    words: dict[int, str] = field(default_factory=dict)  # column -> what its heading's words say
    # Why a column is read otherwise than its words say (the arithmetic of its rows).
    reasons: list[str] = field(default_factory=list)
    inferred: dict[int, str] = field(default_factory=dict)  # column -> field, by arithmetic

    def column_of(self, name: str) -> int | None:
        for column, field_name in self.fields.items():
            if field_name == name:
                return column
        return None

    def as_json(self) -> dict[str, str]:
        return {
            self.labels[column]: self.fields.get(column, "ignore") for column in sorted(self.labels)
        }


def header_score(values: Sequence) -> int:
    """How many different fields the row's words name: a header names several."""
    found = set()
    for value in values:
        if isinstance(value, str) and len(value) <= 80:
            name = field_for(value)
            if name:
                found.add(name)
    return len(found)


def is_header(values: Sequence) -> bool:
    return header_score(values) >= 3


def is_second_header_row(header: Sequence, values: Sequence) -> bool:
    """Words under the header that complete it: units ("£s:" under "Salary:"), or names
    under a heading merged over several columns ("Base" and "With on-costs" under
    "Salary"). A section heading under the header is a single text, so it is not."""
    if is_unit_row(values):
        return True
    texts = [(column, value) for column, value in enumerate(values) if value is not None]
    if len(texts) < 2 or any(
        not isinstance(value, str) or _NUMERIC.match(value.strip()) for _, value in texts
    ):
        return False
    for column, _ in texts:
        above = header[column] if column < len(header) else None
        left = header[column - 1] if 0 < column <= len(header) else None
        right = header[column + 1] if column + 1 < len(header) else None
        if above is None or above in (left, right):
            return True
    return False


def is_unit_row(values: Sequence) -> bool:
    """A second header row of units under the first: "£s:" under "Salary:"."""
    texts = [normalise_header(value) for value in values if value is not None]
    if not texts or any(not isinstance(value, str) for value in values if value is not None):
        return False
    return all(_UNITS.match(text) or not text for text in texts)


def map_columns(
    header_rows: Sequence[tuple[int, Sequence]],
    remembered: Mapping[str, str] | None = None,
    corrections: Mapping[int, str] | None = None,
    inferred: Mapping[int, str] | None = None,
) -> ColumnMap:
    """Map the columns under one or two header rows. `remembered` maps a normalised header
    to a field (what the council confirmed before); `inferred` maps a column to the field
    the arithmetic of its rows shows (`posts.appendix.arithmetic`), and wins over what is
    remembered; `corrections` maps a column to a field (what the admin chose in the
    preview), and wins over all."""
    width = max(len(values) for _, values in header_rows)
    labels: dict[int, str] = {}
    lowest: dict[int, str] = {}  # the lower row's words, which name a column under a group
    for column in range(width):
        parts = []
        for _, values in header_rows:
            value = values[column] if column < len(values) else None
            if value is not None and str(value).strip() and str(value).strip() not in parts:
                parts.append(str(value).strip())
        if parts:
            labels[column] = " ".join(parts)
            lowest[column] = parts[-1]
    remembered = remembered or {}
    corrections = corrections or {}
    inferred = inferred or {}
    fields: dict[int, str] = {}
    words: dict[int, str] = {}
    notes: list[str] = []
    reasons: list[str] = []  # where a remembered mapping reads a column otherwise than its words
    taken: dict[str, int] = {}
    # Columns a person or the arithmetic placed claim their field before the words do.
    for column in (*corrections, *inferred):
        name = corrections.get(column, inferred.get(column))
        if column in labels and name != "ignore":
            taken.setdefault(name, column)
    for column, label in labels.items():
        words[column] = (
            (field_for(lowest[column]) if len(header_rows) > 1 else None)
            or field_for(label)
            or "ignore"
        )
        if column in corrections:
            name = corrections[column]
        elif column in inferred:
            name = inferred[column]
        else:
            name = remembered.get(normalise_header(label)) or words[column]
            if name != words[column]:
                reasons.append(
                    f"“{label}” {_read_as(name)}, as an earlier import of this council was mapped"
                )
        placed = column in corrections or column in inferred
        if name != "ignore" and taken.get(name, column) != column and not placed:
            notes.append(
                f"“{label}” also looks like {FIELDS[name].lower()}, which “{labels[taken[name]]}” "
                "already gives; it is not imported"
            )
            name = "ignore"
        if name != "ignore":
            taken.setdefault(name, column)
        fields[column] = name
    for column, name in corrections.items():
        if column not in labels:
            labels[column] = f"Column {column + 1}"
            fields[column] = name
    return ColumnMap(
        labels,
        fields,
        tuple(number for number, _ in header_rows),
        notes,
        words,
        reasons,
        inferred={column: name for column, name in inferred.items() if column not in corrections},
    )


# How a reason says what a column is read as: "“Total cost” read as the cost of one post".
_READ_AS = {
    "unit_cost": "the cost of one post",
    "annual_cost": "the annual cost",
    "total": "the total over the plan",
    "fte": "the FTE",
    "salary": "the salary",
}


def _read_as(name: str) -> str:
    if name == "ignore":
        return "not imported"
    return "read as " + _READ_AS.get(name, FIELDS[name].lower())
