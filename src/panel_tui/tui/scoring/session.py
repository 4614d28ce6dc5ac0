"""What the scoring app works on: one assessor database, or a round still waiting for its assessor.

No Textual here; the launcher resolves the command line into one of these before the app
starts, so a bad path or an unknown assessor is reported on the terminal, not in the app.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from panel_tui.domain.model import Assessor, Round
from panel_tui.domain.problems import PanelError
from panel_tui.domain.sheet import Sheet
from panel_tui.i18n import _
from panel_tui.storage.files import database_identity
from panel_tui.storage.store import Store

STATE_NOMINEE = "scoring.nominee"
STATE_CRITERION = "scoring.criterion"
STATE_SCREEN = "scoring.screen"
STATE_LANGUAGE = "scoring.language"  # the last one chosen with ctrl+l, for the next start

# A write waits this long for another writer, then the app says so and waits visibly: the
# screen never freezes behind SQLite's busy handler.
WRITE_WAIT_MS = 300
LOOKED_AT_MAX = 200  # database files looked at per folder for a second copy


def round_db_path(round_: Round, assessor: str) -> Path:
    """Where a round folder's database for `assessor` lives: the user's data directory."""
    from panel_tui.paths import data_dir

    return data_dir() / f"{round_.id}-{assessor}.db"


@dataclass
class Session:
    """An open assessor database."""

    store: Store
    created: bool = False
    # Other databases of the same round and assessor: scores typed there are not here.
    others: list[Path] = field(default_factory=list)
    # The agenda's counts read when the database was opened, kept for its first fill while
    # nothing has been written since (by this connection or another): read once, not twice.
    _opened: tuple[tuple[int, int], dict[str, tuple[int, bool, bool]]] | None = field(
        default=None, repr=False
    )

    @property
    def round(self) -> Round:
        return self.store.round

    @property
    def path(self) -> Path:
        return self.store.path

    @property
    def assessor(self) -> Assessor:
        assessor_id = self.store.assessor_id
        found = self.round.assessor(assessor_id or "")
        return found or Assessor(assessor_id or "?", assessor_id or "?")

    def sheet(self, nominee: str) -> Sheet:
        """One nominee's sheet from disk; PanelError when the file cannot be read."""
        try:
            return self.store.sheet(nominee)
        except sqlite3.Error as exc:
            raise PanelError(
                _("cannot read {path}: {error}").format(path=self.path, error=exc)
            ) from exc

    def _written(self) -> tuple[int, int]:
        """Changes so far: PRAGMA data_version moves on another connection's commit."""
        conn = self.store.conn
        return conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes

    def sheets(self) -> dict[str, Sheet]:
        try:
            return self.store.sheets()
        except sqlite3.Error as exc:
            raise PanelError(
                _("cannot read {path}: {error}").format(path=self.path, error=exc)
            ) from exc

    def sheet_counts(self) -> dict[str, tuple[int, bool, bool]]:
        """What the agenda shows of each sheet (Store.sheet_counts)."""
        opened, self._opened = self._opened, None
        try:
            if opened is not None and opened[0] == self._written():
                return opened[1]
            return self.store.sheet_counts()
        except sqlite3.Error as exc:
            raise PanelError(
                _("cannot read {path}: {error}").format(path=self.path, error=exc)
            ) from exc

    def close(self) -> None:
        self.store.close()


def other_databases(session: Session, folders: list[Path]) -> list[Path]:
    """Files in `folders` holding the same round for the same assessor as `session`."""
    own = session.path.resolve()
    found: list[Path] = []
    seen: set[Path] = {own}
    for folder in folders:
        try:
            candidates = sorted(folder.glob("*.db"))[:LOOKED_AT_MAX]
        except OSError:
            continue
        for candidate in candidates:
            resolved = candidate.resolve()
            if resolved in seen or not candidate.is_file():
                continue
            seen.add(resolved)
            identity = database_identity(candidate)
            if identity is None or identity[3] == session.store.origin:
                continue  # not ours, or a copy of this very file (a hand-over): same scores
            if identity[:3] == (session.round.id, "assessor", session.store.assessor_id):
                found.append(candidate)
    return found


def look_for_others(session: Session, round_folder: Path | None = None) -> None:
    """Fill `session.others` from the data directory, the round folder, the working folder
    and the database's own folder: the places a second database is made by mistake."""
    from panel_tui.paths import data_dir

    folders = [data_dir(), session.path.parent, Path.cwd()]
    if round_folder is not None:
        folders.append(round_folder)
    session.others = other_databases(session, folders)


@dataclass(frozen=True)
class PendingRound:
    """A round folder (or the demo) whose assessor is asked on the first screen."""

    folder: Path
    round: Round


def open_database(path: Path, assessor: str | None = None) -> Session:
    store = Store.open(path)
    try:
        try:
            snapshot = store.round  # read once, here: damage is refused at the door
            del snapshot
            session = Session(store)
            store.set_busy_timeout(WRITE_WAIT_MS)
            session._opened = (session._written(), store.sheet_counts())
        except PanelError:
            raise
        except (sqlite3.Error, ValueError, KeyError, TypeError) as exc:
            raise PanelError(
                _("{path}: the database is damaged or unreadable: {error}").format(
                    path=path, error=exc
                )
            ) from exc
        if store.kind != "assessor":
            raise PanelError(
                _(
                    "{path} is a merged database: it takes no scores; open an assessor's database"
                ).format(path=path)
            )
        if assessor is not None and store.assessor_id != assessor:
            raise PanelError(
                _("{path} belongs to assessor {owner}, not {assessor}").format(
                    path=path, owner=repr(store.assessor_id), assessor=repr(assessor)
                )
            )
    except PanelError:
        store.close()
        raise
    return session


def open_round(folder: Path, round_: Round, assessor: str) -> Session:
    """Create (or reuse) the assessor's database for a round folder in the data directory."""
    from panel_tui.assessor.setup import (
        init_assessor_db,  # imports the loader: only for round folders
    )

    path, created, _warnings = init_assessor_db(folder, assessor, round_db_path(round_, assessor))
    session = open_database(path, assessor)
    session.created = created
    look_for_others(session, folder)
    return session
