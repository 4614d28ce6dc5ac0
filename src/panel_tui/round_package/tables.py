"""Reading the rows of a CSV or XLSX table, with the position of every cell.

The secretariat prepares nominees and claims in Excel: the files arrive as UTF-8 CSV with or
without a BOM, comma or semicolon delimited, or as the first sheet of a workbook. Whatever the
bytes, the outcome is rows or problems naming the file, line (or cell) and field.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple, cast

from panel_tui.domain.problems import Problem
from panel_tui.domain.text import BIDI_CONTROLS
from panel_tui.domain.text import control_message as _control
from panel_tui.i18n import _

# A cell larger than this is not a real nominee or claim; refuse it before it eats memory.
MAX_CELL = 100_000
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


class Row:
    """One row's cells by lower-case column name.

    A CSV row keeps the reader's strings and builds its `Cell`s only when asked: a national
    round has half a million cells, and most are only ever read as text.
    """

    __slots__ = ("_cells", "_index", "_values", "line")

    def __init__(
        self,
        line: int | str,  # CSV line, or XLSX row number as "row 4"
        cells: dict[str, Cell] | None = None,
        *,
        values: list[str] | None = None,
        index: dict[str, int] | None = None,
    ) -> None:
        self.line = line
        self._cells = cells
        self._values = values
        self._index = index

    @property
    def cells(self) -> dict[str, Cell]:
        if self._cells is None:
            values, line = self._values or [], self.line
            count = len(values)
            self._cells = {
                column: Cell(values[i], None, line)
                for column, i in (self._index or {}).items()
                if i < count
            }
        return self._cells

    def text(self, column: str) -> str:
        if self._cells is None and self._values is not None and self._index is not None:
            i = self._index.get(column)
            return self._values[i].strip() if i is not None and i < len(self._values) else ""
        return self.cells.get(column, EMPTY_CELL).text.strip()

    def cell(self, column: str) -> Cell:
        if self._cells is None and self._values is not None and self._index is not None:
            i = self._index.get(column)
            text = self._values[i] if i is not None and i < len(self._values) else ""
            return Cell(text, None, self.line)
        return self.cells.get(column) or Cell("", None, self.line)

    def __repr__(self) -> str:
        return f"Row({self.line!r}, {self.cells!r})"


class Table:
    """A table's rows, keyed by lower-case header.

    A CSV table keeps the reader's records (line and strings) and builds its `Row`s only when
    `rows` is first read: `check` reads the strings by column position (`texts`), and a
    national round has fifty thousand rows.
    """

    def __init__(
        self,
        file: str,
        columns: list[str],
        rows: list[Row] | None = None,
        *,
        index: dict[str, int] | None = None,
    ) -> None:
        self.file = file
        self.columns = columns
        # CSV: every kept column's position in a record; None for XLSX, whose rows hold cells.
        self.index = index
        self.lines: list[int] = []  # CSV: each record's line
        self.records: list[list[str]] = []  # CSV: each record's strings
        self._rows = rows if rows is not None or index is not None else []

    @property
    def rows(self) -> list[Row]:
        if self._rows is None:
            index = self.index
            self._rows = [
                Row(line, values=values, index=index)
                for line, values in zip(self.lines, self.records, strict=True)
            ]
        return self._rows

    @property
    def count(self) -> int:
        """How many rows (without building a CSV table's `Row`s)."""
        return len(self.records) if self._rows is None else len(self._rows)

    def __repr__(self) -> str:
        return f"Table({self.file!r}, {self.columns!r}, {self.count} rows)"

    def row_lines(self) -> list[int | str]:
        """Each row's line: the CSV record's first line, the XLSX row's number."""
        if self._rows is None:
            return self.lines  # type: ignore[return-value]
        return [row.line for row in self._rows]

    def texts(self, columns: tuple[str, ...]) -> list[tuple[str, ...]]:
        """Each row's texts of `columns`, unstripped, "" where it has none.

        The same texts as `row.cell(column).text`, fetched a row at a time by C code: a
        national round has half a million of them.
        """
        index = self.index
        if index is None:
            return [
                tuple([row.cells.get(c, EMPTY_CELL).text for c in columns]) for row in self.rows
            ]
        positions = [index.get(c) for c in columns]
        present = [i for i in positions if i is not None]
        need = max(present, default=-1) + 1
        records = self.records
        if records and min(map(len, records)) < need:  # short rows: their missing cells are empty
            padding = [""] * need
            records = [v if len(v) >= need else v + padding[len(v) :] for v in records]
        pick = _getter(present)
        if len(present) == len(positions):
            return list(map(pick, records))
        # Some columns are not in the header: a second C call puts "" in their places.
        spare = len(present)
        order = _getter([spare if i is None else present.index(i) for i in positions])
        return [order((*pick(values), "")) for values in records]

    def column_texts(self, columns: tuple[str, ...]) -> list[list[str]]:
        """Each of `columns` as a list of its cells' texts, unstripped, "" where a row has
        none: `texts` a column at a time (`list(zip(*table.texts(columns)))`, as lists)."""
        index = self.index
        if index is None:
            return [list(column) for column in zip(*self.texts(columns), strict=True)] or [
                [] for _ in columns
            ]
        records = self.records
        positions = [index.get(c) for c in columns]
        need = max((i for i in positions if i is not None), default=-1) + 1
        if records and min(map(len, records)) < need:  # short rows: their missing cells are empty
            padding = [""] * need
            records = [v if len(v) >= need else v + padding[len(v) :] for v in records]
        return [
            [""] * len(records) if i is None else list(map(itemgetter(i), records))
            for i in positions
        ]

    def raws(self, columns: tuple[str, ...]) -> list[tuple[CellRaw, ...]] | None:
        """Each row's `Cell.raw` of `columns`; None when no cell has one (CSV)."""
        if self.index is not None:
            return None
        return [tuple([row.cells.get(c, EMPTY_CELL).raw for c in columns]) for row in self.rows]

    def where(self, number: int, column: str) -> int | str:
        """Where the `number`-th row's `column` is: its XLSX cell, else the row's line."""
        if self._rows is None:
            return self.lines[number]
        row = self._rows[number]
        cell = row.cells.get(column)
        if cell is not None and isinstance(cell.where, str):
            return cell.where
        return row.line


def _getter(positions: Sequence[int]) -> Callable[[Sequence[str]], tuple[str, ...]]:
    """itemgetter that returns a tuple even for one position (or none)."""
    if len(positions) == 1:
        only = positions[0]
        return lambda values: (values[only],)
    if not positions:
        return lambda values: ()
    return itemgetter(*positions)


def find_table(folder: Path, stem: str, problems: list[Problem]) -> Path | None:
    """`nominees.csv` or `nominees.xlsx` (any letter case, as Windows shows them).

    Both at once is ambiguous and refused; a `nominees.xls`, `.ods` or `.txt` is named with
    what to do, never silently passed over.
    """
    try:
        names = sorted(entry.name for entry in folder.iterdir() if entry.is_file())
    except OSError as exc:
        problems.append(
            Problem(str(folder), None, None, _("cannot list the folder: {error}").format(error=exc))
        )
        return None
    wanted = {f"{stem}.csv", f"{stem}.xlsx"}
    found = [folder / name for name in names if name.lower() in wanted]
    if len(found) > 1:
        problems.append(
            Problem(
                found[0].name,
                None,
                None,
                _("both {items} exist: keep one").format(
                    items=_(" and ").join(p.name for p in found)
                ),
            )
        )
        return None
    if found:
        return found[0]
    for name in names:
        base, dot, ext = name.lower().rpartition(".")
        if dot and base == stem and ext in ("xls", "xlsm", "ods", "txt", "tsv", "numbers"):
            problems.append(
                Problem(
                    name,
                    None,
                    None,
                    _(
                        "a .{ext} file is not read: save it as {stem}.xlsx or {stem}.csv (UTF-8)"
                    ).format(ext=ext, stem=stem),
                )
            )
    return None


def read_table(
    path: Path, required: tuple[str, ...], known: tuple[str, ...], problems: list[Problem]
) -> Table | None:
    """Rows of `path` keyed by lower-case header; None when the file cannot be read at all."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            problems.append(
                Problem(
                    name,
                    None,
                    None,
                    _("file is {size} bytes: too large for a round").format(size=size),
                )
            )
            return None
        data = path.read_bytes()
    except OSError as exc:
        problems.append(
            Problem(
                name,
                None,
                None,
                _("cannot read the file: {error}").format(error=exc.strerror or exc),
            )
        )
        return None
    grid: Grid | TextGrid | None
    if path.suffix.lower() == ".xlsx":
        grid = _xlsx_grid(name, data, problems)
    else:
        grid = _csv_grid(name, data, problems)
    if grid is None:
        return None
    return _to_table(name, grid, required, known, problems)


Grid = list[tuple[int | str, list[Cell]]]
# CSV: the reader's strings, every cell of a record on the record's first line.
TextGrid = list[tuple[int, list[str]]]


def looks_utf16(data: bytes) -> bool:
    """A UTF-16 BOM, or text whose every other byte is NUL (UTF-16 saved without a BOM)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = data[:200]
    if len(head) < 4:
        return False
    even, odd = head[0::2], head[1::2]
    return even.count(0) > 0.9 * len(even) or odd.count(0) > 0.9 * len(odd)


def _csv_grid(name: str, data: bytes, problems: list[Problem]) -> TextGrid | None:
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


_LINE = itemgetter(0)
_RECORD = itemgetter(1)
_FIRST = itemgetter(0)


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
    if max(map(len, chain.from_iterable(map(_RECORD, grid))), default=0) <= MAX_CELL:
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


# Control characters other than tab and line breaks: no spreadsheet cell holds them on
# purpose, and ESC or CSI in a name would reach the terminal as an escape sequence. The
# bidirectional controls (U+202A-202E, U+2066-2069, U+200E/200F, U+061C) make a name or a
# note display in another order than it is stored ("Trojan Source"), so they are refused too.
CONTROL_CHARS = re.compile(f"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f{BIDI_CONTROLS}]")
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


def _xlsx_grid(name: str, data: bytes, problems: list[Problem]) -> Grid | None:
    import zipfile

    try:
        from openpyxl import load_workbook
        from openpyxl.utils import get_column_letter
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        problems.append(Problem(name, None, None, _("reading XLSX needs openpyxl installed")))
        return None
    if not data.startswith(b"PK"):
        problems.append(
            Problem(name, None, None, _("not an XLSX workbook (save it as .xlsx or .csv)"))
        )
        return None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError) as exc:
        problems.append(
            Problem(name, None, None, _("not a readable XLSX workbook: {error}").format(error=exc))
        )
        return None
    except Exception as exc:  # openpyxl raises many kinds on damaged XML
        problems.append(
            Problem(name, None, None, _("not a readable XLSX workbook: {error}").format(error=exc))
        )
        return None
    grid: Grid = []
    try:
        if not workbook.worksheets:
            problems.append(Problem(name, None, None, _("the workbook has no sheets")))
            return None
        sheet = workbook.worksheets[0]
        # Read-only mode stops at the rows the sheet's <dimension> tag claims; a file whose
        # tag understates its rows (any writer may put anything there) would lose the rest
        # silently, while Excel and LibreOffice show every row.
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()
        for row_number, row in enumerate(sheet.iter_rows(), start=1):
            cells = []
            for col, xlsx_cell in enumerate(row, start=1):
                ref = f"{get_column_letter(col)}{row_number}"
                value = xlsx_cell.value
                if (
                    isinstance(value, (int, float))
                    and not isinstance(value, bool)
                    and "%" in (getattr(xlsx_cell, "number_format", None) or "")
                ):
                    cells.append(_xlsx_percent_cell(value, ref))
                else:
                    cells.append(_xlsx_cell(value, ref))
                if len(cells[-1].text) > MAX_CELL:
                    problems.append(Problem(name, ref, None, _("cell is too long")))
                    return None
                control = CONTROL_CHARS.search(cells[-1].text)
                if control:
                    problems.append(Problem(name, ref, None, _control(control)))
                    return None
            grid.append((row_number, cells))
    except Exception as exc:
        problems.append(
            Problem(name, None, None, _("not a readable XLSX workbook: {error}").format(error=exc))
        )
        return None
    finally:
        workbook.close()
    if not grid or not any(c.text.strip() for c in grid[0][1]):
        problems.append(
            Problem(name, "A1", None, _("the first sheet is empty: expected a header row"))
        )
        return None
    return grid


