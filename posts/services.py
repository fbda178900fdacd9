"""Write operations on plan lines. Small, keyword-only, each in one transaction."""

from __future__ import annotations

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
