"""Write operations on plan lines. Small, keyword-only, each in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from posts.models import PlanLine


@transaction.atomic
def save_plan_line(*, line: PlanLine | None = None, plan=None, findings=None, **fields) -> PlanLine:
    """Create a line (pass `plan`) or change one (pass `line`), validated by the same rules
    as the form; a ValidationError leaves nothing saved."""
    if line is None:
        line = PlanLine(plan=plan)
    for field, value in fields.items():
        setattr(line, field, value)
    line.full_clean()
    line.save()
    if findings is not None:
        line.findings.set(findings)
    return line


# -- No lost update, and every change on record ---------------------------------------
# A line's version is the id of its latest history record (django-simple-history): an
# editor saves against the version they read, and a save against an older one is refused.


@dataclass(frozen=True)
class FieldChange:
    field: str  # the field's label, in the users' words
    old: object
    new: object


class LineChangedElsewhere(Exception):
    """Someone saved the line after this editor read it; nothing was saved."""

    def __init__(self, *, who: str, when, changes: list[FieldChange]):
        self.who, self.when, self.changes = who, when, changes
        said = "; ".join(f"{c.field}: {c.old} → {c.new}" for c in changes) or "no field"
        super().__init__(f"{who} changed this line at {when:%H:%M on %d %B %Y}: {said}")


def line_version(line: PlanLine) -> int | None:
    return line.history.order_by("-history_id").values_list("history_id", flat=True).first()


def _locked_as_seen(line_id: int, seen_version: int | None) -> PlanLine:
    """The line, locked until the transaction ends, if nobody has saved it since the
    editor read it at `seen_version`; LineChangedElsewhere if somebody has."""
    line = PlanLine.objects.select_for_update().get(pk=line_id)
    if line_version(line) != seen_version:
        raise _changed_elsewhere(line, seen_version)
    return line


def _changed_elsewhere(line: PlanLine, seen_version: int | None) -> LineChangedElsewhere:
    latest = line.history.order_by("-history_id").select_related("history_user").first()
    who = str(latest.history_user) if latest.history_user else "an import or a script"
    changes = []
    seen = line.history.filter(history_id=seen_version).first() if seen_version else None
    if seen is not None:
        for change in latest.diff_against(seen).changes:
            label = PlanLine._meta.get_field(change.field).verbose_name
            changes.append(FieldChange(str(label), change.old, change.new))
    return LineChangedElsewhere(who=who, when=latest.history_date, changes=changes)


@transaction.atomic
def update_plan_line(
    *, line_id: int, seen_version: int | None, user=None, findings=None, **fields
) -> PlanLine:
    """Change a line as an editor who read it at `seen_version`; LineChangedElsewhere if
    someone saved it since, naming who and what they changed."""
    line = _locked_as_seen(line_id, seen_version)
    line._history_user = user
    return save_plan_line(line=line, findings=findings, **fields)


@transaction.atomic
def revert_plan_line(*, line_id: int, to_version: int, seen_version: int | None, user=None):
    """Put a line back as it was at `to_version`. The revert is itself a change on record,
    so it can be reverted in turn."""
    line = _locked_as_seen(line_id, seen_version)
    earlier = line.history.get(history_id=to_version).instance
    earlier._state.adding = False  # the same line, saved again: an update, not a new one
    earlier._history_user = user
    earlier._change_reason = f"reverted to version {to_version}"
    earlier.full_clean()
    earlier.save()
    return earlier
