"""The schema: the SQL migrations in db/, applying them, and the exact schema a file must have before anything is read through it."""

from __future__ import annotations

import datetime
import re
import sqlite3
from pathlib import Path

from panel_tui.domain.problems import PanelError, Problem
from panel_tui.i18n import _

APPLICATION_ID = 0x50415249  # 'PARI'


MIGRATION_SET = "panel_tui"


def schema_dir() -> Path:
    """The SQL migrations: shipped in the wheel as panel_tui/db, or db/ in a checkout.

    Found beside the package's own files, as importlib.resources would for a package
    installed as files (the only way panel-tui is installed): asking importlib.resources
    imports its readers and zipfile (~5 ms), on the path of every database opened."""
    packaged = Path(__file__).parent.parent / "db"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "db"


def migration_files() -> list[Path]:
    return sorted(schema_dir().glob("[0-9][0-9][0-9]_*.sql"))


SCHEMA_VERSION = 2


def _statements(sql: str) -> list[str]:
    """Split a script into statements; executescript would commit mid-migration."""
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in buffer.splitlines()
    ):
        statements.append(buffer.strip())
    return statements


# sqlite-utils' record of the migrations applied, as its Migrations class creates it (the
# DDL it generates, byte for byte; tests/core/test_schema_migrations.py holds the two equal).
_MIGRATIONS_DDL = (
    'CREATE TABLE "_sqlite_migrations" (\n'
    '   "id" INTEGER PRIMARY KEY,\n'
    '   "migration_set" TEXT,\n'
    '   "name" TEXT,\n'
    '   "applied_at" TEXT\n'
    ")",
    'CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"\n'
    '    ON "_sqlite_migrations" ("migration_set", "name")',
)


def create_schema(conn: sqlite3.Connection) -> None:
    """The whole schema in a new, empty database: what `apply_migrations` writes there
    (the same objects in the same order, sqlite-utils' record of each migration), in one
    transaction and without importing sqlite-utils, whose import (~0.1 s) came before every
    new file and every verification's reference. A file that exists is only ever migrated
    by `apply_migrations`. One transaction, so a file on disk is synced once: a database
    that fails half-way is a new one its caller removes (or one in memory).
    """
    files = migration_files()
    conn.execute("BEGIN")
    for ddl in _MIGRATIONS_DDL:
        conn.execute(ddl)
    for path in files:
        for statement in _statements(path.read_text(encoding="utf-8")):
            conn.execute(statement)
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
            # the timestamp as sqlite-utils writes it
            (MIGRATION_SET, path.stem, str(datetime.datetime.now(datetime.UTC))),
        )
    conn.execute("COMMIT")
    _stamp(conn, len(files))


def apply_migrations(conn: sqlite3.Connection) -> None:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for path in migration_files():
        sql = path.read_text(encoding="utf-8")

        def run(db: Database, sql: str = sql) -> None:
            for statement in _statements(sql):
                db.execute(statement)

        migrations(name=path.stem)(run)
    migrations.apply(Database(conn))
    _stamp(conn, len(migration_files()))


def _stamp(conn: sqlite3.Connection, version: int) -> None:
    """The header's marks of a panel-tui file, written once its schema is complete."""
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {version}")


# SQLite's own tables: ANALYZE writes sqlite_stat*, AUTOINCREMENT sqlite_sequence.
_INTERNAL_TABLE = re.compile(r"sqlite_(stat[1-4]|sequence)")


# sqlite-utils' bookkeeping of the migrations applied: its definition is sqlite-utils'.
_MIGRATIONS_TABLE = "_sqlite_migrations"


_EXPECTED: dict[int, dict[tuple[str, str], str | None]] = {}


def expected_schema(version: int) -> dict[tuple[str, str], str | None]:
    """(type, name) -> sql of every object the migrations up to `version` create (without
    sqlite-utils' own table), from the migration files themselves."""
    found = _EXPECTED.get(version)
    if found is None:
        conn = sqlite3.connect(":memory:")
        try:
            for path in migration_files()[:version]:
                for statement in _statements(path.read_text(encoding="utf-8")):
                    conn.execute(statement)
            found = {
                (kind, name): sql
                for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master")
            }
        finally:
            conn.close()
        _EXPECTED[version] = found
    return found


def schema_problems(conn: sqlite3.Connection) -> list[str]:
    """What differs between the file's schema and the one panel-tui writes; empty when none.

    Reads only PRAGMA user_version and sqlite_master. Every table a real table of ours, every
    index and view exactly ours, no trigger, nothing unknown."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if not 1 <= version <= SCHEMA_VERSION:
        return [
            _(
                "schema version {version} is not one panel-tui writes (1 to {latest}): edited outside panel-tui"
            ).format(version=version, latest=SCHEMA_VERSION)
        ]
    want = expected_schema(version)
    have: dict[tuple[str, str], str | None] = {}
    problems: list[str] = []
    for kind, name, table, sql in conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master"
    ):
        have[(kind, name)] = sql
        if (kind, name) in want:
            continue
        if kind == "table" and _INTERNAL_TABLE.fullmatch(name):
            continue
        if kind in ("table", "index") and table == _MIGRATIONS_TABLE:
            continue
        problems.append(
            _("an unknown {kind} {name} was added outside panel-tui").format(kind=kind, name=name)
        )
    for key, sql in sorted(want.items()):
        if key not in have:
            if key[0] == "table" and ("view", key[1]) in have:
                problems.append(
                    _("the table {name} was replaced by a view outside panel-tui").format(
                        name=key[1]
                    )
                )
            else:
                problems.append(
                    _("the {kind} {name} is missing: edited outside panel-tui").format(
                        kind=key[0], name=key[1]
                    )
                )
        elif have[key] != sql:
            problems.append(
                _("the {kind} {name} was redefined outside panel-tui").format(
                    kind=key[0], name=key[1]
                )
            )
    if ("table", _MIGRATIONS_TABLE) not in have:
        problems.append(
            _("the {kind} {name} is missing: edited outside panel-tui").format(
                kind="table", name=_MIGRATIONS_TABLE
            )
        )
    return problems


def refuse_foreign_schema(path: Path, conn: sqlite3.Connection) -> None:
    """Raise a PanelError listing what differs, when the schema is not panel-tui's."""
    problems = schema_problems(conn)
    if problems:
        raise PanelError(
            _(
                "{path}: its schema is not the one panel-tui writes (edited outside panel-tui); nothing was read through it"
            ).format(path=path),
            [Problem(path.name, None, None, message) for message in problems],
        )
