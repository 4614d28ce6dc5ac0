"""The claims table (claims.csv|xlsx): read row by row, or a column at a time when sound."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import fields
from operator import attrgetter
from pathlib import Path
from typing import Any

from panel_tui.domain.bulk import gc_paused
from panel_tui.domain.claim_checks import warnings_of
from panel_tui.domain.model import Claim, Nominee, NumberFormat, Round, new_claim, new_claims
from panel_tui.domain.numbers import NumberError, looks_numeric, parse_number, plain_parser
from panel_tui.domain.problems import Problem
from panel_tui.i18n import _
from panel_tui.round_package.cells import read_numbers
from panel_tui.round_package.tables import Table, find_table, read_table

CLAIM_KEY = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")
CLAIM_COLUMNS = (
    "nominee",
    "key",
    "label",
    "value",
    "unit",
    "denominator",
    "denominator_label",
    "percent",
    "part_of",
    "source",
)
TEXT_UNITS = {"text", "teks"}
# The fields of Claim that new_claims takes as its first columns, in order (warnings after).
_CLAIM_COLUMN_FIELDS = tuple(f.name for f in fields(Claim) if f.name != "warnings")


def checked_claims(
    table: Table,
    rows_texts: list[tuple[str, ...]],
    known: set[str] | None,
    fmt: NumberFormat,
    problems: list[Problem],
) -> tuple[list[Claim], list[int]]:
    """Every row checked, its problems reported: the claims without errors and their rows."""
    name = table.file

    def error(row: int, column: str, message: str) -> None:
        problems.append(Problem(name, table.where(row, column), column, message))

    plain = plain_parser(fmt)

    def number(row: int, column: str, text: str, raw: object) -> float | None:
        if isinstance(raw, float):  # an XLSX number, taken as it is
            return raw
        try:
            return parse_number(text, fmt)
        except NumberError as exc:
            message = str(exc)
            if column == "value":
                message = _("{problem} (if it is meant as text, give it the unit text)").format(
                    problem=message
                )
            error(row, column, message)
            return None

    seen: dict[tuple[str, str], int | str] = {}
    good_keys: set[str] = set()  # nominees share their claim keys: match each once
    claims: list[Claim] = []
    rows: list[int] = []  # each claim's row
    lines = table.row_lines()
    raws = table.raws(("value", "denominator", "percent"))
    no_raws = (None, None, None)
    strip = str.strip
    add_claim, add_row = claims.append, rows.append
    for row, texts in enumerate(rows_texts):
        errors_before = len(problems)
        (
            nominee,
            key,
            label,
            text,
            unit,
            denominator_text,
            denominator_label,
            percent_text,
            part_of,
            source,
        ) = map(strip, texts)
        value_raw, denominator_raw, percent_raw = no_raws if raws is None else raws[row]
        if not nominee:
            error(row, "nominee", _("required, empty"))
        elif known is not None and nominee not in known:
            error(
                row,
                "nominee",
                _("unknown nominee {nominee!r} (not in the nominees file)").format(nominee=nominee),
            )
        pair = (nominee, key)
        # Lines are distinct, so another line here means the key was seen before.
        line = lines[row]
        first = seen.setdefault(pair, line)
        if not key:
            error(row, "key", _("required, empty"))
        elif key not in good_keys and not _good_key(key, good_keys):
            error(
                row,
                "key",
                _("{key!r}: a dotted key such as coverage.vulnerable.farmers").format(key=key),
            )
        elif first != line:
            error(
                row,
                "key",
                _("duplicate key {key!r} for nominee {nominee!r} (first at {seen})").format(
                    key=key, nominee=nominee, seen=first
                ),
            )
        if not label:
            error(row, "label", _("required, empty"))
        value: float | None = None
        if not text:
            error(row, "value", _("required, empty"))
        elif unit.lower() not in TEXT_UNITS:
            # A number is parsed from the cell as written (an error quotes it so). A plain
            # number (the usual cell) looks numeric too: parse it at once; what is not plain,
            # parse_number reads or explains.
            value_text = texts[3]
            if value_raw is None:
                value = plain(value_text)
            if value is None and (isinstance(value_raw, float) or looks_numeric(value_text)):
                value = number(row, "value", value_text, value_raw)
        denominator = percent = None
        if denominator_text:
            if denominator_raw is None:
                denominator = plain(texts[5])
            if denominator is None:
                denominator = number(row, "denominator", texts[5], denominator_raw)
            if denominator is not None and denominator <= 0:
                error(row, "denominator", _("must be a positive number (the population)"))
                denominator = None
        if percent_text:
            if percent_raw is None:
                percent = plain(texts[7])
            if percent is None:
                percent = number(row, "percent", texts[7], percent_raw)
        if len(problems) > errors_before:
            continue
        claim = new_claim(
            nominee,
            key,
            label,
            value,
            text,
            unit,
            denominator,
            denominator_label,
            percent,
            part_of,
            source,
        )
        add_claim(claim)
        add_row(row)
    return claims, rows


def sound_claims(
    columns: list[list[str]], known: set[str] | None, fmt: NumberFormat
) -> list[list[Any]] | None:
    """The claims of a CSV table in which `checked_claims` finds no problem, worked out a
    column at a time (most of it by C code), as the columns of `new_claims` (nominee through
    source); None when some row has one, and then `checked_claims` reads the table row by
    row to report it.

    The usual claims file has no error: a national round's `check` spends most of its time
    here. Every test below is one `checked_claims` makes on each row.
    """
    if not columns[0]:
        return [[] for _field in _CLAIM_COLUMN_FIELDS]
    strip = str.strip
    (
        nominees,
        keys,
        labels,
        value_texts,
        units,
        denominator_texts,
        denominator_labels,
        percent_texts,
        part_ofs,
        sources,
    ) = (list(map(strip, column)) for column in columns)
    if not (
        all(nominees)
        and (known is None or known.issuperset(nominees))
        and all(keys)
        and all(map(CLAIM_KEY.match, set(keys)))
        and len(set(zip(nominees, keys, strict=True))) == len(keys)  # no duplicate key
        and all(labels)
        and all(value_texts)
    ):
        return None
    plain = plain_parser(fmt)
    text_units = {unit for unit in set(units) if unit.lower() in TEXT_UNITS}
    written = columns[3]  # numbers are read from the cells as written
    values = [
        None if unit in text_units else plain(text)
        for text, unit in zip(written, units, strict=True)
    ]
    try:
        if values.count(None) != sum(map(text_units.__contains__, units)):
            for row, value in enumerate(values):
                # What plain_parser does not read: a number written otherwise, or free text.
                if value is None and units[row] not in text_units and looks_numeric(written[row]):
                    values[row] = parse_number(written[row], fmt)
        denominators = read_numbers(columns[5], denominator_texts, fmt)
        percents = read_numbers(columns[7], percent_texts, fmt)
    except NumberError:
        return None
    if any(d is not None and d <= 0 for d in denominators):
        return None
    return [
        nominees,
        keys,
        labels,
        values,
        value_texts,
        units,
        denominators,
        denominator_labels,
        percents,
        part_ofs,
        sources,
    ]


def _good_key(key: str, good_keys: set[str]) -> bool:
    """True (and remembered) when `key` is a dotted claim key."""
    if CLAIM_KEY.match(key):
        good_keys.add(key)
        return True
    return False


def load_claims(
    folder: Path, round_: Round, nominees: list[Nominee] | None, problems: list[Problem]
) -> tuple[Callable[[], list[Claim]], int]:
    """The claims (a function that builds them) and how many; with `nominees` None
    (unreadable) their nominee ids go unchecked, so one broken nominees file does not bury
    its own error under one error per claim.

    The claims are checked, and their warnings worked out, a column at a time; the claim
    objects themselves (50,000 of them in a national round, 12 fields each) are built only
    when something reads them: `check` never does.
    """
    path = find_table(folder, "claims", problems)
    if path is None:
        return list, 0
    table = read_table(path, ("nominee", "key", "label", "value"), CLAIM_COLUMNS, problems)
    if table is None:
        return list, 0
    name = table.file
    known = None if nominees is None else {n.id for n in nominees}
    rows: Sequence[int]  # each claim's row
    columns = None
    if table.only_text:  # else XLSX cells hold numbers: read row by row
        columns = sound_claims(table.column_texts(CLAIM_COLUMNS), known, round_.number_format)
    if columns is not None:
        rows = range(len(columns[0]))
    else:
        claims, rows = checked_claims(
            table, table.texts(CLAIM_COLUMNS), known, round_.number_format, problems
        )
        columns = [list(map(attrgetter(f), claims)) for f in _CLAIM_COLUMN_FIELDS]
    nominee_ids, keys, _labels, values, texts, units, denominators = columns[:7]
    percents, part_ofs = columns[8], columns[9]
    # The claims (and their rows) that name a part_of, checked once every key is known.
    parts = [i for i, part_of in enumerate(part_ofs) if part_of]
    if parts:
        pairs = set(zip(nominee_ids, keys, strict=True))
        for i in parts:
            nominee, key, part_of = nominee_ids[i], keys[i], part_ofs[i]
            if part_of == key:
                problems.append(
                    Problem(
                        name,
                        table.where(rows[i], "part_of"),
                        "part_of",
                        _("a claim cannot be a part of itself"),
                    )
                )
            elif (nominee, part_of) not in pairs:
                problems.append(
                    Problem(
                        name,
                        table.where(rows[i], "part_of"),
                        "part_of",
                        _("no claim {part_of!r} for nominee {nominee!r}").format(
                            part_of=part_of, nominee=nominee
                        ),
                    )
                )
    found = warnings_of(nominee_ids, keys, values, texts, units, denominators, percents, part_ofs)
    # A stated percentage over 100 is the percent cell's fault; the rest concern value.
    stated = _("stated percent {percent}% is over 100%").split("{", 1)[0]
    for i in [i for i, warnings in enumerate(found) if warnings]:
        for message in found[i]:
            column = "percent" if message.startswith(stated) else "value"
            problems.append(
                Problem(
                    name,
                    table.where(rows[i], column),
                    column,
                    f"{nominee_ids[i]} {keys[i]}: {message}",
                    "warning",
                )
            )

    def build() -> list[Claim]:
        with gc_paused():
            return new_claims(*columns, found)

    return build, len(rows)
