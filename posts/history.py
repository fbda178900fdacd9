"""Every change on record, read: who changed which field of which line, allocation,
assumption or pay award, when, from what to what. The records are django-simple-history's;
this module puts them in the users' words, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import models

from funding.models import Allocation
from investplan.models import Assumptions, PayAward, financial_year_label
from posts.models import PlanLine

HISTORY_TYPES = {"+": "Added", "~": "Changed", "-": "Deleted"}
UNTRACKED = {"id", "plan", "revision"}


@dataclass(frozen=True)
class FieldChange:
    field: str  # the field's label, in the users' words
    old: str
    new: str


@dataclass
class Change:
    """One record: something added, changed or deleted, by whom and when."""

    kind: str  # "line", "allocation", "assumptions", "pay award"
    subject: str  # what it was: the line's title, "Assumptions", ...
    line_id: int | None
    version: int  # the record's id: what a revert goes back to
    when: datetime
    who: str
    action: str  # Added, Changed, Deleted
    reason: str
    fields: list[FieldChange] = field(default_factory=list)


def shown(model: type[models.Model], name: str, value) -> str:
    """A stored value as a person reads it."""
    if value is None or value == "" or value == []:
        return "—"
    try:
        model_field = model._meta.get_field(name)
    except Exception:
        model_field = None
    if isinstance(model_field, models.ManyToManyField):
        ids = [row.get(model_field.m2m_reverse_field_name()) for row in value]
        related = {obj.pk: str(obj) for obj in model_field.related_model.objects.filter(pk__in=ids)}
        return "; ".join(related.get(pk, f"(deleted, id {pk})") for pk in ids) or "—"
    if isinstance(model_field, models.ForeignKey):
        found = model_field.related_model.objects.filter(pk=value).first()
        return str(found) if found is not None else f"(deleted, id {value})"
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field is not None and model_field.name == "financial_year":
        return financial_year_label(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal):
        return f"{value.normalize():,f}"
    if isinstance(value, date):
        return f"{value:%-d %b %Y}"
    return str(value)


def label_of(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name).capitalize().replace("Fte", "FTE")
    except Exception:
        return name


def field_changes(model, record, previous) -> list[FieldChange]:
    if previous is None:
        return []
    delta = record.diff_against(previous, foreign_keys_are_objs=False)
    return [
        FieldChange(
            label_of(model, change.field),
            shown(model, change.field, change.old),
            shown(model, change.field, change.new),
        )
        for change in delta.changes
        if change.field not in UNTRACKED
    ]


def _who(record) -> str:
    user = record.history_user
    return user.get_username() if user is not None else "an import or a script"


def _change(kind, subject, line_id, record, previous, model) -> Change:
    return Change(
        kind=kind,
        subject=subject,
        line_id=line_id,
        version=record.history_id,
        when=record.history_date,
        who=_who(record),
        action=HISTORY_TYPES.get(record.history_type, record.history_type),
        reason=record.history_change_reason or "",
        fields=field_changes(model, record, previous),
    )


def line_changes(line_id: int, plan) -> list[Change]:
    """A line's history, newest first, its funding's changes among them."""
    records = list(
        PlanLine.history.filter(id=line_id, plan_id=plan.pk)
        .select_related("history_user")
        .order_by("history_id")
    )
    changes = []
    previous = None
    for record in records:
        changes.append(_change("line", record.title, line_id, record, previous, PlanLine))
        previous = record
    changes.extend(_allocation_changes(Allocation.history.filter(line_id=line_id), {}))
    return sorted(changes, key=lambda change: change.when, reverse=True)


def _allocation_changes(queryset, titles: dict[int, str]) -> list[Change]:
    changes = []
    latest: dict[int, object] = {}
    for record in queryset.select_related("history_user").order_by("history_id"):
        previous = latest.get(record.id)
        title = titles.get(record.line_id, "")
        source = shown(Allocation, "source", record.source_id)
        subject = f"Funding from {source}" + (f" for “{title}”" if title else "")
        changes.append(_change("allocation", subject, record.line_id, record, previous, Allocation))
        latest[record.id] = record
    return changes


class PlanChanges:
    """A plan's history, newest first, read a page at a time (the Paginator's slices):
    only the records on the page, and the record before each, are loaded."""

    SOURCES = (
        ("line", PlanLine),
        ("allocation", Allocation),
        ("assumptions", Assumptions),
        ("pay award", PayAward),
    )

    def __init__(self, plan):
        self.plan = plan
        line_ids = PlanLine.history.filter(plan_id=plan.pk).values("id")
        assumption_ids = Assumptions.history.filter(plan_id=plan.pk).values("id")
        self.querysets = {
            "line": PlanLine.history.filter(plan_id=plan.pk),
            "allocation": Allocation.history.filter(line_id__in=line_ids),
            "assumptions": Assumptions.history.filter(plan_id=plan.pk),
            "pay award": PayAward.history.filter(assumptions_id__in=assumption_ids),
        }
        self._index: list[tuple] | None = None

    def _entries(self) -> list[tuple]:
        if self._index is None:
            entries = []
            for kind, queryset in self.querysets.items():
                entries.extend(
                    (when, kind, history_id)
                    for when, history_id in queryset.values_list("history_date", "history_id")
                )
            entries.sort(reverse=True)
            self._index = entries
        return self._index

    def count(self) -> int:
        return len(self._entries())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        entries = self._entries()[index]
        if not isinstance(index, slice):
            entries = [entries]
        wanted: dict[str, list[int]] = {}
        for _, kind, history_id in entries:
            wanted.setdefault(kind, []).append(history_id)
        built = {}
        models_by_kind = dict(self.SOURCES)
        for kind, ids in wanted.items():
            model = models_by_kind[kind]
            history = model.history.model
            records = history.objects.filter(history_id__in=ids).select_related("history_user")
            for record in records:
                previous = (
                    history.objects.filter(id=record.id, history_id__lt=record.history_id)
                    .order_by("-history_id")
                    .first()
                )
                built[(kind, record.history_id)] = self._describe(kind, model, record, previous)
        changes = [built[(kind, history_id)] for _, kind, history_id in entries]
        return changes if isinstance(index, slice) else changes[0]

    def _describe(self, kind, model, record, previous) -> Change:
        if kind == "line":
            return _change(kind, record.title, record.id, record, previous, model)
        if kind == "allocation":
            title = (
                PlanLine.history.filter(id=record.line_id)
                .order_by("-history_id")
                .values_list("title", flat=True)
                .first()
            )
            source = shown(Allocation, "source", record.source_id)
            subject = f"Funding from {source} for “{title}”"
            return _change(kind, subject, record.line_id, record, previous, model)
        if kind == "pay award":
            subject = f"Pay award {financial_year_label(record.financial_year)}"
            return _change(kind, subject, None, record, previous, model)
        return _change(kind, "Assumptions", None, record, previous, model)


def plan_changes(plan) -> PlanChanges:
    return PlanChanges(plan)
