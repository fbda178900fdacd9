"""The outcome of every row, kept on disk once it grows."""

from posts.appendix import log
from posts.appendix.log import RowLog
from posts.appendix.rows import RowReading


def test_it_gives_back_every_row_in_order_as_often_as_it_is_read():
    rows = RowLog()
    rows.append(RowReading(1, "section", ["a title above the table"]))
    rows.append(RowReading(2, "imported", ["new post: “Analyst”"], ["no duration given"]))
    first = [(row.number, row.outcome, row.messages, row.warnings) for row in rows]
    assert first == [
        (1, "section", ("a title above the table",), ()),
        (2, "imported", ("new post: “Analyst”",), ("no duration given",)),
    ]
    assert [row.number for row in rows] == [1, 2]


def test_it_counts_each_outcome_as_rows_are_added():
    rows = RowLog()
    rows.extend([RowReading(1, "blank"), RowReading(2, "error", ["bad"]), RowReading(3, "blank")])
    assert rows.counts == {"imported": 0, "total": 0, "section": 0, "blank": 2, "error": 1}
    assert rows.has_errors and len(rows) == 3


def test_it_keeps_rows_added_after_it_was_read():
    rows = RowLog()
    rows.append(RowReading(1, "blank"))
    assert [row.number for row in rows] == [1]
    rows.append(RowReading(2, "blank"))
    assert [row.number for row in rows] == [1, 2]


def test_it_moves_to_a_file_on_disk_once_it_outgrows_its_memory(monkeypatch):
    monkeypatch.setattr(log, "IN_MEMORY_BYTES", 1000)
    rows = RowLog()
    for number in range(1, 101):
        rows.append(RowReading(number, "imported", [f"new post: “Social Worker {number}”"]))
    assert rows._file._rolled
    assert [row.number for row in rows] == list(range(1, 101))


def test_it_writes_a_row_as_the_import_reports_it():
    rows = RowLog()
    rows.append(RowReading(5, "imported", ["new post: “Analyst”"], ["no duration given"]))
    assert next(iter(rows)).as_json() == {
        "row": 5,
        "outcome": "imported",
        "messages": ["new post: “Analyst”", "warning: no duration given"],
    }
