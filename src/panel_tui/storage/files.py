"""A database as a file: its header, its soundness before a write, its identity at a glance, and making it durable on disk."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import threading
from pathlib import Path

from panel_tui.domain.problems import PanelError
from panel_tui.i18n import _
from panel_tui.storage import schema
from panel_tui.storage.connection import (
    BUSY_TIMEOUT_MS,
)
from panel_tui.storage.schema import (
    APPLICATION_ID,
)

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


def refuse_damaged(path: Path, conn: sqlite3.Connection) -> str | None:
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


SIDE_FILES = ("-journal", "-wal", "-shm")


def refuse_odd_side_files(path: Path) -> None:
    """SQLite opens the journal, WAL and shared-memory files beside a database when it reads
    it (a journal, to see whether it is hot): one that is a named pipe would keep it waiting
    for ever, a device or a folder is no such file. Refused before SQLite opens the file."""
    for suffix in SIDE_FILES:
        side = Path(f"{path}{suffix}")
        try:
            mode = side.stat().st_mode
        except OSError:  # absent (or unreadable: SQLite then says why)
            continue
        if not stat.S_ISREG(mode):
            raise PanelError(
                _(
                    "{path}: {side} beside it is not a regular file (a pipe, a folder or a device): remove it, then try again"
                ).format(path=path, side=side.name)
            )


def check_header(path: Path) -> None:
    """Refuse files that are not SQLite before SQLite gets a chance to be confused.

    Opened without blocking, and anything but a regular file refused before a byte is read:
    a named pipe (a FIFO) would otherwise keep the reader waiting for ever for a writer."""
    try:
        handle = os.open(
            path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        )
        try:
            mode = os.fstat(handle).st_mode
            if stat.S_ISDIR(mode):
                raise PanelError(
                    _("{path}: a folder, not a panel-tui database file").format(path=path)
                )
            if not stat.S_ISREG(mode):
                raise PanelError(
                    _(
                        "{path}: not a regular file (a pipe, a socket or a device), not a panel-tui database"
                    ).format(path=path)
                )
            head = os.read(handle, 100)
        finally:
            os.close(handle)
    except OSError as exc:
        if path.is_dir():  # a folder cannot be opened at all on Windows
            raise PanelError(
                _("{path}: a folder, not a panel-tui database file").format(path=path)
            ) from exc
        raise PanelError(
            _("{path}: cannot read: {error}").format(path=path, error=exc.strerror or exc)
        ) from exc
    refuse_odd_side_files(path)
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
    if user_version > schema.SCHEMA_VERSION:
        raise PanelError(
            _(
                "{path}: made by a newer panel-tui (schema {user_version}, this one reads up to {supported}): upgrade panel-tui"
            ).format(path=path, user_version=user_version, supported=schema.SCHEMA_VERSION)
        )


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


def no_journal(path: Path) -> bool:
    """No WAL frames or rollback journal beside the file: SQLite reads only the file.

    Checked while a connection holds a read transaction on the file, it also means the file
    itself cannot change until that transaction ends: the transaction then reads the file
    directly (WAL read mark 0, or a shared lock without WAL), which keeps a checkpoint from
    writing into it and any other writer out of it."""
    for suffix in ("-wal", "-journal"):
        try:
            found = Path(f"{path}{suffix}").stat()
            if found.st_size > 0 or not stat.S_ISREG(found.st_mode):
                return False
        except FileNotFoundError:
            continue
        except OSError:
            return False
    return True


def file_sha256_and_size(path: Path) -> tuple[str, int]:
    """The SHA-256 (hex) of the file's bytes and how many there were, read in 1 MiB blocks
    (a merged file is tens of megabytes; memory stays flat)."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def file_sha256(path: Path) -> str:
    return file_sha256_and_size(path)[0]
