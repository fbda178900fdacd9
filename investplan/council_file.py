"""A council's data as one file: everything it has entered and everything worked out from
it, so it can leave an installation and come back into an empty one (issue 18, point 5).

The file is Django's own JSON serialisation of each table's rows, scoped to the council,
with a header saying what it is. People are written by their usernames (Django's natural
keys), so a restored installation's own first superuser never collides with them; every
other row keeps its primary key, so links between rows, and the history's links to the
rows it records, come back as they were.

The file holds the council's people's password hashes, as a database backup does: keep it
as safely as one.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Model, QuerySet

from investplan.models import Organisation

FORMAT = "investplan-council"
VERSION = 1

# Every table that holds a council's data, in an order in which each row's links point
# to rows before it, with how to find the council's rows. History rows are found through
# ids of the council's rows that cannot be deleted without the council's plan or source
# going too, so the history of a deleted line or allocation still comes along.
COUNCIL_ROWS: dict[str, object] = {
    "auth.User": lambda council: _people(council),
    "investplan.Organisation": lambda council: Organisation.objects.filter(pk=council.pk),
    "investplan.Membership": lambda council: council.memberships.all(),
    "investplan.Invitation": "organisation",
    "investplan.Team": lambda council: council.teams.all(),
    "investplan.Inspection": lambda council: council.inspections.all(),
    "investplan.Finding": lambda council: _model("investplan.Finding").objects.filter(
        inspection__organisation=council
    ),
    "posts.PayScale": "organisation",
    "posts.SpinalPoint": "pay_scale__organisation",
    "posts.SpinalSalary": "point__pay_scale__organisation",
    "posts.Grade": "pay_scale__organisation",
    "funding.FundingSource": "organisation",
    "funding.FundingAvailability": "source__organisation",
    # A scenario links to the plan it was copied from, which was made before it.
    "investplan.Plan": lambda council: council.plans.order_by("pk"),
    "investplan.Assumptions": "plan__organisation",
    "investplan.HistoricalAssumptions": lambda council: _by_plan(
        "investplan.HistoricalAssumptions", council
    ),
    "investplan.PayAward": "assumptions__plan__organisation",
    "investplan.HistoricalPayAward": lambda council: _model(
        "investplan.HistoricalPayAward"
    ).objects.filter(
        assumptions_id__in=_ids("investplan.Assumptions", "plan__organisation", council)
    ),
    "investplan.EmployerNIRate": "assumptions__plan__organisation",
    "investplan.Workstream": "plan__organisation",
    "posts.PlanLine": "plan__organisation",
    "posts.HistoricalPlanLine": lambda council: _by_plan("posts.HistoricalPlanLine", council),
    "posts.HistoricalPlanLine_findings": lambda council: _model(
        "posts.HistoricalPlanLine_findings"
    ).objects.filter(history__plan_id__in=_ids("investplan.Plan", "organisation", council)),
    "posts.ColumnMapping": "organisation",
    "posts.AppendixImport": "organisation",
    "funding.Allocation": "line__plan__organisation",
    "funding.HistoricalAllocation": lambda council: _model(
        "funding.HistoricalAllocation"
    ).objects.filter(source_id__in=_ids("funding.FundingSource", "organisation", council)),
    "figures.LineFigures": "plan__organisation",
    "figures.LineYearFigure": "plan__organisation",
    "figures.FundingPart": "plan__organisation",
    "figures.FindingPart": "plan__organisation",
    "figures.PlanFigures": "plan__organisation",
    "reports.ApprovedBaseline": "plan__organisation",
    "reports.RenderedReport": "plan__organisation",
}

# Tables that belong to the installation, not to a council: Django's own bookkeeping, the
# sign-in throttle, the queue of background tasks.
INSTALLATION_TABLES = {
    "axes.AccessAttempt",
    "axes.AccessAttemptExpiration",
    "axes.AccessFailureLog",
    "axes.AccessLog",
    "admin.LogEntry",
    "auth.Permission",
    "auth.Group",
    "contenttypes.ContentType",
    "sessions.Session",
    "django_tasks_database.DBTaskResult",
}


class CouncilFileError(Exception):
    """Why a file cannot be restored, in words for the person running the command."""


@dataclass(frozen=True)
class Restored:
    council: Organisation
    rows: int


def _model(label: str) -> type[Model]:
    return apps.get_model(label)


def _ids(label: str, path: str, council: Organisation) -> QuerySet:
    return _model(label).objects.filter(**{path: council}).values("pk")


def _by_plan(label: str, council: Organisation) -> QuerySet:
    return _model(label).objects.filter(
        plan_id__in=_ids("investplan.Plan", "organisation", council)
    )


def _people(council: Organisation) -> QuerySet:
    """The council's members, and anyone its history, imports and reports name: a person
    who has left the council is still who made a change."""
    ids = set(
        get_user_model()
        .objects.filter(memberships__organisation=council)
        .values_list("pk", flat=True)
    )
    for label, link, path in (
        ("investplan.HistoricalAssumptions", "history_user", "plan__organisation"),
        ("investplan.HistoricalPayAward", "history_user", "assumptions__plan__organisation"),
        ("posts.HistoricalPlanLine", "history_user", "plan__organisation"),
        ("funding.HistoricalAllocation", "history_user", "source__organisation"),
        ("investplan.Invitation", "invited_by", "organisation"),
        ("investplan.Invitation", "accepted_by", "organisation"),
        ("posts.AppendixImport", "uploaded_by", "organisation"),
        ("reports.RenderedReport", "requested_by", "plan__organisation"),
        ("reports.ApprovedBaseline", "approved_by", "plan__organisation"),
    ):
        rows = _model(label).objects.filter(**{path: council}).exclude(**{link: None})
        ids.update(rows.values_list(link, flat=True).distinct())
    return get_user_model().objects.filter(pk__in=ids)


def council_rows(council: Organisation) -> Iterable[tuple[str, QuerySet]]:
    """Each table's rows of the council, in the order they are restored."""
    for label, rows in COUNCIL_ROWS.items():
        if isinstance(rows, str):
            queryset = _model(label).objects.filter(**{rows: council})
        else:
            queryset = rows(council)
        yield label, queryset.order_by("pk")


