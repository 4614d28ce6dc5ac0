"""A table's cells as read from CSV or XLSX, before any column means anything: Cell, the
grids, the limits on a stranger's file and the control characters refused."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from operator import itemgetter
from typing import NamedTuple

from panel_tui.domain.text import BIDI_CONTROLS

# A cell larger than this is not a real nominee or claim; refuse it before it eats memory.
MAX_CELL = 100_000
# A table file larger than this is not a real round's: refused before it is read.
MAX_BYTES = 200 * 1024 * 1024


# What a spreadsheet stored in a cell, when it is not text.
CellRaw = float | datetime | date | time | None


class Cell(NamedTuple):
    """One cell; a named tuple because a large round has hundreds of thousands of them."""

    text: str
    # Set when the spreadsheet stored a number or a date/time (XLSX), taken as it is.
    raw: CellRaw = None
    where: int | str | None = None  # CSV line number or XLSX cell reference


EMPTY_CELL = Cell("")


Grid = list[tuple[int | str, list[Cell]]]


# CSV: the reader's strings, every cell of a record on the record's first line.
TextGrid = list[tuple[int, list[str]]]


class SheetGrid(NamedTuple):
    """XLSX: the rows of a sheet that have cells, as texts the way a CSV's are (a cell's
    reference is its position and row number), and beside each row what its cells stored
    when that was a number or a date, by position (None: only text). Most cells of a round
    are text, and half a million `Cell`s cost more than reading the sheet."""

    rows: TextGrid
    raws: list[dict[int, CellRaw] | None]
    end: int = 0  # the last row's number, when rows without cells come after the last above


# Control characters other than tab and line breaks: no spreadsheet cell holds them on
# purpose, and ESC or CSI in a name would reach the terminal as an escape sequence. The
# bidirectional controls (U+202A-202E, U+2066-2069, U+200E/200F, U+061C) make a name or a
# note display in another order than it is stored ("Trojan Source"), so they are refused too.
CONTROL_CHARS = re.compile(f"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f{BIDI_CONTROLS}]")


LINE_OF = itemgetter(0)


TEXTS_OF = itemgetter(1)


FIRST_OF = itemgetter(0)
