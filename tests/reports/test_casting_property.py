"""Every printed table casts, over generated plans: in the rows, in the HTML as printed,
and in the workbook's SUM formulas."""

import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from figures.services import refigure_plan
from investplan.models import Finding, Inspection
from posts.models import LineKind
from reports.builders import REPORTS, ReportOptions
from reports.documents import ReportDocument
from reports.rendering import table_html
from reports.tables import RowKind, casting_errors
from tests.factories import (
    AllocationFactory,
    FundingSourceFactory,
    PayScaleFactory,
    PlanFactory,
    PlanLineFactory,
    TeamFactory,
    WorkstreamFactory,
    make_grade,
)

pytestmark = pytest.mark.django_db

money = st.decimals(min_value=Decimal("1000"), max_value=Decimal("150000"), places=2)
line_specs = st.lists(
    st.fixed_dictionaries(
        {
            "kind": st.sampled_from(
                [LineKind.NEW_POST, LineKind.NEW_POST, LineKind.RELEASED_BUDGET, LineKind.NON_STAFF]
            ),
            "salary": money,
            "fte": st.decimals(min_value=Decimal("0.1"), max_value=Decimal("6"), places=2),
            "start": st.integers(min_value=0, max_value=700),
            "months": st.one_of(st.none(), st.integers(min_value=1, max_value=36)),
            "one_off": st.booleans(),
            "workstream": st.integers(min_value=0, max_value=3),
            "team": st.integers(min_value=0, max_value=2),
            "findings": st.sets(st.integers(min_value=0, max_value=3), max_size=3),
            "grade": st.booleans(),
            "shares": st.lists(
                st.decimals(min_value=Decimal("1"), max_value=Decimal("50"), places=1), max_size=2
            ),
        }
    ),
    min_size=1,
    max_size=12,
)


def make_plan(specs):
    plan = PlanFactory(first_year=2020, last_year=2022)
    organisation = plan.organisation
    workstreams = [WorkstreamFactory(plan=plan, position=i) for i in range(4)]
    teams = [TeamFactory(organisation=organisation) for _ in range(3)]
    inspection = Inspection.objects.create(organisation=organisation, kind="ilacs")
    findings = [
        Finding.objects.create(inspection=inspection, reference=f"para {i}", text="t", position=i)
        for i in range(4)
    ]
    grade = make_grade(PayScaleFactory(organisation=organisation), "K", ["29000", "31000"])
    sources = [FundingSourceFactory(organisation=organisation) for _ in range(2)]
    for position, spec in enumerate(specs):
        staff = spec["kind"] != LineKind.NON_STAFF
        line = PlanLineFactory(
            plan=plan,
            position=position,
            kind=spec["kind"],
            fte=spec["fte"] if staff else None,
            grade=grade if staff and spec["grade"] else None,
            annual_salary=spec["salary"] if staff and not spec["grade"] else None,
            amount=None if staff else spec["salary"],
            one_off=not staff and spec["one_off"],
            start_date=date(2020, 4, 1) + timedelta(days=spec["start"]),
            duration_months=spec["months"],
            workstream=workstreams[spec["workstream"]] if spec["workstream"] < 3 else None,
            team=teams[spec["team"]],
            phase=str(spec["workstream"] % 2 + 1),
        )
        line.findings.set(findings[index] for index in spec["findings"])
        for source, share in zip(sources, spec["shares"], strict=False):
            AllocationFactory(line=line, source=source, percent=share)
    refigure_plan(plan=plan)
    return plan


def printed_number(text: str) -> Decimal:
    return Decimal(text.replace(",", "")) if text else Decimal("0")


def html_casts(table, html: str) -> None:
    """Re-read the printed HTML: each subtotal and total equals the sum of the figures
    printed above it."""
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    summed = [i for i, column in enumerate(table.columns) if column.summed]
    group = {i: Decimal("0") for i in summed}
    lines = dict(group)
    subtotals = dict(group)
    seen_subtotal = False
    for row_class, row_html in re.findall(r'<tr class="(\w+)"[^>]*>(.*?)</tr>', body):
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row_html)
        if row_class == "heading":
            group = {i: Decimal("0") for i in summed}
            continue
        values = {i: printed_number(cells[i]) for i in summed}
        if row_class == "line":
            for i in summed:
                group[i] += values[i]
                lines[i] += values[i]
        elif row_class == "subtotal":
            seen_subtotal = True
            assert values == group
            for i in summed:
                subtotals[i] += values[i]
        elif row_class == "total":
            assert values == (subtotals if seen_subtotal else lines)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(line_specs)
def test_it_casts_every_table_of_every_report_for_any_plan(db, specs):
    with transaction.atomic():
        plan = make_plan(specs)
        totals = {}
        for slug in REPORTS:
            document = ReportDocument.build(plan, slug, ReportOptions())
            for table in document.tables:
                assert casting_errors(table) == [], (slug, table.slug)
                html_casts(table, table_html(table))
                total = [row for row in table.rows if row.kind == RowKind.TOTAL]
                if total and "total" in total[0].cells:
                    totals[table.slug] = total[0].cells["total"]
            workbook = load_workbook(io.BytesIO(document.xlsx()))
            assert len(workbook.sheetnames) == len(document.tables) + 1
        # The same plan costs the same in every table that totals it.
        assert (
            len(
                {
                    totals[key]
                    for key in (
                        "resource-requirement",
                        "multi-year-workstream",
                        "sources-of-funding",
                        "findings",
                    )
                }
            )
            == 1
        )
        transaction.set_rollback(True)
