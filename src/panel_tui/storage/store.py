"""The assessor's SQLite database: the round snapshot and the hash-chained audit log.

Every change is one `BEGIN IMMEDIATE … COMMIT` with `synchronous=FULL` in WAL mode, so a
call that returned has reached the disk: the app only shows "saved" after it returns.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from panel_tui import __version__
from panel_tui.domain.bulk import gc_paused
from panel_tui.domain.model import Claim, Round, defer_claims
from panel_tui.domain.problems import PanelError, Problem
from panel_tui.domain.sheet import Sheet
from panel_tui.domain.text import BIDI_CONTROLS, bidi_message
from panel_tui.i18n import _
from panel_tui.storage import projection
from panel_tui.storage.chain import EVENT_KINDS, Event, genesis_hash, new_event
from panel_tui.storage.snapshot import (
    canonical_json,
    claims_from_list,
    round_fingerprint,
    round_from_dict,
    round_to_dict,
    rubric_fingerprint,
)

if TYPE_CHECKING:
    from panel_tui.domain import paper

APPLICATION_ID = 0x50415249  # 'PARI'
BUSY_TIMEOUT_MS = 10_000
MIGRATION_SET = "panel_tui"


def schema_dir() -> Path:
    """The SQL migrations: shipped in the wheel as panel_tui/db, or db/ in a checkout."""
    packaged = resources.files("panel_tui") / "db"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "db"


def migration_files() -> list[Path]:
    return sorted(schema_dir().glob("[0-9][0-9][0-9]_*.sql"))


SCHEMA_VERSION = 2


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def connect(path: Path | str, readonly: bool = False) -> sqlite3.Connection:
    """A connection with the pragmas every panel-tui connection uses."""
    path = Path(path)
    conn: sqlite3.Connection | None = None
    try:
        if readonly:
            conn = _connect_readonly(path)
        else:
            conn = sqlite3.connect(
                path,
                isolation_level=None,
                timeout=BUSY_TIMEOUT_MS / 1000,
                check_same_thread=False,
            )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        if conn is not None:
            conn.close()
        if isinstance(exc, sqlite3.OperationalError) and str(exc) == "interrupted":
            # Only the work bound interrupts here (Ctrl-C is a KeyboardInterrupt by now).
            raise PanelError(too_much_work_message(path)) from exc
        # A damaged file can make SQLite's error message itself undecodable.
        raise PanelError(
            _("{path}: cannot open the database: {reason}{hint}").format(
                path=path, reason=_sqlite_reason(exc), hint=_read_only_hint(path)
            )
        ) from exc
    return conn


def disk_full(path: Path) -> bool:
    """Whether the disk holding `path` has no room left for anyone but root (where
    SQLite cannot create the `-shm` file a WAL database is read through)."""
    try:
        return os.statvfs(path.parent).f_bavail == 0
    except (OSError, AttributeError):  # AttributeError: no statvfs (Windows)
        return False


def _read_only_hint(path: Path) -> str:
    if disk_full(path):
        return " " + _(
            "(the disk is full: free some space on it, or copy the database to another disk)"
        )
    if path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return " " + _(
            "(the file or its folder is read-only: to score, copy the database to a"
            " writable folder)"
        )
    return ""


# What a real round can hold, with a wide margin: the largest value is the round snapshot,
# which holds every claim (a national round, 500 nominees x 10 criteria, is a few MB); no
# statement of panel-tui is longer than a few KB, nor a view of its schema nested deeper.
MAX_VALUE_BYTES = 64 * 1024 * 1024
_READ_LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: MAX_VALUE_BYTES,
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 1024 * 1024,
    sqlite3.SQLITE_LIMIT_COLUMN: 200,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 200,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 50,
    sqlite3.SQLITE_LIMIT_ATTACHED: 2,
    sqlite3.SQLITE_LIMIT_TRIGGER_DEPTH: 1,
}
# Virtual-machine steps one statement may take on a stranger's file: the largest statement
# panel-tui runs on a national round (the integrity check) takes well under a hundredth of it.
# More is a file built to keep a reader busy (a recursive view, a huge zeroblob).
WORK_LIMIT = 200_000_000
_WORK_STEP = 100_000


class GuardedConnection(sqlite3.Connection):
    """A connection to a file panel-tui did not necessarily write: every statement's work is
    bounded (`WORK_LIMIT`), and `too_much_work` says when that is why one was stopped."""

    too_much_work = False
    _steps = 0

    def execute(self, *args: Any, **kwargs: Any) -> sqlite3.Cursor:
        self._steps = 0
        try:
            return super().execute(*args, **kwargs)
        except sqlite3.OperationalError as exc:
            raise_if_cancelled(self, exc)
            raise

    def _progress(self) -> int:
        self._steps += _WORK_STEP
        if self._steps > WORK_LIMIT:
            self.too_much_work = True
            return 1
        return 0


def raise_if_cancelled(conn: sqlite3.Connection, exc: sqlite3.Error) -> None:
    """Ctrl-C during a statement: Python raises KeyboardInterrupt in the progress handler,
    which SQLite turns into "interrupted"; give the user back the KeyboardInterrupt."""
    if isinstance(conn, GuardedConnection) and not conn.too_much_work and str(exc) == "interrupted":
        raise KeyboardInterrupt from exc


def too_much_work_message(path: Path) -> str:
    return _(
        "{path}: does too much work to read (a statement ran past {limit:,} steps): not a"
        " panel-tui file?"
    ).format(path=path, limit=WORK_LIMIT)


def harden(conn: sqlite3.Connection) -> None:
    """Read a stranger's file without trusting it: no function of its schema runs with side
    effects (trusted_schema=OFF), no value longer than a round holds, defensive mode where
    Python offers it (3.12+: setconfig), and a bound on every statement's work."""
    conn.execute("PRAGMA trusted_schema = OFF")
    for limit, value in _READ_LIMITS.items():
        conn.setlimit(limit, value)
    defensive = getattr(sqlite3, "SQLITE_DBCONFIG_DEFENSIVE", None)
    if defensive is not None and hasattr(conn, "setconfig"):
        conn.setconfig(defensive, True)
    if isinstance(conn, GuardedConnection):
        conn.set_progress_handler(conn._progress, _WORK_STEP)


