"""The financial implications in words (issue 19, point 3): every figure a sentence prints
is a cell of a committee table, found again in the table the page links it to; the
sentences say in words what a plan without funding, a baseline, lines or costs lacks."""

import io
import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import docx
import pytest
from django.urls import reverse

from figures.services import refigure_plan
from investplan.models import EmployerNIRate, OnCostMethod, PayAward, Role
from investplan.services import approve_plan, reopen_plan
from posts.models import LineKind, PlanLine
from reports.implications import financial_implications
from reports.tables import format_cell
from tests.factories import (
    AllocationFactory,
    FundingSourceFactory,
    MembershipFactory,
    PlanFactory,
    PlanLineFactory,
)
from tests.pages import visible_text
from tests.reports.helpers import funded_and_changed_plan, page_header
from tests.reports.test_query_counts import made_plan

pytestmark = pytest.mark.django_db

MONEY = re.compile(r"-?£\d{1,3}(?:,\d{3})*(?:\.\d\d)?")
FTE = re.compile(r"(-?\d{1,3}(?:,\d{3})*(?:\.\d+)?) FTE")


@pytest.fixture
def plan():
    return funded_and_changed_plan()


def reader(plan, role=Role.VIEWER):
    return MembershipFactory(organisation=plan.organisation, role=role).user


def page(client, plan, role=Role.VIEWER):
    client.force_login(reader(plan, role))
    response = client.get(reverse("reports:financial-implications", args=[plan.slug]))
    assert response.status_code == 200
    return response.content.decode()


