"""`panel-tui check`: every error class names file, line (or cell) and field; never a traceback."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures.core_helpers import check_json, find, line_of, run_cli, write_xlsx
from fixtures.rounds import SMALL_CLAIMS, SMALL_NOMINEES, SMALL_ROUND_TOML, RoundFactory
from panel_tui.round_package.loader import load_round

TOML_EN = SMALL_ROUND_TOML.format(number_format="en")
CLAIMS_HEADER = (
    "nominee,key,label,value,unit,denominator,denominator_label,percent,part_of,source\n"
)


def errors_of(folder: Path) -> list[dict[str, object]]:
    code, data = check_json(folder)
    assert code == 1, data
    assert data["errors"]
    return data["errors"]


# --- the valid round --------------------------------------------------------------------


@pytest.mark.parametrize("number_format", ["en", "id"])
def test_valid_round_passes_with_exit_0(make_round: RoundFactory, number_format: str) -> None:
    folder = make_round(number_format)
    code, data = check_json(folder)
    assert code == 0
    assert data == {"errors": [], "warnings": []}
    result = run_cli("check", folder)
    assert result.exit_code == 0
    assert "0 error(s), 0 warning(s)" in result.output
    assert "test-2025: 3 nominees in 2 categories, 4 claims, 2 assessors" in result.output


def test_human_output_names_file_line_and_field(make_round: RoundFactory) -> None:
    folder = make_round(nominees=SMALL_NOMINEES + "bad,Bad Nominee,nowhere,,,\n")
    result = run_cli("check", folder)
    assert result.exit_code == 1
    assert "error: nominees.csv:5 (category): unknown category 'nowhere'" in result.output
    assert "1 error(s)" in result.output


def test_usage_error_exits_2() -> None:
    assert run_cli("check").exit_code == 2
    assert run_cli("check", "a", "b").exit_code == 2


def test_missing_folder_and_missing_round_toml(tmp_path: Path) -> None:
    find(errors_of(tmp_path / "nope"), text="not a folder")
    (tmp_path / "empty").mkdir()
    find(errors_of(tmp_path / "empty"), file="round.toml", text="round.toml is missing")


def test_missing_nominees_file(make_round: RoundFactory) -> None:
    folder = make_round(nominees=None, claims=None)
    find(errors_of(folder), file="nominees.csv", text="missing")


def test_claims_file_is_optional(make_round: RoundFactory) -> None:
    code, data = check_json(make_round(claims=None))
    assert (code, data["errors"]) == (0, [])


@pytest.mark.parametrize("kind", ["folder", "link to nothing", "device", "fifo"])
@pytest.mark.parametrize("name", ["round.toml", "nominees.csv", "claims.csv", "Claims.xlsx"])
def test_a_package_entry_that_is_not_a_file_is_an_error_not_skipped(
    make_round: RoundFactory, tmp_path: Path, name: str, kind: str
) -> None:
    # A stick's broken link or a folder of that name: claims.csv was passed over in silence
    # (a round of 0 claims, exit 0); round.toml and nominees.csv were called missing.
    folder = make_round(claims=None)
    entry = folder / name
    entry.unlink(missing_ok=True)
    if kind == "folder":
        entry.mkdir()
    elif kind == "link to nothing":
        entry.symlink_to(folder / "gone.csv")
    elif kind == "device":
        entry.symlink_to("/dev/zero")  # read whole, it would never end
    else:
        os.mkfifo(entry)  # opened, it would wait for a writer forever
    problem = find(errors_of(folder), file=name, text="not a file")
    assert problem["line"] is None
    result = run_cli("init", folder, "--assessor", "a1", "--db", tmp_path / "x.db")
    assert result.exit_code == 1 and not (tmp_path / "x.db").exists()


# --- duplicate ids ------------------------------------------------------------------------


def test_duplicate_nominee_id(make_round: RoundFactory) -> None:
    folder = make_round(nominees=SMALL_NOMINEES + "lotim,Again,pemkab,,,\n")
    problem = find(errors_of(folder), file="nominees.csv", line=5, field="id", text="duplicate")
    assert "first at 2" in problem["message"]


@pytest.mark.parametrize(
    ("old", "new", "needle", "occurrence", "field"),
    [
        ('id = "a2"', 'id = "a1"', 'id = "a1"', 2, "assessors.id"),
        ('id = "bu"', 'id = "pemkab"', 'id = "pemkab"', 2, "categories.id"),
        ('id = "usaha"', 'id = "pemda"', 'id = "pemda"', 2, "rubrics.id"),
        ('id = "coverage"', 'id = "regulation"', 'id = "regulation"', 2, "rubrics.criteria.id"),
    ],
)
def test_duplicate_ids_in_round_toml(
    make_round: RoundFactory, old: str, new: str, needle: str, occurrence: int, field: str
) -> None:
    toml = TOML_EN.replace(old, new, 1)
    folder = make_round(toml=toml, nominees="id,name,category\nx,X,pemkab\n", claims=None)
    line = line_of(toml, needle, occurrence)
    find(errors_of(folder), file="round.toml", line=line, field=field, text="duplicate")


def test_duplicate_claim_key(make_round: RoundFactory) -> None:
    claims = SMALL_CLAIMS["en"] + "lotim,coverage.farmers,Again,1,persons,,,,,\n"
    errors = errors_of(make_round(claims=claims))
    problem = find(errors, file="claims.csv", line=6, field="key", text="duplicate key")
    assert "'coverage.farmers'" in problem["message"] and "first at 3" in problem["message"]


def test_same_claim_key_for_two_nominees_is_fine(make_round: RoundFactory) -> None:
    claims = SMALL_CLAIMS["en"] + "klu,coverage.farmers,Farmers,1,persons,,,,,\n"
    code, data = check_json(make_round(claims=claims))
    assert (code, data["errors"]) == (0, [])


# --- unknown references -----------------------------------------------------------------


def test_unknown_category(make_round: RoundFactory) -> None:
    folder = make_round(
        nominees=SMALL_NOMINEES.replace("bank,PT Bank NTB Syariah,bu", "bank,B,umkm")
    )
    problem = find(errors_of(folder), file="nominees.csv", line=4, field="category")
    assert "unknown category 'umkm'" in problem["message"]
    assert "bu, pemkab" in problem["message"]  # says what the round has


def test_unknown_rubric(make_round: RoundFactory) -> None:
    toml = TOML_EN.replace('rubric = "usaha"', 'rubric = "bisnis"')
    errors = errors_of(make_round(toml=toml, claims=None))
    problem = find(
        errors,
        file="round.toml",
        line=line_of(toml, 'rubric = "bisnis"'),
        field="categories.rubric",
    )
    assert "unknown rubric 'bisnis'" in problem["message"]


def test_unknown_nominee_in_claims(make_round: RoundFactory) -> None:
    claims = SMALL_CLAIMS["en"] + "ghost,coverage.total,Ghost,1,persons,,,,,\n"
    problem = find(errors_of(make_round(claims=claims)), file="claims.csv", line=6, field="nominee")
    assert "unknown nominee 'ghost'" in problem["message"]


def test_part_of_an_unknown_claim(make_round: RoundFactory) -> None:
    claims = SMALL_CLAIMS["en"] + "klu,coverage.x,X,5,persons,,,,coverage.none,\n"
    find(errors_of(make_round(claims=claims)), file="claims.csv", line=6, field="part_of")


# --- missing columns and empty cells ------------------------------------------------------


@pytest.mark.parametrize("column", ["id", "name", "category"])
def test_missing_required_nominee_column(make_round: RoundFactory, column: str) -> None:
    header = [c for c in ["id", "name", "category"] if c != column]
    nominees = ",".join(header) + "\n" + ",".join("x" for _ in header) + "\n"
    errors = errors_of(make_round(nominees=nominees, claims=None))
    problem = find(errors, file="nominees.csv", line=1, field=column, text="required column")
    assert ", ".join(header) in problem["message"]  # lists what the header has


@pytest.mark.parametrize("column", ["nominee", "key", "label", "value"])
def test_missing_required_claim_column(make_round: RoundFactory, column: str) -> None:
    header = [c for c in ["nominee", "key", "label", "value"] if c != column]
    claims = ",".join(header) + "\n" + ",".join("lotim" for _ in header) + "\n"
    find(errors_of(make_round(claims=claims)), file="claims.csv", line=1, field=column)


def test_header_names_are_case_insensitive(make_round: RoundFactory) -> None:
    nominees = SMALL_NOMINEES.replace("id,name,category", "ID,Name, CATEGORY ", 1)
    code, data = check_json(make_round(nominees=nominees))
    assert (code, data["errors"]) == (0, [])


def test_a_header_name_with_an_invisible_character_is_shown_with_it(
    make_round: RoundFactory,
) -> None:
    # "id" after a zero-width space (a paste from a web page) is another column: the message
    # said "required column is missing (the header has: id, name, ...)".
    nominees = SMALL_NOMINEES.replace("id,name", "\u200bid,name", 1)
    problem = find(errors_of(make_round(nominees=nominees)), field="id", text="required column")
    assert "the header has: '\\u200bid', name, category" in problem["message"]


def test_a_header_of_empty_names_says_so_in_the_readers_language(
    make_round: RoundFactory,
) -> None:
    folder = make_round(nominees=",,\nx,X,pemkab\n", claims=None)
    result = run_cli("--lang", "id", "check", folder)
    assert result.exit_code == 1
    assert "nothing" not in result.output  # an English word in the Indonesian message


def test_empty_required_cell(make_round: RoundFactory) -> None:
    folder = make_round(nominees=SMALL_NOMINEES + "new,,pemkab,,,\n")
    find(errors_of(folder), file="nominees.csv", line=5, field="name", text="required")


def test_column_twice(make_round: RoundFactory) -> None:
    folder = make_round(nominees="id,name,category,name\nx,X,pemkab,Y\n", claims=None)
    find(errors_of(folder), file="nominees.csv", field="name", text="twice")


def test_row_with_more_cells_than_the_header(make_round: RoundFactory) -> None:
    folder = make_round(nominees="id,name,category\nx,PT Maju, Tbk,pemkab\n", claims=None)
    find(errors_of(folder), file="nominees.csv", line=2, text="header has 3 columns")


# --- numbers --------------------------------------------------------------------------


def test_indonesian_decimal_point_is_an_error_not_a_fraction(make_round: RoundFactory) -> None:
    claims = SMALL_CLAIMS["id"] + "klu;coverage.share;Share;1.5;orang;;;;;\n"
    problem = find(
        errors_of(make_round("id", claims=claims)), file="claims.csv", line=6, field="value"
    )
    assert "'1.5' is not a number" in problem["message"]
    assert "Indonesian" in problem["message"]


@pytest.mark.parametrize(
    ("number_format", "line", "expected"),
    [
        ("id", "klu;coverage.n;N;32.680;orang;;;;;\n", 32680.0),
        ("en", "klu,coverage.n,N,32.680,persons,,,,,\n", 32.68),
        ("id", "klu;coverage.n;N;50,88;%;;;;;\n", 50.88),
        ("en", 'klu,coverage.n,N,"32,680",persons,,,,,\n', 32680.0),
        ("id", "klu;coverage.n;N;Rp3 miliar;IDR;;;;;\n", 3e9),
        ("en", "klu,coverage.n,N,IDR 3 billion,IDR,,,,,\n", 3e9),
        ("id", "klu;coverage.n;N;Rp500 ribu;IDR;;;;;\n", 500_000.0),
    ],
)
def test_numbers_follow_the_round_format(
    make_round: RoundFactory, number_format: str, line: str, expected: float
) -> None:
    folder = make_round(number_format, claims=SMALL_CLAIMS[number_format] + line)
    result = load_round(folder)
    assert result.errors == []
    assert result.round is not None
    claim = next(c for c in result.round.claims if c.key == "coverage.n")
    assert claim.value == pytest.approx(expected)


@pytest.mark.parametrize(
    ("number_format", "row", "field"),
    [
        ("en", "klu,coverage.n,N,32.680.1,persons,,,,,\n", "value"),
        ("en", "klu,coverage.n,N,1,persons,1.2.3,,,,\n", "denominator"),
        ("en", 'klu,coverage.n,N,1,persons,,,"50,5",,\n', "percent"),
        ("id", "klu;coverage.n;N;1,234.5;orang;;;;;\n", "value"),
        ("id", "klu;coverage.n;N;1;orang;;;12.5;;\n", "percent"),
        ("id", "klu;coverage.n;N;3 billion;IDR;;;;;\n", "value"),
    ],
)
def test_bad_numbers_are_errors_with_position(
    make_round: RoundFactory, number_format: str, row: str, field: str
) -> None:
    folder = make_round(number_format, claims=SMALL_CLAIMS[number_format] + row)
    find(errors_of(folder), file="claims.csv", line=6, field=field, text="is not a number")


def test_free_text_value_is_kept_as_text(make_round: RoundFactory) -> None:
    claims = SMALL_CLAIMS["en"] + "klu,coverage.n,N,more than 30 percent,,,,,,\n"
    result = load_round(make_round(claims=claims))
    assert result.errors == []
    assert result.round is not None
    claim = next(c for c in result.round.claims if c.key == "coverage.n")
    assert (claim.value, claim.text) == (None, "more than 30 percent")


def test_bad_order_is_an_error(make_round: RoundFactory) -> None:
    nominees = "id,name,category,order\nx,X,pemkab,1.5\ny,Y,pemkab,two\n"
    errors = errors_of(make_round(nominees=nominees, claims=None))
    find(errors, file="nominees.csv", line=2, field="order", text="whole number")
    find(errors, file="nominees.csv", line=3, field="order")


def test_bad_slot_is_an_error(make_round: RoundFactory) -> None:
    nominees = "id,name,category,slot\nx,X,pemkab,tomorrow\ny,Y,pemkab,25:99\n"
    errors = errors_of(make_round(nominees=nominees, claims=None))
    find(errors, file="nominees.csv", line=2, field="slot", text="not a time")
    find(errors, file="nominees.csv", line=3, field="slot")


# --- round.toml -------------------------------------------------------------------------


def test_a_slot_on_a_day_that_is_not_the_rounds_is_a_warning(make_round: RoundFactory) -> None:
    # A typo in the year (2052 for 2025) passed in silence: the interview sat years away on
    # the agenda's clock.
    nominees = SMALL_NOMINEES.replace("2025-07-15 10:00", "2052-07-15 10:00", 1)
    code, data = check_json(make_round(nominees=nominees))
    assert code == 0
    (problem,) = data["warnings"]
    assert (problem["file"], problem["line"], problem["field"]) == ("nominees.csv", 4, "slot")
    assert "2052-07-15 is not a date of the round (2025-07-14, 2025-07-15)" in problem["message"]


def test_bad_toml_names_the_line(make_round: RoundFactory) -> None:
    toml = TOML_EN.replace('title = "Regulasi"', "title = Regulasi")
    problem = find(errors_of(make_round(toml=toml)), file="round.toml", text="not valid TOML")
    assert problem["line"] == line_of(toml, "title = Regulasi")


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('id = "test-2025"', 'id = "Test 2025"', "round.id"),
        ("year = 2025", 'year = "2025"', "round.year"),
        ('stage = "provincial"', 'stage = "regional"', "round.stage"),
        ('number_format = "en"', 'number_format = "de"', "round.number_format"),
        ("advance = 1", "advance = 0", "round.advance"),
        ('affiliation = "bpjs"', 'affiliation = "press"', "assessors.affiliation"),
        ("weight = 60", "weight = -1", "criteria.weight"),
        ("weight = 60", "weight = nan", "criteria.weight"),
        ("weight = 60", "weight = inf", "criteria.weight"),
        ("min = 1, max = 5 }", "min = 5, max = 1 }", "rubrics.scale"),
        ("step = 0.5", "step = 0.3", "rubrics.scale.step"),
        ("step = 0.5", "step = nan", "rubrics.scale.step"),
        ('5 = "Perda', '7 = "Perda', "criteria.levels"),
    ],
)
def test_bad_round_settings(make_round: RoundFactory, old: str, new: str, field: str) -> None:
    assert old in TOML_EN
    toml = TOML_EN.replace(old, new, 1)
    problem = find(errors_of(make_round(toml=toml)), file="round.toml", field=field)
    assert isinstance(problem["line"], int)
    # the line named is the line of the setting (or the block that holds it)
    assert problem["line"] <= line_of(toml, new)


def test_round_without_panel_or_categories(make_round: RoundFactory) -> None:
    toml = (
        TOML_EN.split("[[assessors]]")[0] + "[[categories]]" + TOML_EN.split("[[categories]]", 1)[1]
    )
    find(errors_of(make_round(toml=toml)), file="round.toml", field="assessors")
    toml = TOML_EN.replace("[[assessors]]", "[[other]]")
    find(errors_of(make_round(toml=toml)), file="round.toml", field="assessors")


def test_unknown_setting_is_a_warning(make_round: RoundFactory) -> None:
    toml = TOML_EN.replace("advance = 1", "advance = 1\ncolour = 'blue'")
    code, data = check_json(make_round(toml=toml))
    assert code == 0
    find(data["warnings"], file="round.toml", field="round.colour", line=line_of(toml, "colour"))


# --- empty, binary and mis-encoded files -----------------------------------------------------


@pytest.mark.parametrize("name", ["round.toml", "nominees.csv", "claims.csv"])
def test_empty_file(make_round: RoundFactory, name: str) -> None:
    folder = make_round()
    (folder / name).write_bytes(b"")
    find(errors_of(folder), file=name, text="empty")


@pytest.mark.parametrize("name", ["nominees.csv", "claims.csv"])
def test_header_only_and_blank_lines(make_round: RoundFactory, name: str) -> None:
    folder = make_round()
    (folder / name).write_text("\n\n  \n")
    find(errors_of(folder), file=name, text="empty")


@pytest.mark.parametrize("name", ["round.toml", "nominees.csv", "claims.csv"])
def test_binary_file_with_nul(make_round: RoundFactory, name: str) -> None:
    folder = make_round()
    (folder / name).write_bytes(b"id,name\n\x00\x01\x02\xff binary \x00 junk\n")
    problem = find(errors_of(folder), file=name, text="binary")
    assert problem["line"] == 2


@pytest.mark.parametrize("name", ["round.toml", "nominees.csv", "claims.csv"])
def test_random_bytes(make_round: RoundFactory, name: str) -> None:
    folder = make_round()
    (folder / name).write_bytes(bytes(range(256)) * 4)
    find(errors_of(folder), file=name)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("name", ["round.toml", "nominees.csv", "claims.csv"])
def test_utf16(make_round: RoundFactory, name: str, encoding: str) -> None:
    folder = make_round()
    text = (folder / name).read_text(encoding="utf-8")
    (folder / name).write_bytes(text.encode(encoding))
    errors = errors_of(folder)
    find(errors, file=name, line=1, text="UTF-16")
    # one unreadable file is one error, not one per claim that names its nominees
    assert len(errors) == 1, errors


def test_latin1_file_is_refused_with_its_line(make_round: RoundFactory) -> None:
    folder = make_round()
    text = SMALL_NOMINEES + "desa,Desa Sukamaju Ñ,pemkab,,,\n"
    (folder / "nominees.csv").write_bytes(text.encode("latin-1"))
    find(errors_of(folder), file="nominees.csv", line=5, text="not UTF-8")


def test_indonesian_excel_bom_and_semicolons(make_round: RoundFactory) -> None:
    nominees = SMALL_NOMINEES.replace(",", ";").replace("Bupati", '"Bupati; Sekda"')
    folder = make_round("id", nominees=None)
    (folder / "nominees.csv").write_bytes(b"\xef\xbb\xbf" + nominees.replace("\n", "\r\n").encode())
    (folder / "claims.csv").write_bytes(b"\xef\xbb\xbf" + SMALL_CLAIMS["id"].encode())
    result = load_round(folder)
    assert result.problems == []
    assert result.round is not None
    assert result.round.nominees[0].id == "lotim"  # not '\ufeffid'-keyed
    assert result.round.nominees[0].presenter == "Bupati; Sekda"
    total = next(c for c in result.round.claims if c.key == "coverage.total")
    assert (total.value, total.denominator, total.percent) == (32680, 100000, 32.68)


def test_quoted_fields_with_commas_and_newlines(make_round: RoundFactory) -> None:
    claims = (
        CLAIMS_HEADER
        + 'lotim,coverage.total,"Workers, all ""segments""","32,680",persons,,,,,\n'
        + 'klu,regulation.perda,Perda,"Perda 5/2024:\nall companies,\nall workers",text,,,,,\n'
        + "klu,coverage.bad,Bad,1.2.3,persons,,,,,\n"
    )
    folder = make_round(claims=claims)
    errors = errors_of(folder)
    # the multi-line value spans lines 3-5, so the next record is on line 6
    find(errors, file="claims.csv", line=6, field="value")
    good = claims.replace("klu,coverage.bad,Bad,1.2.3,persons,,,,,\n", "")
    result = load_round(make_round(claims=good))
    assert result.round is not None
    first, second = result.round.claims
    assert first.label == 'Workers, all "segments"' and first.value == 32680
    assert second.text == "Perda 5/2024:\nall companies,\nall workers" and second.value is None


