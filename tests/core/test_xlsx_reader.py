"""The standard-library XLSX reader gives the grid openpyxl's read-only reader gave (the reader
panel-tui had until 2026-12-03, kept in fixtures/xlsx_oracle.py): every cell's text, stored
value and reference, every row, and the same problems, on workbooks openpyxl writes (random
cells of every kind) and on workbooks written by hand with what openpyxl never writes. Its two
readers of a sheet's XML (the fast one for a sheet written the usual way, expat for any other)
give the same rows."""

from __future__ import annotations

import random
import warnings
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from fixtures.xlsx_oracle import (
    handmade_xlsx,
    openpyxl_grid,
    rewrite_members,
    sheet_xml,
    styles_xml,
)
from panel_tui.domain.problems import Problem
from panel_tui.round_package.grid import Grid
from panel_tui.round_package.xlsx_grid import read_xlsx_grid
from panel_tui.round_package.xlsx_reader import NotCanonical, XlsxError, first_sheet_rows

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _read(path: Path) -> tuple[Grid | None, list[Problem]]:
    problems: list[Problem] = []
    return read_xlsx_grid(path.name, path.read_bytes(), problems), problems


def _oracle(path: Path) -> tuple[Grid | None, list[Problem]]:
    problems: list[Problem] = []
    with warnings.catch_warnings():  # "marked as a date but ... outside the limits for dates"
        warnings.simplefilter("ignore", UserWarning)
        return openpyxl_grid(path.name, path.read_bytes(), problems), problems


def assert_as_openpyxl(path: Path, *, canonical: bool | None = None) -> Grid | None:
    """The grid and problems are openpyxl's; both readers of the XML give the same rows; and
    `canonical` says which reads it (True: the fast one, False: only expat)."""
    grid, problems = _read(path)
    expected, expected_problems = _oracle(path)
    assert problems == expected_problems
    assert grid == expected
    # Types too: 1 and 1.0 and True are equal in Python, not in a cell.
    assert [[(type(c.raw), c.text) for c in cells] for _, cells in grid or []] == [
        [(type(c.raw), c.text) for c in cells] for _, cells in expected or []
    ]
    data = path.read_bytes()
    if grid is not None:
        streamed = list(first_sheet_rows(data, "streamed"))
        assert list(first_sheet_rows(data)) == streamed
        assert [[type(v) for v in row] for _, row in first_sheet_rows(data)] == [
            [type(v) for v in row] for _, row in streamed
        ]
        if canonical is True:
            assert list(first_sheet_rows(data, "canonical")) == streamed
        elif canonical is False:
            with pytest.raises(NotCanonical):
                list(first_sheet_rows(data, "canonical"))
    return grid


# --- workbooks openpyxl writes --------------------------------------------------------------

FORMATS = [
    "General",
    "0%",
    "0.00%",
    "0.0%",
    "0",
    "0.00",
    "#,##0",
    '"Rp"#,##0',
    "@",
    "yyyy-mm-dd",
    "mm-dd-yy",
    "d-mmm-yy",
    "h:mm",
    "h:mm:ss",
    "m/d/yy h:mm",
    "mm:ss",
    "[h]:mm:ss",
    "yyyy-mm-dd h:mm:ss",
    "[$-421]dd mmmm yyyy",
    "0.00_);[Red](0.00)",
    '"d" 0',
]
TEXTS = [
    "nominee",
    "  spaces around  ",
    "two\nlines",
    "tab\there",
    "Kabupaten Lombok Timur — ©",
    "Rp\u00a0500",
    "日本語のテキスト",
    "emoji 🎉 here",
    "a & b < c > d \" ' e",
    "x005F_x000D_",
    "=not a formula",
    "",
    " ",
    "50,88%",
    "#N/A text",
]


def _random_value(rng: random.Random) -> object:
    kind = rng.randrange(9)
    if kind == 0:
        return rng.choice(TEXTS) + (str(rng.randrange(100)) if rng.random() < 0.3 else "")
    if kind == 1:
        return rng.choice([0, 1, -1, 7, 5000, 10**15, -(10**12), 123456789])
    if kind == 2:
        return rng.choice([0.5, 0.5088, 1e-3, 1.5e20, -2.25, 3.0, 0.1 + 0.2, 12.5, 1e-7])
    if kind == 3:
        return rng.choice([True, False])
    if kind == 4:
        return rng.choice(
            [
                datetime(2025, 7, 14, 9, 30),
                datetime(1900, 2, 28, 12),
                datetime(1900, 3, 1),
                date(2026, 8, 3),
                time(14, 5, 30),
                datetime(2025, 1, 1, 0, 0, 0, 500_000),
            ]
        )
    if kind == 5:
        return rng.choice(["#N/A", "#DIV/0!", "#VALUE!", "#REF!"])
    if kind == 6:
        return "=SUM(A1:A3)"  # openpyxl writes no cached value: None when read back
    if kind == 7:
        return timedelta(hours=rng.randrange(100), minutes=rng.randrange(60))
    return None


