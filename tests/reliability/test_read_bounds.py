"""A stranger's file is read under bounds: no function of its schema runs with side effects,
no value longer than a round holds, and no statement works without end (a clear refusal,
never a hang; Ctrl-C still stops it). A file of many legal events is well inside them."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fixtures.databases import build_db
from panel_tui.domain.problems import PanelError
from panel_tui.secretariat.verify.database import verify_database
from panel_tui.storage import connection as connection_module
from panel_tui.storage.connection import MAX_VALUE_BYTES, connect
from panel_tui.storage.store import Store

from .test_hostile_schema import _edit, _promptly

FOREVER = "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT count(*) FROM r"


def zeroblob_view(path: Path) -> None:
    """A view that makes a 2 GB value out of nothing, in place of the round table."""
    _edit(
        path,
        "ALTER TABLE round RENAME TO real_round;"
        " CREATE VIEW round AS SELECT zeroblob(2000000000) AS snapshot,"
        " round_fingerprint, rubric_fingerprint FROM real_round;",
    )


def test_read_only_connections_distrust_the_schema_and_bound_lengths(tmp_path: Path) -> None:
    db = build_db(tmp_path / "a1.db", "a1", scores=2)
    conn = connect(db, readonly=True)
    try:
        assert conn.execute("PRAGMA trusted_schema").fetchone() == (0,)
        assert conn.getlimit(sqlite3.SQLITE_LIMIT_LENGTH) == MAX_VALUE_BYTES
        with pytest.raises(sqlite3.DataError, match="too big"):
            conn.execute("SELECT zeroblob(?)", (MAX_VALUE_BYTES + 1,)).fetchone()
    finally:
        conn.close()


def test_a_zeroblob_view_is_refused_before_it_is_read(tmp_path: Path) -> None:
    db = build_db(tmp_path / "a1.db", "a1", scores=2)
    zeroblob_view(db)
    report = _promptly(lambda: verify_database(db), seconds=20)
    assert not isinstance(report, BaseException), report
    assert "outside panel-tui" in "\n".join(report.problems)  # type: ignore[attr-defined]


def test_a_statement_that_works_without_end_is_a_clear_refusal(tmp_path: Path) -> None:
    db = build_db(tmp_path / "a1.db", "a1", scores=2)
    conn = connect(db, readonly=True)
    try:
        started = time.monotonic()
        with pytest.raises(sqlite3.OperationalError, match="interrupted"):
            conn.execute(FOREVER).fetchone()
        assert time.monotonic() - started < 30
        assert getattr(conn, "too_much_work", False)
    finally:
        conn.close()


def test_verify_past_the_work_limit_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = build_db(tmp_path / "a1.db", "a1", scores=2)
    # Every statement of more than 100 steps is "too much".
    monkeypatch.setattr(connection_module, "_WORK_STEP", 100)
    monkeypatch.setattr(connection_module, "WORK_LIMIT", 0)
    report = verify_database(db)
    text = "\n".join(report.problems)
    assert "does too much work to read" in text and "not a panel-tui file?" in text, text
    with pytest.raises(PanelError, match="does too much work to read"):
        Store.open(db, readonly=True).sheets()


def test_ctrl_c_stops_a_statement_on_a_strangers_file(tmp_path: Path) -> None:
    db = build_db(tmp_path / "a1.db", "a1", scores=2)
    script = (
        "import sys, time\n"
        "from panel_tui.storage.store import connect\n"
        f"conn = connect({str(db)!r}, readonly=True)\n"
        "print('ready', flush=True)\n"
        "try:\n"
        f"    conn.execute({FOREVER!r}).fetchone()\n"
        "except KeyboardInterrupt:\n"
        "    print('stopped', flush=True)\n"
        "    sys.exit(3)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    time.sleep(0.5)
    child.send_signal(signal.SIGINT)
    out, _err = child.communicate(timeout=20)
    assert child.returncode == 3 and "stopped" in out


def test_a_file_of_many_legal_events_verifies(tmp_path: Path) -> None:
    db = build_db(tmp_path / "a1.db", "a1")
    with Store.open(db) as store:
        cells = [
            (n.id, c.id, store.round.rubric_for(n).values())
            for n in store.round.nominees
            for c in store.round.rubric_for(n).criteria
        ]
        rows = [
            (n, c, values[i % len(values)], f"catatan {i}")
            for i, (n, c, values) in enumerate(cells)
        ]
        for _round in range(60):
            store.import_rows(rows)
    report = verify_database(db)
    assert report.ok, report.problems
    assert report.events >= 60 * 2 * len(cells)