def test_unclosed_quote_is_an_error(make_round: RoundFactory) -> None:
    folder = make_round(nominees='id,name,category\nx,"PT Maju,pemkab\n', claims=None)
    find(errors_of(folder), file="nominees.csv")


# --- XLSX -------------------------------------------------------------------------------


def test_xlsx_nominees_and_claims(make_round: RoundFactory) -> None:
    folder = make_round(nominees=None, claims=None)
    write_xlsx(
        folder / "nominees.xlsx",
        [
            ["ID", "Name", "Category", "Slot", "Order"],
            ["lotim", "Pemkab Lombok Timur", "pemkab", "2025-07-14 09:00", 1],
            ["klu", "Pemkab Lombok Utara", "pemkab", None, 2],
            ["bank", "PT Bank NTB Syariah", "bu", None, None],
        ],
    )
    write_xlsx(
        folder / "claims.xlsx",
        [
            ["nominee", "key", "label", "value", "unit", "denominator", "percent"],
            ["lotim", "coverage.total", "Covered", 32680, "persons", 100000, 32.68],
            ["klu", "budget.bpu", "BPU budget", "Rp3 billion", "IDR", None, None],
        ],
    )
    result = load_round(folder)
    assert result.problems == []
    assert result.round is not None
    assert [n.id for n in result.round.nominees] == ["lotim", "klu", "bank"]
    values = {c.key: c.value for c in result.round.claims}
    assert values == {"coverage.total": 32680, "budget.bpu": 3e9}