def _random_book(path: Path, seed: int, write_only: bool) -> Path:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    rng = random.Random(seed)
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("claims") if write_only else book.active
    assert sheet is not None
    rows = rng.randrange(1, 25)
    if write_only:
        for _ in range(rows):
            row = []
            for _ in range(rng.randrange(0, 9)):
                value = _random_value(rng)
                cell = WriteOnlyCell(sheet, value=value)
                if rng.random() < 0.4:
                    cell.number_format = rng.choice(FORMATS)
                row.append(cell)
            sheet.append(row)
    else:
        sheet.append(["nominee", "key", "value", "percent"])
        for _ in range(rows * 3):
            # Gaps in rows and columns: cells anywhere in a small rectangle.
            cell = sheet.cell(row=rng.randrange(2, rows + 3), column=rng.randrange(1, 12))
            cell.value = _random_value(rng)
            if rng.random() < 0.5:
                cell.number_format = rng.choice(FORMATS)
        for _ in range(rng.randrange(3)):
            other = book.create_sheet(f"other{_}")
            other.append(["not", "the first"])
    book.save(path)
    return path


@pytest.mark.parametrize("seed", range(40))
def test_random_workbooks_read_as_openpyxl_read_them(tmp_path: Path, seed: int) -> None:
    path = _random_book(tmp_path / "claims.xlsx", seed, write_only=seed % 2 == 1)
    assert_as_openpyxl(path, canonical=True)


def test_the_test_suites_workbooks_read_as_openpyxl_read_them(tmp_path: Path) -> None:
    """The workbooks of test_round_check, test_tables and the benchmark's generator."""
    from bench import generate

    from fixtures.core_helpers import write_xlsx

    write_xlsx(
        tmp_path / "nominees.xlsx",
        [
            ["id", "name", "category", "slot", "order"],
            ["n1", "PT Maju [Persero]", "pemkab", datetime(2026, 8, 3, 9), 1],
            ["n2", "Kota Mataram", "pemkot", "2026-08-03 10:00", 2.0],
            [None, None, None],
            ["n3", "Lombok\u00a0Timur", "pemkab", time(11, 0), "3"],
        ],
    )
    assert_as_openpyxl(tmp_path / "nominees.xlsx", canonical=True)
    write_xlsx(tmp_path / "empty.xlsx", [])
    assert_as_openpyxl(tmp_path / "empty.xlsx")
    generate.write_round(tmp_path / "round", generate.Spec(nominees=30, claims=6), xlsx=True)
    for name in ("nominees.xlsx", "claims.xlsx"):
        assert_as_openpyxl(tmp_path / "round" / name, canonical=True)


def test_percent_and_date_cells_read_as_openpyxl_read_them(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["nominee", "key", "value", "percent", "when"])
    for number, (value, fmt) in enumerate(
        [
            (0.5088, "0.00%"),
            (0.5, "0%"),
            (1, "0%"),
            (0.123456789, "0.0%"),
            (45000, "yyyy-mm-dd"),
            (45000.75, "m/d/yy h:mm"),
            (0.25, "h:mm"),
            (1.5, "[h]:mm:ss"),
            (59, "mm-dd-yy"),
            (60, "mm-dd-yy"),
            (61, "mm-dd-yy"),
            (10**9, "yyyy-mm-dd"),  # no date holds it: "#VALUE!"
        ],
        start=1,
    ):
        sheet.append([f"n{number}", f"k{number}", value, value, value])
        for cell in sheet[sheet.max_row][2:]:
            cell.number_format = fmt
    book.save(tmp_path / "claims.xlsx")
    grid = assert_as_openpyxl(tmp_path / "claims.xlsx", canonical=True)
    assert grid is not None
    assert grid[1][1][2].text == "50.88%"


