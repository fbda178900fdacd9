"""The plan workspace in a real browser (issue 5, point 9)."""

import re
from decimal import Decimal

from playwright.sync_api import expect

from posts.models import PlanLine
from tests.e2e.conftest import sign_in


def _workspace(page, live_server, plan):
    page.goto(f"{live_server.url}/plans/{plan.slug}/lines/")


def _edit_in_place(page, line):
    """Open the line's editing row and wait until htmx has settled it: the row's first
    field then has the focus, and typing in it is seen."""
    page.get_by_role("button", name=f"Edit {line.title} here").click()
    expect(page.locator(f"#id_title-{line.pk}")).to_be_focused()


def test_it_updates_the_row_its_subtotal_and_the_totals_when_an_fte_is_saved(
    page, live_server, council_plan
):
    plan, social_worker = council_plan["plan"], council_plan["lines"][0]
    sign_in(page, live_server, "fiona")
    _workspace(page, live_server, plan)
    row = page.locator(f"#line-{social_worker.pk}")
    totals = page.locator("#plan-totals")
    expect(totals).to_contain_text("283,800")  # 51,600 + 51,600 + 38,700 a year, two years

    _edit_in_place(page, social_worker)
    fte = page.locator(f"#fte-{social_worker.pk}")
    fte.fill("0.5")
    page.get_by_role("button", name="Save Social Worker").click()

    row = page.locator(f"#line-{social_worker.pk}")
    expect(row.locator("td").nth(1)).to_have_text("0.5")
    expect(row).to_contain_text("25,800")
    expect(page.locator("#subtotal-group-" + str(social_worker.workstream_id))).to_contain_text(
        "154,800"
    )
    expect(totals).to_contain_text("232,200")
    assert PlanLine.objects.get(pk=social_worker.pk).fte == Decimal("0.5")


def test_it_recalculates_the_cost_as_the_finance_officer_types(page, live_server, council_plan):
    plan, social_worker = council_plan["plan"], council_plan["lines"][0]
    sign_in(page, live_server, "fiona")
    _workspace(page, live_server, plan)
    _edit_in_place(page, social_worker)
    page.locator(f"#fte-{social_worker.pk}").fill("2")

    expect(page.locator(f"#line-{social_worker.pk}-annual")).to_have_text("103,200")
    expect(page.locator(f"#line-{social_worker.pk}-preview")).to_contain_text("Not saved yet")
    assert PlanLine.objects.get(pk=social_worker.pk).fte == Decimal("1")


def test_it_can_be_driven_by_keyboard_alone(page, live_server, council_plan):
    plan, social_worker = council_plan["plan"], council_plan["lines"][0]
    sign_in(page, live_server, "fiona")
    _workspace(page, live_server, plan)
    edit = page.get_by_role("button", name="Edit Social Worker here")
    edit.focus()
    page.keyboard.press("Enter")
    title = page.locator(f"#id_title-{social_worker.pk}")
    expect(title).to_be_focused()  # the editing row takes the focus
    page.keyboard.press("Tab")  # to the grade
    page.keyboard.press("Tab")  # to the FTE
    page.keyboard.press("Control+A")
    page.keyboard.type("1.5")
    page.keyboard.press("Enter")  # submits the row's form

    row = page.locator(f"#line-{social_worker.pk}")
    expect(row.locator("td").nth(1)).to_have_text("1.5")
    expect(row.get_by_role("button", name="Edit Social Worker here")).to_be_focused()


def test_it_refuses_the_second_of_two_colliding_saves_and_says_what_changed(
    browser, live_server, council_plan
):
    plan, social_worker = council_plan["plan"], council_plan["lines"][0]
    council_plan["people"]  # fiona and ada both edit
    first = browser.new_context().new_page()
    second = browser.new_context().new_page()
    sign_in(first, live_server, "fiona")
    sign_in(second, live_server, "ada")
    for page in (first, second):
        _workspace(page, live_server, plan)
        _edit_in_place(page, social_worker)

    first.locator(f"#fte-{social_worker.pk}").fill("2")
    first.get_by_role("button", name="Save Social Worker").click()
    expect(first.locator(f"#line-{social_worker.pk} td").nth(1)).to_have_text("2")

    second.locator(f"#fte-{social_worker.pk}").fill("3")
    second.get_by_role("button", name="Save Social Worker").click()
    refusal = second.locator(f"#line-{social_worker.pk}-errors")
    expect(refusal).to_contain_text("fiona changed this line")
    expect(refusal).to_contain_text("FTE: 1 → 2")
    expect(second.locator(f"#fte-{social_worker.pk}")).to_have_value("3")  # theirs is kept
    assert PlanLine.objects.get(pk=social_worker.pk).fte == Decimal("2")  # nothing overwritten


def test_it_shows_a_viewer_no_edit_controls_and_refuses_a_forged_save(
    page, live_server, council_plan
):
    plan, social_worker = council_plan["plan"], council_plan["lines"][0]
    sign_in(page, live_server, "victor")
    _workspace(page, live_server, plan)
    expect(page.get_by_role("heading", name="Getting to Good")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Edit"))).to_have_count(0)
    expect(page.get_by_role("link", name="Add a line")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Delete"))).to_have_count(0)

    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    forged = page.request.post(
        f"{live_server.url}/plans/{plan.slug}/lines/{social_worker.pk}/in-place/",
        form={"title": "Social Worker", "fte": "9", "start_date": "2025-04-01", "version": ""},
        headers={"X-CSRFToken": token, "Referer": f"{live_server.url}/plans/{plan.slug}/"},
    )
    assert forged.status == 403
    assert PlanLine.objects.get(pk=social_worker.pk).fte == Decimal("1")


def test_it_gives_a_user_of_another_council_not_found(page, live_server, council_plan):
    plan, social_worker = council_plan["plan"], council_plan["lines"][0]
    sign_in(page, live_server, "olly")
    for address in (
        f"/plans/{plan.slug}/",
        f"/plans/{plan.slug}/lines/",
        f"/plans/{plan.slug}/lines/{social_worker.pk}/",
        f"/plans/{plan.slug}/lines/{social_worker.pk}/history/",
        f"/plans/{plan.slug}/reports/resource-requirement/",
    ):
        response = page.goto(live_server.url + address)
        assert response.status == 404, address
    expect(page.get_by_text("Getting to Good")).to_have_count(0)


def test_it_deletes_a_line_and_undoes_the_delete(page, live_server, council_plan):
    plan, audit = council_plan["plan"], council_plan["lines"][2]
    sign_in(page, live_server, "fiona")
    _workspace(page, live_server, plan)
    page.get_by_role("button", name="Delete Audit Officer").click()
    expect(page.locator(f"#line-{audit.pk}")).to_have_count(0)
    expect(page.locator("#plan-totals")).to_contain_text("206,400")

    page.get_by_role("button", name="Undo deleting “Audit Officer”").click()
    expect(page.locator(f"#line-{audit.pk}")).to_be_visible()
    expect(page.locator("#plan-totals")).to_contain_text("283,800")


def test_it_keeps_the_workspace_within_a_1280_pixel_screen_while_a_row_is_edited(
    page, live_server, council_plan
):
    # An editing row's own boxes once widened the table past the screen, out of reach of
    # its Save button and the other rows' Delete.
    plan, social_worker = council_plan["plan"], council_plan["lines"][0]
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server, "fiona")
    _workspace(page, live_server, plan)
    _edit_in_place(page, social_worker)

    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    expect(page.get_by_role("button", name="Save Social Worker")).to_be_in_viewport()