def test_xlsx_errors_cite_the_cell(make_round: RoundFactory) -> None:
    folder = make_round(nominees=None, claims=None)
    write_xlsx(
        folder / "nominees.xlsx",
        [
            ["id", "name", "category", "remarks"],
            ["lotim", "Pemkab Lombok Timur", "pemkab", ""],
            ["klu", "Pemkab Lombok Utara", "pemkab", ""],
            ["bank", "PT Bank NTB Syariah", "umkm", ""],
            ["lotim", "Again", "pemkab", ""],
        ],
    )
    write_xlsx(
        folder / "claims.xlsx",
        [
            ["nominee", "key", "label", "value", "unit"],
            ["lotim", "coverage.total", "Covered", "32.680.1", "persons"],
            ["ghost", "coverage.total", "Covered", 5, "persons"],
        ],
    )
    code, data = check_json(folder)
    assert code == 1
    errors = data["errors"]
    find(errors, file="nominees.xlsx", line="C4", field="category", text="unknown category")
    find(errors, file="nominees.xlsx", line="A5", field="id", text="duplicate")
    find(errors, file="claims.xlsx", line="D2", field="value", text="not a number")
    find(errors, file="claims.xlsx", line="A3", field="nominee", text="unknown nominee")
    find(data["warnings"], file="nominees.xlsx", line="D1", field="remarks", text="unknown column")
    result = run_cli("check", folder)
    assert "nominees.xlsx!C4 (category)" in result.output


