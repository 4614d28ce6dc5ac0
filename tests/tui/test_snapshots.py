"""Snapshots of the agenda, the scoring screen and the read-back at 80x24 and 160x45.

Deterministic: the database is opened by a relative path, the clock never moves, no timer
runs, notifications are cleared before the picture is taken.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from fixtures.databases import held_write_lock
from fixtures.tui_helpers import open_nominee, settle, show_agenda, show_scoring
from panel_tui.tui.scoring.app import ScoringApp
from panel_tui.tui.scoring.session import open_database

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


def clocked_app(db_path: Path) -> ScoringApp:
    """On 14 July 2025 at 09:05: Lombok Timur (09:00) is on now, PT Pupuk (09:30) next."""
    return ScoringApp(
        session=open_database(db_path), now=lambda: 0.0, clock=lambda: datetime(2025, 7, 14, 9, 5)
    )


@pytest.mark.parametrize("size", SIZES)
def test_agenda_with_now_and_next(snap_compare: Any, db_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(clocked_app(db_path), terminal_size=size, run_before=_settle)


def wait_for_database_snapshot(
    snap_compare: Any, app: ScoringApp, db_path: Path, size: object
) -> bool:
    """The dialog shown while another program holds the write lock (a score typed meanwhile)."""
    with held_write_lock(db_path, take=False) as holder:

        async def busy(pilot: Pilot[Any]) -> None:
            await open_nominee(pilot, "lotim")
            holder.take()
            await pilot.press("4")
            await pilot.pause()
            await pilot.press("3")  # typed blind: the dialog counts it as not used
            await _settle(pilot)

        return bool(snap_compare(app, terminal_size=size, run_before=busy))


@pytest.mark.parametrize("size", SIZES)
def test_waiting_for_the_database(
    snap_compare: Any, make_app: Callable[[], ScoringApp], db_path: Path, size: tuple[int, int]
) -> None:
    assert wait_for_database_snapshot(snap_compare, make_app(), db_path, size)


async def _reason_on_a_final_sheet(pilot: Pilot[Any]) -> None:
    """A score changed on a final sheet: the dialog asking why, its own footer over the
    scoring keys."""
    await open_nominee(pilot, "lotim")
    await pilot.press("5", "3", "1", "f")
    await pilot.pause()
    await pilot.press("f")  # the read-back finalises
    await pilot.pause()
    await pilot.press("up", "4")
    await _settle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_reason_dialog_on_a_final_sheet(
    snap_compare: Any, make_app: Callable[[], ScoringApp], size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=_reason_on_a_final_sheet)
