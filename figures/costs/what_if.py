"""What-if on a plan's assumptions: the same lines costed on another pay award or on-cost
rate, without touching the lines or the plan's own assumptions. No Django here."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from figures.costs.engine import Assumptions, FlatOnCost, PayAward
from figures.costs.money import HUNDRED


@dataclass(frozen=True, slots=True)
class WhatIf:
    """Percentages as typed: a pay award of 2 is 2% each April, an on-cost of 25 is 25%."""

    pay_award_percent: Decimal | None = None
    flat_on_cost_percent: Decimal | None = None

    @property
    def changes_anything(self) -> bool:
        return self.pay_award_percent is not None or self.flat_on_cost_percent is not None

    def describe(self) -> str:
        parts = []
        if self.pay_award_percent is not None:
            parts.append(f"a {self.pay_award_percent.normalize():f}% pay award each April")
        if self.flat_on_cost_percent is not None:
            parts.append(f"on-costs of {self.flat_on_cost_percent.normalize():f}% of pay")
        return " and ".join(parts) or "no change"

    def applied_to(self, assumptions: Assumptions) -> Assumptions:
        """The assumptions with this what-if in place.

        A what-if pay award replaces every award of the plan's years that is not yet agreed
        (an agreed award is a fact, not an assumption); awards before the plan are history
        and stay. A what-if on-cost rate replaces the on-cost method with that flat rate."""
        changed = assumptions
        if self.pay_award_percent is not None:
            rate = self.pay_award_percent / HUNDRED
            awards = dict(assumptions.pay_awards)
            for year in assumptions.years:
                if not (year in awards and awards[year].agreed):
                    awards[year] = PayAward(rate, agreed=False)
            changed = replace(changed, pay_awards=awards)
        if self.flat_on_cost_percent is not None:
            changed = replace(changed, on_cost=FlatOnCost(self.flat_on_cost_percent / HUNDRED))
        return changed
