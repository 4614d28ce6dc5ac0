"""What the scoring app offers its screens, as a protocol: the screens and the command
palette take it from `self.app` without importing the app module (which imports them).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, cast, runtime_checkable

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


# The app classes already found to be hosts: isinstance against a runtime protocol looks up
# every member each time (~20 µs), and a nominee switch asks for the host some twenty times.
_HOST_TYPES: set[type] = set()


def scoring_host(app: object) -> ScoringHost:
    """The running scoring app, seen through what screens may ask of it."""
    if type(app) not in _HOST_TYPES:
        assert isinstance(app, ScoringHost), "a scoring screen outside the scoring app"
        _HOST_TYPES.add(type(app))
    return cast("ScoringHost", app)