def test_xlsx_missing_column_and_empty_sheet(make_round: RoundFactory) -> None:
    folder = make_round(nominees=None, claims=None)
    write_xlsx(folder / "nominees.xlsx", [["id", "name"], ["x", "X"]])
    find(errors_of(folder), file="nominees.xlsx", field="category", text="required column")
    write_xlsx(folder / "nominees.xlsx", [])
    find(errors_of(folder), file="nominees.xlsx", text="empty")


def test_xlsx_that_is_not_a_workbook(make_round: RoundFactory) -> None:
    folder = make_round(nominees=None, claims=None)
    (folder / "nominees.xlsx").write_text(SMALL_NOMINEES)
    find(errors_of(folder), file="nominees.xlsx", text="not an XLSX")
    (folder / "nominees.xlsx").write_bytes(b"PK\x03\x04" + os.urandom(200))
    find(errors_of(folder), file="nominees.xlsx", text="XLSX")


def test_both_csv_and_xlsx_is_an_error(make_round: RoundFactory) -> None:
    folder = make_round()
    write_xlsx(folder / "nominees.xlsx", [["id", "name", "category"], ["x", "X", "pemkab"]])
    write_xlsx(folder / "claims.xlsx", [["nominee", "key", "label", "value"]])
    errors = errors_of(folder)
    find(errors, text="both nominees.csv and nominees.xlsx")
    find(errors, text="both claims.csv and claims.xlsx")


