"""`panel-tui verify`: edits made with plain SQL, outside panel-tui, are found and named."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from fixtures.core_helpers import run_cli
from fixtures.rounds import RoundFactory
from panel_tui.secretariat.verify.database import verify_database
from panel_tui.secretariat.verify.report import MIN_HEAD_PREFIX
from panel_tui.storage.chain import Event, event_hash, genesis_hash
from panel_tui.storage.snapshot import canonical_json, round_from_dict, rubric_fingerprint
from panel_tui.storage.store import Store


@pytest.fixture
def scored(db: Path) -> Path:
    """a1's database with six events: scores, a note, a comment, a changed score."""
    with Store.open(db) as store:
        store.record_score("lotim", "regulation", 4)
        store.record_score("lotim", "coverage", 3)
        store.record_note("lotim", "coverage", "UCJ about 60 percent")
        store.record_score("bank", "compliance", 4.5)
        store.record_note("bank", None, "Director presented")
        store.record_score("lotim", "coverage", 4)
    return db


def sql(db: Path, *statements: str, params: tuple[object, ...] = ()) -> None:
    """Edit the file the way anyone with the sqlite3 module (or DB Browser) could."""
    conn = sqlite3.connect(db)
    try:
        for statement in statements:
            conn.execute(statement, params if "?" in statement else ())
        conn.commit()
    finally:
        conn.close()


def head(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("SELECT hash FROM score_events ORDER BY seq DESC").fetchone()[0])
    finally:
        conn.close()


def verify_fails(db: Path, *texts: str, heads: tuple[str, ...] = ()) -> str:
    args: list[str | Path] = ["verify", db]
    for h in heads:
        args += ["--head", h]
    result = run_cli(*args)
    assert result.exit_code == 1, result.output
    for text in texts:
        assert text in result.output, f"{text!r} not in:\n{result.output}"
    return result.output


def rewrite_chain(db: Path, change: Callable[[list[Event]], list[Event]]) -> None:
    """A forger who knows the algorithm: change events, then recompute every hash."""
    with Store.open(db) as store:
        events = change(list(store.events()))
        origin, assessor = store.origin, store.assessor_id
        assert origin and assessor
        prev = genesis_hash(origin, assessor, *store.fingerprints())
        fixed = []
        for seq, event in enumerate(events, start=1):
            event = replace(event, seq=seq, prev_hash=prev, hash="")
            event = event.with_hash(event_hash(event))
            fixed.append(event)
            prev = event.hash
        conn = store.conn
        conn.execute("DELETE FROM score_events")
        conn.executemany(
            f"INSERT INTO score_events ({', '.join(Event.COLUMNS)}) "
            f"VALUES ({', '.join('?' for _ in Event.COLUMNS)})",
            [e.row() for e in fixed],
        )


def test_an_untouched_database_verifies(scored: Path) -> None:
    result = run_cli("verify", scored)
    assert result.exit_code == 0, result.output
    assert "ok (6 events in 1 chain(s))" in result.output
    assert f"assessor a1: 6 events, head {head(scored)}" in result.output
    report = verify_database(scored)
    assert report.ok and report.events == 6
    assert [(c.assessor, c.length, c.head) for c in report.chains] == [("a1", 6, head(scored))]


def test_a_fresh_database_verifies(db: Path) -> None:
    result = run_cli("verify", db)
    assert result.exit_code == 0
    assert "ok (0 events in 0 chain(s))" in result.output


def test_update_of_a_score_is_detected(scored: Path) -> None:
    sql(scored, "UPDATE score_events SET value = 5 WHERE seq = 2")
    out = verify_fails(scored, "(assessor a1), event 2:", "edited outside panel-tui")
    assert "event 1:" not in out


def test_update_of_an_assessor_is_detected(scored: Path) -> None:
    sql(scored, "UPDATE score_events SET assessor = 'a2' WHERE seq = 4")
    verify_fails(scored, "event 4:")


