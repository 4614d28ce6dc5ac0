"""The interview timer: one per nominee, started and paused by a key, warning near the end."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from textual.content import Content
from textual.timer import Timer
from textual.widgets import Static

from panel_tui.i18n import _
from panel_tui.tui.common.redraw import show

WARN_SECONDS = 3 * 60


@dataclass
class TimerState:
    """Elapsed time of one interview; `limit` None when the round sets no slot length."""

    limit: float | None
    elapsed: float = 0.0
    started: float | None = None

    @property
    def running(self) -> bool:
        return self.started is not None

    def seconds(self, now: float) -> float:
        return self.elapsed + (now - self.started if self.started is not None else 0.0)

    def toggle(self, now: float) -> None:
        if self.started is None:
            self.started = now
        else:
            self.elapsed += now - self.started
            self.started = None

    def reset(self) -> None:
        self.elapsed = 0.0
        self.started = None


def clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class InterviewTimer(Static):
    """Shows a TimerState; ticks only while it runs (so a stopped timer never changes)."""

    DEFAULT_CSS = """
    InterviewTimer {
        width: auto;
        min-width: 20;
        height: 1;
        padding: 0 1;
        text-align: right;
        color: $text-muted;
        &.-running { color: $text; background: $primary-muted; }
        &.-warning { color: $text; background: $warning-muted; text-style: bold; }
        &.-over { color: $text; background: $error; text-style: bold; }
    }
    """

    def __init__(self, now: Callable[[], float] | None = None, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self._clock = now
        self.state: TimerState | None = None
        self._ticker: Timer | None = None

    def _now(self) -> float:
        """The app's clock when it has one (tests give a fixed one), else the monotonic clock."""
        clock = self._clock or getattr(self.app, "now", None) or time.monotonic
        return float(clock())

    def on_mount(self) -> None:
        self._ticker = self.set_interval(0.5, self.refresh_time, pause=True)
        self.refresh_time()

    def show_state(self, state: TimerState | None) -> None:
        self.state = state
        self._sync_ticker()
        self.refresh_time()

    def toggle(self) -> None:
        if self.state is not None:
            self.state.toggle(self._now())
            self._sync_ticker()
            self.refresh_time()

    def reset(self) -> None:
        if self.state is not None:
            self.state.reset()
            self._sync_ticker()
            self.refresh_time()

    def _sync_ticker(self) -> None:
        if self._ticker is None:
            return
        if self.state is not None and self.state.running:
            self._ticker.resume()
        else:
            self._ticker.pause()

    def refresh_time(self) -> None:
        state = self.state
        self.remove_class("-running", "-warning", "-over")
        if state is None:
            show(self, "")
            return
        spent = state.seconds(self._now())
        icon = "⏱" if state.running else "⏸"
        if state.limit is None:
            text = f"{icon} {clock(spent)}"
        else:
            left = state.limit - spent
            if left < 0:
                text = _("{icon} {time} over time").format(icon=icon, time=clock(-left))
                self.add_class("-over")
            else:
                text = _("{icon} {time} left").format(icon=icon, time=clock(left))
                if left <= WARN_SECONDS and (state.running or spent > 0):
                    self.add_class("-warning")
        if not state.running and state.seconds(self._now()) == 0:
            text = _("⏸ {time} · t starts").format(
                time=clock(state.limit) if state.limit is not None else clock(0)
            )
        elif not state.running:
            text += " " + _("(paused)")
        elif "-warning" not in self.classes and "-over" not in self.classes:
            self.add_class("-running")
        show(self, Content(text))