# --- workbooks written by hand ----------------------------------------------------------------


def _one_sheet(tmp_path: Path, rows: str, **kwargs: object) -> Path:
    return handmade_xlsx(
        tmp_path / "claims.xlsx",
        [("worksheets/sheet1.xml", sheet_xml(rows))],
        **kwargs,  # type: ignore[arg-type]
    )


HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>nominee</t></is></c></row>'


def _strings(*items: str) -> str:
    return f'<sst xmlns="{MAIN}" count="{len(items)}">{"".join(items)}</sst>'


@pytest.mark.parametrize(
    ("rows", "canonical"),
    [
        # inline strings: rich text runs, phonetic runs, spaces kept
        (
            HEADER + '<row r="2"><c r="A2" t="inlineStr"><is><r><rPr><b/></rPr><t>Lom</t></r>'
            '<r><t xml:space="preserve">bok </t></r><rPh sb="0" eb="1"><t>ロ</t></rPh></is></c>'
            '<c r="B2" t="inlineStr"><is><t xml:space="preserve">  kept  </t></is></c>'
            '<c r="C2" t="inlineStr"/><c r="D2" t="inlineStr"><is><t/></is></c></row>',
            False,
        ),
        # entities and character references, in text and in shared-string indexes
        (
            HEADER + '<row r="2"><c r="A2" t="inlineStr"><is><t>a &amp; b &lt;c&gt; &#233;&#x1F389;'
            '</t></is></c><c r="B2" t="str"><v>&quot;q&quot; &apos;</v></c></row>',
            True,
        ),
        # rows and cells without r, placed one after another
        (
            HEADER + '<row><c t="inlineStr"><is><t>n1</t></is></c><c><v>2</v></c>'
            '<c r="E3"><v>5</v></c><c><v>6</v></c></row><row><c><v>7</v></c></row>',
            False,
        ),
        # formulas with their cached values, of every type
        (
            HEADER + '<row r="2"><c r="A2" t="str"><f>A1&amp;"x"</f><v>nomineex</v></c>'
            '<c r="B2"><f>1+1</f><v>2</v></c><c r="C2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
            '<c r="D2" t="b"><f>TRUE()</f><v>1</v></c><c r="E2"><f t="shared" ref="E2:E3" si="0">'
            'B2*2</f><v>4</v></c></row><row r="3"><c r="E3"><f t="shared" si="0"/><v>8.5</v></c>'
            '<c r="F3"><f>NA()</f></c></row>',
            True,
        ),
        # numbers as openpyxl casts them: "5" an int, "5.0" and "1E-3" floats
        (
            HEADER + '<row r="2"><c r="A2"><v>5</v></c><c r="B2"><v>5.0</v></c><c r="C2">'
            '<v>1E-3</v></c><c r="D2"><v>-0</v></c><c r="E2"><v>1e20</v></c><c r="F2" t="n">'
            '<v>12345678901234567</v></c><c r="G2"><v></v></c><c r="H2" t="b"><v>0</v></c>'
            '<c r="I2" t="e"><v>#N/A</v></c><c r="J2" t="d"><v>2025-07-14T09:30:00</v></c>'
            '<c r="K2" t="d"><v>2025-07-14</v></c><c r="L2" t="zz"><v>odd type</v></c></row>',
            True,
        ),
        # gaps: rows 3-5 missing, a row without cells, cells with gaps and out of order
        (
            HEADER + '<row r="2" spans="1:4" ht="20" customHeight="1"/><row r="6">'
            '<c r="D6"><v>4</v></c><c r="B6"><v>2</v></c></row><row r="7"><c r="B7"><v>1</v>'
            '</c><c r="B7"><v>2</v></c><c r="AA7"><v>27</v></c></row>',
            True,
        ),
        # a row at or before the last one is passed over, as openpyxl passes it over
        (
            HEADER + '<row r="3"><c r="A3"><v>3</v></c></row><row r="2"><c r="A2"><v>2</v></c>'
            '</row><row r="3"><c r="A3"><v>33</v></c></row><row r="4"><c r="A4"><v>4</v></c></row>',
            True,
        ),
        # a cell's row in its r does not place it: its row element does
        (HEADER + '<row r="2"><c r="A9"><v>1</v></c><c r="b2"><v>2</v></c></row>', False),
        # whitespace between elements (pretty-printed), a comment, CDATA
        (
            HEADER + '\n  <row r="2">\n    <c r="A2" t="inlineStr">\n      <is><t>n1</t></is>\n'
            '    </c>\n    <!-- note -->\n    <c r="B2" t="inlineStr"><is><t><![CDATA[a<b]]></t>'
            "</is></c>\n  </row>\n",
            False,
        ),
        # the header not in row 1: the sheet is empty for a table
        ('<row r="2"><c r="A2" t="inlineStr"><is><t>nominee</t></is></c></row>', True),
    ],
)
def test_handmade_sheets_read_as_openpyxl_reads_them(
    tmp_path: Path, rows: str, canonical: bool
) -> None:
    assert_as_openpyxl(_one_sheet(tmp_path, rows), canonical=canonical)


