"""A one-line text dialog: notes, the overall comment, reasons for a recusal or a change."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from panel_tui.i18n import N_, _
from panel_tui.tui.common.footer import DialogFooter
from panel_tui.tui.dialogs import Words, words


class TextPrompt(ModalScreen[str | None]):
    """Returns the text typed (maybe empty) on Enter, None on Escape."""

    BINDINGS = [  # noqa: RUF012
        Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel"),
    ]

    def __init__(
        self,
        title: Words,
        explanation: Words = "",
        initial: str = "",
        required: bool = False,
        placeholder: str = "",
    ) -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.explanation = explanation
        self.initial = initial
        self.required = required
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(Content(words(self.title_text)), classes="dialog-title")
            if self.explanation:
                yield Static(Content(words(self.explanation)), classes="dialog-explanation")
            yield Input(self.initial, placeholder=self.placeholder, id="prompt-input")
            yield Static(Content(""), id="prompt-error", classes="dialog-error")
            hint = _("Enter: save · Esc: cancel")
            if not self.required:
                hint = _("Enter: save (empty clears) · Esc: cancel")
            yield Static(Content(hint), classes="dialog-hint")
        yield DialogFooter()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    async def refresh_language(self) -> None:
        """Compose again in the new language, keeping what has been typed."""
        self.initial = self.query_one(Input).value
        await self.recompose()
        self.query_one(Input).focus()

    @on(Input.Submitted, "#prompt-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if self.required and not text:
            self.query_one("#prompt-error", Static).update(Content(_("This cannot be empty.")))
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
