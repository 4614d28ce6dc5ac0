""" "Saved" and "recorded N" only for rows read back from the file; merge's "+N" is the rows
OUT holds. A trigger is refused when a file is opened for writing; one added by another
program while the file is open (after that check) cannot make a lost write look saved."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from fixtures.databases import build_db
from panel_tui.domain.problems import PanelError
from panel_tui.secretariat.merge.driver import merge
from panel_tui.storage.store import Store

DROP_SCORES = (
    "CREATE TRIGGER drop_scores BEFORE INSERT ON score_events WHEN NEW.kind = 'score'"
    " BEGIN SELECT RAISE(IGNORE); END"
)


def _add_trigger(db: Path, sql: str = DROP_SCORES) -> None:
    other = sqlite3.connect(db, isolation_level=None)
    other.execute(sql)
    other.close()


def _events(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        count: int = conn.execute("SELECT COUNT(*) FROM score_events").fetchone()[0]
        return count
    finally:
        conn.close()


def test_a_trigger_added_while_open_cannot_make_a_lost_score_look_saved(tmp_path: Path) -> None:
    db = build_db(tmp_path / "a1.db", "a1", scores=2)
    with Store.open(db) as store:
        store.record_score("lotim", "regulation", 4)
        _add_trigger(db)
        with pytest.raises(PanelError, match=r"not written as given.*nothing was saved"):
            store.record_score("lotim", "regulation", 5)
        store.record_note("lotim", "regulation", "notes still go through")
    assert _events(db) == 4


def test_import_rows_records_nothing_when_rows_do_not_reach_the_file(tmp_path: Path) -> None:
    db = build_db(tmp_path / "a1.db", "a1")
    with Store.open(db) as store:
        _add_trigger(db)
        with pytest.raises(PanelError, match="not written as given"):
            store.import_rows([("lotim", "regulation", 4, "ok"), ("lotim", "innovation", 3, "")])
    assert _events(db) == 0


def test_import_rows_reports_what_is_on_disk(tmp_path: Path) -> None:
    db = build_db(tmp_path / "a1.db", "a1")
    with Store.open(db) as store:
        recorded = store.import_rows(
            [("lotim", "regulation", 4, "ok"), ("lotim", "innovation", 3, "")]
        )
    assert recorded == 2 and _events(db) == 3  # two scores and one note


def test_a_writable_open_refuses_a_trigger(tmp_path: Path) -> None:
    db = build_db(tmp_path / "a1.db", "a1")
    _add_trigger(db)
    with pytest.raises(PanelError, match="unknown trigger drop_scores"):
        Store.open(db)


def test_merge_refuses_a_target_with_a_trigger_and_counts_only_rows_it_holds(
    tmp_path: Path,
) -> None:
    a1 = build_db(tmp_path / "a1.db", "a1", scores=5)
    a2 = build_db(tmp_path / "a2.db", "a2", scores=7)
    out = tmp_path / "out.db"
    first = merge(out, [a1])
    assert first.ok and first.inputs[0].added == _events(out)
    _add_trigger(out, DROP_SCORES.replace("drop_scores", "drop_merged"))
    with pytest.raises(PanelError) as refused:
        merge(out, [a2])
    assert "drop_merged" in str(refused.value) + " ".join(p.message for p in refused.value.problems)
    assert _events(out) == first.inputs[0].added
