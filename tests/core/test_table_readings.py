"""The two readings of each round package table give the same nominees and claims.

A CSV nominees or claims table is read a column at a time (`sound_nominees`, `sound_claims`)
when nothing in it is wrong, else row by row (`checked_nominees`, `checked_claims`), which
reports every problem. Only their own docstrings keep them in step; these properties hold
them to it: on random valid tables the column reading equals the row reading field for
field (types included), and a workbook holding the same cells as text, which is only ever
read row by row, gives the same again.
"""

from __future__ import annotations

import csv
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from panel_tui.domain.model import Category, Claim, Nominee, NumberFormat, Round
from panel_tui.domain.numbers import NumberError, looks_numeric, parse_number
from panel_tui.domain.problems import Problem
from panel_tui.round_package.claims import (
    CLAIM_COLUMNS,
    checked_claims,
    sound_claims,
)
from panel_tui.round_package.nominees import NOMINEE_COLUMNS, checked_nominees, sound_nominees
from panel_tui.round_package.tables import Table, read_table

CATEGORIES = ("pemkab", "bumn", "swasta")
DATES = (date(2025, 7, 14), date(2025, 7, 15))
CLAIM_FIELDS = tuple(f.name for f in fields(Claim) if f.name != "warnings")
FORMATS: tuple[NumberFormat, ...] = ("en", "id")
MAGNITUDE = {"en": ("thousand", "million", "billion"), "id": ("ribu", "juta", "miliar")}

# Letters of both languages, the CSV's delimiters and quote, and a line break inside a cell;
# no "=", which would start a formula in a workbook.
CHARS = "abcXYZ éÉñ019,;.'\"-()/&%\n"
TEXT = st.text(st.sampled_from(CHARS), max_size=12)
FILLED = st.tuples(TEXT, st.sampled_from(CHARS.replace(" ", "").replace("\n", "")), TEXT).map(
    "".join
)
PAD = st.sampled_from(["", " ", "  "])


