"""The plan's charts page and each chart's image: who may see them, what they show."""

import pytest
from django.urls import reverse

from investplan.models import Role
from investplan.services import approve_plan
from reports.plan_charts import chart_block, plan_chart
from tests.factories import MembershipFactory
from tests.pages import visible_text
from tests.reports.test_charts import funded_plan  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def signed_in(client, plan, role=Role.VIEWER):
    client.force_login(MembershipFactory(organisation=plan.organisation, role=role).user)
    return client


def test_it_shows_the_four_charts_each_with_its_table(client, funded_plan):  # noqa: F811
    page = signed_in(client, funded_plan).get(reverse("reports:charts", args=[funded_plan.slug]))

    html = page.content.decode()
    assert page.status_code == 200
    for slug, table in [
        ("cost-by-year", "multi-year-workstream"),
        ("funding-cliff", "funded-unfunded"),
        ("recruitment", "recruitment"),
    ]:
        assert f'src="/plans/{funded_plan.slug}/charts/{slug}.svg"' in html
        assert f'<table class="report" id="{table}">' in html
    assert "no baseline to chart it against" in html


def test_it_charts_the_plan_against_its_approved_baseline(client, funded_plan):  # noqa: F811
    user = MembershipFactory(organisation=funded_plan.organisation, role=Role.HEAD_OF_SERVICE).user
    approve_plan(plan=funded_plan, user=user)
    client.force_login(user)

    html = client.get(reverse("reports:charts", args=[funded_plan.slug])).content.decode()
    svg = client.get(reverse("reports:chart", args=[funded_plan.slug, "plan-against-baseline"]))

    assert 'id="variance-summary"' in html
    assert svg.status_code == 200
    assert "The plan now against the approved baseline" in svg.content.decode()


def test_it_says_which_charts_a_workstream_filter_applies_to_and_which_show_the_whole_plan(
    client,
    funded_plan,  # noqa: F811
):
    user = MembershipFactory(organisation=funded_plan.organisation, role=Role.HEAD_OF_SERVICE).user
    approve_plan(plan=funded_plan, user=user)
    client.force_login(user)
    front_door = funded_plan.workstreams.get(name="Front door")

    page = client.get(
        reverse("reports:charts", args=[funded_plan.slug]), {"workstream": front_door.pk}
    )

    text = visible_text(page.content.decode())
    assert (
        "Showing only lines with workstream “Front door”. The charts of cost by financial "
        "year, the funding cliff and recruitment show only those lines. The chart against the "
        "approved baseline shows the whole plan: the approved baseline is kept for the whole "
        "plan, not line by line."
    ) in text
    assert "Against the approved baseline The whole plan, not only the lines filtered to." in text


def test_it_says_nothing_of_filters_on_the_charts_of_the_whole_plan(client, funded_plan):  # noqa: F811
    page = signed_in(client, funded_plan).get(reverse("reports:charts", args=[funded_plan.slug]))

    text = visible_text(page.content.decode())
    assert "Showing only" not in text and "The whole plan, not only" not in text


def test_it_answers_each_chart_as_an_svg_image_with_a_policy_of_its_own(
    client,
    funded_plan,  # noqa: F811
):
    signed_in(client, funded_plan)

    response = client.get(reverse("reports:chart", args=[funded_plan.slug, "funding-cliff"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    policy = {part.strip() for part in response["Content-Security-Policy"].split(";")}
    assert policy == {"default-src 'none'", "style-src 'unsafe-inline'"}
    assert response.content.decode().startswith("<svg")


def test_it_answers_404_for_a_chart_that_does_not_exist(client, funded_plan):  # noqa: F811
    signed_in(client, funded_plan)

    response = client.get(reverse("reports:chart", args=[funded_plan.slug, "no-such-chart"]))

    assert response.status_code == 404


def test_it_hides_another_councils_charts(client, funded_plan):  # noqa: F811
    client.force_login(MembershipFactory(role=Role.ADMIN).user)

    for address in (
        reverse("reports:charts", args=[funded_plan.slug]),
        reverse("reports:chart", args=[funded_plan.slug, "cost-by-year"]),
    ):
        assert client.get(address).status_code == 404


def test_it_shows_a_tables_chart_above_it_on_its_report_page(client, funded_plan):  # noqa: F811
    signed_in(client, funded_plan)

    html = client.get(
        reverse("reports:report", args=[funded_plan.slug, "multi-year"]), {"by": "team"}
    ).content.decode()

    chart = html.index(f'src="/plans/{funded_plan.slug}/charts/cost-by-year.svg?by=team"')
    assert chart < html.index('id="multi-year-team"')
    assert 'alt="Cost by financial year, by where based. 2020/21: ' in html


def test_it_gives_the_front_page_the_funding_cliff_with_its_table(funded_plan):  # noqa: F811
    chart = plan_chart(funded_plan, "funding-cliff")

    block = chart_block(funded_plan, chart)

    assert chart.table.slug == "funded-unfunded"
    assert chart.svg().startswith("<svg")
    assert "Families First ends 31 Mar 2021" in chart.alt
    assert f'src="/plans/{funded_plan.slug}/charts/funding-cliff.svg"' in block
    assert '<table class="report" id="funded-unfunded">' in block


def test_it_prints_the_recruitment_charts_table_a_row_a_workstream_not_headings_and_subtotals(
    client,
    funded_plan,  # noqa: F811
):
    html = signed_in(client, funded_plan).get(reverse("reports:charts", args=[funded_plan.slug]))
    html = html.content.decode()

    table = html[html.index('<table class="report" id="recruitment">') :]
    table = table[: table.index("</table>")]
    assert "Subtotal" not in table
    assert 'class="heading"' not in table
    assert ">Workstream</th>" in table
    assert ">Front door</" in table and ">Total</" in table
