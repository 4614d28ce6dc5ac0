"""An XLSX workbook's first sheet as the cells a table is read from: each cell's text (numbers,
dates and booleans written out, percentages as Excel shows them), what it stored when that
was a number or a date, and its reference; with the problems of a stranger's file."""

from __future__ import annotations

import math
import zipfile
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from panel_tui.domain.problems import Problem
from panel_tui.domain.text import control_message as _control
from panel_tui.i18n import _
from panel_tui.round_package.grid import (
    CONTROL_CHARS,
    MAX_CELL,
    Cell,
    CellRaw,
    Grid,
    SheetGrid,
    TextGrid,
)
from panel_tui.round_package.xlsx_reader import (
    NoSheets,
    Percent,
    Value,
    XlsxError,
    column_letters,
    first_sheet_rows,
)


def read_xlsx_sheet(name: str, data: bytes, problems: list[Problem]) -> SheetGrid | None:
    """The first sheet's rows that have cells, as texts with the stored numbers beside them;
    None (and a problem) when the file is not a readable workbook or the sheet has no header."""
    if not data.startswith(b"PK"):
        problems.append(
            Problem(name, None, None, _("not an XLSX workbook (save it as .xlsx or .csv)"))
        )
        return None
    rows: TextGrid = []
    raws: list[dict[int, CellRaw] | None] = []
    end = 0
    try:
        for number, values in first_sheet_rows(data):
            if not values:  # a row element without cells: blank
                end = number
                continue
            stored: dict[int, CellRaw] | None = None
            try:
                joined = "\n".join(values)  # type: ignore[arg-type]  # raises unless all text
                texts: list[str] = values  # type: ignore[assignment]
            except TypeError:  # a number, a date, a boolean or an empty cell
                texts = []
                for i, value in enumerate(values):
                    if isinstance(value, str):
                        texts.append(value)
                        continue
                    text, raw = _text_and_raw(value)
                    texts.append(text)
                    if raw is not None:
                        if stored is None:
                            stored = {}
                        stored[i] = raw
                joined = "\n".join(texts)
            if CONTROL_CHARS.search(joined) or (
                len(joined) > MAX_CELL and max(map(len, texts)) > MAX_CELL
            ):
                _refuse_cell(name, number, texts, problems)
                return None
            rows.append((number, texts))
            raws.append(stored)
    except NoSheets:
        problems.append(Problem(name, None, None, _("the workbook has no sheets")))
        return None
    except XlsxError as exc:
        problems.append(
            Problem(name, None, None, _("not a readable XLSX workbook: {error}").format(error=exc))
        )
        return None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError) as exc:
        # A damaged or truncated zip, a bad CRC, an encrypted member, an unknown compression.
        problems.append(
            Problem(name, None, None, _("not a readable XLSX workbook: {error}").format(error=exc))
        )
        return None
    except Exception as exc:  # a stranger's file must give a problem, never a traceback
        problems.append(
            Problem(name, None, None, _("not a readable XLSX workbook: {error}").format(error=exc))
        )
        return None
    if not rows or rows[0][0] != 1 or not any(text.strip() for text in rows[0][1]):
        problems.append(
            Problem(name, "A1", None, _("the first sheet is empty: expected a header row"))
        )
        return None
    return SheetGrid(rows, raws, max(end, rows[-1][0]))


def read_xlsx_grid(name: str, data: bytes, problems: list[Problem]) -> Grid | None:
    """The first sheet as openpyxl's read-only reader gives it: every row from row 1 to the
    last, a row without cells as [], each cell with its text, raw value and reference."""
    sheet = read_xlsx_sheet(name, data, problems)
    if sheet is None:
        return None
    grid: Grid = []
    expected = 1
    for (number, texts), stored in zip(sheet.rows, sheet.raws, strict=True):
        grid.extend((empty, []) for empty in range(expected, number))
        raws = stored or {}
        grid.append(
            (
                number,
                [
                    Cell(text, raws.get(i), f"{column_letters(i + 1)}{number}")
                    for i, text in enumerate(texts)
                ],
            )
        )
        expected = number + 1
    grid.extend((empty, []) for empty in range(expected, sheet.end + 1))
    return grid


def cell_ref(index: int, row: int) -> str:
    """The reference of the cell at position `index` (0 for A) of row `row`."""
    return f"{column_letters(index + 1)}{row}"


def _refuse_cell(name: str, row: int, texts: list[str], problems: list[Problem]) -> None:
    """The first cell of the row that is too long or holds a control character."""
    for i, text in enumerate(texts):
        if len(text) > MAX_CELL:
            problems.append(Problem(name, cell_ref(i, row), None, _("cell is too long")))
            return
        control = CONTROL_CHARS.search(text)
        if control:
            problems.append(Problem(name, cell_ref(i, row), None, _control(control)))
            return


def _text_and_raw(value: Value) -> tuple[str, CellRaw]:
    if value is None:
        return "", None
    if isinstance(value, Percent):
        return _percent(value.fraction)
    if isinstance(value, bool):
        return str(value).upper(), None
    if isinstance(value, (int, float)):
        number = float(value)
        text = str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)
        return text, number
    if isinstance(value, (datetime, date, time)):
        text = value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
        return text, value
    return str(value), None  # an error (#N/A), an elapsed time


def _percent(value: int | float) -> tuple[str, CellRaw]:
    """A cell formatted as a percentage holds a fraction: Excel shows 0.5088 as 50.88%."""
    try:
        number = float(Decimal(repr(float(value))) * 100)
    except (InvalidOperation, ValueError, OverflowError):
        return _text_and_raw(value)
    if not math.isfinite(number):
        return _text_and_raw(value)
    text = str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)
    return f"{text}%", number
