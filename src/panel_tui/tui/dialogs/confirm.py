"""A yes/no question."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from panel_tui.i18n import _


class Confirm(ModalScreen[bool]):
    """True on y / the confirm button, False on n / Escape."""

    BINDINGS = [  # noqa: RUF012
        Binding("y", "answer(True)", _("Yes"), id="confirm.yes"),
        Binding("n,escape", "answer(False)", _("No"), id="confirm.no"),
    ]

    def __init__(self, title: str, explanation: str = "", yes: str = "", no: str = "") -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.explanation = explanation
        self.yes_label = yes or _("Yes (y)")
        self.no_label = no or _("No (n)")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(Content(self.title_text), classes="dialog-title")
            if self.explanation:
                yield Static(Content(self.explanation), classes="dialog-explanation")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(self.yes_label), id="yes", variant="primary")
                yield Button(Content(self.no_label), id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
