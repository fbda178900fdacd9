"""A plan's front page (issue 19, point 4): every figure on it is found, to the penny, in
the table its link goes to; what is missing is named; approval is said; the plan's old
address still opens the workspace where a link asked for it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from figures.services import refigure_plan
from investplan.models import Finding, Inspection, Role
from investplan.services import approve_plan, copy_plan_as_scenario
from posts.models import LineKind, PlanLine
from tests.factories import (
    AllocationFactory,
    FundingSourceFactory,
    MembershipFactory,
    PlanFactory,
    PlanLineFactory,
    WorkstreamFactory,
)
from tests.pages import visible_text

pytestmark = pytest.mark.django_db


class Page(HTMLParser):
    """A page's tables by id (each row's class and its cells' text) and its links (text
    to address)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[tuple[str, list[str]]]] = {}
        self.links: dict[str, str] = {}
        self._table = self._cell = self._link = None
        self._href = ""
        self.html = html
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table":
            self._table = self.tables.setdefault(attributes.get("id") or "", [])
        elif tag == "tr" and self._table is not None:
            self._table.append((attributes.get("class") or "", []))
        elif tag in ("td", "th") and self._table is not None and self._table:
            self._cell = []
        elif tag == "a":
            self._link, self._href = [], attributes.get("href", "")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._table[-1][1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = None
        elif tag == "a" and self._link is not None:
            self.links[" ".join("".join(self._link).split())] = self._href
            self._link = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._link is not None:
            self._link.append(data)

    def rows(self, table: str, kind: str) -> list[list[str]]:
        return [cells for row_kind, cells in self.tables[table] if row_kind == kind]


def member(plan, role=Role.VIEWER):
    return MembershipFactory(organisation=plan.organisation, role=role).user


def front(client, plan) -> Page:
    response = client.get(reverse("reports:front", args=[plan.slug]))
    assert response.status_code == 200
    return Page(response.content.decode())


def follow(client, page: Page, text: str) -> tuple[Page, str]:
    """The page the link of `text` goes to, and the table its address points at."""
    address = urlsplit(page.links[text])
    response = client.get(address.path)
    assert response.status_code == 200, page.links[text]
    return Page(response.content.decode()), address.fragment


@pytest.fixture
def funded_plan(db):
    """Two years, two workstreams, a grant ending after the first year paying half of a
    permanent post, a finding answered and one not, an uplift costing nothing new."""
    plan = PlanFactory(name="Getting to Good", first_year=2025, last_year=2026)
    front_door = WorkstreamFactory(plan=plan, name="Front door", position=1)
    quality = WorkstreamFactory(plan=plan, name="Quality", position=2)
    inspection = Inspection.objects.create(organisation=plan.organisation, kind="ilacs")
    answered = Finding.objects.create(
        inspection=inspection, reference="para 12", text="Caseloads are too high", position=1
    )
    Finding.objects.create(
        inspection=inspection, reference="para 30", text="Supervision is not regular", position=2
    )
    worker = PlanLineFactory(
        plan=plan, workstream=front_door, title="Social Worker", annual_salary=Decimal("38001"),
        fte=Decimal("2"), fte_in_post=Decimal("0.5"), start_date=date(2025, 6, 15), position=1,
    )  # fmt: skip
    worker.findings.add(answered)
    PlanLineFactory(
        plan=plan, workstream=quality, title="Auditor", annual_salary=Decimal("30500.50"),
        fte=Decimal("1"), start_date=date(2025, 4, 1), position=2,
    )  # fmt: skip
    grant = FundingSourceFactory(
        organisation=plan.organisation, name="Families First", end_date=date(2026, 3, 31)
    )
    AllocationFactory(line=worker, source=grant, percent=Decimal("50"))
    return plan


def numbers(cells: list[str]) -> list[str]:
    return [cell for cell in cells if (cell and cell[0].isdigit()) or cell.startswith("-")]


def test_it_shows_the_totals_the_multi_year_summary_totals(client, funded_plan):
    client.force_login(member(funded_plan))
    page = front(client, funded_plan)

    table, anchor = follow(client, page, "multi-year summary by workstream")

    (shown,) = page.rows("front-costs", "line")
    (total,) = table.rows(anchor, "total")
    assert anchor == "multi-year-workstream"
    assert shown[0] == "Every line" and total[0] == "Total"
    assert shown[1:] == total[1:]
    assert len(numbers(shown)) == 5  # FTE, full-year effect, two years, total


def test_it_shows_what_requires_additional_funding_as_the_funding_table_does(client, funded_plan):
    client.force_login(member(funded_plan))
    page = front(client, funded_plan)

    table, anchor = follow(client, page, "Sources of funding")

    sources = {cells[0]: cells for cells in table.rows(anchor, "line")}
    (total,) = table.rows(anchor, "total")
    unfunded = sources["Requires additional funding"]
    by_year = page.rows("funded-unfunded", "line")
    # Sources of funding: source, kind, full year, 2025/26, 2026/27, total.
    assert [row[0] for row in by_year] == ["2025/26", "2026/27"]
    assert [row[2] for row in by_year] == unfunded[3:5]
    assert [row[3] for row in by_year] == total[3:5]
    assert f"£{unfunded[5]}" in visible_text(page.html)


def test_it_shows_funded_and_unfunded_adding_up_to_each_years_cost(client, funded_plan):
    client.force_login(member(funded_plan))
    page = front(client, funded_plan)

    for name, funded, unfunded, total, *_ in page.rows("funded-unfunded", "line"):
        assert Decimal(funded.replace(",", "")) + Decimal(unfunded.replace(",", "")) == Decimal(
            total.replace(",", "")
        ), name
    assert Decimal(page.rows("funded-unfunded", "line")[1][1]) == 0  # the grant has ended


def test_it_shows_the_recurring_pressure_of_the_multi_year_summary(client, funded_plan):
    client.force_login(member(funded_plan))
    page = front(client, funded_plan)

    table, anchor = follow(client, page, "multi-year summary")

    assert anchor == "recurring-pressure"
    assert page.tables["recurring-pressure"] == table.tables["recurring-pressure"]
    assert page.rows("recurring-pressure", "line")[0][0] == "Families First"


def test_it_names_the_grants_that_end_within_the_plan(client, funded_plan):
    client.force_login(member(funded_plan))

    text = visible_text(
        client.get(reverse("reports:front", args=[funded_plan.slug])).content.decode()
    )

    assert "Families First ends 31 Mar 2026" in text


def test_it_names_the_findings_no_line_answers_as_the_findings_table_does(client, funded_plan):
    client.force_login(member(funded_plan))
    page = front(client, funded_plan)

    table, anchor = follow(client, page, "1 of 2 findings")

    assert anchor == "finding-gaps"
    assert [cells[0] for cells in table.rows(anchor, "line")] == ["para 30"]
    assert "para 30: Supervision is not regular" in visible_text(page.html)
    assert "Caseloads are too high" not in visible_text(page.html)


def test_it_shows_recruitment_as_the_recruitment_table_totals_it(client, funded_plan):
    client.force_login(member(funded_plan))
    page = front(client, funded_plan)

    table, anchor = follow(client, page, "Recruitment")

    # Recruitment: post, status, FTE funded, FTE in post, FTE vacant, annual cost.
    (total,) = table.rows(anchor, "total")
    text = visible_text(page.html)
    assert anchor == "recruitment"
    assert total[2:5] == ["3", "0.5", "2.5"]
    assert (
        f"FTE funded (new posts) {total[2]} FTE in post {total[3]} FTE vacant {total[4]} "
        f"Annual cost of the new posts £{total[5]}"
    ) in text


def test_it_labels_the_net_fte_of_every_line_apart_from_the_new_posts_fte_funded(
    client, funded_plan
):
    PlanLineFactory(
        plan=funded_plan, kind=LineKind.RELEASED_BUDGET, title="Funded by: vacant post",
        annual_salary=Decimal("30000"), fte=Decimal("1"), start_date=date(2025, 4, 1), position=3,
    )  # fmt: skip
    client.force_login(member(funded_plan))
    page = front(client, funded_plan)

    summary, anchor = follow(client, page, "multi-year summary by workstream")
    recruitment, _ = follow(client, page, "Recruitment")

    (costs,) = page.rows("front-costs", "line")
    header = page.tables["front-costs"][0][1]
    (total,) = summary.rows(anchor, "total")
    (funded,) = recruitment.rows("recruitment", "total")
    text = visible_text(page.html)
    assert header[1] == "Net FTE" and costs[1] == total[1] == "2"
    assert funded[2] == "3"
    assert "FTE funded (new posts) 3 " in text
    assert (
        "Net FTE adds every line's FTE: new posts add theirs (3 FTE funded, under Recruitment "
        "against plan) and released budget takes away the FTE of the posts given up"
    ) in text


def test_it_lists_the_lines_that_cannot_be_costed_with_a_link_to_each(client, funded_plan):
    line = PlanLineFactory(
        plan=funded_plan, title="Practice Lead", annual_salary=None, grade=None, position=3
    )
    client.force_login(member(funded_plan))
    page = front(client, funded_plan)

    text = visible_text(page.html)
    table, _ = follow(client, page, "multi-year summary by workstream")

    assert "1 line cannot be costed" in text
    assert page.links["Practice Lead"] == reverse("posts:line", args=[funded_plan.slug, line.pk])
    assert "Not costed: Practice Lead" in visible_text(table.html)


def test_it_says_every_line_can_be_costed_when_it_can(client, funded_plan):
    client.force_login(member(funded_plan))

    assert "Every line can be costed." in visible_text(front(client, funded_plan).html)


def test_it_shows_an_empty_plan_with_nothing_to_add_up(client, plan):
    client.force_login(member(plan, Role.FINANCE_OFFICER))

    page = front(client, plan)

    text = visible_text(page.html)
    assert "has no lines yet: add a line or paste rows from Excel" in text
    assert "front-costs" not in page.tables
    assert [row[1:4] for row in page.rows("funded-unfunded", "total")] == [["0", "0", "0"]]
    assert "The plan has no new posts to recruit to" in text
    assert "No inspection findings are recorded" in text


def test_it_says_who_approved_the_plan_and_links_the_baseline_and_variance(client, funded_plan):
    approve_plan(plan=funded_plan, committee="Cabinet", meeting_date=date(2026, 3, 12))
    client.force_login(member(funded_plan))

    page = front(client, funded_plan)

    text = visible_text(page.html)
    assert "Approved by Cabinet on 12 March 2026." in text
    assert page.links["The tables as approved"] == reverse(
        "reports:baselines", args=[funded_plan.slug]
    )
    assert page.links["Variance against the approved baseline"] == reverse(
        "reports:variance", args=[funded_plan.slug]
    )


def test_it_says_a_draft_has_no_approved_baseline(client, funded_plan):
    client.force_login(member(funded_plan))

    text = visible_text(front(client, funded_plan).html)

    assert "Draft: not approved." in text
    assert "No approved baseline yet" in text


def test_it_lists_the_plans_scenarios_and_what_a_scenario_is_of(client, funded_plan):
    user = member(funded_plan, Role.FINANCE_OFFICER)
    scenario = copy_plan_as_scenario(plan=funded_plan, name="Efficient structure", user=user)
    client.force_login(user)

    parent = front(client, funded_plan)
    child = front(client, scenario)

    assert parent.links["Efficient structure"] == reverse("reports:front", args=[scenario.slug])
    assert child.links["Getting to Good"] == reverse("reports:front", args=[funded_plan.slug])
    assert "a scenario of Getting to Good" in visible_text(child.html)


def test_it_shows_a_viewer_the_front_page(client, funded_plan):
    client.force_login(member(funded_plan, Role.VIEWER))

    response = client.get(reverse("reports:front", args=[funded_plan.slug]))

    assert response.status_code == 200


def test_it_does_not_find_another_councils_plan(client, funded_plan):
    client.force_login(MembershipFactory(role=Role.ADMIN).user)

    response = client.get(reverse("reports:front", args=[funded_plan.slug]))

    assert response.status_code == 404


def test_it_sends_the_signed_out_to_sign_in(client, funded_plan):
    response = client.get(reverse("reports:front", args=[funded_plan.slug]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("sign-in"))


def test_it_is_the_plans_own_address_and_links_the_lines(client, funded_plan):
    client.force_login(member(funded_plan))

    page = front(client, funded_plan)

    assert reverse("reports:front", args=[funded_plan.slug]) == f"/plans/{funded_plan.slug}/"
    assert page.links["Lines"] == reverse("posts:workspace", args=[funded_plan.slug])


def test_it_opens_the_workspace_for_an_old_link_to_a_line_in_it(client, funded_plan):
    line = PlanLine.objects.filter(plan=funded_plan).first()
    client.force_login(member(funded_plan))

    response = client.get(f"/plans/{funded_plan.slug}/?show={line.pk}&workstream=")

    assert response.status_code == 302
    assert response["Location"] == (
        reverse("posts:workspace", args=[funded_plan.slug]) + f"?show={line.pk}&workstream="
    )


def _front_queries(client, plan) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reports:front", args=[plan.slug])).status_code == 200
    return len(queries)


def _grow(plan, lines: int, start: int) -> None:
    workstream = WorkstreamFactory(plan=plan)
    source = FundingSourceFactory(organisation=plan.organisation, end_date=date(2026, 3, 31))
    for position in range(start, start + lines):
        line = PlanLineFactory(
            plan=plan, workstream=workstream, position=position, start_date=date(2025, 4, 1)
        )
        AllocationFactory(line=line, source=source, percent=Decimal("50"))
    PlanLineFactory(plan=plan, annual_salary=None, position=start + lines)  # not costed


def test_it_reads_the_front_page_in_queries_that_do_not_grow_with_the_lines(client, funded_plan):
    client.force_login(member(funded_plan))
    _grow(funded_plan, 2, 10)
    few = _front_queries(client, funded_plan)

    _grow(funded_plan, 12, 20)
    many = _front_queries(client, funded_plan)

    assert many == few


def test_it_says_no_source_pays_for_any_line_when_none_is_allocated(client, db):
    plan = PlanFactory(first_year=2025, last_year=2026)
    PlanLineFactory(plan=plan, annual_salary=Decimal("40000"), start_date="2025-04-01")
    refigure_plan(plan=plan)
    client.force_login(member(plan))

    text = visible_text(front(client, plan).html)

    assert "No funding source pays for any line yet" in text
    assert "No line outlives a funding source that ends." not in text
