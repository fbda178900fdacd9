"""Text as councils' papers write it, and as text pulled out of a PDF garbles it."""

from decimal import Decimal

from investplan.costs.money import PENNY, POUND, format_money

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
    return text.translate(_LOOKALIKES)


def clean_text(value) -> str:
    """A cell as one line of text: look-alikes folded, spaces collapsed."""
    if value is None:
        return ""
    return " ".join(fold_lookalikes(str(value)).split())


def name_key(text) -> str:
    """What two names must share to be the same grade, team or funding source."""
    return clean_text(text).lower()


def figure_text(value: Decimal, *, whole_pounds: bool = False, symbol: str = "") -> str:
    """A figure in a message, as councils write one: "3,228,957", with pence only when it
    has any ("46,355.50"); rounded half up, like every figure shown. With `symbol="£"`
    a negative figure reads "-£3,043", never "£-3,043"."""
    quantum = POUND if whole_pounds else PENNY
    return format_money(value, quantum, symbol=symbol, pence_if_any=True)
