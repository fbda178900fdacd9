"""The charts as a reader sees them: drawn into a PDF by WeasyPrint and rasterised with
pdftoppm, then checked for what must be seen (title, legend, axis titles, as text) and
for nothing cut off at the chart's edges."""

import base64
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from reports.builders import ReportContext, ReportOptions, build_report
from reports.charts import chart_of
from reports.documents import ReportDocument, write_pdf
from tests.reports.test_charts import funded_plan  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils"),
]


def png_of_pdf(pdf: bytes, folder: Path, page: int = 1) -> Image.Image:
    path = folder / "drawn.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        [
            *("pdftoppm", "-r", "60", "-png", "-f", str(page), "-l", str(page), "-singlefile"),
            *(str(path), str(folder / "drawn")),
        ],
        check=True,
    )
    return Image.open(folder / "drawn.png").convert("L")


def pdf_text(pdf: bytes, folder: Path) -> str:
    path = folder / "text.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    ).stdout.decode()


def chart_alone(svg: str) -> bytes:
    """The SVG as the only thing on a page its own size, edge to edge."""
    data = base64.b64encode(svg.encode()).decode()
    return write_pdf(
        "<!doctype html><html lang='en-GB'><title>Chart</title>"
        "<style>@page { size: 800px 2000px; margin: 0 } body { margin: 0 }"
        " img { display: block; width: 800px }</style>"
        f"<img alt='Chart' src='data:image/svg+xml;base64,{data}'>"
    )


def edge_ink(image: Image.Image) -> dict[str, int]:
    """The darkest pixel on each edge of the drawing (255 is white): text or bars cut off
    there would show. The page is taller than the chart: its bottom edge is the chart's
    last inked row, so the check looks at the top, left and right."""
    width = image.size[0]
    inverted = image.point(lambda value: 255 - value)
    bottom = inverted.getbbox()[3]
    edges = {
        "top": (0, 0, width, 1),
        "left": (0, 0, 1, bottom),
        "right": (width - 1, 0, width, bottom),
    }
    return {name: image.crop(box).getextrema()[0] for name, box in edges.items()}


@pytest.mark.parametrize("report", ["multi-year", "funding", "recruitment"])
def test_it_draws_each_chart_whole_with_its_words_as_text(funded_plan, tmp_path, report):  # noqa: F811
    tables = build_report(report, ReportContext.build(funded_plan, ReportOptions()))
    [chart] = [chart for chart in map(chart_of, tables) if chart]
    pdf = chart_alone(chart.svg())

    image = png_of_pdf(pdf, tmp_path)
    text = pdf_text(pdf, tmp_path)

    assert min(edge_ink(image).values()) > 200
    for words in [chart.title, chart.x_title, chart.y_title, *(s.name for s in chart.series)]:
        assert words in text


def test_it_prints_the_chart_above_its_table_in_the_pdf(funded_plan, tmp_path):  # noqa: F811
    pdf = ReportDocument.build(funded_plan, "funding", ReportOptions()).pdf()

    text = pdf_text(pdf, tmp_path)

    chart_title = "Funded and unfunded by financial year: the funding cliff"
    assert chart_title in text
    assert text.index(chart_title) < text.rindex("Funding ending in the year")
    assert "Families First ends 31 Mar 2021" in text
    assert "Requires additional funding" in text


def test_it_keeps_the_chart_inside_the_pages_margins(funded_plan, tmp_path):  # noqa: F811
    pdf = ReportDocument.build(funded_plan, "funding", ReportOptions()).pdf()
    (tmp_path / "report.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(tmp_path / "report.pdf"), str(tmp_path / "page")],
        check=True,
    )
    pages = sorted(tmp_path.glob("page-*.png"))

    inked = []
    for path in pages:
        image = Image.open(path).convert("L")
        width, height = image.size
        border = 8  # pixels at 40 dpi: the outer 5 mm of each page's margin
        strips = [
            (0, 0, width, border),
            (0, height - border, width, height),
            (0, 0, border, height),
            (width - border, 0, width, height),
        ]
        inked += [(path.name, box) for box in strips if image.crop(box).getextrema()[0] < 200]
    assert len(pages) >= 2
    assert inked == []
