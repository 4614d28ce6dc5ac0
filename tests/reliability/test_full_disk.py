"""A full disk does not block reading: a WAL database needs a `-shm` file beside it even to
be read, which a full disk cannot hold ("disk I/O error", which reads like damage). With no
`-wal` to recover nothing can change the file, so it is read as immutable, as on a
write-protected stick; a writer is told that the disk is full.

The full disk is a real one: a 256 KB tmpfs filled to the last byte (needs root to mount;
skipped elsewhere)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixtures.commands import run_cli
from fixtures.databases import build_db
from panel_tui.domain.problems import PanelError
from panel_tui.secretariat.merge.driver import merge
from panel_tui.secretariat.verify.database import verify_database
from panel_tui.storage.connection import disk_full, no_shm_possible
from panel_tui.storage.store import Store


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "stick"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (not root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path) -> None:
    try:
        with (folder / "filler").open("wb") as handle:
            while True:
                handle.write(b"\0" * 4096)
                handle.flush()
    except OSError:  # no space left: the point
        pass


def _assessor_db_on(disk: Path, tmp_path: Path) -> Path:
    db = build_db(tmp_path / "a1.db", "a1", scores=5)
    shutil.copy(db, disk / "a1.db")  # WAL mode, no -wal and no -shm beside it
    _fill(disk)
    return disk / "a1.db"


def test_sqlite_says_disk_io_error_and_that_is_read_as_no_shm(
    full_disk: Path, tmp_path: Path
) -> None:
    db = _assessor_db_on(full_disk, tmp_path)
    assert disk_full(db)
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as real:
        conn.execute("PRAGMA schema_version").fetchone()
    conn.close()
    assert no_shm_possible(real.value), real.value


def test_verify_tally_and_merge_read_a_database_on_a_full_disk(
    full_disk: Path, tmp_path: Path
) -> None:
    db = _assessor_db_on(full_disk, tmp_path)
    report = verify_database(db)
    assert report.ok, report.problems
    assert report.events > 0
    tallied = run_cli("tally", db)
    assert tallied.exit_code == 0, tallied.output
    result = merge(tmp_path / "out.db", [db])
    assert result.ok, [r.problems for r in result.inputs]
    assert result.inputs[0].added == report.events


def test_opening_for_scoring_on_a_full_disk_says_the_disk_is_full(
    full_disk: Path, tmp_path: Path
) -> None:
    db = _assessor_db_on(full_disk, tmp_path)
    with pytest.raises(PanelError, match="the disk is full"):
        Store.open(db)


def test_a_disk_with_room_is_not_full(tmp_path: Path) -> None:
    assert not disk_full(tmp_path / "a1.db")