def test_shared_strings_rich_text_and_styles_read_as_openpyxl_reads_them(tmp_path: Path) -> None:
    strings = _strings(
        "<si><t>nominee</t></si>",
        '<si><t xml:space="preserve"> two\nlines </t></si>',
        '<si><r><t>rich</t></r><r><rPr><i/></rPr><t xml:space="preserve"> text</t></r>'
        '<rPh sb="0" eb="2"><t>ふりがな</t></rPh><phoneticPr fontId="1"/></si>',
        "<si><t>x005F_x000D_ kept</t></si>",
        "<si><t/></si>",
        "<si><t>a &amp; b</t></si>",
    )
    styles = styles_xml(
        {164: "0.0%", 165: "dd/mm/yyyy", 166: '"Rp"#,##0', 167: "[h]:mm"},
        [0, 9, 10, 164, 14, 165, 166, 22, 46, 167, 20, 2],
    )
    cells = "".join(
        f'<c r="{letter}2" s="{style}"><v>{value}</v></c>'
        for style, (letter, value) in enumerate(
            zip(
                "ABCDEFGHIJKL",
                [
                    "1.5",
                    "0.5",
                    "0.5088",
                    "0.25",
                    "45000",
                    "45123.5",
                    "1500000",
                    "45000.25",
                    "1.75",
                    "0.5",
                    "0.75",
                    "3",
                ],
                strict=True,
            )
        )
    )
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        f'<row r="2">{cells}</row>'
        '<row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3" t="s"><v>3</v></c>'
        '<c r="C3" t="s"><v>4</v></c><c r="D3" t="s"><v>5</v></c><c r="E3" s="1"/></row>'
    )
    for date1904 in (False, True):
        path = _one_sheet(tmp_path, rows, strings=strings, styles=styles, date1904=date1904)
        assert_as_openpyxl(path, canonical=True)


def test_the_first_sheet_in_workbook_order_through_absolute_targets(tmp_path: Path) -> None:
    first = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>first</t></is></c></row>')
    second = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>second</t></is></c></row>')
    for absolute in (False, True):
        path = handmade_xlsx(
            tmp_path / "claims.xlsx",
            [("worksheets/data.xml", first), ("worksheets/sheet1.xml", second)],
            absolute=absolute,
        )
        grid = assert_as_openpyxl(path, canonical=True)
        assert grid is not None and grid[0][1][0].text == "first"


def test_a_sheet_whose_part_is_missing_is_passed_over(tmp_path: Path) -> None:
    path = handmade_xlsx(
        tmp_path / "claims.xlsx",
        [("worksheets/sheet1.xml", sheet_xml(HEADER)), ("worksheets/sheet2.xml", sheet_xml(""))],
    )
    rewrite_members(path, {"xl/worksheets/sheet1.xml": None})
    assert_as_openpyxl(path)  # the second sheet, empty


def test_an_understated_dimension_reads_every_row(tmp_path: Path) -> None:
    rows = HEADER + "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(2, 40))
    path = handmade_xlsx(
        tmp_path / "claims.xlsx",
        [("worksheets/sheet1.xml", sheet_xml(rows, before='<dimension ref="A1:A3"/>'))],
    )
    grid = assert_as_openpyxl(path, canonical=True)
    assert grid is not None and len(grid) == 39


