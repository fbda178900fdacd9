"""The outcome of every row of an import, kept on disk once it grows, so that importing a
sheet of any length holds no more than a batch of rows in memory."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

from .rows import ERROR, OUTCOMES, RowReading

# Kept in memory up to this size, written to a temporary file beyond it.
IN_MEMORY_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class LoggedRow:
    number: int
    outcome: str
    messages: tuple[str, ...]
    warnings: tuple[str, ...]
    summary: str = ""
    sheet: str = ""  # another sheet than the table's

    @property
    def anchor(self) -> str:
        """The row's id on the preview page."""
        if not self.sheet:
            return f"row-{self.number}"
        return f"row-{'-'.join(re.findall(r'[a-z0-9]+', self.sheet.lower()))}-{self.number}"

    def as_json(self) -> dict:
        found = {"row": self.number}
        if self.sheet:
            found["sheet"] = self.sheet
        return {
            **found,
            "outcome": self.outcome,
            "messages": [*self.messages, *(f"warning: {text}" for text in self.warnings)],
        }


class RowLog:
    """Every row's outcome in sheet order, with counts kept as rows are added. Iterate it
    as often as needed; each pass reads the rows back in order."""

    def __init__(self):
        # Open as long as the report is read (the preview page, the command's output).
        self._file = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES, mode="w+b")  # noqa: SIM115
        self.counts = dict.fromkeys(OUTCOMES, 0)

    def append(self, reading: RowReading) -> None:
        self.counts[reading.outcome] += 1
        record = [
            reading.number,
            reading.outcome,
            reading.messages,
            reading.warnings,
            reading.summary,
            reading.sheet,
        ]
        self._file.write(json.dumps(record, ensure_ascii=False).encode() + b"\n")

    def extend(self, readings) -> None:
        for reading in readings:
            self.append(reading)

    @property
    def has_errors(self) -> bool:
        return self.counts[ERROR] > 0

    def __len__(self) -> int:
        return sum(self.counts.values())

    def __iter__(self) -> Iterator[LoggedRow]:
        # Read by position, so appending after (or during) a pass loses nothing.
        position, count = 0, len(self)
        for _ in range(count):
            end = self._file.tell()
            self._file.seek(position)
            line = self._file.readline()
            position = self._file.tell()
            self._file.seek(end)
            number, outcome, messages, warnings, summary, sheet = json.loads(line)
            yield LoggedRow(number, outcome, tuple(messages), tuple(warnings), summary, sheet)

    def close(self) -> None:
        self._file.close()
