"""Blind double entry: `import-scores DB FIRST --confirm SECOND`, nothing recorded unless the
two typings of one paper sheet agree cell for cell."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from fixtures.commands import run_cli_process
from fixtures.core_helpers import run_cli, write_xlsx
from fixtures.databases import MakeDb
from fixtures.rounds import RoundFactory

HEADER = "assessor,nominee,criterion,score,note\n"
TYPISTS = ("--entered-by", "Ani", "--confirmed-by", "Budi")


def events(db: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT kind, nominee, criterion, value, note, reason FROM score_events ORDER BY seq"
        ).fetchall()
    finally:
        conn.close()


def write(path: Path, body: str) -> Path:
    path.write_text(HEADER + body)
    return path


def test_agreeing_typings_in_any_order_are_recorded_with_who_typed_them(
    db: Path, tmp_path: Path
) -> None:
    first = write(
        tmp_path / "ani.csv",
        "a1,lotim,regulation,4,Perda covers village apparatus\n"
        "a1,lotim,coverage,5,\n"
        "a1,klu,,R,my brother is the regent\n",
    )
    # the second typist types in another order, writes 5,0 for 5, and leaves stray spaces
    second = write(
        tmp_path / "budi.csv",
        "a1 , klu ,, r , my brother is the regent\n"
        'a1,lotim,coverage,"5.0",\n'
        "a1,lotim,regulation,4, Perda covers village apparatus \n",
    )
    result = run_cli("import-scores", db, first, "--confirm", second, *TYPISTS)
    assert result.exit_code == 0, result.output
    assert "ani.csv and budi.csv agree cell for cell" in result.output
    assert "recorded 2 score(s)" in result.output
    recorded = events(db)
    assert [e[:5] for e in recorded] == [
        ("recuse", "klu", None, None, None),
        ("score", "lotim", "regulation", 4.0, None),
        ("score", "lotim", "coverage", 5.0, None),
        ("note", "lotim", "regulation", None, "Perda covers village apparatus"),
    ]
    provenance = str(recorded[1][5])
    for part in (
        "blind double entry",
        f"ani.csv sha256 {hashlib.sha256(first.read_bytes()).hexdigest()} typed by Ani",
        f"budi.csv sha256 {hashlib.sha256(second.read_bytes()).hexdigest()} typed by Budi",
    ):
        assert part in provenance
    assert recorded[3][5] == provenance  # the note's event says where it came from too
    assert recorded[0][5] == "my brother is the regent"
    assert run_cli("verify", db).exit_code == 0


def test_every_disagreement_and_missing_row_is_listed_and_nothing_recorded(
    db: Path, tmp_path: Path
) -> None:
    first = write(
        tmp_path / "ani.csv",
        "a1,lotim,regulation,4,strong Perda\n"  # 2
        "a1,lotim,coverage,5,\n"  # 3
        "a1,bank,compliance,3.5,\n"  # 4: missing from the second
        "a1,bank,innovation,,\n",  # 5: blank here, typed there
    )
    second = write(
        tmp_path / "budi.csv",
        "a1,lotim,coverage,3,\n"  # 2: 3 against 5
        "a1,lotim,regulation,4,strong perda\n"  # 3: the note differs
        "a1,bank,innovation,2,\n"  # 4
        "a1,klu,regulation,4,\n",  # 5: missing from the first
    )
    result = run_cli("import-scores", db, first, "--confirm", second, *TYPISTS)
    assert result.exit_code == 1
    out = result.output
    assert "ani.csv and budi.csv disagree or have errors; nothing was recorded" in out
    for line in (
        "ani.csv:3 (score): lotim/coverage: '5' here, '3' in budi.csv:2",
        "ani.csv:2 (note): lotim/regulation: 'strong Perda' here, 'strong perda' in budi.csv:3",
        "ani.csv:4 (nominee): bank/compliance is in ani.csv but missing from budi.csv",
        "ani.csv:5 (score): bank/innovation: '' here, '2' in budi.csv:4",
        "budi.csv:5 (nominee): klu/regulation is in budi.csv but missing from ani.csv",
    ):
        assert line in out, f"{line!r} not in:\n{out}"
    assert events(db) == []


def test_xlsx_against_csv_cites_cells(db: Path, tmp_path: Path) -> None:
    first = write_xlsx(
        tmp_path / "ani.xlsx",
        [
            ["assessor", "nominee", "criterion", "score", "note"],
            ["a1", "lotim", "regulation", 4, None],
            ["a1", "bank", "compliance", 4.5, None],
        ],
    )
    second = write(tmp_path / "budi.csv", "a1,lotim,regulation,4,\na1,bank,compliance,4,\n")
    result = run_cli("import-scores", db, first, "--confirm", second, *TYPISTS)
    assert result.exit_code == 1
    assert "ani.xlsx!D3 (score): bank/compliance: '4.5' here, '4' in budi.csv:3" in result.output
    assert events(db) == []
    second.write_text(HEADER + "a1,bank,compliance,4.5,\na1,lotim,regulation,4,\n")
    result = run_cli("import-scores", db, first, "--confirm", second, *TYPISTS)
    assert result.exit_code == 0, result.output
    assert len(events(db)) == 2


def test_errors_of_agreeing_typings_are_still_refused(db: Path, tmp_path: Path) -> None:
    body = "a1,lotim,regulation,9,\n"
    first = write(tmp_path / "ani.csv", body)
    second = write(tmp_path / "budi.csv", body + "\n")
    result = run_cli("import-scores", db, first, "--confirm", second, *TYPISTS)
    assert result.exit_code == 1
    assert "ani.csv:2 (score): 9 is outside the scale" in result.output
    assert events(db) == []


def test_who_typed_is_required_and_must_be_two_people(db: Path, tmp_path: Path) -> None:
    first = write(tmp_path / "ani.csv", "a1,lotim,regulation,4,\n")
    second = write(tmp_path / "budi.csv", "a1,lotim,regulation,4,\n\n")
    missing = run_cli("import-scores", db, first, "--confirm", second, "--entered-by", "Ani")
    assert missing.exit_code == 1
    assert "needs --entered-by and --confirmed-by" in missing.output
    one_person = ("--entered-by", "Ani", "--confirmed-by", " ani ")
    same = run_cli("import-scores", db, first, "--confirm", second, *one_person)
    assert same.exit_code == 1
    assert "must be by someone else" in same.output
    copy = tmp_path / "copy.csv"
    copy.write_bytes(first.read_bytes())
    twice = run_cli("import-scores", db, first, "--confirm", copy, *TYPISTS)
    assert twice.exit_code == 1
    assert "are the same file" in twice.output
    alone = run_cli("import-scores", db, first, "--entered-by", "Ani")
    assert alone.exit_code == 2
    assert events(db) == []


def test_a_typist_name_that_cannot_be_stored_is_refused_by_its_option(
    db: Path, tmp_path: Path
) -> None:
    first = write(tmp_path / "ani.csv", "a1,lotim,regulation,4,\n")
    second = write(tmp_path / "budi.csv", "a1,lotim,regulation,4,\n\n")
    for option, name, problem in [
        ("--entered-by", "Ani\x1b[2J", "has characters that cannot be saved"),
        ("--confirmed-by", "Budi\u202e", "contains the bidirectional control character U+202E"),
    ]:
        names = {"--entered-by": "Ani", "--confirmed-by": "Budi", option: name}
        typists = [part for pair in names.items() for part in pair]
        result = run_cli("import-scores", db, first, "--confirm", second, *typists)
        assert result.exit_code == 1
        # the option the text came from, not "the reason" it would have been stored in
        assert f"the {option} {problem}" in result.output, result.output
        assert "reason" not in result.output
    assert events(db) == []


@pytest.mark.parametrize("which", ["first", "second"])
def test_a_typing_that_is_no_regular_file_is_refused_at_once(
    db: Path, tmp_path: Path, which: str
) -> None:
    # The two files were hashed (to tell a copy) before either was read as a sheet: a FIFO
    # waited for a writer, a link to /dev/zero was hashed for ever.
    sheets = {
        "first": write(tmp_path / "ani.csv", "a1,lotim,regulation,4,\n"),
        "second": write(tmp_path / "budi.csv", "a1,lotim,regulation,4,\n\n"),
    }
    odd = sheets[which]
    odd.unlink()
    if which == "first":
        os.mkfifo(odd)
    else:
        odd.symlink_to("/dev/zero")
    done = run_cli_process(
        "import-scores", db, sheets["first"], "--confirm", sheets["second"], *TYPISTS, timeout=20
    )
    assert done.returncode == 1
    assert f"{odd.name}: not a file" in done.stderr
    assert events(db) == []


def test_a_second_typing_of_a_recorded_sheet_records_nothing(db: Path, tmp_path: Path) -> None:
    first = write(tmp_path / "ani.csv", "a1,lotim,regulation,4,\na1,lotim,coverage,2,\n")
    second = write(tmp_path / "budi.csv", "a1,lotim,coverage,2,\na1,lotim,regulation,4,\n")
    assert run_cli("import-scores", db, first, "--confirm", second, *TYPISTS).exit_code == 0
    again = run_cli("import-scores", db, first, "--confirm", second, *TYPISTS)
    assert again.exit_code == 0
    assert "0 changes, 2 already recorded" in again.output
    assert len(events(db)) == 2


def test_an_xlsx_number_agrees_with_the_same_score_typed_the_indonesian_way(
    make_db: MakeDb, make_round: RoundFactory, tmp_path: Path
) -> None:
    db = make_db(round_dir=make_round("id"))
    first = write_xlsx(
        tmp_path / "ani.xlsx",
        [["assessor", "nominee", "criterion", "score"], ["a1", "bank", "compliance", 4.5]],
    )
    second = tmp_path / "budi.csv"
    second.write_text("assessor;nominee;criterion;score\na1;bank;compliance;4,5\n")
    result = run_cli("import-scores", db, first, "--confirm", second, *TYPISTS)
    assert result.exit_code == 0, result.output
    second.write_text("assessor;nominee;criterion;score\na1;bank;compliance;4\n")
    result = run_cli("import-scores", db, first, "--confirm", second, *TYPISTS)
    assert result.exit_code == 1
    assert "ani.xlsx!D2 (score): bank/compliance: '4,5' here, '4' in budi.csv:2" in result.output


def test_a_row_typed_twice_in_the_second_typing_is_refused(db: Path, tmp_path: Path) -> None:
    first = write(tmp_path / "ani.csv", "a1,lotim,regulation,4,\n")
    second = write(tmp_path / "budi.csv", "a1,lotim,regulation,4,\na1,lotim,regulation,2,\n")
    result = run_cli("import-scores", db, first, "--confirm", second, *TYPISTS)
    assert result.exit_code == 1
    assert "budi.csv:3 (criterion): lotim/regulation appears twice (first at 2)" in result.output
    assert events(db) == []
