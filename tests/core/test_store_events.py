"""Store: every change is an event in the hash chain; the views show the current state."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path
from typing import cast

import pytest

from fixtures.rounds import RoundFactory
from panel_tui.domain.problems import PanelError
from panel_tui.round_package.loader import load_round
from panel_tui.storage.chain import event_hash, genesis_hash
from panel_tui.storage.connection import connect
from panel_tui.storage.store import Store


def view(store: Store, sql: str) -> list[tuple[object, ...]]:
    return store.conn.execute(sql).fetchall()


def count(store: Store) -> int:
    return int(store.conn.execute("SELECT COUNT(*) FROM score_events").fetchone()[0])


def test_pragmas_on_every_connection(db: Path) -> None:
    with Store.open(db) as store:
        assert view(store, "PRAGMA synchronous") == [(2,)]  # FULL
        assert view(store, "PRAGMA journal_mode") == [("wal",)]
        assert view(store, "PRAGMA foreign_keys") == [(1,)]
        assert cast(int, view(store, "PRAGMA busy_timeout")[0][0]) >= 1000
    with Store.open(db, readonly=True) as store:
        assert view(store, "PRAGMA synchronous") == [(2,)]
    conn = connect(db)
    try:
        assert conn.execute("PRAGMA synchronous").fetchone() == (2,)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        conn.close()


def test_round_trip_of_every_kind_of_change(db: Path) -> None:
    with Store.open(db) as store:
        store.record_score("lotim", "regulation", 4)
        store.record_score("lotim", "coverage", 5)
        store.record_score("bank", "compliance", 3.5)
        store.record_note("lotim", "regulation", "Perda 5/2024 [draft] covers BPU workers")
        store.record_note("lotim", None, "Regent presented in person")
        store.recuse("klu", "former staff of the regency")
        store.finalise("lotim")
        assert count(store) == 7

    with Store.open(db) as store:  # after closing: it reached the file
        lotim = store.sheet("lotim")
        assert lotim.scores == {"regulation": 4.0, "coverage": 5.0}
        assert lotim.notes == {"regulation": "Perda 5/2024 [draft] covers BPU workers"}
        assert lotim.comment == "Regent presented in person"
        assert lotim.final and not lotim.recused
        klu = store.sheet("klu")
        assert klu.recused and klu.recusal_reason == "former staff of the regency"
        assert store.sheet("bank").scores == {"compliance": 3.5}
        # the set of all sheets says the same as each one
        sheets = store.sheets()
        for nominee in ("lotim", "klu", "bank"):
            assert sheets[nominee] == store.sheet(nominee), nominee

        assert view(store, "SELECT nominee, criterion, score FROM scores ORDER BY 1, 2") == [
            ("bank", "compliance", 3.5),
            ("lotim", "coverage", 5.0),
            ("lotim", "regulation", 4.0),
        ]
        assert view(store, "SELECT nominee, criterion, note FROM notes ORDER BY 1, 2") == [
            ("lotim", None, "Regent presented in person"),
            ("lotim", "regulation", "Perda 5/2024 [draft] covers BPU workers"),
        ]
        assert view(store, "SELECT assessor, nominee, reason FROM recusals") == [
            ("a1", "klu", "former staff of the regency")
        ]
        assert view(store, "SELECT assessor, nominee FROM finalised") == [("a1", "lotim")]

        # a final sheet changes only with a reason; reopening needs one too
        with pytest.raises(PanelError, match="final"):
            store.record_score("lotim", "regulation", 3)
        store.record_score("lotim", "regulation", 3, reason="misheard the Perda number")
        with pytest.raises(PanelError, match="reason"):
            store.reopen("lotim", "  ")
        store.reopen("lotim", "the regent sent the draft Perda")
        store.withdraw_recusal("klu", "the conflict was a misunderstanding")
        store.record_score("klu", "regulation", 2)

        assert view(store, "SELECT nominee FROM finalised") == []
        assert view(store, "SELECT nominee FROM recusals") == []
        assert store.sheet("lotim").scores["regulation"] == 3.0
        assert not store.sheet("lotim").final
        assert store.sheet("klu").scores == {"regulation": 2.0}


def test_clearing_a_score_and_a_note(db: Path) -> None:
    with Store.open(db) as store:
        store.record_score("lotim", "regulation", 4)
        store.record_note("lotim", "regulation", "check the Perda")
        store.record_score("lotim", "regulation", None)
        store.record_note("lotim", "regulation", "")
        assert view(store, "SELECT * FROM scores") == []
        assert view(store, "SELECT * FROM notes") == []
        assert store.sheet("lotim").scores == {}
        assert store.sheet("lotim").notes == {}
        assert store.sheets().get("lotim") is None or store.sheets()["lotim"].scores == {}
        store.record_score("lotim", "regulation", 2)
        assert view(store, "SELECT score FROM scores") == [(2.0,)]
        assert count(store) == 5  # clearing is an event too: nothing is ever deleted


@pytest.mark.parametrize(
    ("nominee", "criterion", "value", "message"),
    [
        ("lotim", "regulation", 6, "outside the scale 1–5"),
        ("lotim", "regulation", 0, "outside the scale"),
        ("lotim", "regulation", -1, "outside the scale"),
        ("lotim", "regulation", 3.5, "not a step of the scale"),
        ("bank", "compliance", 4.25, "not a step of the scale 1–5, step 0.5"),
        ("lotim", "regulation", math.nan, "outside the scale"),
        ("lotim", "regulation", math.inf, "outside the scale"),
        ("ghost", "regulation", 3, "unknown nominee 'ghost'"),
        ("lotim", "compliance", 3, "unknown criterion 'compliance'"),  # another rubric's
    ],
)
def test_record_score_refuses(
    db: Path, nominee: str, criterion: str, value: float, message: str
) -> None:
    with Store.open(db) as store:
        with pytest.raises(PanelError, match=message):
            store.record_score(nominee, criterion, value)
        assert count(store) == 0


def test_recused_assessor_cannot_score(db: Path) -> None:
    with Store.open(db) as store:
        store.recuse("lotim", "conflict of interest")
        with pytest.raises(PanelError, match="recused"):
            store.record_score("lotim", "regulation", 4)
        with pytest.raises(PanelError, match="reason"):
            store.recuse("klu", "")
        with pytest.raises(PanelError, match="unknown nominee"):
            store.record_note("ghost", None, "x")
        assert count(store) == 1


def test_events_form_a_hash_chain(db: Path) -> None:
    with Store.open(db) as store:
        first = store.record_score("lotim", "regulation", 4)
        second = store.record_note("lotim", "regulation", "ok")
        third = store.record_score("bank", "compliance", 4.5)
        assert store.origin and first.origin == store.origin
        assert first.prev_hash == genesis_hash(store.origin, "a1", *store.fingerprints())
        assert second.prev_hash == first.hash and third.prev_hash == second.hash
        assert [e.seq for e in store.events()] == [1, 2, 3]
        for event in store.events():
            assert event_hash(event) == event.hash
        assert store.chain_heads() == [(store.origin, "a1", 3, third.hash)]
        # the integral score hashes as 4, whatever SQLite hands back
        assert isinstance(first.content()["value"], int)
        assert isinstance(third.content()["value"], float)


def test_two_connections_append_one_chain(db: Path) -> None:
    one, two = Store.open(db), Store.open(db)
    try:
        one.record_score("lotim", "regulation", 4)
        two.record_score("lotim", "coverage", 3)
        one.record_score("bank", "compliance", 2)
        assert [e.seq for e in two.events()] == [1, 2, 3]
    finally:
        one.close()
        two.close()
    from panel_tui.secretariat.verify.database import verify_database

    assert verify_database(db).ok


def test_a_merged_database_takes_no_scores(make_round: RoundFactory, tmp_path: Path) -> None:
    round_ = load_round(make_round()).round
    assert round_ is not None
    with Store.create(tmp_path / "merged.db", round_, None, kind="merged") as store:
        assert store.kind == "merged"
        with pytest.raises(PanelError, match="merged"):
            store.record_score("lotim", "regulation", 4)


def test_ui_state_is_kept_but_not_audited(db: Path) -> None:
    with Store.open(db) as store:
        store.set_state("nominee", "lotim")
        store.set_state("nominee", "bank")
        assert store.get_state("nominee") == "bank"
        assert store.get_state("missing", "x") == "x"
        store.set_states({"nominee": "lotim", "criterion": "budget"})
        assert (store.get_state("nominee"), store.get_state("criterion")) == ("lotim", "budget")
        assert count(store) == 0


def test_readonly_store_cannot_write(db: Path) -> None:
    with Store.open(db, readonly=True) as store:
        assert store.round.id == "test-2025"
        with pytest.raises((PanelError, sqlite3.OperationalError)):
            store.record_score("lotim", "regulation", 4)
    with Store.open(db) as store:
        assert count(store) == 0


def test_text_that_cannot_be_saved_is_refused_cleanly(db: Path) -> None:
    with Store.open(db) as store:
        with pytest.raises(PanelError, match="cannot be saved"):
            store.record_note("lotim", "regulation", "broken paste \ud800")
        with pytest.raises(PanelError, match="cannot be saved"):
            store.recuse("lotim", "\udfff")
        store.record_note("lotim", "regulation", "Perda [draft] \u2014 \u6e2c\u8a66 \x00 ok")
        assert count(store) == 1
    from panel_tui.secretariat.verify.database import verify_database

    assert verify_database(db).ok


def test_sheet_counts_agree_with_the_sheets(db: Path) -> None:
    """The agenda's counts in SQL say what the sheets built in Python say, in every state."""
    from panel_tui.domain.progress import all_progress, progress_from_counts

    with Store.open(db) as store:
        nominees = [n.id for n in store.round.nominees]
        assert progress_from_counts(store.round, store.sheet_counts()) == all_progress(
            store.round, store.sheets()
        )
        first, second = nominees[0], nominees[-1]
        one = store.round.rubric_for(store.round.nominee(first)).criteria  # type: ignore[arg-type]
        store.record_score(first, one[0].id, 4)
        store.record_score(first, one[0].id, 5)  # changed: still one criterion
        store.record_score(first, one[1].id, 3)
        store.record_score(first, one[1].id, None)  # cleared: not counted
        store.record_note(first, one[1].id, "a note alone does not score")
        store.record_score(first, one[1].id, 2)
        store.finalise(first)
        store.reopen(first, "misheard")  # no longer final
        store.recuse(second, "family")
        store.withdraw_recusal(second)
        store.recuse(second, "family, after all")
        counts = store.sheet_counts()
        assert counts[first] == (2, False, False)
        assert counts[second] == (0, False, True)
        assert progress_from_counts(store.round, counts) == all_progress(
            store.round, store.sheets()
        )
        store.finalise(first)
        assert store.sheet_counts()[first] == (2, True, False)
        assert progress_from_counts(store.round, store.sheet_counts()) == all_progress(
            store.round, store.sheets()
        )