# --- warnings -----------------------------------------------------------------------------


def test_unknown_column_is_a_warning_and_exit_0(make_round: RoundFactory) -> None:
    nominees = SMALL_NOMINEES.replace("order\n", "order,website\n", 1)
    code, data = check_json(make_round(nominees=nominees))
    assert code == 0 and data["errors"] == []
    find(data["warnings"], file="nominees.csv", line=1, field="website", text="unknown column")
    result = run_cli("check", make_round(nominees=nominees))
    assert result.exit_code == 0
    assert "warning: nominees.csv:1 (website): unknown column, ignored" in result.output


@pytest.mark.parametrize(
    ("row", "text"),
    [
        # the parts of coverage.total (17,000 + 15,680) no longer add up to 40,000
        ("lotim,coverage.total,Covered,40000,persons,,,,,", "parts add up to 32,680, not 40,000"),
        # 32,680 / 100,000 is 32.68%, not the stated 35%
        (
            "lotim,coverage.total,Covered,32680,persons,100000,potential,35,,",
            "value / denominator is 32.68%, but 35% is stated",
        ),
        ("lotim,coverage.total,Covered,32680,persons,,,130,,", "stated percent 130% is over 100%"),
        ("lotim,coverage.total,Covered,32680,persons,20000,,,,", "over 100%"),
        ("klu,coverage.share,Share,120%,%,,,,,", "percentage 120% is over 100%"),
        ("klu,coverage.count,Count,-5,persons,,,,,", "negative count -5"),
    ],
)
def test_claim_consistency_warnings(make_round: RoundFactory, row: str, text: str) -> None:
    claims = "\n".join(
        row if line.startswith("lotim,coverage.total") and row.startswith("lotim") else line
        for line in SMALL_CLAIMS["en"].splitlines()
    )
    if not row.startswith("lotim"):
        claims += "\n" + row
    code, data = check_json(make_round(claims=claims + "\n"))
    assert code == 0, data["errors"]
    line = 2 if row.startswith("lotim") else 6
    find(data["warnings"], file="claims.csv", line=line, text=text)


