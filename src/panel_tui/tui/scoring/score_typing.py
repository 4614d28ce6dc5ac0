"""Typing scores on the scoring screen: the digit keys, the score still being typed, the pause.

domain/score_entry.py decides what a key means on the rubric's scale; this module carries that
out on the screen: it remembers which criterion a waiting score is for, takes it after
PENDING_DELAY or when the assessor moves on, and hands every score to SheetChanges.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from panel_tui.domain.score_entry import ScoreEntry, Step
from panel_tui.i18n import _
from panel_tui.tui.common.formatting import scale_text, score_text
from panel_tui.tui.scoring.scoring_view import ScoringView
from panel_tui.tui.scoring.sheet_changes import SheetChanges

if TYPE_CHECKING:
    from textual.timer import Timer

PENDING_DELAY = 1.2  # seconds a typed score that could still grow waits before it is taken


class ScoreTyping:
    def __init__(self, view: ScoringView, changes: SheetChanges) -> None:
        self.view = view
        self.changes = changes
        self.entry: ScoreEntry | None = None  # none before the first nominee is shown
        self.target: str | None = None  # the criterion the typed digits are for
        self._timer: Timer | None = None

    @property
    def buffer(self) -> str:
        """What is typed and not yet taken ("" when nothing is)."""
        return self.entry.buffer if self.entry is not None else ""

    def pending(self) -> tuple[str, str] | None:
        """(criterion, typed) while a score is being typed, to draw on its row."""
        if self.buffer and self.target:
            return (self.target, self.buffer)
        return None

    def start(self) -> None:
        """A nominee shown: a new buffer for its rubric's scale."""
        self.drop()
        self.entry = ScoreEntry(self.view.rubric)

    def type(self, char: str) -> None:
        view = self.view
        if self.entry is None or not self.changes.can_score():
            return
        criterion = view.criterion
        assert criterion is not None
        if self.entry.buffer and self.target != criterion.id:
            self.drop()
        self._apply(self.entry.type(char))

    def backspace(self) -> None:
        """The last typed character taken away; with nothing typed, the score is cleared."""
        if self.entry is None or not self.entry.buffer:
            self.changes.clear()
            return
        self.entry.backspace()
        if not self.entry.buffer:
            self.drop()
            self.view.refresh_sheet()
            self.show_hint()
        else:
            self._apply(Step("pending", (), self.entry.buffer))

    def _apply(self, step: Step) -> None:
        view = self.view
        self._cancel_timer()
        if step.outcome == "invalid":
            self.target = None
            view.refresh_sheet()
            view.status.say(self._not_on_scale(step.rejected), "error")
            return
        for index, value in enumerate(step.commits):
            criterion = view.criterion
            if criterion is None:
                break
            if view.sheet.final:
                self.drop()
                self.changes.change_final(criterion, value)
                return
            if not self.changes.save(criterion, value, "", advance=True):
                self.drop()  # NOT saved: nothing typed after it is used either
                return
            more = index + 1 < len(step.commits) or bool(self.buffer)
            moved = view.criterion is not None and view.criterion.id != criterion.id
            if more and not moved:
                self.drop()
                view.status.saved(
                    _(
                        "Saved: {criterion} = {score}; the last criterion, so the rest typed was not used"
                    ).format(criterion=criterion.title, score=score_text(value))
                )
                return
        if step.buffer and self.entry is not None and self.entry.buffer:
            criterion = view.criterion
            assert criterion is not None
            self.target = criterion.id
            view.refresh_sheet()
            waiting = self.entry.complete
            if waiting is not None:
                message = _("{criterion}: {typed}…  Enter = {value} now, or type on").format(
                    criterion=criterion.title, typed=step.buffer, value=score_text(waiting)
                )
                self._timer = view.set_timer(PENDING_DELAY, self._timeout)
            else:
                message = _("{criterion}: {typed}… keep typing; Esc cancels").format(
                    criterion=criterion.title, typed=step.buffer
                )
            view.status.say(message, "pending")
        else:
            self.target = None

    def _not_on_scale(self, typed: str) -> str:
        rubric = self.view.rubric
        if rubric.step == 1 and any(sign in typed for sign in "+.,"):
            # "+ is not a score" says nothing to someone who meant a half point.
            return _("The scale {scale} has whole points only: nothing saved").format(
                scale=scale_text(rubric)
            )
        return _("{typed} is not a score on the scale {scale}: nothing saved").format(
            typed=typed, scale=scale_text(rubric)
        )

    def _timeout(self) -> None:
        self._timer = None
        if self.buffer:
            self.commit(advance=True)

    def commit(self, advance: bool) -> bool:
        """Take the score still being typed; True when it was saved now."""
        view = self.view
        if self.entry is None:
            return False
        self._cancel_timer()
        step = self.entry.enter()
        target = self.target
        self.target = None
        if step.outcome == "invalid":
            view.refresh_sheet()
            view.status.say(self._not_on_scale(step.rejected), "error")
            return False
        criterion = view.rubric.criterion(target) if target else view.criterion
        if criterion is None or not step.commits:
            return False
        if view.sheet.final:
            self.changes.change_final(criterion, step.commits[0])
            return False
        return self.changes.save(criterion, step.commits[0], "", advance=advance)

    def take_pending(self) -> bool:
        """A score still being typed is saved before any other key acts on the sheet (or the
        app quits). False when it could not be saved at once (not on the scale, a final
        sheet's reason, a busy file): the status line says why, and the key does nothing."""
        if not self.buffer:
            return True
        return self.commit(advance=False)

    def moved_to(self, criterion_id: str) -> None:
        """The cursor left the criterion being typed for: what was typed is taken for it."""
        if self.buffer and self.target is not None and criterion_id != self.target:
            self.commit(advance=False)

    def cancel(self) -> bool:
        """Escape while typing: nothing saved. False when nothing was being typed."""
        if not self.buffer:
            return False
        self.drop()
        self.view.refresh_sheet()
        self.view.status.say(_("Typing cancelled: nothing saved."), "info")
        return True

    def drop(self) -> None:
        self._cancel_timer()
        if self.entry is not None:
            self.entry.clear()
        self.target = None

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def show_hint(self) -> None:
        """How to type a score on this rubric's scale, on the status line."""
        view = self.view
        if view.sheet.recused:
            view.status.say(
                _("You are recused from this nominee: r withdraws the recusal."), "info"
            )
            return
        rubric = view.rubric
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
        if view.sheet.final:
            hint = _("This sheet is final: changing a score asks for a reason; f reopens it.")
        view.status.say(hint, "info")
