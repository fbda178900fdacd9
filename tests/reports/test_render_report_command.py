import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document as read_docx
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.factories import OrganisationFactory, PlanFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("report", ["resource-requirement", "funding", "establishment"])
def test_it_writes_each_format(demo, tmp_path, report):
    for format in ("html", "pdf", "xlsx", "docx"):
        output = tmp_path / f"out.{format}"
        call_command(
            "render_report",
            demo.slug,
            "--report",
            report,
            "--format",
            format,
            "--output",
            str(output),
            "--appendix",
            "4",
            stdout=io.StringIO(),
        )
        content = output.read_bytes()
        if format == "pdf":
            assert "Appendix 4" in PdfReader(io.BytesIO(content)).pages[0].extract_text()
        elif format == "xlsx":
            assert "Assumptions" in load_workbook(io.BytesIO(content)).sheetnames
        elif format == "docx":
            assert read_docx(io.BytesIO(content)).paragraphs[0].text.startswith("Appendix 4: ")
        else:
            assert '<html lang="en-GB">' in content.decode()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-plan", "--report", "funding"], "No plan with the slug “no-such-plan”."),
        (["middlesbrough-2020", "--report", "nope"], "No report “nope”; choose one of "),
    ],
)
def test_it_exits_1_with_one_line_for_an_unknown_plan_or_report(
    demo, tmp_path, capsys, args, message
):
    with pytest.raises(SystemExit) as raised:
        call_command("render_report", *args, "--format", "pdf", "--output", str(tmp_path / "x"))

    error = capsys.readouterr().err
    assert raised.value.code == 1
    assert error.startswith(message)
    assert error.count("\n") == 1
    assert not (tmp_path / "x").exists()


def test_it_says_which_councils_have_a_plan_at_the_address_when_two_do(demo, tmp_path):
    council = OrganisationFactory(name="Northshire", slug="northshire")
    PlanFactory(slug=demo.slug, organisation=council)

    with pytest.raises(CommandError) as raised:
        render(demo.slug, tmp_path / "x.html")

    assert str(raised.value) == (
        f"2 councils have a plan at “{demo.slug}”: Middlesbrough Council (middlesbrough), "
        "Northshire (northshire). Say whose with --council, e.g. --council middlesbrough."
    )
    assert not (tmp_path / "x.html").exists()


def test_it_writes_the_plan_of_the_council_named_when_two_have_the_address(demo, tmp_path):
    theirs = PlanFactory(slug=demo.slug, organisation=OrganisationFactory(slug="northshire"))

    render(demo.slug, tmp_path / "x.html", "--council", "northshire")

    assert theirs.name in (tmp_path / "x.html").read_text()
    assert demo.name not in (tmp_path / "x.html").read_text()


def render(slug, output, *args):
    call_command(
        "render_report",
        slug,
        *args,
        "--report",
        "funding",
        "--format",
        "html",
        "--output",
        str(output),
        stdout=io.StringIO(),
    )
