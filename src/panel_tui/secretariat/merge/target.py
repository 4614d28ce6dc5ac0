"""OUT, the merged file: opened or created (from the first verified input's round), published by a durable rename."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

from panel_tui import __version__
from panel_tui.domain.problems import PanelError
from panel_tui.i18n import _
from panel_tui.secretariat.verify.reference import reference_image
from panel_tui.storage import schema
from panel_tui.storage.atomic import fsync, move_into_place, remove_temporary, temporary_beside
from panel_tui.storage.connection import connect, transaction
from panel_tui.storage.store import Store, chain_heads, now_utc


class Target:
    """OUT, opened with URI filenames so inputs can be attached read-only."""

    def __init__(self, path: Path, conn: sqlite3.Connection, pending: Path | None) -> None:
        self.path = path
        self.conn = conn
        self.pending = pending  # the temporary file holding a new OUT until its first input
        row = conn.execute("SELECT round_fingerprint, rubric_fingerprint FROM round").fetchone()
        if row is None:
            raise PanelError(_("{out}: holds no round: damaged").format(out=path))
        self.fingerprints: tuple[str, str] = (row[0], row[1])
        # origin -> (assessor, length) of every chain in OUT, kept up to date after each input
        self.chains: dict[str, tuple[str, int]] = {}
        self.data_version = -1
        self.refresh_chains()

    def refresh_chains(self) -> None:
        """Read OUT's chains again when another connection (a second merge into the same OUT)
        committed since they were read; PRAGMA data_version changes only then."""
        version = self.conn.execute("PRAGMA main.data_version").fetchone()[0]
        if version == self.data_version:
            return

        self.chains = {
            origin: (assessor, length) for origin, assessor, length, _head in chain_heads(self.conn)
        }
        self.data_version = version

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:

        conn = connect(path)
        # The inputs are ATTACHed to this connection: no function their schema names runs.
        conn.execute("PRAGMA trusted_schema = OFF")
        return conn

    @classmethod
    def open_existing(cls, path: Path) -> Target:

        # Store.open checks the header and brings an older schema up to date.
        with Store.open(path) as store:
            if store.kind != "merged":
                raise PanelError(
                    _(
                        "{out}: is an assessor's database, not a merged file: "
                        "merge into a new file instead"
                    ).format(out=path)
                )
        try:
            conn = cls._connect(path)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version != schema.SCHEMA_VERSION:
                conn.close()
                raise PanelError(_("{out}: unexpected schema version").format(out=path))
            return cls(path, conn, None)
        except sqlite3.DatabaseError as exc:
            raise PanelError(
                _("{out}: the database is damaged or unreadable: {error}").format(
                    out=path, error=exc
                )
            ) from exc

    @classmethod
    def create_pending(cls, out: Path, snapshot_source: Path) -> Target:
        """A new merged file under a temporary name, holding the input's round snapshot."""

        if not out.parent.is_dir():
            raise PanelError(_("{folder}: no such folder").format(folder=out.parent))
        tmp = temporary_beside(out)
        with Store.open(snapshot_source, readonly=True) as source:
            if not _create_from_reference(tmp, source):
                # the round may read parts of itself lazily: create while the source is open
                Store.create(tmp, source.round, None, kind="merged").close()
        try:
            return cls(out, cls._connect(tmp), tmp)
        except BaseException:
            remove_temporary(tmp)
            raise

    def publish(self) -> None:
        """Rename the temporary new OUT into place (after its first accepted input)."""

        assert self.pending is not None
        tmp = self.pending
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()
        if self.path.exists():
            remove_temporary(tmp)
            raise PanelError(
                _("{out}: appeared while merging; nothing was written to it").format(out=self.path)
            )
        move_into_place(tmp, self.path)
        remove_temporary(tmp)  # its -wal and -shm
        self.pending = None
        self.conn = self._connect(self.path)

    def discard(self) -> None:
        if self.pending is not None:
            self.conn.close()
            remove_temporary(self.pending)

    def close(self) -> None:
        if self.pending is not None:
            self.discard()
            return
        with contextlib.suppress(sqlite3.Error):
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()


def _create_from_reference(tmp: Path, source: Any) -> bool:
    """Create the new merged file at `tmp` from the reference database the verification
    built for the source's snapshot (what `Store.create` would write: the schema and the
    round tables), plus its database_info row. False when there is none in this process."""

    row = source.conn.execute("SELECT snapshot FROM round").fetchone()
    image = reference_image(row[0]) if row is not None and isinstance(row[0], str) else None
    if image is None:
        return False
    try:
        with open(tmp, "xb") as handle:
            handle.write(image)
        conn = connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            with transaction(conn):
                conn.execute(
                    "INSERT INTO database_info (kind, assessor, origin, created_at, created_by)"
                    " VALUES ('merged', NULL, NULL, ?, ?)",
                    (now_utc(), f"panel-tui {__version__}"),
                )
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        fsync(tmp)
    except BaseException as exc:
        remove_temporary(tmp)
        # the messages of Store.create
        if isinstance(exc, sqlite3.Error):
            raise PanelError(
                _("{path}: cannot create the database: {error}").format(path=tmp, error=exc)
            ) from exc
        if isinstance(exc, OSError):
            reason = exc.strerror or exc
            raise PanelError(
                _("{path}: cannot create the database: {error}").format(path=tmp, error=reason)
            ) from exc
        raise
    return True