def test_percent_within_one_point_is_no_warning(make_round: RoundFactory) -> None:
    claims = SMALL_CLAIMS["en"].replace("32.68,,press", "33.5,,press")
    code, data = check_json(make_round(claims=claims))
    assert (code, data["warnings"]) == (0, [])


def test_warnings_and_errors_together_exit_1(make_round: RoundFactory) -> None:
    claims = SMALL_CLAIMS["en"] + "klu,coverage.count,Count,-5,persons,,,,,\nghost,a,A,1,,,,,,\n"
    code, data = check_json(make_round(claims=claims))
    assert code == 1
    assert len(data["errors"]) == 1 and len(data["warnings"]) == 1


# --- whatever the bytes ---------------------------------------------------------------


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    name=st.sampled_from(["round.toml", "nominees.csv", "claims.csv", "nominees.xlsx"]),
    data=st.one_of(
        st.binary(max_size=400),
        st.text(max_size=300).map(lambda s: s.encode("utf-8")),
        st.lists(
            st.sampled_from(
                [b",", b";", b'"', b"\n", b"\r", b"lotim", b"id", b"\xef\xbb\xbf", b"1.5"]
            ),
            max_size=40,
        ).map(b"".join),
    ),
)
def test_any_bytes_give_a_report_not_a_traceback(
    make_round: RoundFactory, name: str, data: bytes
) -> None:
    folder = make_round()
    if name == "nominees.xlsx":
        (folder / "nominees.csv").unlink()
    (folder / name).write_bytes(data)
    code, _ = check_json(folder)
    assert code in (0, 1)


def test_check_exit_code_follows_the_toml_text(tmp_path: Path) -> None:
    """The shared fixture round really is valid: guards every test above against a broken base."""
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "round.toml").write_text(TOML_EN)
    (folder / "nominees.csv").write_text(SMALL_NOMINEES)
    (folder / "claims.csv").write_text(SMALL_CLAIMS["en"])
    assert check_json(folder)[0] == 0


def test_file_names_in_any_letter_case(make_round: RoundFactory) -> None:
    folder = make_round()
    (folder / "nominees.csv").rename(folder / "Nominees.CSV")
    (folder / "claims.csv").rename(folder / "CLAIMS.csv")
    result = load_round(folder)
    assert result.problems == []
    assert result.round is not None and len(result.round.claims) == 4


@pytest.mark.parametrize("name", ["nominees.xls", "claims.xls", "Claims.ods"])
def test_a_file_in_another_format_is_named_not_skipped(make_round: RoundFactory, name: str) -> None:
    stem = name.split(".")[0].lower()
    folder = make_round()
    (folder / f"{stem}.csv").unlink()
    (folder / name).write_bytes(b"\xd0\xcf\x11\xe0 old Excel")
    problem = find(errors_of(folder), file=name, text=f"save it as {stem}.xlsx or {stem}.csv")
    assert problem["line"] is None


def test_a_header_without_nominees_is_a_warning(make_round: RoundFactory) -> None:
    code, data = check_json(make_round(nominees="id,name,category\n", claims=None))
    assert code == 0
    find(data["warnings"], file="nominees.csv", text="no nominees")


def test_xlsx_percent_cells_and_dates(make_round: RoundFactory) -> None:
    """Excel keeps 50.88% as 0.5088 and a slot as a date-time: both are read as shown."""
    from datetime import datetime

    from openpyxl import Workbook

    folder = make_round(nominees=None, claims=None)
    write_xlsx(
        folder / "nominees.xlsx",
        [
            ["id", "name", "category", "slot", "order"],
            ["lotim", "Pemkab Lombok Timur", "pemkab", datetime(2025, 7, 14, 9, 0), 1],
            ["klu", "Pemkab Lombok Utara", "pemkab", "09:30", 2],
            ["bank", "PT Bank NTB Syariah", "bu", None, None],
        ],
    )
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["nominee", "key", "label", "value", "unit", "denominator", "percent"])
    sheet.append(["lotim", "coverage.ucj", "UCJ", 935079, "persons", 1873899, 0.5088])
    sheet.append(["lotim", "coverage.target", "Target", 0.6728, "%", None, None])
    sheet["G2"].number_format = "0.00%"
    sheet["D3"].number_format = "0.00%"
    workbook.save(folder / "claims.xlsx")

    result = load_round(folder)
    assert result.problems == []  # 935,079 / 1,873,899 is 49.9%: within a point of 50.88%
    assert result.round is not None
    slots = [n.slot for n in result.round.nominees]
    assert slots[:2] == [datetime(2025, 7, 14, 9, 0), datetime(2025, 7, 14, 9, 30)]
    ucj, target = result.round.claims
    assert ucj.percent == 50.88
    assert (target.value, target.text) == (67.28, "67.28%")


