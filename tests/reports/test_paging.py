"""A long committee table's page shows its lines a window at a time, with the whole
table's subtotals and total (decision 0024); the PDF and Excel keep every line."""

from decimal import Decimal

import pytest
from django.urls import reverse

from investplan.models import Role
from reports import views
from reports.tables import Column, Kind, RowKind, Table, TableBuilder, window
from tests.factories import MembershipFactory, PlanLineFactory, WorkstreamFactory
from tests.reports.helpers import tables_of


def two_groups() -> Table:
    """Assessment with lines of £1, £2 and £3, then Fostering with £10, £20 and £30."""
    table = Table("t", "T", [Column("name", "Name"), Column("cost", "£", Kind.MONEY, True)])
    builder = TableBuilder(table)
    for name, amounts in (("Assessment", (1, 2, 3)), ("Fostering", (10, 20, 30))):
        builder.heading(name)
        for amount in amounts:
            builder.line({"name": f"{name} {amount}", "cost": Decimal(amount)})
        builder.subtotal(f"Subtotal: {name}")
    builder.total()
    return table


def printed(rows) -> list[tuple[str, str, object]]:
    return [(row.kind.value, row.cells["name"], row.cells.get("cost")) for row in rows]


def test_it_prints_the_whole_tables_subtotals_and_total_on_a_partial_page():
    rows = window(two_groups(), first=0, size=4)

    assert printed(rows) == [
        ("heading", "Assessment", None),
        ("line", "Assessment 1", 1),
        ("line", "Assessment 2", 2),
        ("line", "Assessment 3", 3),
        ("subtotal", "Subtotal: Assessment", 6),
        ("heading", "Fostering", None),
        ("line", "Fostering 10", 10),
        ("subtotal", "Subtotal: Fostering (all 3 lines)", 60),
        ("total", "Total (all 6 lines)", 66),
    ]


def test_it_prints_the_rest_of_a_group_under_its_heading_on_the_next_page():
    rows = window(two_groups(), first=4, size=4)

    assert printed(rows) == [
        ("heading", "Fostering (continued)", None),
        ("line", "Fostering 20", 20),
        ("line", "Fostering 30", 30),
        ("subtotal", "Subtotal: Fostering (all 3 lines)", 60),
        ("total", "Total (all 6 lines)", 66),
    ]


def test_it_prints_a_table_that_fits_as_it_is():
    table = two_groups()

    assert window(table, first=0, size=6) == table.rows


@pytest.fixture
def long_plan(db, monkeypatch):
    """A plan of five lines in two workstreams, its pages showing two lines at a time."""
    monkeypatch.setattr(views, "PAGE_LINES", 2)
    first = WorkstreamFactory(position=0)
    second = WorkstreamFactory(plan=first.plan, position=1)
    for position in range(5):
        PlanLineFactory(
            plan=first.plan,
            position=position,
            title=f"Post {position}",
            workstream=first if position < 3 else second,
        )
    return first.plan


def page(client, plan, query=""):
    client.force_login(MembershipFactory(organisation=plan.organisation, role=Role.VIEWER).user)
    address = reverse("reports:report", args=[plan.slug, "resource-requirement"])
    return client.get(address + query).content.decode()


def test_it_shows_which_lines_a_page_holds_and_links_to_the_next(client, long_plan):
    html = page(client, long_plan)

    assert "Lines 1–2 of 5" in html
    assert "Post 1<" in html and "Post 2<" not in html
    assert f'href="/plans/{long_plan.slug}/reports/resource-requirement/?page=2" rel="next"' in html
    assert 'rel="prev"' not in html


def test_it_reaches_a_line_on_page_two(client, long_plan):
    html = page(client, long_plan, "?page=2")

    assert "Lines 3–4 of 5" in html
    assert "Post 2<" in html and "Post 3<" in html and "Post 1<" not in html
    assert 'rel="prev"' in html and 'rel="next"' in html


def test_it_prints_the_whole_plans_total_on_every_page(client, long_plan):
    (table,) = tables_of(long_plan, "resource-requirement")
    total = next(row for row in table.rows if row.kind == RowKind.TOTAL).cells["total"]

    for query in ("", "?page=2", "?page=3"):
        html = page(client, long_plan, query)
        total_row = html[html.index('<tr class="total">') :].split("</tr>")[0]
        assert "Total (all 5 lines)</th>" in total_row
        assert f'<td class="num">{total:,}</td>' in total_row


def test_it_shows_every_line_when_asked(client, long_plan):
    html = page(client, long_plan, "?page=all")

    assert "All 5 lines" in html
    assert all(f"Post {position}<" in html for position in range(5))
    assert "Total</th>" in html


def test_it_shows_the_first_page_for_a_page_that_is_not_a_number(client, long_plan):
    for query in ("?page=²", "?page=" + "9" * 5000, "?page=0"):
        assert "Lines 1–2 of 5" in page(client, long_plan, query)


def test_it_shows_the_last_page_for_a_page_beyond_it(client, long_plan):
    assert "Lines 5–5 of 5" in page(client, long_plan, "?page=9")