class _Figures(HTMLParser):
    """The implications' text, and each figure link in it: (text, address)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.text: list[str] = []
        self.links: list[tuple[str, str]] = []
        self._link = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "article":
            self.depth += 1
        if self.depth and tag == "a" and "figure" in (attributes.get("class") or ""):
            self._link = [attributes["href"], ""]

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1
        if tag == "a" and self._link:
            self.links.append((self._link[1], self._link[0]))
            self._link = None

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)
            if self._link:
                self._link[1] += data


class _Table(HTMLParser):
    """Every cell's text of the table with the given id."""

    def __init__(self, table_id):
        super().__init__(convert_charrefs=True)
        self.table_id, self.inside, self.cells, self._cell = table_id, False, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag in {"td", "th"}:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in {"td", "th"} and self._cell is not None:
            self.cells.append(self._cell.strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def figures_in(html):
    parsed = _Figures()
    parsed.feed(html)
    return " ".join("".join(parsed.text).split()), parsed.links


def cells_of(client, address):
    path, table_id = address.split("#")
    response = client.get(path)
    assert response.status_code == 200, address
    table = _Table(table_id)
    table.feed(response.content.decode())
    assert table.cells, f"no table {table_id} at {path}"
    return set(table.cells)


def bare(figure: str) -> str:
    """A figure as a table cell prints it: no pound sign, no unit, no sign."""
    return figure.replace("£", "").removesuffix(" FTE").lstrip("-")


def assert_every_figure_is_in_its_table(client, html):
    text, links = figures_in(html)
    read = MONEY.findall(text) + [f"{number} FTE" for number in FTE.findall(text)]
    assert read, "no figures read from the sentences"
    linked = [figure for figure, _ in links]
    # Every figure the sentences print is a link to a table (and nothing else is).
    assert sorted(read) == sorted(linked)
    tables: dict[str, set[str]] = {}
    for figure, address in links:
        if address not in tables:
            tables[address] = cells_of(client, address)
        cells = {cell.lstrip("-") for cell in tables[address]}
        assert bare(figure) in cells, f"{figure} is not in {address}"


def test_it_finds_every_figure_of_the_demo_plan_in_the_table_it_links(client, demo):
    assert_every_figure_is_in_its_table(client, page(client, demo))


def test_it_finds_every_figure_of_a_funded_and_changed_plan_in_the_table_it_links(client, plan):
    assert_every_figure_is_in_its_table(client, page(client, plan))


def test_it_finds_every_figure_of_a_plan_of_every_kind_of_line_in_the_table_it_links(client):
    plan = made_plan(30)
    approve_plan(plan=plan)
    reopen_plan(plan=plan)
    PlanLine.objects.filter(plan=plan, position__lt=6).delete()
    type(plan).bump_revision(plan.pk)
    refigure_plan(plan=plan)
    assert_every_figure_is_in_its_table(client, page(client, plan))


def test_it_keeps_for_each_figure_the_table_row_and_column_it_is_printed_in(plan):
    implications = financial_implications(plan)
    tables = {table.slug: table for _, table in implications.tables}
    assert implications.figures
    for figure in implications.figures:
        table = tables[figure.table]
        row = table.rows[figure.row]
        column = next(column for column in table.columns if column.key == figure.column)
        assert row.cells[figure.column] == figure.value
        assert row.cells[table.columns[0].key] == figure.row_label
        assert bare(figure.text) == format_cell(column, figure.value).lstrip("-")


def sections(plan) -> dict[str, str]:
    return {
        heading: " ".join(paragraphs)
        for heading, paragraphs in financial_implications(plan).prose()
    }


def test_it_says_what_the_plan_costs_each_year_and_in_total(plan):
    cost = sections(plan)["The cost of the plan"]
    assert re.search(
        r"The plan costs £[\d,]+ over its three financial years, 2025/26 to 2027/28: "
        r"£[\d,]+ in 2025/26, £[\d,]+ in 2026/27 and £[\d,]+ in 2027/28\.",
        cost,
    )
    assert "Its full-year effect" in cost
    assert (
        "its lines come to a net 3 FTE (new posts, less any posts given up to pay for them)"
    ) in cost


def test_it_says_what_each_source_meets_and_what_requires_additional_funding(plan):
    said = sections(plan)
    funded = said["How the plan is funded"]
    assert re.search(r"Families First grant meets £[\d,]+ over the plan", funded)
    assert re.search(r"Base budget meets £[\d,]+ over the plan", funded)
    assert re.search(
        r"Families First grant is allocated £[\d,]+ in 2025/26 against £50,000 available", funded
    )
    assert re.search(
        r"Of the plan's cost, £[\d,]+ is not met by any funding source and requires "
        r"additional funding",
        said["What requires additional funding"],
    )


def test_it_says_when_a_grant_ends_before_the_permanent_posts_it_pays_for(plan):
    ends = sections(plan)["When funding ends"]
    assert "Families First grant ends on 31 Mar 2026." in ends
    assert "It pays for 2 lines that continue after it ends, 1 of them permanent." in ends
    assert re.search(
        r"From 2026/27 that leaves a pressure of £[\d,]+ for a full year "
        r"\(£[\d,]+ over the rest of the plan\)",
        ends,
    )
    assert "time-limited appointments" in ends


def test_it_says_the_on_cost_and_pay_award_assumptions(plan):
    said = sections(plan)["Assumptions"]
    assert "at a flat 29% of pay" in said
    assert "a pay award of 3% from April 2026 (an assumption, not yet agreed)" in said
    assert "no increments are assumed" in said


def test_it_says_the_computed_on_costs_and_agreed_awards(client):
    plan = PlanFactory(first_year=2025, last_year=2026)
    assumptions = plan.assumptions
    assumptions.on_cost_method = OnCostMethod.COMPUTED
    assumptions.pension_percent = Decimal("19.5")
    assumptions.levy_percent = Decimal("0.5")
    assumptions.increments = True
    assumptions.save()
    EmployerNIRate.objects.create(
        assumptions=assumptions, financial_year=2025, percent=Decimal("15"),
        secondary_threshold=Decimal("5000"),
    )  # fmt: skip
    PayAward.objects.create(
        assumptions=assumptions, financial_year=2026, percent=Decimal("2.5"), agreed=True
    )
    PlanLineFactory(plan=plan, start_date=date(2025, 4, 1))
    refigure_plan(plan=plan)
    said = sections(plan)["Assumptions"]
    assert (
        "They include employer National Insurance on pay above the threshold (15% from "
        "2025/26), employer pension at 19.5% of pay and the apprenticeship levy at 0.5%."
    ) in said
    assert "They assume a pay award of 2.5% from April 2026 (agreed)." in said
    assert "A pay award above what is assumed" not in said
    assert "Posts move up one spinal point each April" in said
    assert not MONEY.search(said)  # the threshold is in the assumptions beneath the tables


def test_it_gives_the_sections_as_headings_with_paragraphs_of_plain_text(plan):
    prose = financial_implications(plan).prose()
    assert [heading for heading, _ in prose] == [
        "The cost of the plan",
        "How the plan is funded",
        "What requires additional funding",
        "When funding ends",
        "Assumptions",
        "Against the approved baseline",
    ]
    assert all(
        isinstance(paragraph, str) and paragraph.endswith(".")
        for _, paragraphs in prose
        for paragraph in paragraphs
    )


def test_it_says_how_the_plan_differs_from_the_approved_baseline(plan):
    said = sections(plan)["Against the approved baseline"]
    assert "The approved baseline is the plan as Cabinet approved it at its meeting on 12 " in said
    assert re.search(
        r"The plan now costs £486,975 against £387,903 approved, £99,072 more; "
        r"it has 3 FTE against 2.5 FTE approved\.",
        said,
    )
    assert "Children in care costs £99,072 more than approved, with 0.5 FTE more." in said
    assert "Front door" not in said  # unchanged


def test_it_says_a_plan_as_approved_is_as_approved(plan):
    approve_plan(plan=plan)
    said = sections(plan)["Against the approved baseline"]
    assert re.search(r"Its figures are as approved: £[\d,]+ in total, for 3 FTE\.", said)


def test_it_says_so_when_the_plan_has_no_funding_source_or_baseline(client, demo):
    said = sections(demo)
    assert said["How the plan is funded"] == (
        "No funding source is allocated to any line of the plan yet."
    )
    assert said["What requires additional funding"].startswith(
        "As no funding source is allocated, the whole cost of the plan, £3,094,223"
    )
    assert said["When funding ends"].startswith("No funding source is allocated")
    assert said["Against the approved baseline"].startswith(
        "The plan has no approved baseline: it has not yet been approved by committee"
    )


def test_it_says_so_when_the_plan_has_no_lines(client):
    plan = PlanFactory(first_year=2025, last_year=2026)
    text = visible_text(page(client, plan))
    assert "The plan has no lines yet, so there are no costs, funding or pressures to report." in (
        text
    )
    assert "The plan has no approved baseline" in text
    assert not MONEY.search(figures_in(page(client, plan))[0])


def test_it_names_the_lines_that_cannot_be_costed(client):
    plan = PlanFactory(first_year=2025, last_year=2026)
    PlanLineFactory(plan=plan, title="Head of Service", annual_salary=None, grade=None)
    PlanLineFactory(
        plan=plan, title="Audit resource", kind=LineKind.NON_STAFF, annual_salary=None, fte=None
    )
    refigure_plan(plan=plan)
    text = visible_text(page(client, plan))
    assert "None of the plan's lines has a cost yet, so the plan costs nothing" in text
    assert "As the plan has no costs yet, nothing requires additional funding." in text
    assert (
        "One line cannot be costed yet and is not included in these figures: Head of Service ("
    ) in text
    assert (
        "One non-staff cost has no amount stated yet and is counted as nothing: Audit resource."
    ) in text


def test_it_says_when_every_line_is_funded_and_no_grant_ends(client):
    plan = PlanFactory(first_year=2025, last_year=2025)
    line = PlanLineFactory(plan=plan, title="Social Worker", start_date=date(2025, 4, 1))
    AllocationFactory(line=line, percent=Decimal("100"))
    refigure_plan(plan=plan)
    said = sections(plan)
    assert re.search(r"The plan costs £[\d,]+ in 2025/26, its one financial year\.", said[
        "The cost of the plan"
    ])  # fmt: skip
    assert said["What requires additional funding"] == (
        "Every line's cost is met by a funding source: nothing requires additional funding."
    )
    assert said["When funding ends"].startswith("No time-limited funding source ends")
    assert_every_figure_is_in_its_table(client, page(client, plan))


def test_it_says_the_unfunded_full_year_is_while_grants_pay_and_adds_the_pressure_after(plan):
    implications = financial_implications(plan)
    section = next(s for s in implications.sections if s.heading.startswith("What requires"))

    unfunded, after = section.paragraphs
    pressure = after.figures[-1]
    ends = sections(plan)["When funding ends"]
    assert unfunded.text.endswith(
        ", counting what each grant pays for from the year it ends as unfunded."
    )
    assert after.text.startswith(
        "In a full year, £70,950 requires additional funding while every grant still pays."
    )
    assert (
        f"When funding ends, a further {pressure.text} for a full year requires additional funding"
        in after.text
    )
    assert (pressure.table, pressure.row_label, pressure.column) == (
        "recurring-pressure",
        "Total",
        "full_year",
    )
    assert f"leaves a pressure of {pressure.text} for a full year" in ends


def test_it_says_the_pressure_when_every_line_is_funded_until_its_grant_ends(client):
    plan = PlanFactory(first_year=2025, last_year=2025)
    line = PlanLineFactory(plan=plan, title="Social Worker", start_date=date(2025, 4, 1))
    grant = FundingSourceFactory(organisation=plan.organisation, end_date=date(2026, 3, 31))
    AllocationFactory(line=line, source=grant, percent=Decimal("100"))
    refigure_plan(plan=plan)

    said = sections(plan)["What requires additional funding"]

    assert re.fullmatch(
        r"Every line's cost is met by a funding source while it pays\. When funding ends, "
        r"£[\d,]+ for a full year requires additional funding: the recurring pressure set out "
        r"under “When funding ends”\.",
        said,
    )
    assert_every_figure_is_in_its_table(client, page(client, plan))


def test_it_says_one_line_outliving_its_grant_in_the_singular(client):
    plan = PlanFactory(first_year=2025, last_year=2026)
    line = PlanLineFactory(plan=plan, title="Social Worker", start_date=date(2025, 4, 1))
    grant = FundingSourceFactory(organisation=plan.organisation, end_date=date(2026, 3, 31))
    AllocationFactory(line=line, source=grant, percent=Decimal("100"))
    refigure_plan(plan=plan)

    ends = sections(plan)["When funding ends"]

    assert "It pays for 1 line that continues after it ends, a permanent post." in ends
    assert ends.endswith("unless the post ends with the grant, as a time-limited appointment.")
    assert "the posts" not in ends


def test_it_is_linked_from_the_committee_tables(client, plan):
    client.force_login(reader(plan))
    response = client.get(reverse("reports:report", args=[plan.slug, "resource-requirement"]))
    assert reverse("reports:financial-implications", args=[plan.slug]) in response.content.decode()


def test_it_hides_another_councils_plan(client, plan):
    client.force_login(MembershipFactory(role=Role.ADMIN).user)
    response = client.get(reverse("reports:financial-implications", args=[plan.slug]))
    assert response.status_code == 404


def word_of(client, plan, role=Role.FINANCE_OFFICER):
    client.force_login(reader(plan, role))
    response = client.get(reverse("reports:financial-implications-docx", args=[plan.slug]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{plan.slug}-financial-implications.docx"'
    )
    return docx.Document(io.BytesIO(response.content))


def word_paragraphs(client, plan, role=Role.FINANCE_OFFICER):
    return [paragraph.text for paragraph in word_of(client, plan, role).paragraphs]


def page_headings(html: str) -> list[str]:
    article = html[html.index("<article") : html.index("</article>")]
    return [" ".join(h.split()) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", article, re.S)]


def test_it_marks_a_draft_plans_word_file_draft_as_the_table_files_are(client, plan):
    word = word_of(client, plan)

    header = page_header(word.sections[0])
    assert "DRAFT" in header
    assert word.sections[0].footer.paragraphs[0].text.endswith("Status: Draft")
    assert "Draft (reopened): not the plan as approved by Cabinet" in word.paragraphs[1].text


def test_it_leaves_the_draft_mark_off_an_approved_plans_word_file(client, plan):
    approve_plan(plan=plan, committee="Cabinet", meeting_date=date(2026, 3, 12))

    word = word_of(client, plan)

    assert "DRAFT" not in page_header(word.sections[0])
    assert "Approved by Cabinet on 12 March 2026" in word.paragraphs[1].text


def test_it_numbers_the_headings_in_word_as_on_the_page(client, plan):
    on_page = page_headings(page(client, plan))

    word = word_of(client, plan)

    in_word = [p.text for p in word.paragraphs if p.style.name == "Heading 2"]
    assert in_word == on_page
    assert in_word[:2] == ["1. The cost of the plan", "2. How the plan is funded"]
    assert in_word[-1] == "6. Against the approved baseline"


def test_it_writes_the_page_s_sentences_and_figures_into_word(client, plan):
    _, links = figures_in(page(client, plan))

    written = word_paragraphs(client, plan)

    for heading, paragraphs in financial_implications(plan).numbered_prose():
        assert heading in written
        for paragraph in paragraphs:
            assert paragraph in written
    words = " ".join(written)
    assert links and all(figure in words for figure, _ in links)


def test_it_offers_the_word_file_to_those_who_print_and_refuses_a_viewer(client, plan):
    address = reverse("reports:financial-implications-docx", args=[plan.slug])
    assert address in page(client, plan, Role.HEAD_OF_SERVICE)
    assert address not in page(client, plan, Role.VIEWER)

    assert client.get(address).status_code == 403


def test_it_hides_another_councils_plan_in_word(client, plan):
    client.force_login(MembershipFactory(role=Role.ADMIN).user)
    response = client.get(reverse("reports:financial-implications-docx", args=[plan.slug]))
    assert response.status_code == 404


def test_it_names_the_committee_and_meeting_that_approved_the_baseline(plan):
    approve_plan(plan=plan, committee="Cabinet", meeting_date=date(2026, 3, 10))
    PlanLine.objects.filter(plan=plan).update(fte=Decimal("2"))
    refigure_plan(plan=plan)

    said = sections(plan)["Against the approved baseline"]

    assert "The approved baseline is the plan as Cabinet approved it at its meeting on " in said
    assert "10 March 2026;" in said
