"""`panel-tui import-scores`: typed-in paper score sheets, every row checked, all or nothing."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import cast

import pytest

from fixtures.commands import run_cli_process
from fixtures.core_helpers import run_cli, write_xlsx
from fixtures.databases import MakeDb
from fixtures.rounds import RoundFactory
from panel_tui.assessor.score_import import import_scores
from panel_tui.domain.problems import PanelError
from panel_tui.round_package.grid import MAX_BYTES
from panel_tui.storage.store import Store

HEADER = "assessor,nominee,criterion,score,note\n"


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def event_count(db: Path) -> int:
    return int(cast(int, rows(db, "SELECT COUNT(*) FROM score_events")[0][0]))


def scores(db: Path) -> list[tuple[object, ...]]:
    return rows(db, "SELECT assessor, nominee, criterion, score FROM scores ORDER BY 2, 3")


def test_csv_round_trip(db: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "paper.csv"
    sheet.write_text(
        HEADER
        + "a1,lotim,regulation,4,Perda covers village apparatus\n"
        + "a1,lotim,coverage,5,\n"
        + 'a1,bank,compliance,3.5,"all four programmes, all staff"\n'
        + "a1,bank,innovation,2,\n"
    )
    result = run_cli("import-scores", db, sheet)
    assert result.exit_code == 0, result.output
    assert "recorded 4 score(s) from paper.csv" in result.output
    assert scores(db) == [
        ("a1", "bank", "compliance", 3.5),
        ("a1", "bank", "innovation", 2.0),
        ("a1", "lotim", "coverage", 5.0),
        ("a1", "lotim", "regulation", 4.0),
    ]
    assert rows(db, "SELECT nominee, criterion, note FROM notes ORDER BY 1") == [
        ("bank", "compliance", "all four programmes, all staff"),
        ("lotim", "regulation", "Perda covers village apparatus"),
    ]
    with Store.open(db) as store:
        assert store.sheet("lotim").scores == {"regulation": 4.0, "coverage": 5.0}
        assert store.sheet("lotim").notes == {"regulation": "Perda covers village apparatus"}
    assert run_cli("verify", db).exit_code == 0


def test_a_later_sheet_replaces_earlier_scores_only_with_a_reason(db: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "paper.csv"
    sheet.write_text(HEADER + "a1,lotim,regulation,4,\n" + "a1,lotim,coverage,3,\n")
    assert run_cli("import-scores", db, sheet).exit_code == 0
    sheet.write_text(HEADER + "a1,lotim,regulation,2,\n" + "a1,lotim,coverage,3,\n")
    refused = run_cli("import-scores", db, sheet)
    assert refused.exit_code == 1
    assert "paper.csv corrects recorded scores" in refused.output
    assert "--reason" in refused.output
    assert "paper.csv:2 (score): lotim/regulation: 4 → 2" in refused.output
    assert "coverage" not in refused.output  # unchanged cells are not corrections
    assert event_count(db) == 2
    result = run_cli("import-scores", db, sheet, "--reason", "typo: the paper says 2")
    assert result.exit_code == 0, result.output
    assert "changed lotim/regulation: 4 → 2" in result.output
    assert "1 already recorded" in result.output
    assert scores(db) == [("a1", "lotim", "coverage", 3.0), ("a1", "lotim", "regulation", 2.0)]
    assert rows(db, "SELECT reason FROM score_events ORDER BY seq DESC LIMIT 1") == [
        ("typo: the paper says 2; imported score sheet",)
    ]
    assert event_count(db) == 3


def test_reimporting_a_sheet_records_nothing(db: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "paper.csv"
    sheet.write_text(
        HEADER
        + "a1,lotim,regulation,4,strong Perda\n"
        + "a1,lotim,coverage,5,\n"
        + "a1,klu,,R,my brother is the regent\n"
    )
    assert run_cli("import-scores", db, sheet).exit_code == 0
    before = event_count(db)
    again = run_cli("import-scores", db, sheet)
    assert again.exit_code == 0, again.output
    assert "0 changes, 3 already recorded" in again.output
    assert event_count(db) == before
    assert run_cli("verify", db).exit_code == 0


def test_a_paper_recusal_is_recorded_and_counts_in_the_tally(db: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "paper.csv"
    sheet.write_text(
        HEADER
        + "a1,lotim,regulation,4,\n"
        + "a1,lotim,coverage,4,\n"
        + "a1,klu,coverage,r,my brother is the regent\n"  # R on any criterion's line
        + "a1,klu,regulation,,\n"  # the other box left blank
    )
    result = run_cli("import-scores", db, sheet)
    assert result.exit_code == 0, result.output
    assert "recorded a recusal from klu" in result.output
    assert "1 blank row(s) skipped" in result.output
    with Store.open(db) as store:
        held = store.sheet("klu")
        assert held.recused and held.recusal_reason == "my brother is the regent"
        assert held.scores == {}
    assert rows(db, "SELECT nominee FROM recusals") == [("klu",)]
    tally = run_cli("tally", db, "--format", "json")
    assert tally.exit_code == 0, tally.output
    import json

    data = json.loads(tally.stdout)
    by_id = {r["nominee"]: r for c in data["categories"] for r in c["results"]}
    assert by_id["klu"]["assessors"] == 0  # the recused assessor does not count
    assert by_id["lotim"]["assessors"] == 1


def test_a_sheet_that_recuses_and_scores_a_nominee_is_refused(db: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "paper.csv"
    sheet.write_text(
        HEADER
        + "a1,klu,,R,my brother is the regent\n"
        + "a1,klu,coverage,4,\n"
        + "a1,lotim,,R,\n"  # no reason
    )
    result = run_cli("import-scores", db, sheet)
    assert result.exit_code == 1
    assert "paper.csv:3 (score): the sheet both recuses from and scores klu (see line 2)" in (
        result.output
    )
    assert "paper.csv:4 (note): a recusal (R) needs its reason" in result.output
    assert event_count(db) == 0


def test_one_mistake_on_every_row_is_one_message(db: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "paper.csv"
    body = "".join(f"a2,{n},{c},3,\n" for n in ("lotim", "klu") for c in ("regulation", "coverage"))
    sheet.write_text(HEADER + body + "a2,ghost,coverage,3,\n")
    result = run_cli("import-scores", db, sheet)
    assert result.exit_code == 1
    out = result.output
    assert out.count("is not this database's assessor") == 1
    assert (
        "paper.csv:2 (assessor): 'a2' is not this database's assessor (a1)"
        " (the same on 5 rows: 2–6)"
    ) in out
    assert "paper.csv:6 (nominee): unknown nominee 'ghost'" in out


def test_xlsx_round_trip(db: Path, tmp_path: Path) -> None:
    sheet = write_xlsx(
        tmp_path / "paper.xlsx",
        [
            ["Assessor", "Nominee", "Criterion", "Score", "Note"],
            ["a1", "lotim", "regulation", 4, "strong Perda"],
            ["a1", "bank", "compliance", 4.5, None],
            ["a1", "bank", "innovation", "3.5", None],  # typed as text
        ],
    )
    result = run_cli("import-scores", db, sheet)
    assert result.exit_code == 0, result.output
    assert scores(db) == [
        ("a1", "bank", "compliance", 4.5),
        ("a1", "bank", "innovation", 3.5),
        ("a1", "lotim", "regulation", 4.0),
    ]
    assert rows(db, "SELECT note FROM notes") == [("strong Perda",)]


def test_indonesian_half_point(make_db: MakeDb, make_round: RoundFactory, tmp_path: Path) -> None:
    db = make_db(round_dir=make_round("id"))
    sheet = tmp_path / "lembar.csv"
    sheet.write_text("assessor;nominee;criterion;score\na1;bank;compliance;4,5\n")
    assert run_cli("import-scores", db, sheet).exit_code == 0
    assert scores(db) == [("a1", "bank", "compliance", 4.5)]
    # under "id" a decimal point is refused, never read as 45 or 4.5
    sheet.write_text("assessor;nominee;criterion;score\na1;bank;innovation;4.5\n")
    result = run_cli("import-scores", db, sheet)
    assert result.exit_code == 1
    assert "lembar.csv:2 (score): '4.5' is not a number" in result.output


@pytest.mark.parametrize(
    "written", ["3%", "IDR 3", "0.003 thousand", "\uff13", "\u0663", "3\u00a0%"]
)
def test_a_score_is_a_number_alone_never_an_amount_or_a_percentage(
    db: Path, tmp_path: Path, written: str
) -> None:
    # Each of these is a number (3) to parse_number, as a claim's value; on a score sheet
    # it is a slip (a figure copied from the wrong column, another script's digit).
    sheet = tmp_path / "paper.csv"
    sheet.write_text(HEADER + f'a1,lotim,regulation,"{written}",\n', encoding="utf-8")
    before = event_count(db)
    result = run_cli("import-scores", db, sheet)
    assert result.exit_code == 1, result.output
    assert f"paper.csv:2 (score): {written!r} is not a score" in result.output
    assert event_count(db) == before
    # written plainly, with a sign or spaces, the same score is taken
    sheet.write_text(HEADER + "a1,lotim,regulation, +3.0 ,\n", encoding="utf-8")
    assert run_cli("import-scores", db, sheet).exit_code == 0
    assert scores(db) == [("a1", "lotim", "regulation", 3.0)]


def test_an_xlsx_score_formatted_as_a_percentage_is_no_score(db: Path, tmp_path: Path) -> None:
    # Excel shows 0.04 formatted as a percentage as 4%, which panel-tui reads as 4 (as for a
    # claim): typed as text, "4%" is refused as no score; as a cell, it was recorded as 4.
    from openpyxl import load_workbook

    sheet = write_xlsx(
        tmp_path / "paper.xlsx",
        [("assessor", "nominee", "criterion", "score"), ("a1", "lotim", "regulation", 0.04)],
    )
    workbook = load_workbook(sheet)
    assert workbook.active is not None
    workbook.active["D2"].number_format = "0%"
    workbook.save(sheet)
    before = event_count(db)
    result = run_cli("import-scores", db, sheet)
    assert result.exit_code == 1, result.output
    assert "paper.xlsx!D2 (score): '4%' is not a score" in result.output
    assert event_count(db) == before


def test_an_unknown_column_of_a_sheet_is_named_not_dropped_in_silence(
    db: Path, tmp_path: Path
) -> None:
    # "catatan" (note, in Indonesian) was ignored without a word: the notes typed were lost.
    sheet = tmp_path / "paper.csv"
    sheet.write_text("assessor,nominee,criterion,score,catatan\na1,lotim,regulation,3,penting\n")
    result = run_cli("import-scores", db, sheet)
    assert result.exit_code == 0, result.output
    assert "warning: paper.csv:1 (catatan): unknown column, ignored" in result.output
    assert scores(db) == [("a1", "lotim", "regulation", 3.0)]


def test_every_row_is_checked_and_nothing_is_recorded(db: Path, tmp_path: Path) -> None:
    with Store.open(db) as store:
        store.recuse("klu", "my sister-in-law works in the regent's office")
        store.record_score("lotim", "coverage", 3)
    before = event_count(db)
    sheet = tmp_path / "paper.csv"
    sheet.write_text(
        HEADER
        + "a1,lotim,regulation,4,\n"  # 2: fine on its own
        + "a1,ghost,regulation,4,\n"  # 3: unknown nominee
        + "a1,lotim,budget,4,\n"  # 4: unknown criterion
        + "a1,lotim,coverage,6,\n"  # 5: out of scale
        + "a1,lotim,coverage,3.5,\n"  # 6: off step (pemda is integer)
        + "a1,bank,compliance,4.25,\n"  # 7: off step (usaha has half points)
        + "a2,bank,innovation,4,\n"  # 8: another assessor
        + "a1,klu,regulation,4,\n"  # 9: recused
        + "a1,lotim,regulation,5,\n"  # 10: duplicate of line 2
        + "a1,bank,innovation,,see the annex\n"  # 11: a note without a score
        + "a1,bank,innovation,good,\n"  # 12: not a number
        + "a1,bank,compliance,0,\n"  # 13: below the scale
    )
    result = run_cli("import-scores", db, sheet)
    assert result.exit_code == 1
    out = result.output
    assert "nothing was recorded" in out
    expected = [
        "paper.csv:3 (nominee): unknown nominee 'ghost'",
        "paper.csv:4 (criterion): 'budget' is not a criterion of lotim",
        "paper.csv:5 (score): 6 is outside the scale 1–5",
        "paper.csv:6 (score): 3.5 is not a step of the scale 1–5",
        "paper.csv:7 (score): 4.25 is not a step of the scale 1–5, step 0.5",
        "paper.csv:8 (assessor): 'a2' is not this database's assessor (a1)",
        "paper.csv:9 (nominee): the assessor is recused from klu",
        "paper.csv:10 (criterion): lotim/regulation appears twice (first at 2)",
        "paper.csv:11 (score): empty",
        "paper.csv:12 (score): 'good' is not a number",
        "paper.csv:13 (score): 0 is outside the scale",
    ]
    for line in expected:
        assert line in out, f"{line!r} not in:\n{out}"
    assert "paper.csv:2 " not in out
    # all or nothing: the good row was not recorded either
    assert event_count(db) == before
    assert scores(db) == [("a1", "lotim", "coverage", 3.0)]


def test_xlsx_errors_cite_the_cell(db: Path, tmp_path: Path) -> None:
    sheet = write_xlsx(
        tmp_path / "paper.xlsx",
        [
            ["assessor", "nominee", "criterion", "score"],
            ["a1", "lotim", "regulation", 4],
            ["a1", "lotim", "coverage", 7],
            ["a1", "lotim", "budget", 3],
        ],
    )
    result = run_cli("import-scores", db, sheet)
    assert result.exit_code == 1
    assert "paper.xlsx!D3 (score): 7 is outside the scale" in result.output
    assert "paper.xlsx!C4 (criterion)" in result.output
    assert event_count(db) == 0


def test_a_final_sheet_is_corrected_only_with_a_reason_and_visibly(
    db: Path, tmp_path: Path
) -> None:
    with Store.open(db) as store:
        store.record_score("lotim", "regulation", 3)
        store.record_score("lotim", "coverage", 4)
        store.finalise("lotim")
    sheet = tmp_path / "paper.csv"
    sheet.write_text(HEADER + "a1,lotim,regulation,4,\n" + "a1,lotim,coverage,4,\n")
    result = run_cli("import-scores", db, sheet)
    assert result.exit_code == 1
    assert "paper.csv:2 (nominee): the sheet of lotim is final" in result.output
    assert "paper.csv:2 (score): lotim/regulation: 3 → 4" in result.output
    assert event_count(db) == 3
    result = run_cli("import-scores", db, sheet, "--reason", "panel corrected on paper")
    assert result.exit_code == 0, result.output
    assert "reopened and finalised again the sheet of lotim" in result.output
    # the correction is in the trail: reopen (why), the score, finalise again
    assert rows(db, "SELECT kind, criterion, value, reason FROM score_events WHERE seq > 3") == [
        ("reopen", None, None, "panel corrected on paper"),
        ("score", "regulation", 4.0, "panel corrected on paper; imported score sheet"),
        ("finalise", None, None, None),
    ]
    with Store.open(db) as store:
        assert store.sheet("lotim").final
    # a final sheet re-imported unchanged needs no reason
    assert "0 changes, 2 already recorded" in run_cli("import-scores", db, sheet).output


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("paper.csv", "assessor,nominee,score\na1,lotim,4\n", "(criterion): required column"),
        ("paper.csv", "", "empty"),
        ("paper.csv", HEADER, "no score rows"),
        ("paper.txt", HEADER + "a1,lotim,regulation,4,\n", "expected a .csv or .xlsx"),
        ("paper.xlsx", "not a workbook", "not an XLSX"),
    ],
)
def test_unreadable_sheets(db: Path, tmp_path: Path, name: str, content: str, message: str) -> None:
    sheet = tmp_path / name
    sheet.write_text(content)
    result = run_cli("import-scores", db, sheet)
    assert result.exit_code == 1
    assert message in result.output
    assert event_count(db) == 0


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_sheet_that_is_no_regular_file_is_refused_at_once(
    db: Path, tmp_path: Path, kind: str
) -> None:
    # Read whole, a FIFO waited for a writer and /dev/zero filled the memory: no answer ever.
    sheet = tmp_path / "paper.csv"
    if kind == "fifo":
        os.mkfifo(sheet)
    else:
        sheet.symlink_to("/dev/zero")
    before = event_count(db)
    done = run_cli_process("import-scores", db, sheet, timeout=20)
    assert done.returncode == 1
    assert "paper.csv: not a file" in done.stderr
    assert event_count(db) == before
    # a regular file past the size limit is still refused by its size, unread
    sheet.unlink()
    with sheet.open("wb") as sparse:
        sparse.truncate(MAX_BYTES + 1)
    result = run_cli("import-scores", db, sheet)
    assert result.exit_code == 1
    assert f"paper.csv: file is {MAX_BYTES + 1} bytes: too large" in result.output


def test_bad_database_and_usage(db: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "paper.csv"
    sheet.write_text(HEADER + "a1,lotim,regulation,4,\n")
    not_db = tmp_path / "notes.txt"
    not_db.write_text("hello")
    result = run_cli("import-scores", not_db, sheet)
    assert result.exit_code == 1
    assert "not an SQLite file" in result.output
    assert run_cli("import-scores", tmp_path / "missing.db", sheet).exit_code == 2
    assert run_cli("import-scores", db).exit_code == 2


def test_import_scores_api_raises_panel_error(db: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "paper.csv"
    sheet.write_text(HEADER + "a1,lotim,regulation,9,\n")
    with pytest.raises(PanelError) as info:
        import_scores(db, sheet)
    assert [(p.file, p.line, p.field) for p in info.value.problems] == [("paper.csv", 2, "score")]
    sheet.write_text(HEADER + "a1,lotim,regulation,4,\n")
    assert import_scores(db, sheet) == 1
    assert import_scores(db, sheet) == 0  # already recorded


def test_recording_replans_under_the_write_lock(db: Path) -> None:
    """The app may recuse or finalise between the import's check and its write."""
    from panel_tui.domain.paper import PaperRow

    rows_ = [PaperRow(2, "lotim", "regulation", 4.0, "")]
    with Store.open(db) as store:
        store.finalise("lotim")
        with pytest.raises(PanelError, match="changed meanwhile"):
            store.record_paper_sheet(rows_)
        store.reopen("lotim", "back to scoring")
        store.recuse("lotim", "conflict found")
        with pytest.raises(PanelError, match="recused meanwhile"):
            store.record_paper_sheet(rows_)
        assert store.sheet("lotim").scores == {}
        store.withdraw_recusal("lotim")
        found = store.record_paper_sheet(rows_)
        assert [r.criterion for r in found.scores] == ["regulation"]
        assert store.record_paper_sheet(rows_).writes == 0
    assert event_count(db) == 5


def test_an_xlsx_correction_names_the_cell(db: Path, tmp_path: Path) -> None:
    with Store.open(db) as store:
        store.record_score("bank", "compliance", 4.5)
    sheet = write_xlsx(
        tmp_path / "paper.xlsx",
        [["assessor", "nominee", "criterion", "score"], ["a1", "bank", "compliance", 3]],
    )
    result = run_cli("import-scores", db, sheet)
    assert result.exit_code == 1
    assert "paper.xlsx!D2 (score): bank/compliance: 4.5 → 3" in result.output


def test_a_repeated_mistake_names_its_lines_as_runs(db: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "paper.csv"
    cells = [("lotim", "regulation"), ("lotim", "coverage"), ("klu", "regulation")]
    body = "".join(f"a2,{n},{c},3,\n" for n, c in cells)
    sheet.write_text(HEADER + body + "a1,klu,coverage,,\n" + "a2,bank,compliance,3,\n")
    result = run_cli("import-scores", db, sheet)
    assert result.exit_code == 1
    assert "(a1) (the same on 4 rows: 2–4, 6)" in result.output
