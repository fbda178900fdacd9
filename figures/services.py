"""Writing a plan's stored figures, in the same transaction as the change that moves them
(decision 0020): a line saved, added, copied, reverted or restored, its allocations or
findings; an import batch; a scenario copied (figures copied in SQL, not costed again);
and, plan-wide, a change to the plan's assumptions or years, or to its council's pay
scales, grades or funding sources' end dates."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connection, transaction
from django.db.models import F
from django_tasks import task

from figures.costing import LinesToCost, PlanCoster, lines_for_costing
from figures.costs.money import ZERO
from figures.costs.printed import PrintedLine
from figures.models import FindingPart, FundingPart, LineFigures, LineYearFigure, PlanFigures
from investplan.bulk import insert_values
from investplan.models import Plan
from posts.models import PlanLine

logger = logging.getLogger(__name__)

# Plans up to this many lines are recosted in the request that changes them (about a
# second at most, docs/performance.md); larger ones by the background worker.
RECOST_IN_REQUEST = 2_000

FIGURE_MODELS = (LineYearFigure, FundingPart, FindingPart, LineFigures)
GBP = "GBP"


# The columns stored for each model, in the order `figure_rows` gives them; every money
# column is in pounds sterling (django-money's currency column beside it).
COLUMNS = {
    LineFigures: (
        "line_id",
        "plan_id",
        "fte",
        "full_year_in_pounds",
        "full_year_in_pounds_currency",
        "full_year_exact",
        "salary_in_pounds",
        "salary_in_pounds_currency",
        "computed_full_year_in_pounds",
        "computed_full_year_in_pounds_currency",
        "stated_difference_in_pounds",
        "stated_difference_in_pounds_currency",
        "stated_differs",
        "error",
    ),
    LineYearFigure: (
        "line_id",
        "plan_id",
        "financial_year",
        "cost_in_pounds",
        "cost_in_pounds_currency",
        "forecast_in_pounds",
        "forecast_in_pounds_currency",
        "agency_premium",
        "agency_premium_currency",
        "recruitment",
        "recruitment_currency",
        "retention",
        "retention_currency",
        "vacancy_factor",
        "vacancy_factor_currency",
        "agency_cover_in_pounds",
        "agency_cover_in_pounds_currency",
    ),
    FundingPart: (
        "line_id",
        "plan_id",
        "source_id",
        "financial_year",
        "fte",
        "cost_in_pounds",
        "cost_in_pounds_currency",
        "cliff_in_pounds",
        "cliff_in_pounds_currency",
    ),
    FindingPart: (
        "line_id",
        "plan_id",
        "finding_id",
        "financial_year",
        "fte",
        "cost_in_pounds",
        "cost_in_pounds_currency",
    ),
}


def figure_rows(plan_id: int, line_id: int, printed: PrintedLine, years) -> dict[type, list]:
    """The rows stored for one line's printed figures, by model, as tuples of COLUMNS."""
    figures = printed.figures
    rows: dict[type, list] = {
        LineFigures: [
            (
                line_id,
                plan_id,
                figures.fte,
                figures.full_year,
                GBP,
                printed.full_year_exact,
                printed.salary,
                GBP,
                printed.computed_full_year,
                GBP,
                printed.stated_difference,
                GBP,
                printed.stated_differs,
                printed.error,
            )
        ],
        LineYearFigure: [],
        FundingPart: [],
        FindingPart: [],
    }
    # A year in which the line's figures are all nothing has no row: most posts run for
    # one or two of a plan's five years, and every page adds absent years as nothing.
    year_rows = rows[LineYearFigure]
    for year in years:
        agency, recruitment, retention, vacancy = printed.true_cost[year]
        cost, forecast = figures.years[year], printed.forecast[year]
        cover = printed.agency_cover.get(year, ZERO)
        if not (cost or forecast or agency or recruitment or retention or vacancy or cover):
            continue
        year_rows.append(
            (
                line_id,
                plan_id,
                year.start_year,
                cost,
                GBP,
                forecast,
                GBP,
                agency,
                GBP,
                recruitment,
                GBP,
                retention,
                GBP,
                vacancy,
                GBP,
                cover,
                GBP,
            )
        )
    funding_rows = rows[FundingPart]
    for part in printed.funding:
        cliff = part.cliff or {}
        share = part.figures
        funding_rows.append(
            (
                line_id,
                plan_id,
                part.key,
                None,
                share.fte,
                share.full_year,
                GBP,
                cliff.get(None),
                GBP,
            )
        )
        funding_rows.extend(
            (
                line_id,
                plan_id,
                part.key,
                year.start_year,
                ZERO,
                share.years[year],
                GBP,
                cliff.get(year),
                GBP,
            )
            for year in years
            if share.years[year] or cliff.get(year)
        )
    finding_rows = rows[FindingPart]
    for part in printed.findings:
        share = part.figures
        finding_rows.append((line_id, plan_id, part.key, None, share.fte, share.full_year, GBP))
        finding_rows.extend(
            (line_id, plan_id, part.key, year.start_year, ZERO, share.years[year], GBP)
            for year in years
            if share.years[year]
        )
    return rows


