"""Every tally format, read back and checked; user text escaped; formulas neutralised."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from panel_tui.cli import cli
from panel_tui.output.export import neutralise, render_csv, render_json
from panel_tui.output.report_html import render_html
from panel_tui.output.report_markdown import render_markdown
from panel_tui.secretariat.tally import tally_database

from .test_tally import EXPECTED

EVIL = '=HYPERLINK("http://x")|<script>alert(1)</script> [b]Bima[/b]'


def test_neutralise() -> None:
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("+62 812") == "'+62 812"
    assert neutralise("-x") == "'-x"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("\tcmd") == "'\tcmd"
    assert neutralise("\rcmd") == "'\rcmd"
    assert neutralise("Bank") == "Bank"
    assert neutralise(-3.5) == -3.5 and neutralise(70) == 70


def test_json_is_the_contract_shape(panel_file: Path) -> None:
    assert json.loads(render_json(tally_database(panel_file))) == EXPECTED


def test_csv_reads_back(panel_file: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(render_csv(tally_database(panel_file)))))
    assert [(r["category"], r["rank"], r["nominee"]) for r in rows] == [
        ("pemkab", "1", "lotim"),
        ("pemkab", "2", "klu"),
        ("pemkab", "3", "loteng"),
        ("pemkab", "3", "mataram"),
        ("pemkab", "5", "bima"),
        ("bu", "1", "alfa"),
        ("bu", "2", "bank"),
    ]
    klu = rows[1]
    assert (klu["total"], klu["innovation"], klu["advances"], klu["compliance"]) == (
        "70.0",
        "3.3333",
        "true",
        "",
    )
    bima = rows[4]
    assert bima["name"] == "'" + EVIL
    assert (bima["complete"], bima["lacks"]) == ("false", "a3: innovation")


def test_xlsx_reads_back(panel_file: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "hasil.xlsx"
    result = CliRunner().invoke(cli, ["tally", str(panel_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames == [
        "Results",
        "pemkab",
        "bu",
        "Scores",
        "Recusals",
        "Notes",
        "Sheets",
        "Criteria",
        "Method",
    ]
    rows = list(book["Results"].iter_rows(values_only=True))
    header = rows[0]
    records = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    lotim = records[0]
    assert (lotim["nominee"], lotim["rank"], lotim["total"], lotim["regulation"]) == (
        "lotim",
        1,
        70,
        5,
    )
    assert isinstance(lotim["total"], (int, float)) and lotim["advances"] is True
    bima = next(r for r in records if r["nominee"] == "bima")
    assert bima["name"] == EVIL  # the original text, no apostrophe stored inside it
    name_cell = book["Results"].cell(row=6, column=4)
    assert name_cell.value == EVIL and name_cell.data_type == "s" and name_cell.quotePrefix
    scores = list(book["Scores"].iter_rows(values_only=True))
    assert ("bu", "bank", "PT Bank NTB Syariah", "a1", "compliance", 10, "recused") in scores
    method = [row[0] for row in book["Method"].iter_rows(values_only=True)]
    assert any(isinstance(m, str) and m.startswith("Order:") for m in method)


def test_markdown_record(panel_file: Path) -> None:
    text = render_markdown(tally_database(panel_file), "2025-07-15T12:00:00Z")
    for heading in ("## Round", "## Panel", "## Method", "## Ranking", "## Incomplete nominees"):
        assert heading in text
    assert (
        "| 2 | klu | Pemerintah Kabupaten Lombok Utara | 70.00 | 4 | 4 | 3.3333 | 3 | advances |"
        in text
    )
    assert "| 3 | loteng |" in text and "| 3 | mataram |" in text
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "\\[b\\]Bima\\[/b\\]" in text and "\\|&lt;" in text
    assert "a3: innovation" in text
    assert "## Largest disagreements" in text and "a2 6, a3 8" in text
    assert "Sekda \\[b\\]Uji\\[/b\\]" in text


def test_html_record(panel_file: Path) -> None:
    text = render_html(tally_database(panel_file), "2025-07-15T12:00:00Z")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; [b]Bima[/b]" in text
    assert "&quot;http://x&quot;" in text
    assert '<tr class="advances"><td class="n">1</td><td>lotim</td>' in text
    assert "a3: innovation" in text
    assert text.count("<h4>") == 7  # a score matrix per nominee
    for rule_start in ("Only the panel", "Order:", "advances = rank ≤ 2"):
        assert rule_start in text


def test_cli_formats(panel_file: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["tally", str(panel_file), "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.output) == EXPECTED
    table = runner.invoke(cli, ["tally", str(panel_file)], env={"COLUMNS": "250"})
    assert table.exit_code == 0
    assert "[b]Bima[/b]" in table.output and "Trijaya [Persero]" in table.output
    assert "incomplete: bima: a3: innovation" in table.output
    assert "Order:" in table.output
    for fmt, suffix in (("csv", "csv"), ("md", "md"), ("html", "html"), ("table", "txt")):
        out = tmp_path / f"hasil.{suffix}"
        result = runner.invoke(cli, ["tally", str(panel_file), "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert "lotim" in out.read_text(encoding="utf-8-sig")
    usage = runner.invoke(cli, ["tally", str(panel_file), "--format", "xlsx"])
    assert usage.exit_code == 2
    missing_folder = runner.invoke(
        cli, ["tally", str(panel_file), "--out", str(tmp_path / "nope" / "x.json")]
    )
    assert missing_folder.exit_code == 1 and "Traceback" not in missing_folder.output


def test_xlsx_formula_guard_keeps_the_text(tmp_path: Path) -> None:
    from openpyxl import Workbook, load_workbook

    from panel_tui.output.xlsx import xlsx_cell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("x")
    sheet.append([xlsx_cell(sheet, v) for v in ("+62 811 555", "=1+1", "Bank", 86.25)])
    book.save(tmp_path / "x.xlsx")
    cells = next(load_workbook(tmp_path / "x.xlsx")["x"].iter_rows())
    assert [c.value for c in cells] == ["+62 811 555", "=1+1", "Bank", 86.25]
    assert [c.data_type for c in cells] == ["s", "s", "s", "n"]
    assert [bool(c.quotePrefix) for c in cells] == [True, True, False, False]


def test_csv_in_indonesian_convention(panel_file: Path) -> None:
    from panel_tui.i18n import language, set_language

    before = language()
    set_language("id")
    try:
        text = render_csv(tally_database(panel_file))
    finally:
        set_language(before)
    header = text.splitlines()[0].split(";")
    assert header[:8] == [
        "kategori",
        "peringkat",
        "nominasi",
        "nama",
        "total",
        "lengkap",
        "penilai",
        "lolos",
    ]
    assert header[8:] == ["regulation", "coverage", "innovation", "compliance", "csr", "kekurangan"]
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    klu = next(r for r in rows if r["nominasi"] == "klu")
    assert (klu["total"], klu["innovation"], klu["lolos"]) == ("70,0", "3,3333", "true")
    assert next(r for r in rows if r["nominasi"] == "bima")["nama"] == "'" + EVIL


def test_csv_header_in_english_is_the_ids(panel_file: Path) -> None:
    from panel_tui.output.export import result_header

    result = tally_database(panel_file)
    assert render_csv(result).splitlines()[0] == ",".join(result_header(result))


def test_xlsx_is_ready_to_send(panel_file: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "hasil.xlsx"
    assert CliRunner().invoke(cli, ["tally", str(panel_file), "--out", str(out)]).exit_code == 0
    book = load_workbook(out)
    for name in ("Results", "pemkab", "Scores", "Recusals", "Notes", "Sheets", "Criteria"):
        sheet = book[name]
        assert all(cell.font.bold for cell in sheet[1]), name  # a styled header row
        assert sheet.freeze_panes in ("A2", "D2"), name  # frozen below the header
        assert sheet.column_dimensions["A"].width >= 6, name
    # The category sheet: criterion titles, weights and the scale in the header; numbers
    # formatted to be read (totals to 2 decimals, means up to 4).
    pemkab = list(book["pemkab"].iter_rows())
    header = [c.value for c in pemkab[0]]
    assert header[:4] == ["#", "nominee", "name", "total"]
    assert header[4] == "Regulasi (regulation, weight 40, scale 1–5)"
    assert header[-3:] == ["assessors", "status", "lacks"]
    klu = pemkab[2]
    assert [c.value for c in klu[:4]] == [2, "klu", "Pemerintah Kabupaten Lombok Utara", 70]
    assert klu[3].number_format == "0.00" and klu[6].number_format == "0.0###"
    assert klu[6].value == 3.3333 and klu[8].value == "advances"
    assert book["pemkab"].freeze_panes == "D2"  # rank, id and name stay in view
    bima = next(row for row in pemkab if row[1].value == "bima")
    assert bima[2].value == EVIL and bima[2].quotePrefix  # guarded, text as written
    assert bima[-1].value == "a3: innovation"
    recusals = [tuple(c.value for c in row) for row in book["Recusals"].iter_rows()]
    assert recusals[1:] == [
        ("bu", "bank", "PT Bank NTB Syariah", "a1", "Sekda [b]Uji[/b]", "former employee")
    ]
    finals = list(book["Sheets"].iter_rows(values_only=True))
    assert finals[0] == (
        "category",
        "nominee",
        "assessor",
        "scored",
        "criteria",
        "final",
        "recused",
    )
    assert ("bu", "bank", "a1", 2, 2, False, True) in finals
    assert ("pemkab", "bima", "a3", 2, 3, False, False) in finals
    assert len(finals) == 1 + 7 * 3
    criteria = list(book["Criteria"].iter_rows(values_only=True))
    assert ("pemda", "pemkab", "regulation", "Regulasi", 40, 0.4, 1, 5, 1) in criteria
    method = [row for row in book["Method"].iter_rows(values_only=True)]
    firsts = [row[0] for row in method]
    assert "Panel" in firsts and "Files merged" in firsts
    result = tally_database(panel_file)
    heads = {row[4] for row in method if len(row) > 4}
    assert {head for _o, _a, _n, head in result.chains} <= heads  # every chain head
    assert any(isinstance(v, str) and v.startswith("the whole file") for _k, v, *_r in method)


def _demo_merged(tmp_path: Path) -> Path:
    """The demo round (long criterion ids, six criteria) scored by three assessors, merged."""
    from fixtures.databases import build_db
    from panel_tui.secretariat.merge.driver import merge

    tmp_path = tmp_path / "demo"
    tmp_path.mkdir()
    files = [
        build_db(tmp_path / f"{a}.db", a, scores=42, seed=i)
        for i, a in enumerate(("a1", "a2", "a3"))
    ]
    out = tmp_path / "demo-merged.db"
    assert merge(out, files).ok
    return out


@pytest.mark.parametrize("which", ["panel", "demo"])
def test_the_terminal_table_fits_its_width(
    panel_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, which: str
) -> None:
    """Nothing cut at the terminal's edge: every line within the width, the legend's items
    whole, each nominee's status shown (in its table, or on its own line when narrow)."""
    import io as _io

    from panel_tui.output.terminal_table import print_table

    result = tally_database(panel_file if which == "panel" else _demo_merged(tmp_path))
    for width in (80, 64, 60):
        monkeypatch.setenv("COLUMNS", str(width))
        out = _io.StringIO()
        print_table(result, out)
        lines = out.getvalue().splitlines()
        assert all(len(line.rstrip()) <= width for line in lines), width
        legend = " ".join(lines)
        for cat in result.categories:
            for i, criterion in enumerate(cat.rubric.criteria, 1):
                assert f"{i}={criterion.id} (" in legend, (width, criterion.id)
            for r in cat.results:
                assert any(r.nominee.id in line and "…" not in line for line in lines)
        assert legend.count("incomplete") >= 1 and "incompl " not in legend


