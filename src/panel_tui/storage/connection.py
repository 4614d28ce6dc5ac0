"""Connections to a panel-tui database: the pragmas every connection uses, the guard on a stranger's file (limits, a bound on work), and transactions that refuse instead of crashing."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from panel_tui.domain.problems import PanelError
from panel_tui.i18n import _

BUSY_TIMEOUT_MS = 10_000


def connect(path: Path | str, readonly: bool = False) -> sqlite3.Connection:
    """A connection with the pragmas every panel-tui connection uses."""
    path = Path(path)
    conn: sqlite3.Connection | None = None
    try:
        if readonly:
            conn = _connect_readonly(path)
        else:
            # By URI, so that read-only URIs can be attached to it (merge's inputs).
            conn = sqlite3.connect(
                path.resolve().as_uri(),
                uri=True,
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
                path=path, reason=sqlite_reason(exc), hint=_read_only_hint(path)
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
    (a read-only folder, a full disk) and no `-wal` holds anything to recover, nothing can
    change the file, so it is opened as immutable instead of being refused.
    """
    uri = path.resolve().as_uri()

    def opened(query: str) -> sqlite3.Connection:
        conn = sqlite3.connect(
            f"{uri}?{query}",
            uri=True,
            isolation_level=None,
            timeout=BUSY_TIMEOUT_MS / 1000,
            check_same_thread=False,
            factory=GuardedConnection,
        )
        harden(conn)
        return conn

    conn = opened("mode=ro")
    try:
        conn.execute("PRAGMA schema_version").fetchone()
    except sqlite3.OperationalError as exc:
        wal = Path(f"{path}-wal")
        if not no_shm_possible(exc) or (wal.exists() and wal.stat().st_size > 0):
            conn.close()
            raise
        conn.close()
        conn = opened("mode=ro&immutable=1")
    except (sqlite3.DatabaseError, UnicodeDecodeError):
        # A damaged file: the caller reports it on its first read.
        pass
    return conn


def connect_unchanging(path: Path) -> sqlite3.Connection:
    """Read-only, guarded as `connect(path, readonly=True)`, for a file that cannot change
    while it is read: opened as immutable (SQLite reads the file alone, without locks and
    without a `-wal`), and without sharing this process's record of the file's locks (the
    `unix-none` VFS where there is one: a process forked from one holding the file open)."""
    uri = path.resolve().as_uri()
    vfs = "&vfs=unix-none" if os.name == "posix" else ""
    conn = sqlite3.connect(
        f"{uri}?mode=ro&immutable=1{vfs}",
        uri=True,
        isolation_level=None,
        check_same_thread=False,
        factory=GuardedConnection,
    )
    try:
        harden(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def no_shm_possible(exc: sqlite3.Error) -> bool:
    """The error SQLite gives when it cannot make the `-shm` file of a WAL database: "unable
    to open" in a read-only folder, "disk I/O error" on a full disk (SQLITE_IOERR_SHMSIZE,
    or another I/O error on the -shm file)."""
    return "unable to open" in str(exc) or str(exc) == "disk I/O error"


class DatabaseBusy(PanelError):
    """Another connection holds the write lock: the change was not made; it may be tried again."""


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
            _("cannot write to the database: {reason}").format(reason=sqlite_reason(exc))
        ) from exc
    try:
        yield
    except sqlite3.Error as exc:
        # A full disk, a read-only file, an I/O error: the change is rolled back, and the
        # caller (the app's "NOT saved", a command's message) gets a refusal, not a crash.
        _rollback(conn)
        raise PanelError(
            _("the change was not saved: {reason}").format(reason=sqlite_reason(exc))
        ) from exc
    except BaseException:
        _rollback(conn)
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        _rollback(conn)
        raise PanelError(
            _("the change was not saved: {reason}").format(reason=sqlite_reason(exc))
        ) from exc


def _rollback(conn: sqlite3.Connection) -> None:
    # SQLite may have rolled back already (it does after SQLITE_FULL and I/O errors).
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def sqlite_reason(exc: sqlite3.Error | UnicodeDecodeError) -> str:
    text = str(exc)
    if "full" in text:
        return text + " " + _("(free some space on the disk, then try again)")
    if "readonly" in text or "read-only" in text:
        return text + " " + _("(the file or its folder cannot be written)")
    return text
