"""A PDF keeps each heading with what follows it (issue 19 trial, item 6): no workstream's
heading, table caption or section heading is left alone at the foot of a page."""

import re
import shutil
import subprocess
from decimal import Decimal

import pytest

from reports.documents import ReportDocument
from tests.factories import PlanFactory, PlanLineFactory, WorkstreamFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler)"),
]


def pages_of(pdf: bytes, tmp_path) -> list[list[str]]:
    """Each page's non-blank lines of text as pdftotext lays them out (the last is the
    footer)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = [[line for line in page.splitlines() if line.strip()] for page in text.split("\f")]
    return [page for page in pages if page]


@pytest.fixture
def long_plan():
    """Fourteen workstreams of two to eight lines each, laid out (before headings were
    kept with their rows) with two workstreams' headings alone at the foot of a page."""
    plan = PlanFactory(name="Getting to Good", first_year=2025, last_year=2026)
    position = 0
    for number in range(14):
        workstream = WorkstreamFactory(plan=plan, name=f"W{number:02}", position=number)
        for _ in range(2 + (number * 3 + 3) % 7):
            position += 1
            PlanLineFactory(
                plan=plan, workstream=workstream, title=f"Post {position:03}",
                annual_salary=Decimal("30000"), start_date="2025-04-01", position=position,
            )  # fmt: skip
    return plan


def test_it_never_leaves_a_workstreams_heading_last_on_a_page(long_plan, tmp_path):
    pdf = ReportDocument.build(long_plan, "resource-requirement").pdf()

    pages = pages_of(pdf, tmp_path)

    assert len(pages) > 3
    for number, page in enumerate(pages[:-1], start=1):
        last = page[-2].strip()  # the line above the footer
        assert not re.fullmatch(r"W\d\d", last), f"page {number} ends with the heading {last}"
        assert not last.startswith(("Resource requirement", "Assumptions")), number