def _connect_readonly(path: Path) -> sqlite3.Connection:
    """Read-only, also on a write-protected USB stick or share.

    A database in WAL mode needs its `-shm` file even to be read; where that cannot be created
    (a read-only folder) and no `-wal` holds anything to recover, nothing can change the file,
    (a read-only folder, a full disk) and no `-wal` holds anything to recover, nothing can
    change the file, so it is opened as immutable instead of being refused.
    """
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(
        f"{uri}?mode=ro",
        uri=True,
        isolation_level=None,
        timeout=BUSY_TIMEOUT_MS / 1000,
        check_same_thread=False,
        factory=GuardedConnection,
    )
    harden(conn)
    try:
        conn.execute("PRAGMA schema_version").fetchone()
    except sqlite3.OperationalError as exc:
        wal = Path(f"{path}-wal")
        if not _no_shm_possible(exc) or (wal.exists() and wal.stat().st_size > 0):
            conn.close()
            raise
        conn.close()
        conn = sqlite3.connect(
            f"{uri}?mode=ro&immutable=1",
            uri=True,
            isolation_level=None,
            timeout=BUSY_TIMEOUT_MS / 1000,
            check_same_thread=False,
            factory=GuardedConnection,
        )
        harden(conn)
    except (sqlite3.DatabaseError, UnicodeDecodeError):
        # A damaged file: the caller reports it on its first read.
        pass
    return conn


def _no_shm_possible(exc: sqlite3.Error) -> bool:
    """The error SQLite gives when it cannot make the `-shm` file of a WAL database: "unable
    to open" in a read-only folder, "disk I/O error" on a full disk (SQLITE_IOERR_SHMSIZE,
    or another I/O error on the -shm file)."""
    return "unable to open" in str(exc) or str(exc) == "disk I/O error"


ROUND_WITHOUT_CLAIMS = "SELECT json_remove(snapshot, '$.claims') FROM round"


def _snapshot_without_claims(conn: sqlite3.Connection) -> tuple[bool, str | None]:
    """Whether the snapshot parses as JSON, and its text without the claims."""
    try:
        found = conn.execute(ROUND_WITHOUT_CLAIMS).fetchall()
    except sqlite3.OperationalError as exc:  # malformed JSON (or not text)
        # Without JSON support in SQLite the snapshot is checked when read.
        return "no such function" in str(exc), None
    # No row at all is reported when the round is read (as before: json_valid gave none).
    snapshot_ok = found == [] or (len(found) == 1 and isinstance(found[0][0], str))
    return snapshot_ok, (found[0][0] if found and snapshot_ok else None)