def _xlsx_percent_cell(value: float, ref: str) -> Cell:
    """A cell formatted as a percentage holds a fraction: Excel shows 0.5088 as 50.88%."""
    try:
        number = float(Decimal(repr(float(value))) * 100)
    except (InvalidOperation, ValueError, OverflowError):
        return _xlsx_cell(value, ref)
    if not math.isfinite(number):
        return _xlsx_cell(value, ref)
    text = str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)
    return Cell(f"{text}%", number, ref)


def _xlsx_cell(value: object, ref: str) -> Cell:
    if value is None:
        return Cell("", None, ref)
    if isinstance(value, bool):
        return Cell(str(value).upper(), None, ref)
    if isinstance(value, (int, float)):
        number = float(value)
        text = str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)
        return Cell(text, number, ref)
    if isinstance(value, (datetime, date, time)):
        return Cell(
            value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat(),
            value,
            ref,
        )
    return Cell(str(value), None, ref)


def _to_table(
    name: str,
    grid: Grid | TextGrid,
    required: tuple[str, ...],
    known: tuple[str, ...],
    problems: list[Problem],
) -> Table | None:
    header_line, header = grid[0]
    texts = bool(header) and isinstance(header[0], str)  # a CSV's TextGrid
    header_cells: list[Cell] = (
        [Cell(value, None, header_line) for value in cast(list[str], header)]
        if texts
        else cast(list[Cell], header)
    )
    columns: list[str] = []
    ok = True
    for cell in header_cells:
        column = cell.text.replace("\ufeff", "").strip().lower()
        if column and column in columns:
            problems.append(
                Problem(name, _pos(cell, header_line), column, _("column appears twice"))
            )
            ok = False
        columns.append(column)
    for column, cell in zip(columns, header_cells, strict=True):
        if column and column not in known:
            problems.append(
                Problem(
                    name,
                    _pos(cell, header_line),
                    column,
                    _("unknown column, ignored"),
                    severity="warning",
                )
            )
    missing = [c for c in required if c not in columns]
    for column in missing:
        problems.append(
            Problem(
                name,
                header_line,
                column,
                _("required column is missing (the header has: {items})").format(
                    items=", ".join(c for c in columns if c) or "nothing"
                ),
            )
        )
    if missing or not ok:
        return None
    width = len(columns)
    kept = [(index, column) for index, column in enumerate(columns) if column and column in known]
    if texts:
        table = Table(name, columns, index={column: i for i, column in kept})
        _text_rows(name, cast(TextGrid, grid[1:]), width, table, problems)
        return table
    table = Table(name, columns)
    rows = table.rows
    for line, cells in cast(Grid, grid[1:]):
        for cell in cells:
            if cell.text.strip():
                break
        else:
            continue  # a blank row
        count = len(cells)
        if count > width:
            extra = [c for c in cells[width:] if c.text.strip()]
            if extra:
                problems.append(
                    Problem(
                        name,
                        _pos(extra[0], line),
                        None,
                        _(
                            "row has {count} cells but the header has {width} columns (a delimiter inside an unquoted value?)"
                        ).format(count=count, width=width),
                    )
                )
                continue
        rows.append(Row(line, {column: cells[i] for i, column in kept if i < count}))
    return table


def _text_rows(
    name: str, grid: TextGrid, width: int, table: Table, problems: list[Problem]
) -> None:
    """The CSV records of `_to_table`: the same checks on the reader's strings."""
    lines, records = table.lines, table.records
    strip = str.strip
    if grid:
        lengths = list(map(len, map(_RECORD, grid)))
        if (
            min(lengths) > 0
            and max(lengths) <= width
            and all(map(strip, map(_FIRST, map(_RECORD, grid))))
        ):
            # The usual table: no row is longer than the header and each starts with a
            # cell, so none is blank: the checks below would keep every row as it is.
            lines.extend(map(_LINE, grid))
            records.extend(map(_RECORD, grid))
            return
    for line, values in grid:
        if not any(map(strip, values)):
            continue  # a blank row
        count = len(values)
        if count > width and any(map(strip, values[width:])):
            problems.append(
                Problem(
                    name,
                    line,
                    None,
                    _(
                        "row has {count} cells but the header has {width} columns (a delimiter inside an unquoted value?)"
                    ).format(count=count, width=width),
                )
            )
            continue
        lines.append(line)
        records.append(values)


def _pos(cell: Cell, line: int | str) -> int | str:
    return cell.where if cell.where is not None else line
