"""A workbook from a stranger's USB stick is read under bounds: a decompression bomb, a zip
whose sizes lie, entity declarations, missing parts, references outside a sheet and a
truncated file each give one problem naming the file, promptly, never a traceback or a hang;
and `panel-tui check` reports it and exits."""

from __future__ import annotations

import struct
import time
import zipfile
from pathlib import Path

import pytest

from fixtures.core_helpers import run_cli, write_xlsx
from fixtures.xlsx_oracle import MAIN, handmade_xlsx, rewrite_members, sheet_xml
from panel_tui.domain.problems import Problem
from panel_tui.paths import demo_round_dir
from panel_tui.round_package.tables import read_table
from panel_tui.round_package.xlsx_reader import MAX_SHEET_XML

from .test_hostile_schema import _promptly

HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>nominee</t></is></c></row>'
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


def _problems(path: Path, seconds: float = 30) -> list[str]:
    """The problems of reading `path` as a round's claims table: it must not be read."""
    problems: list[Problem] = []
    started = time.monotonic()
    outcome = _promptly(
        lambda: read_table(path, ("nominee",), ("nominee",), problems), seconds=seconds
    )
    assert not isinstance(outcome, BaseException), outcome
    assert outcome is None
    assert time.monotonic() - started < seconds
    assert problems and all(p.file == path.name for p in problems), problems
    return [p.message for p in problems]


def _replace(path: Path, member: str, data: bytes) -> Path:
    return rewrite_members(path, {member: data})