def _store(plan: Plan, read: LinesToCost, coster: PlanCoster) -> int:
    every: dict[type, list] = {model: [] for model in FIGURE_MODELS}
    for line in read.lines:
        printed = coster.printed(line, read)
        for model, rows in figure_rows(plan.pk, line.pk, printed, coster.years).items():
            every[model].extend(rows)
    for model in (LineFigures, LineYearFigure, FundingPart, FindingPart):
        insert_values(model, COLUMNS[model], every[model])
    return len(read.lines)


def _forget(**where) -> None:
    for model in FIGURE_MODELS:
        model.objects.filter(**where).delete()


# No savepoint when nested (in `refiguring_lines`, at the end of a change): a failure
# undoes the change's whole transaction, and a savepoint was two more round trips.
@transaction.atomic(savepoint=False)
def refigure_lines(*, plan: Plan, line_ids: Iterable[int], coster: PlanCoster | None = None) -> int:
    """Work out and store again the figures of these lines of the plan (those still in it);
    how many were stored. `coster`: the plan's, if the caller has read it in this
    transaction already."""
    line_ids = sorted(set(line_ids))
    if not line_ids:
        return 0
    _forget(line_id__in=line_ids)
    return _store(plan, lines_for_costing(plan, line_ids), coster or PlanCoster(plan))


@transaction.atomic
def store_figures(*, plan: Plan, read: LinesToCost, coster: PlanCoster, replacing=()) -> int:
    """Store the figures of lines held in memory as they have just been saved, with their
    allocations and findings (an import batch: nothing is read back, and one coster serves
    the whole import); `replacing`, the ids of those that had figures before. How many
    lines were stored."""
    if replacing:
        _forget(line_id__in=replacing)
    return _store(plan, read, coster)


@transaction.atomic
def refigure_plan(*, plan: Plan) -> int:
    """Work out and store again the figures of every line of the plan, as after a change
    to its assumptions; how many lines."""
    # The plan as stored now: a caller's may hold assumptions read before the change (the
    # assumptions page reads the plan with them, then saves another copy of them).
    plan = Plan.objects.get(pk=plan.pk)
    _forget(plan=plan)
    count = _store(plan, lines_for_costing(plan), PlanCoster(plan))
    PlanFigures.objects.filter(plan=plan).update(done=F("wanted"))
    return count