def _padded(values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(PAD, values, PAD).map("".join)


@st.composite
def _number(draw: st.DrawFn, fmt: NumberFormat, positive: bool = False) -> str:
    """A number as a spreadsheet cell in `fmt` may write it: grouped or not, with a fraction,
    a currency, a percent sign or a magnitude word."""
    thousands, decimal = (",", ".") if fmt == "en" else (".", ",")
    whole = draw(st.integers(0 if not positive else 1, 10**9))
    digits = f"{whole:,}".replace(",", thousands) if draw(st.booleans()) else str(whole)
    if draw(st.booleans()):
        digits += decimal + draw(st.sampled_from(["0", "5", "25", "125"]))
    sign = "" if positive else draw(st.sampled_from(["", "", "-"]))
    form = draw(st.sampled_from(["plain", "plain", "money", "percent", "magnitude"]))
    if form == "money":
        text = draw(st.sampled_from(["Rp", "Rp ", "IDR "])) + sign + digits
    elif form == "percent":
        text = sign + digits + "%"
    elif form == "magnitude":
        text = sign + digits + " " + draw(st.sampled_from(MAGNITUDE[fmt]))
    else:
        text = sign + digits
    return text


def _reads(text: str, fmt: NumberFormat) -> bool:
    try:
        parse_number(text, fmt)
    except NumberError:
        return False
    return True


def _whole(fmt: NumberFormat) -> st.SearchStrategy[str]:
    """An order: a whole number, grouped or not, perhaps with a zero fraction."""
    thousands, decimal = (",", ".") if fmt == "en" else (".", ",")
    return st.tuples(
        st.integers(-(10**9), 10**9), st.booleans(), st.sampled_from(["", decimal + "0"])
    ).map(lambda d: (f"{d[0]:,}".replace(",", thousands) if d[1] else str(d[0])) + d[2])


def _slot(with_dates: bool) -> st.SearchStrategy[str]:
    day = st.sampled_from(["2025-07-14", "2025-07-15", "2024-12-31"])
    hour, minute = st.integers(0, 23), st.integers(0, 59)
    forms = [
        st.just(""),
        st.builds(lambda d, h, m: f"{d} {h:02d}:{m:02d}", day, hour, minute),
        st.builds(lambda d, h, m: f"{d}T{h:02d}:{m:02d}", day, hour, minute),
        st.builds(lambda d, h, m: f"{d} {h:02d}:{m:02d}:00", day, hour, minute),
    ]
    if with_dates:  # a time alone is read on the round's first date
        forms.append(
            st.builds(lambda h, m, sep: f"{h}{sep}{m:02d}", hour, minute, st.sampled_from(":."))
        )
    return st.one_of(forms)


NOMINEE_ID = st.tuples(
    st.sampled_from("abcXYZ019"), st.text(st.sampled_from("abz09_.-"), max_size=6)
).map("".join)


@st.composite
def nominee_tables(draw: st.DrawFn) -> tuple[Round, list[list[str]]]:
    """A round and the rows of a valid nominees table for it."""
    fmt = draw(st.sampled_from(FORMATS))
    with_dates = draw(st.booleans())
    round_ = Round(
        id="r",
        title="R",
        province="P",
        year=2025,
        stage="provincial",
        dates=DATES if with_dates else (),
        number_format=fmt,
        categories=tuple(Category(c, c, "rubric") for c in CATEGORIES),
    )
    ids = draw(st.lists(NOMINEE_ID, max_size=8, unique=True))
    rows = [
        [
            draw(_padded(st.just(nominee_id))),
            draw(FILLED),
            draw(_padded(st.sampled_from(CATEGORIES))),
            draw(TEXT),
            draw(_padded(_slot(with_dates))),
            draw(st.one_of(st.just(""), _padded(_whole(fmt)))),
        ]
        for nominee_id in ids
    ]
    return round_, rows


KEY_PART = st.text(st.sampled_from("abcXYZ019_-"), min_size=1, max_size=5)
CLAIM_KEY = st.lists(KEY_PART, min_size=1, max_size=3).map(".".join)
UNITS = ("", "persons", "%", "IDR", "text", "Teks", "TEXT", "orang")


@st.composite
def claim_tables(draw: st.DrawFn) -> tuple[NumberFormat, set[str] | None, list[list[str]]]:
    """A number format, the nominees known (None: unchecked) and a valid claims table's rows."""
    fmt = draw(st.sampled_from(FORMATS))
    nominees = ["klu", "lotim", "mataram"]
    known = draw(st.sampled_from([set(nominees), None]))
    pairs = draw(
        st.lists(st.tuples(st.sampled_from(nominees), CLAIM_KEY), max_size=10, unique=True)
    )
    number = _number(fmt).filter(lambda t: _reads(t, fmt))
    positive = _number(fmt, positive=True).filter(
        lambda t: _reads(t, fmt) and parse_number(t, fmt) > 0
    )
    free_text = FILLED.filter(lambda t: not looks_numeric(t))
    rows = []
    for nominee, key in pairs:
        unit = draw(_padded(st.sampled_from(UNITS)))
        if unit.strip().lower() in ("text", "teks"):
            value = draw(st.one_of(FILLED, number))  # kept as text, even when it looks numeric
        else:
            value = draw(st.one_of(number, free_text))
        rows.append(
            [
                draw(_padded(st.just(nominee))),
                draw(_padded(st.just(key))),
                draw(FILLED),
                draw(_padded(st.just(value))),
                unit,
                draw(st.one_of(st.just(""), _padded(positive))),
                draw(TEXT),
                draw(st.one_of(st.just(""), _padded(number))),
                draw(st.one_of(st.just(""), CLAIM_KEY, TEXT)),
                draw(TEXT),
            ]
        )
    return fmt, known, rows


def _write_csv(path: Path, header: tuple[str, ...], rows: list[list[str]], fmt: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";" if fmt == "id" else ",", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows(rows)


def _write_xlsx(path: Path, header: tuple[str, ...], rows: list[list[str]]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)  # every cell a text, as typed into a cell formatted as text
    book.save(path)


def _table(path: Path, required: tuple[str, ...], known: tuple[str, ...]) -> Table:
    problems: list[Problem] = []
    table = read_table(path, required, known, problems)
    assert table is not None and problems == [], problems
    return table


def _fields(items: list[Any], names: tuple[str, ...]) -> dict[str, list[str]]:
    """Each field's values as repr: 3 and 3.0, or 0.0 and -0.0, are not the same reading."""
    return {name: [repr(getattr(item, name)) for item in items] for name in names}


def _columns(columns: list[list[Any]], names: tuple[str, ...]) -> dict[str, list[str]]:
    return {name: list(map(repr, column)) for name, column in zip(names, columns, strict=True)}


NOMINEE_FIELDS = tuple(f.name for f in fields(Nominee))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("readings")


@settings(max_examples=75)
@given(drawn=nominee_tables())
def test_the_column_reading_of_valid_nominees_equals_the_row_reading(
    folder: Path, drawn: tuple[Round, list[list[str]]]
) -> None:
    round_, rows = drawn
    path = folder / "nominees.csv"
    _write_csv(path, NOMINEE_COLUMNS, rows, round_.number_format)
    table = _table(path, ("id", "name", "category"), NOMINEE_COLUMNS)
    categories = set(CATEGORIES)
    problems: list[Problem] = []
    by_row = checked_nominees(table, round_, categories, problems)
    assert problems == []  # the table is valid: else the property says nothing
    by_column = sound_nominees(table.column_texts(NOMINEE_COLUMNS), round_, categories)
    assert by_column is not None
    assert _fields(by_column, NOMINEE_FIELDS) == _fields(by_row, NOMINEE_FIELDS)
    assert len(by_row) == len(rows)


@settings(max_examples=75)
@given(drawn=claim_tables())
def test_the_column_reading_of_valid_claims_equals_the_row_reading(
    folder: Path, drawn: tuple[NumberFormat, set[str] | None, list[list[str]]]
) -> None:
    fmt, known, rows = drawn
    path = folder / "claims.csv"
    _write_csv(path, CLAIM_COLUMNS, rows, fmt)
    table = _table(path, ("nominee", "key", "label", "value"), CLAIM_COLUMNS)
    problems: list[Problem] = []
    by_row, row_numbers = checked_claims(table, table.texts(CLAIM_COLUMNS), known, fmt, problems)
    assert problems == []
    assert row_numbers == list(range(len(rows)))
    by_column = sound_claims(table.column_texts(CLAIM_COLUMNS), known, fmt)
    assert by_column is not None
    assert _columns(by_column, CLAIM_FIELDS) == _fields(by_row, CLAIM_FIELDS)


def _both(
    folder: Path, stem: str, header: tuple[str, ...], rows: list[list[str]], fmt: NumberFormat
) -> tuple[Table, Table]:
    """The same cells as a CSV table and as a workbook (every cell a text) table."""
    required = header[:4] if stem == "claims" else header[:3]
    _write_csv(folder / f"{stem}.csv", header, rows, fmt)
    _write_xlsx(folder / f"{stem}.xlsx", header, rows)
    from_csv = _table(folder / f"{stem}.csv", required, header)
    from_workbook = _table(folder / f"{stem}.xlsx", required, header)
    assert from_workbook.only_text  # every cell a text: its columns are read as the CSV's
    return from_csv, from_workbook


@settings(max_examples=15)
@given(drawn=nominee_tables())
def test_a_workbook_of_the_same_nominees_reads_as_the_csv(
    folder: Path, drawn: tuple[Round, list[list[str]]]
) -> None:
    round_, rows = drawn
    from_csv, from_workbook = _both(folder, "nominees", NOMINEE_COLUMNS, rows, round_.number_format)
    categories = set(CATEGORIES)
    problems: list[Problem] = []
    by_row = checked_nominees(from_workbook, round_, categories, problems)
    assert problems == []
    by_column = sound_nominees(from_csv.column_texts(NOMINEE_COLUMNS), round_, categories)
    assert by_column is not None
    assert _fields(by_row, NOMINEE_FIELDS) == _fields(by_column, NOMINEE_FIELDS)


@settings(max_examples=15)
@given(drawn=claim_tables())
def test_a_workbook_of_the_same_claims_reads_as_the_csv(
    folder: Path, drawn: tuple[NumberFormat, set[str] | None, list[list[str]]]
) -> None:
    fmt, known, rows = drawn
    from_csv, from_workbook = _both(folder, "claims", CLAIM_COLUMNS, rows, fmt)
    problems: list[Problem] = []
    texts = from_workbook.texts(CLAIM_COLUMNS)
    by_row, _rows = checked_claims(from_workbook, texts, known, fmt, problems)
    assert problems == []
    by_column = sound_claims(from_csv.column_texts(CLAIM_COLUMNS), known, fmt)
    assert by_column is not None
    assert _fields(by_row, CLAIM_FIELDS) == _columns(by_column, CLAIM_FIELDS)
