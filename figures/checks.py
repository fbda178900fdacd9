"""Proving the stored figures: each line's stored rows against a fresh costing of it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from figures.costing import PlanCoster, lines_for_costing
from figures.models import FindingPart, FundingPart, LineFigures, LineYearFigure
from figures.services import COLUMNS, FIGURE_MODELS, figure_rows
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


def differences(plan: Plan) -> list[Difference]:
    """Every line of the plan whose stored figures are not what costing it now gives,
    and lines with figures stored but no longer in the plan."""
    coster = PlanCoster(plan)
    read = lines_for_costing(plan)
    stored: dict[type, dict[int, Counter]] = {}
    for model in FIGURE_MODELS:
        by_line: dict[int, Counter] = {}
        for row in model.objects.filter(plan=plan).values_list(*COLUMNS[model]):
            by_line.setdefault(row[0], Counter())[row] += 1
        stored[model] = by_line
    found = []
    for line in read.lines:
        fresh = figure_rows(plan.pk, line.pk, coster.printed(line, read), coster.years)
        for model in FIGURE_MODELS:
            if Counter(fresh[model]) != stored[model].get(line.pk, Counter()):
                found.append(Difference(line.pk, line.title, WHAT[model]))
    in_plan = {line.pk for line in read.lines}
    for model in FIGURE_MODELS:
        for line_id in sorted(set(stored[model]) - in_plan):
            found.append(Difference(line_id, "not in the plan", WHAT[model]))
    return found