def test_update_with_that_events_hash_recomputed_is_detected(scored: Path) -> None:
    with Store.open(scored) as store:
        event = next(e for e in store.events() if e.seq == 3)
    forged = replace(event, note="UCJ about 90 percent", hash="")
    forged = forged.with_hash(event_hash(forged))
    sql(
        scored,
        "UPDATE score_events SET note = ?, hash = ? WHERE seq = 3",
        params=(forged.note, forged.hash),
    )
    verify_fails(scored, "event 4:", "does not follow the previous event")


def test_delete_of_an_event_is_detected(scored: Path) -> None:
    sql(scored, "DELETE FROM score_events WHERE seq = 2")
    verify_fails(scored, "(assessor a1), event 3:", "events deleted")


def test_insert_of_an_event_is_detected(scored: Path) -> None:
    sql(
        scored,
        "INSERT INTO score_events (origin, seq, assessor, kind, nominee, criterion, value, at, "
        "prev_hash, hash) SELECT origin, 7, assessor, 'score', 'klu', 'regulation', 5, at, hash, "
        "'0000' FROM score_events WHERE seq = 6",
    )
    verify_fails(scored, "(assessor a1), event 7:", "does not match its hash")


def test_insert_in_the_middle_is_detected(scored: Path) -> None:
    sql(
        scored,
        "UPDATE score_events SET seq = seq + 100 WHERE seq > 3",
        "UPDATE score_events SET seq = seq - 99 WHERE seq > 100",
        "INSERT INTO score_events (origin, seq, assessor, kind, nominee, criterion, value, at, "
        "prev_hash, hash) SELECT origin, 4, assessor, 'score', 'klu', 'regulation', 5, at, hash, "
        "hash FROM score_events WHERE seq = 3",
    )
    verify_fails(scored, "(assessor a1), event 4:")


def test_reordered_events_are_detected(scored: Path) -> None:
    sql(
        scored,
        "UPDATE score_events SET seq = 100 WHERE seq = 2",
        "UPDATE score_events SET seq = 2 WHERE seq = 4",
        "UPDATE score_events SET seq = 4 WHERE seq = 100",
    )
    verify_fails(scored, "(assessor a1), event 2:")


def test_reordered_rows_with_their_numbers_kept_are_detected(scored: Path) -> None:
    """Swap everything but seq between two events (their hashes travel with them)."""
    conn = sqlite3.connect(scored)
    rows = {r[0]: r[1:] for r in conn.execute("SELECT seq, * FROM score_events")}
    columns = list(Event.COLUMNS)
    assignments = ", ".join(f"{c} = ?" for c in columns if c != "seq")
    for seq, other in ((2, 5), (5, 2)):
        values = [v for c, v in zip(columns, rows[other], strict=True) if c != "seq"]
        conn.execute(f"UPDATE score_events SET {assignments} WHERE seq = ?", (*values, seq))
    conn.commit()
    conn.close()
    verify_fails(scored, "event 2:")


def test_rubric_weight_edited_in_the_snapshot_is_detected(scored: Path) -> None:
    conn = sqlite3.connect(scored)
    data = json.loads(conn.execute("SELECT snapshot FROM round").fetchone()[0])
    data["rubrics"][0]["criteria"][0]["weight"] = 90
    conn.execute("UPDATE round SET snapshot = ?", (canonical_json(data),))
    conn.commit()
    conn.close()
    verify_fails(scored, "the rubric does not match its fingerprint")


def test_rubric_weight_edited_in_the_criteria_table_is_detected(scored: Path) -> None:
    sql(scored, "UPDATE criteria SET weight = 90 WHERE id = 'regulation'")
    verify_fails(scored, "the criteria table differs from the round snapshot")


