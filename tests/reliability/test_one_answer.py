"""One file, one answer: edits of a merged file with plain SQL that change what a reader would
report are caught by `verify` and refused by `tally` (issue: "one file, one answer")."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from fixtures.commands import run_cli
from fixtures.databases import build_db, demo_round_dir
from panel_tui.assessor.score_import import import_scores
from panel_tui.assessor.setup import init_assessor_db
from panel_tui.domain.problems import PanelError
from panel_tui.secretariat.merge.driver import merge
from panel_tui.secretariat.tally import tally_database
from panel_tui.secretariat.verify.database import verify_database
from panel_tui.storage.projection import disagreements, fold
from panel_tui.storage.store import Store


def _sheet(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    path.write_text(
        "assessor,nominee,criterion,score\n" + "".join(f"a1,{n},{c},{v}\n" for n, c, v in rows)
    )
    return path


@pytest.fixture
def merged_and_second_chain(tmp_path: Path) -> tuple[Path, Path]:
    """A merged file of a1 and a2, and another real database of a1 (init + import-scores)
    scoring two cells differently."""
    first = build_db(tmp_path / "a1.db", "a1", scores=6, seed=2)
    out = tmp_path / "hasil.db"
    assert merge(out, [first, build_db(tmp_path / "a2.db", "a2", scores=6, seed=3)]).ok
    with Store.open(first, readonly=True) as store:
        cells = [
            (nominee, criterion, value)
            for nominee, sheet in sorted(store.sheets().items())
            for criterion, value in sorted(sheet.scores.items())
        ][:2]
    assert len(cells) == 2
    other = tmp_path / "a1-other.db"
    init_assessor_db(demo_round_dir(), "a1", other)
    rows = [(n, c, "1" if v != 1 else "2") for n, c, v in cells]
    import_scores(other, _sheet(tmp_path / "sheet.csv", rows))
    return out, other


def test_a_second_chain_pasted_in_with_sql_is_refused(
    merged_and_second_chain: tuple[Path, Path],
) -> None:
    out, other = merged_and_second_chain
    conn = sqlite3.connect(out, isolation_level=None)
    conn.execute("ATTACH DATABASE ? AS s", (str(other),))
    conn.execute("INSERT INTO score_events SELECT * FROM s.score_events")
    conn.execute("DETACH DATABASE s")
    conn.close()
    report = verify_database(out)
    text = "\n".join(report.problems)
    assert not report.ok
    assert "two audit chains of assessor a1 disagree on" in text
    assert "has no row in the imports ledger" in text
    with pytest.raises(PanelError, match="does not verify"):
        tally_database(out)
    result = run_cli("tally", out, "--format", "json")
    assert result.exit_code == 1 and '"categories"' not in result.output


def test_a_deleted_ledger_row_is_refused(merged_and_second_chain: tuple[Path, Path]) -> None:
    out, _other = merged_and_second_chain
    conn = sqlite3.connect(out, isolation_level=None)
    conn.execute("DELETE FROM imports WHERE assessor = 'a2'")
    conn.close()
    report = verify_database(out)
    assert not report.ok
    assert any("has no row in the imports ledger" in p for p in report.problems)


def test_a_chain_cut_shorter_than_its_ledger_row_is_refused(
    merged_and_second_chain: tuple[Path, Path],
) -> None:
    out, _other = merged_and_second_chain
    conn = sqlite3.connect(out, isolation_level=None)
    conn.execute(
        "DELETE FROM score_events WHERE assessor = 'a2' AND seq ="
        " (SELECT MAX(seq) FROM score_events WHERE assessor = 'a2')"
    )
    conn.close()
    report = verify_database(out)
    assert not report.ok
    text = "\n".join(report.problems)
    assert "does not hold the head the imports ledger records" in text
    assert "the imports ledger records" in text
    with pytest.raises(PanelError):
        tally_database(out)


def test_a_ledger_row_without_its_chain_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "hasil.db"
    assert merge(out, [build_db(tmp_path / "a1.db", "a1", scores=4)]).ok
    conn = sqlite3.connect(out, isolation_level=None)
    conn.execute(
        "INSERT INTO imports (file, sha256, origin, assessor, events_added, events_known,"
        " chain_length, chain_head, imported_at) VALUES ('x', 'y', 'ghost', 'a2', 3, 0, 3, 'z',"
        " '2025-07-14T00:00:00Z')"
    )
    conn.close()
    assert any("holds none of it" in p for p in verify_database(out).problems)


def test_a_merged_file_panel_tui_wrote_verifies(tmp_path: Path) -> None:
    out = tmp_path / "hasil.db"
    inputs = [
        build_db(tmp_path / f"{a}.db", a, scores=5, seed=i) for i, a in enumerate(("a1", "a2"))
    ]
    assert merge(out, inputs).ok
    assert merge(out, inputs).ok  # again: unchanged, and still verifies
    assert verify_database(out).ok


def test_disagreements_are_every_differing_cell_and_recusal_once() -> None:
    rows = [
        ("o1", "a1", "score", "n1", "c1", 3.0),
        ("o1", "a1", "score", "n1", "c2", 4.0),
        ("o1", "a1", "score", "n1", "c2", None),
        ("o1", "a1", "recuse", "n2", None, None),
        ("o2", "a1", "score", "n1", "c1", 3.0),
        ("o2", "a1", "score", "n1", "c2", 4.0),
        ("o2", "a1", "score", "n2", "c1", 2.0),
        ("o3", "a2", "score", "n1", "c1", 1.0),
    ]
    found = disagreements(fold((r[0], 1, *r[1:], None, None, "", "", "") for r in rows))
    assert [(d.nominee, d.criterion, d.value, d.other_value) for d in found] == [
        ("n1", "c2", None, 4.0),
        ("n2", None, True, False),
    ]