@dataclass
class LineChanges:
    """The lines a change saved, to refigure as it commits (deleted lines' figures go with
    them)."""

    plan_id: int
    saved: set[int] = field(default_factory=set)
    removed: set[int] = field(default_factory=set)

    @cached_property
    def coster(self) -> PlanCoster:
        """The plan, its assumptions and its council's pay scales, read once in the
        change's transaction, after the plan's row is locked: what a save checks a line
        can be costed against, and what its figures are worked out with at the end.
        Nothing plan-wide changes inside `refiguring_lines`, so it is the same both times."""
        return PlanCoster(Plan.objects.get(pk=self.plan_id))


@contextmanager
def refiguring_lines(plan_id: int) -> Iterator[LineChanges]:
    """Around a change to some of a plan's lines, inside its transaction: the plan's row is
    locked first (by moving its revision, which also keys its printed PDFs), so changes to
    one plan follow one another; the lines saved are refigured before it commits."""
    if not connection.in_atomic_block:
        raise RuntimeError("refiguring_lines needs a transaction")
    Plan.bump_revision(plan_id)
    changes = LineChanges(plan_id)
    yield changes
    if changes.saved:
        coster = changes.coster
        refigure_lines(plan=coster.plan, line_ids=changes.saved, coster=coster)


@transaction.atomic
def recost_plans(*, plans: Iterable[Plan]) -> list[Plan]:
    """After a plan-wide change (assumptions, years, a pay award, the council's spine or
    grades, a source's end date): each plan of up to RECOST_IN_REQUEST lines is recosted
    now; each larger one is marked as recalculating and recosted by the background worker
    once the change commits. The plans left to the worker."""
    later = []
    for plan in plans:
        lines = PlanLine.objects.filter(plan=plan).count()
        if lines <= RECOST_IN_REQUEST:
            refigure_plan(plan=plan)
            continue
        state, _ = PlanFigures.objects.get_or_create(plan=plan)
        PlanFigures.objects.filter(pk=state.pk).update(wanted=F("wanted") + 1)
        later.append(plan)
    if later:
        ids = [plan.pk for plan in later]
        transaction.on_commit(lambda: [recost_plan_later.enqueue(plan_id) for plan_id in ids])
    return later


@task()
def recost_plan_later(plan_id: int) -> None:
    """A large plan recosted by the background worker (`manage.py db_worker`)."""
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is not None:  # deleted meanwhile: nothing to recost
        refigure_plan(plan=plan)


def recost_council(*, organisation_id: int) -> list[Plan]:
    """`recost_plans` for every plan of the council: its pay scales, grades or funding
    sources changed."""
    return recost_plans(plans=Plan.objects.filter(organisation_id=organisation_id))


@transaction.atomic
def copy_figures(*, plan: Plan, copied: dict[int, int]) -> None:
    """Store for lines copied into `plan` the figures of the lines they were copied from
    (`copied` maps each original line's id to its copy's), in SQL: a copy with the same
    facts under the same assumptions has the same figures."""
    if not copied:
        return
    quote = connection.ops.quote_name
    pairs = sorted(copied.items())
    with connection.cursor() as cursor:
        for model in (LineFigures, LineYearFigure, FundingPart, FindingPart):
            columns = [
                field.column
                for field in model._meta.concrete_fields
                if not (field.primary_key and model is not LineFigures)
                and field.column not in ("line_id", "plan_id")
            ]
            names = ", ".join(quote(column) for column in columns)
            chosen = ", ".join(f"figure.{quote(column)}" for column in columns)
            table = quote(model._meta.db_table)
            for start in range(0, len(pairs), 400):
                chunk = pairs[start : start + 400]
                mapping = " UNION ALL ".join(["SELECT %s AS old_id, %s AS new_id"] * len(chunk))
                cursor.execute(
                    f"INSERT INTO {table} ({quote('line_id')}, {quote('plan_id')}, {names}) "
                    f"SELECT copied.new_id, %s, {chosen} FROM {table} figure "
                    f"JOIN ({mapping}) copied ON figure.{quote('line_id')} = copied.old_id",
                    [plan.pk, *(value for pair in chunk for value in pair)],
                )