class _ExactTimes(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds: its own cuts them to
    milliseconds, so a history record would come back a fraction of a second earlier."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def export_council(*, council: Organisation) -> dict:
    """The council's data as a JSON-ready document."""
    tables = {}
    for label, queryset in council_rows(council):
        rows = serializers.serialize(
            "python",
            queryset,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=label == "auth.User",
        )
        if label == "auth.User":
            rows = [_without_installation_rights(row) for row in rows]
        tables[label] = json.loads(json.dumps(rows, cls=_ExactTimes))
    return {"format": FORMAT, "version": VERSION, "council": council.slug, "tables": tables}


def _without_installation_rights(row: dict) -> dict:
    """A person as a member of their council only. Being a superuser or staff, and Django's
    groups and permissions, are rights in one installation, given by its own superusers: a
    council's file neither carries them out nor grants them in the installation it is
    restored into."""
    fields = {
        **row["fields"],
        "is_superuser": False,
        "is_staff": False,
        "groups": [],
        "user_permissions": [],
    }
    return {**row, "fields": fields}


def _refuse_unless_empty(document: dict) -> None:
    if document.get("format") != FORMAT or document.get("version") != VERSION:
        raise CouncilFileError(f"This is not an InvestPlan council file of version {VERSION}.")
    if Organisation.objects.exists():
        raise CouncilFileError(
            "This installation already holds a council. A council file is restored into an "
            "empty installation (after migrate, before any council is added)."
        )
    usernames = [row["fields"]["username"] for row in document["tables"].get("auth.User", [])]
    taken = sorted(
        get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True)
    )
    if taken:
        raise CouncilFileError(
            "These usernames are already used in this installation: " + ", ".join(taken) + "."
        )


@transaction.atomic
def import_council(*, document: dict) -> Restored:
    """Restore a council's file into an empty installation: all of it or nothing."""
    _refuse_unless_empty(document)
    unknown = set(document["tables"]) - set(COUNCIL_ROWS)
    if unknown:
        raise CouncilFileError(
            "The file holds tables this version does not know: " + ", ".join(sorted(unknown)) + "."
        )
    written = []
    rows = 0
    # Rows are saved raw, as `loaddata` saves a fixture, and links are checked once every
    # row is in.
    with connection.constraint_checks_disabled():
        for label in COUNCIL_ROWS:
            objects = document["tables"].get(label, [])
            if label == "auth.User":
                objects = [_without_installation_rights(row) for row in objects]
            try:
                for restored in serializers.deserialize("json", json.dumps(objects)):
                    # The file holds the history as it was: setting a line's findings
                    # would otherwise add a history record of its own.
                    restored.object.skip_history_when_saving = True
                    restored.save()
                    rows += 1
            except DeserializationError as error:
                raise CouncilFileError(f"A row of {label} cannot be restored: {error}") from error
            written.append(_model(label))
    connection.check_constraints(table_names=[model._meta.db_table for model in written])
    # Saving a line's findings moves its plan's revision; the revisions come back as they
    # were, so the reports rendered for them are still the reports of these facts.
    for label in ("investplan.Organisation", "investplan.Plan"):
        for row in document["tables"].get(label, []):
            _model(label).objects.filter(pk=row["pk"]).update(revision=row["fields"]["revision"])
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), written):
            cursor.execute(statement)
    return Restored(council=Organisation.objects.get(slug=document["council"]), rows=rows)
