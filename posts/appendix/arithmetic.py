"""Reading a table's money columns by the arithmetic of its rows, where the words of its
headings mislead (decision 0019).

Seed 001 heads its columns "Total cost" and "Total Budget": by their words both are totals
over the plan, but on every row "Total cost" is the cost of one post and "Total Budget" that
times the count in "4 SW". The rows settle it: count times unit = budget; basic + NI + pension =
cost. A relation must hold on at least four rows in five, and on two at the least, before it
outweighs the words; each reading it changes is given with its reason, for the preview."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal

from investplan.reading import parse_money

from .columns import MONEY_FIELDS, ColumnMap
from .reading import SourceRow, is_blank
from .text import clean_text, figure_text, fold_lookalikes

SAMPLE_ROWS = 200  # rows read ahead of a header to test its columns against
TOLERANCE = Decimal(1)  # a pound either way: councils round each figure to the pound
MOST_PARTS = 6  # basic, NI, pension, levy and allowances: the parts of a cost, at most
MOST_COLUMNS = 40  # money columns tested against each other, from the left
_ROLE_COUNT = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:x\s*)?[A-Za-z]")
_TOTAL = re.compile(r"^(sub[- ]?total|grand total|total)\b", re.I)
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_PER_POST = ("salary", "unit_cost")


@dataclass
class _Column:
    index: int
    label: str
    values: list[Decimal | None]  # one per sampled line


def read_by_arithmetic(
    columns: ColumnMap, sample: Sequence[SourceRow], corrected: Collection[int] = ()
) -> tuple[dict[int, str], list[str]]:
    """The fields the arithmetic of the sampled rows shows for columns whose words say
    otherwise, and why, in the preview's words. `corrected` columns (the admin's choice in
    the preview) are left alone."""
    lines = [row.values for row in sample if _is_line(row.values)]
    if len(lines) < 2:
        return {}, []
    money = [
        _Column(column, columns.labels[column], [_figure(_at(values, column)) for values in lines])
        for column in sorted(columns.labels)
        if column not in corrected and _is_money_column(columns, column, lines)
    ][:MOST_COLUMNS]
    inferred: dict[int, str] = {}
    reasons: list[str] = []
    counts = _counts(columns, lines, corrected, {column.index for column in money})
    if counts is not None:
        _product(columns, counts, money, inferred, reasons)
    _sum(columns, money, inferred, reasons)
    return inferred, reasons


def _product(columns, counts, money, inferred, reasons) -> None:
    """count times unit = budget: the unit is the cost of one post, the budget the line's cost."""
    count_label, count_column, count_values = counts
    best = None
    for unit in money:
        for budget in money:
            if unit is budget:
                continue
            held, tried, example = 0, 0, None
            for count, each, whole in zip(count_values, unit.values, budget.values, strict=True):
                if count is None or each is None or whole is None or count <= 0:
                    continue
                tried += 1
                if abs(count * each - whole) <= TOLERANCE:
                    held += 1
                    if count != 1 and example is None:
                        example = (count, each, whole)
            if example is not None and _holds(held, tried) and (best is None or held > best[0]):
                best = (held, tried, unit, budget, example)
    if best is None:
        return
    held, tried, unit, budget, (count, each, whole) = best
    if count_column is not None and columns.words.get(count_column) != "fte":
        inferred[count_column] = "fte"
        reasons.append(
            f"“{count_label}” read as the FTE: {_number(count)} × £{figure_text(each)} = "
            f"£{figure_text(whole)} in “{budget.label}” on {held} of {tried} rows"
        )
    if columns.words.get(unit.index) not in _PER_POST:
        inferred[unit.index] = "unit_cost"
        reasons.append(
            f"“{unit.label}” read as the cost of one post: {_number(count)} × "
            f"£{figure_text(each)} = £{figure_text(whole)} in “{budget.label}” on {held} of "
            f"{tried} rows"
        )
    if columns.words.get(budget.index) != "annual_cost":
        inferred[budget.index] = "annual_cost"
        reasons.append(
            f"“{budget.label}” read as the annual cost of each line: the count times “{unit.label}”"
        )


