"""A file's chains checked in worker processes (verify/parallel.py) find exactly what one
process finds: the same refusal of a tampered event in either worker's share, the same
tally of a file that verifies. Real merged files, real worker processes."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from panel_tui.domain.problems import PanelError
from panel_tui.output.export import render_json
from panel_tui.secretariat.tally import tally_database
from panel_tui.secretariat.verify import parallel
from panel_tui.secretariat.verify.database import verify_database
from panel_tui.secretariat.verify.report import VerifyReport
from panel_tui.storage.store import Store

pytestmark = pytest.mark.skipif(
    not hasattr(__import__("os"), "fork"), reason="the workers are forked"
)


@pytest.fixture
def workers(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Two workers for any file of two chains or more (the panel's file has three)."""
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 0)
    monkeypatch.setenv("PANEL_TUI_VERIFY_WORKERS", "2")
    return monkeypatch


def _shares(path: Path) -> list[list[str]]:
    """The origins of each worker's share, as the parallel check splits the file."""
    with Store.open(path, readonly=True) as store:
        store.conn.execute("BEGIN")
        ahead = parallel.start_chains(store, project=True)
        assert ahead is not None, "the parallel path was not taken"
        try:
            bounds = list(ahead.ranges)
        finally:
            ahead.close()
        origins = [
            row[0]
            for row in store.conn.execute("SELECT DISTINCT origin FROM score_events ORDER BY 1")
        ]
    return [
        [o for o in origins if (after is None or o > after) and (up_to is None or o <= up_to)]
        for after, up_to in bounds
    ]


def _tamper(path: Path, origin: str) -> None:
    """A score of `origin`'s chain changed in plain SQL, its hash left as it was."""
    conn = sqlite3.connect(path)
    seq, value = conn.execute(
        "SELECT seq, value FROM score_events WHERE origin = ? AND kind = 'score'"
        " AND nominee = 'lotim' AND criterion = 'regulation' ORDER BY seq LIMIT 1",
        (origin,),
    ).fetchone()
    conn.execute(
        "UPDATE score_events SET value = ? WHERE origin = ? AND seq = ?",
        (1 if value != 1 else 2, origin, seq),
    )
    conn.commit()
    conn.close()


def _one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANEL_TUI_VERIFY_WORKERS", "1")


def test_the_file_is_split_between_two_workers(
    workers: pytest.MonkeyPatch, panel_file: Path
) -> None:
    shares = _shares(panel_file)
    assert len(shares) == 2 and all(shares)
    every = [origin for share in shares for origin in share]
    assert len(every) == len(set(every)) == 3


@pytest.mark.parametrize("share", [0, 1])
def test_a_tampered_event_in_either_share_is_refused_as_in_one_process(
    workers: pytest.MonkeyPatch, panel_file: Path, tmp_path: Path, share: int
) -> None:
    origin = _shares(panel_file)[share][0]
    tampered = tmp_path / f"tampered-{share}.db"
    shutil.copy(panel_file, tampered)
    _tamper(tampered, origin)

    # The workers' own findings are taken (not the main process's check after a failure).
    with Store.open(tampered, readonly=True) as store:
        store.conn.execute("BEGIN")
        ahead = parallel.start_chains(store, project=True)
        assert ahead is not None
        try:
            assert ahead.round is not None
            assert ahead.integrity_check() == [("ok",)]
            found = VerifyReport(tampered)
            chains = ahead.collect(ahead.round, *ahead.fingerprints, found)
        finally:
            ahead.close()
    assert chains is not None
    [problem] = found.problems
    assert problem.startswith(f"audit chain {origin[:12]} (assessor ")
    assert problem.endswith(": its content does not match its hash: edited outside panel-tui")

    in_parallel = verify_database(tampered, project=True, parallel=True)
    with pytest.raises(PanelError) as refused_in_parallel:
        tally_database(tampered)
    _one_process(workers)
    alone = verify_database(tampered, project=True, parallel=True)
    with pytest.raises(PanelError) as refused_alone:
        tally_database(tampered)

    assert in_parallel.problems == alone.problems == found.problems
    assert in_parallel.events == alone.events
    assert refused_in_parallel.value.message == refused_alone.value.message
    assert [p.message for p in refused_in_parallel.value.problems] == [
        p.message for p in refused_alone.value.problems
    ]
    assert any(origin[:12] in p.message for p in refused_alone.value.problems)


def test_a_valid_file_gives_the_same_report_and_tally(
    workers: pytest.MonkeyPatch, panel_file: Path
) -> None:
    _shares(panel_file)  # the parallel path is taken on this file
    in_parallel = verify_database(panel_file, project=True, parallel=True)
    tally_in_parallel = tally_database(panel_file)
    _one_process(workers)
    alone = verify_database(panel_file, project=True, parallel=True)
    tally_alone = tally_database(panel_file)

    assert in_parallel.ok and alone.ok
    assert in_parallel.chains == alone.chains
    assert in_parallel.events == alone.events
    assert in_parallel.current == alone.current
    tally_in_parallel.verified_at = tally_alone.verified_at
    assert render_json(tally_in_parallel) == render_json(tally_alone)
    assert tally_in_parallel.sheets == tally_alone.sheets


def test_a_file_with_a_wal_beside_it_is_checked_in_one_process(
    workers: pytest.MonkeyPatch, panel_file: Path
) -> None:
    """The workers read the file alone: with WAL frames beside it they would not read what
    the main process's snapshot holds, so the main process checks the chains itself."""
    writer = sqlite3.connect(panel_file)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("INSERT INTO ui_state (key, value) VALUES ('test', 'a write in the WAL')")
    writer.commit()
    try:
        assert Path(f"{panel_file}-wal").stat().st_size > 0
        with Store.open(panel_file, readonly=True) as store:
            store.conn.execute("BEGIN")
            assert parallel.start_chains(store, project=True) is None
        assert verify_database(panel_file, project=True, parallel=True).ok
    finally:
        writer.close()


def test_a_process_with_other_threads_checks_in_one_process(
    workers: pytest.MonkeyPatch, panel_file: Path
) -> None:
    """Forked from a process with other threads (the secretariat app tallies in a thread), a
    worker could inherit a lock another thread held: no workers then."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with Store.open(panel_file, readonly=True) as store:
            store.conn.execute("BEGIN")
            assert parallel.start_chains(store, project=True) is None
        assert tally_database(panel_file).categories
    finally:
        stop.set()
        other.join()