def test_excels_own_row_attributes_and_empty_styled_cells_take_the_fast_reader(
    tmp_path: Path,
) -> None:
    """Excel writes spans, x14ac:dyDescent (a prefix bound on the root) and empty cells with
    only a style: the usual way, read without expat's handlers."""
    root = (
        f'<worksheet xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
        ' xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"'
        ' mc:Ignorable="x14ac"><dimension ref="A1:C3"/><sheetData>'
        '<row r="1" spans="1:3" x14ac:dyDescent="0.25"><c r="A1" t="s"><v>0</v></c></row>'
        '<row r="2" spans="1:3" x14ac:dyDescent="0.25"><c r="A2" s="1" t="s"><v>1</v></c>'
        '<c r="B2" s="1"/><c r="C2" s="2"><v>0.5</v></c></row></sheetData></worksheet>'
    )
    path = _one_sheet(
        tmp_path,
        "",
        strings=_strings("<si><t>nominee</t></si>", "<si><t>n1</t></si>"),
        styles=styles_xml({}, [0, 0, 9]),
    )
    rewrite_members(path, {"xl/worksheets/sheet1.xml": root.encode()})
    grid = assert_as_openpyxl(path, canonical=True)
    assert grid is not None and grid[1][1][2].text == "50%"


@pytest.mark.parametrize(
    ("prolog", "encoding", "canonical"),
    [
        (b"\xef\xbb\xbf", "utf-8", True),  # a byte-order mark
        (b'<?xml version="1.0" encoding="ISO-8859-1"?>', "latin-1", False),
        (b'<?xml version="1.0" encoding="UTF-16"?>', "utf-16", False),
    ],
)
def test_the_sheets_encoding_is_the_one_it_declares(
    tmp_path: Path, prolog: bytes, encoding: str, canonical: bool
) -> None:
    xml = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>Sémbalun</t></is></c></row>')
    body = xml.split("?>", 1)[1]
    data = (
        prolog + body.encode(encoding)
        if encoding != "utf-16"
        else ('<?xml version="1.0" encoding="UTF-16"?>' + body).encode("utf-16")
    )
    path = _one_sheet(tmp_path, "")
    rewrite_members(path, {"xl/worksheets/sheet1.xml": data})
    grid = assert_as_openpyxl(path, canonical=canonical)
    assert grid is not None and grid[0][1][0].text == "Sémbalun"


@pytest.mark.parametrize("text", ["a&#1;b", "a]]>b", "a\x01b", "&#xFFFE;", "\ufffe", "&nbsp;"])
def test_text_xml_does_not_allow_is_refused_by_both_readers(tmp_path: Path, text: str) -> None:
    rows = HEADER + f'<row r="2"><c r="A2" t="inlineStr"><is><t>{text}</t></is></c></row>'
    path = _one_sheet(tmp_path, rows)
    grid, problems = _read(path)
    expected, expected_problems = _oracle(path)
    assert grid is None and expected is None
    assert len(problems) == len(expected_problems) == 1
    assert "xl/worksheets/sheet1.xml is not well-formed XML" in problems[0].message
    data = path.read_bytes()
    with pytest.raises(NotCanonical):
        list(first_sheet_rows(data, "canonical"))
    with pytest.raises(XlsxError, match="not well-formed"):
        list(first_sheet_rows(data, "streamed"))


@pytest.mark.parametrize("text", ["a\x85b", "\u202eevil", "&#x202E;evil", "&#x9b;["])
def test_a_control_character_is_refused_naming_its_cell_as_openpyxl_did(
    tmp_path: Path, text: str
) -> None:
    rows = (
        HEADER
        + f'<row r="2"><c r="A2" t="inlineStr"><is><t>ok</t></is></c><c r="B2" t="inlineStr"><is><t>{text}</t></is></c></row>'
    )
    grid = assert_as_openpyxl(_one_sheet(tmp_path, rows))
    assert grid is None
    _grid, problems = _read(tmp_path / "claims.xlsx")
    assert [p.line for p in problems] == ["B2"]


def test_a_sheet_unusual_past_its_first_rows_is_read_on_by_expat_from_where_it_was(
    tmp_path: Path,
) -> None:
    """The fast reader has handed over 2,000 rows when it meets a comment: expat reads the
    sheet again and gives the rows after them, each row once."""
    usual = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>n{n}</t></is></c><c r="B{n}"><v>{n}</v>'
        "</c></row>"
        for n in range(2, 2600)
    )
    rows = HEADER + usual + '<!-- a note --><row r="2600"><c r="A2600"><v>1</v></c></row>'
    path = _one_sheet(tmp_path, rows)
    grid = assert_as_openpyxl(path, canonical=False)
    assert grid is not None
    assert [number for number, _ in grid] == list(range(1, 2601))
