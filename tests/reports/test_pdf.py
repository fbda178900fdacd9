"""Open the PDF and read it: header on every page, page numbers, totals, the DRAFT mark,
the assumptions, and PDF/UA tagging with title and language."""

import io
import logging
import re
from datetime import date

import pytest
from pypdf import PdfReader

from investplan.models import PlanStatus
from investplan.services import approve_plan, reopen_plan
from posts.models import PlanLine
from reports.builders import ReportOptions
from reports.documents import ReportDocument
from reports.models import RenderedReport
from reports.services import make_pdf, request_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def resource_pdf(demo):
    document = ReportDocument.build(demo, "resource-requirement", ReportOptions(appendix="3"))
    return PdfReader(io.BytesIO(document.pdf()))


def page_texts(reader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def test_it_prints_the_header_and_page_x_of_y_on_every_page(resource_pdf):
    texts = page_texts(resource_pdf)

    assert len(texts) > 1
    for number, text in enumerate(texts, start=1):
        assert "Middlesbrough Council: Resource Requirement for Improvement" in text
        assert "Appendix 3" in text
        assert f"Page {number} of {len(texts)}" in text
        assert "Status: Draft" in text
        assert "DRAFT" in text
        assert re.search(r"Produced \d{1,2} \w+ \d{4}, \d{2}:\d{2}", text)


def test_it_repeats_the_table_header_on_every_page_the_table_runs_onto(resource_pdf):
    texts = page_texts(resource_pdf)
    table_pages = [text for text in texts if "Children's Services" in text.split("Assumptions")[0]]

    assert len(table_pages) >= len(texts) - 1
    for text in table_pages:
        assert "Post / role" in text and "Annual" in text


def test_it_prints_the_totals_and_the_assumptions(resource_pdf):
    text = "\n".join(page_texts(resource_pdf))

    assert "1,765,417" in text
    assert "3,094,223" in text
    assert re.search(r"Subtotal:\s+CWD\s+Service", text)
    assert "A flat 29% of pay." in text
    assert "2021/22: 0% (assumed)" in text


def test_it_extracts_each_line_of_seed_000_as_text(resource_pdf):
    text = "\n".join(page_texts(resource_pdf))

    assert "Social Worker" in text
    assert "63,619" in text and "127,238" in text


def test_it_is_tagged_pdf_ua_with_a_title_and_language(resource_pdf):
    catalog = resource_pdf.trailer["/Root"]

    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert str(catalog["/Lang"]).lower() == "en-gb"
    assert resource_pdf.metadata.title.endswith("Resource requirement")
    metadata = catalog["/Metadata"].get_object().get_data().decode()
    assert "pdfuaid:part" in metadata


def test_it_leaves_the_draft_mark_off_an_approved_plan(demo):
    demo.status = PlanStatus.APPROVED
    demo.save()

    content = ReportDocument.build(demo, "multi-year").pdf()

    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert "DRAFT" not in text
    assert "Status: Approved" in text


def test_it_heads_a_plan_reopened_since_approval_as_a_draft_not_as_approved(demo):
    approve_plan(plan=demo, committee="Cabinet", meeting_date=date(2026, 3, 12))
    reopen_plan(plan=demo)
    PlanLine.objects.filter(plan=demo).update(fte_in_post=1)

    text = PdfReader(io.BytesIO(ReportDocument.build(demo, "multi-year").pdf())).pages[0]
    text = " ".join(text.extract_text().split())

    assert "Draft (reopened): not the plan as approved by Cabinet on 12 March 2026" in text
    assert "Cabinet, 12 March 2026" not in text
    assert "Status: Draft" in text


def test_it_reports_layout_progress_page_by_page(demo):
    pages = []

    content = ReportDocument.build(demo, "resource-requirement").pdf(on_page=pages.append)

    assert pages == list(range(1, len(PdfReader(io.BytesIO(content)).pages) + 1))


class _Sampler(logging.Handler):
    """Reads the render's recorded progress whenever WeasyPrint reports a step, as the
    reader's page would if it refreshed at that moment."""

    def __init__(self, render_id):
        super().__init__(logging.INFO)
        self.render_id, self.seen = render_id, []

    def emit(self, record):
        render = RenderedReport.objects.defer("content").get(pk=self.render_id)
        label = getattr(render, "progress_label", "")
        self.seen.append((render.pages_done, render.pages_expected, label))


@pytest.fixture
def long_render(demo):
    render = request_pdf(
        plan=demo, report="resource-requirement", options=ReportOptions(), background=True
    )
    logger = logging.getLogger("weasyprint.progress")
    sampler = _Sampler(render.pk)
    logger.addHandler(sampler)
    yield render, sampler
    logger.removeHandler(sampler)


def test_it_records_progress_that_moves_before_the_pdf_is_done(long_render):
    render, sampler = long_render

    make_pdf(render)

    done = [pages_done for pages_done, _, _ in sampler.seen]
    expected = render.pages_expected
    assert done == sorted(done)
    assert len({step for step in done if 0 < step < expected}) >= 5
    render.refresh_from_db()
    assert render.pages_done == render.pages_expected


def test_it_tells_the_reader_each_step_of_making_the_pdf(long_render):
    render, sampler = long_render

    make_pdf(render)

    labels = list(dict.fromkeys(label for _, _, label in sampler.seen))
    pages = render.pages_expected - 4
    assert labels[:5] == [
        "Reading the tables",
        "Reading the print styles",
        "Applying the print styles",
        f"Laying out page 1 of about {pages}",
        f"Laying out page 2 of about {pages}",
    ]
    assert labels[-1] == "Writing the PDF file"
