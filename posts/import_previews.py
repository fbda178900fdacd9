"""An import's preview, read once and kept with the previewed file: loading the preview
again shows what was kept, and the file is read again only when something the reading
depends on has moved since (the years or columns chosen, the plan, the council's reference data
or remembered mappings, the date), so a large file costs its reading once, not per view."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.utils import timezone

from figures.costs.financial_year import FinancialYear
from investplan.models import Organisation, Plan
from posts.appendix.log import LoggedRow
from posts.appendix.reading import UnreadableFile
from posts.appendix.rows import ERROR
from posts.appendix.years import years_label
from posts.models import ColumnMapping


def reading_state(organisation: Organisation, preview, years_text: str) -> str:
    """What the preview's reading depends on besides the file, written out: the preview
    kept with the file was read against exactly these facts."""
    plan = (
        Plan.objects.filter(organisation=organisation, slug=preview.plan_slug)
        .values_list("pk", "revision", "status", "archived_at", "first_year", "last_year")
        .first()
    )
    facts = {
        "years": years_text,
        "sheet": preview.sheet,
        "corrections": preview.corrections,
        "plan": plan,
        "council": Organisation.objects.filter(pk=organisation.pk)
        .values_list("revision", flat=True)
        .first(),
        "mappings": sorted(
            ColumnMapping.objects.filter(organisation=organisation).values_list("header", "field")
        ),
        "today": timezone.localdate(),  # a new plan with no years named starts this year
    }
    return json.dumps(facts, default=str, sort_keys=True)


@dataclass
class KeptColumns:
    labels: dict[int, str]
    fields: dict[int, str]
    reasons: list[str]


@dataclass
class KeptPreview:
    """The dry run's report as the preview page reads it, from what was kept."""

    sheet: str
    columns: KeptColumns | None
    rows: list[LoggedRow]
    counts: dict[str, int]
    warnings: list[str]
    reconciliation: list[str]
    years: tuple[FinancialYear, FinancialYear] | None
    years_reason: str
    created_plan: bool
    lines: int
    sources: int
    state: str = ""
    error: str = ""
    new_plan_slug: str = ""  # the address a new plan takes (the one asked for, cut to length)

    @property
    def has_errors(self) -> bool:
        return self.counts.get(ERROR, 0) > 0

    @property
    def years_label(self) -> str:
        return years_label(self.years) if self.years else ""

    def as_json(self) -> dict:
        columns = self.columns
        return {
            "state": self.state,
            "error": self.error,
            "sheet": self.sheet,
            "columns": None
            if columns is None
            else {
                "labels": {str(key): value for key, value in columns.labels.items()},
                "fields": {str(key): value for key, value in columns.fields.items()},
                "reasons": columns.reasons,
            },
            "rows": [
                [row.number, row.outcome, row.messages, row.warnings, row.summary, row.sheet]
                for row in self.rows
            ],
            "counts": self.counts,
            "warnings": self.warnings,
            "reconciliation": self.reconciliation,
            "years": [year.start_year for year in self.years] if self.years else None,
            "years_reason": self.years_reason,
            "created_plan": self.created_plan,
            "new_plan_slug": self.new_plan_slug,
            "lines": self.lines,
            "sources": self.sources,
        }

    @classmethod
    def from_json(cls, kept: dict) -> KeptPreview:
        columns = kept["columns"]
        return cls(
            state=kept["state"],
            error=kept["error"],
            sheet=kept["sheet"],
            columns=None
            if columns is None
            else KeptColumns(
                labels={int(key): value for key, value in columns["labels"].items()},
                fields={int(key): value for key, value in columns["fields"].items()},
                reasons=columns["reasons"],
            ),
            rows=[
                LoggedRow(number, outcome, tuple(messages), tuple(warnings), summary, sheet)
                for number, outcome, messages, warnings, summary, sheet in kept["rows"]
            ],
            counts=kept["counts"],
            warnings=kept["warnings"],
            reconciliation=kept["reconciliation"],
            years=tuple(FinancialYear(year) for year in kept["years"]) if kept["years"] else None,
            years_reason=kept["years_reason"],
            created_plan=kept["created_plan"],
            new_plan_slug=kept.get("new_plan_slug", ""),
            lines=kept["lines"],
            sources=kept["sources"],
        )

    @classmethod
    def of_report(cls, report, state: str) -> KeptPreview:
        columns = report.columns
        return cls(
            state=state,
            sheet=report.sheet,
            columns=None
            if columns is None
            else KeptColumns(dict(columns.labels), dict(columns.fields), list(columns.reasons)),
            rows=list(report.rows),  # read back from the row log, as the page reads them
            counts=report.counts,
            warnings=list(report.warnings),
            reconciliation=list(report.reconciliation),
            years=report.years,
            years_reason=report.years_reason,
            created_plan=report.created_plan,
            new_plan_slug=report.new_plan_slug,
            lines=report.lines,
            sources=report.sources,
        )

    @classmethod
    def of_problem(cls, problem: str, state: str) -> KeptPreview:
        return cls("", None, [], {}, [], [], None, "", False, 0, 0, state=state, error=problem)


def kept_preview(organisation, preview, years_text: str, read) -> KeptPreview:
    """The preview kept with the file if nothing its reading depends on has moved since;
    else `read()` (the dry run, which may raise UnreadableFile) is kept and returned."""
    state = reading_state(organisation, preview, years_text)
    kept = preview.report or {}
    if kept.get("state") == state:
        return KeptPreview.from_json(kept)
    try:
        fresh = KeptPreview.of_report(read(), state)
    except UnreadableFile as problem:
        fresh = KeptPreview.of_problem(str(problem), state)
    if preview.pk is not None:
        type(preview).objects.filter(pk=preview.pk).update(report=fresh.as_json())
    preview.report = fresh.as_json()
    return fresh
