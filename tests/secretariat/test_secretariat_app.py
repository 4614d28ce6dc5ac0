"""The secretariat screen: Pilot tests and snapshots at 80x24 and 160x45."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static, TabbedContent

from panel_tui.tui.secretariat.app import SecretariatApp

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


# --- reaching every cell, a nominee's matrix, progress, a new merge ------------------------


def _ranking_tables(app: SecretariatApp) -> list[DataTable[Any]]:
    return list(app.query(".ranking-table").results(DataTable))


async def test_wide_tables_scroll_by_keyboard(relative_panel: Path) -> None:
    app = SecretariatApp(relative_panel)
    async with app.run_test(size=(80, 24)) as pilot:
        await _loaded(pilot)
        pemkab = _ranking_tables(app)[0]
        assert app.focused is pemkab  # the keys act on the table at once
        assert pemkab.max_scroll_x > 0  # the name column is off screen at 80 columns
        await pilot.press("right", "right", "right")
        await pilot.pause()
        assert pemkab.scroll_x > 0
        await pilot.press("end")
        await pilot.pause()
        assert pemkab.scroll_x == pemkab.max_scroll_x
        await pilot.press("home")
        await pilot.pause()
        assert pemkab.scroll_x == 0
        await pilot.press("tab")  # the next category's table
        await pilot.pause()
        assert app.focused is _ranking_tables(app)[1]


async def test_enter_opens_a_nominees_matrix(relative_panel: Path) -> None:
    from panel_tui.tui.secretariat.nominee_result_screen import NomineeResultScreen

    app = SecretariatApp(relative_panel)
    async with app.run_test(size=(160, 45)) as pilot:
        await _loaded(pilot)
        await pilot.press("down", "enter")  # klu
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NomineeResultScreen)
        matrix = screen.query_one("#nominee-matrix", DataTable)
        rows = [[str(c) for c in matrix.get_row_at(i)] for i in range(matrix.row_count)]
        assert rows == [
            ["Regulasi (regulation)", "40", "4", "4", "4", "4"],
            ["Cakupan (coverage)", "30", "4", "4", "4", "4"],
            ["Inovasi (innovation)", "30", "3", "3", "4", "3.3333"],
            ["sheet final", "", "–", "–", "–", ""],
        ]
        summary = str(screen.query_one("#nominee-summary", Static).render())
        assert "rank 2, total 70.00, advances; 3 assessor(s) counted; scale 1–5" in summary
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, NomineeResultScreen)
        # From the completion matrix: bank, where a1 is recused.
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("down", "down", "down", "down", "down", "down", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NomineeResultScreen)
        assert screen.nominee.nominee.id == "bank"
        matrix = screen.query_one("#nominee-matrix", DataTable)
        assert [str(c) for c in matrix.get_row_at(0)] == [
            "Kepatuhan (compliance)",
            "50",
            "R",
            "6",
            "8",
            "7",
        ]
        details = str(screen.query_one("#nominee-details", Static).render())
        assert (
            "a1 recused from PT Bank NTB Syariah (bank) (not counted): former employee" in details
        )
        await pilot.press("escape")
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "completion"


async def test_incomplete_nominee_shows_what_it_lacks(relative_panel: Path) -> None:
    from panel_tui.tui.secretariat.nominee_result_screen import NomineeResultScreen

    app = SecretariatApp(relative_panel)
    async with app.run_test(size=(160, 45)) as pilot:
        await _loaded(pilot)
        await pilot.press("down", "down", "down", "down", "enter")  # bima
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NomineeResultScreen)
        matrix = screen.query_one("#nominee-matrix", DataTable)
        assert [str(c) for c in matrix.get_row_at(2)][2:] == ["5", "5", "·", "5"]
        assert "incomplete: a3: innovation" in str(
            screen.query_one("#nominee-details", Static).render()
        )


async def test_progress_per_assessor(relative_panel: Path) -> None:
    app = SecretariatApp(relative_panel)
    async with app.run_test(size=(160, 45)) as pilot:
        await _loaded(pilot)
        await pilot.press("5")
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "progress"
        table = app.query_one("#progress-table", DataTable)
        assert app.focused is table
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        # a1: everything but bank (recused); a3: all but bima's innovation.
        assert rows == [
            ["a1", "17", "17", "100", "6/6", "1", "Sekda [b]Uji[/b]"],
            ["a2", "19", "19", "100", "7/7", "0", "BPJS Uji"],
            ["a3", "18", "19", "94.7", "6/7", "0", "Akademisi Uji"],
        ]


async def test_language_switch_keeps_the_tab(relative_panel: Path) -> None:
    from panel_tui.i18n import language, set_language

    before = language()
    app = SecretariatApp(relative_panel)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await _loaded(pilot)
            await pilot.press("3")
            await pilot.pause()
            await pilot.press("ctrl+l")
            await _loaded(pilot)
            assert language() != before
            assert app.query_one(TabbedContent).active == "disagreements"
            assert app.focused is app.query_one("#disagreement-table", DataTable)
    finally:
        set_language(before)


async def test_a_new_merge_is_shown_without_a_key(
    relative_panel: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from panel_tui.secretariat.merge.driver import merge
    from panel_tui.storage.store import Store
    from panel_tui.tui.secretariat import app as secretariat

    monkeypatch.setattr(secretariat, "WATCH_SECONDS", 0.1)
    app = SecretariatApp(relative_panel)
    async with app.run_test(size=(160, 45)) as pilot:
        await _loaded(pilot)
        summary = app.query_one("#summary", Static)
        assert "6 of 7 nominees complete" in str(summary.render())
        a3 = Path("a3.db")  # beside the merged file (the working directory)
        with Store.open(a3) as store:
            store.record_score("bima", "innovation", 4)
        assert merge(relative_panel, [a3]).ok
        for _ in range(50):
            await asyncio.sleep(0.1)  # a tally in flight may be replaced by the next one
            await pilot.pause()
            if "7 of 7 nominees complete" in str(summary.render()):
                break
        assert "7 of 7 nominees complete" in str(summary.render())


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_nominee(snap_compare: Any, relative_panel: Path, size: tuple[int, int]) -> None:
    async def nominee(pilot: Pilot[Any]) -> None:
        await _loaded(pilot)
        await pilot.press("down", "down", "down", "down", "enter")  # bima: incomplete
        await pilot.pause()

    assert snap_compare(SecretariatApp(relative_panel), terminal_size=size, run_before=nominee)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_progress(snap_compare: Any, relative_panel: Path, size: tuple[int, int]) -> None:
    async def progress(pilot: Pilot[Any]) -> None:
        await _loaded(pilot)
        await pilot.press("5")
        await pilot.pause()

    assert snap_compare(SecretariatApp(relative_panel), terminal_size=size, run_before=progress)
