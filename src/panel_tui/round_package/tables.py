"""Reading the rows of a CSV or XLSX table, with the position of every cell.

The secretariat prepares nominees and claims in Excel: the files arrive as UTF-8 CSV with or
without a BOM, comma or semicolon delimited, or as the first sheet of a workbook. Whatever the
bytes, the outcome is rows or problems naming the file, line (or cell) and field.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from operator import itemgetter
from pathlib import Path

from panel_tui.domain.problems import Problem
from panel_tui.i18n import _
from panel_tui.round_package.csv_grid import read_csv_grid
from panel_tui.round_package.grid import (
    EMPTY_CELL,
    FIRST_OF,
    LINE_OF,
    MAX_BYTES,
    TEXTS_OF,
    Cell,
    CellRaw,
    SheetGrid,
    TextGrid,
)
from panel_tui.round_package.xlsx_grid import cell_ref, read_xlsx_sheet


class Row:
    """One row's cells by lower-case column name.

    A CSV or XLSX row keeps the reader's strings and builds its `Cell`s only when asked: a
    national round has half a million cells, and most are only ever read as text. An XLSX
    row's cells also hold what the sheet stored (`raws`, by position) and their references.
    """

    __slots__ = ("_cells", "_index", "_raws", "_sheet", "_values", "line")

    def __init__(
        self,
        line: int | str,  # CSV line, or XLSX row number as "row 4"
        cells: dict[str, Cell] | None = None,
        *,
        values: list[str] | None = None,
        index: dict[str, int] | None = None,
        raws: dict[int, CellRaw] | None = None,
        sheet: bool = False,
    ) -> None:
        self.line = line
        self._cells = cells
        self._values = values
        self._index = index
        self._raws = raws
        self._sheet = sheet  # an XLSX row: each cell is where its reference says

    @property
    def cells(self) -> dict[str, Cell]:
        if self._cells is None:
            values, line = self._values or [], self.line
            count = len(values)
            raws = self._raws or {}
            sheet = self._sheet and isinstance(line, int)
            self._cells = {
                column: Cell(values[i], raws.get(i), cell_ref(i, line) if sheet else line)  # type: ignore[arg-type]
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
            if i is not None and i < len(self._values):
                if not self._sheet:
                    return Cell(self._values[i], None, self.line)
                return self.cells[column]
            return Cell("", None, self.line)
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
        # Every kept column's position in a record; None for a table built of `Row`s.
        self.index = index
        self.lines: list[int] = []  # each record's line (CSV) or row number (XLSX)
        self.records: list[list[str]] = []  # each record's strings
        # XLSX: beside each record, what its cells stored as numbers or dates; None for CSV.
        self.stored: list[dict[int, CellRaw] | None] | None = None
        self._rows = rows if rows is not None or index is not None else []

    @property
    def rows(self) -> list[Row]:
        if self._rows is None:
            index = self.index
            if self.stored is None:
                self._rows = [
                    Row(line, values=values, index=index)
                    for line, values in zip(self.lines, self.records, strict=True)
                ]
            else:
                self._rows = [
                    Row(line, values=values, index=index, raws=raws, sheet=True)
                    for line, values, raws in zip(
                        self.lines, self.records, self.stored, strict=True
                    )
                ]
        return self._rows

    @property
    def only_text(self) -> bool:
        """Every cell is text (CSV, or a workbook none of whose cells stored a number or a
        date): its columns read as a CSV's are."""
        return self.index is not None and (self.stored is None or not any(self.stored))

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
        present = sorted({i for i in positions if i is not None})
        # One pass over the records, each giving its cells of `present`, turned into columns
        # by zip: an itemgetter a column touched every record once per column, twice as long.
        # (zip of the whole records would also build the columns nobody reads.)
        picked = (
            zip(*map(_getter(present), records), strict=True) if records else [() for _i in present]
        )
        found = dict(zip(present, picked, strict=True))
        return [[""] * len(records) if i is None else list(found[i]) for i in positions]

    def raws(self, columns: tuple[str, ...]) -> list[tuple[CellRaw, ...]] | None:
        """Each row's `Cell.raw` of `columns`; None when no cell has one (CSV)."""
        if self.index is not None:
            if self.stored is None:
                return None
            positions = [self.index.get(c) for c in columns]
            nothing = (None,) * len(columns)
            return [
                nothing if raws is None else tuple([raws.get(i) for i in positions])  # type: ignore[arg-type]
                for raws in self.stored
            ]
        return [tuple([row.cells.get(c, EMPTY_CELL).raw for c in columns]) for row in self.rows]

    def where(self, number: int, column: str) -> int | str:
        """Where the `number`-th row's `column` is: its XLSX cell, else the row's line."""
        if self._rows is None:
            line = self.lines[number]
            if self.stored is not None and self.index is not None:
                i = self.index.get(column)
                if i is not None and i < len(self.records[number]):
                    return cell_ref(i, line)
            return line
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


def not_a_file() -> str:
    """Why a package entry of a file's name that is no regular file is refused (never passed
    over as absent, never opened: a device or a FIFO would not end)."""
    return _(
        "not a file (a folder, a link to nothing, a device or a pipe): the round package needs"
        " a file of this name, or none"
    )