def test_scores_sheet_xml_keeps_each_value_its_own_cell() -> None:
    """The Scores sheet's rows are written as XML with repeated texts made once: equal keys
    of different values (True, 1, 1.0; 0.0 and -0.0) still get their own cells, and a text
    seen again keeps its formula guard and its escaping."""
    from panel_tui.output.xlsx import _rows_xml

    rows = [
        [True, 1, 1.0, -0.0, "=x", " a ", "<&>"],
        [1, 1.0, True, 0.0, "=x", " a ", "<&>", None, 2.5],
    ]
    assert list(_rows_xml(rows, "3")) == [
        '<row r="2"><c r="A2" t="b"><v>1</v></c><c r="B2" t="n"><v>1</v></c>'
        '<c r="C2" t="n"><v>1.0</v></c><c r="D2" t="n"><v>-0.0</v></c>'
        '<c r="E2" t="inlineStr" s="3"><is><t>=x</t></is></c>'
        '<c r="F2" t="inlineStr"><is><t xml:space="preserve"> a </t></is></c>'
        '<c r="G2" t="inlineStr"><is><t>&lt;&amp;&gt;</t></is></c></row>',
        '<row r="3"><c r="A3" t="n"><v>1</v></c><c r="B3" t="n"><v>1.0</v></c>'
        '<c r="C3" t="b"><v>1</v></c><c r="D3" t="n"><v>0.0</v></c>'
        '<c r="E3" t="inlineStr" s="3"><is><t>=x</t></is></c>'
        '<c r="F3" t="inlineStr"><is><t xml:space="preserve"> a </t></is></c>'
        '<c r="G3" t="inlineStr"><is><t>&lt;&amp;&gt;</t></is></c>'
        '<c r="I3" t="n"><v>2.5</v></c></row>',
    ]
    assert 's="' not in "".join(_rows_xml([["=x"]], None))


