"""Hostile or broken files get a clear message and change nothing."""

import io
import zipfile

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from investplan.models import Organisation, Plan, PlanStatus
from posts.appendix.reading import BLANK_RUN_LIMIT, MAX_FILE_BYTES, Appendix, UnreadableFile
from posts.appendix.rows import OUTCOMES
from posts.importing import import_appendix
from posts.models import PlanLine
from reports.builders import ReportOptions
from reports.documents import ReportDocument
from tests.factories import OrganisationFactory, PlanFactory
from tests.posts.appendix_files import MIDDLESBROUGH, WEST_BERKSHIRE, csv_bytes, workbook_bytes
from tests.posts.importing_runs import command, run

pytestmark = pytest.mark.django_db
HEADER = ["Post", "Grade", "FTE", "Salary", "Cost"]


def import_bytes(data, name="appendix.xlsx", **options):
    return import_appendix(
        organisation=OrganisationFactory(),
        plan_slug="hostile",
        file_name=name,
        data=data,
        **options,
    )


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x00\x01\x02garbage" * 50, "appendix.bin", "neither a workbook nor a CSV"),
        (b"just some words", "appendix.xlsx", "not an Excel workbook"),
        (MIDDLESBROUGH.read_bytes()[:3000], "truncated.xlsx", "not a workbook that can be read"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "locked.xlsx", "password-protected"),
        (b"", "empty.csv", "is empty"),
    ],
)
def test_it_refuses_a_file_it_cannot_read_with_a_clear_message(data, name, message):
    with pytest.raises(UnreadableFile, match=message):
        import_bytes(data, name=name)
    assert not Plan.objects.exists()


def test_it_refuses_a_csv_file_with_a_nul_character_anywhere_in_it():
    data = csv_bytes([HEADER] + [["Analyst", "K", 1, 30000, 38700]] * 200) + b"Anal\x00yst\n"
    assert len(data) > 4096  # far past the start, where a binary file shows itself
    with pytest.raises(UnreadableFile, match="neither a workbook nor a CSV"):
        import_bytes(data, name="appendix.csv")


def test_it_refuses_a_zip_that_inflates_far_beyond_its_size():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (250 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024  # a small file ...
    with pytest.raises(UnreadableFile, match="would unpack to 250 MB"):  # ... that is not
        import_bytes(data)


def test_it_refuses_a_file_over_the_size_limit():
    with pytest.raises(UnreadableFile, match="the limit is 10 MB"):
        Appendix("big.csv", b"a" * (MAX_FILE_BYTES + 1))


def test_it_stops_reading_after_a_long_run_of_blank_looking_rows():
    rows = [HEADER, ["Analyst", "K", 1, 30000, 38700]] + [[" ", "", None, " ", ""]] * 100_000
    report = import_bytes(workbook_bytes(rows))
    assert report.counts["imported"] == 1
    assert report.counts["blank"] == BLANK_RUN_LIMIT
    assert report.committed


def test_it_finds_no_table_in_a_sheet_of_empty_looking_rows():
    with pytest.raises(UnreadableFile, match="no table found"):
        import_bytes(csv_bytes([[" ", ""]] * 100_000), name="empty.csv")


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil","x")', "+1+2", "-3+4", "@SUM(A1)"])
def test_it_keeps_formula_like_text_as_text_and_exports_it_as_text(text):
    report = import_bytes(csv_bytes([HEADER, [text, "K", 1, 30000, 38700]]), name="a.csv")
    line = PlanLine.objects.get(plan=report.plan)
    assert line.title == text
    workbook = ReportDocument.build(report.plan, "resource-requirement", ReportOptions()).xlsx()
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(workbook)).worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == text]
    assert cells and all(cell.data_type == "s" for cell in cells)


cells = st.one_of(
    st.none(),
    st.integers(-10**9, 10**9),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30),
    st.sampled_from(["£1,234", "(42,413)", "-", "tbc", "2 years", "Permanent", "As above",
                     "Total", "4 SW", "К", "Met from X", "=1+1", "Funded by 60% X, 60% Y",
                     "Funded by 50% X, 50% x", "Met from 0% X", "Met from 100.0005% X"]),
)  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(cells, min_size=1, max_size=8), max_size=25))
def test_it_gives_every_row_one_outcome_or_refuses_the_file_whatever_the_cells(rows):
    data = workbook_bytes([HEADER, *rows])
    try:
        report = import_bytes(data, dry_run=True)
    except UnreadableFile:
        return
    numbers = [reading.number for reading in report.rows]
    assert len(numbers) == len(set(numbers))
    assert all(reading.outcome in OUTCOMES for reading in report.rows)
    assert all(reading.messages for reading in report.rows if reading.outcome == "error")
    assert not PlanLine.objects.exists()


