"""`panel-tui sheets`: blank paper score sheets, and the template they are typed back into."""

from __future__ import annotations

import csv
import io
import os
import re
import sqlite3
import stat
from pathlib import Path

import pytest

from fixtures.core_helpers import run_cli
from fixtures.rounds import SMALL_NOMINEES, SMALL_ROUND_TOML, RoundFactory

HOSTILE = "PT <b>Maju</b> & [Persero] =1+1"
NOMINEES = SMALL_NOMINEES.replace("PT Bank NTB Syariah", f'"{HOSTILE}"')
TOML = SMALL_ROUND_TOML.format(number_format="en").replace(
    "weight = 40\n", 'weight = 40\nguidance = "Perda <or> Perkada for non-ASN workers"\n'
)


def sheets(folder: Path, tmp_path: Path, *extra: str, lang: str = "") -> tuple[str, str]:
    out, template = tmp_path / "sheets.html", tmp_path / "template.csv"
    first = ("--lang", lang) if lang else ()
    result = run_cli(*first, "sheets", folder, "--out", out, "--template", template, *extra)
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8"), template.read_text(encoding="utf-8-sig")


def test_a_page_per_assessor_and_nominee_with_everything_to_score(
    make_round: RoundFactory, tmp_path: Path
) -> None:
    folder = make_round(toml=TOML, nominees=NOMINEES)
    page, _template = sheets(folder, tmp_path)
    assert page.count('<section class="sheet">') == 2 * 3  # two assessors, three nominees
    assert "@page { size: A4" in page
    # the nominee's name exactly as written, never markup
    assert "PT &lt;b&gt;Maju&lt;/b&gt; &amp; [Persero] =1+1" in page
    assert "<b>Maju</b>" not in page
    assert "Perda &lt;or&gt; Perkada for non-ASN workers" in page
    for text in (
        "Regional Secretary (a1)",
        "BPJS Ketenagakerjaan branch head (a2)",
        "Regulasi",
        "weight 40%",  # normalised over the rubric
        "weight 60%",
        "<b>5</b> Perda covering all segments",
        "1–5, step 0.5",  # the half-point rubric's scale
        "Bupati",  # presenter
        "I recuse myself from this nominee",
        "signature",
    ):
        assert text in page, text


def test_the_lines_on_paper_are_the_template_lines_and_it_imports_back(
    make_round: RoundFactory, tmp_path: Path
) -> None:
    folder = make_round()
    page, template = sheets(folder, tmp_path, "--assessor", "a1")
    assert page.count('<section class="sheet">') == 3
    records = list(csv.reader(io.StringIO(template)))
    assert records[0] == ["assessor", "nominee", "criterion", "score", "note"]
    assert records[1:] == [
        ["a1", "lotim", "regulation", "", ""],
        ["a1", "lotim", "coverage", "", ""],
        ["a1", "klu", "regulation", "", ""],
        ["a1", "klu", "coverage", "", ""],
        ["a1", "bank", "compliance", "", ""],
        ["a1", "bank", "innovation", "", ""],
    ]
    # each box on paper shows its template line, in the same order
    lines = [int(n) for n in re.findall(r'<td class="line">(\d+)</td>', page)]
    assert lines == list(range(2, 8))
    assert "Typed as R on line 4" in page  # klu's first line
    # the secretariat types the returned sheet into the template
    filled = records[:]
    filled[1][3], filled[1][4] = "4", "strong Perda"
    filled[2][3] = "3"
    filled[3][3], filled[3][4] = "R", "my brother is the regent"
    filled[5][3] = "4.5"
    typed = tmp_path / "typed.csv"
    with typed.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(filled)
    db = tmp_path / "a1.db"
    assert run_cli("init", folder, "--assessor", "a1", "--db", db).exit_code == 0
    result = run_cli("import-scores", db, typed)
    assert result.exit_code == 0, result.output
    assert "recorded 3 score(s)" in result.output
    assert "2 blank row(s) skipped" in result.output
    conn = sqlite3.connect(db)
    try:
        assert conn.execute(
            "SELECT nominee, criterion, score FROM scores ORDER BY 1, 2"
        ).fetchall() == [
            ("bank", "compliance", 4.5),
            ("lotim", "coverage", 3.0),
            ("lotim", "regulation", 4.0),
        ]
        assert conn.execute("SELECT nominee FROM recusals").fetchall() == [("klu",)]
    finally:
        conn.close()


