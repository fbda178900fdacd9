"""Every output of a plan as plain JSON, with no database ids and no timestamps: what the
golden tests compare, to the penny, before and after figures are produced another way.

Each call into the application is in one small adapter function (the `_` functions at the
top), so that when the entry points move only those need repointing. Lines are keyed by
position and title, never by primary key; "today" is 2026-06-15 12:00 UTC throughout
(`frozen_today`), for the in-year forecast and every "Produced ..." stamp.

`python -m tests.golden.capture --write` captures the files again (see README.md: only
when a change of figures is intended and reviewed)."""

from __future__ import annotations

import gzip
import io
import json
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from unittest import mock

DATA = Path(__file__).parent / "data"
TODAY = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
PENCE = Decimal("0.01")


# -- Today, frozen ---------------------------------------------------------------------


class _DatetimeType(type):
    # `isinstance(value, datetime)` inside django.utils.timezone still holds for every
    # real datetime while the class is swapped for the frozen one.
    def __instancecheck__(cls, instance):
        return isinstance(instance, datetime)


class _FrozenDatetime(datetime, metaclass=_DatetimeType):
    @classmethod
    def now(cls, tz=None):
        return TODAY.astimezone(tz) if tz else TODAY.replace(tzinfo=None)


@contextmanager
def frozen_today():
    """`timezone.now()` and `timezone.localdate()` at 2026-06-15 12:00 UTC. Django's
    timezone module reads its `datetime` at each call, so functions bound before the
    patch (a dataclass's `default_factory=timezone.now`) see the frozen time too."""
    with mock.patch("django.utils.timezone.datetime", _FrozenDatetime):
        yield


# -- Adapters: one call into the application each ------------------------------------


def _report_slugs() -> list[str]:
    from reports.builders import REPORTS

    return list(REPORTS)


def _multi_year_groupings() -> list[str]:
    from reports.builders import MULTI_YEAR_GROUPINGS

    return list(MULTI_YEAR_GROUPINGS)


def _report_document(plan, slug: str, **options):
    """A committee table as a document: its tables, assumptions and filters."""
    from reports.builders import ReportOptions
    from reports.documents import ReportDocument

    return ReportDocument.build(plan, slug, ReportOptions(**options))


def _table_json(table) -> dict:
    from reports.tables import table_as_json

    return table_as_json(table)


def _xlsx_download(client, plan, slug: str, query: dict) -> bytes:
    from django.urls import reverse

    response = client.get(reverse("reports:xlsx", args=[plan.slug, slug]), query)
    assert response.status_code == 200, response.status_code
    return response.content


def _pdf(document) -> bytes:
    return document.pdf()


def _rollup_groupings() -> list[str]:
    from reports.rollups import GROUPINGS

    return list(GROUPINGS)


def _rollup_json(plan, by: str) -> dict:
    from reports.rollups import rollup

    return rollup(plan, by).as_json()