# CSV cells may hold any character a text file can, control characters included.
csv_cells = st.one_of(cells, st.text(st.characters(blacklist_categories=("Cs",)), max_size=30))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(csv_cells, min_size=1, max_size=8), max_size=25))
def test_it_gives_every_csv_row_one_outcome_or_refuses_the_file_whatever_the_text(rows):
    data = csv_bytes([[*HEADER, "Funding"], *rows])
    with transaction.atomic():  # each example starts from an empty database
        try:
            report = import_bytes(data, name="appendix.csv")
        except UnreadableFile:
            assert not Plan.objects.exists()
        else:
            assert all(reading.outcome in OUTCOMES for reading in report.rows)
            assert report.committed != report.has_errors
            saved = PlanLine.objects.count()
            assert saved == (report.counts["imported"] if report.committed else 0)
        transaction.set_rollback(True)


def test_it_makes_the_council_and_the_plan_on_a_fresh_installation():
    code, result = command(str(MIDDLESBROUGH), "--plan", "middlesbrough")
    assert code == 0 and result["committed"]
    plan = Plan.objects.get(slug="middlesbrough")
    assert plan.organisation.slug == "middlesbrough"
    assert plan.lines.count() == result["counts"]["imported"] == 27


def test_it_leaves_no_council_behind_after_a_dry_run():
    code, result = command(str(MIDDLESBROUGH), "--plan", "middlesbrough", "--dry-run")
    assert code == 0 and result["counts"]["imported"] == 27 and not result["committed"]
    assert not Organisation.objects.exists()


def test_it_asks_whose_a_new_plan_is_when_there_are_several_councils():
    OrganisationFactory.create_batch(2)
    code, result = command(str(MIDDLESBROUGH), "--plan", "middlesbrough")
    assert code == 2
    assert "say whose with --council" in result["error"]
    assert not Plan.objects.exists()


def test_it_prints_one_json_object_and_exits_0_when_imported(tmp_path):
    code, result = command(str(MIDDLESBROUGH), "--plan", "mbro", "--organisation", "mbro")
    assert code == 0
    assert set(result) >= {"rows", "counts", "columns", "stated_totals", "computed_totals",
                           "warnings"}  # fmt: skip
    assert result["rows"][0] == {"row": 1, "outcome": "section", "messages": result["rows"][0][
        "messages"]}  # fmt: skip
    assert result["counts"]["imported"] == 27
    assert result["stated_totals"]["total"] == "3228957"
    assert Plan.objects.get(slug="mbro").organisation.slug == "mbro"


def test_it_exits_1_and_saves_nothing_when_a_row_is_an_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([HEADER, ["Analyst", "K", "lots", 30000, 38700]]))
    code, result = command(str(path), "--plan", "bad", "--organisation", "c")
    assert code == 1
    assert result["rows"][1]["outcome"] == "error"
    assert result["rows"][1]["messages"][0] == "column C “FTE”: “lots” is not a number"
    assert not PlanLine.objects.exists()


def test_it_exits_2_when_the_file_cannot_be_read(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("not a workbook")
    code, result = command(str(path), "--plan", "x", "--organisation", "c")
    assert code == 2
    assert "not an Excel workbook" in result["error"]


def test_it_names_a_figure_too_large_for_a_line_instead_of_failing_on_save():
    report = import_bytes(csv_bytes([HEADER, ["Analyst", "K", "100000", 30000, 38700]]),
                          name="big.csv")  # fmt: skip
    reading = next(reading for reading in report.rows if reading.number == 2)
    assert reading.outcome == "error"
    assert "the FTE 100,000 is larger than a plan line can hold" in reading.messages
    assert not PlanLine.objects.exists()


def test_it_names_a_figure_beyond_any_amount_of_money_on_its_cell():
    report = import_bytes(csv_bytes([HEADER, ["Analyst", "K", "1", "1" + "0" * 28, 38700]]),
                          name="huge.csv")  # fmt: skip
    reading = next(reading for reading in report.rows if reading.number == 2)
    assert reading.outcome == "error"
    assert reading.messages[0].endswith(
        "“10000000000000000000000000000” is too large: figures are kept up to £999,999,999,999"
    )
    assert not PlanLine.objects.exists()


@pytest.mark.django_db
def test_it_will_not_import_into_an_approved_plan():
    plan = PlanFactory(slug="approved", status=PlanStatus.APPROVED)
    before = plan.lines.count()

    with pytest.raises(
        UnreadableFile, match="is approved: its lines can no longer be changed until a head"
    ):
        run(csv_bytes(WEST_BERKSHIRE), "appendix.csv", "approved", organisation=plan.organisation)
    assert plan.lines.count() == before


def test_it_puts_a_negative_total_on_a_line_in_error_rather_than_failing_to_save_it():
    # Found by the property test below: a lone "-1" under a total row was read as a
    # line's total, and its negative amount broke the database's check (a 500).
    data = csv_bytes([[*HEADER, "Funding"], ["Total", None, None, None, None, None, ":"], [-1]])
    report = import_bytes(data, name="appendix.csv")
    assert (report.committed, report.counts["error"]) == (False, 1)
    assert not PlanLine.objects.exists()
