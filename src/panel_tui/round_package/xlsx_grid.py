"""An XLSX workbook's first sheet as a grid of cells with their references (openpyxl, read-
only), percentages as Excel shows them."""

from __future__ import annotations

import io
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
    Grid,
)


def read_xlsx_grid(name: str, data: bytes, problems: list[Problem]) -> Grid | None:
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
