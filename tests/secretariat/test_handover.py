"""handover: a consistent copy even while the app holds the database open; a receipt."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from fixtures.databases import MakeDb
from panel_tui.domain.problems import PanelError
from panel_tui.secretariat.handover import handover
from panel_tui.secretariat.verify.database import verify_database
from panel_tui.storage.store import Store


def test_handover_of_a_database_still_open_holds_its_last_score(
    tmp_path: Path, make_db: MakeDb
) -> None:
    db = make_db("a1", {("lotim", "regulation"): 4})
    app = Store.open(db)  # the scoring app, still running
    try:
        last = app.record_score("lotim", "coverage", 2)
        assert Path(f"{db}-wal").stat().st_size > 0  # the score is in the WAL, not yet in db
        receipt = handover(db, tmp_path / "copy.db")
    finally:
        app.close()
    copy = tmp_path / "copy.db"
    assert not Path(f"{copy}-wal").exists()
    with Store.open(copy, readonly=True) as store:
        assert store.sheet("lotim").scores == {"regulation": 4, "coverage": 2}
    assert receipt.sha256 == hashlib.sha256(copy.read_bytes()).hexdigest()
    assert receipt.size == copy.stat().st_size
    (chain,) = receipt.chains
    assert (chain.assessor, chain.length, chain.head) == ("a1", 2, last.hash)
    assert verify_database(copy, (last.hash[:16],)).ok
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_handover_into_a_folder_and_replace(tmp_path: Path, make_db: MakeDb) -> None:
    db = make_db("a2", {("lotim", "regulation"): 3}, name="a2.db")
    usb = tmp_path / "usb"
    usb.mkdir()
    first = handover(db, usb)
    assert first.path == usb / "a2.db"
    with pytest.raises(PanelError, match="already exists"):
        handover(db, usb)
    with Store.open(db) as store:
        store.record_score("klu", "regulation", 1)
    second = handover(db, usb, replace=True)
    assert second.chains[0].length == 2 and second.sha256 != first.sha256
    with pytest.raises(PanelError, match="database itself"):
        handover(db, db, replace=True)


def test_a_tampered_database_is_not_handed_over(tmp_path: Path, make_db: MakeDb) -> None:
    db = make_db("a1", {("lotim", "regulation"): 4})
    conn = sqlite3.connect(db)
    conn.execute("UPDATE score_events SET value = 5")
    conn.commit()
    conn.close()
    with pytest.raises(PanelError, match="does not verify"):
        handover(db, tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_missing_folder_is_a_clear_error(tmp_path: Path, make_db: MakeDb) -> None:
    db = make_db("a1")
    with pytest.raises(PanelError, match="no such folder"):
        handover(db, tmp_path / "nope" / "copy.db")


def test_a_snapshot_that_is_not_utf8_is_not_handed_over(tmp_path: Path, make_db: MakeDb) -> None:
    """A flipped byte in the round's page can leave the snapshot's text invalid UTF-8: SQLite
    reads it, Python cannot decode it. `verify` refused such a file, but `handover` said
    "unexpected error: OperationalError: Could not decode to UTF-8 column 'snapshot'"."""
    from fixtures.commands import run_cli

    db = make_db("a1", {})
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("UPDATE round SET snapshot = CAST(snapshot || x'ff' AS TEXT)")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    usb = tmp_path / "usb"
    usb.mkdir()
    with pytest.raises(PanelError, match="snapshot is damaged"):
        handover(db, usb)
    result = run_cli("handover", db, "--to", usb)
    assert result.exit_code == 1 and "snapshot is damaged" in result.output, result.output
    assert list(usb.iterdir()) == []


def test_a_file_whose_pages_do_not_read_is_not_handed_over(tmp_path: Path) -> None:
    """Header byte 20 (the reserved space at the end of each page) changed: every page then
    reads as damaged. `verify` refused such a file; `handover` said "unexpected error:
    DatabaseError: database disk image is malformed" when it read the round."""
    from fixtures.commands import run_cli
    from fixtures.databases import build_db

    db = build_db(tmp_path / "a1.db", "a1", scores=40)  # pages full enough to overflow
    with db.open("r+b") as handle:
        handle.seek(20)
        handle.write(bytes([8]))
    assert not verify_database(db).ok
    usb = tmp_path / "usb"
    usb.mkdir()
    result = run_cli("handover", db, "--to", usb)
    assert result.exit_code == 1 and "damaged" in result.output, result.output
    assert list(usb.iterdir()) == []