def test_xlsx_of_a_ledger_with_control_characters_is_written(
    panel_file: Path, tmp_path: Path
) -> None:
    """The merge ledger is outside the audit chain: a file name holding ESC or NUL there (a
    stranger's stick, or plain SQL) verified, and then `tally --out FILE.xlsx` stopped with
    "unexpected error: IllegalCharacterError". The sheet gets the text without the
    characters a workbook cannot hold, as the large sheets always did."""
    import sqlite3

    from openpyxl import load_workbook

    conn = sqlite3.connect(panel_file, isolation_level=None)
    conn.execute("UPDATE imports SET file = ? WHERE rowid = 1", ("evil\x1b]0;x\x07\x00.db",))
    conn.close()
    out = tmp_path / "hasil.xlsx"
    result = CliRunner().invoke(cli, ["tally", str(panel_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out, read_only=True)
    texts = [str(c) for row in book.worksheets[-1].iter_rows(values_only=True) for c in row]
    assert "evil]0;x.db" in texts, texts


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_control_character_in_the_ledger_never_reaches_the_terminal(
    panel_file: Path, fmt: str
) -> None:
    """The merge ledger's file name is outside the audit chain and was printed as stored:
    `tally --format md` (or html) sent its ESC sequences to the terminal, which could retitle
    it or clear the screen. The minutes show each such character by its code instead."""
    import sqlite3

    conn = sqlite3.connect(panel_file, isolation_level=None)
    conn.execute("UPDATE imports SET file = ? WHERE rowid = 1", ("evil\x1b]0;x\x07\u202e.db",))
    conn.close()
    result = CliRunner().invoke(cli, ["tally", str(panel_file), "--format", fmt])
    assert result.exit_code == 0, result.output
    assert not any(ch in result.output for ch in "\x1b\x07\u202e"), repr(result.output)
    assert "U+001B" in result.output and "U+202E" in result.output