def _refuse_damaged(path: Path, conn: sqlite3.Connection) -> str | None:
    """Before writing to a file (the app, import-scores, merge's target): is it sound?

    A quick structural check of every page and of the round snapshot's JSON, both in C and
    fast; damage found later, in the middle of a session, would stop the app instead.
    (`verify` opens read-only and reports every problem in detail.)

    The snapshot is checked by the query that reads the round without its claims: SQLite
    parses the whole text and refuses malformed JSON, as json_valid does, so one parse of a
    national round's 7 MB snapshot serves both (json_valid as well cost ~45 ms and ~25 MB of
    peak memory at start-up). Returns that text, for `Store.round`; None without JSON support.
    """
    # quick_check on a second connection and thread, while this one reads the snapshot:
    # both run in SQLite's C code, which releases the GIL, so two cores do them at once.
    rows: list[tuple[object, ...]] = []
    failure: list[BaseException] = []

    def quick_check() -> None:
        try:
            checker = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
            try:
                rows.extend(checker.execute("PRAGMA quick_check").fetchall())
            finally:
                checker.close()
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            failure.append(exc)

    checking = threading.Thread(target=quick_check, name="panel-tui-quick-check", daemon=True)
    checking.start()
    unreadable: sqlite3.DatabaseError | None = None
    snapshot_ok, text = True, None
    try:
        snapshot_ok, text = _snapshot_without_claims(conn)
    except sqlite3.DatabaseError as exc:
        unreadable = exc  # reported below, after what quick_check says of the pages
    finally:
        checking.join()
    if failure:
        raise failure[0]
    if unreadable is not None and rows == [("ok",)]:
        raise unreadable
    if rows != [("ok",)] or not snapshot_ok:
        detail = (
            rows[0][0] if rows != [("ok",)] else _("the round snapshot is damaged: not valid JSON")
        )
        raise PanelError(
            _(
                "{path}: the database is damaged ({detail}): run `panel-tui verify {path}`; use the last hand-over copy"
            ).format(path=path, detail=detail)
        )
    return text


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
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {len(migration_files())}")


# --- the schema a file must have before anything is read through it ---------------------
#
# A stranger's file decides what its own views, triggers and tables do: a view in place of
# a table can return other rows on every read, recurse for ever or build gigabytes; a trigger
# can silently drop a write. So before any query touches a table of the file, its whole
# schema (sqlite_master) must be exactly what panel-tui's migrations create for the schema
# version the file declares; reading sqlite_master itself runs nothing of the file's.

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


def check_header(path: Path) -> None:
    """Refuse files that are not SQLite before SQLite gets a chance to be confused."""
    try:
        with path.open("rb") as handle:
            head = handle.read(100)
    except OSError as exc:
        raise PanelError(
            _("{path}: cannot read: {error}").format(path=path, error=exc.strerror or exc)
        ) from exc
    if len(head) == 0:
        raise PanelError(_("{path}: the file is empty, not a panel-tui database").format(path=path))
    if not head.startswith(b"SQLite format 3\x00"):
        raise PanelError(
            _("{path}: not a panel-tui database (not an SQLite file)").format(path=path)
        )
    if len(head) < 100:
        raise PanelError(
            _("{path}: the file is truncated (shorter than an SQLite header)").format(path=path)
        )
    application_id = int.from_bytes(head[68:72], "big")
    user_version = int.from_bytes(head[60:64], "big")
    if application_id != APPLICATION_ID:
        raise PanelError(
            _(
                "{path}: an SQLite file, but not a panel-tui database (application_id {application_id})"
            ).format(path=path, application_id=application_id)
        )
    if user_version > SCHEMA_VERSION:
        raise PanelError(
            _(
                "{path}: made by a newer panel-tui (schema {user_version}, this one reads up to {supported}): upgrade panel-tui"
            ).format(path=path, user_version=user_version, supported=SCHEMA_VERSION)
        )


