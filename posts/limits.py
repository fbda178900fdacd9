"""The dates and durations a plan line can hold, and what is said of one it cannot, in
one place: the line's clean() (its page, the in-place edit, its preview, the admin) and
the paste and the import's reading of rows all use these. Plain Python."""

from __future__ import annotations

from datetime import date

# A line is costed month by month from its start: a start in 9999 ends past year 9999.
FIRST_YEAR, LAST_YEAR = 1900, 2199
MOST_MONTHS = 1200


def date_problem(name: str, value: date | None) -> str:
    """ "the start date 31 Dec 9999 is not one a plan line can hold (years 1900 to 2199)",
    for a date outside the years a line can hold; "" for one inside them (or none)."""
    if value is None or FIRST_YEAR <= value.year <= LAST_YEAR:
        return ""
    return (
        f"the {name} {value.day} {value:%b} {value.year:04d} is not one a plan line can "
        f"hold (years {FIRST_YEAR} to {LAST_YEAR})"
    )


def duration_problem(months: int | None) -> str:
    """What is said of a duration longer than a line can run; "" for any other."""
    if not months or months <= MOST_MONTHS:
        return ""
    return (
        f"a duration of {months:,} months is longer than a plan line can run "
        f"({MOST_MONTHS // 12} years); leave it blank for a permanent post"
    )


def sentence(problem: str) -> str:
    """A problem above as a message on its own: "The start date ... 2199)."."""
    return f"{problem[:1].upper()}{problem[1:]}."
