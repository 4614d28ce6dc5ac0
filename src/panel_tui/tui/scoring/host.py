"""What the scoring app offers its screens, as a protocol: the screens and the command
palette take it from `self.app` without importing the app module (which imports them).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from panel_tui.domain.model import Nominee
    from panel_tui.tui.scoring.session import Session
    from panel_tui.tui.scoring.timer import TimerState


@runtime_checkable
class ScoringHost(Protocol):
    session: Session | None
    clock: Callable[[], datetime]

    def last_nominee(self) -> str: ...

    def open_nominee(self, nominee: str, criterion: str | None = None) -> None: ...

    def action_summary(self) -> None: ...

    def timer_for(self, nominee: Nominee) -> TimerState: ...

    def remember(self, nominee: str, criterion: str) -> None: ...

    def back_to_agenda(self) -> None: ...


def scoring_host(app: object) -> ScoringHost:
    """The running scoring app, seen through what screens may ask of it."""
    assert isinstance(app, ScoringHost), "a scoring screen outside the scoring app"
    return app
