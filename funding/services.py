"""Write operations on funding: a line's allocations, what sources have each year."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from figures.costs.money import HUNDRED, POUND, ZERO, round_money
from figures.services import refiguring_lines
from funding.models import FundingAvailability


@transaction.atomic
def save_allocations(*, line, formset, user=None) -> None:
    """Save a line's allocations as one change: all of them, or none."""
    with refiguring_lines(line.plan_id) as changes:
        saved = formset.save(commit=False)
        # Rows taken out first: a source replacing another that paid all of it would
        # otherwise take the line over 100% for a moment, which the database refuses.
        for allocation in formset.deleted_objects:
            allocation._history_user = user
            allocation.delete()
        for allocation in saved:
            allocation._history_user = user
            allocation.save()
        changes.saved.add(line.pk)


@dataclass(frozen=True)
class Remainder:
    """What the sources pay of a line's annual cost, and what is left to find."""

    annual_cost: Decimal
    percent: Decimal
    fixed: Decimal
    allocated: Decimal
    remainder: Decimal


def remainder_of(annual_cost: Decimal, shares) -> Remainder:
    """`shares` are (percent or None, amount or None): whole pounds of a full year, split
    so the allocated part and the remainder add up to the annual cost exactly."""
    annual = round_money(annual_cost, POUND)
    percent = sum((p for p, _ in shares if p is not None), ZERO)
    fixed = sum((a for _, a in shares if a is not None), ZERO)
    allocated = round_money(annual * percent / HUNDRED, POUND) + round_money(fixed, POUND)
    return Remainder(annual, percent, fixed, allocated, annual - allocated)


@transaction.atomic
def set_availability(*, amounts: dict) -> None:
    """What each source has each year: `amounts` maps (source id, year) to pounds, or to
    None to say it has nothing recorded for that year."""
    for (source_id, year), amount in amounts.items():
        if amount is None:
            for found in FundingAvailability.objects.filter(
                source_id=source_id, financial_year=year
            ):
                found.delete()
            continue
        found = FundingAvailability.objects.filter(source_id=source_id, financial_year=year).first()
        if found is None:
            FundingAvailability.objects.create(
                source_id=source_id, financial_year=year, amount=amount
            )
        elif found.amount.amount != amount:
            found.amount = amount
            found.save()
