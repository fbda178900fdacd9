"""UK public-sector financial years: 1 April to 31 March, written `2025/26`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# The longest plan: councils plan over one to five years; ten leaves room, fifty is a typo.
MAX_PLAN_YEARS = 10

_LABEL = re.compile(r"^\s*(?:FY\s*)?(\d{4})\s*[/\-–]\s*(\d{2}|\d{4})\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True, slots=True)
class FinancialYear:
    """The financial year that starts on 1 April of `start_year`: a value, equal only to
    the same financial year."""

    start_year: int

    def __post_init__(self):
        if not isinstance(self.start_year, int) or isinstance(self.start_year, bool):
            raise TypeError(f"a financial year starts in a calendar year, not {self.start_year!r}")

    @classmethod
    def parse(cls, text: str) -> FinancialYear:
        """Read `2020/21`, `2020-21` or `2020/2021`; anything else is a ValueError."""
        match = _LABEL.match(str(text))
        if not match:
            raise ValueError(f"{text!r} is not a financial year like 2020/21")
        first, second = int(match.group(1)), match.group(2)
        expected = first + 1
        if int(second) not in (expected % 100, expected) or (
            len(second) == 4 and int(second) != expected
        ):
            raise ValueError(f"{text!r} is not a financial year: {second} does not follow {first}")
        return cls(first)

    @classmethod
    def containing(cls, day: date) -> FinancialYear:
        return cls(day.year if day.month >= 4 else day.year - 1)

    @classmethod
    def span(cls, first: FinancialYear, last: FinancialYear) -> list[FinancialYear]:
        return [cls(year) for year in range(first.start_year, last.start_year + 1)]

    @property
    def label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def start(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        return date(self.start_year + 1, 3, 31)

    def __add__(self, years: int) -> FinancialYear:
        return FinancialYear(self.start_year + years)

    def __sub__(self, years: int) -> FinancialYear:
        return FinancialYear(self.start_year - years)

    def __str__(self) -> str:
        return self.label
