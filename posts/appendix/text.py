"""Text as councils' papers write it, and as text pulled out of a PDF garbles it."""

import re
from decimal import Decimal

from figures.costs.money import PENNY, POUND, format_money

# Cyrillic and Greek capitals that look like Latin ones: Cyrillic Ka (U+041A) is grade K.
_LOOKALIKES = str.maketrans(
    {
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
        "С": "C", "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S",
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "і": "i",
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
        "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
        "ο": "o", "ν": "v",
        "\u00a0": " ", "\u2013": "-", "\u2014": "-", "\u2019": "'",
    }
)  # fmt: skip


def fold_lookalikes(text: str) -> str:
    if text.isascii():  # every look-alike is outside ASCII: most cells have none
        return text
    return text.translate(_LOOKALIKES)


def clean_text(value) -> str:
    """A cell as one line of text, as it is written: its spaces (a non-breaking one
    included) collapsed, nothing else changed, since it is what the line keeps. What reads
    the text for its meaning folds the look-alikes first (`fold_lookalikes`)."""
    if value is None:
        return ""
    return " ".join(str(value).split())


def name_key(text) -> str:
    """What two names must share to be the same grade, team or funding source."""
    return fold_lookalikes(clean_text(text)).lower()


def figure_text(value: Decimal, *, whole_pounds: bool = False, symbol: str = "") -> str:
    """A figure in a message, as councils write one: "3,228,957", with pence only when it
    has any ("46,355.50"); rounded half up, like every figure shown. With `symbol="£"`
    a negative figure reads "-£3,043", never "£-3,043"."""
    quantum = POUND if whole_pounds else PENNY
    return format_money(value, quantum, symbol=symbol, pence_if_any=True)


_SOURCE_NOISE = re.compile(r"[^a-z0-9/]+")
_YEAR_PAIR = re.compile(r"\b((?:19|20)\d{2})\s*[-/]\s*(\d{2})\b")
_SOURCE_FILLER = {"the", "funding", "from", "by", "of"}


def source_key(text) -> str:
    """What two names must share to be the same funding source: their words in any order,
    years written either way, without filler ("ABG (Care Matters)" is "Care Matters ABG",
    "LSCB funding" is "LSCB", "(2008-09)" is "(2008/09)"), as seed 004 names its sources in
    one place and its lines in another."""
    text = _YEAR_PAIR.sub(r"\1/\2", name_key(text))
    words = {word for word in _SOURCE_NOISE.sub(" ", text).split() if word}
    return " ".join(sorted(words - _SOURCE_FILLER)) or text
