"""Journey (issue 16, item 3 and acceptance point 2): a finance officer pastes a block of
cells without a header row, copied as Excel copies them (tab-separated, CRLF), into the
workspace's paste page; the preview shows what each row becomes; the database then holds
exactly that; and each line opens on its own page and saves unchanged."""

import html
from datetime import date
from decimal import Decimal

from playwright.sync_api import expect

from posts.models import PlanLine
from tests.e2e.conftest import sign_in

# As Excel puts cells on the clipboard: a tab between cells, CRLF after each row.
COPIED = (
    "Senior Practitioner\tK\t0.5\t01/07/2025\t18\t£41,000\tFront door\tNorth\r\n"
    "Family Support Worker\ttbc\t2\t01/10/2025\t2 years\t£28,500.50\tEarly help\tSouth\r\n"
    "Quality Lead\tK\t1\t\tPermanent\t£45,000\tQuality assurance\t\r\n"
)

# What the preview must say of each row (the plan starts on 1 Apr 2025; K pays £40,000 and
# £41,000 in 2025/26, so £45,000 is kept as a stated salary).
PREVIEWED = [
    "Senior Practitioner · grade K · point K2 · 0.5 FTE · from 1 Jul 2025 · 18 months"
    " · salary £41,000 · workstream Front door · based in North",
    "Family Support Worker · grade tbc · 2 FTE · from 1 Oct 2025 · 24 months"
    " · salary £28,500.50 · workstream Early help · based in South",
    "Quality Lead · grade K · 1 FTE · from 1 Apr 2025 · permanent · salary £45,000"
    " · workstream Quality assurance",
]

STORED_FIELDS = (
    "title",
    "grade_id",
    "point_id",
    "grade_as_written",
    "annual_salary",
    "fte",
    "start_date",
    "end_date",
    "duration_months",
    "workstream__name",
    "team__name",
    "kind",
    "stated_annual_cost",
    "amount",
    "one_off",
)


def _paste_as_excel_does(page, text):
    """Put the cells on the clipboard and paste them into the box with the keyboard."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.evaluate("text => navigator.clipboard.writeText(text)", text)
    box = page.get_by_label("Cells copied from Excel")
    box.focus()
    page.keyboard.press("Control+V")
    expect(box).not_to_have_value("")


def _stored(lines):
    return list(lines.order_by("position").values_list(*STORED_FIELDS))


def _paste_and_add(page, live_server, plan):
    """Paste the copied cells into the plan's paste page, check the preview says what each
    row becomes and that nothing is saved yet, add them; the lines added, as a queryset."""
    existing = set(PlanLine.objects.filter(plan=plan).values_list("pk", flat=True))
    sign_in(page, live_server, "fiona")
    page.goto(f"{live_server.url}/plans/{plan.slug}/lines/")
    page.get_by_role("link", name="Paste rows from Excel").click()

    _paste_as_excel_does(page, COPIED)
    page.get_by_role("button", name="Preview").click()

    expect(
        page.get_by_text("No header row: the columns are read in the workspace's order")
    ).to_be_visible()
    said = [
        html.unescape(text)
        for text in page.locator("tr.outcome-imported td.becomes").all_inner_texts()
    ]
    assert said == PREVIEWED
    assert not PlanLine.objects.filter(plan=plan).exclude(pk__in=existing).exists()

    page.get_by_role("button", name="Add 3 lines").click()
    expect(page.get_by_text("Added 3 lines from the pasted rows.")).to_be_visible()
    return PlanLine.objects.filter(plan=plan).exclude(pk__in=existing)


def test_it_adds_a_block_without_headers_exactly_as_previewed(page, live_server, council_plan):
    plan, grade = council_plan["plan"], council_plan["grade"]

    added = _paste_and_add(page, live_server, plan)

    point_k2 = grade.bottom_point.pay_scale.points.get(code="K2")
    assert _stored(added) == [
        ("Senior Practitioner", grade.pk, point_k2.pk, "K", None, Decimal("0.50"),
         date(2025, 7, 1), None, 18, "Front door", "North", "new_post", None, None, False),
        ("Family Support Worker", None, None, "tbc", Decimal("28500.50"), Decimal("2.00"),
         date(2025, 10, 1), None, 24, "Early help", "South", "new_post", None, None, False),
        ("Quality Lead", None, None, "K", Decimal("45000.00"), Decimal("1.00"),
         date(2025, 4, 1), None, None, "Quality assurance", None, "new_post", None, None,
         False),
    ]  # fmt: skip


def test_it_opens_each_pasted_line_on_its_own_page_and_saves_it_unchanged(
    page, live_server, council_plan
):
    added = _paste_and_add(page, live_server, council_plan["plan"])
    before = _stored(added)

    for line in added:
        page.goto(f"{live_server.url}/plans/{line.plan.slug}/lines/{line.pk}/")
        page.get_by_role("button", name="Save line").click()
        expect(page.get_by_text(f"Saved “{line.title}”.")).to_be_visible()

    assert _stored(added) == before
