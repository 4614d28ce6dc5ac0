"""A yes/no question."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from panel_tui.i18n import N_, _
from panel_tui.tui.common.footer import DialogFooter
from panel_tui.tui.dialogs import Words, words


class Confirm(ModalScreen[bool]):
    """True on y / the confirm button, False on n / Escape."""

    BINDINGS = [  # noqa: RUF012
        Binding("y", "answer(True)", N_("Yes"), id="confirm.yes"),
        Binding("n,escape", "answer(False)", N_("No"), id="confirm.no"),
    ]

    def __init__(self, title: Words, explanation: Words = "", yes: str = "", no: str = "") -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.explanation = explanation
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(Content(words(self.title_text)), classes="dialog-title")
            if self.explanation:
                yield Static(Content(words(self.explanation)), classes="dialog-explanation")
            with Horizontal(classes="dialog-buttons"):
                yes = self.yes_label or _("Yes (y)")
                yield Button(Content(yes), id="yes", variant="primary")
                yield Button(Content(self.no_label or _("No (n)")), id="no")
        yield DialogFooter()

    async def refresh_language(self) -> None:
        await self.recompose()

    @on(Button.Pressed, "#yes")
    def _yes(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def _no(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(False)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