class Store:
    """An open panel-tui database. Not thread-safe: one Store per thread."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self._round: Round | None = None
        self._round_text: str | None = None  # the round without claims, read by Store.open
        info = conn.execute("SELECT kind, assessor, origin FROM database_info").fetchone()
        if info is None:
            raise PanelError(
                _("{path}: the database has no database_info row: damaged").format(path=path)
            )
        self.kind: str = info[0]
        self.assessor_id: str | None = info[1]
        self.origin: str | None = info[2]

    # --- opening and creating ----------------------------------------------------------

    @classmethod
    def create(
        cls, path: Path | str, round_: Round, assessor: str | None, kind: str = "assessor"
    ) -> Store:
        """A new database holding `round_`; written under a temporary name, then renamed."""
        path = Path(path)
        if kind == "assessor" and (assessor is None or round_.assessor(assessor) is None):
            known = ", ".join(a.id for a in round_.assessors)
            raise PanelError(
                _("unknown assessor {assessor!r}: the panel of {round} is {known}").format(
                    assessor=assessor, round=round_.id, known=known
                )
            )
        if path.exists():
            raise PanelError(_("{path}: already exists").format(path=path))
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            conn = connect(tmp)
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                apply_migrations(conn)
                with transaction(conn):
                    _write_snapshot(conn, round_)
                    origin = uuid.uuid4().hex if kind == "assessor" else None
                    conn.execute(
                        "INSERT INTO database_info (kind, assessor, origin, created_at, created_by)"
                        " VALUES (?, ?, ?, ?, ?)",
                        (kind, assessor, origin, now_utc(), f"panel-tui {__version__}"),
                    )
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
            _fsync(tmp)
            os.replace(tmp, path)
            _fsync_dir(path.parent)
        except sqlite3.Error as exc:
            raise PanelError(
                _("{path}: cannot create the database: {error}").format(path=path, error=exc)
            ) from exc
        except OSError as exc:
            raise PanelError(
                _("{path}: cannot create the database: {error}").format(
                    path=path, error=exc.strerror or exc
                )
            ) from exc
        finally:
            for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                if leftover.exists():
                    leftover.unlink()
        return cls.open(path)

    @classmethod
    def open(cls, path: Path | str, readonly: bool = False) -> Store:
        path = Path(path)
        if path.is_dir():
            raise PanelError(_("{path}: a folder, not a panel-tui database file").format(path=path))
        if not path.is_file():
            raise PanelError(_("{path}: no such database file").format(path=path))
        check_header(path)
        conn = connect(path, readonly=readonly)
        round_text = None
        try:
            refuse_foreign_schema(path, conn)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version < SCHEMA_VERSION and not readonly:
                apply_migrations(conn)
            if not readonly:
                mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
                if mode != "wal":
                    conn.execute("PRAGMA journal_mode = WAL")
                round_text = _refuse_damaged(path, conn)
            store = cls(path, conn)
            store._round_text = round_text
            return store
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            conn.close()
            raise_if_cancelled(conn, exc)  # type: ignore[arg-type]
            if getattr(conn, "too_much_work", False):
                raise PanelError(too_much_work_message(path)) from exc
            raise PanelError(
                _("{path}: the database is damaged or unreadable: {error}").format(
                    path=path, error=exc
                )
            ) from exc
        except PanelError:
            conn.close()
            raise

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the round -----------------------------------------------------------------------

    @property
    def round(self) -> Round:
        if self._round is None:
            # The claims are most of a large snapshot and the first screen needs none: SQLite
            # leaves them out, and they are read from the snapshot when first used.
            deferred = True
            try:
                text, self._round_text = self._round_text, None
                row = (
                    (text,)
                    if text is not None
                    else self.conn.execute(ROUND_WITHOUT_CLAIMS).fetchone()
                )
            except sqlite3.OperationalError:  # malformed JSON, or an SQLite without JSON
                deferred = False
                row = self.conn.execute("SELECT snapshot FROM round").fetchone()
            if row is None:
                raise PanelError(_("{path}: the database holds no round").format(path=self.path))
            try:
                round_ = round_from_dict(json.loads(row[0]))
            except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
                raise self._damaged(exc) from exc
            self._round = (
                defer_claims(round_, self._claims, self._claims_of) if deferred else round_
            )
        return self._round

    def _claims(self) -> tuple[Claim, ...]:
        row = self.conn.execute("SELECT snapshot FROM round").fetchone()
        try:
            with gc_paused():
                return claims_from_list(json.loads(row[0]).get("claims", []) if row else [])
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            raise self._damaged(exc) from exc

    def _claims_of(self, nominee: str) -> list[Claim]:
        """One nominee's claims from the relational copy of the snapshot (written with it in
        one transaction; `verify` proves the two agree), in round order; from the snapshot
        itself when the copy cannot be read."""
        try:
            return [
                Claim(n, k, label, v, t, u, d, dl, p, po, src, tuple(json.loads(w)))
                for n, k, label, v, t, u, d, dl, p, po, src, w in self.conn.execute(
                    "SELECT nominee, key, label, value, text, unit, denominator,"
                    " denominator_label, percent, part_of, source, warnings"
                    " FROM claims WHERE nominee = ? ORDER BY position",
                    (nominee,),
                )
            ]
        except (ValueError, TypeError, sqlite3.Error):
            return [c for c in self.round.claims if c.nominee == nominee]

    def _damaged(self, exc: Exception) -> PanelError:
        return PanelError(
            _("{path}: the round snapshot is damaged ({error}); run panel-tui verify").format(
                path=self.path, error=exc
            )
        )

    def fingerprints(self) -> tuple[str, str]:
        row = self.conn.execute(
            "SELECT round_fingerprint, rubric_fingerprint FROM round"
        ).fetchone()
        return row[0], row[1]

    # --- recording -----------------------------------------------------------------------

    def _require_assessor(self) -> str:
        if self.kind != "assessor" or not self.assessor_id or not self.origin:
            raise PanelError(_("{path}: a merged database takes no scores").format(path=self.path))
        return self.assessor_id

    def record_score(
        self, nominee: str, criterion: str, value: float | None, reason: str = ""
    ) -> Event:
        """Record (or clear, with None) one score; durable when this returns."""
        round_ = self.round
        found = round_.nominee(nominee)
        if found is None:
            raise PanelError(_("unknown nominee {nominee!r}").format(nominee=nominee))
        rubric = round_.rubric_for(found)
        if rubric.criterion(criterion) is None:
            raise PanelError(
                _("unknown criterion {criterion!r} for {nominee}").format(
                    criterion=criterion, nominee=nominee
                )
            )
        if value is not None and not rubric.allows(value):
            raise PanelError(f"score {rubric.scale_problem(value)}")
        assessor = self._require_assessor()
        with transaction(self.conn, immediate=True):
            # Checked under the write lock: a second app on the same file cannot finalise or
            # recuse between this check and the write.
            recused, final = self._sheet_state(nominee)
            if recused:
                raise PanelError(
                    _("you are recused from {nominee}: withdraw the recusal to score").format(
                        nominee=nominee
                    )
                )
            if final and not reason.strip():
                raise PanelError(
                    _("the sheet of {nominee} is final: changing a score needs a reason").format(
                        nominee=nominee
                    )
                )
            return self._append_in_transaction(
                assessor, "score", nominee, criterion, value, None, reason
            )

    def record_note(self, nominee: str, criterion: str | None, text: str) -> Event:
        """A note on a criterion, or with criterion None the overall comment."""
        self._known_nominee(nominee)
        kind = "comment" if criterion is None else "note"
        return self._append(kind, nominee, criterion=criterion, note=text)

    def recuse(self, nominee: str, reason: str) -> Event:
        self._known_nominee(nominee)
        if not reason.strip():
            raise PanelError(_("a recusal needs a reason"))
        return self._append("recuse", nominee, reason=reason)

    def withdraw_recusal(self, nominee: str, reason: str = "") -> Event:
        self._known_nominee(nominee)
        return self._append("unrecuse", nominee, reason=reason)

    def finalise(self, nominee: str) -> Event:
        self._known_nominee(nominee)
        return self._append("finalise", nominee)

    def reopen(self, nominee: str, reason: str) -> Event:
        self._known_nominee(nominee)
        if not reason.strip():
            raise PanelError(_("reopening a final sheet needs a reason"))
        return self._append("reopen", nominee, reason=reason)

    def _known_nominee(self, nominee: str) -> None:
        if self.round.nominee(nominee) is None:
            raise PanelError(_("unknown nominee {nominee!r}").format(nominee=nominee))

    def _append(
        self,
        kind: str,
        nominee: str,
        *,
        criterion: str | None = None,
        value: float | None = None,
        note: str | None = None,
        reason: str = "",
    ) -> Event:
        assessor = self._require_assessor()
        assert kind in EVENT_KINDS
        with transaction(self.conn, immediate=True):
            return self._append_in_transaction(
                assessor, kind, nominee, criterion, value, note, reason
            )

    def _append_in_transaction(
        self,
        assessor: str,
        kind: str,
        nominee: str,
        criterion: str | None,
        value: float | None,
        note: str | None,
        reason: str,
    ) -> Event:
        origin = self.origin
        assert origin is not None
        fields = (
            (_("nominee"), nominee),
            (_("criterion"), criterion),
            (_("note"), note),
            (_("reason"), reason),
        )
        for field_, text in fields:
            if text is None:
                continue
            bidi = _BIDI_CONTROL.search(text)
            if bidi is not None:
                raise PanelError(
                    _("the {field} {problem}").format(
                        field=field_, problem=bidi_message(bidi.group())
                    )
                )
            if not _storable(text):
                raise PanelError(
                    _(
                        "the {field} has characters that cannot be saved (a broken paste?): retype it"
                    ).format(field=field_)
                )
        last = self.conn.execute(
            "SELECT seq, hash FROM score_events WHERE origin = ? ORDER BY seq DESC LIMIT 1",
            (origin,),
        ).fetchone()
        if last is None:
            seq, prev = 1, genesis_hash(origin, assessor, *self.fingerprints())
        else:
            seq, prev = last[0] + 1, last[1]
        event = new_event(
            origin,
            seq,
            assessor,
            kind,
            nominee,
            criterion,
            None if value is None else float(value),
            note,
            reason or None,
            now_utc(),
            prev,
        )
        insert_events(self.conn, [event])
        # Read back before anyone says "Saved": a trigger added while the file was open (by
        # another program: the schema was checked when it was opened) could drop the row.
        stored = self.conn.execute(
            "SELECT hash FROM score_events WHERE origin = ? AND seq = ?", (origin, seq)
        ).fetchone()
        if stored is None or stored[0] != event.hash:
            raise PanelError(
                _(
                    "{path}: the {kind} was not written as given (the file was changed while"
                    " open?): nothing was saved"
                ).format(path=self.path, kind=kind)
            )
        return event

    def import_rows(self, rows: list[tuple[str, str, float, str]]) -> int:
        """Record many (nominee, criterion, score, note) in one transaction: all or nothing."""
        assessor = self._require_assessor()
        with transaction(self.conn, immediate=True):
            # The caller checked the sheets; check again under the write lock (the app may
            # have finalised or recused meanwhile).
            for nominee in sorted({row[0] for row in rows}):
                if any(self._sheet_state(nominee)):
                    raise PanelError(
                        _(
                            "{nominee} was finalised or recused meanwhile; nothing was recorded"
                        ).format(nominee=nominee)
                    )
            origin = self.origin
            before = self._events_of(origin)
            expected = 0
            for nominee, criterion, value, note in rows:
                self._append_in_transaction(
                    assessor, "score", nominee, criterion, value, None, "imported score sheet"
                )
                expected += 1
                if note:
                    self._append_in_transaction(
                        assessor, "note", nominee, criterion, None, note, ""
                    )
                    expected += 1
            # "recorded N" only for N rows that are there, read back inside the transaction.
            if self._events_of(origin) - before != expected:
                raise PanelError(
                    _(
                        "{path}: the scores were not written as given (the file was changed"
                        " while open?): nothing was recorded"
                    ).format(path=self.path)
                )
        return len(rows)

    def _events_of(self, origin: str | None) -> int:
        count: int = self.conn.execute(
            "SELECT COUNT(*) FROM score_events WHERE origin = ?", (origin,)
        ).fetchone()[0]
        return count

    def record_paper_sheet(
        self,
        rows: Sequence[paper.PaperRow],
        reason: str = "",
        source: str = "imported score sheet",
    ) -> paper.Plan:
        """Record a checked paper sheet in one transaction: only what it changes.

        Cells already holding the typed value write nothing, so importing a sheet twice
        records it once. Replacing a recorded score, or writing on a final sheet, needs
        `reason`: a final sheet is reopened with it, written, and finalised again, so the
        audit trail shows the correction rather than a silent change. `source` (the sheet and
        who typed it) is every score event's reason, after `reason` when there is one, and
        every note event's.
        """
        from panel_tui.domain import paper  # the paper path only: not on the scoring app's start

        assessor = self._require_assessor()
        with transaction(self.conn, immediate=True):
            # Planned under the write lock: the app may have scored, recused or finalised
            # since the caller looked.
            held = self.sheets()
            found = paper.plan(rows, held)
            if found.needs_reason and not reason.strip():
                raise PanelError(
                    _(
                        "the sheets changed meanwhile: this sheet now corrects recorded scores"
                        " or a final sheet and needs a reason; nothing was recorded"
                    )
                )
            scored = [row.nominee for row in found.scores]
            scored += [change.nominee for change in found.changes]
            for nominee in scored:
                if nominee in held and held[nominee].recused:
                    raise PanelError(
                        _("{nominee} was recused meanwhile; nothing was recorded").format(
                            nominee=nominee
                        )
                    )
            why = f"{reason.strip()}; {source}" if reason.strip() else source
            for nominee in found.reopen:
                self._append_in_transaction(
                    assessor, "reopen", nominee, None, None, None, reason.strip()
                )
            for row in found.recusals:
                self._append_in_transaction(
                    assessor, "recuse", row.nominee, None, None, None, row.note
                )
            for change in found.changes:
                self._append_in_transaction(
                    assessor, "score", change.nominee, change.criterion, change.new, None, why
                )
            for row in found.scores:
                self._append_in_transaction(
                    assessor, "score", row.nominee, row.criterion, row.value, None, why
                )
            for row in found.notes:
                self._append_in_transaction(
                    assessor, "note", row.nominee, row.criterion, None, row.note, source
                )
            for nominee in found.reopen:
                self._append_in_transaction(assessor, "finalise", nominee, None, None, None, "")
        return found

    # --- reading -------------------------------------------------------------------------

    def sheets(self, assessor: str | None = None) -> dict[str, Sheet]:
        """Current sheets of one assessor (default: this database's), by nominee id."""
        who = assessor or self.assessor_id
        return self._project("assessor = ?", (who,)).get(who or "", {})

    def sheet_counts(self, assessor: str | None = None) -> dict[str, tuple[int, bool, bool]]:
        """Per nominee with anything on its sheet: (criteria scored, final, recused)."""
        return {
            nominee: (len(held.scores), held.final, held.recused)
            for nominee, held in self.sheets(assessor).items()
        }

    def _sheet_state(self, nominee: str) -> tuple[bool, bool]:
        """(recused, final) of this assessor's sheet of `nominee`."""
        held = self.sheet(nominee)
        return held.recused, held.final

    def sheet(self, nominee: str, assessor: str | None = None) -> Sheet:
        """One nominee's sheet (on the keystroke path: the cell index finds its events)."""
        who = assessor or self.assessor_id
        found = self._project("assessor = ? AND nominee = ?", (who, nominee))
        return found.get(who or "", {}).get(nominee) or Sheet(nominee)

    def _project(self, where: str, params: tuple[Any, ...]) -> dict[str, dict[str, Sheet]]:
        rows = self.conn.execute(
            f"{projection.SELECT_EVENTS} WHERE {where} ORDER BY origin, seq", params
        )
        return projection.sheets(projection.fold(rows))

    def events(self, origin: str | None = None) -> Iterator[Event]:
        sql = f"SELECT {', '.join(Event.COLUMNS)} FROM score_events"
        params: tuple[Any, ...] = ()
        if origin is not None:
            sql += " WHERE origin = ?"
            params = (origin,)
        sql += " ORDER BY origin, seq"
        for row in self.conn.execute(sql, params):
            yield Event(*row)

    def chain_heads(self) -> list[tuple[str, str, int, str]]:
        """(origin, assessor, length, head hash) of every chain in the file."""
        return [
            (origin, assessor, seq, head)
            for origin, assessor, seq, head in self.conn.execute(
                "SELECT origin, assessor, seq, hash FROM score_events e WHERE seq = "
                "(SELECT MAX(seq) FROM score_events x WHERE x.origin = e.origin) ORDER BY origin"
            )
        ]

    # --- where the assessor was ---------------------------------------------------------

    def get_state(self, key: str, default: str = "") -> str:
        row = self.conn.execute("SELECT value FROM ui_state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_state(self, key: str, value: str) -> None:
        self.set_states({key: value})

    def set_states(self, values: dict[str, str]) -> None:
        """Several keys in one transaction: one sync to disk, not one per key."""
        with transaction(self.conn, immediate=True):
            self.conn.executemany(
                "INSERT INTO ui_state (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                list(values.items()),
            )

    # --- another program on the same file ------------------------------------------------

    def data_version(self) -> int:
        """Moves on when another connection (another panel-tui, a command) commits."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def set_busy_timeout(self, milliseconds: int) -> None:
        """How long a write waits for another writer before DatabaseBusy is raised."""
        self.conn.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")


class DatabaseBusy(PanelError):
    """Another connection holds the write lock: the change was not made; it may be tried again."""


def database_identity(path: Path) -> tuple[str, str, str | None, str | None] | None:
    """(round id, kind, assessor, origin) of a panel-tui database, or None for any other file.

    Read only and without the checks of Store.open: cheap enough to look at every database
    in a folder for a second file of the same round and assessor.
    """
    try:
        with path.open("rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                return None
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2)
    except (OSError, sqlite3.Error, ValueError):
        return None
    try:
        round_row = conn.execute("SELECT id FROM round").fetchone()
        info = conn.execute("SELECT kind, assessor, origin FROM database_info").fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    if round_row is None or info is None:
        return None
    assessor = None if info[1] is None else str(info[1])
    origin = None if info[2] is None else str(info[2])
    return str(round_row[0]), str(info[0]), assessor, origin


def _storable(text: str) -> bool:
    """True when `text` can be written as UTF-8 (no lone surrogates from a broken paste) and
    holds no terminal control character (ESC, CSI…) that would reach a terminal later."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return _TERMINAL_CONTROL.search(text) is None


# Control characters a terminal acts on (NUL is stored and shown as nothing; tab and line
# breaks are text), and the bidirectional controls that reorder what is shown.
_TERMINAL_CONTROL = re.compile(f"[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f{BIDI_CONTROLS}]")
_BIDI_CONTROL = re.compile(f"[{BIDI_CONTROLS}]")


_INSERT_EVENT = (
    f"INSERT INTO score_events ({', '.join(Event.COLUMNS)})"
    f" VALUES ({', '.join('?' for _ in Event.COLUMNS)})"
)


def insert_events(conn: sqlite3.Connection, events: list[Event]) -> None:
    if len(events) == 1:
        conn.execute(_INSERT_EVENT, events[0].row())
    else:
        conn.executemany(_INSERT_EVENT, [e.row() for e in events])


@contextmanager
def transaction(conn: sqlite3.Connection, immediate: bool = False) -> Iterator[None]:
    """One transaction; IMMEDIATE takes the write lock up front so two writers queue."""
    try:
        conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise DatabaseBusy(
                _("the database is busy: another panel-tui is writing to it; try again")
            ) from exc
        raise PanelError(
            _("cannot write to the database: {reason}").format(reason=_sqlite_reason(exc))
        ) from exc
    try:
        yield
    except sqlite3.Error as exc:
        # A full disk, a read-only file, an I/O error: the change is rolled back, and the
        # caller (the app's "NOT saved", a command's message) gets a refusal, not a crash.
        _rollback(conn)
        raise PanelError(
            _("the change was not saved: {reason}").format(reason=_sqlite_reason(exc))
        ) from exc
    except BaseException:
        _rollback(conn)
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        _rollback(conn)
        raise PanelError(
            _("the change was not saved: {reason}").format(reason=_sqlite_reason(exc))
        ) from exc


def _rollback(conn: sqlite3.Connection) -> None:
    # SQLite may have rolled back already (it does after SQLITE_FULL and I/O errors).
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def _sqlite_reason(exc: sqlite3.Error | UnicodeDecodeError) -> str:
    text = str(exc)
    if "full" in text:
        return text + " " + _("(free some space on the disk, then try again)")
    if "readonly" in text or "read-only" in text:
        return text + " " + _("(the file or its folder cannot be written)")
    return text


def _write_snapshot(conn: sqlite3.Connection, round_: Round) -> None:
    data = round_to_dict(round_)
    conn.execute(
        "INSERT INTO round (id, title, province, year, stage, venue, dates, number_format, advance,"
        " presentation_minutes, snapshot, round_fingerprint, rubric_fingerprint)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            round_.id,
            round_.title,
            round_.province,
            round_.year,
            round_.stage,
            round_.venue,
            json.dumps(data["dates"]),
            round_.number_format,
            round_.advance,
            round_.presentation_minutes,
            canonical_json(data),
            round_fingerprint(round_),
            rubric_fingerprint(round_),
        ),
    )
    conn.executemany(
        "INSERT INTO assessors VALUES (?, ?, ?, ?)",
        [(a.id, a.name, a.affiliation, i) for i, a in enumerate(round_.assessors)],
    )
    conn.executemany(
        "INSERT INTO rubrics VALUES (?, ?, ?, ?)",
        [(r.id, r.min, r.max, r.step) for r in round_.rubrics],
    )
    conn.executemany(
        "INSERT INTO categories VALUES (?, ?, ?, ?)",
        [(c.id, c.title, c.rubric, i) for i, c in enumerate(round_.categories)],
    )
    conn.executemany(
        "INSERT INTO criteria VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                r.id,
                c.id,
                i,
                c.title,
                c.weight,
                c.guidance,
                json.dumps(list(c.claims)),
                json.dumps([list(level) for level in c.levels], ensure_ascii=False),
            )
            for r in round_.rubrics
            for i, c in enumerate(r.criteria)
        ],
    )
    conn.executemany(
        'INSERT INTO nominees (id, name, category, presenter, slot, "order", position)'
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                n.id,
                n.name,
                n.category,
                n.presenter,
                n.slot.isoformat(sep=" ", timespec="minutes") if n.slot else None,
                n.order,
                i,
            )
            for i, n in enumerate(round_.nominees)
        ],
    )
    conn.executemany(
        "INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                c.nominee,
                c.key,
                i,
                c.label,
                c.value,
                c.text,
                c.unit,
                c.denominator,
                c.denominator_label,
                c.percent,
                c.part_of,
                c.source,
                json.dumps(list(c.warnings), ensure_ascii=False),
            )
            for i, c in enumerate(round_.claims)
        ],
    )


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
