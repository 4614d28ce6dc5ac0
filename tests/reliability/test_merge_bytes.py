"""The events merge takes in are the events that were verified.

An input is read whole, hashed and verified in memory, and its events are copied from that
verified copy into a one-table database (the report's `events_image`); merge takes them in
from it and never reads the file again. A file that changes in between (a swapped stick, a
device that answers two reads differently) gets nothing past the check: OUT receives the
events verified, and the ledger names the bytes verified. A file that is not whole without
its WAL is verified, and read back event by event, as a file.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from panel_tui.assessor.setup import init_assessor_db
from panel_tui.paths import demo_round_dir
from panel_tui.secretariat.merge import inputs
from panel_tui.secretariat.merge.driver import merge
from panel_tui.secretariat.verify.database import verify_database
from panel_tui.storage.chain import Event
from panel_tui.storage.store import Store


def _scored(path: Path, assessor: str, scores: int) -> Path:
    init_assessor_db(demo_round_dir(), assessor, path)
    with Store.open(path) as store:
        cells = [
            (n.id, c.id, store.round.rubric_for(n).min)
            for n in store.round.nominees
            for c in store.round.rubric_for(n).criteria
        ]
        for nominee, criterion, value in cells[:scores]:
            store.record_score(nominee, criterion, value)
    return path


def _events(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM score_events").fetchone()[0])
    finally:
        conn.close()


def _rows(conn: sqlite3.Connection, schema: str = "main") -> list[tuple[Any, ...]]:
    return conn.execute(
        f"SELECT {', '.join(Event.COLUMNS)} FROM {schema}.score_events ORDER BY origin, seq"
    ).fetchall()


def _image_rows(image: bytes) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(":memory:")
    try:
        conn.deserialize(image)
        return _rows(conn)
    finally:
        conn.close()


def test_an_input_is_verified_from_its_bytes(tmp_path: Path) -> None:
    db = _scored(tmp_path / "a1.db", "a1", 4)
    sha, report, error = inputs.check_input(db)
    assert error is None and report.ok
    assert sha == hashlib.sha256(db.read_bytes()).hexdigest()
    # checked in memory; the events merge takes in are those of the checked copy, every
    # field as stored, in chain order
    conn = sqlite3.connect(db)
    try:
        assert _image_rows(report.events_image) == _rows(conn)
    finally:
        conn.close()
    assert len(_image_rows(report.events_image)) == _events(db) == 4


def test_the_events_of_an_input_checked_against_another_are_its_own(tmp_path: Path) -> None:
    """Checked against the first input (its round pages compared), the second input's events
    image holds the second input's events, not the first's."""
    first = _scored(tmp_path / "a1.db", "a1", 3)
    second = _scored(tmp_path / "a2.db", "a2", 5)
    checks = inputs.InputChecks([first, second], set())
    try:
        reports = [checks.result(0)[1], checks.result(1)[1]]
    finally:
        checks.close()
    for path, report in zip([first, second], reports, strict=True):
        conn = sqlite3.connect(path)
        try:
            assert _image_rows(report.events_image) == _rows(conn)
        finally:
            conn.close()


def _forged_value(path: Path) -> None:
    """A score's value changed with plain SQL, its hash column left as it was."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE score_events SET value = value + 1 WHERE seq = 2")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _other_bytes(path: Path) -> None:
    """Bytes that differ, holding the same chains (where the app was, in ui_state)."""
    with Store.open(path) as store:
        store.set_state("nominee", "elsewhere")


def _other_round_tables(path: Path) -> None:
    """A claim's label changed with plain SQL: the round's pages, not the chains."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE claims SET label = label || '!' WHERE rowid = 1")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


@pytest.mark.parametrize("change", [_forged_value, _other_bytes, _other_round_tables])
def test_a_file_changed_between_its_check_and_its_merge_gets_nothing_past_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: Any
) -> None:
    first = _scored(tmp_path / "a1.db", "a1", 3)
    second = _scored(tmp_path / "a2.db", "a2", 5)
    verified_sha = hashlib.sha256(second.read_bytes()).hexdigest()
    conn = sqlite3.connect(second)
    try:
        verified_rows = _rows(conn)
    finally:
        conn.close()
    checked = inputs.InputChecks.result

    def check_then_change(self: inputs.InputChecks, index: int) -> Any:
        found = checked(self, index)
        if self.paths[index] == second:
            change(second)  # after the check, before the merge
        return found

    monkeypatch.setattr(inputs.InputChecks, "result", check_then_change)
    result = merge(tmp_path / "out.db", [first, second])
    assert [r.status for r in result.inputs] == ["merged", "merged"]
    assert hashlib.sha256(second.read_bytes()).hexdigest() != verified_sha  # it did change
    out = sqlite3.connect(tmp_path / "out.db")
    try:
        origin = verified_rows[0][0]
        merged = [row for row in _rows(out) if row[0] == origin]
        ledger = out.execute("SELECT sha256 FROM imports WHERE origin = ?", (origin,)).fetchall()
    finally:
        out.close()
    assert merged == verified_rows  # the events as verified, not as the file now reads
    assert ledger == [(verified_sha,)]  # the bytes verified are the bytes recorded
    assert verify_database(tmp_path / "out.db").ok


def test_a_file_with_wal_frames_is_verified_and_merged_as_a_file(tmp_path: Path) -> None:
    db = _scored(tmp_path / "live" / "a1.db", "a1", 2)
    copy = tmp_path / "copy" / "a1.db"
    copy.parent.mkdir()
    with Store.open(db) as store:  # open: the next score stays in the WAL
        store.record_score(*_first_cell(store), 5)
        shutil.copy(db, copy)
        shutil.copy(f"{db}-wal", f"{copy}-wal")
    assert Path(f"{copy}-wal").stat().st_size > 0
    _sha, report, error = inputs.check_input(copy)
    assert error is None and report.ok
    assert report.events_image is None  # the file alone is not the database
    result = merge(tmp_path / "out.db", [copy])
    assert result.ok and result.inputs[0].added == 3


def _first_cell(store: Store) -> tuple[str, str]:
    nominee = store.round.nominees[0]
    return nominee.id, store.round.rubric_for(nominee).criteria[0].id


@pytest.mark.parametrize("offset", [18, 19])
@pytest.mark.parametrize("version", [0, 3, 9])
def test_a_header_sqlite_will_not_read_is_refused_from_its_bytes_too(
    tmp_path: Path, offset: int, version: int
) -> None:
    """Header bytes 18 and 19 (the file format's write and read versions) outside 1 and 2:
    SQLite will not read (19) or write (18) the file, so verify refused one it cannot open,
    but its bytes, read in memory as a rollback-journal file (both bytes set to 1), verified:
    merging it into a merged file that already held its chain said "already there, nothing
    new" (exit 0). The bytes are verified only when their header is one SQLite reads as it
    stands; any other file is verified as a file, with the same verdict as `verify`."""
    from fixtures.commands import run_cli
    from fixtures.databases import file_state

    first = _scored(tmp_path / "a1.db", "a1", 3)
    out = tmp_path / "hasil.db"
    assert merge(out, [first]).ok
    odd = tmp_path / "odd.db"
    shutil.copyfile(first, odd)
    with odd.open("r+b") as handle:
        handle.seek(offset)
        handle.write(bytes([version]))
    verdict = run_cli("verify", odd).exit_code
    _sha, report, error = inputs.check_input(odd)
    assert (error is None and report.ok) == (verdict == 0)
    before = file_state(out)
    assert run_cli("merge", out, odd).exit_code == verdict
    if verdict:
        assert file_state(out) == before
