"""A CSV file's bytes as a grid of texts with line numbers: encodings (UTF-8, UTF-16, cp1252),
delimiters, quotes, and the limits on a stranger's file."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from itertools import chain

from panel_tui.domain.problems import Problem
from panel_tui.domain.text import control_message as _control
from panel_tui.i18n import _
from panel_tui.round_package.grid import (
    CONTROL_CHARS,
    MAX_CELL,
    TEXTS_OF,
    TextGrid,
)


def looks_utf16(data: bytes) -> bool:
    """A UTF-16 BOM, or text whose every other byte is NUL (UTF-16 saved without a BOM)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = data[:200]
    if len(head) < 4:
        return False
    even, odd = head[0::2], head[1::2]
    return even.count(0) > 0.9 * len(even) or odd.count(0) > 0.9 * len(odd)


def read_csv_grid(name: str, data: bytes, problems: list[Problem]) -> TextGrid | None:
    if looks_utf16(data):
        problems.append(
            Problem(name, 1, None, _("file is UTF-16: save it as 'CSV UTF-8 (comma delimited)'"))
        )
        return None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        problems.append(
            Problem(name, line, None, _("file contains binary data (NUL byte): not a CSV"))
        )
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(
                name,
                line,
                None,
                _("not UTF-8 (byte 0x{byte:02x} at offset {start}): save it as 'CSV UTF-8'").format(
                    byte=data[exc.start], start=exc.start
                ),
            )
        )
        return None
    if not text.strip():
        problems.append(Problem(name, 1, None, _("file is empty: expected a header row")))
        return None
    # The regex walks every character; deleting every byte that cannot start a control
    # character is many times faster and, when nothing is left, proves there is none.
    control = CONTROL_CHARS.search(text) if data.translate(None, _NOT_CONTROL) else None
    if control:
        problems.append(
            Problem(name, text[: control.start()].count("\n") + 1, None, _control(control))
        )
        return None
    # The first line as text.splitlines() gives it, without splitting the whole file.
    head = text.partition("\n")[0].splitlines()
    first_line = head[0] if head else ""
    delimiter = (
        ";"
        if _count_outside_quotes(first_line, ";") > _count_outside_quotes(first_line, ",")
        else ","
    )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        records = list(reader)
    except csv.Error:
        records = None  # read again below, record by record, to say where
    if records is not None:
        starts = _first_lines(records, reader.line_num)
        if starts is not None:
            lines_of: TextGrid = list(zip(starts, records, strict=True))
            one_line_each = len(starts) == reader.line_num
            return None if _too_long(name, lines_of, text, one_line_each, problems) else lines_of
    # Damage (or lines not accounted for): read again, record by record, noting each one's
    # first line as the reader reports it.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    grid: TextGrid = []
    append = grid.append
    start = 1
    previous = 0  # the reader's line number after the previous record
    try:
        for record in reader:
            start = previous + 1
            previous = reader.line_num
            append((start, record))
    except csv.Error as exc:
        # A too long cell before the damage is what reading stopped at (see below).
        if not _too_long(name, grid, text, False, problems):
            problems.append(
                Problem(
                    name,
                    reader.line_num or start,
                    None,
                    _("malformed CSV: {error}").format(error=exc),
                )
            )
        return None
    if _too_long(name, grid, text, False, problems):
        return None
    return grid


def _too_long(
    name: str, grid: TextGrid, text: str, one_line_each: bool, problems: list[Problem]
) -> bool:
    """Report the first cell of more than MAX_CELL characters, as reading stops at it.

    Looked for after reading, rather than record by record while reading: a file with such a
    cell is refused at that cell all the same.
    """
    # No cell can be longer than the whole text or, when no record spans lines, than the
    # longest line (the reader breaks lines at \n, \r and \r\n: \n-pieces are no shorter).
    if len(text) <= MAX_CELL or (one_line_each and max(map(len, text.split("\n"))) <= MAX_CELL):
        return False
    if max(map(len, chain.from_iterable(map(TEXTS_OF, grid))), default=0) <= MAX_CELL:
        return False
    for start, record in grid:
        for value in record:
            if len(value) > MAX_CELL:
                problems.append(
                    Problem(
                        name,
                        start,
                        None,
                        _("a cell of {count} characters is too long").format(count=len(value)),
                    )
                )
                return True
    return False  # pragma: no cover - the maximum above found one


def _first_lines(records: list[list[str]], line_count: int) -> Sequence[int] | None:
    """Each record's first line, from the `line_count` lines the reader took for them.

    The reader takes one line per record, plus one for every line break inside a quoted
    cell, which it keeps in the cell as written (\n, \r\n or \r). None when the count does
    not add up (then the caller asks the reader record by record).
    """
    if line_count == len(records):  # the usual file: one line each
        return range(1, line_count + 1)
    starts = []
    line = 1
    for record in records:
        starts.append(line)
        # NUL cannot be in the text (refused before): it keeps a \r ending one cell and a \n
        # starting the next apart.
        cells = "\x00".join(record)
        line += 1 + cells.count("\n") + cells.count("\r") - cells.count("\r\n")
    return starts if line - 1 == line_count else None


# Every byte but those that can start a CONTROL_CHARS character in UTF-8: the C0 controls and
# DEL, 0xC2 (U+0080-U+009F), 0xD8 (U+061C) and 0xE2 (U+200E-U+2069); the regex then rules out
# the other characters these bytes start.
_NOT_CONTROL = bytes(
    b
    for b in range(256)
    if not (b <= 0x08 or b in (0x0B, 0x0C) or 0x0E <= b <= 0x1F)
    and b not in (0x7F, 0xC2, 0xD8, 0xE2)
)


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == char and not quoted:
            count += 1
    return count
