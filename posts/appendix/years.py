"""The financial years of an appendix: as a user gives them ("2008/09-2009/10"), or as the
file names them ("Total Cost (Apr 2020 to Mar 2022)", "Care Matters ABG (2008/09)")."""

from __future__ import annotations

import re
from collections.abc import Iterable

from figures.costs.financial_year import MAX_PLAN_YEARS, FinancialYear

from .text import fold_lookalikes

Years = tuple[FinancialYear, FinancialYear]

# The years a plan may take (the plan's model says the same).
FIRST_TAKEN, LAST_TAKEN = 1990, 2100

_YEAR = r"\d{4}\s*[/-]\s*\d{2}(?:\d{2})?"
_GIVEN = re.compile(rf"^\s*({_YEAR})\s*(?:(?:-|–|—|to)\s*({_YEAR}))?\s*$", re.IGNORECASE)
_MONTHS = re.compile(
    r"\bapr(?:il)?\s*(\d{4})\s*(?:to|-|–|—)\s*mar(?:ch)?\s*(\d{4})\b", re.IGNORECASE
)
_SPAN = re.compile(rf"({_YEAR})\s*(?:to|-|–|—)\s*({_YEAR})", re.IGNORECASE)
# A year on its own, as "(2008/09)" or "2021/22": not part of a date like 2020-04-01.
_ONE = re.compile(r"(?<![\d/-])(\d{4})\s*/\s*(\d{2}|\d{4})(?![\d/-])")
# A year written short, "23/24", where it stands as a financial year: in brackets
# ("Inflation Pay Increase (23/24)"), after "FY" or "year", or as the whole cell. Only two
# years in a row, so "3/4", "12/13 posts filled" and dates like 01/04/23 are not years.
_SHORT = re.compile(
    r"(?:\(\s*(\d{2})\s*/\s*(\d{2})\s*\)"
    r"|\b(?:fy|year)\s*(\d{2})\s*/\s*(\d{2})(?![\d/.-])"
    r"|^\s*(\d{2})\s*/\s*(\d{2})\s*$)",
    re.IGNORECASE,
)


def parse_years(text: str) -> Years:
    """The years a user gives: "2008/09-2009/10", "2008/09 to 2009/10", or one year,
    "2008/09". A ValueError says, in the user's words, what is wrong."""
    text = (text or "").strip()
    if not text:
        raise ValueError("Give the financial years, like 2020/21-2021/22 or 2020/21.")
    match = _GIVEN.match(text)
    if not match:
        raise ValueError(f"“{text}” is not financial years like 2020/21-2021/22 or 2020/21.")
    first = _one_year(match.group(1))
    last = _one_year(match.group(2)) if match.group(2) else first
    if last < first:
        raise ValueError(f"In “{text}” the last, {last}, is before the first, {first}.")
    count = last.start_year - first.start_year + 1
    if count > MAX_PLAN_YEARS:
        raise ValueError(
            f"A plan runs at most {MAX_PLAN_YEARS} financial years; {first} to {last} is {count}."
        )
    return first, last


def _one_year(text: str) -> FinancialYear:
    try:
        year = FinancialYear.parse(text)
    except ValueError:
        raise ValueError(
            f"“{' '.join(text.split())}” is not a financial year: write it like 2020/21."
        ) from None
    if not FIRST_TAKEN <= year.start_year <= LAST_TAKEN:
        raise ValueError(
            f"{year} is not a year a plan can run: give one between "
            f"{FinancialYear(FIRST_TAKEN)} and {FinancialYear(LAST_TAKEN)}."
        )
    return year


def years_label(years: Years) -> str:
    first, last = years
    return str(first) if first == last else f"{first} to {last}"


def years_named(
    headers: Iterable[str] = (), titles: Iterable[str] = (), cells: Iterable[str] = ()
) -> Years | None:
    """The years the file names. A period in the header or the titles above the table
    ("Apr 2020 to Mar 2022", "2008/09 to 2009/10") comes first; then the span of the
    years named there ("2021/22", "2022/23" over columns); then the span of the years
    named in the cells ("ABG Care Matters (2008/09)", "Inflation Pay Increase (23/24)").
    None if it names none, or names years no plan could run (over ten, or outside 1990/91
    to 2100/01)."""
    found = years_found(headers, titles, cells)
    return found[0] if found else None


def years_found(
    headers: Iterable[str] = (), titles: Iterable[str] = (), cells: Iterable[str] = ()
) -> tuple[Years, str] | None:
    """`years_named`'s years, with why: the words of the file that name them."""
    above = [fold_lookalikes(str(text)) for text in (*headers, *titles) if text]
    for text in above:
        found = _period_in(text)
        if found:
            return found, f"the file names them in “{_quoted(text)}”"
    for place, texts in (
        ("above the table", above),
        ("in its cells", [fold_lookalikes(str(text)) for text in cells if text]),
    ):
        named = [(year, text) for text in texts for year in _years_in(text)]
        if named:
            first, last = min(year for year, _ in named), max(year for year, _ in named)
            period = _plan_years(first, last)
            if period is None:
                return None
            words = list(dict.fromkeys(_quoted(text) for _, text in named))
            shown = ", ".join(f"“{text}”" for text in words[:3])
            more = f" and {len(words) - 3} more" if len(words) > 3 else ""
            return period, f"the file names {years_label(period)} {place}: {shown}{more}"
    return None


def _quoted(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:79] + "…"


def _period_in(text: str) -> Years | None:
    match = _MONTHS.search(text)
    if match:
        first, last = int(match.group(1)), int(match.group(2)) - 1
        return _plan_years(FinancialYear(first), FinancialYear(last))
    match = _SPAN.search(text)
    if match:
        try:
            first, last = FinancialYear.parse(match.group(1)), FinancialYear.parse(match.group(2))
        except ValueError:
            return None
        return _plan_years(first, last)
    return None


def _years_in(text: str) -> list[FinancialYear]:
    found = []
    for match in _ONE.finditer(text):
        try:
            found.append(FinancialYear.parse(f"{match.group(1)}/{match.group(2)}"))
        except ValueError:
            continue
    for match in _SHORT.finditer(text):
        first, second = (int(group) for group in match.groups() if group is not None)
        if second == (first + 1) % 100:
            found.append(FinancialYear(first + (2000 if first < 90 else 1900)))
    return found


def _plan_years(first: FinancialYear, last: FinancialYear) -> Years | None:
    if not FIRST_TAKEN <= first.start_year <= last.start_year <= LAST_TAKEN:
        return None
    if last.start_year - first.start_year + 1 > MAX_PLAN_YEARS:
        return None
    return first, last
