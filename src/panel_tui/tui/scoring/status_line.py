"""The scoring screen's status line: the one place that answers every key.

A save is confirmed here only after the database call returned; a refusal stays here, in
red, until the next change. Notices (toasts) vanish, and an assessor looking at the panel of
nominees misses them: what a key did is always on this line.
"""

from __future__ import annotations

from typing import Literal

from textual.content import Content
from textual.widgets import Static

from panel_tui.tui.common.redraw import show

Kind = Literal["ok", "error", "pending", "info"]


class StatusLine(Static):
    """One line of text in one of four kinds (styled in app.tcss as `-ok`, `-error`, ...)."""

    def say(self, text: str, kind: Kind) -> None:
        self.set_classes(f"-{kind}")
        show(self, Content(text))

    def saved(self, text: str) -> None:
        """A change the database took: shown only once it is on disk."""
        self.say("✓ " + text, "ok")

    def refused(self, text: str) -> None:
        """A change the database refused, or a key that cannot act here."""
        self.say("✗ " + text, "error")
