"""Rounding and splitting money. The one place either happens.

Amounts are Decimal pounds. The engine works unrounded; figures are rounded once, with
ROUND_HALF_UP, where they are shown, and every total is the sum of the rounded figures
shown above it, so that printed tables cast.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
POUND = Decimal("1")
ZERO = Decimal("0")
ONE = Decimal("1")
HUNDRED = Decimal("100")  # percentages as typed: 15 is 15%


def round_money(amount: Decimal, quantum: Decimal = PENNY) -> Decimal:
    """Round to pence (or to whole pounds with quantum=POUND), halves away from zero."""
    return amount.quantize(quantum, rounding=ROUND_HALF_UP)


def format_money(
    amount: Decimal, quantum: Decimal = PENNY, *, symbol: str = "£", pence_if_any: bool = False
) -> str:
    """A sum of money as printed: rounded half up to `quantum` (`round_money`), thousands
    separated, the minus before the pound sign: "£1,522.65", "-£40,600". With
    `pence_if_any`, pence only where there are some ("£46,355", "£46,355.50"). Zero is
    never printed negative. Every figure in words (working, notes, messages) and in
    tables (`symbol=""`) is printed by this."""
    rounded = round_money(Decimal(amount), quantum)
    if pence_if_any and rounded == rounded.to_integral_value():
        rounded = rounded.quantize(POUND)
    sign = "-" if rounded < 0 else ""
    # "f" with no precision prints a Decimal to its own places, which are its quantum's.
    return f"{sign}{symbol}{abs(rounded):,f}"


@dataclass(frozen=True, slots=True)
class Share:
    """One source's claim on a line's cost: a percentage (0 to 1) or a fixed amount."""

    key: Hashable
    fraction: Decimal | None = None
    amount: Decimal | None = None

    def __post_init__(self):
        if (self.fraction is None) == (self.amount is None):
            raise ValueError("a share is either a fraction or a fixed amount")


@dataclass(frozen=True, slots=True)
class Split:
    parts: dict[Hashable, Decimal]
    unfunded: Decimal

    @property
    def whole(self) -> Decimal:
        return sum(self.parts.values(), ZERO) + self.unfunded


def split_money(whole: Decimal, shares: Sequence[Share], quantum: Decimal = PENNY) -> Split:
    """Split `whole` (already rounded to `quantum`) between shares, remainder unfunded.

    Percentages are taken of the whole first, then fixed amounts from what is left; what
    nobody pays is the remainder. When the percentages come to 100% the last of them takes
    the pennies, so the parts always sum exactly to the whole. A negative whole (released
    budget) splits the same way, with every part negative.
    """
    if whole != round_money(whole, quantum):
        raise ValueError(f"{whole} is not rounded to {quantum}")
    if len(shares) == 1 and shares[0].fraction == ONE:
        # One source paying all of it, the usual line: its part is the whole.
        return Split(parts={shares[0].key: whole if whole else ZERO}, unfunded=ZERO)
    percentage_shares = [share for share in shares if share.fraction is not None]
    total_fraction = sum((share.fraction for share in percentage_shares), ZERO)
    if total_fraction > ONE:
        raise ValueError(f"shares come to {total_fraction:%}, more than 100%")
    if not whole:  # a year the line costs nothing in: nothing to share (most years of a post)
        return Split(parts=dict.fromkeys((share.key for share in shares), ZERO), unfunded=ZERO)
    sign = -1 if whole < 0 else 1
    remaining = abs(whole)
    magnitude = remaining
    parts: dict[Hashable, Decimal] = {share.key: ZERO for share in shares}
    for index, share in enumerate(percentage_shares):
        is_last = index == len(percentage_shares) - 1
        part = round_money(magnitude * share.fraction, quantum)
        if part > remaining or (is_last and total_fraction == ONE):
            part = remaining
        parts[share.key] += part
        remaining -= part
    for share in shares:
        if share.amount is None:
            continue
        part = min(round_money(abs(share.amount), quantum), remaining)
        parts[share.key] += part
        remaining -= part
    return Split(
        parts={key: _signed(part, sign) for key, part in parts.items()},
        unfunded=_signed(remaining, sign),
    )


def _signed(magnitude: Decimal, sign: int) -> Decimal:
    # Zero stays plain zero: a printed "-0.00" would alarm a reader.
    return magnitude * sign if magnitude else ZERO


def apportion(
    whole: Decimal, weights: Sequence[Decimal], quantum: Decimal = PENNY
) -> list[Decimal]:
    """Split `whole` in proportion to `weights`; the last part takes the pennies, so the
    parts sum exactly to the whole. All-zero weights put the whole in the last part."""
    if not weights:
        raise ValueError("nothing to apportion between")
    total_weight = sum(weights, ZERO)
    parts = []
    for weight in weights[:-1]:
        parts.append(round_money(whole * weight / total_weight, quantum) if total_weight else ZERO)
    parts.append(whole - sum(parts, ZERO))
    return parts
