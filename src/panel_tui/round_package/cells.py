"""Reading the cells of the nominees and claims tables: a slot, a whole number, a column of
numbers.

`read_slot` and `read_integer` hand what they cannot read to `error`; `read_numbers`, used by
the column-at-a-time readers, raises NumberError and the table is then read row by row.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from itertools import compress
from typing import Any

from panel_tui.domain.model import NumberFormat, Round
from panel_tui.domain.numbers import NumberError, parse_number, plain_numbers
from panel_tui.i18n import _
from panel_tui.round_package.grid import Cell

USUAL_SLOT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", re.ASCII)


def spread(found: list[Any], texts: list[str]) -> list[Any]:
    """`found` (one per non-empty text, in order) in the rows of those texts, else None."""
    if len(found) == len(texts):
        return found
    values = iter(found)
    return [next(values) if text else None for text in texts]


def read_slot(cell: Cell, round_: Round, error: Any) -> datetime | None:
    if isinstance(cell.raw, datetime):
        return cell.raw.replace(second=0, microsecond=0)
    text = cell.text.strip()
    if isinstance(cell.raw, time):
        text = cell.raw.strftime("%H:%M")
    if not text:
        return None
    if USUAL_SLOT.fullmatch(text):  # the usual form, without strptime's cost
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            pass
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", text)
    if match:
        if not round_.dates:
            error(
                _(
                    "{text!r} gives only a time: add dates to round.toml or write YYYY-MM-DD HH:MM"
                ).format(text=text)
            )
            return None
        try:
            return datetime.combine(round_.dates[0], time(int(match.group(1)), int(match.group(2))))
        except ValueError:
            pass
    error(_("{text!r} is not a time: expected YYYY-MM-DD HH:MM or HH:MM").format(text=text))
    return None


def read_integer(cell: Cell, number_format: NumberFormat, error: Any) -> int | None:
    value = _number(cell, number_format, error)
    if value is None:
        return None
    if not float(value).is_integer():
        error(_("{text!r}: expected a whole number").format(text=cell.text))
        return None
    if abs(value) > 1_000_000_000:
        error(_("{text!r}: expected a whole number below 1,000,000,000").format(text=cell.text))
        return None
    return int(value)


def _number(cell: Cell, number_format: NumberFormat, error: Any) -> float | None:
    if isinstance(cell.raw, float):
        return cell.raw
    try:
        return parse_number(cell.text, number_format)
    except NumberError as exc:
        error(str(exc))
        return None


def read_numbers(written: list[str], stripped: list[str], fmt: NumberFormat) -> list[float | None]:
    """Each non-empty cell's number (None for an empty one); NumberError when one is none."""
    cells = list(compress(written, stripped))
    found = plain_numbers(cells, fmt)
    if None in found:  # some cell plain_parser did not read
        found = [
            parse_number(cell, fmt) if number is None else number
            for cell, number in zip(cells, found, strict=True)
        ]
    return spread(found, stripped)
