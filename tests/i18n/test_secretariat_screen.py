"""The secretariat screen in Bahasa Indonesia, and switched live from English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from panel_tui.i18n import language
from panel_tui.tui.secretariat.app import SecretariatApp


@pytest.fixture
def round_dir(panel_round_dir: Path) -> Path:
    """The secretariat's round (as in tests/secretariat), not the scoring app's."""
    return panel_round_dir


async def _loaded(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def _summary(app: SecretariatApp) -> str:
    return str(app.query_one("#summary", Static).render())


def _ranking_columns(app: SecretariatApp) -> list[str]:
    table = next(iter(app.query(".ranking-table").results(DataTable)))
    return [str(column.label) for column in table.columns.values()]


async def test_switch_the_secretariat_screen_live(panel_file: Path) -> None:
    app = SecretariatApp(panel_file)
    async with app.run_test(size=(160, 45)) as pilot:
        await _loaded(pilot)
        assert "6 of 7 nominees complete" in _summary(app)
        assert "nominee" in _ranking_columns(app)
        await pilot.press("ctrl+l")
        await _loaded(pilot)
        assert language() == "id"
        assert "6 dari 7 nominasi lengkap" in _summary(app)
        assert "nominasi" in _ranking_columns(app)
        table = next(iter(app.query(".ranking-table").results(DataTable)))
        assert str(table.get_row_at(0)[2]) == "70,00"
        assert app.sub_title == "sekretariat"
        await pilot.press("ctrl+l")
        await _loaded(pilot)
        assert language() == "en"
        assert "6 of 7 nominees complete" in _summary(app)
