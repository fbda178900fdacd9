"""Proving the stored figures: each line's stored rows against a fresh costing of it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from figures.costing import PlanCoster, lines_for_costing
from figures.models import FindingPart, FundingPart, LineFigures, LineYearFigure
from figures.services import FIGURE_MODELS, figure_rows
from investplan.models import Plan

WHAT = {
    LineFigures: "its FTE, full-year effect or notes",
    LineYearFigure: "its cost by year",
    FundingPart: "its parts by funding source",
    FindingPart: "its parts by finding",
}


@dataclass(frozen=True)
class Difference:
    line_id: int
    title: str
    what: str

    def __str__(self):
        return f"line {self.line_id} ({self.title}): {self.what} differ from a fresh costing"


def _counted(rows: list[dict], names: list[str]) -> Counter:
    return Counter(tuple(row[name] for name in names) for row in rows)


def differences(plan: Plan) -> list[Difference]:
    """Every line of the plan whose stored figures are not what costing it now gives,
    and lines with figures stored but no longer in the plan (or none stored)."""
    coster = PlanCoster(plan)
    found = []
    stored: dict[type, dict[int, list[dict]]] = {}
    names: dict[type, list[str]] = {}
    for model in FIGURE_MODELS:
        names[model] = [
            field.attname
            for field in model._meta.concrete_fields
            if not (field.primary_key and model is not LineFigures)
        ]
        by_line: dict[int, list[dict]] = {}
        for row in model.objects.filter(plan=plan).values(*names[model]):
            by_line.setdefault(row["line_id"], []).append(row)
        stored[model] = by_line
    seen = set()
    for line in lines_for_costing(plan):
        seen.add(line.pk)
        fresh = figure_rows(plan.pk, line.pk, coster.printed(line), coster.years)
        for model in FIGURE_MODELS:
            if _counted(fresh[model], names[model]) != _counted(
                stored[model].get(line.pk, []), names[model]
            ):
                found.append(Difference(line.pk, line.title, WHAT[model]))
    for model in FIGURE_MODELS:
        for line_id in sorted(set(stored[model]) - seen):
            found.append(Difference(line_id, "not in the plan", WHAT[model]))
    return found