def _sum(columns, money, inferred, reasons) -> None:
    """basic + NI + pension = cost: the cost is the annual cost with on-costs, the first part
    the salary, the others on-costs inside it. The first part must be most of the cost and
    the others small, so costs of different years that add up to a total are not taken for
    parts of a cost."""
    free = [column for column in money if column.index not in inferred]
    for end, cost in enumerate(free):
        for start in range(max(0, end - MOST_PARTS), end - 1):
            parts = free[start:end]
            if any(_YEAR.search(part.label) for part in parts):
                continue
            held, tried, example = 0, 0, None
            for position, whole in enumerate(cost.values):
                figures = [part.values[position] for part in parts]
                if whole is None or figures[0] is None or whole <= 0:
                    continue
                tried += 1
                added = sum((figure or 0 for figure in figures), Decimal(0))
                basic, rest = figures[0], [figure or 0 for figure in figures[1:]]
                if (
                    abs(added - whole) <= TOLERANCE
                    and basic * 3 >= whole * 2
                    and all(0 <= figure * 3 < whole for figure in rest)
                ):
                    held += 1
                    example = example or (figures, whole)
            if example is None or not _holds(held, tried):
                continue
            terms = " + ".join(
                f"“{part.label}” £{figure_text(figure or 0)}"
                for part, figure in zip(parts, example[0], strict=True)
            )
            said = f"{terms} = £{figure_text(example[1])} on {held} of {tried} rows"
            if columns.words.get(cost.index) != "annual_cost":
                inferred[cost.index] = "annual_cost"
                reasons.append(f"“{cost.label}” read as the annual cost: {said}")
            if columns.words.get(parts[0].index) != "salary":
                inferred[parts[0].index] = "salary"
                reasons.append(f"“{parts[0].label}” read as the salary: {said}")
            for part in parts[1:]:
                if columns.words.get(part.index) in MONEY_FIELDS:
                    inferred[part.index] = "ignore"
                    reasons.append(
                        f"“{part.label}” is an on-cost inside “{cost.label}”, not a cost of "
                        f"its own: {said}"
                    )
            return


def _counts(columns: ColumnMap, lines, corrected, money_columns):
    """Each sampled line's count of posts: the FTE column, or the count in "4 SW" where
    there is none, or else a column of small whole numbers under a heading that names no
    field ("No.")."""
    fte = columns.column_of("fte")
    if fte is not None:
        return columns.labels[fte], None, [_figure(_at(values, fte)) for values in lines]
    title = columns.column_of("title")
    if title is not None:
        found = [
            _ROLE_COUNT.match(fold_lookalikes(clean_text(_at(values, title)))) for values in lines
        ]
        if sum(1 for match in found if match) >= 2:
            return (
                columns.labels[title],
                None,
                [Decimal(match.group(1)) if match else None for match in found],
            )
    for column in sorted(columns.labels):
        if column in corrected or column in money_columns or columns.words.get(column) != "ignore":
            continue
        values = [_at(values, column) for values in lines]
        figures = [_figure(value) for value in values]
        if (
            sum(1 for figure in figures if figure is not None) >= 2
            and all(
                value is None or (not _written_as_money(value) and figure is not None)
                for value, figure in zip(values, figures, strict=True)
            )
            and all(figure is None or 0 < figure <= 1000 for figure in figures)
        ):
            return columns.labels[column], column, figures
    return None


def _is_money_column(columns: ColumnMap, column: int, lines) -> bool:
    if columns.words.get(column) in MONEY_FIELDS or columns.fields.get(column) in MONEY_FIELDS:
        return True
    if columns.words.get(column) != "ignore":
        return False
    values = [_at(values, column) for values in lines]
    filled = [value for value in values if value is not None]
    figures = [figure for figure in map(_figure, filled) if figure is not None]
    return len(figures) >= 2 and len(figures) * 4 >= len(filled) * 3 and max(figures) >= 100


def _holds(held: int, tried: int) -> bool:
    return held >= 2 and held * 5 >= tried * 4


def _is_line(values) -> bool:
    if is_blank(values):
        return False
    if any(
        isinstance(value, str) and _TOTAL.match(fold_lookalikes(clean_text(value)))
        for value in values
    ):
        return False
    return any(_figure(value) is not None for value in values if not isinstance(value, bool))


def _at(values, column):
    value = values[column] if column < len(values) else None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _figure(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str) and not any(character.isdigit() for character in value):
        return None
    try:
        return parse_money(value)
    except ValueError:
        return None


def _written_as_money(value) -> bool:
    return isinstance(value, str) and "£" in value


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"
