"""Scoring one nominee: the claims beside the rubric, scores saved the moment they are typed.

The screen lays out the nominee and routes its keys: digits to ScoreTyping (score_typing.py),
every change of the sheet to SheetChanges (sheet_changes.py), which writes through the one
SheetWriter (sheet_writes.py); what each key did is said on the StatusLine.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from panel_tui.domain.model import Claim, Criterion, Nominee, Rubric
from panel_tui.domain.problems import PanelError
from panel_tui.domain.scoring import partial_total, weighted_total
from panel_tui.domain.sheet import Sheet
from panel_tui.i18n import N_, _
from panel_tui.storage.store import Store
from panel_tui.tui.common.footer import PanelFooter
from panel_tui.tui.common.formatting import scale_text, total_text
from panel_tui.tui.common.line_table import LineTable
from panel_tui.tui.common.redraw import show
from panel_tui.tui.scoring.claims_table import ClaimsTable, checked_claims
from panel_tui.tui.scoring.criterion_detail import CriterionDetail
from panel_tui.tui.scoring.host import ScoringHost, scoring_host
from panel_tui.tui.scoring.nominee_header import NomineeHeader
from panel_tui.tui.scoring.rubric_table import RubricTable
from panel_tui.tui.scoring.score_typing import ScoreTyping
from panel_tui.tui.scoring.session import Session
from panel_tui.tui.scoring.sheet_changes import SheetChanges
from panel_tui.tui.scoring.sheet_writes import SheetWriter
from panel_tui.tui.scoring.status_line import StatusLine
from panel_tui.tui.scoring.timer import InterviewTimer

if TYPE_CHECKING:
    from textual.timer import Timer

# Seconds after a nominee is shown before its neighbours' claims are laid out: after the frame
# is drawn, and never while [ or ] is held down (each press starts the wait again).
LAY_OUT_AHEAD_AFTER = 0.05


def _digit_bindings() -> list[Binding]:
    bindings = [Binding("1", "type('1')", N_("score"), key_display="0-9", id="scoring.digit-1")]
    for digit in "023456789":
        bindings.append(
            Binding(digit, f"type('{digit}')", N_("score"), show=False, id=f"scoring.digit-{digit}")
        )
    return bindings


class ScoringScreen(Screen[None]):
    """One nominee at a time; [ and ] move through the agenda without leaving the screen."""

    BINDINGS = [  # noqa: RUF012
        *_digit_bindings(),
        Binding(
            "full_stop,comma", "type('.')", N_("decimal point"), show=False, id="scoring.point"
        ),
        Binding("plus", "type('+')", N_("half point"), show=False, id="scoring.half"),
        Binding(
            "backspace,delete",
            "clear_score",
            N_("clear"),
            key_display="⌫",
            id="scoring.clear",
            tooltip=N_("Clear the highlighted score (or the last typed digit)"),
        ),
        Binding(
            "n",
            "note",
            N_("note"),
            id="scoring.note",
            tooltip=N_("Write a note on the highlighted criterion"),
        ),
        Binding(
            "c",
            "comment",
            N_("comment"),
            id="scoring.comment",
            tooltip=N_("Write the overall comment on this nominee"),
        ),
        Binding(
            "left_square_bracket",
            "previous",
            N_("prev"),
            id="scoring.previous",
            tooltip=N_("Previous nominee in the agenda"),
        ),
        Binding(
            "right_square_bracket",
            "next",
            N_("next"),
            id="scoring.next",
            tooltip=N_("Next nominee in the agenda"),
        ),
        Binding(
            "r",
            "recuse",
            N_("recuse"),
            id="scoring.recuse",
            tooltip=N_("Recuse from this nominee, or withdraw the recusal"),
        ),
        Binding(
            "f",
            "finalise",
            N_("final"),
            id="scoring.finalise",
            tooltip=N_("Read back every score, then finalise the sheet"),
        ),
        Binding(
            "f",
            "reopen",
            N_("reopen"),
            id="scoring.reopen",
            tooltip=N_("Reopen this final sheet (the reason goes into the audit trail)"),
        ),
        Binding(
            "u",
            "undo",
            N_("undo"),
            show=False,  # named on the status line after each save: the footer is full at 80
            id="scoring.undo",
            tooltip=N_("Take back the last score change (recorded as a new change)"),
        ),
        Binding(
            "t",
            "timer",
            N_("timer"),
            id="scoring.timer",
            tooltip=N_("Start or pause the interview timer"),
        ),
        Binding(
            "T",
            "reset_timer",
            N_("reset timer"),
            show=False,
            id="scoring.timer-reset",
            tooltip=N_("Reset the interview timer"),
        ),
        Binding(
            "s",
            "summary",
            N_("summary"),
            id="scoring.summary",
            tooltip=N_("Your totals and what is still missing"),
        ),
        Binding(
            "z",
            "zoom",
            N_("claims"),
            id="scoring.zoom",
            tooltip=N_("Show the claims on the whole screen"),
        ),
        Binding(
            "escape", "back", N_("agenda"), id="scoring.back", tooltip=N_("Back to the agenda")
        ),
        Binding(
            "escape",
            "zoom",
            N_("rubric"),
            id="scoring.unzoom",
            tooltip=N_("Back from the full-screen claims to the rubric"),
        ),
        Binding(
            "question_mark",
            "app.show_help_panel",
            N_("keys"),
            show=False,
            id="scoring.keys",
            tooltip=N_("Show every key of this screen"),
        ),
        Binding(
            "tab,shift+tab",
            "switch_pane",
            N_("claims pane"),
            show=False,
            id="scoring.pane",
            tooltip=N_("Move into the claims pane to scroll it (j/k), or back to the rubric"),
        ),
    ]

    def __init__(self, nominee: str, criterion: str | None = None) -> None:
        super().__init__()
        self.nominee_id = nominee
        self._position = ""
        self.start_criterion = criterion
        self.sheet = Sheet(nominee)
        self.failed: dict[str, float | None] = {}
        self._order: list[str] = []  # the agenda's nominee ids, in its order
        self._ahead: Timer | None = None
        self.changes = SheetChanges(self, SheetWriter(self, self.refresh_sheet))
        self.typing = ScoreTyping(self, self.changes)

    # --- the pieces -----------------------------------------------------------------------

    @property
    def scoring_app(self) -> ScoringHost:
        return scoring_host(self.app)

    @property
    def session(self) -> Session:
        session = self.scoring_app.session
        assert session is not None
        return session

    @property
    def store(self) -> Store:
        return self.session.store

    @property
    def nominee(self) -> Nominee:
        found = self.store.round.nominee(self.nominee_id)
        assert found is not None
        return found

    @property
    def rubric(self) -> Rubric:
        return self.store.round.rubric_for(self.nominee)

    @property
    def rubric_table(self) -> RubricTable:
        return self.query_one(RubricTable)

    @property
    def criterion(self) -> Criterion | None:
        return self.rubric_table.criterion

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    def compose(self) -> ComposeResult:
        yield NomineeHeader(id="nominee-header")
        with Horizontal(id="panes"):
            with Vertical(id="claims-pane"):
                yield Static(Content(_("Claims")), classes="pane-title", id="claims-title")
                yield ClaimsTable(id="claims")
            with Vertical(id="rubric-pane"):
                yield Static(Content(_("Rubric")), classes="pane-title", id="rubric-title")
                yield RubricTable(id="rubric")
                yield CriterionDetail(id="criterion-detail")
        yield StatusLine(id="save-status")
        yield PanelFooter()

    def on_mount(self) -> None:
        self.load(self.nominee_id, self.start_criterion)
        self.rubric_table.focus()

    # --- loading a nominee ----------------------------------------------------------------

    def load(self, nominee_id: str, criterion: str | None = None) -> None:
        self.nominee_id = nominee_id
        self.failed = {}
        round_ = self.store.round
        nominee = self.nominee
        rubric = self.rubric
        self.typing.start()
        self.sheet = self._read_sheet(Sheet(nominee_id))
        self._position = self._position_text()
        self._show_header()
        claims = checked_claims(round_.claims_of(nominee_id))
        self.query_one(ClaimsTable).show_claims(claims, nominee_id)
        self._update_claims_title(len(claims))
        if criterion is None or rubric.criterion(criterion) is None:
            unscored = [c.id for c in rubric.criteria if c.id not in self.sheet.scores]
            criterion = unscored[0] if unscored else rubric.criteria[0].id
        self.rubric_table.show_sheet(rubric, self.sheet, self.failed, criterion=criterion)
        self._update_rubric_title()
        self.query_one(InterviewTimer).show_state(self.scoring_app.timer_for(nominee))
        self.typing.show_hint()
        self._criterion_changed()
        self._lay_out_neighbours_soon()

    def _lay_out_neighbours_soon(self) -> None:
        if self._ahead is not None:
            self._ahead.stop()
        self._ahead = self.set_timer(LAY_OUT_AHEAD_AFTER, self._lay_out_neighbours)

    def _lay_out_neighbours(self) -> None:
        """The claims of the interviews before and after this one, laid out while the
        assessor listens: [ and ] then only draw them (the round's claims never change)."""
        self._ahead = None
        order = self._agenda_ids()
        if self.nominee_id not in order:
            return
        index = order.index(self.nominee_id)
        claims_table = self.query_one(ClaimsTable)
        for neighbour in (index + 1, index - 1):
            if not 0 <= neighbour < len(order):
                continue
            try:
                claims = checked_claims(self.store.round.claims_of(order[neighbour]))
            except (PanelError, sqlite3.Error):
                continue  # read when it is opened, and any problem said then
            claims_table.lay_out_ahead(order[neighbour], claims)

    def _agenda_ids(self) -> list[str]:
        """The interview order, worked out once: the round does not change under the app."""
        if not self._order:
            # The clock's order (slot, then order), not the agenda's grouping by category:
            # ] opens the interview that comes next.
            self._order = [n.id for n in self.store.round.agenda()]
        return self._order

    def _position_text(self) -> str:
        order = self._agenda_ids()
        index = order.index(self.nominee_id) if self.nominee_id in order else 0
        return _("{index} of {count}").format(index=index + 1, count=len(order))

    def _update_claims_title(self, count: int) -> None:
        show(
            self.query_one("#claims-title", Static),
            Content(_("Claims ({count})").format(count=count)),
        )

    @property
    def shown(self) -> bool:
        """Whether the screen has been laid out and loaded its nominee: until then (a screen
        just pushed) there is nothing to redraw, and `on_mount` reads the sheet from disk."""
        return self.is_mounted and self.typing.entry is not None and bool(self.query(RubricTable))

    def refresh_language(self) -> None:
        """Draw every word again in the language just chosen; what is typed stays."""
        if not self.shown:
            return
        self._position = self._position_text()
        claims = self.query_one(ClaimsTable)
        claims.claims = checked_claims(claims.claims)
        claims.relabel()
        self._update_claims_title(len(claims.claims))
        self._lay_out_neighbours_soon()  # those laid out ahead are in the other language
        self.refresh_sheet()
        self.query_one(InterviewTimer).refresh_time()
        if not self.typing.buffer:
            self.typing.show_hint()

    def refresh_sheet(self) -> None:
        """Re-read the sheet from the database: what is on screen is what is on disk."""
        final = self.sheet.final
        self.sheet = self._read_sheet(self.sheet)
        if self.sheet.final != final:
            self.refresh_bindings()  # f finalises, or f reopens
        self.rubric_table.show_sheet(self.rubric, self.sheet, self.failed, self.typing.pending())
        self._show_header()
        self._update_rubric_title()
        self._update_detail()

    def _show_header(self) -> None:
        rubric, scores = self.rubric, self.sheet.scores
        scored = sum(1 for c in rubric.criteria if c.id in scores)
        if scored == len(rubric.criteria):
            total = _("total {total}").format(total=total_text(weighted_total(rubric, scores)))
        elif scored:
            # Missing criteria count as the scale minimum: the figure only grows from here.
            total = _("so far {total} ({scored}/{count})").format(
                total=total_text(partial_total(rubric, scores)),
                scored=scored,
                count=len(rubric.criteria),
            )
        else:
            total = _("total {total}").format(total=total_text(None))
        self.query_one(NomineeHeader).show(
            self.store.round, self.nominee, self.sheet, self._position, total
        )

    def _read_sheet(self, fallback: Sheet) -> Sheet:
        """The sheet on disk; when it cannot be read, say so and keep showing `fallback`."""
        try:
            return self.session.sheet(self.nominee_id)
        except PanelError as exc:
            self.status.refused(_("Cannot read your scores: {error}").format(error=str(exc)))
            return fallback

    def _update_rubric_title(self) -> None:
        rubric = self.rubric
        title = _("Rubric · scale {scale}").format(scale=scale_text(rubric))
        total = weighted_total(rubric, self.sheet.scores)
        if total is not None:
            title += " · " + _("your total {total}").format(total=total_text(total))
        show(self.query_one("#rubric-title", Static), Content(title))

    def _update_detail(self) -> None:
        criterion = self.criterion
        score = self.sheet.scores.get(criterion.id) if criterion else None
        note = self.sheet.notes.get(criterion.id, "") if criterion else ""
        self.query_one(CriterionDetail).show(
            criterion, self.rubric, score, note, self.sheet.comment
        )

    def _criterion_changed(self) -> None:
        criterion = self.criterion
        self.query_one(ClaimsTable).highlight_for(criterion)
        self._update_detail()
        self.scoring_app.remember(self.nominee_id, criterion.id if criterion else "")

    @on(LineTable.Highlighted, "#rubric")
    def _rubric_moved(self, event: LineTable.Highlighted) -> None:
        event.stop()
        criterion = self.criterion
        if criterion is not None:
            self.typing.moved_to(criterion.id)
        self._criterion_changed()

    @on(LineTable.Selected, "#rubric")
    def _rubric_entered(self, event: LineTable.Selected) -> None:
        """Enter takes the score being typed, or asks for one in a dialog."""
        event.stop()
        if self.typing.buffer:
            self.typing.commit(advance=True)
        else:
            self.changes.ask_score()

    @on(LineTable.Selected, "#claims")
    def _claim_entered(self, event: LineTable.Selected) -> None:
        event.stop()
        self._show_source(self.query_one(ClaimsTable).claims[event.row])

    def _show_source(self, claim: Claim) -> None:
        # On the status line, where it stays until the next key: a toast would vanish.
        if claim.source:
            text = _("Source of {claim}: {source}").format(claim=claim.label, source=claim.source)
        else:
            text = _("No source given for {claim}.").format(claim=claim.label)
        if self.maximized is not None:
            claims = self.query_one(ClaimsTable)
            claims.border_subtitle = Content(text)
        self.status.say(text, "info")

    # --- keys handed to the typing and to the sheet's changes -----------------------------

    def take_pending(self) -> bool:
        """The score still being typed saved first (the app asks before it quits)."""
        return self.typing.take_pending()

    def refresh_from_disk(self) -> None:
        """Another program saved into this file: show the sheet as it is on disk now."""
        if not self.shown:
            return
        before = self.sheet
        self.refresh_sheet()
        if self.sheet != before:
            self.status.say(
                _("Updated: another copy of panel-tui (or a command) changed this sheet."), "info"
            )

    def action_type(self, char: str) -> None:
        self.typing.type(char)

    def action_clear_score(self) -> None:
        self.typing.backspace()

    def action_note(self) -> None:
        if self.typing.take_pending():
            self.changes.note()

    def action_comment(self) -> None:
        if self.typing.take_pending():
            self.changes.comment()

    def action_recuse(self) -> None:
        if self.typing.take_pending():
            self.changes.recuse()

    def action_finalise(self) -> None:
        if self.typing.take_pending():
            self.changes.finalise()

    def action_reopen(self) -> None:
        if self.typing.take_pending():
            self.changes.reopen()

    def action_undo(self) -> None:
        if self.typing.take_pending():
            self.changes.undo()

    # --- moving around --------------------------------------------------------------------

    def move_to(self, criterion_id: str) -> None:
        self.rubric_table.move_cursor([c.id for c in self.rubric.criteria].index(criterion_id))

    def _go(self, offset: int) -> None:
        self.typing.take_pending()
        order = self._agenda_ids()
        index = order.index(self.nominee_id) + offset
        if not 0 <= index < len(order):
            self.status.say(
                _("This is the last nominee.") if offset > 0 else _("This is the first nominee."),
                "info",
            )
            return
        self.load(order[index])
        self.rubric_table.focus()

    def action_previous(self) -> None:
        self._go(-1)

    def action_next(self) -> None:
        self._go(1)

    def action_switch_pane(self) -> None:
        """Into the claims (j/k and the arrows scroll them; digits still score) and back."""
        claims = self.query_one(ClaimsTable)
        if claims.has_focus:
            self.rubric_table.focus()
        else:
            claims.focus()

    def action_timer(self) -> None:
        self.query_one(InterviewTimer).toggle()

    def action_reset_timer(self) -> None:
        self.query_one(InterviewTimer).reset()

    def action_summary(self) -> None:
        self.typing.take_pending()
        self.scoring_app.action_summary()

    def action_zoom(self) -> None:
        """Give the whole screen to the claims (z again, or Escape, brings the rubric back)."""
        claims = self.query_one(ClaimsTable)
        if self.maximized is not None:
            self.minimize()
            claims.remove_class("-zoomed")
            claims.border_title = claims.border_subtitle = None
            self.rubric_table.focus()
            self.refresh_bindings()
            self.call_after_refresh(claims.fit_width)
            return
        if self.maximize(claims, container=False):
            # The scoring keys are off while the criterion they would score is out of sight.
            criterion = self.criterion
            title = self.nominee.name
            if criterion is not None:
                title = f"{title} · {criterion.title}"
            claims.border_title = Content(title)
            claims.border_subtitle = Content(
                _("Reading only: keys here do not score. z or Escape: back to the rubric")
            )
            claims.add_class("-zoomed")
            claims.focus()
            self.refresh_bindings()
            self.call_after_refresh(claims.fit_width)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.maximized is not None:
            return action == "zoom"  # z, and Esc (which then says "rubric", not "agenda")
        if action == "finalise":
            return not self.sheet.final
        if action == "reopen":
            return self.sheet.final
        return True

    def action_back(self) -> None:
        if self.maximized is not None:
            self.action_zoom()
            return
        if self.typing.cancel():
            return
        self.scoring_app.back_to_agenda()