def test_rubric_and_its_fingerprint_rewritten_break_the_chain(scored: Path) -> None:
    conn = sqlite3.connect(scored)
    data = json.loads(conn.execute("SELECT snapshot FROM round").fetchone()[0])
    data["rubrics"][0]["criteria"][0]["weight"] = 90
    conn.execute(
        "UPDATE round SET snapshot = ?, rubric_fingerprint = ?",
        (canonical_json(data), rubric_fingerprint(round_from_dict(data))),
    )
    conn.execute("UPDATE criteria SET weight = 90 WHERE id = 'regulation'")
    conn.commit()
    conn.close()
    # the first event's hash starts from a genesis that covers the rubric fingerprint
    verify_fails(scored, "(assessor a1), event 1:", "does not follow the previous event")


def test_nominee_moved_to_another_category_is_detected(scored: Path) -> None:
    sql(scored, "UPDATE nominees SET category = 'bu' WHERE id = 'klu'")
    verify_fails(scored, "the nominees table differs")


def test_a_deleted_last_event_needs_the_receipt(scored: Path) -> None:
    receipt = head(scored)
    sql(scored, "DELETE FROM score_events WHERE seq = 6")
    # a chain cut at its end is still a valid chain ...
    assert run_cli("verify", scored).exit_code == 0
    # ... which is why the hand-over receipt records the head
    verify_fails(scored, "is not in any audit chain", heads=(receipt,))


def test_a_recomputed_chain_does_not_contain_the_receipt_head(scored: Path) -> None:
    receipt = head(scored)
    assert run_cli("verify", scored, "--head", receipt).exit_code == 0
    assert run_cli("verify", scored, "--head", receipt[:MIN_HEAD_PREFIX].upper()).exit_code == 0

    def lower_scores(events: list[Event]) -> list[Event]:
        return [replace(e, value=1.0) if e.kind == "score" else e for e in events]

    rewrite_chain(scored, lower_scores)
    # the forged chain is self-consistent: only the receipt tells
    assert run_cli("verify", scored).exit_code == 0
    assert head(scored) != receipt
    verify_fails(scored, f"receipt head {receipt} is not in any audit chain", heads=(receipt,))


def test_a_receipt_head_stays_valid_while_the_assessor_goes_on(scored: Path) -> None:
    receipt = head(scored)
    with Store.open(scored) as store:
        store.record_score("klu", "regulation", 2)
    assert run_cli("verify", scored, "--head", receipt).exit_code == 0


def test_a_short_or_unknown_head_is_a_problem(scored: Path) -> None:
    verify_fails(scored, "too short", heads=(head(scored)[:8],))
    verify_fails(scored, "is not in any audit chain", heads=("f" * 64,))


def test_an_event_of_an_unknown_criterion_is_detected(scored: Path) -> None:
    rewrite_chain(
        scored,
        lambda events: [*events, replace(events[0], criterion="budget")],
    )
    verify_fails(scored, "event 7:", "unknown criterion 'budget'")


def test_a_damaged_file_gives_a_message_not_a_traceback(scored: Path, tmp_path: Path) -> None:
    data = bytearray(scored.read_bytes())
    for i in range(200, min(len(data), 6000)):
        data[i] ^= 0x5A
    scored.write_bytes(bytes(data))
    result = run_cli("verify", scored)
    assert result.exit_code == 1
    assert "problem:" in result.output
    assert run_cli("verify", tmp_path / "missing.db").exit_code == 2
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"\x00" * 4096)
    assert "not an SQLite file" in verify_fails(garbage)


@pytest.mark.parametrize(
    "snapshot", ["{}", "[]", "not json", '{"id": "x", "assessors": ["a1"]}', "null"]
)
def test_a_snapshot_edited_into_nonsense_is_a_finding(
    scored: Path, make_round: RoundFactory, snapshot: str
) -> None:
    sql(scored, "UPDATE round SET snapshot = ?", params=(snapshot,))
    verify_fails(scored, "problem:")
    result = run_cli("init", make_round(), "--assessor", "a1", "--db", scored)
    assert result.exit_code == 1
    assert "snapshot is damaged" in result.output
