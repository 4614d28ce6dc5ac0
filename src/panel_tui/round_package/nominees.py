"""The nominees table (nominees.csv|xlsx): read row by row, or a column at a time when sound."""

from __future__ import annotations

import re
from datetime import datetime
from itertools import compress
from pathlib import Path

from panel_tui.domain.model import Nominee, Round
from panel_tui.domain.problems import Problem
from panel_tui.i18n import _
from panel_tui.round_package.cells import USUAL_SLOT, read_integer, read_numbers, read_slot, spread
from panel_tui.round_package.grid import Cell
from panel_tui.round_package.tables import Table, find_table, read_table

NOMINEE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
NOMINEE_COLUMNS = ("id", "name", "category", "presenter", "slot", "order")


def load_nominees(folder: Path, round_: Round, problems: list[Problem]) -> list[Nominee] | None:
    """The nominees; None when the file is missing or unreadable (its problems say why)."""
    path = find_table(folder, "nominees", problems)
    if path is None:
        if not any(p.file.lower().startswith("nominees.") for p in problems):
            problems.append(
                Problem("nominees.csv", None, None, _("nominees.csv (or nominees.xlsx) is missing"))
            )
        return None
    table = read_table(path, ("id", "name", "category"), NOMINEE_COLUMNS, problems)
    if table is None:
        return None
    categories = {c.id for c in round_.categories}
    result = None
    if table.only_text:  # else XLSX cells hold dates and numbers: row by row
        result = sound_nominees(table.column_texts(NOMINEE_COLUMNS), round_, categories)
    if result is None:
        result = checked_nominees(table, round_, categories, problems)
    _warn_days_off_the_round(table, round_, result, problems)
    if not table.count:
        problems.append(
            Problem(
                table.file, None, None, _("no nominees: the file has only its header"), "warning"
            )
        )
    return result


def _warn_days_off_the_round(
    table: Table, round_: Round, nominees: list[Nominee], problems: list[Problem]
) -> None:
    """A slot on a day that is not one of the round's dates: a typo (2052 for 2025), or the
    dates in round.toml are wrong; the agenda's clock would put the interview there."""
    days = set(round_.dates)
    odd = [n for n in nominees if days and n.slot is not None and n.slot.date() not in days]
    if not odd:
        return
    rows: dict[str, int] = {}
    for number, (nominee_id,) in enumerate(table.texts(("id",))):
        rows.setdefault(nominee_id.strip(), number)
    dates = ", ".join(day.isoformat() for day in round_.dates)
    for nominee in odd:
        assert nominee.slot is not None
        problems.append(
            Problem(
                table.file,
                table.where(rows[nominee.id], "slot"),
                "slot",
                _("{day} is not a date of the round ({dates}): a typo?").format(
                    day=nominee.slot.date().isoformat(), dates=dates
                ),
                "warning",
            )
        )


def checked_nominees(
    table: Table, round_: Round, categories: set[str], problems: list[Problem]
) -> list[Nominee]:
    """The nominees read row by row, every problem reported with its line (or cell) and
    field: a nominee for each row whose id is given and not a duplicate."""
    name = table.file
    seen: dict[str, int | str] = {}
    result = []
    lines = table.row_lines()
    raws = table.raws(("slot", "order"))
    for number, (nominee_id, nominee_name, category, presenter, slot_text, order_text) in enumerate(
        table.texts(NOMINEE_COLUMNS)
    ):
        line = lines[number]

        def error(column: str, message: str, number: int = number) -> None:
            problems.append(Problem(name, table.where(number, column), column, message))

        nominee_id = nominee_id.strip()
        if not nominee_id:
            error("id", _("required, empty"))
            continue
        if not NOMINEE_ID.match(nominee_id):
            error(
                "id",
                _("{nominee_id!r}: use letters, digits, '-', '_' or '.'").format(
                    nominee_id=nominee_id
                ),
            )
        if nominee_id in seen:
            error(
                "id",
                _("duplicate nominee id {nominee_id!r} (first at {seen})").format(
                    nominee_id=nominee_id, seen=seen[nominee_id]
                ),
            )
            continue
        seen[nominee_id] = line
        nominee_name = nominee_name.strip()
        if not nominee_name:
            error("name", _("required, empty"))
        category = category.strip()
        if not category:
            error("category", _("required, empty"))
        elif category not in categories:
            error(
                "category",
                _("unknown category {category!r} (round.toml has: {items})").format(
                    category=category, items=", ".join(sorted(categories)) or _("none")
                ),
            )
        slot_raw, order_raw = (None, None) if raws is None else raws[number]
        slot = None
        if slot_raw is not None or slot_text.strip():  # else read_slot finds nothing to read
            slot = read_slot(Cell(slot_text, slot_raw, line), round_, lambda m: error("slot", m))
        order = None
        if order_text.strip():
            order = read_integer(
                Cell(order_text, order_raw, line),
                round_.number_format,
                lambda m: error("order", m),
            )
        result.append(Nominee(nominee_id, nominee_name, category, presenter.strip(), slot, order))
    return result


def sound_nominees(
    columns: list[list[str]], round_: Round, categories: set[str]
) -> list[Nominee] | None:
    """The nominees of a CSV table in which `checked_nominees` finds no problem, worked out a
    column at a time; None when some row has one (`checked_nominees` then reports it).
    Every test below is one `checked_nominees` makes on each row."""
    strip = str.strip
    ids, names, nominee_categories, presenters, slot_texts, order_texts = (
        list(map(strip, column)) for column in columns
    )
    if not (
        all(ids)
        and all(map(NOMINEE_ID.match, ids))
        and len(set(ids)) == len(ids)
        and all(names)
        and all(nominee_categories)
        and categories.issuperset(nominee_categories)
    ):
        return None
    try:
        cells = list(compress(slot_texts, slot_texts))
        if all(map(USUAL_SLOT.fullmatch, cells)):  # the usual form, which read_slot reads so
            found: list[datetime | None] = list(map(datetime.fromisoformat, cells))
        else:
            found = [read_slot(Cell(cell), round_, _refuse) for cell in cells]
        slots = spread(found, slot_texts)
        # An order is read from the cell as written, as read_integer reads it.
        numbers = read_numbers(columns[5], order_texts, round_.number_format)
    except (ValueError, _Refused):  # NumberError is a ValueError
        return None
    if not all(n is None or (n.is_integer() and abs(n) <= 1_000_000_000) for n in numbers):
        return None
    orders = [None if n is None else int(n) for n in numbers]
    return list(map(Nominee, ids, names, nominee_categories, presenters, slots, orders))


class _Refused(Exception):
    """A cell the row-by-row reading would report."""


def _refuse(message: str) -> None:
    raise _Refused(message)
