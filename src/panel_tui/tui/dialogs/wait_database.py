"""Waiting for another program to finish writing to the database, in sight of the assessor."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import Static

from panel_tui.domain.problems import PanelError
from panel_tui.i18n import N_, _
from panel_tui.storage.connection import DatabaseBusy
from panel_tui.tui.common.footer import DialogFooter

RETRY_EVERY = 0.5  # seconds between attempts; each attempt waits WRITE_WAIT_MS at most
SAVED = ""
GAVE_UP = "\x00gave up"


class WaitForDatabase(ModalScreen[str]):
    """Tries `attempt` again until it goes through: SAVED, an error's text, or GAVE_UP (Esc).

    Keys typed while waiting are dropped, never replayed: the assessor typed them without
    seeing what they would do.
    """

    BINDINGS = [  # noqa: RUF012
        Binding("escape", "give_up", N_("give up"), id="wait.give-up"),
    ]

    def __init__(self, what: str, attempt: Callable[[], object]) -> None:
        super().__init__(classes="dialog")
        self.what = what
        self.attempt = attempt
        self.started = time.monotonic()
        self.dropped = 0

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(Content(_("Waiting for the database…")), classes="dialog-title")
            yield Static(id="wait-explanation", classes="dialog-explanation")
            yield Static(Content(_("Esc: give up (nothing is saved)")), classes="dialog-hint")
        yield DialogFooter()

    def on_mount(self) -> None:
        self._explain()
        self.set_interval(RETRY_EVERY, self._try)

    def _explain(self) -> None:
        text = _(
            "Another program is writing to this file. {what} is saved as soon as it is free."
        ).format(what=self.what)
        if self.dropped:
            text += " " + _("Keys typed meanwhile are not used ({count}).").format(
                count=self.dropped
            )
        self.query_one("#wait-explanation", Static).update(Content(text))

    def _try(self) -> None:
        try:
            self.attempt()
        except DatabaseBusy:
            return
        except (PanelError, sqlite3.Error) as exc:
            self.dismiss(str(exc))
            return
        self.dismiss(SAVED)

    def on_key(self, event: Key) -> None:
        if event.key != "escape":
            event.stop()
            event.prevent_default()
            self.dropped += 1
            self._explain()

    def action_give_up(self) -> None:
        self.dismiss(GAVE_UP)
