"""Forgers for the tampering tests: plain-SQL edits of an assessor database.

Each takes a closed, checkpointed database file and edits it the way someone with the file, a
SQLite shell and time might. `rewrite_chain` is the strongest: it recomputes every hash from
the genesis with chain.event_hash/genesis_hash, so only a receipt's chain head catches it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from panel_tui.storage.chain import Event, event_hash, genesis_hash
from panel_tui.storage.snapshot import (
    canonical_json,
    round_fingerprint,
    round_from_dict,
    round_to_dict,
    rubric_fingerprint,
)


def _conn(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    return conn


def _done(conn: sqlite3.Connection) -> None:
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _events(conn: sqlite3.Connection) -> list[Event]:
    return [
        Event(*row)
        for row in conn.execute(
            f"SELECT {', '.join(Event.COLUMNS)} FROM score_events ORDER BY origin, seq"
        )
    ]


def _score_seq(conn: sqlite3.Connection, nth: int = 0) -> int:
    seq: int = conn.execute(
        "SELECT seq FROM score_events WHERE kind = 'score' ORDER BY seq LIMIT 1 OFFSET ?", (nth,)
    ).fetchone()[0]
    return seq


def change_score(path: Path) -> None:
    conn = _conn(path)
    seq = _score_seq(conn, 3)
    conn.execute(
        "UPDATE score_events SET value = CASE WHEN value >= 5 THEN 1 ELSE value + 1 END"
        " WHERE seq = ?",
        (seq,),
    )
    _done(conn)


def delete_event(path: Path) -> None:
    conn = _conn(path)
    conn.execute("DELETE FROM score_events WHERE seq = ?", (_score_seq(conn, 5),))
    _done(conn)


def delete_last_event(path: Path) -> None:
    """Dropping the newest events leaves a valid, shorter chain: only the receipt shows it."""
    conn = _conn(path)
    conn.execute("DELETE FROM score_events WHERE seq = (SELECT MAX(seq) FROM score_events)")
    _done(conn)


def reorder_events(path: Path) -> None:
    conn = _conn(path)
    a, b = _score_seq(conn, 2), _score_seq(conn, 6)
    conn.execute("UPDATE score_events SET seq = -1 WHERE seq = ?", (a,))
    conn.execute("UPDATE score_events SET seq = ? WHERE seq = ?", (a, b))
    conn.execute("UPDATE score_events SET seq = ? WHERE seq = -1", (b,))
    _done(conn)


def insert_forged_event(path: Path) -> None:
    """A new event at the end of the chain with a made-up hash."""
    conn = _conn(path)
    last = _events(conn)[-1]
    forged = replace(last, seq=last.seq + 1, value=5.0, prev_hash=last.hash, hash="0" * 64)
    conn.execute(
        f"INSERT INTO score_events VALUES ({', '.join('?' for _ in Event.COLUMNS)})",
        forged.row(),
    )
    _done(conn)


def insert_forged_event_hashed(path: Path) -> None:
    """A forged event in the middle: correct hash of its own, but the chain breaks after it."""
    conn = _conn(path)
    events = _events(conn)
    middle = events[len(events) // 2]
    conn.execute("UPDATE score_events SET seq = seq + 1000000 WHERE seq > ?", (middle.seq,))
    conn.execute("UPDATE score_events SET seq = seq - 1000000 + 1 WHERE seq > 1000000")
    forged = replace(
        middle, seq=middle.seq + 1, kind="score", value=1.0, note=None, prev_hash=middle.hash
    )
    forged = forged.with_hash(event_hash(forged))
    conn.execute(
        f"INSERT INTO score_events VALUES ({', '.join('?' for _ in Event.COLUMNS)})",
        forged.row(),
    )
    _done(conn)


def rewrite_chain(path: Path, edit: Callable[[list[Event]], list[Event]] | None = None) -> None:
    """Change the first score, then recompute the whole chain from its genesis."""
    conn = _conn(path)
    round_fp, rubric_fp = conn.execute(
        "SELECT round_fingerprint, rubric_fingerprint FROM round"
    ).fetchone()
    events = _events(conn)

    def default(items: list[Event]) -> list[Event]:
        i = next(i for i, e in enumerate(items) if e.kind == "score")
        old = items[i].value or 1.0
        items[i] = replace(items[i], value=1.0 if old >= 5 else old + 1)
        return items

    events = (edit or default)(events)
    rewritten = _rehash(events, round_fp, rubric_fp)
    conn.execute("DELETE FROM score_events")
    conn.executemany(
        f"INSERT INTO score_events VALUES ({', '.join('?' for _ in Event.COLUMNS)})",
        [e.row() for e in rewritten],
    )
    _done(conn)


def _rehash(events: list[Event], round_fp: str, rubric_fp: str) -> list[Event]:
    result: list[Event] = []
    prev = ""
    for i, event in enumerate(events):
        if i == 0 or event.origin != events[i - 1].origin:
            prev = genesis_hash(event.origin, event.assessor, round_fp, rubric_fp)
            seq = 1
        else:
            seq = result[-1].seq + 1
        event = replace(event, seq=seq, prev_hash=prev, hash="")
        event = event.with_hash(event_hash(event))
        result.append(event)
        prev = event.hash
    return result


def append_forged_events(path: Path) -> None:
    """New events after the last one, correctly chained: the scores change, the old chain
    (and so the receipt's head) is untouched."""
    conn = _conn(path)
    events = _events(conn)
    last = events[-1]
    scored = [e for e in events if e.kind == "score"]
    for i, target in enumerate(scored[:3]):
        forged = replace(
            target,
            seq=last.seq + 1,
            value=5.0 if (target.value or 0) < 5 else 1.0,
            note=None,
            reason=None,
            at=last.at,
            prev_hash=last.hash,
            hash="",
        )
        forged = forged.with_hash(event_hash(forged))
        conn.execute(
            f"INSERT INTO score_events VALUES ({', '.join('?' for _ in Event.COLUMNS)})",
            forged.row(),
        )
        last = forged
        assert i < 3
    _done(conn)


def _heavier_first_criterion(data: dict[str, object]) -> None:
    rubrics = data["rubrics"]
    assert isinstance(rubrics, list)
    rubrics[0]["criteria"][0]["weight"] = float(rubrics[0]["criteria"][0]["weight"]) * 3


def swap_rubric_snapshot_only(path: Path) -> None:
    """Triple a criterion's weight in the snapshot and the criteria table; fingerprints kept."""
    conn = _conn(path)
    data = json.loads(conn.execute("SELECT snapshot FROM round").fetchone()[0])
    _heavier_first_criterion(data)
    rubric = data["rubrics"][0]
    conn.execute("UPDATE round SET snapshot = ?", (canonical_json(data),))
    conn.execute(
        "UPDATE criteria SET weight = ? WHERE rubric = ? AND id = ?",
        (rubric["criteria"][0]["weight"], rubric["id"], rubric["criteria"][0]["id"]),
    )
    _done(conn)


def swap_rubric_and_fingerprint(path: Path, rehash_chain: bool = False) -> None:
    """The same, with the rubric fingerprint recomputed (and optionally the chain too)."""
    conn = _conn(path)
    data = json.loads(conn.execute("SELECT snapshot FROM round").fetchone()[0])
    _heavier_first_criterion(data)
    round_ = round_from_dict(data)
    rubric = data["rubrics"][0]
    conn.execute(
        "UPDATE round SET snapshot = ?, rubric_fingerprint = ?",
        (canonical_json(round_to_dict(round_)), rubric_fingerprint(round_)),
    )
    conn.execute(
        "UPDATE criteria SET weight = ? WHERE rubric = ? AND id = ?",
        (rubric["criteria"][0]["weight"], rubric["id"], rubric["criteria"][0]["id"]),
    )
    if rehash_chain:
        events = _events(conn)
        rewritten = _rehash(events, round_fingerprint(round_), rubric_fingerprint(round_))
        conn.execute("DELETE FROM score_events")
        conn.executemany(
            f"INSERT INTO score_events VALUES ({', '.join('?' for _ in Event.COLUMNS)})",
            [e.row() for e in rewritten],
        )
    _done(conn)


def redefine_scores_view(path: Path) -> None:
    """Leave the events alone and lie in the view other tools read."""
    conn = _conn(path)
    conn.execute("DROP VIEW scores")
    conn.execute(
        "CREATE VIEW scores AS SELECT assessor, nominee, criterion, 5.0 AS score, 5.0 AS value,"
        " at AS scored_at FROM score_events WHERE kind = 'score'"
    )
    _done(conn)


def add_trigger(path: Path) -> None:
    """A trigger that would quietly change every score the app records from now on."""
    conn = _conn(path)
    conn.execute(
        "CREATE TRIGGER lift AFTER INSERT ON score_events BEGIN "
        "UPDATE score_events SET value = 5 WHERE origin = NEW.origin AND seq = NEW.seq; END"
    )
    _done(conn)


def rename_nominee_in_table(path: Path) -> None:
    """Edit the relational copy other tools (spreadsheets, Datasette) read."""
    conn = _conn(path)
    conn.execute(
        "UPDATE nominees SET name = 'Somebody else' WHERE rowid = (SELECT MIN(rowid) FROM nominees)"
    )
    _done(conn)


def edit_claim_in_table(path: Path) -> None:
    conn = _conn(path)
    conn.execute(
        "UPDATE claims SET text = text || '0' WHERE rowid = (SELECT MIN(rowid) FROM claims)"
    )
    _done(conn)


def change_database_origin(path: Path) -> None:
    conn = _conn(path)
    # another first digit (an origin beginning with f was left unchanged: a flaky test)
    conn.execute(
        "UPDATE database_info SET origin ="
        " (CASE WHEN origin LIKE 'f%' THEN 'e' ELSE 'f' END) || substr(origin, 2)"
    )
    _done(conn)


def change_database_assessor(path: Path) -> None:
    conn = _conn(path)
    conn.execute("UPDATE database_info SET assessor = 'a2'")
    _done(conn)


def change_assessor_of_events(path: Path) -> None:
    conn = _conn(path)
    conn.execute("UPDATE score_events SET assessor = 'a2'")
    _done(conn)


TAMPERS: dict[str, Callable[[Path], None]] = {
    "change_score": change_score,
    "delete_event": delete_event,
    "reorder_events": reorder_events,
    "insert_forged_event": insert_forged_event,
    "insert_forged_event_hashed": insert_forged_event_hashed,
    "swap_rubric_snapshot_only": swap_rubric_snapshot_only,
    "swap_rubric_and_fingerprint": swap_rubric_and_fingerprint,
    "redefine_scores_view": redefine_scores_view,
    "add_trigger": add_trigger,
    "rename_nominee_in_table": rename_nominee_in_table,
    "edit_claim_in_table": edit_claim_in_table,
    "change_database_origin": change_database_origin,
    "change_database_assessor": change_database_assessor,
    "change_assessor_of_events": change_assessor_of_events,
}

# Edits that leave a self-consistent chain: only the receipt's head can catch them.
RECEIPT_ONLY: dict[str, Callable[[Path], None]] = {
    "delete_last_event": delete_last_event,
    "rewrite_chain": rewrite_chain,
    "swap_rubric_rehash_chain": lambda p: swap_rubric_and_fingerprint(p, rehash_chain=True),
}