def find_table(folder: Path, stem: str, problems: list[Problem]) -> Path | None:
    """`nominees.csv` or `nominees.xlsx` (any letter case, as Windows shows them).

    Both at once is ambiguous and refused; a `nominees.xls`, `.ods` or `.txt` is named with
    what to do, never silently passed over.
    """
    try:
        entries = sorted(folder.iterdir())
        names = [entry.name for entry in entries if entry.is_file()]
    except OSError as exc:
        problems.append(
            Problem(str(folder), None, None, _("cannot list the folder: {error}").format(error=exc))
        )
        return None
    wanted = {f"{stem}.csv", f"{stem}.xlsx"}
    odd = [entry.name for entry in entries if entry.name.lower() in wanted]
    odd = [name for name in odd if name not in names]
    if odd:
        problems.append(Problem(odd[0], None, None, not_a_file()))
        return None
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


def read_regular_file(path: Path, limit: int = MAX_BYTES) -> tuple[bytes, int] | None:
    """The bytes of `path` (none when it holds more than `limit`) and its size, or None when
    it is no regular file. Opened without waiting (a FIFO would wait for a writer) and judged by what was
    opened, so a FIFO or a device (/dev/zero never ends) is never read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    with open(os.open(path, flags), "rb") as file:
        found = os.fstat(file.fileno())
        if not stat.S_ISREG(found.st_mode):
            return None
        if found.st_size > limit:
            return b"", found.st_size
        data = file.read(limit + 1)  # a file growing meanwhile is read no further
        return data, max(found.st_size, len(data))


def read_table(
    path: Path, required: tuple[str, ...], known: tuple[str, ...], problems: list[Problem]
) -> Table | None:
    """Rows of `path` keyed by lower-case header; None when the file cannot be read at all."""
    name = path.name
    try:
        found = read_regular_file(path)
        if found is None:
            problems.append(Problem(name, None, None, not_a_file()))
            return None
        data, size = found
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
    grid: TextGrid | SheetGrid | None
    if path.suffix.lower() == ".xlsx":
        grid = read_xlsx_sheet(name, data, problems)
    else:
        grid = read_csv_grid(name, data, problems)
    if grid is None:
        return None
    return _to_table(name, grid, required, known, problems)


def _to_table(
    name: str,
    grid: TextGrid | SheetGrid,
    required: tuple[str, ...],
    known: tuple[str, ...],
    problems: list[Problem],
) -> Table | None:
    sheet = grid if isinstance(grid, SheetGrid) else None
    records: TextGrid = grid.rows if isinstance(grid, SheetGrid) else grid
    header_line, header = records[0]
    # A header cell is named by its line (CSV) or its reference (XLSX: "B1").
    header_cells = [
        Cell(value, None, cell_ref(i, header_line) if sheet is not None else header_line)
        for i, value in enumerate(header)
    ]
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
                    # An invisible character (a zero-width space) shown, else "id" looks like id.
                    items=", ".join(c if c.isprintable() else repr(c) for c in columns if c)
                    or _("none")
                ),
            )
        )
    if missing or not ok:
        return None
    width = len(columns)
    kept = [(index, column) for index, column in enumerate(columns) if column and column in known]
    table = Table(name, columns, index={column: i for i, column in kept})
    if sheet is None:
        _text_rows(name, records[1:], width, table, problems)
    else:
        table.stored = []
        _text_rows(name, records[1:], width, table, problems, sheet.raws[1:])
    return table


def _text_rows(
    name: str,
    grid: TextGrid,
    width: int,
    table: Table,
    problems: list[Problem],
    raws: list[dict[int, CellRaw] | None] | None = None,
) -> None:
    """The CSV records (or XLSX rows, with `raws`) of `_to_table`: the same checks on the
    reader's strings."""
    lines, records = table.lines, table.records
    strip = str.strip
    if grid:
        lengths = list(map(len, map(TEXTS_OF, grid)))
        if (
            min(lengths) > 0
            and max(lengths) <= width
            and all(map(strip, map(FIRST_OF, map(TEXTS_OF, grid))))
        ):
            # The usual table: no row is longer than the header and each starts with a
            # cell, so none is blank: the checks below would keep every row as it is.
            lines.extend(map(LINE_OF, grid))
            records.extend(map(TEXTS_OF, grid))
            if raws is not None and table.stored is not None:
                table.stored.extend(raws)
            return
    for number, (line, values) in enumerate(grid):
        if not any(map(strip, values)):
            continue  # a blank row
        count = len(values)
        if count > width and any(map(strip, values[width:])):
            where: int | str = line
            if raws is not None:  # an XLSX row: the first cell past the header's
                where = cell_ref(next(i for i in range(width, count) if values[i].strip()), line)
            problems.append(
                Problem(
                    name,
                    where,
                    None,
                    _(
                        "row has {count} cells but the header has {width} columns (a delimiter inside an unquoted value?)"
                    ).format(count=count, width=width),
                )
            )
            continue
        lines.append(line)
        records.append(values)
        if raws is not None and table.stored is not None:
            table.stored.append(raws[number])


def _pos(cell: Cell, line: int | str) -> int | str:
    return cell.where if cell.where is not None else line
