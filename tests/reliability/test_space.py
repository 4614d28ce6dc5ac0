"""Issue 5.7: a read-only or full location fails with a clear message and damages nothing.

Read-only: the database on a read-only mount (when the tests run as root, who ignores file
permissions) or a file and folder without write permission (otherwise). Full disk: a small
tmpfs filled to the last byte (as root), and always SQLite's `PRAGMA max_page_count`, which
makes SQLite answer SQLITE_FULL exactly as on a full disk.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixtures.commands import run_cli
from fixtures.databases import build_db, file_state
from panel_tui.domain.problems import PanelError
from panel_tui.secretariat.verify.database import verify_database
from panel_tui.storage.store import Store

from .helpers import record_figure

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def _umount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


@contextlib.contextmanager
def read_only_place(tmp_path: Path, db: Path) -> Iterator[Path]:
    """`db` copied (closed, checkpointed) to a place nobody can write; yields the copy."""
    place = tmp_path / "ro"
    if IS_ROOT and _mount_tmpfs(place, "4m"):
        try:
            shutil.copyfile(db, place / db.name)
            subprocess.run(["mount", "-o", "remount,ro", str(place)], check=True)
            yield place / db.name
        finally:
            _umount(place)
        return
    if IS_ROOT:
        pytest.skip("root without mount: cannot make a read-only place")
    place.mkdir()
    shutil.copyfile(db, place / db.name)
    (place / db.name).chmod(0o444)
    place.chmod(0o555)
    try:
        yield place / db.name
    finally:
        place.chmod(0o755)
        (place / db.name).chmod(0o644)


def test_read_only_database_refuses_scores_clearly(tmp_path: Path) -> None:
    db = build_db(tmp_path / "a1.db", "a1", scores=12)
    with read_only_place(tmp_path, db) as ro:
        before = file_state(ro)
        with pytest.raises(PanelError) as caught, Store.open(ro) as store:
            store.record_score("lotim", "regulation", 2)
        message = str(caught.value)
        assert "read" in message.lower() or "cannot" in message.lower(), message
        sheet = tmp_path / "paper.csv"
        sheet.write_text("assessor,nominee,criterion,score\na1,lotim,budget,3\n")
        result = run_cli("import-scores", ro, sheet)
        assert result.exit_code == 1 and "panel-tui:" in result.output
        # Reading still works where writing cannot: verify, tally, handover from the stick.
        assert verify_database(ro).ok
        assert run_cli("verify", ro).exit_code == 0
        assert run_cli("tally", ro).exit_code == 0
        copy = tmp_path / "copy.db"
        assert run_cli("handover", ro, "--to", copy).exit_code == 0
        assert verify_database(copy).ok
        assert file_state(ro) == before


def test_handover_to_read_only_place_fails_clearly(tmp_path: Path) -> None:
    db = build_db(tmp_path / "a1.db", "a1", scores=3)
    with read_only_place(tmp_path, db) as ro:
        result = run_cli("handover", db, "--to", ro.parent / "copy.db")
        assert result.exit_code == 1
        assert not (ro.parent / "copy.db").exists()
    assert verify_database(db).ok


def _record_until_full(store: Store) -> tuple[int, PanelError]:
    cells = [(n.id, c.id) for n in store.round.nominees for c in store.round.rubric_for(n).criteria]
    for saved in range(100_000):
        nominee, criterion = cells[saved % len(cells)]
        try:
            store.record_note(nominee, criterion, "catatan panjang " * 200)
        except PanelError as exc:
            return saved, exc
    raise AssertionError("never became full")


def _after_full(db: Path, saved_before: int, events_before: int) -> None:
    report = verify_database(db)
    assert report.ok, report.problems
    assert report.events == events_before + saved_before
    with Store.open(db) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        store.record_score("lotim", "regulation", 4)  # works again once there is room


def test_full_database_via_max_page_count(tmp_path: Path) -> None:
    db = build_db(tmp_path / "a1.db", "a1", scores=10)
    events_before = verify_database(db).events
    with Store.open(db) as store:
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 8}")
        saved, error = _record_until_full(store)
        assert "full" in str(error).lower(), error
        assert "not saved" in str(error).lower() or "cannot" in str(error).lower(), error
        # The connection is still usable and the failed change left nothing behind.
        assert store.conn.in_transaction is False
    _after_full(db, saved, events_before)
    record_figure("space.max_page_count_saved_before_full", saved)


@pytest.mark.skipif(not IS_ROOT, reason="mounting a small tmpfs needs root")
def test_full_disk_on_a_small_tmpfs(tmp_path: Path) -> None:
    place = tmp_path / "small"
    if not _mount_tmpfs(place, "1m"):
        pytest.skip("cannot mount tmpfs here")
    try:
        db = build_db(place / "a1.db", "a1", scores=10)
        events_before = verify_database(db).events
        filler = place / "filler"
        with Store.open(db) as store:
            # Fill the disk to the last byte, leaving the database and its WAL as they are.
            with filler.open("wb", buffering=0) as handle:
                try:
                    while True:
                        handle.write(b"\0" * 4096)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
            saved, error = _record_until_full(store)
            assert "full" in str(error).lower() or "disk" in str(error).lower(), error
            with pytest.raises(PanelError):
                store.record_score("lotim", "regulation", 5)
        filler.unlink()
        _after_full(db, saved, events_before)
        record_figure("space.tmpfs_full", True)
    finally:
        _umount(place)


def test_merge_from_a_read_only_medium(tmp_path: Path) -> None:
    db = build_db(tmp_path / "a1.db", "a1", scores=5)
    with read_only_place(tmp_path, db) as ro:
        result = run_cli("merge", tmp_path / "out.db", ro)
        assert result.exit_code == 0, result.output