def _rollup_command(plan, by: str, as_json: bool) -> tuple[str, str]:
    from django.core.management import call_command

    out, err = io.StringIO(), io.StringIO()
    call_command("rollup", plan.slug, by=by, json=as_json, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _workspace(plan):
    from posts.workspace import build_workspace

    return build_workspace(plan, whole=True)  # every row, not only the first page's


def _compare_by() -> list[str]:
    from reports.comparisons import COMPARE_BY

    return list(COMPARE_BY)


def _copy_as_scenario(plan, name: str):
    from investplan.services import copy_plan_as_scenario

    return copy_plan_as_scenario(plan=plan, name=name)


def _scenario_comparison(left, right, by: str):
    from reports.comparisons import scenario_comparison

    return scenario_comparison(left, right, by)


def _what_if_comparison(plan, pay_award, on_cost, by: str):
    from figures.costs.what_if import WhatIf
    from reports.comparisons import what_if_comparison

    return what_if_comparison(plan, WhatIf(pay_award, on_cost), by)


def _approve(plan, user):
    from investplan.services import approve_plan

    return approve_plan(plan=plan, user=user, committee="Cabinet", meeting_date=date(2026, 3, 12))


def _variance(plan, baseline, by: str):
    from reports.comparisons import variance

    return variance(plan, baseline, by)


def _line_at(plan, position: int):
    from posts.models import PlanLine

    return PlanLine.objects.get(plan=plan, position=position)


def _change_line(line, **fields):
    from posts.services import line_version, update_plan_line

    return update_plan_line(line_id=line.pk, seen_version=line_version(line), **fields)


def _delete_line(line):
    from posts.services import delete_plan_line

    delete_plan_line(line=line)


def _add_line(plan, **fields):
    from posts.services import add_plan_line

    return add_plan_line(plan=plan, **fields)


def _clear_caches() -> None:
    """Each output worked out afresh, as a new process would: since figures are stored
    (decision 0020) no process keeps any, so there is nothing to clear."""


# -- Plain forms ------------------------------------------------------------------------


def figure(value) -> str | None:
    """A figure as a string to the penny, however the code happens to hold it ("12" and
    "12.00" are one figure); finer figures (an FTE of 0.125) are kept as they are."""
    if value is None:
        return None
    number = Decimal(value)
    if number == number.quantize(PENCE):
        return f"{number.quantize(PENCE):f}"
    return f"{number.normalize():f}"


def table(table) -> dict:
    data = _table_json(table)
    numeric = {key for key, _, kind, *_ in data["columns"] if kind != "text"}
    rows = [
        [kind, {key: figure(v) if key in numeric else v for key, v in cells.items()}]
        for kind, cells in data["rows"]
    ]
    return {**data, "rows": rows}


def document(doc) -> dict:
    return {
        "title": doc.title,
        "filters": doc.filters,
        "status_mark": doc.status_mark,
        "status_label": doc.status_label,
        "approval": doc.approval,
        "tables": [table(t) for t in doc.tables],
        "assumptions": [list(pair) for pair in doc.assumptions],
    }


def _cell(value):
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, float):
        return figure(Decimal(repr(value)))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def workbook_values(content: bytes) -> dict:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    return {
        sheet.title: [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


def pdf_text(content: bytes) -> list[str]:
    """The PDF's text as pdftotext lays it out, one entry per line."""
    executable = shutil.which("pdftotext")
    if executable is None:
        raise RuntimeError("pdftotext is missing: `make browser` installs poppler-utils")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(content)
        file.flush()
        text = subprocess.run(
            [executable, "-layout", "-enc", "UTF-8", file.name, "-"],
            check=True,
            capture_output=True,
        ).stdout.decode("utf-8")
    return [line.rstrip() for line in text.splitlines()]


# -- Sections ---------------------------------------------------------------------------


def filter_options(plan) -> dict[str, dict]:
    """Unfiltered, and one workstream, one status and one phase, each chosen from the
    plan's own lines in a fixed way; keyed by what they are called, not by ids."""
    from posts.models import PlanLine

    lines = PlanLine.objects.filter(plan=plan)
    options = {"all": {}}
    workstream = plan.workstreams.order_by("position", "name").first()
    if workstream is not None:
        options[f"workstream {workstream.name}"] = {"workstream": workstream.pk}
    statuses = sorted(set(lines.values_list("status", flat=True)))
    if statuses:
        options[f"status {statuses[-1]}"] = {"status": statuses[-1]}
    phases = sorted(set(lines.exclude(phase="").values_list("phase", flat=True)))
    if phases:
        options[f"phase {phases[-1]}"] = {"phase": phases[-1]}
    return options


def capture_tables(golden) -> dict:
    plan = golden.plan
    out = {}
    for slug in _report_slugs():
        for name, options in filter_options(plan).items():
            _clear_caches()
            out[f"{slug} / {name}"] = document(_report_document(plan, slug, **options))
    for by in _multi_year_groupings():
        _clear_caches()
        out[f"multi-year / by {by}"] = document(_report_document(plan, "multi-year", by=by))
    return out


def capture_xlsx(golden, client) -> dict:
    plan = golden.plan
    client.force_login(golden.reader)
    downloads = [(slug, {}) for slug in _report_slugs()]
    downloads += [("multi-year", {"by": by}) for by in _multi_year_groupings()]
    out = {}
    for slug, query in downloads:
        key = slug + "".join(f" / {k}={v}" for k, v in query.items())
        out[key] = workbook_values(_xlsx_download(client, plan, slug, query))
    return out


def capture_pdf(golden) -> dict:
    # The demo plan only: a 2,000-line PDF takes about 40 s to lay out.
    out = {}
    for slug in _report_slugs():
        _clear_caches()
        out[slug] = pdf_text(_pdf(_report_document(golden.plan, slug)))
    return out


def capture_rollups(golden) -> dict:
    # Whole pounds only: the figures are stored to the pound (decision 0020). The pence
    # captured on 2e71163 were dropped from the files; the pounds are as captured then.
    return {f"{by} / pounds": _rollup_json(golden.plan, by) for by in _rollup_groupings()}


def capture_rollup_command(golden) -> dict:
    out = {}
    for by in _rollup_groupings():
        text, errors = _rollup_command(golden.plan, by, as_json=False)
        out[f"{by} / table"] = {"stdout": text.splitlines(), "stderr": errors.splitlines()}
    text, errors = _rollup_command(golden.plan, "workstream", as_json=True)
    out["workstream / json"] = {"stdout": json.loads(text), "stderr": errors.splitlines()}
    return out


def _figures(figures, years) -> dict:
    return {
        "fte": figure(figures.fte),
        "full_year": figure(figures.full_year),
        "years": {year.label: figure(figures.years.get(year)) for year in years},
        "total": figure(figures.total),
    }


def capture_workspace(golden) -> dict:
    _clear_caches()
    workspace = _workspace(golden.plan)
    years = workspace.years
    return {
        "years": [year.label for year in years],
        "lines_in_plan": workspace.lines_in_plan,
        "lines_shown": workspace.lines_matching,
        "groups": [
            {
                "name": group.name,
                "subtotal": _figures(group.subtotal, years),
                "rows": [
                    {
                        "position": row.line.position,
                        "title": row.line.title,
                        "grade": row.line.grade_text,  # the grade as the row prints it
                        "outside": row.outside,
                        "error": row.error,
                        **_figures(row.figures, years),
                    }
                    for row in group.rows
                ],
            }
            for group in workspace.groups
        ],
        "totals": _figures(workspace.totals, years),
        "cannot_be_costed": sorted(
            [uncosted.position, uncosted.title, uncosted.error] for uncosted in workspace.errors
        ),
    }


def _edit_scenario(scenario) -> None:
    """A few edits to a copy: an FTE changed, a line's workstream moved, a line
    deleted, a line added on another line's grade."""
    from posts.models import PlanLine

    positions = sorted(PlanLine.objects.filter(plan=scenario).values_list("position", flat=True))
    changed = _line_at(scenario, positions[2])
    _change_line(changed, fte=(changed.fte or Decimal("1")) + Decimal("0.5"))
    moved = _line_at(scenario, positions[6])
    other = scenario.workstreams.exclude(pk=moved.workstream_id).order_by("position", "name").last()
    if other is not None:
        _change_line(moved, workstream=other)
    _delete_line(_line_at(scenario, positions[4]))
    model = _line_at(scenario, positions[0])
    _add_line(
        scenario,
        position=positions[-1] + 1,
        kind=model.kind,
        title="Added in the scenario",
        workstream=model.workstream,
        team=model.team,
        grade=model.grade,
        grade_as_written=model.grade_as_written,
        annual_salary=model.annual_salary,
        amount=model.amount,
        fte=model.fte,
        start_date=date(2026, 1, 5),
    )


def capture_scenario(golden) -> dict:
    scenario = _copy_as_scenario(golden.plan, "Golden scenario")
    _edit_scenario(scenario)
    out = {}
    for by in _compare_by():
        _clear_caches()
        out[by] = document(_scenario_comparison(golden.plan, scenario, by))
    return out


def capture_what_if(golden) -> dict:
    out = {}
    for name, pay_award, on_cost in (
        ("pay award 4%", Decimal("4"), None),
        ("on-costs 25.5%", None, Decimal("25.5")),
        ("pay award 1.5% and on-costs 31%", Decimal("1.5"), Decimal("31")),
    ):
        for by in _compare_by():
            out[f"{name} / by {by}"] = document(
                _what_if_comparison(golden.plan, pay_award, on_cost, by)
            )
    return out


def capture_variance(golden) -> dict:
    # On a copy, so the plan itself stays as the other sections read it.
    copy = _copy_as_scenario(golden.plan, "Golden approved")
    baseline = _approve(copy, golden.reader)
    out = {"unchanged / " + by: document(_variance(copy, baseline, by)) for by in _compare_by()}
    _edit_scenario(copy)
    for by in _compare_by():
        _clear_caches()
        out["edited / " + by] = document(_variance(copy, baseline, by))
    out["baseline documents"] = {
        key: {
            "title": kept["title"],
            "approval": kept["approval"],
            "assumptions": kept["assumptions"],
            "tables": [table(_table_from_json(data)) for data in kept["tables"]],
        }
        for key, kept in sorted(baseline.documents.items())
    }
    return out


def _table_from_json(data):
    from reports.tables import table_from_json

    return table_from_json(data)


SECTIONS = {
    "tables": lambda golden, client: capture_tables(golden),
    "xlsx": capture_xlsx,
    "pdf": lambda golden, client: capture_pdf(golden),
    "rollups": lambda golden, client: capture_rollups(golden),
    "rollup_command": lambda golden, client: capture_rollup_command(golden),
    "workspace": lambda golden, client: capture_workspace(golden),
    "scenario": lambda golden, client: capture_scenario(golden),
    "what_if": lambda golden, client: capture_what_if(golden),
    "variance": lambda golden, client: capture_variance(golden),
}
PDF_PLANS = {"demo"}


def capture(golden, section: str, client) -> dict:
    """One section of one plan's outputs, as JSON would carry it (a round trip through
    JSON, so what is compared is exactly what the file holds)."""
    with frozen_today():
        data = SECTIONS[section](golden, client)
    return json.loads(json.dumps(data, ensure_ascii=False))


# -- Files ------------------------------------------------------------------------------


def path_of(plan_name: str, section: str) -> Path:
    return DATA / plan_name / f"{section}.json.gz"


def read(plan_name: str, section: str) -> dict:
    with gzip.open(path_of(plan_name, section), "rt", encoding="utf-8") as file:
        return json.load(file)


def write(plan_name: str, section: str, data: dict) -> None:
    path = path_of(plan_name, section)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    # mtime=0: the same outputs make the same bytes, so an unchanged capture is no diff.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as file:
        file.write(text.encode("utf-8"))


def main(argv: list[str]) -> int:
    if "--write" not in argv:
        print(
            "python -m tests.golden.capture --write captures the golden outputs again, "
            "overwriting tests/golden/data/. Read tests/golden/README.md first."
        )
        return 2
    import pytest

    return pytest.main(["tests/golden", "--golden-write", "-q", "-p", "no:cacheprovider"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
