"""The top of the scoring screen: who is presenting, in which category and slot, and the timer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from panel_tui.domain.model import Nominee, Round
from panel_tui.domain.sheet import Sheet
from panel_tui.i18n import _
from panel_tui.tui.common.formatting import slot_text
from panel_tui.tui.common.redraw import show
from panel_tui.tui.scoring.timer import InterviewTimer


class NomineeHeader(Vertical):
    DEFAULT_CSS = """
    NomineeHeader { height: auto; padding: 0 1; background: $boost; }
    NomineeHeader > Horizontal { height: 1; }
    NomineeHeader #nominee-name { width: 1fr; height: 1; }
    NomineeHeader #nominee-total { width: auto; height: 1; padding: 0 2 0 1; text-style: bold; }
    NomineeHeader #nominee-meta { height: auto; color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Static(id="nominee-name")
            yield Static(id="nominee-total")
            yield InterviewTimer(id="timer")
        yield Static(id="nominee-meta")

    def show(
        self, round_: Round, nominee: Nominee, sheet: Sheet, position: str, total: str
    ) -> None:
        category = round_.category(nominee.category)
        badges: list[tuple[str, str]] = []
        if sheet.recused:
            badges.append(("  " + _("RECUSED") + " ", "bold $text-error"))
        elif sheet.final:
            badges.append(("  " + _("FINAL") + " ", "bold $text-success"))
        show(
            self.query_one("#nominee-name", Static),
            Content.assemble((nominee.name, "bold"), *badges),
        )
        # In the header, so it is in sight at 80 columns too, where the pane titles are not.
        show(
            self.query_one("#nominee-total", Static),
            Content(total),
        )
        meta = [position]
        if nominee.slot:
            meta.append(slot_text(nominee, long=True))
        meta.append(category.title if category else nominee.category)
        if nominee.presenter:
            meta.append(_("presented by {presenter}").format(presenter=nominee.presenter))
        text = Content(" · ".join(meta))
        if sheet.recused and sheet.recusal_reason:
            text = Content.assemble(
                text,
                "\n",
                (_("Recused: {reason}").format(reason=sheet.recusal_reason), "$text-error"),
            )
        show(self.query_one("#nominee-meta", Static), text)
