"""Snapshots of the agenda, the scoring screen and the read-back at 80x24 and 160x45.

Deterministic: the database is opened by a relative path, the clock never moves, no timer
runs, notifications are cleared before the picture is taken.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from tui_helpers import open_nominee, settle, show_agenda, show_scoring

from panel_tui.tui.app import ScoringApp

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 45), id="160x45")]


_settle = settle
_agenda = show_agenda


async def _scoring(pilot: Pilot[Any]) -> None:
    await show_scoring(pilot, "see")


async def _readback(pilot: Pilot[Any]) -> None:
    await open_nominee(pilot, "lotim")
    await pilot.press("5", "3", "1", "up", "n")
    await pilot.pause()
    await pilot.press(*"[b]data[/b] unclear", "enter")
    await pilot.pause()
    await pilot.press("c")
    await pilot.pause()
    await pilot.press(*"Strong regent, weak data", "enter")
    await pilot.pause()
    await pilot.press("f")
    await _settle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_agenda(
    snap_compare: Any, make_app: Callable[[], ScoringApp], size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=_agenda)


@pytest.mark.parametrize("size", SIZES)
def test_scoring(
    snap_compare: Any, make_app: Callable[[], ScoringApp], size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=_scoring)


@pytest.mark.parametrize("size", SIZES)
def test_read_back(
    snap_compare: Any, make_app: Callable[[], ScoringApp], size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=_readback)