def test_an_indonesian_round_prints_in_indonesian(
    make_round: RoundFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PANEL_TUI_LANG")
    folder = make_round("id")
    page, template = sheets(folder, tmp_path, "--assessor", "a2")
    assert '<html lang="id">' in page
    assert "Saya mengundurkan diri" in page
    assert "bobot 40%" in page
    assert template.splitlines()[0] == "assessor;nominee;criterion;score;note"
    # asked for English, the same round prints in English
    english, _template = sheets(folder, tmp_path, "--assessor", "a2", lang="en")
    assert '<html lang="en">' in english and "I recuse myself" in english


def test_refusals(make_round: RoundFactory, tmp_path: Path) -> None:
    folder = make_round()
    unknown = run_cli("sheets", folder, "--assessor", "a9", "--out", tmp_path / "s.html")
    assert unknown.exit_code == 1
    assert "unknown assessor 'a9': the panel of test-2025 is a1" in unknown.output
    broken = tmp_path / "broken"
    broken.mkdir()
    result = run_cli("sheets", broken, "--out", tmp_path / "s.html")
    assert result.exit_code == 1
    assert "round.toml" in result.output
    nowhere = run_cli("sheets", folder, "--out", tmp_path / "no" / "s.html")
    assert nowhere.exit_code == 1
    assert "no such folder" in nowhere.output
    assert not (tmp_path / "s.html").exists()


def test_an_assessor_named_twice_gets_one_set_of_sheets(
    make_round: RoundFactory, tmp_path: Path
) -> None:
    # Twice the pages and every template row twice: typed back, each row "appears twice".
    once, twice = tmp_path / "once.csv", tmp_path / "twice.csv"
    folder = make_round()
    run_cli("sheets", folder, "--assessor", "a1", "--out", tmp_path / "1.html", "--template", once)
    result = run_cli(
        "sheets",
        folder,
        *["--assessor", "a1"] * 2,
        "--out",
        tmp_path / "2.html",
        "--template",
        twice,
    )
    assert result.exit_code == 0
    assert twice.read_bytes() == once.read_bytes()
    assert (tmp_path / "2.html").read_bytes() == (tmp_path / "1.html").read_bytes()


def test_a_template_that_cannot_be_written_leaves_no_sheets_either(
    make_round: RoundFactory, tmp_path: Path
) -> None:
    # The sheets were written, then the template refused: exit 1 with half the output there.
    out = tmp_path / "s.html"
    result = run_cli("sheets", make_round(), "--out", out, "--template", tmp_path / "no" / "t.csv")
    assert result.exit_code == 1
    assert "no such folder" in result.output
    assert not out.exists()


@pytest.mark.parametrize("which", ["--out", "--template"])
def test_an_output_that_is_no_regular_file_is_refused_and_left_alone(
    make_round: RoundFactory, tmp_path: Path, which: str
) -> None:
    # A FIFO (or, for root, a device such as /dev/full) was renamed over: replaced by a file.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    targets = {"--out": tmp_path / "s.html", "--template": tmp_path / "t.csv", which: fifo}
    args = [part for pair in targets.items() for part in pair]
    result = run_cli("sheets", make_round(), *args)
    assert result.exit_code == 1
    assert f"{fifo}: not a regular file" in result.output
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "round0") == ["pipe"]


def test_the_compact_sheet_has_every_nominee_of_an_assessor_and_the_template_follows_it(
    make_round: RoundFactory, tmp_path: Path
) -> None:
    # klu (pemkab) comes after bank (bu) on the agenda: the grid groups it with lotim
    nominees = SMALL_NOMINEES.replace("klu,Pemkab Lombok Utara,pemkab,Bupati,09:30,2", "")
    nominees += f'klu,"{HOSTILE}",pemkab,Bupati,2025-07-15 11:00,2\n'
    folder = make_round(nominees=nominees)
    out = tmp_path / "compact.html"
    template = tmp_path / "template.csv"
    result = run_cli("sheets", folder, "--compact", "--out", out, "--template", template)
    assert result.exit_code == 0, result.output
    assert "wrote 2 sheet(s)" in result.output
    page = out.read_text(encoding="utf-8")
    assert page.count('<section class="sheet compact">') == 2
    assert "PT &lt;b&gt;Maju&lt;/b&gt; &amp; [Persero] =1+1" in page
    first = page.split('<section class="sheet compact">')[1]
    assert [int(n) for n in re.findall(r'<span class="ln">(\d+)</span>', first)] == list(
        range(2, 8)
    )
    records = list(csv.reader(io.StringIO(template.read_text(encoding="utf-8-sig"))))
    assert [r[1:3] for r in records[1:7]] == [
        ["lotim", "regulation"],
        ["lotim", "coverage"],
        ["klu", "regulation"],
        ["klu", "coverage"],
        ["bank", "compliance"],
        ["bank", "innovation"],
    ]
    assert [r[0] for r in records[1:]] == ["a1"] * 6 + ["a2"] * 6
