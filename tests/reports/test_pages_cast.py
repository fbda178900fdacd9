"""Every page that prints a total casts: on each kind of page, the figures printed above a
subtotal add up to it, and the subtotals (or the lines, where there are none) to the total,
read from the page as printed. The plan's lines are chosen to round awkwardly: half
pounds and half pence, a stated cost scaled by FTE, released budget and a line outside the
plan's years."""

from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from investplan.models import Finding, Inspection, Role
from investplan.services import approve_plan, copy_plan_as_scenario, reopen_plan
from posts.models import LineKind
from posts.services import add_plan_line, line_version, update_plan_line
from reports.builders import REPORTS
from tests.factories import (
    AllocationFactory,
    MembershipFactory,
    PlanFactory,
    TeamFactory,
    WorkstreamFactory,
)

pytestmark = pytest.mark.django_db


class Tables(HTMLParser):
    """The rows of every table on a page: each row's class and the text of its cells
    marked `num`, in order (a blank cell is None)."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[tuple[str, list]]] = []
        self._cell: list[str] | None = None
        self._row: tuple[str, list] | None = None

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self._row = (classes[0] if classes else "", [])
            self.tables[-1].append(self._row)
        elif tag == "td" and "num" in classes and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            text = "".join(self._cell).strip().replace(",", "")
            self._row[1].append(Decimal(text) if text else None)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def casting_failures(html: str) -> list[str]:
    """Each printed subtotal or total that is not the sum of the figures printed above it."""
    parser = Tables()
    parser.feed(html)
    failures, checked = [], 0
    for number, rows in enumerate(parser.tables, start=1):
        group, lines, subtotals, seen_subtotal = None, None, None, False

        def add(into, cells):
            into = into or [Decimal(0)] * len(cells)
            return [total + (cell or 0) for total, cell in zip(into, cells, strict=True)]

        for kind, cells in rows:
            if kind == "heading":
                group = None
            elif kind == "line":
                group, lines = add(group, cells), add(lines, cells)
            elif kind in ("subtotal", "total"):
                if kind == "subtotal":
                    expected, seen_subtotal = group, True
                else:
                    expected = subtotals if seen_subtotal else lines
                for column, printed in enumerate(cells):
                    if printed is None:
                        continue  # a figure not added up (a unit cost, a rate)
                    checked += 1
                    added = expected[column] if expected else Decimal(0)
                    if printed != added:
                        failures.append(f"table {number} column {column + 1}: {printed} ≠ {added}")
                if kind == "subtotal":
                    subtotals, group = add(subtotals, cells), None
    assert checked, "no subtotal or total was found on the page"
    return failures


@pytest.fixture
def plan():
    plan = PlanFactory(name="Improvement structure", first_year=2023, last_year=2024)
    front_door = WorkstreamFactory(plan=plan, name="Front door", position=1)
    quality = WorkstreamFactory(plan=plan, name="Quality", position=2)
    north = TeamFactory(organisation=plan.organisation, name="North")
    inspection = Inspection.objects.create(organisation=plan.organisation, kind="ilacs")
    findings = [
        Finding.objects.create(inspection=inspection, reference=f"R{n}", text=f"Finding {n}")
        for n in (1, 2, 3)
    ]
    lines = [
        add_plan_line(
            plan=plan,
            title="Social Worker",
            start_date=date(2023, 4, 1),
            workstream=front_door,
            team=north,
            fte=Decimal("1.5"),
            annual_salary=Decimal("32878.50"),
            social_worker=True,
            findings=findings,
        ),
        add_plan_line(
            plan=plan,
            title="ICT LCS Developer",
            start_date=date(2023, 4, 1),
            workstream=front_door,
            fte=Decimal("1"),
            stated_annual_cost=Decimal("42413"),
        ),
        add_plan_line(
            plan=plan,
            title="Funded by: vacant post",
            start_date=date(2023, 4, 1),
            kind=LineKind.RELEASED_BUDGET,
            workstream=quality,
            fte=Decimal("0.5"),
            annual_salary=Decimal("30001"),
            duration_months=18,
        ),
        add_plan_line(
            plan=plan,
            title="Audit resource",
            kind=LineKind.NON_STAFF,
            workstream=quality,
            amount=Decimal("3045.29"),
            start_date=date(2023, 10, 1),
            duration_months=12,
            findings=findings[:2],
        ),
        add_plan_line(
            plan=plan,
            title="Data Analyst, before the plan",
            fte=Decimal("1"),
            annual_salary=Decimal("32878"),
            start_date=date(2020, 4, 1),
            duration_months=24,
        ),
    ]
    # The developer halved after the cost was stated: £21,206.50 a year.
    update_plan_line(line_id=lines[1].pk, seen_version=line_version(lines[1]), fte="0.5")
    AllocationFactory(line=lines[0], percent=Decimal("33.3"))
    AllocationFactory(line=lines[3], percent=Decimal("50"))
    return plan


@pytest.fixture
def head(client, plan):
    client.force_login(
        MembershipFactory(organisation=plan.organisation, role=Role.HEAD_OF_SERVICE).user
    )
    return client


def page(client, address, data=None) -> str:
    response = client.get(address, data or {})
    assert response.status_code == 200, address
    return response.content.decode()


def test_it_casts_the_workspace(head, plan):
    assert casting_failures(page(head, reverse("posts:workspace", args=[plan.slug]))) == []


@pytest.mark.parametrize("slug", sorted(REPORTS))
def test_it_casts_each_committee_table(head, plan, slug):
    address = reverse("reports:report", args=[plan.slug, slug])

    assert casting_failures(page(head, address)) == []


@pytest.mark.parametrize("by", ["workstream", "team", "funding"])
def test_it_casts_a_comparison_of_two_plans(head, plan, by):
    copy = copy_plan_as_scenario(plan=plan, name="Efficient structure")
    address = reverse("reports:compare", args=[plan.slug])

    assert casting_failures(page(head, address, {"with": copy.slug, "by": by})) == []


def test_it_casts_a_what_if(head, plan):
    address = reverse("reports:what-if", args=[plan.slug])

    assert casting_failures(page(head, address, {"pay_award": "3.5", "on_cost": "27.5"})) == []


def test_it_casts_the_variance_and_the_tables_as_approved(head, plan):
    baseline = approve_plan(plan=plan)
    reopen_plan(plan=plan)

    variance = page(head, reverse("reports:variance", args=[plan.slug]))
    approved = page(head, reverse("reports:as-approved", args=[plan.slug, baseline.pk, "funding"]))

    assert casting_failures(variance) == []
    assert casting_failures(approved) == []


def test_it_casts_the_working_of_each_line(head, plan):
    for line in plan.lines.all():
        address = reverse("posts:line-working", args=[plan.slug, line.pk])

        assert casting_failures(page(head, address)) == [], line.title


@pytest.fixture
def legal_fees(plan):
    """£2,045.29 a year from 1 October for a year: £1,022.645 in each financial year."""
    return add_plan_line(
        plan=plan,
        title="Legal fees",
        kind=LineKind.NON_STAFF,
        amount=Decimal("2045.29"),
        start_date=date(2023, 10, 1),
        duration_months=12,
    )


def test_it_casts_the_working_of_a_line_whose_years_each_end_in_half_a_penny(
    head, plan, legal_fees
):
    # Each year printed £1,022.65, so the total printed is £2,045.30.
    line = legal_fees

    working = page(head, reverse("posts:line-working", args=[plan.slug, line.pk]))

    assert casting_failures(working) == []
    assert '<td class="num">2,045.30</td>' in working


def test_it_prints_a_lines_working_in_whole_pounds_as_the_tables_do_beside_pence(
    head, plan, legal_fees
):
    # £2,045.30 in pence, £1,023 + £1,023 = £2,046 in the tables, which round each year to
    # the pound.
    line = legal_fees

    working = page(head, reverse("posts:line-working", args=[plan.slug, line.pk]))

    assert casting_failures(working) == []
    assert '<td class="num">2,045.30</td><td class="num">2,046</td>' in working


def test_it_casts_the_figures_previewed_while_a_line_is_edited_in_place(client, plan):
    client.force_login(MembershipFactory(organisation=plan.organisation).user)
    line = plan.lines.get(title="Social Worker")
    data = {"title": line.title, "fte": "0.75", "start_date": "2023-07-17", "duration_months": ""}

    response = client.post(reverse("posts:line-preview", args=[plan.slug, line.pk]), data)

    cells = Tables()
    cells.feed(f"<table><tr class='line'>{response.content.decode()}</tr></table>")
    ((_, (full_year, *years, total)),) = cells.tables[0]
    assert full_year and sum(years) == total


def test_it_finds_a_printed_total_that_does_not_cast():
    html = (
        "<table><tr class='line'><td class='num'>1,000</td><td class='num'>7</td></tr>"
        "<tr class='line'><td class='num'>2,001</td><td class='num'></td></tr>"
        "<tr class='total'><td class='num'>3,000</td><td class='num'></td></tr></table>"
    )

    assert casting_failures(html) == ["table 1 column 1: 3000 ≠ 3001"]
