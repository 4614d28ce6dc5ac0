"""Schema versions: migrations through sqlite-utils' Migrations, an old file is brought up to date."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from panel_tui.domain.problems import PanelError
from panel_tui.secretariat.verify.database import verify_database
from panel_tui.storage import schema as schema_module
from panel_tui.storage.connection import connect
from panel_tui.storage.schema import apply_migrations, migration_files, schema_dir
from panel_tui.storage.store import Store


def test_the_schema_ships_with_the_package() -> None:
    files = migration_files()
    assert files[0].name == "001_initial.sql"
    assert (schema_dir() / "001_initial.sql").is_file()
    assert len(files) == schema_module.SCHEMA_VERSION


def test_migrations_run_once(db: Path) -> None:
    conn = connect(db)
    try:
        apply_migrations(conn)  # already applied: nothing happens, nothing fails
        assert conn.execute("SELECT COUNT(*) FROM _sqlite_migrations").fetchone() == (
            schema_module.SCHEMA_VERSION,
        )
    finally:
        conn.close()


def test_an_older_database_is_migrated_when_opened(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(db) as store:
        store.record_score("lotim", "regulation", 4)
    schema = tmp_path / "schema"
    schema.mkdir()
    for path in migration_files():
        shutil.copy(path, schema / path.name)
    later = schema_module.SCHEMA_VERSION + 1
    (schema / f"{later:03d}_reviewed.sql").write_text(
        "-- a later schema version: a column and a table\n"
        "ALTER TABLE ui_state ADD COLUMN updated_at TEXT;\n"
        "CREATE TABLE reviews (nominee TEXT PRIMARY KEY, reviewed_at TEXT NOT NULL);\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(schema_module, "schema_dir", lambda: schema)
    monkeypatch.setattr(schema_module, "SCHEMA_VERSION", later)

    with Store.open(db) as store:
        conn = store.conn
        assert conn.execute("PRAGMA user_version").fetchone() == (later,)
        applied = conn.execute("SELECT name FROM _sqlite_migrations ORDER BY name").fetchall()
        assert applied == [(path.stem,) for path in sorted(schema.glob("*.sql"))]
        assert applied[-1] == (f"{later:03d}_reviewed",)
        assert conn.execute("SELECT COUNT(*) FROM reviews").fetchone() == (0,)
        assert store.sheet("lotim").scores == {"regulation": 4.0}  # nothing lost
    assert verify_database(db).ok

    # and the panel-tui before that migration now refuses the file as newer
    monkeypatch.setattr(schema_module, "SCHEMA_VERSION", later - 1)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with pytest.raises(PanelError, match="newer panel-tui"):
        Store.open(db)


def test_the_documented_application_id_is_the_one_in_real_files(db: Path) -> None:
    """db/README.md and db/001_initial.sql give the number a reader checks files with."""
    import re

    from panel_tui.storage.schema import APPLICATION_ID

    conn = sqlite3.connect(db)
    in_file = conn.execute("PRAGMA application_id").fetchone()[0]
    conn.close()
    assert in_file == APPLICATION_ID == int.from_bytes(b"PARI", "big")
    root = Path(__file__).resolve().parents[2]
    for doc in (root / "db" / "README.md", root / "db" / "001_initial.sql"):
        numbers = {int(n) for n in re.findall(r"\b(13\d{8})\b", doc.read_text())}
        assert numbers == {in_file}, doc.name


def test_a_version_1_file_is_read_as_it_is_and_gains_counted_scores_when_opened(
    db: Path,
) -> None:
    """Files written before `counted_scores` existed (schema 1) still verify and tally
    read-only; the app brings them to the current schema when it opens them for writing."""
    from panel_tui.secretariat.tally import tally_database

    with Store.open(db) as store:
        store.record_score("lotim", "regulation", 4)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("DROP VIEW counted_scores")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = '002_counted_scores'")
    conn.execute("PRAGMA user_version = 1")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()

    assert verify_database(db).ok
    assert tally_database(db).categories
    with Store.open(db) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone() == (2,)
        assert store.conn.execute("SELECT value FROM counted_scores").fetchall() == [(4.0,)]
    assert verify_database(db).ok


def _applied_at_free(conn: sqlite3.Connection) -> list[str]:
    """The database's dump with each migration's timestamp replaced by its shape."""
    import re

    stamp = re.compile(r"'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?\+00:00'")
    return [stamp.sub("'<applied_at>'", line) for line in conn.iterdump()]


def test_a_new_schema_is_what_the_migrations_write(tmp_path: Path) -> None:
    """create_schema (new files and the verification's reference, without importing
    sqlite-utils) writes what sqlite-utils' Migrations writes: the same objects in the same
    order and pages, the same record of each migration, and sqlite-utils finds none pending."""
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

    from panel_tui.storage.schema import MIGRATION_SET, create_schema

    by_us = sqlite3.connect(tmp_path / "created.db", isolation_level=None)
    by_sqlite_utils = sqlite3.connect(tmp_path / "migrated.db", isolation_level=None)
    try:
        create_schema(by_us)
        apply_migrations(by_sqlite_utils)
        master = "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master"
        assert by_us.execute(master).fetchall() == by_sqlite_utils.execute(master).fetchall()
        for pragma in ("application_id", "user_version", "page_count"):
            assert (
                by_us.execute(f"PRAGMA {pragma}").fetchone()
                == by_sqlite_utils.execute(f"PRAGMA {pragma}").fetchone()
            )
        assert _applied_at_free(by_us) == _applied_at_free(by_sqlite_utils)
        stamps = by_us.execute("SELECT applied_at FROM _sqlite_migrations").fetchall()
        assert len(stamps) == len(migration_files())

        migrations = Migrations(MIGRATION_SET)
        for path in migration_files():

            def fail(db: Database) -> None:
                raise AssertionError("a migration ran again")

            migrations(name=path.stem)(fail)
        assert migrations.pending(Database(by_us)) == []
        apply_migrations(by_us)  # sqlite-utils sees every migration applied: nothing runs
    finally:
        by_us.close()
        by_sqlite_utils.close()
