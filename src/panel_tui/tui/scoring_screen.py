"""Scoring one nominee: the claims beside the rubric, scores saved the moment they are typed."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from panel_tui.domain.model import Claim, Criterion, Nominee, Rubric
from panel_tui.domain.problems import PanelError
from panel_tui.domain.score_entry import ScoreEntry, Step
from panel_tui.domain.scoring import partial_total, weighted_total
from panel_tui.domain.sheet import Sheet
from panel_tui.i18n import N_, _
from panel_tui.storage.connection import DatabaseBusy
from panel_tui.storage.store import Store
from panel_tui.tui.claims_table import ClaimsTable, checked_claims
from panel_tui.tui.criterion_detail import CriterionDetail
from panel_tui.tui.dialogs.confirm import Confirm
from panel_tui.tui.dialogs.score_input import ScoreInput
from panel_tui.tui.dialogs.text_prompt import TextPrompt
from panel_tui.tui.footer import PanelFooter
from panel_tui.tui.formatting import scale_text, score_text, total_text
from panel_tui.tui.host import ScoringHost, scoring_host
from panel_tui.tui.line_table import LineTable
from panel_tui.tui.nominee_header import NomineeHeader
from panel_tui.tui.readback_screen import ReadBackScreen
from panel_tui.tui.redraw import show
from panel_tui.tui.rubric_table import RubricTable
from panel_tui.tui.timer import InterviewTimer

PENDING_DELAY = 1.2  # seconds a typed score that could still grow waits before it is taken


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
        self.entry: ScoreEntry | None = None
        self.pending_criterion: str | None = None
        self._pending_timer: Timer | None = None
        self._order: list[str] = []  # the agenda's nominee ids, in its order
        # The last score change made here: (nominee, criterion, before, after), for u.
        self.last_change: tuple[str, str, float | None, float | None] | None = None

    # --- the pieces -----------------------------------------------------------------------

    @property
    def scoring_app(self) -> ScoringHost:
        return scoring_host(self.app)

    @property
    def store(self) -> Store:
        session = self.scoring_app.session
        assert session is not None
        return session.store

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
        yield Static(id="save-status")
        yield PanelFooter()

    def on_mount(self) -> None:
        self.load(self.nominee_id, self.start_criterion)
        self.rubric_table.focus()

    # --- loading a nominee ----------------------------------------------------------------

    def load(self, nominee_id: str, criterion: str | None = None) -> None:
        self._drop_pending()
        self.nominee_id = nominee_id
        self.failed = {}
        round_ = self.store.round
        nominee = self.nominee
        rubric = self.rubric
        self.entry = ScoreEntry(rubric)
        self.sheet = self._read_sheet(Sheet(nominee_id))
        self._position = self._position_text()
        self._show_header()
        claims = checked_claims(round_.claims_of(nominee_id))
        self.query_one(ClaimsTable).show_claims(claims)
        self._update_claims_title(len(claims))
        if criterion is None or rubric.criterion(criterion) is None:
            unscored = [c.id for c in rubric.criteria if c.id not in self.sheet.scores]
            criterion = unscored[0] if unscored else rubric.criteria[0].id
        self.rubric_table.show_sheet(rubric, self.sheet, self.failed, criterion=criterion)
        self._update_rubric_title()
        self.query_one(InterviewTimer).show_state(self.scoring_app.timer_for(nominee))
        self._show_hint()
        self._criterion_changed()

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

    def refresh_language(self) -> None:
        """Draw every word again in the language just chosen; what is typed stays."""
        if not self.is_mounted or self.entry is None:
            return
        self._position = self._position_text()
        claims = self.query_one(ClaimsTable)
        claims.claims = checked_claims(claims.claims)
        claims.relabel()
        self._update_claims_title(len(claims.claims))
        self._refresh_sheet()
        self.query_one(InterviewTimer).refresh_time()
        if not self.entry.buffer:
            self._show_hint()

    def _refresh_sheet(self) -> None:
        """Re-read the sheet from the database: what is on screen is what is on disk."""
        final = self.sheet.final
        self.sheet = self._read_sheet(self.sheet)
        if self.sheet.final != final:
            self.refresh_bindings()  # f finalises, or f reopens
        pending = None
        if self.entry is not None and self.entry.buffer and self.pending_criterion:
            pending = (self.pending_criterion, self.entry.buffer)
        self.rubric_table.show_sheet(self.rubric, self.sheet, self.failed, pending)
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
        session = self.scoring_app.session
        assert session is not None
        try:
            return session.sheet(self.nominee_id)
        except PanelError as exc:
            self._status(
                "✗ " + _("Cannot read your scores: {error}").format(error=str(exc)), "error"
            )
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

    def on_line_table_highlighted(self, event: LineTable.Highlighted) -> None:
        if event.table is self.rubric_table:
            event.stop()
            criterion = self.criterion
            moved_away = (
                criterion is not None
                and self.pending_criterion is not None
                and criterion.id != self.pending_criterion
            )
            if self.entry is not None and self.entry.buffer and moved_away:
                self._commit_pending(advance=False)
            self._criterion_changed()

    def on_line_table_selected(self, event: LineTable.Selected) -> None:
        event.stop()
        if event.table is self.rubric_table:
            if self.entry is not None and self.entry.buffer:
                self._commit_pending(advance=True)
            else:
                self._ask_score()
        elif isinstance(event.table, ClaimsTable):
            self._show_source(event.table.claims[event.row])

    def _show_source(self, claim: Claim) -> None:
        # On the status line, where it stays until the next key: a toast would vanish.
        if claim.source:
            text = _("Source of {claim}: {source}").format(claim=claim.label, source=claim.source)
        else:
            text = _("No source given for {claim}.").format(claim=claim.label)
        if self.maximized is not None:
            claims = self.query_one(ClaimsTable)
            claims.border_subtitle = Content(text)
        self._status(text, "info")

    # --- status line ----------------------------------------------------------------------

    def _refused(self, message: str) -> None:
        """A change the database refused: in red on the status line, until the next change."""
        self._status("✗ " + message, "error")

    def _status(self, text: str, kind: str) -> None:
        status = self.query_one("#save-status", Static)
        status.set_classes(f"-{kind}")
        show(status, Content(text))

    def _show_hint(self) -> None:
        if self.sheet.recused:
            self._status(_("You are recused from this nominee: r withdraws the recusal."), "info")
            return
        rubric = self.rubric
        parts = [_("Type a score ({scale})").format(scale=scale_text(rubric))]
        if rubric.step == 0.5:
            parts.append(_("3+ is 3.5"))
        elif rubric.step != 1:
            parts.append(_(". types a decimal point"))
        if rubric.max >= 10:
            parts.append(_("1 waits for a second digit"))
        parts.append(_("Enter: score line"))
        parts.append(_("Tab: claims"))
        hint = " · ".join(parts)
        if self.sheet.final:
            hint = _("This sheet is final: changing a score asks for a reason; f reopens it.")
        self._status(hint, "info")

    # --- typing scores --------------------------------------------------------------------

    def _can_score(self) -> bool:
        if self.sheet.recused:
            self._status(
                "✗ "
                + _("You are recused from {nominee}: press r to withdraw the recusal.").format(
                    nominee=self.nominee.name
                ),
                "error",
            )
            return False
        return self.criterion is not None

    def action_type(self, char: str) -> None:
        if self.entry is None or not self._can_score():
            return
        criterion = self.criterion
        assert criterion is not None
        if self.entry.buffer and self.pending_criterion != criterion.id:
            self._drop_pending()
        step = self.entry.type(char)
        self._apply(step)

    def _apply(self, step: Step) -> None:
        self._cancel_timer()
        if step.outcome == "invalid":
            self.pending_criterion = None
            self._refresh_sheet()
            self._status(self._not_on_scale(step.rejected), "error")
            return
        for index, value in enumerate(step.commits):
            criterion = self.criterion
            if criterion is None:
                break
            if self.sheet.final:
                self._drop_pending()
                self._change_final(criterion, value)
                return
            if not self._save(criterion, value, "", advance=True):
                self._drop_pending()  # NOT saved: nothing typed after it is used either
                return
            more = index + 1 < len(step.commits) or bool(self.entry and self.entry.buffer)
            moved = self.criterion is not None and self.criterion.id != criterion.id
            if more and not moved:
                self._drop_pending()
                self._status(
                    "✓ "
                    + _(
                        "Saved: {criterion} = {score}; the last criterion, so the rest typed was not used"
                    ).format(criterion=criterion.title, score=score_text(value)),
                    "ok",
                )
                return
        if step.buffer and self.entry is not None and self.entry.buffer:
            criterion = self.criterion
            assert criterion is not None
            self.pending_criterion = criterion.id
            self._refresh_sheet()
            waiting = self.entry.complete
            if waiting is not None:
                message = _("{criterion}: {typed}…  Enter = {value} now, or type on").format(
                    criterion=criterion.title, typed=step.buffer, value=score_text(waiting)
                )
                self._pending_timer = self.set_timer(PENDING_DELAY, self._timeout)
            else:
                message = _("{criterion}: {typed}… keep typing; Esc cancels").format(
                    criterion=criterion.title, typed=step.buffer
                )
            self._status(message, "pending")
        else:
            self.pending_criterion = None

    def _not_on_scale(self, typed: str) -> str:
        rubric = self.rubric
        if rubric.step == 1 and any(sign in typed for sign in "+.,"):
            # "+ is not a score" says nothing to someone who meant a half point.
            return _("The scale {scale} has whole points only: nothing saved").format(
                scale=scale_text(rubric)
            )
        return _("{typed} is not a score on the scale {scale}: nothing saved").format(
            typed=typed, scale=scale_text(rubric)
        )

    def _timeout(self) -> None:
        self._pending_timer = None
        if self.entry is not None and self.entry.buffer:
            self._commit_pending(advance=True)

    def _commit_pending(self, advance: bool) -> bool:
        """Take the score still being typed; True when it was saved now."""
        if self.entry is None:
            return False
        self._cancel_timer()
        step = self.entry.enter()
        target = self.pending_criterion
        self.pending_criterion = None
        if step.outcome == "invalid":
            self._refresh_sheet()
            self._status(self._not_on_scale(step.rejected), "error")
            return False
        criterion = self.rubric.criterion(target) if target else self.criterion
        if criterion is None or not step.commits:
            return False
        if self.sheet.final:
            self._change_final(criterion, step.commits[0])
            return False
        return self._save(criterion, step.commits[0], "", advance=advance)

    def take_pending(self) -> bool:
        """A score still being typed is saved before any other key acts on the sheet (or the
        app quits). False when it could not be saved at once (not on the scale, a final
        sheet's reason, a busy file): the status line says why, and the key does nothing."""
        if self.entry is None or not self.entry.buffer:
            return True
        return self._commit_pending(advance=False)

    def refresh_from_disk(self) -> None:
        """Another program saved into this file: show the sheet as it is on disk now."""
        before = self.sheet
        self._refresh_sheet()
        if self.sheet != before:
            self._status(
                _("Updated: another copy of panel-tui (or a command) changed this sheet."), "info"
            )

    def _cancel_timer(self) -> None:
        if self._pending_timer is not None:
            self._pending_timer.stop()
            self._pending_timer = None

    def _drop_pending(self) -> None:
        self._cancel_timer()
        if self.entry is not None:
            self.entry.clear()
        self.pending_criterion = None

    def action_clear_score(self) -> None:
        if self.entry is not None and self.entry.buffer:
            self.entry.backspace()
            if not self.entry.buffer:
                self._drop_pending()
                self._refresh_sheet()
                self._show_hint()
            else:
                self._apply(Step("pending", (), self.entry.buffer))
            return
        if not self._can_score():
            return
        criterion = self.criterion
        assert criterion is not None
        if criterion.id not in self.sheet.scores:
            if self.failed.pop(criterion.id, "none") != "none":
                self._refresh_sheet()
            self._status(
                _("{criterion} has no score to clear").format(criterion=criterion.title), "info"
            )
            return
        if self.sheet.final:
            self._change_final(criterion, None)
            return
        self._save(criterion, None, "", advance=False)

    def _ask_score(self) -> None:
        criterion = self.criterion
        if criterion is None or not self._can_score():
            return

        def done(value: float | None) -> None:
            if value is None:
                return
            if self.sheet.final:
                self._change_final(criterion, value)
            else:
                self._save(criterion, value, "", advance=True)

        current = self.sheet.scores.get(criterion.id)
        self.app.push_screen(ScoreInput(criterion, self.rubric, current), done)

    def _change_final(self, criterion: Criterion, value: float | None) -> None:
        current = self.sheet.scores.get(criterion.id)
        new = _("no score") if value is None else score_text(value)
        if current == value:
            self._refresh_sheet()
            self._status(
                _("{criterion} is already {score}: nothing to change").format(
                    criterion=criterion.title, score=new
                ),
                "info",
            )
            return

        if value is None:
            self._clear_on_final(criterion, current)
            return

        def done(reason: str | None) -> None:
            if reason:
                self._save(criterion, value, reason, advance=False)
            else:
                self._refresh_sheet()
                self._status(_("Not changed: a final sheet needs a reason."), "info")

        self.app.push_screen(
            TextPrompt(
                lambda: _("This sheet is final"),
                lambda: _(
                    "Why change {criterion} from {old} to {new}? The reason goes into the audit trail."
                ).format(
                    criterion=criterion.title,
                    old=score_text(current),
                    new=score_text(value),
                ),
                required=True,
            ),
            done,
        )

    def _clear_on_final(self, criterion: Criterion, current: float | None) -> None:
        """A final sheet is always complete: clearing one of its scores reopens it first."""

        def done(reason: str | None) -> None:
            if not reason:
                self._refresh_sheet()
                self._status(_("Not changed: a final sheet needs a reason."), "info")
                return
            try:
                self.store.reopen(self.nominee_id, reason)
            except (PanelError, sqlite3.Error) as exc:
                self._refused(_("NOT reopened: {error}").format(error=str(exc)))
                return
            if self._save(criterion, None, reason, advance=False):
                self._status(
                    "✓ "
                    + _(
                        "Reopened and cleared {criterion}: the sheet is no longer final;"
                        " f finalises it again."
                    ).format(criterion=criterion.title),
                    "ok",
                )

        self.app.push_screen(
            TextPrompt(
                lambda: _("This sheet is final"),
                lambda: _(
                    "Clearing {criterion} ({old}) reopens the sheet: it will no longer be final."
                    " Why? The reason goes into the audit trail."
                ).format(criterion=criterion.title, old=score_text(current)),
                required=True,
            ),
            done,
        )

    def _save(self, criterion: Criterion, value: float | None, reason: str, advance: bool) -> bool:
        """Record one score; 'saved' is shown only after the database call returned.

        True when it was saved now; False when refused, or when another program holds the
        file and the save waits (in sight) for it.
        """
        shown = _("no score") if value is None else score_text(value)
        before = self.sheet.scores.get(criterion.id)
        nominee = self.nominee_id

        def attempt() -> None:
            self.store.record_score(nominee, criterion.id, value, reason=reason)

        def failed(error: str) -> None:
            self.failed[criterion.id] = value
            self._refresh_sheet()
            self._refused(
                _("NOT saved: {criterion} = {score}: {error}").format(
                    criterion=criterion.title, score=shown, error=error
                )
            )

        def saved() -> None:
            self.failed.pop(criterion.id, None)
            self.last_change = (nominee, criterion.id, before, value)
            if advance and self.nominee_id == nominee:
                self._advance_from(criterion)
            self._refresh_sheet()
            if before is not None and value is None:
                text = _("Cleared: {criterion} (was {old})").format(
                    criterion=criterion.title, old=score_text(before)
                )
            elif before is not None and before != value:
                # An overwrite shows what it replaced: a slip is seen, and u takes it back.
                text = _("Saved: {criterion} {old} → {new}").format(
                    criterion=criterion.title, old=score_text(before), new=shown
                )
            else:
                text = _("Saved: {criterion} = {score}").format(
                    criterion=criterion.title, score=shown
                )
            if reason:
                text += " " + _("(the reason is in the audit trail)")
            self._status("✓ " + text + "  " + _("(u: undo)"), "ok")

        what = _("{criterion} = {score}").format(criterion=criterion.title, score=shown)
        return self._write(what, attempt, saved, failed)

    def _write(
        self,
        what: str,
        attempt: Callable[[], object],
        saved: Callable[[], None],
        failed: Callable[[str], None],
    ) -> bool:
        """Run one write; when another program holds the file, wait for it in a dialog that
        says so (keys typed meanwhile are dropped, not replayed). True if written now."""
        try:
            attempt()
        except DatabaseBusy:
            from panel_tui.tui.dialogs.wait_database import GAVE_UP, SAVED, WaitForDatabase

            def done(result: str | None) -> None:
                if result == SAVED:
                    saved()
                elif result == GAVE_UP or result is None:
                    failed(_("another program was writing to the file; you gave up waiting"))
                else:
                    failed(result)

            self._status(_("Waiting for the database…"), "pending")
            self.app.push_screen(WaitForDatabase(what, attempt), done)
            return False
        except (PanelError, sqlite3.Error) as exc:
            failed(str(exc))
            return False
        saved()
        return True

    def _advance_from(self, criterion: Criterion) -> None:
        ids = [c.id for c in self.rubric.criteria]
        index = ids.index(criterion.id)
        if index + 1 < len(ids):
            self.rubric_table.move_cursor(index + 1)

    # --- notes, comment, recusal, finalising ----------------------------------------------

    def _write_note(self, criterion: Criterion | None, text: str) -> None:
        what = criterion.title if criterion else _("overall comment")
        nominee = self.nominee_id

        def attempt() -> None:
            self.store.record_note(nominee, criterion.id if criterion else None, text)

        def failed(error: str) -> None:
            self._refused(_("NOT saved: {what}: {error}").format(what=what, error=error))

        def saved() -> None:
            self._refresh_sheet()
            if criterion is None:
                message = _("Overall comment saved")
            else:
                message = _("Note on {criterion} saved").format(criterion=criterion.title)
            self._status("✓ " + message, "ok")

        self._write(what, attempt, saved, failed)

    def _refuse_if_recused(self) -> bool:
        """One rule for a recused assessor: nothing is written on that sheet, notes included."""
        if not self.sheet.recused:
            return False
        self._status(
            "✗ "
            + _(
                "You are recused from {nominee}: no scores, notes or comment; r withdraws the"
                " recusal."
            ).format(nominee=self.nominee.name),
            "error",
        )
        return True

    def action_note(self) -> None:
        if not self.take_pending():
            return
        criterion = self.criterion
        if criterion is None or self._refuse_if_recused():
            return
        current = self.sheet.notes.get(criterion.id, "")

        def done(text: str | None) -> None:
            if text is not None and text != current:
                self._write_note(criterion, text)

        self.app.push_screen(
            TextPrompt(
                lambda: _("Note on {criterion}").format(criterion=criterion.title),
                self.nominee.name,
                initial=current,
            ),
            done,
        )

    def action_comment(self) -> None:
        if not self.take_pending():
            return
        if self._refuse_if_recused():
            return
        current = self.sheet.comment

        def done(text: str | None) -> None:
            if text is not None and text != current:
                self._write_note(None, text)

        self.app.push_screen(
            TextPrompt(
                lambda: _("Overall comment on {nominee}").format(nominee=self.nominee.name),
                lambda: _("Your impression of the whole presentation."),
                initial=current,
            ),
            done,
        )

    def action_recuse(self) -> None:
        if not self.take_pending():
            return
        name = self.nominee.name
        if self.sheet.recused:

            def withdraw(yes: bool | None) -> None:
                if yes:
                    self._recusal(withdraw=True, reason="")

            self.app.push_screen(
                Confirm(
                    lambda: _("Withdraw your recusal from {nominee}?").format(nominee=name),
                    lambda: _("You will be able to score this nominee again."),
                ),
                withdraw,
            )
            return

        def recuse(reason: str | None) -> None:
            if reason:
                self._recusal(withdraw=False, reason=reason)

        self.app.push_screen(
            TextPrompt(
                lambda: _("Recuse from {nominee}").format(nominee=name),
                lambda: _(
                    "A conflict of interest? Give the reason; it is kept in the audit trail."
                ),
                required=True,
            ),
            recuse,
        )

    def _recusal(self, withdraw: bool, reason: str) -> None:
        nominee = self.nominee_id

        def attempt() -> None:
            if withdraw:
                self.store.withdraw_recusal(nominee)
            else:
                self.store.recuse(nominee, reason)

        def failed(error: str) -> None:
            self._refused(_("NOT saved: {error}").format(error=error))

        def saved() -> None:
            self._refresh_sheet()
            self._show_hint()
            if withdraw:
                self._status("✓ " + _("Recusal withdrawn: you can score again."), "ok")
            else:
                self._status("✓ " + _("Saved: you are recused from this nominee."), "ok")

        what = _("The withdrawal of your recusal") if withdraw else _("Your recusal")
        self._write(what, attempt, saved, failed)

    def action_reopen(self) -> None:
        if not self.take_pending():
            return
        if self.sheet.final:
            self._reopen()

    def action_undo(self) -> None:
        """The last score change taken back by recording the score it replaced."""
        if not self.take_pending():
            return
        change = self.last_change
        if change is None:
            self._status(_("Nothing to undo: no score was changed here yet."), "info")
            return
        nominee, criterion_id, before, after = change
        if nominee != self.nominee_id:
            self.load(nominee, criterion_id)
        criterion = self.rubric.criterion(criterion_id)
        if criterion is None or not self._can_score():
            return
        if self.sheet.scores.get(criterion_id) != after:
            self._status(
                _("Nothing to undo: {criterion} was changed again meanwhile.").format(
                    criterion=criterion.title
                ),
                "info",
            )
            self.last_change = None
            return
        self.rubric_table.move_cursor([c.id for c in self.rubric.criteria].index(criterion_id))
        if self.sheet.final:
            self._change_final(criterion, before)
            return
        self._save(criterion, before, "", advance=False)

    def action_finalise(self) -> None:
        if not self.take_pending():
            return
        if self.sheet.recused:
            self._status(
                _("You are recused from this nominee: there is nothing to finalise."), "info"
            )
            return
        if self.sheet.final:
            self._reopen()
            return

        def done(confirmed: bool | None) -> None:
            if not confirmed:
                self._refresh_sheet()
                return
            nominee = self.nominee_id

            def failed(error: str) -> None:
                self._refused(_("NOT finalised: {error}").format(error=error))

            def saved() -> None:
                self._refresh_sheet()
                self._status(
                    "✓ " + _("Final: your sheet for this nominee is finalised; f reopens it."),
                    "ok",
                )

            self._write(
                _("Finalising this sheet"), lambda: self.store.finalise(nominee), saved, failed
            )

        session = self.scoring_app.session
        assert session is not None
        self.app.push_screen(ReadBackScreen(session, self.nominee_id), done)

    def _reopen(self) -> None:
        """A final sheet made editable again, with the reason in the audit trail."""
        name = self.nominee.name

        def done(reason: str | None) -> None:
            if not reason:
                return
            nominee = self.nominee_id

            def failed(error: str) -> None:
                self._refused(_("NOT reopened: {error}").format(error=error))

            def saved() -> None:
                self._refresh_sheet()
                self._status(
                    "✓ " + _("Reopened: this sheet is no longer final; f finalises it again."),
                    "ok",
                )

            self._write(
                _("Reopening this sheet"),
                lambda: self.store.reopen(nominee, reason),
                saved,
                failed,
            )

        self.app.push_screen(
            TextPrompt(
                lambda: _("Reopen the sheet of {nominee}").format(nominee=name),
                lambda: _(
                    "It will no longer be final. Give the reason; it is kept in the audit trail."
                ),
                required=True,
            ),
            done,
        )

    # --- moving around --------------------------------------------------------------------

    def _go(self, offset: int) -> None:
        if self.entry is not None and self.entry.buffer:
            self._commit_pending(advance=False)
        order = self._agenda_ids()
        index = order.index(self.nominee_id) + offset
        if not 0 <= index < len(order):
            self._status(
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
        if self.entry is not None and self.entry.buffer:
            self._commit_pending(advance=False)
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
        if self.entry is not None and self.entry.buffer:
            self._drop_pending()
            self._refresh_sheet()
            self._status(_("Typing cancelled: nothing saved."), "info")
            return
        self.scoring_app.back_to_agenda()
