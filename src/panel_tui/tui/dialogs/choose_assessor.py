"""The first screen of a round without a database yet: which panel member are you?"""

from __future__ import annotations

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from panel_tui.domain.formatting import affiliation_label
from panel_tui.domain.model import Assessor, Round
from panel_tui.i18n import N_, _
from panel_tui.tui.common.footer import DialogFooter


class ChooseAssessor(ModalScreen[str | None]):
    """Returns the chosen assessor id, or None (quit) on Escape."""

    BINDINGS = [  # noqa: RUF012
        Binding("escape", "cancel", N_("Quit"), id="choose.quit"),
    ]

    def __init__(self, round_: Round, where: str, error: str = "") -> None:
        super().__init__(classes="dialog")
        self.round = round_
        self.where = where
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box wide"):
            yield Static(Content(self.round.title), classes="dialog-title")
            yield Static(
                Content(_("Which panel member are you? Choose with ↑↓ and Enter; Esc quits.")),
                classes="dialog-explanation",
            )
            width = max((cell_len(a.id) for a in self.round.assessors), default=2)
            options = [Option(self._row(a, width), id=a.id) for a in self.round.assessors]
            yield OptionList(*options, id="assessors")
            yield Static(
                Content(_("Your scores are kept in {folder}").format(folder=self.where)),
                classes="dialog-hint",
            )
            yield Static(Content(self.error), id="choose-error", classes="dialog-error")
        yield DialogFooter()

    @staticmethod
    def _row(assessor: Assessor, width: int) -> Table:
        """The id in a column of its own: a long name or affiliation wraps under the name."""
        grid = Table.grid(padding=(0, 2))
        grid.add_column(width=width, no_wrap=True)
        grid.add_column(ratio=1)
        details = Text(assessor.name)
        details.append(f"  ({affiliation_label(assessor.affiliation)})", style="dim")
        grid.add_row(Text(assessor.id, style="bold"), details)
        return grid

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    async def refresh_language(self) -> None:
        highlighted = self.query_one(OptionList).highlighted
        await self.recompose()
        options = self.query_one(OptionList)
        options.highlighted = highlighted
        options.focus()

    @on(OptionList.OptionSelected, "#assessors")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
