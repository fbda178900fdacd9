"""Reading figures and words as councils write them in their papers. No Django here:
the demo loader, the line form and the appendix importer all read with these rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

PERMANENT = "permanent"
ONE_OFF = "one-off"


@dataclass(frozen=True, slots=True)
class Duration:
    months: int | None = None  # None with kind PERMANENT or ONE_OFF
    kind: str = "months"
    bare: bool = False  # a number with no unit ("24"), read as months


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(years?|yrs?|months?|mths?)?\s*$", re.IGNORECASE)


def parse_duration(text: str) -> Duration:
    """`2 years`, `1 year`, `18 months`, `3 months`, `Permanent`, `Development`, `one-off`;
    a bare number (`24`) is months, as councils mean it under a Duration heading."""
    cleaned = (text or "").strip()
    lowered = cleaned.lower()
    if lowered in {"permanent", "perm", "ongoing", "recurring"}:
        return Duration(kind=PERMANENT)
    if lowered in {"one-off", "one off", "oneoff", "development"}:
        return Duration(kind=ONE_OFF)
    match = _DURATION.match(cleaned)
    if not match:
        raise ValueError(f"“{text}” is not a duration like 2 years, 18 months or Permanent")
    number = Decimal(match.group(1))
    unit = (match.group(2) or "months").lower()
    months = number * 12 if unit.startswith("y") else number
    if months != months.to_integral_value() or months <= 0:
        raise ValueError(f"“{text}” is not a whole number of months")
    return Duration(months=int(months), bare=match.group(2) is None)


# An id (or a count of rows) as a query string or a form sends it: ASCII digits only, as
# str.isdigit() also takes "²", which int() refuses; at most 18 of them, which any 64-bit id
# column holds and which int() reads quickly (it refuses more than 4,300).
_ID = re.compile(r"[0-9]{1,18}")


def read_id(text) -> int | None:
    """The whole number `text` spells in ASCII digits, or None for anything else: blank,
    signed, spaced, Unicode digits, longer than an id, not a string at all."""
    if isinstance(text, str) and _ID.fullmatch(text):
        return int(text)
    return None


# A slug (a plan's or a council's short name) as a form or query string sends it; a NUL
# in what is looked up is refused by PostgreSQL as an error, not as no such slug.
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")


def read_slug(text) -> str | None:
    """`text` if it is a slug, else None."""
    return text if isinstance(text, str) and _SLUG.fullmatch(text) else None


# Control characters (NUL among them) in a one-line value: never typed, and a NUL is
# refused by PostgreSQL and by Excel's files when echoed back.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def read_text(text, limit: int) -> str:
    """A one-line value from a query string (a search, a phase): without control
    characters, trimmed, at most `limit` characters; "" for anything not a string."""
    if not isinstance(text, str):
        return ""
    return _CONTROL.sub("", text).strip()[:limit]


_MONEY_NOISE = re.compile(r"[£,\s]")

# Nothing a council plans for comes near a trillion pounds; a figure that large is a slip
# (or a hostile file) and would overflow the twelve whole-pound digits money is kept in.
MONEY_LIMIT = Decimal(10) ** 12


class FigureTooLarge(ValueError):
    """A figure beyond MONEY_LIMIT."""


def _within_limit(value: Decimal, text) -> Decimal:
    if abs(value) >= MONEY_LIMIT:
        raise FigureTooLarge(f"“{text}” is too large: figures are kept up to £999,999,999,999")
    return value


def parse_money(text) -> Decimal | None:
    """`£46,355`, `200,000`, `-42,413`, `(42,413)`, `£ 551,210` -> Decimal; blank or `-`
    -> None. Anything else is a ValueError naming the text."""
    if text is None:
        return None
    if isinstance(text, int | Decimal | float):
        value = Decimal(repr(text)) if isinstance(text, float) else Decimal(text)
        if not value.is_finite():
            raise ValueError(f"“{text}” is not an amount of money")
        return _within_limit(value, text)
    cleaned = str(text).strip()
    if cleaned in {"", "-", "–", "—"}:
        return None
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    if negative:
        cleaned = cleaned[1:-1]
    cleaned = _MONEY_NOISE.sub("", cleaned)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"“{text}” is not an amount of money") from None
    if not value.is_finite():
        raise ValueError(f"“{text}” is not an amount of money")
    return _within_limit(-value if negative else value, text)
