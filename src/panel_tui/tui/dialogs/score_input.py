"""Typing a score on a line: for the mouse (click a criterion twice) and for long scales."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from panel_tui.domain.model import Criterion, Rubric
from panel_tui.i18n import N_, _
from panel_tui.tui.common.footer import DialogFooter
from panel_tui.tui.common.formatting import scale_text, score_text


def parse_score(text: str, rubric: Rubric) -> float | None:
    """The score typed, or None when it is not on the scale (',' is a decimal point too)."""
    cleaned = text.strip().replace(",", ".")
    if cleaned.endswith("+"):
        cleaned = cleaned[:-1] + ".5"
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if rubric.allows(value) else None


class ScoreInput(ModalScreen[float | None]):
    """Returns the score, or None on Escape."""

    BINDINGS = [  # noqa: RUF012
        Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel"),
    ]

    def __init__(self, criterion: Criterion, rubric: Rubric, current: float | None) -> None:
        super().__init__(classes="dialog")
        self.criterion = criterion
        self.rubric = rubric
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(
                Content(_("Score for {criterion}").format(criterion=self.criterion.title)),
                classes="dialog-title",
            )
            yield Static(
                Content(_("Scale {scale}").format(scale=scale_text(self.rubric))),
                classes="dialog-explanation",
            )
            yield Input("" if self.current is None else score_text(self.current), id="score-input")
            yield Static(Content(""), id="score-error", classes="dialog-error")
            yield Static(Content(_("Enter: save · Esc: cancel")), classes="dialog-hint")
        yield DialogFooter()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    async def refresh_language(self) -> None:
        """Compose again in the new language, keeping what has been typed."""
        typed = self.query_one(Input).value
        await self.recompose()
        self.query_one(Input).value = typed
        self.query_one(Input).focus()

    @on(Input.Submitted, "#score-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = parse_score(event.value, self.rubric)
        if value is None:
            self.query_one("#score-error", Static).update(
                Content(
                    _("{typed} is not on the scale {scale}").format(
                        typed=event.value.strip() or "''", scale=scale_text(self.rubric)
                    )
                )
            )
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
