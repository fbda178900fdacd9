"""Write operations on plan lines. Small, keyword-only, each in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from figures.costing import PlanCoster, line_cost_error
from figures.services import recost_council, refiguring_lines
from funding.models import Allocation
from investplan.services import save_formsets
from posts.history import FieldChange, field_changes
from posts.models import AppendixImport, ImportStatus, PlanLine, SpinalSalary


# No savepoint when nested (in update_plan_line, add_plan_line): a ValidationError undoes
# the caller's whole transaction, which no caller goes on with, and a savepoint and its
# release were two more round trips a save.
@transaction.atomic(savepoint=False)
def save_plan_line(
    *,
    line: PlanLine | None = None,
    plan=None,
    findings=None,
    coster: PlanCoster | None = None,
    **fields,
) -> PlanLine:
    """Create a line (pass `plan`) or change one (pass `line`), validated by the same rules
    as the form; a ValidationError leaves nothing saved. `coster`: the plan's, read in
    this transaction (`LineChanges.coster`), to check the line against; else read here."""
    if line is None:
        line = PlanLine(plan=plan)
    held = {field: getattr(line, field.attname) for field in _FOREIGN_KEYS} if line.pk else {}
    _set_fields(line, fields)
    # clean() states every rule the table's check constraints hold, in the users' words
    # (tests/posts/test_line_validation.py proves it); checking the constraints again here
    # would cost a query each, and the database still holds them. Nor is a foreign key
    # the change leaves as it was looked up again (a query each): it was checked when it
    # was set, and the database's foreign key keeps it pointing at a row that exists.
    unchanged = [
        field.name for field, value in held.items() if getattr(line, field.attname) == value
    ]
    line.full_clean(exclude=unchanged, validate_constraints=False)
    # Costed against its plan: a missing salary is a clear message, not a 500.
    message = line_cost_error(line) if coster is None else coster.cost(line)[1]
    if message:
        raise ValidationError({"grade" if line.is_staff else "amount": message})
    line.save()
    if findings is not None:
        line.findings.set(findings)
    return line


_FOREIGN_KEYS = [field for field in PlanLine._meta.concrete_fields if field.many_to_one]


def _amount(money):
    return getattr(money, "amount", money)


def _set_fields(line: PlanLine, fields: dict) -> None:
    """Set `fields` on the line, and the FTE its cost is stated for. A stated annual cost
    is the cost at the FTE it was stated for (decision 0016): a cost typed now (new, or
    changed) is for the FTE the line has now, so changing only the FTE later scales it
    pro rata. A cost left as it was keeps the FTE it was stated for (where none was kept,
    the FTE the line had before this change); an importer or the demo may say which FTE
    outright."""
    stated_before, fte_before = _amount(line.stated_annual_cost), line.fte
    for field, value in fields.items():
        setattr(line, field, value)
    stated = _amount(line.stated_annual_cost)
    if stated is None:
        line.stated_cost_fte = None
    elif "stated_cost_fte" in fields and line.stated_cost_fte is not None:
        return
    elif stated != stated_before:
        line.stated_cost_fte = line.fte
    elif line.stated_cost_fte is None:
        line.stated_cost_fte = fte_before if fte_before is not None else line.fte


# -- No lost update, and every change on record ---------------------------------------
# A line's version is the id of its latest history record (django-simple-history): an
# editor saves against the version they read, and a save against an older one is refused.


class LineChangedElsewhere(Exception):
    """Someone saved the line after this editor read it; nothing was saved."""

    def __init__(self, *, who: str, when, changes: list[FieldChange]):
        self.who, self.when, self.changes = who, when, changes
        said = "; ".join(f"{c.field}: {c.old} → {c.new}" for c in changes) or "no field"
        at = timezone.localtime(when)
        super().__init__(
            f"{who} changed this line at {at:%H:%M on %-d %B %Y}: {said}. Nothing of yours "
            "was saved and nothing of theirs was overwritten."
        )


def line_version(line: PlanLine) -> int | None:
    return line.history.order_by("-history_id").values_list("history_id", flat=True).first()


def _locked_as_seen(line_id: int, seen_version: int | None) -> PlanLine:
    """The line, locked until the transaction ends, if nobody has saved it since the
    editor read it at `seen_version`; LineChangedElsewhere if somebody has."""
    # With what its rules (`PlanLine.clean`) read besides the grade, which the editor's
    # form hands over already read; only the line's own row is locked.
    line = (
        PlanLine.objects.select_for_update(of=("self",))
        .select_related("plan", "workstream", "team", "point")
        .get(pk=line_id)
    )
    if line_version(line) != seen_version:
        raise _changed_elsewhere(line, seen_version)
    return line


def _changed_elsewhere(line: PlanLine, seen_version: int | None) -> LineChangedElsewhere:
    latest = line.history.order_by("-history_id").select_related("history_user").first()
    who = latest.history_user.get_username() if latest.history_user else "an import or a script"
    seen = line.history.filter(history_id=seen_version).first() if seen_version else None
    changes = field_changes(PlanLine, latest, seen)
    return LineChangedElsewhere(who=who, when=latest.history_date, changes=changes)


@transaction.atomic
def update_plan_line(
    *, line_id: int, seen_version: int | None, user=None, findings=None, **fields
) -> PlanLine:
    """Change a line as an editor who read it at `seen_version`; LineChangedElsewhere if
    someone saved it since, naming who and what they changed."""
    line = PlanLine.objects.get(pk=line_id)
    if not _would_change(line, findings=findings, fields=fields):
        if line_version(line) != seen_version:
            raise _changed_elsewhere(line, seen_version)
        return line  # saved unchanged: nothing on record, the plan's revision unmoved
    # A change is checked against the version once, under the line's lock.
    with refiguring_lines(line.plan_id) as changes:
        line = _locked_as_seen(line_id, seen_version)
        line._history_user = user
        save_plan_line(line=line, findings=findings, coster=changes.coster, **fields)
        changes.saved.add(line.pk)
    return line


def _would_change(line: PlanLine, *, findings, fields: dict) -> bool:
    """Whether saving `fields` (and `findings`, unless None) changes anything stored of the
    line, the FTE its cost is stated for included. `fields` are set on `line`, a copy read
    for this question (a line saved unchanged is those values again)."""
    before = {field.attname: getattr(line, field.attname) for field in _CONCRETE}
    _set_fields(line, fields)
    if any(getattr(line, field.attname) != before[field.attname] for field in _CONCRETE):
        return True
    if findings is None:
        return False
    wanted = {getattr(finding, "pk", finding) for finding in findings}
    return wanted != set(line.findings.values_list("pk", flat=True))


_CONCRETE = PlanLine._meta.concrete_fields


@transaction.atomic
def revert_plan_line(*, line_id: int, to_version: int, seen_version: int | None, user=None):
    """Put a line back as it was at `to_version`, findings included. The revert is itself
    a change on record, so it can be reverted in turn."""
    line = _locked_as_seen(line_id, seen_version)
    record = line.history.get(history_id=to_version)
    earlier = record.instance
    earlier._state.adding = False  # the same line, saved again: an update, not a new one
    earlier._history_user = user
    earlier._change_reason = f"reverted to version {to_version}"
    with refiguring_lines(line.plan_id) as changes:
        earlier.full_clean()
        earlier.save()
        earlier.findings.set(_findings_at(record))
        changes.saved.add(earlier.pk)
    return earlier


def _findings_at(record) -> list[int]:
    return list(record.findings.values_list("finding_id", flat=True))


@transaction.atomic
def add_plan_line(*, plan, user=None, findings=None, **fields) -> PlanLine:
    """A new line at the end of the plan."""
    with refiguring_lines(plan.pk) as changes:
        last = PlanLine.objects.filter(plan=plan).aggregate(last=Max("position"))["last"]
        line = PlanLine(plan=plan, position=0 if last is None else last + 1)
        line._history_user = user
        save_plan_line(line=line, findings=findings, coster=changes.coster, **fields)
        changes.saved.add(line.pk)
    return line


@transaction.atomic
def duplicate_plan_line(*, line: PlanLine, user=None) -> PlanLine:
    """A copy of the line straight after it, with its findings and funding: the quick way
    to add a second post like the first. Imported-from marks stay with the original."""

    with refiguring_lines(line.plan_id) as changes:
        PlanLine.objects.filter(plan_id=line.plan_id, position__gt=line.position).update(
            position=F("position") + 1
        )
        copy = PlanLine.objects.get(pk=line.pk)
        findings = list(copy.findings.values_list("pk", flat=True))
        allocations = list(copy.allocations.all())
        copy.pk = None
        copy._state.adding = True
        copy.position = line.position + 1
        copy.title = f"{line.title} (copy)"[:300]
        copy.source_file = copy.source_sheet = ""
        copy.source_row = None
        copy._history_user = user
        copy._change_reason = f"duplicated from line {line.pk}"
        copy.save()
        copy.findings.set(findings)
        for allocation in allocations:
            allocation.pk = None
            allocation._state.adding = True
            allocation.line = copy
            allocation._history_user = user
            allocation.save()
        changes.saved.add(copy.pk)
    return copy


@dataclass(frozen=True)
class DeletedLine:
    line_id: int
    title: str


@transaction.atomic
def delete_plan_line(*, line: PlanLine, user=None) -> DeletedLine:
    """Delete a line, its findings links and funding. Nothing is lost: the history keeps
    the line, and `restore_plan_line` brings it back as it was."""
    with refiguring_lines(line.plan_id) as changes:
        line._history_user = user
        line_id, title = line.pk, line.title
        for allocation in line.allocations.all():
            allocation._history_user = user
            allocation._change_reason = _deleted_with(line_id)
            allocation.delete()
        line.delete()
        changes.removed.add(line_id)
    return DeletedLine(line_id, title)


def _deleted_with(line_id: int) -> str:
    return f"deleted with line {line_id}"


class CannotRestore(Exception):
    pass


@transaction.atomic
def restore_plan_line(*, plan, line_id: int, user=None) -> PlanLine:
    """Undo a delete: the line back as it was just before, with its findings and its
    funding, under its old id (so its history continues)."""

    # Asked of this plan's lines only: a line id of another council's plan is answered as
    # one that never existed, not "has not been deleted".
    if PlanLine.objects.filter(pk=line_id, plan=plan).exists():
        raise CannotRestore("This line has not been deleted.")
    records = PlanLine.history.filter(id=line_id, plan_id=plan.pk).order_by("-history_id")
    deletion = records.first()
    if deletion is None or deletion.history_type != "-":
        raise CannotRestore("There is no deleted line to bring back.")
    before = records.exclude(history_type="-").first()
    with refiguring_lines(plan.pk) as changes:
        line = deletion.instance
        line._state.adding = True
        line._history_user = user
        line._change_reason = "deletion undone"
        line.save(force_insert=True)
        if before is not None:
            line.findings.set(_findings_at(before))
        # The allocations deleted with the line (not any removed before it).
        for record in Allocation.history.filter(
            line_id=line_id,
            history_type="-",
            history_change_reason=_deleted_with(line_id),
            history_date__gte=deletion.history_date - timedelta(minutes=1),
        ):
            if Allocation.objects.filter(pk=record.id).exists():
                continue
            allocation = record.instance
            allocation._state.adding = True
            allocation._history_user = user
            allocation.save(force_insert=True)
        changes.saved.add(line.pk)
    return line


@transaction.atomic
def set_salaries(*, salaries: dict) -> bool:
    """The salary at each spinal point each year: `salaries` maps (point id, year) to
    pounds, or to None where the spine has no salary that year. Whether any moved."""
    moved = False
    for (point_id, year), salary in salaries.items():
        found = SpinalSalary.objects.filter(point_id=point_id, financial_year=year).first()
        if salary is None:
            if found is not None:
                found.delete()
                moved = True
        elif found is None:
            SpinalSalary.objects.create(point_id=point_id, financial_year=year, salary=salary)
            moved = True
        elif found.salary.amount != salary:
            found.salary = salary
            found.save()
            moved = True
    return moved


@transaction.atomic
def save_pay_scale(*, user, organisation, forms, salaries: dict) -> bool:
    """A pay scale's points, grades and salaries saved as one change; the council's plans
    costed again if any of it moved."""
    moved = save_formsets(user=user, forms=forms)
    moved = set_salaries(salaries=salaries) or moved
    if moved:
        recost_council(organisation_id=organisation.pk)
    return moved


# How long an upload that was previewed but never imported is kept, to come back to.
PREVIEWS_KEPT = timedelta(days=7)


@transaction.atomic
def keep_preview(*, preview: AppendixImport) -> AppendixImport:
    """Keep an uploaded appendix to preview and import, and let go of the council's
    previews nobody imported within PREVIEWS_KEPT: each holds its file (up to 10 MB),
    which would otherwise stay in the database, and in every council file, for ever."""
    AppendixImport.objects.filter(
        organisation=preview.organisation,
        status=ImportStatus.PREVIEWED,
        created_at__lt=timezone.now() - PREVIEWS_KEPT,
    ).delete()
    preview.save()
    return preview
