"""Reading CSV tables: what the fast paths of tables.py must keep exactly.

`check` reads a CSV table's strings by column position (`Table.texts`), finds control
characters through a byte scan first and looks for too long cells after reading; each must
give what the cell-by-cell reading gives.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from panel_tui.domain.problems import Problem
from panel_tui.round_package.csv_grid import read_csv_grid
from panel_tui.round_package.grid import EMPTY_CELL, MAX_CELL
from panel_tui.round_package.tables import Row, Table, read_table

KNOWN = ("nominee", "key", "label", "value", "unit", "source")


def _read(
    tmp_path: Path, text: str, name: str = "claims.csv"
) -> tuple[Table | None, list[Problem]]:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    problems: list[Problem] = []
    return read_table(path, ("nominee",), KNOWN, problems), problems


def _reference_where(row: Row, column: str) -> int | str:
    """The loader's position of a cell before Table.where: its XLSX reference, else the line."""
    cell = row.cells.get(column)
    if cell is not None and isinstance(cell.where, str):
        return cell.where
    return row.line


CELLS = st.sampled_from(["", " ", "n1", " padded ", "12,5", "a;b", 'say "x"', "two\nlines"])
HEADERS = st.lists(
    st.sampled_from(["nominee", "key", "Label", "VALUE", "unit", "extra", "", "source"]),
    min_size=1,
    max_size=7,
    unique=True,
).filter(lambda header: "nominee" in header)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=HEADERS,
    rows=st.lists(st.lists(CELLS, max_size=9), max_size=8),
    delimiter=st.sampled_from([",", ";"]),
)
def test_texts_and_where_are_those_of_the_rows_cells(
    tmp_path: Path, header: list[str], rows: list[list[str]], delimiter: str
) -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    table, _problems = _read(tmp_path, out.getvalue())
    assume(table is not None)  # e.g. a ';' file whose header has no ';' to tell
    assert table is not None
    columns = ("unit", "nominee", "value", "missing", "label", "source", "key")
    texts = table.texts(columns)
    lines = table.row_lines()
    count = table.count
    assert table.raws(columns) is None  # CSV cells are text only
    # The rows, built from the same records, are the reference.
    assert len(texts) == len(lines) == count == len(table.rows)
    for number, row in enumerate(table.rows):
        assert texts[number] == tuple(row.cell(c).text for c in columns)
        assert texts[number] == tuple(row.cells.get(c, EMPTY_CELL).text for c in columns)
        assert lines[number] == row.line
        for column in columns:
            assert table.where(number, column) == _reference_where(row, column)
    # The same texts a column at a time (a column asked for twice too), as separate lists.
    by_column = table.column_texts((*columns, "nominee"))
    assert by_column == [[t[i] for t in texts] for i in range(len(columns))] + [
        [row.cell("nominee").text for row in table.rows]
    ]
    assert by_column[1] is not by_column[-1]


def test_texts_of_a_short_row_and_of_a_column_the_header_lacks(tmp_path: Path) -> None:
    table, _problems = _read(tmp_path, "nominee,key,label\nn1,k1\nn2,k2,L2,\n\nn3\n")
    assert table is not None
    assert table.texts(("label", "value", "nominee")) == [
        ("", "", "n1"),
        ("L2", "", "n2"),
        ("", "", "n3"),
    ]
    assert table.row_lines() == [2, 3, 5]


def test_texts_of_an_xlsx_table_and_its_numbers(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["nominee", "key", "value"])
    sheet.append(["n1", "k1", 12.5])
    sheet.append(["n2", None, "text"])
    workbook.save(tmp_path / "claims.xlsx")
    problems: list[Problem] = []
    table = read_table(tmp_path / "claims.xlsx", ("nominee",), KNOWN, problems)
    assert table is not None
    assert table.texts(("value", "nominee", "unit")) == [("12.5", "n1", ""), ("text", "n2", "")]
    assert table.raws(("value", "unit")) == [(12.5, None), (None, None)]
    assert table.row_lines() == [2, 3]
    assert table.where(0, "value") == "C2"
    assert table.where(1, "unit") == 3  # no cell: the row


def _understated_dimension(path: Path, claimed: str) -> None:
    """Rewrite the first sheet's <dimension ref=...> tag as a hostile writer would."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    xml = members[sheet].decode("utf-8")
    members[sheet] = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{claimed}"', xml).encode()
    assert members[sheet] != xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)


def test_xlsx_rows_past_an_understated_dimension_tag_are_read(tmp_path: Path) -> None:
    """openpyxl's read-only mode trusts <dimension>: a 41-row sheet whose tag says 11 rows
    must still give 40 data rows, as Excel and LibreOffice show them."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["nominee", "key", "value"])
    for i in range(40):
        sheet.append([f"n{i}", f"k{i}", i])
    path = tmp_path / "claims.xlsx"
    workbook.save(path)
    _understated_dimension(path, "A1:C11")
    problems: list[Problem] = []
    table = read_table(path, ("nominee",), KNOWN, problems)
    assert table is not None and not problems
    assert table.row_lines() == list(range(2, 42))
    assert table.texts(("nominee",))[-1] == ("n39",)


@pytest.mark.parametrize(
    "char",
    ["\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x80", "\x85", "\x9b", "\x9f"],
)
def test_every_control_character_is_refused_at_its_line(tmp_path: Path, char: str) -> None:
    # Non-ASCII text before it: the byte scan must not be fooled by other UTF-8 sequences.
    text = f"nominee,key\nn1,Rp\u00a0500 \u00a9 \u2014 é\nn2,k{char}x\n"
    table, problems = _read(tmp_path, text)
    assert table is None
    assert [(p.line, "control character" in p.message) for p in problems] == [(3, True)]