def test_one_check_reports_round_toml_and_table_errors_together(make_round: RoundFactory) -> None:
    toml = TOML_EN.replace('id = "a2"', 'id = "a1"').replace('rubric = "usaha"', 'rubric = "x"')
    folder = make_round(toml=toml, nominees=SMALL_NOMINEES + "new,New,nowhere,,,\n")
    errors = errors_of(folder)
    find(errors, file="round.toml", field="assessors.id", text="duplicate")
    find(errors, file="round.toml", field="categories.rubric", text="unknown rubric")
    find(errors, file="nominees.csv", line=5, field="category", text="unknown category")
    assert load_round(folder).round is None


INLINE_TOML = """\
assessors = [
  { id = "a1", name = "A", affiliation = "government" },
  { id = "a2", name = "", affiliation = "press" },
]
categories = [{ id = "pemkab", title = "P", rubric = "nope" }]
round = { id = "x-2025", title = "T", year = 1999, number_format = "en" }

[[rubrics]]
id = "pemda"
scale = { min = 1, max = 5 }
criteria = [
  { id = "c1", title = "C", weight = -1 },
  # a comment with { braces, "quotes" and id = "c9" }
  { id = "c1", title = "C [x]", weight = 1, levels = { 9 = "x" } },
]
"""


def test_errors_in_inline_tables_name_their_lines(make_round: RoundFactory) -> None:
    # The same round written with inline tables (legal TOML): every error had no line.
    errors = errors_of(make_round(toml=INLINE_TOML, nominees="id,name,category\n", claims=None))
    lines = {(e["field"], e["line"]) for e in errors}
    assert lines == {
        ("assessors.name", 3),
        ("assessors.affiliation", 3),
        ("categories.rubric", 5),
        ("round.year", 6),
        ("criteria.weight", 12),
        ("criteria.levels", 14),
        ("rubrics.criteria.id", 14),
    }, errors


def test_thousands_of_errors_in_round_toml_are_located_promptly(
    make_round: RoundFactory,
) -> None:
    # Each error's line was found by reading the file from its top: 8,000 bad blocks of a
    # 500 KB round.toml kept `check` busy for minutes (5,000: about a minute).
    blocks = "".join(
        f'\n[[assessors]]\nid = "x{i}"\nname = "X"\naffiliation = "press"\n' for i in range(5000)
    )
    toml = TOML_EN + blocks
    folder = make_round(toml=toml)
    started = time.monotonic()
    errors = errors_of(folder)
    assert time.monotonic() - started < 10
    bad = [e for e in errors if e["field"] == "assessors.affiliation"]
    assert len(bad) == 5000
    assert bad[-1]["line"] == len(toml.splitlines())  # the last block's affiliation line


def test_each_control_character_in_round_toml_names_its_own_line(
    make_round: RoundFactory,
) -> None:
    # Every ESC was placed on the first line holding one; \b and \f (TOML's own escapes)
    # on no line at all.
    toml = (
        TOML_EN.replace('name = "Regional Secretary"', 'name = "Regional\\u001bSecretary"', 1)
        .replace('name = "BPJS', 'name = "\\u001b[2JBPJS', 1)
        .replace('title = "Regulasi"', 'title = "Regu\\blasi"', 1)
        .replace('title = "Inovasi"', 'title = "Ino\\fvasi"', 1)
    )
    errors = errors_of(make_round(toml=toml))
    assert [(e["field"], e["line"]) for e in errors] == [
        ("assessors.name", line_of(toml, "Regional\\u001b")),
        ("assessors.name", line_of(toml, "\\u001b[2JBPJS")),
        ("rubrics.criteria.title", line_of(toml, "Regu\\blasi")),
        ("rubrics.criteria.title", line_of(toml, "Ino\\fvasi")),
    ]


def test_a_round_toml_too_large_for_a_round_is_refused_unread(
    make_round: RoundFactory,
) -> None:
    # round.toml had no size limit: 13 MB of settings took 9 s and 300 MB to check, and a
    # larger file longer still (a round's is a few kilobytes).
    folder = make_round(toml=TOML_EN + "# padding\n" * 600_000)
    problem = find(errors_of(folder), file="round.toml", text="too large for a round")
    assert problem["line"] is None
    with (folder / "round.toml").open("wb") as sparse:  # 3 GB, never read
        sparse.truncate(3 * 1024**3)
    started = time.monotonic()
    find(errors_of(folder), file="round.toml", text="3221225472 bytes: too large")
    assert time.monotonic() - started < 5


