"""One way to write to the assessor's database from the scoring screen, for every kind of change.

Scores, notes, the comment, a recusal, finalising and reopening all go the same way: try the
store call; when another program holds the file, wait for it in a dialog that says so; when
the database refuses, say why in red and keep nothing on screen that is not on disk; when it
took the change, draw the sheet again from disk and only then say "✓ saved".
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.screen import Screen

from panel_tui.domain.problems import PanelError
from panel_tui.i18n import _
from panel_tui.storage.connection import DatabaseBusy
from panel_tui.tui.scoring.status_line import StatusLine


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class SheetWrite:
    """One change, and what the status line says once the database has answered."""

    what: str  # named while the file is busy: "Regulasi = 4", "Your recusal"
    attempt: Callable[[], object]  # the store call; tried again while the file is busy
    saved: Callable[[], str | None]  # worded after the write returned (None: said elsewhere)
    refused: Callable[[str], str]  # from the database's reason
    on_saved: Callable[[], None] = _nothing  # before the sheet is drawn again
    on_refused: Callable[[], None] = _nothing


class SheetWriter:
    """Runs SheetWrites for one screen (its StatusLine), which says how to draw its sheet again."""

    def __init__(self, screen: Screen[Any], redraw: Callable[[], None]) -> None:
        self._screen = screen
        self._redraw = redraw

    @property
    def _status(self) -> StatusLine:
        return self._screen.query_one(StatusLine)

    def run(self, write: SheetWrite) -> bool:
        """True when the change is on disk now; False when refused, or while it waits for
        another program to free the file (keys typed meanwhile are dropped, not replayed)."""
        try:
            write.attempt()
        except DatabaseBusy:
            self._wait(write)
            return False
        except (PanelError, sqlite3.Error) as exc:
            self._refuse(write, str(exc))
            return False
        self._take(write)
        return True

    def _wait(self, write: SheetWrite) -> None:
        from panel_tui.tui.dialogs.wait_database import GAVE_UP, SAVED, WaitForDatabase

        def done(result: str | None) -> None:
            if result == SAVED:
                self._take(write)
            elif result == GAVE_UP or result is None:
                self._refuse(
                    write, _("another program was writing to the file; you gave up waiting")
                )
            else:
                self._refuse(write, result)

        self._status.say(_("Waiting for the database…"), "pending")
        self._screen.app.push_screen(WaitForDatabase(write.what, write.attempt), done)

    def _take(self, write: SheetWrite) -> None:
        write.on_saved()
        self._redraw()
        message = write.saved()
        if message is not None:
            self._status.saved(message)

    def _refuse(self, write: SheetWrite, error: str) -> None:
        write.on_refused()
        self._redraw()
        self._status.refused(write.refused(error))