def test_characters_sharing_a_first_byte_with_control_characters_are_text(
    tmp_path: Path,
) -> None:
    # U+00A0-U+00BF are written 0xC2 0xA0-0xBF, like U+0080-U+009F (0xC2 0x80-0x9F).
    text = "nominee,key\n" + "".join(f"n{i},{chr(c)}\n" for i, c in enumerate(range(0xA0, 0xC0)))
    table, problems = _read(tmp_path, text)
    assert table is not None and problems == []
    assert [t for (t,) in table.texts(("key",))] == [chr(c) for c in range(0xA0, 0xC0)]


def _long(count: int) -> str:
    return '"' + "x" * count + '"'


def test_a_cell_at_the_limit_is_read(tmp_path: Path) -> None:
    table, problems = _read(tmp_path, f"nominee,key\nn1,{_long(MAX_CELL)}\n")
    assert table is not None and problems == []


def test_the_first_too_long_cell_is_reported_at_its_record(tmp_path: Path) -> None:
    text = (
        f'nominee,key\nn1,"a\nb"\nn2,{_long(MAX_CELL + 1)}\nn3,{_long(MAX_CELL + 5)}\n'
        f"n4,{_long(200_000)}\n"  # beyond the csv module's own limit
    )
    table, problems = _read(tmp_path, text)
    assert table is None
    assert [(p.line, p.message) for p in problems] == [
        (4, f"a cell of {MAX_CELL + 1} characters is too long")
    ]


def test_a_too_long_cell_before_damage_is_what_is_reported(tmp_path: Path) -> None:
    text = f'nominee,key\nn1,{_long(MAX_CELL + 1)}\nn2,"unclosed\n'
    table, problems = _read(tmp_path, text)
    assert table is None
    assert [(p.line, p.message) for p in problems] == [
        (2, f"a cell of {MAX_CELL + 1} characters is too long")
    ]


def test_damage_before_a_too_long_cell_is_what_is_reported(tmp_path: Path) -> None:
    text = f'nominee,key\nn1,"bad"x\nn2,{_long(MAX_CELL + 1)}\n'
    table, problems = _read(tmp_path, text)
    assert table is None
    assert len(problems) == 1 and problems[0].line == 2
    assert problems[0].message.startswith("malformed CSV")


def test_a_cell_beyond_the_csv_modules_limit_is_malformed(tmp_path: Path) -> None:
    table, problems = _read(tmp_path, f"nominee,key\nn1,x\nn2,{_long(200_000)}\n")
    assert table is None
    assert len(problems) == 1 and problems[0].line == 3
    assert "field larger than field limit" in problems[0].message


@pytest.mark.parametrize(
    ("text", "delimiter_seen"),
    [
        ("nominee;key\r\nn1;k1\r\n", ";"),
        ("nominee;key\rn1;k1\r", ";"),  # old Mac line ends
        ("nominee,key;x\u2028;;;\nn1,k1,,,\n", ","),  # the first line ends at U+2028
        ('"a;b",nominee\nx,n1\n', ","),  # delimiters inside quotes do not count
    ],
)
def test_the_delimiter_comes_from_the_first_line(
    tmp_path: Path, text: str, delimiter_seen: str
) -> None:
    table, _problems = _read(tmp_path, text)
    assert table is not None
    assert table.texts(("nominee",)) == [("n1",)]


def _reference_grid(text: str) -> list[tuple[int, list[str]]]:
    """Each record with its first line as the reader reports it, record by record."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    grid, previous = [], 0
    for record in reader:
        grid.append((previous + 1, record))
        previous = reader.line_num
    return grid


LINE_BREAK_CELLS = st.lists(
    st.lists(
        st.sampled_from(["x", "", "a\nb", "a\r\nb", "a\rb", "\r", "\n", "\r\n", "x\r", "\ny"]),
        min_size=1,
        max_size=4,
    ),
    min_size=1,
    max_size=6,
)


@given(records=LINE_BREAK_CELLS, terminator=st.sampled_from(["\n", "\r\n", "\r"]))
def test_each_record_is_on_the_line_the_reader_reports(
    records: list[list[str]], terminator: str
) -> None:
    """Line breaks inside quoted cells: each record's first line is still the reader's."""
    out = io.StringIO()
    csv.writer(out, lineterminator=terminator).writerows([["nominee", "key"], *records])
    text = out.getvalue()
    problems: list[Problem] = []
    assert read_csv_grid("claims.csv", text.encode(), problems) == _reference_grid(text)
    assert problems == []


def test_a_too_long_cell_in_a_file_of_one_line_records(tmp_path: Path) -> None:
    text = f"nominee,key\nn1,x\nn2,{'y' * (MAX_CELL + 1)}\nn3,{'z' * (MAX_CELL + 2)}\n"
    table, problems = _read(tmp_path, text)
    assert table is None
    assert [(p.line, p.message) for p in problems] == [
        (3, f"a cell of {MAX_CELL + 1} characters is too long")
    ]


def test_a_line_longer_than_a_cell_may_be_is_fine(tmp_path: Path) -> None:
    # Lines over the limit, every cell within it: nothing to refuse.
    cell = "x" * (MAX_CELL // 2)
    text = f"nominee,key,label\nn1,{cell},{cell}\r{'n2'},{cell},{cell}\n"
    table, problems = _read(tmp_path, text)
    assert table is not None and problems == []
    assert table.row_lines() == [2, 3]