def test_a_bad_number_format_does_not_bury_the_tables(make_round: RoundFactory) -> None:
    toml = TOML_EN.replace('number_format = "en"', 'number_format = "de"')
    errors = errors_of(make_round(toml=toml))
    assert [e["field"] for e in errors] == ["round.number_format"]


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("min = 1, max = 5 }", f"min = 1, max = {10**400} }}", "rubrics.scale.max"),
        ("weight = 60", f"weight = {10**400}", "criteria.weight"),
        ("advance = 1", f"advance = {10**30}", "round.advance"),
    ],
)
def test_integers_too_large_are_errors(
    make_round: RoundFactory, old: str, new: str, field: str
) -> None:
    find(errors_of(make_round(toml=TOML_EN.replace(old, new, 1))), file="round.toml", field=field)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        # max - min is infinite, and so is the number of steps: no unexpected OverflowError
        ("min = 1, max = 5 }", "min = -1e308, max = 1e308 }", "rubrics.scale.step"),
        ("min = 1, max = 5 }", "min = 0, max = 1e308, step = 1e-300 }", "rubrics.scale.step"),
        ("min = 1, max = 5 }", "min = 1, max = 5, step = 5e-324 }", "rubrics.scale.step"),
        # each weight is finite, their sum is not: every total would be NaN
        ("weight = 40", "weight = 1e308", "criteria.weight"),
    ],
)
def test_floats_whose_arithmetic_overflows_are_errors(
    make_round: RoundFactory, tmp_path: Path, old: str, new: str, field: str
) -> None:
    toml = TOML_EN.replace(old, new, 1)
    if field == "criteria.weight":
        toml = toml.replace("weight = 60", "weight = 1e308", 1)
    folder = make_round(toml=toml)
    problem = find(errors_of(folder), file="round.toml", field=field)
    assert isinstance(problem["line"], int)
    result = run_cli("init", folder, "--assessor", "a1", "--db", tmp_path / "x.db")
    assert result.exit_code == 1 and "unexpected" not in result.output
    assert not (tmp_path / "x.db").exists()


def test_a_claim_too_large_for_a_float_is_an_error(make_round: RoundFactory) -> None:
    claims = SMALL_CLAIMS["en"] + f"klu,coverage.n,N,{'9' * 400},persons,,,,,\n"
    find(errors_of(make_round(claims=claims)), file="claims.csv", line=6, field="value")


def test_an_order_too_large_for_the_database_is_an_error(
    make_round: RoundFactory, tmp_path: Path
) -> None:
    folder = make_round(
        nominees="id,name,category,order\nx,X,pemkab," + "9" * 30 + "\n", claims=None
    )
    find(errors_of(folder), file="nominees.csv", line=2, field="order")
    result = run_cli("init", folder, "--assessor", "a1", "--db", tmp_path / "x.db")
    assert result.exit_code == 1 and "unexpected" not in result.output


def test_claim_warnings_point_at_the_cell_concerned(make_round: RoundFactory) -> None:
    folder = make_round(claims=None)
    write_xlsx(
        folder / "claims.xlsx",
        [
            ["nominee", "key", "label", "value", "unit", "denominator", "percent"],
            ["lotim", "coverage.a", "A", 100, "persons", 1000, 130],
            ["lotim", "coverage.b", "B", -3, "persons", None, None],
        ],
    )
    code, data = check_json(folder)
    assert code == 0
    find(data["warnings"], line="G2", field="percent", text="stated percent 130% is over 100%")
    find(data["warnings"], line="D2", field="value", text="value / denominator is 10%")
    find(data["warnings"], line="D3", field="value", text="negative count -3")


def test_a_numeric_looking_text_value_says_how_to_keep_it_as_text(
    make_round: RoundFactory,
) -> None:
    claims = SMALL_CLAIMS["en"] + "klu,regulation.date,Perda enacted,2024-03-01,,,,,,\n"
    problem = find(errors_of(make_round(claims=claims)), file="claims.csv", line=6, field="value")
    assert "unit text" in problem["message"]
    fixed = SMALL_CLAIMS["en"] + "klu,regulation.date,Perda enacted,2024-03-01,text,,,,,\n"
    assert check_json(make_round(claims=fixed))[0] == 0


def test_check_validates_without_building_claims_which_are_built_when_read(
    make_round: RoundFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    import panel_tui.round_package.claims as claims_module

    built: list[int] = []
    from panel_tui.domain.model import Claim
    from panel_tui.domain.model import new_claims as real  # what the loader calls

    def counting(*columns: Sequence[object]) -> list[Claim]:
        built.append(len(columns[0]))
        return real(*columns)

    monkeypatch.setattr(claims_module, "new_claims", counting)
    claims = SMALL_CLAIMS["en"] + "klu,coverage.x,Covered,150,persons,100,,,,press\n"
    folder = make_round(claims=claims)
    result = run_cli("check", folder)
    assert result.exit_code == 0
    assert "5 claims" in result.output
    assert "value is 150% of its denominator: over 100%" in result.output
    assert built == []  # check said all of that without building a claim

    loaded = load_round(folder)
    assert loaded.round is not None and built == []
    claims_read = loaded.round.claims
    assert built == [5] and len(claims_read) == loaded.claim_count == 5
    by_key = {c.key: c for c in claims_read}
    assert by_key["coverage.x"].warnings == ("value is 150% of its denominator: over 100%",)
    assert by_key["coverage.total"].warnings == ()
    assert loaded.round.claims is claims_read  # built once