def _streamed_member(path: Path, member: str, head: bytes, filler: bytes, size: int) -> Path:
    """A workbook whose `member` is `head` then `filler` repeated to `size` bytes, deflated
    (a megabyte or two on disk)."""
    base = handmade_xlsx(path, [("worksheets/sheet1.xml", sheet_xml(HEADER))], strings="<sst/>")
    with zipfile.ZipFile(base) as book:
        members = {i.filename: book.read(i) for i in book.infolist() if i.filename != member}
    block = filler * (1024 * 1024 // len(filler))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, content in members.items():
            book.writestr(name, content)
        with book.open(member, "w", force_zip64=True) as out:
            out.write(head)
            written = len(head)
            while written < size:
                out.write(block)
                written += len(block)
    return path


def test_a_bomb_of_zeros_is_refused_at_once(tmp_path: Path) -> None:
    """1 GB of zeros deflated to a megabyte: not XML, refused after the first pieces."""
    path = _streamed_member(
        tmp_path / "claims.xlsx", "xl/worksheets/sheet1.xml", b"", b"\0", 1024 * 1024 * 1024
    )
    assert path.stat().st_size < 5 * 1024 * 1024
    started = time.monotonic()
    messages = _problems(path)
    assert any("not well-formed" in m for m in messages), messages
    assert time.monotonic() - started < 10


def test_a_sheet_expanding_past_its_limit_is_refused(tmp_path: Path) -> None:
    """Well-formed XML (spaces between rows) that never ends: read up to the limit."""
    head = sheet_xml(HEADER).split("</sheetData>")[0].encode()
    path = _streamed_member(
        tmp_path / "claims.xlsx", "xl/worksheets/sheet1.xml", head, b" ", MAX_SHEET_XML + 2**20
    )
    messages = _problems(path)
    assert any("expands to more than 200 MB" in m for m in messages), messages


def test_shared_strings_expanding_past_their_limit_are_refused(tmp_path: Path) -> None:
    head = f'<sst xmlns="{MAIN}"><si><t>'.encode()
    path = _streamed_member(
        tmp_path / "claims.xlsx", "xl/sharedStrings.xml", head, b"a", MAX_SHEET_XML + 2**20
    )
    messages = _problems(path)
    assert any("sharedStrings.xml expands to more than 200 MB" in m for m in messages), messages


def _lying_size(path: Path, member: str, claimed: int) -> Path:
    """Rewrite the uncompressed size the zip's directory and local header give `member`."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    local = data.find(b"PK\x03\x04")  # the first local header
    while local >= 0:
        (name_length,) = struct.unpack_from("<H", data, local + 26)
        if data[local + 30 : local + 30 + name_length] == name:
            struct.pack_into("<I", data, local + 22, claimed)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        (name_length,) = struct.unpack_from("<H", data, central + 28)
        if data[central + 46 : central + 46 + name_length] == name:
            struct.pack_into("<I", data, central + 24, claimed)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))
    return path


def _sheet_of_many_rows(path: Path) -> Path:
    rows = HEADER + "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>n{n}</t></is></c></row>'
        for n in range(2, 50_000)
    )
    return handmade_xlsx(path, [("worksheets/sheet1.xml", sheet_xml(rows))])


def test_a_zip_that_understates_a_size_is_refused(tmp_path: Path) -> None:
    """The directory says 100 bytes for a sheet of some megabytes: the CRC catches the lie."""
    path = _lying_size(
        _sheet_of_many_rows(tmp_path / "claims.xlsx"), "xl/worksheets/sheet1.xml", 100
    )
    messages = _problems(path)
    assert all(m.startswith("not a readable XLSX workbook") for m in messages), messages


def test_a_zip_that_overstates_a_size_is_read_by_what_it_holds(tmp_path: Path) -> None:
    """4 GB claimed: nothing is sized by the claim, the sheet is read as it is."""
    path = _sheet_of_many_rows(tmp_path / "claims.xlsx")
    _lying_size(path, "xl/worksheets/sheet1.xml", 4_000_000_000)
    problems: list[Problem] = []
    table = read_table(path, ("nominee",), ("nominee",), problems)
    assert table is not None and table.count == 49_998 and not problems


@pytest.mark.parametrize(
    "member",
    [
        "xl/worksheets/sheet1.xml",
        "xl/sharedStrings.xml",
        "xl/workbook.xml",
        "[Content_Types].xml",
        "xl/styles.xml",
    ],
)
def test_entity_declarations_are_refused(tmp_path: Path, member: str) -> None:
    path = handmade_xlsx(
        tmp_path / "claims.xlsx",
        [("worksheets/sheet1.xml", sheet_xml(HEADER))],
        strings=f'<sst xmlns="{MAIN}"><si><t>x</t></si></sst>',
        styles=f'<styleSheet xmlns="{MAIN}"/>',
    )
    with zipfile.ZipFile(path) as book:
        original = book.read(member).decode()
    root = original.split("?>", 1)[1] if original.startswith("<?xml") else original
    _replace(path, member, (LAUGHS + root.replace(">", ">&lol3;", 1)).encode())
    messages = _problems(path)
    assert any(f"{member} declares a DOCTYPE" in m for m in messages), messages


def test_a_missing_shared_strings_part_is_named(tmp_path: Path) -> None:
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    path = handmade_xlsx(
        tmp_path / "claims.xlsx", [("worksheets/sheet1.xml", sheet_xml(rows))], strings="<sst/>"
    )
    rewrite_members(path, {"xl/sharedStrings.xml": None})
    assert any("xl/sharedStrings.xml is missing" in m for m in _problems(path))


@pytest.mark.parametrize("index", ["1", "-1", "99999999999999999999", "x"])
def test_a_shared_string_that_does_not_exist_is_named_with_its_cell(
    tmp_path: Path, index: str
) -> None:
    rows = f'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>{index}</v></c></row>'
    path = handmade_xlsx(
        tmp_path / "claims.xlsx",
        [("worksheets/sheet1.xml", sheet_xml(rows))],
        strings=f'<sst xmlns="{MAIN}"><si><t>nominee</t></si></sst>',
    )
    messages = _problems(path)
    assert any("cell B1" in m for m in messages), messages


@pytest.mark.parametrize(
    "cells",
    [
        '<c r="XFD1048577"><v>1</v></c>',
        '<c r="ZZZZZZ1"><v>1</v></c>',
        '<c r="XFE1"><v>1</v></c>',
        '<c r="A99999999999999999999"><v>1</v></c>',
        '<c r="1A"><v>1</v></c>',
        "<c/>" * 16_385,
    ],
)
def test_a_cell_outside_excels_sheet_is_refused_without_allocating_its_row(
    tmp_path: Path, cells: str
) -> None:
    rows = f'<row r="1"><c r="A1" t="inlineStr"><is><t>nominee</t></is></c>{cells}</row>'
    path = handmade_xlsx(tmp_path / "claims.xlsx", [("worksheets/sheet1.xml", sheet_xml(rows))])
    messages = _problems(path, seconds=10)
    assert any("outside a sheet" in m or "not a cell reference" in m for m in messages), messages


@pytest.mark.parametrize("row", ["1048577", "99999999999", "2.5", "x"])
def test_a_row_number_outside_excels_sheet_is_refused(tmp_path: Path, row: str) -> None:
    rows = HEADER + f'<row r="{row}"><c r="A2"><v>1</v></c></row>'
    path = handmade_xlsx(tmp_path / "claims.xlsx", [("worksheets/sheet1.xml", sheet_xml(rows))])
    messages = _problems(path, seconds=10)
    assert any("row" in m for m in messages), messages


def test_a_sheet_of_far_columns_is_refused_past_its_cells(tmp_path: Path) -> None:
    """A cell at XFD on each row fills 16,384 cells a row out of a few bytes of XML."""
    rows = HEADER + "".join(f'<row r="{n}"><c r="XFD{n}"><v>1</v></c></row>' for n in range(2, 400))
    path = handmade_xlsx(tmp_path / "claims.xlsx", [("worksheets/sheet1.xml", sheet_xml(rows))])
    messages = _problems(path, seconds=20)
    assert any("more than 5,000,000 cells" in m for m in messages), messages


@pytest.mark.parametrize(
    "text", ["12abc", "1.2.3", "nan", "--1", "1e309", "-1.5E400", "1" + "0" * 400]
)
def test_a_number_that_is_not_one_is_named_with_its_cell(tmp_path: Path, text: str) -> None:
    rows = (
        HEADER
        + f'<row r="2"><c r="A2" t="inlineStr"><is><t>n1</t></is></c><c r="B2"><v>{text}</v></c></row>'
    )
    path = handmade_xlsx(tmp_path / "claims.xlsx", [("worksheets/sheet1.xml", sheet_xml(rows))])
    assert any("cell B2 holds" in m for m in _problems(path))


def test_a_claim_past_a_floats_range_makes_no_database(tmp_path: Path) -> None:
    # 1e309 was read as infinity: `check` passed, and `init` wrote a snapshot that is not
    # JSON (Infinity), then called the database it had just written damaged, leaving it.
    folder = tmp_path / "round"
    folder.mkdir()
    for name in ("round.toml", "nominees.csv"):
        (folder / name).write_bytes((Path(demo_round_dir()) / name).read_bytes())
    rows = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>nominee</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>key</t></is></c>'
        '<c r="C1" t="inlineStr"><is><t>label</t></is></c>'
        '<c r="D1" t="inlineStr"><is><t>value</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>lotim</t></is></c>'
        '<c r="B2" t="inlineStr"><is><t>coverage.n</t></is></c>'
        '<c r="C2" t="inlineStr"><is><t>N</t></is></c><c r="D2"><v>1e309</v></c></row>'
    )
    handmade_xlsx(folder / "claims.xlsx", [("worksheets/sheet1.xml", sheet_xml(rows))])
    check = run_cli("check", folder)
    assert check.exit_code == 1
    assert "claims.xlsx" in check.output and "D2" in check.output
    result = run_cli("init", folder, "--assessor", "a1", "--db", tmp_path / "a1.db")
    assert result.exit_code == 1
    assert not (tmp_path / "a1.db").exists()


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_first_sheet_is_refused_not_read(tmp_path: Path, state: str) -> None:
    # Excel opens on the visible sheet; panel-tui read the hidden first one, so the figures
    # the assessors got (999999) were not those the secretariat checked in Excel (1000).
    from openpyxl import Workbook

    folder = tmp_path / "round"
    folder.mkdir()
    for name in ("round.toml", "nominees.csv"):
        (folder / name).write_bytes((Path(demo_round_dir()) / name).read_bytes())
    book = Workbook()
    header = ["nominee", "key", "label", "value", "unit"]
    old = book.active
    assert old is not None
    old.title = "lama"
    old.append(header)
    old.append(["lotim", "coverage.total", "Workers covered", "999999", "persons"])
    old.sheet_state = state
    shown = book.create_sheet("claims")
    shown.append(header)
    shown.append(["lotim", "coverage.total", "Workers covered", "1000", "persons"])
    book.active = 1
    book.save(folder / "claims.xlsx")
    check = run_cli("check", folder)
    assert check.exit_code == 1
    assert "claims.xlsx" in check.output and "'lama'" in check.output
    assert "hidden" in check.output
    result = run_cli("init", folder, "--assessor", "a1", "--db", tmp_path / "a1.db")
    assert result.exit_code == 1
    assert not (tmp_path / "a1.db").exists()


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.999])
def test_a_truncated_workbook_is_refused(tmp_path: Path, keep: float) -> None:
    path = write_xlsx(tmp_path / "claims.xlsx", [["nominee"], *[[f"n{i}"] for i in range(2000)]])
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    assert all("XLSX" in m for m in _problems(path))


@pytest.mark.parametrize(
    "member", ["[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"]
)
def test_a_missing_part_is_named(tmp_path: Path, member: str) -> None:
    path = handmade_xlsx(tmp_path / "claims.xlsx", [("worksheets/sheet1.xml", sheet_xml(HEADER))])
    rewrite_members(path, {member: None})
    assert any(f"{member} is missing" in m for m in _problems(path))


def test_bad_xml_in_the_sheet_is_named(tmp_path: Path) -> None:
    rows = HEADER + '<row r="2"><c r="A2"><v>1</c></row>'
    path = handmade_xlsx(tmp_path / "claims.xlsx", [("worksheets/sheet1.xml", sheet_xml(rows))])
    assert any("xl/worksheets/sheet1.xml is not well-formed XML" in m for m in _problems(path))


def test_check_reports_a_bomb_and_exits(tmp_path: Path) -> None:
    """The command line: one line naming the file, exit status 1, no traceback."""
    folder = tmp_path / "round"
    from bench import generate

    generate.write_round(folder, generate.Spec(nominees=5, claims=2), xlsx=True)
    _streamed_member(
        folder / "claims.xlsx", "xl/worksheets/sheet1.xml", b"", b"\0", 64 * 1024 * 1024
    )
    result = run_cli("check", folder)
    assert result.exit_code == 1
    assert "claims.xlsx" in result.output and "not a readable XLSX workbook" in result.output
    assert "Traceback" not in result.output
