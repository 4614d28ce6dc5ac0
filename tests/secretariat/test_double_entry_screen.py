"""The secretariat screen's blind double entry: compare two typings, record nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from panel_tui.tui.secretariat.app import SecretariatApp
from panel_tui.tui.secretariat.double_entry_screen import DoubleEntryScreen

HEADER = "assessor,nominee,criterion,score,note\n"


async def _settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def _compare(pilot: Pilot[Any], first: Path, second: Path) -> DoubleEntryScreen:
    screen = pilot.app.screen
    assert isinstance(screen, DoubleEntryScreen)
    # The paths set, not typed key by key (long temporary paths); Enter moves on, then compares.
    screen.query_one("#first-typing", Input).value = str(first)
    screen.query_one("#second-typing", Input).value = str(second)
    screen.query_one("#first-typing", Input).focus()
    await pilot.press("enter")
    assert screen.query_one("#second-typing", Input).has_focus
    await pilot.press("enter")
    await _settle(pilot)
    return screen


async def test_disagreements_are_listed_and_agreement_is_said(
    panel_file: Path, tmp_path: Path
) -> None:
    ani, budi = tmp_path / "ani.csv", tmp_path / "budi.csv"
    ani.write_text(HEADER + "a3,lotim,regulation,4,[b]strong[/b]\na3,klu,coverage,5,\n")
    budi.write_text(HEADER + "a3,lotim,regulation,3,[b]strong[/b]\n")
    before = panel_file.read_bytes()
    app = SecretariatApp(panel_file)
    async with app.run_test(size=(160, 45)) as pilot:
        await _settle(pilot)
        await pilot.press("d")
        await pilot.pause()
        screen = await _compare(pilot, ani, budi)
        table = screen.query_one("#double-entry-table", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows == [
            ["ani.csv", "2", "score", "lotim/regulation: '4' here, '3' in budi.csv:2"],
            ["ani.csv", "3", "nominee", "klu/coverage is in ani.csv but missing from budi.csv"],
        ]
        verdict = str(screen.query_one("#double-entry-verdict", Static).render())
        assert "2 disagreement(s)" in verdict
        budi.write_text(HEADER + "a3,klu,coverage,5,\na3,lotim,regulation,4,[b]strong[/b]\n")
        screen = await _compare(pilot, ani, budi)
        assert table.row_count == 0
        verdict = str(screen.query_one("#double-entry-verdict", Static).render())
        assert "ani.csv and budi.csv agree cell for cell" in verdict
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DoubleEntryScreen)
    assert panel_file.read_bytes() == before  # comparing records nothing


async def test_a_missing_or_unreadable_file_is_a_clear_message(
    panel_file: Path, tmp_path: Path
) -> None:
    ani = tmp_path / "ani.csv"
    ani.write_text(HEADER + "a3,lotim,regulation,4,\n")
    bad = tmp_path / "bad.txt"
    bad.write_text("x")
    app = SecretariatApp(panel_file)
    async with app.run_test(size=(160, 45)) as pilot:
        await _settle(pilot)
        app.action_double_entry()
        await pilot.pause()
        screen = await _compare(pilot, ani, tmp_path / "nope.csv")
        verdict = str(screen.query_one("#double-entry-verdict", Static).render())
        assert "nope.csv: no such file" in verdict
        screen = await _compare(pilot, ani, bad)
        verdict = str(screen.query_one("#double-entry-verdict", Static).render())
        assert "bad.txt: expected a .csv or .xlsx score sheet" in verdict


async def test_the_command_palette_offers_it(panel_file: Path) -> None:
    app = SecretariatApp(panel_file)
    async with app.run_test(size=(160, 45)) as pilot:
        await _settle(pilot)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        commands["Blind double entry"].callback()
        await pilot.pause()
        assert isinstance(app.screen, DoubleEntryScreen)
        assert app.screen.query_one("#first-typing", Input).has_focus
