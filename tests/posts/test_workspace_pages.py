"""The workspace of a large plan (issue 17, points 3 and 7): read from the stored figures,
each workstream opens with its first rows and shows more on demand, every subtotal and the
plan's totals of every line always shown, in queries that do not grow with the lines."""

from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from figures.costing import PlanCoster, lines_for_costing
from figures.models import PlanFigures
from investplan.models import Role
from posts import workspace
from posts.models import LineKind
from posts.services import line_version
from posts.workspace import WorkspaceOptions, build_workspace
from tests.factories import (
    AllocationFactory,
    FundingSourceFactory,
    MembershipFactory,
    PayScaleFactory,
    PlanFactory,
    PlanLineFactory,
    TeamFactory,
    WorkstreamFactory,
    make_grade,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    """Pages of a few rows, so a plan of a dozen lines runs over them."""
    monkeypatch.setattr(workspace, "FIRST_PAGE_ROWS", 6)
    monkeypatch.setattr(workspace, "FEWEST_ROWS", 3)
    monkeypatch.setattr(workspace, "MORE_ROWS", 4)


@pytest.fixture
def plan():
    """Two workstreams: Assessment of ten posts, each £1,000 a year dearer than the last,
    and Quality of two."""
    plan = PlanFactory(first_year=2025, last_year=2026)
    assessment = WorkstreamFactory(plan=plan, name="Assessment", position=1)
    quality = WorkstreamFactory(plan=plan, name="Quality", position=2)
    for number in range(10):
        PlanLineFactory(
            plan=plan,
            title=f"Social Worker {number}",
            workstream=assessment,
            annual_salary=Decimal(30000 + 1000 * number),
            start_date="2025-04-01",
            position=number,
        )
    for number in range(2):
        PlanLineFactory(
            plan=plan,
            title=f"Auditor {number}",
            workstream=quality,
            annual_salary=Decimal("35000"),
            start_date="2025-04-01",
            position=20 + number,
        )
    return plan


@pytest.fixture
def officer(client, plan):
    client.force_login(
        MembershipFactory(organisation=plan.organisation, role=Role.FINANCE_OFFICER).user
    )
    return client


def titles(group) -> list[str]:
    return [row.line.title for row in group.rows]


def test_it_opens_each_workstream_with_its_first_rows(plan):
    sheet = build_workspace(plan)
    assessment, quality = sheet.groups

    assert sheet.first_rows == 3  # six rows a page, shared by two workstreams
    assert titles(assessment) == ["Social Worker 0", "Social Worker 1", "Social Worker 2"]
    assert (assessment.lines, assessment.not_shown, assessment.next_rows) == (10, 7, 4)
    assert titles(quality) == ["Auditor 0", "Auditor 1"] and quality.not_shown == 0


def test_it_totals_every_line_of_a_workstream_whether_shown_or_not(plan):
    assessment = build_workspace(plan).groups[0]

    # 30,000 to 39,000 plus 29% on-costs, each year: ten posts, three shown.
    assert assessment.subtotal.full_year == Decimal("445050")
    assert assessment.subtotal.total == Decimal("890100")
    assert assessment.subtotal.fte == Decimal("10")


def test_it_casts_the_plan_totals_from_every_subtotal(plan):
    sheet = build_workspace(plan)

    assert sheet.totals.full_year == sum(group.subtotal.full_year for group in sheet.groups)
    assert sheet.totals.full_year == Decimal("535350")  # 445,050 + 2 x 45,150
    assert sheet.totals.fte == Decimal("12")


def test_it_prints_each_line_as_the_engine_costs_it_to_the_pound(plan):
    coster = PlanCoster(plan)
    read = lines_for_costing(plan)
    sheet = build_workspace(plan, whole=True)

    assert sheet.rows_shown == 12
    for line in read.lines:
        printed = coster.printed(line, read).figures
        row = sheet.group_of(line.pk)[1]
        assert (row.figures.fte, row.figures.full_year, row.figures.years) == (
            printed.fte,
            printed.full_year,
            printed.years,
        )


def test_it_sorts_every_line_of_a_workstream_not_only_those_shown(plan):
    dearest_first = build_workspace(plan, WorkspaceOptions(sort="total", descending=True))

    assert titles(dearest_first.groups[0]) == [
        "Social Worker 9",
        "Social Worker 8",
        "Social Worker 7",
    ]


def test_it_shows_the_next_rows_of_a_workstream_when_asked(officer, plan):
    assessment = plan.workstreams.get(name="Assessment")
    more = reverse("posts:workspace-more", args=[plan.slug])

    response = officer.get(more, {"group": assessment.pk, "from": 3}, **HTMX)

    page = unescape(response.content.decode())
    shown = [f"Social Worker {number}" for number in range(3, 7)]
    assert all(f">{title}<" in page for title in shown)
    assert 'tabindex="-1" data-focus>Social Worker 3<' in page  # the focus moves to it
    assert "Social Worker 7" not in page and "Social Worker 2<" not in page
    assert "7 of 10 lines in Assessment shown." in page
    assert "Show 3 more" in page
    assert "Showing 7 of 10 lines in Assessment." in page  # said to a screen reader


def test_it_keeps_the_filters_and_sort_when_showing_more(officer, plan):
    assessment = plan.workstreams.get(name="Assessment")
    more = reverse("posts:workspace-more", args=[plan.slug])

    response = officer.get(
        more, {"group": assessment.pk, "from": 3, "sort": "total", "dir": "desc"}, **HTMX
    )

    page = response.content.decode()
    assert page.index(">Social Worker 6<") < page.index(">Social Worker 3<")
    assert "Social Worker 9" not in page


def test_it_asks_for_the_next_rows_at_their_own_address(officer, plan):
    assessment = plan.workstreams.get(name="Assessment")
    first = officer.get(reverse("posts:workspace", args=[plan.slug])).content.decode()

    asked = unescape(first.split('class="more"')[1].split('hx-get="')[1].split('"')[0])

    more = reverse("posts:workspace-more", args=[plan.slug])
    assert asked == f"{more}?group={assessment.pk}&from=3"


def test_it_shows_more_without_javascript_by_opening_the_page_further(officer, plan):
    assessment = plan.workstreams.get(name="Assessment")
    first = officer.get(reverse("posts:workspace", args=[plan.slug])).content.decode()
    link = unescape(first.split('class="more"')[1].split('href="')[1].split('"')[0])

    opened = officer.get(link).content.decode()

    assert link.startswith(reverse("posts:workspace", args=[plan.slug]) + "?")
    assert f"open={assessment.pk}" in link and "upto=7" in link
    assert ">Social Worker 6<" in opened and ">Social Worker 7<" not in opened
    assert "7 of 10 lines in Assessment shown." in opened


def test_it_opens_the_workstream_down_to_a_line_linked_to(officer, plan):
    line = plan.lines.get(title="Social Worker 5")

    page = officer.get(reverse("posts:workspace", args=[plan.slug]), {"show": line.pk})

    text = page.content.decode()
    assert f'id="line-{line.pk}"' in text
    # Three rows, then four more, as if "Show more" had been pressed once.
    assert ">Social Worker 6<" in text and ">Social Worker 7<" not in text
    assert "7 of 10 lines in Assessment shown." in text


def test_it_sends_a_line_saved_on_its_own_page_to_its_row(officer, plan):
    line = plan.lines.get(title="Social Worker 8")

    response = officer.post(
        reverse("posts:line-duplicate", args=[plan.slug, line.pk]),
    )

    copy = plan.lines.exclude(pk=line.pk).get(title__startswith="Social Worker 8")
    assert response["Location"].endswith(f"?show={copy.pk}#line-{copy.pk}")
    page = officer.get(response["Location"]).content.decode()
    assert f'id="line-{copy.pk}"' in page


def test_it_saves_a_line_beyond_the_first_rows_in_place_with_its_subtotal_and_totals(officer, plan):
    line = plan.lines.get(title="Social Worker 9")  # 39,000 + 29% = 50,310 a year
    data = {
        "title": line.title,
        "fte": "0.5",
        "start_date": "2025-04-01",
        "duration_months": "",
        "version": line_version(line) or "",
    }

    response = officer.post(reverse("posts:line-in-place", args=[plan.slug, line.pk]), data, **HTMX)

    page = response.content.decode()
    assert f'<tr id="line-{line.pk}" class="line">' in page
    assert "25,155" in page  # the row: half of 50,310
    assert "419,895" in page  # Assessment's annual subtotal: 445,050 less 25,155
    assert "510,195" in page  # the plan's: 535,350 less 25,155
    assert 'id="plan-totals" hx-swap-oob="true"' in page


def test_it_lists_lines_that_cannot_be_costed_from_their_stored_figures(officer, plan):
    ungraded = PlanLineFactory(
        plan=plan, title="Senior Practitioner", annual_salary=None, position=99
    )

    page = officer.get(reverse("posts:workspace", args=[plan.slug])).content.decode()

    summary = page[page.index("Lines that cannot be costed") :]
    assert f'href="?show={ungraded.pk}#line-{ungraded.pk}">Senior Practitioner</a>' in summary
    assert f'<tr id="line-{ungraded.pk}" class="line not-costed">' in page


def test_it_says_when_the_figures_are_being_recalculated(officer, plan):
    PlanFigures.objects.create(plan=plan, wanted=2, done=1)

    page = officer.get(reverse("posts:workspace", args=[plan.slug])).content.decode()

    assert "Figures are being recalculated" in page


def test_it_says_once_that_the_figures_are_being_recalculated(officer, plan):
    PlanFigures.objects.create(plan=plan, wanted=2, done=1)

    page = officer.get(reverse("posts:workspace", args=[plan.slug])).content.decode()

    assert page.count("being recalculated") == 1


def test_it_searches_every_word_in_any_field_in_any_case(plan):
    scale = PayScaleFactory(organisation=plan.organisation)
    grade = make_grade(scale, "K9", ["40000"], year=2025)
    senior = make_grade(scale, "M2", ["50000"], year=2025)
    PlanLineFactory(
        plan=plan,
        kind=LineKind.UPLIFT,
        title="Practice lead",
        from_grade=grade,
        grade=senior,
        annual_salary=None,
        team=TeamFactory(organisation=plan.organisation, name="North"),
        start_date="2025-04-01",
    )

    found = build_workspace(plan, WorkspaceOptions(search="k9 TO m2 north"))

    assert [titles(group) for group in found.groups] == [["Practice lead"]]
    assert found.groups[0].rows[0].line.grade_text == "K9 to M2"
    assert found.lines_matching == 1 and found.lines_in_plan == 13


def test_it_filters_before_it_pages(plan):
    sheet = build_workspace(plan, WorkspaceOptions(search="worker 7"))

    assert [titles(group) for group in sheet.groups] == [["Social Worker 7"]]
    assert sheet.totals.full_year == Decimal("47730")  # 37,000 + 29%


def test_it_reads_the_page_in_queries_that_do_not_grow_with_the_lines(
    client, django_assert_num_queries
):
    plan = PlanFactory()
    client.force_login(MembershipFactory(organisation=plan.organisation, role=Role.ADMIN).user)
    address = reverse("posts:workspace", args=[plan.slug])
    workstreams = [WorkstreamFactory(plan=plan, position=number) for number in range(2)]

    def add_lines(count: int) -> None:
        for number in range(count):
            line = PlanLineFactory(
                plan=plan,
                workstream=workstreams[number % 2],
                team=TeamFactory(organisation=plan.organisation),
            )
            grant = FundingSourceFactory(organisation=plan.organisation, end_date=date(2021, 3, 31))
            AllocationFactory(line=line, source=grant, percent=Decimal("100"))

    add_lines(3)
    with CaptureQueriesContext(connection) as three:
        assert client.get(address).status_code == 200
    more = (
        reverse("posts:workspace-more", args=[plan.slug]),
        {"group": workstreams[0].pk, "from": 1},
    )
    with CaptureQueriesContext(connection) as three_more:
        assert client.get(*more, **HTMX).status_code == 200

    add_lines(27)
    with django_assert_num_queries(len(three)):
        page = client.get(address)
    assert page.content.decode().count('class="line"') == 6  # three of each workstream's 15
    with django_assert_num_queries(len(three_more)):
        assert client.get(*more, **HTMX).content.decode().count('class="line"') == 4


def test_it_shows_more_of_the_lines_with_no_workstream(officer, plan):
    for number in range(5):
        PlanLineFactory(plan=plan, title=f"Analyst {number}", position=40 + number)
    first = officer.get(reverse("posts:workspace", args=[plan.slug])).content.decode()
    more = reverse("posts:workspace-more", args=[plan.slug])

    response = officer.get(more, {"group": "none", "from": 3}, **HTMX)

    assert "3 of 5 lines in No workstream shown." in first
    page = response.content.decode()
    assert ">Analyst 3<" in page and ">Analyst 4<" in page and ">Analyst 2<" not in page
    assert 'class="more"' not in page  # nothing more to show
