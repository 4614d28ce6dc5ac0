"""What the scoring screen offers the two parts it hands its keys to (typing, sheet changes).

A protocol, so that score_typing.py and sheet_changes.py need not import the screen that
imports them, and a reader sees at one glance all they may touch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer, TimerCallback

    from panel_tui.domain.model import Criterion, Nominee, Rubric
    from panel_tui.domain.sheet import Sheet
    from panel_tui.storage.store import Store
    from panel_tui.tui.scoring.session import Session
    from panel_tui.tui.scoring.status_line import StatusLine


class ScoringView(Protocol):
    nominee_id: str
    sheet: Sheet  # as last read from disk
    failed: dict[str, float | None]  # scores the database refused, marked on their rows

    @property
    def app(self) -> App[Any]: ...

    @property
    def session(self) -> Session: ...

    @property
    def store(self) -> Store: ...

    @property
    def nominee(self) -> Nominee: ...

    @property
    def rubric(self) -> Rubric: ...

    @property
    def criterion(self) -> Criterion | None:
        """The criterion under the rubric's cursor."""
        ...

    @property
    def status(self) -> StatusLine: ...

    def load(self, nominee_id: str, criterion: str | None = None) -> None: ...

    def refresh_sheet(self) -> None:
        """Read the sheet from disk again and draw it: what is on screen is what is on disk."""
        ...

    def move_to(self, criterion_id: str) -> None:
        """The rubric's cursor onto that criterion."""
        ...

    def set_timer(
        self,
        delay: float,
        callback: TimerCallback | None = None,
        *,
        name: str | None = None,
        pause: bool = False,
    ) -> Timer: ...
