"""Changing the sheet on the scoring screen: scores, notes, the comment, recusal, final.

Each change asks what it must (a reason on a final sheet, a confirmation, the read-back) in
a dialog, then goes through the one SheetWriter: nothing is said to be saved before the
database call returned.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from panel_tui.domain.model import Criterion
from panel_tui.domain.problems import PanelError
from panel_tui.i18n import _
from panel_tui.tui.common.formatting import score_text
from panel_tui.tui.dialogs import Words
from panel_tui.tui.dialogs.confirm import Confirm
from panel_tui.tui.dialogs.score_input import ScoreInput
from panel_tui.tui.dialogs.text_prompt import TextPrompt
from panel_tui.tui.scoring.readback_screen import ReadBackScreen
from panel_tui.tui.scoring.scoring_view import ScoringView
from panel_tui.tui.scoring.sheet_writes import SheetWrite, SheetWriter

# (nominee, criterion, before, after) of the last score change made here, for u.
Change = tuple[str, str, float | None, float | None]


class SheetChanges:
    def __init__(self, view: ScoringView, writer: SheetWriter) -> None:
        self.view = view
        self.writer = writer
        self.last_change: Change | None = None

    # --- what may be changed --------------------------------------------------------------

    def can_score(self) -> bool:
        view = self.view
        if view.sheet.recused:
            view.status.refused(
                _("You are recused from {nominee}: press r to withdraw the recusal.").format(
                    nominee=view.nominee.name
                )
            )
            return False
        return view.criterion is not None

    def refuse_if_recused(self) -> bool:
        """One rule for a recused assessor: nothing is written on that sheet, notes included."""
        view = self.view
        if not view.sheet.recused:
            return False
        view.status.refused(
            _(
                "You are recused from {nominee}: no scores, notes or comment; r withdraws the"
                " recusal."
            ).format(nominee=view.nominee.name)
        )
        return True

    # --- scores ---------------------------------------------------------------------------

    def save(self, criterion: Criterion, value: float | None, reason: str, advance: bool) -> bool:
        """Record one score; True when it was saved now; False when refused, or when another
        program holds the file and the save waits (in sight) for it."""
        view = self.view
        shown = _("no score") if value is None else score_text(value)
        before = view.sheet.scores.get(criterion.id)
        nominee = view.nominee_id

        def refused() -> None:
            view.failed[criterion.id] = value

        def taken() -> None:
            view.failed.pop(criterion.id, None)
            self.last_change = (nominee, criterion.id, before, value)
            if advance and view.nominee_id == nominee:
                self._advance_from(criterion)

        def saved() -> str:
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
            return text + "  " + _("(u: undo)")

        return self.writer.run(
            SheetWrite(
                what=_("{criterion} = {score}").format(criterion=criterion.title, score=shown),
                attempt=lambda: view.store.record_score(
                    nominee, criterion.id, value, reason=reason
                ),
                saved=saved,
                refused=lambda error: _("NOT saved: {criterion} = {score}: {error}").format(
                    criterion=criterion.title, score=shown, error=error
                ),
                on_saved=taken,
                on_refused=refused,
            )
        )

    def _advance_from(self, criterion: Criterion) -> None:
        ids = [c.id for c in self.view.rubric.criteria]
        index = ids.index(criterion.id)
        if index + 1 < len(ids):
            self.view.move_to(ids[index + 1])

    def ask_score(self) -> None:
        """Enter on a criterion with nothing typed: the score in a dialog."""
        view = self.view
        criterion = view.criterion
        if criterion is None or not self.can_score():
            return

        def done(value: float | None) -> None:
            if value is None:
                return
            if view.sheet.final:
                self.change_final(criterion, value)
            else:
                self.save(criterion, value, "", advance=True)

        current = view.sheet.scores.get(criterion.id)
        view.app.push_screen(ScoreInput(criterion, view.rubric, current), done)

    def clear(self) -> None:
        """The highlighted criterion's score taken away (on a final sheet, with a reason)."""
        view = self.view
        if not self.can_score():
            return
        criterion = view.criterion
        assert criterion is not None
        if criterion.id not in view.sheet.scores:
            if view.failed.pop(criterion.id, "none") != "none":
                view.refresh_sheet()
            view.status.say(
                _("{criterion} has no score to clear").format(criterion=criterion.title), "info"
            )
            return
        if view.sheet.final:
            self.change_final(criterion, None)
            return
        self.save(criterion, None, "", advance=False)

    def change_final(self, criterion: Criterion, value: float | None) -> None:
        """A score changed on a final sheet: the reason first, into the audit trail."""
        view = self.view
        current = view.sheet.scores.get(criterion.id)
        new = _("no score") if value is None else score_text(value)
        if current == value:
            view.refresh_sheet()
            view.status.say(
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
                self.save(criterion, value, reason, advance=False)
            else:
                view.refresh_sheet()
                view.status.say(_("Not changed: a final sheet needs a reason."), "info")

        self._ask_reason(
            lambda: _("This sheet is final"),
            lambda: _(
                "Why change {criterion} from {old} to {new}? The reason goes into the audit trail."
            ).format(
                criterion=criterion.title,
                old=score_text(current),
                new=score_text(value),
            ),
            done,
        )

    def _clear_on_final(self, criterion: Criterion, current: float | None) -> None:
        """A final sheet is always complete: clearing one of its scores reopens it first."""
        view = self.view

        def done(reason: str | None) -> None:
            if not reason:
                view.refresh_sheet()
                view.status.say(_("Not changed: a final sheet needs a reason."), "info")
                return
            try:
                view.store.reopen(view.nominee_id, reason)
            except (PanelError, sqlite3.Error) as exc:
                view.status.refused(_("NOT reopened: {error}").format(error=str(exc)))
                return
            if self.save(criterion, None, reason, advance=False):
                view.status.saved(
                    _(
                        "Reopened and cleared {criterion}: the sheet is no longer final;"
                        " f finalises it again."
                    ).format(criterion=criterion.title)
                )

        self._ask_reason(
            lambda: _("This sheet is final"),
            lambda: _(
                "Clearing {criterion} ({old}) reopens the sheet: it will no longer be final."
                " Why? The reason goes into the audit trail."
            ).format(criterion=criterion.title, old=score_text(current)),
            done,
        )

    def undo(self) -> None:
        """The last score change taken back by recording the score it replaced."""
        view = self.view
        change = self.last_change
        if change is None:
            view.status.say(_("Nothing to undo: no score was changed here yet."), "info")
            return
        nominee, criterion_id, before, after = change
        if nominee != view.nominee_id:
            view.load(nominee, criterion_id)
        criterion = view.rubric.criterion(criterion_id)
        if criterion is None or not self.can_score():
            return
        if view.sheet.scores.get(criterion_id) != after:
            view.status.say(
                _("Nothing to undo: {criterion} was changed again meanwhile.").format(
                    criterion=criterion.title
                ),
                "info",
            )
            self.last_change = None
            return
        view.move_to(criterion_id)
        if view.sheet.final:
            self.change_final(criterion, before)
            return
        self.save(criterion, before, "", advance=False)

    def _ask_reason(
        self, title: Words, explanation: Words, then: Callable[[str | None], None]
    ) -> None:
        """A reason for the audit trail, in a dialog that refuses an empty one."""
        self.view.app.push_screen(TextPrompt(title, explanation, required=True), then)

    # --- notes and the comment ------------------------------------------------------------

    def note(self) -> None:
        view = self.view
        criterion = view.criterion
        if criterion is None or self.refuse_if_recused():
            return
        current = view.sheet.notes.get(criterion.id, "")

        def done(text: str | None) -> None:
            if text is not None and text != current:
                self._write_note(criterion, text)

        view.app.push_screen(
            TextPrompt(
                lambda: _("Note on {criterion}").format(criterion=criterion.title),
                view.nominee.name,
                initial=current,
            ),
            done,
        )

    def comment(self) -> None:
        view = self.view
        if self.refuse_if_recused():
            return
        current = view.sheet.comment

        def done(text: str | None) -> None:
            if text is not None and text != current:
                self._write_note(None, text)

        view.app.push_screen(
            TextPrompt(
                lambda: _("Overall comment on {nominee}").format(nominee=view.nominee.name),
                lambda: _("Your impression of the whole presentation."),
                initial=current,
            ),
            done,
        )

    def _write_note(self, criterion: Criterion | None, text: str) -> None:
        view = self.view
        what = criterion.title if criterion else _("overall comment")
        nominee = view.nominee_id

        def saved() -> str:
            if criterion is None:
                return _("Overall comment saved")
            return _("Note on {criterion} saved").format(criterion=criterion.title)

        self.writer.run(
            SheetWrite(
                what=what,
                attempt=lambda: view.store.record_note(
                    nominee, criterion.id if criterion else None, text
                ),
                saved=saved,
                refused=lambda error: _("NOT saved: {what}: {error}").format(
                    what=what, error=error
                ),
            )
        )

    # --- recusal --------------------------------------------------------------------------

    def recuse(self) -> None:
        """Recuse from this nominee (with a reason), or withdraw the recusal."""
        view = self.view
        name = view.nominee.name
        if view.sheet.recused:

            def withdraw(yes: bool | None) -> None:
                if yes:
                    self._recusal(withdraw=True, reason="")

            view.app.push_screen(
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

        self._ask_reason(
            lambda: _("Recuse from {nominee}").format(nominee=name),
            lambda: _("A conflict of interest? Give the reason; it is kept in the audit trail."),
            recuse,
        )

    def _recusal(self, withdraw: bool, reason: str) -> None:
        view = self.view
        nominee = view.nominee_id

        def attempt() -> None:
            if withdraw:
                view.store.withdraw_recusal(nominee)
            else:
                view.store.recuse(nominee, reason)

        def saved() -> str:
            if withdraw:
                return _("Recusal withdrawn: you can score again.")
            return _("Saved: you are recused from this nominee.")

        self.writer.run(
            SheetWrite(
                what=_("The withdrawal of your recusal") if withdraw else _("Your recusal"),
                attempt=attempt,
                saved=saved,
                refused=lambda error: _("NOT saved: {error}").format(error=error),
            )
        )

    # --- final ----------------------------------------------------------------------------

    def finalise(self) -> None:
        """Read back every score, then finalise (f on a final sheet reopens it)."""
        view = self.view
        if view.sheet.recused:
            view.status.say(
                _("You are recused from this nominee: there is nothing to finalise."), "info"
            )
            return
        if view.sheet.final:
            self.reopen()
            return
        nominee = view.nominee_id

        def done(confirmed: bool | None) -> None:
            if not confirmed:
                view.refresh_sheet()
                return
            self.writer.run(
                SheetWrite(
                    what=_("Finalising this sheet"),
                    attempt=lambda: view.store.finalise(nominee),
                    saved=lambda: _(
                        "Final: your sheet for this nominee is finalised; f reopens it."
                    ),
                    refused=lambda error: _("NOT finalised: {error}").format(error=error),
                )
            )

        view.app.push_screen(ReadBackScreen(view.session, nominee), done)

    def reopen(self) -> None:
        """A final sheet made editable again, with the reason in the audit trail."""
        view = self.view
        if not view.sheet.final:
            return
        name = view.nominee.name
        nominee = view.nominee_id

        def done(reason: str | None) -> None:
            if not reason:
                return
            self.writer.run(
                SheetWrite(
                    what=_("Reopening this sheet"),
                    attempt=lambda: view.store.reopen(nominee, reason),
                    saved=lambda: _(
                        "Reopened: this sheet is no longer final; f finalises it again."
                    ),
                    refused=lambda error: _("NOT reopened: {error}").format(error=error),
                )
            )

        self._ask_reason(
            lambda: _("Reopen the sheet of {nominee}").format(nominee=name),
            lambda: _(
                "It will no longer be final. Give the reason; it is kept in the audit trail."
            ),
            done,
        )
