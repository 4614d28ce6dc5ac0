"""The secretariat screen: Pilot tests and snapshots at 80x24 and 160x45."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static, TabbedContent

from panel_tui.tui.secretariat import SecretariatApp

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 45), id="160x45")]


async def _loaded(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


@pytest.fixture
def relative_panel(panel_file: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The merged file by a relative name, so the summary line is the same on every run."""
    monkeypatch.chdir(panel_file.parent)
    return Path(panel_file.name)


async def test_ranking_completion_and_disagreements(relative_panel: Path) -> None:
    app = SecretariatApp(relative_panel)
    async with app.run_test(size=(160, 45)) as pilot:
        await _loaded(pilot)
        assert app.result is not None
        tables = app.query(".ranking-table").results(DataTable)
        pemkab, bu = list(tables)
        assert [str(pemkab.get_row_at(i)[1]) for i in range(pemkab.row_count)] == [
            "lotim",
            "klu",
            "loteng",
            "mataram",
            "bima",
        ]
        # user text shown as written, never as markup
        assert str(pemkab.get_row_at(4)[-1]).endswith("[b]Bima[/b]")
        assert str(bu.get_row_at(0)[-1]) == "PT Sumber Alfaria Trijaya [Persero]"
        summary = str(app.query_one("#summary", Static).render())
        assert "6 of 7 nominees complete" in summary
        await pilot.press("2")
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "completion"
        matrix = app.query_one("#completion-table", DataTable)
        bima = [str(c) for c in matrix.get_row_at(4)]
        assert bima[:5] == ["pemkab", "bima", "✓", "✓", "2/3"]
        bank = [str(c) for c in matrix.get_row_at(6)]
        assert bank[:5] == ["bu", "bank", "R", "✓", "✓"]
        await pilot.press("3")
        await pilot.pause()
        spread = app.query_one("#disagreement-table", DataTable)
        # by spread relative to the scale: 1 on 1-5 before 2 on 0-10
        assert [str(c) for c in spread.get_row_at(0)][:4] == ["1", "klu", "innovation", "3.3333"]
        assert [str(c) for c in spread.get_row_at(1)][:4] == ["2", "bank", "compliance", "7"]
        await pilot.press("r")
        await _loaded(pilot)
        assert app.query(".ranking-table").results(DataTable)


async def test_an_unreadable_file_shows_a_message(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("nope")
    app = SecretariatApp(junk)
    async with app.run_test(size=(80, 24)) as pilot:
        await _loaded(pilot)
        summary = app.query_one("#summary", Static)
        assert summary.has_class("-error")
        assert "not a panel-tui database" in str(summary.render())


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_ranking(snap_compare: Any, relative_panel: Path, size: tuple[int, int]) -> None:
    assert snap_compare(SecretariatApp(relative_panel), terminal_size=size, run_before=_loaded)


def test_snapshot_completion(snap_compare: Any, relative_panel: Path) -> None:
    async def completion(pilot: Pilot[Any]) -> None:
        await _loaded(pilot)
        await pilot.press("2")
        await pilot.pause()

    assert snap_compare(
        SecretariatApp(relative_panel), terminal_size=(160, 45), run_before=completion
    )


def test_snapshot_robustness(snap_compare: Any, relative_panel: Path) -> None:
    async def robustness(pilot: Pilot[Any]) -> None:
        await _loaded(pilot)
        await pilot.press("4")
        await pilot.pause()

    assert snap_compare(
        SecretariatApp(relative_panel), terminal_size=(160, 45), run_before=robustness
    )
