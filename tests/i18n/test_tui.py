"""The scoring app in Bahasa Indonesia: snapshots of the agenda and the scoring screen, and the
live switch from the command palette (the English snapshots are in tests/tui)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from rich.table import Table
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from fixtures import tui_helpers
from fixtures.databases import held_write_lock
from fixtures.tui_helpers import open_nominee, static_text, table_text
from panel_tui.i18n import language
from panel_tui.round_package.loader import load_round_or_raise
from panel_tui.tui.common.footer import PanelFooter
from panel_tui.tui.common.keys_panel import TranslatedBindingsTable
from panel_tui.tui.scoring.agenda_screen import AgendaTable
from panel_tui.tui.scoring.app import ScoringApp
from panel_tui.tui.scoring.session import PendingRound, open_database

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 45), id="160x45")]
SIZE = (120, 36)


_settle = tui_helpers.settle
_agenda = tui_helpers.show_agenda


async def _scoring(pilot: Pilot[Any]) -> None:
    await tui_helpers.show_scoring(pilot, "lihat")


@pytest.mark.usefixtures("indonesian")
@pytest.mark.parametrize("size", SIZES)
def test_agenda_in_indonesian(
    snap_compare: Any, make_app: Callable[[], ScoringApp], size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=_agenda)


@pytest.mark.usefixtures("indonesian")
@pytest.mark.parametrize("size", SIZES)
def test_scoring_in_indonesian(
    snap_compare: Any, make_app: Callable[[], ScoringApp], size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=_scoring)


async def _readback(pilot: Pilot[Any]) -> None:
    await open_nominee(pilot, "lotim")
    await pilot.press("5", "3", "1", "up", "n")
    await pilot.pause()
    await pilot.press(*"[b]data[/b] kurang jelas", "enter")
    await pilot.pause()
    await pilot.press("c")
    await pilot.pause()
    await pilot.press(*"Bupati hadir, data lemah", "enter")
    await pilot.pause()
    await pilot.press("f")
    await _settle(pilot)


async def _summary(pilot: Pilot[Any]) -> None:
    await open_nominee(pilot, "lotim")
    await pilot.press("5", "3", "1", "r")
    await pilot.pause()
    await pilot.press(*"kerabat", "enter")
    await pilot.pause()
    await pilot.press("s")
    await _settle(pilot)


@pytest.mark.usefixtures("indonesian")
@pytest.mark.parametrize("size", SIZES)
def test_read_back_in_indonesian(
    snap_compare: Any, make_app: Callable[[], ScoringApp], size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=_readback)


@pytest.mark.usefixtures("indonesian")
def test_summary_in_indonesian(snap_compare: Any, make_app: Callable[[], ScoringApp]) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 30), run_before=_summary)


def _footer_words(app: ScoringApp) -> str:
    footer = app.screen.query_one(PanelFooter)
    return " ".join(getattr(key, "description", "") for key in footer.children)


async def _palette(pilot: Pilot[Any], query: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*query)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()
    await pilot.pause()


async def test_switch_language_live_from_the_command_palette(
    make_app: Callable[[], ScoringApp],
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert language() == "en"
        head = app.screen.query_one(AgendaTable).header_cells()
        assert "Nominee" in head
        assert "14–15 July 2025" in static_text(app, "#round-info")
        assert "summary" in _footer_words(app)

        await _palette(pilot, "Bahasa Indonesia")
        assert language() == "id"
        head = app.screen.query_one(AgendaTable).header_cells()
        assert "Nominasi" in head and "Nominee" not in head
        assert "14–15 Juli 2025" in static_text(app, "#round-info")
        assert "waktu paparan 15 menit" in static_text(app, "#round-info")
        assert "nilai terisi" in static_text(app, "#overall-progress")
        assert "rekap" in _footer_words(app)
        statuses = [row[-1] for row in table_text(app, "#agenda-table")]
        assert "○ belum dinilai" in statuses

        await open_nominee(pilot, "lotim")
        assert static_text(app, "#rubric-title").startswith("Rubrik · skala 1–5")
        claims = table_text(app, "#claims")
        assert claims[1][2] == "Rp3 miliar"
        assert claims[2][2] == "17.000 orang"
        assert claims[2][3] == "0,53% dari angkatan kerja [BPS]"
        assert "nilai" in _footer_words(app)

        # Back to English with the key, while the scoring screen is open.
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert language() == "en"
        assert static_text(app, "#rubric-title").startswith("Rubric · scale 1–5")
        claims = table_text(app, "#claims")
        assert claims[1][2] == "IDR 3 billion"
        assert claims[2][2] == "17,000 persons"
        assert "note" in _footer_words(app)
        assert static_text(app, "#nominee-meta").startswith("1 of 3 · 14 July 2025 09:00")

        # The agenda under it follows too.
        await pilot.press("escape")
        await pilot.pause()
        head = app.screen.query_one(AgendaTable).header_cells()
        assert "Nominee" in head


async def test_a_dialog_keeps_what_is_typed_across_a_switch(
    make_app: Callable[[], ScoringApp],
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"data [BPS] belum jelas")
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.pause()
        assert language() == "id"
        assert static_text(app, ".dialog-title") == "Catatan untuk Regulasi"
        assert app.screen.query_one(Input).value == "data [BPS] belum jelas"
        await pilot.press("enter")
        await pilot.pause()
        assert static_text(app, "#save-status") == "✓ Catatan untuk Regulasi tersimpan"


async def test_commands_in_the_palette_are_translated(
    make_app: Callable[[], ScoringApp], indonesian: None
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        await _palette(pilot, "komentar")
        assert (
            static_text(app, ".dialog-title")
            == "Catatan umum untuk Pemerintah Kabupaten Lombok Timur"
        )


async def test_the_first_screen_asks_in_indonesian(round_dir: Path, indonesian: None) -> None:
    round_, _warnings = load_round_or_raise(round_dir)
    app = ScoringApp(pending=PendingRound(round_dir, round_), now=lambda: 0.0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert static_text(app, ".dialog-explanation").startswith("Siapakah Anda")
        options = app.screen.query_one(OptionList)
        prompt = options.get_option_at_index(0).prompt
        assert isinstance(prompt, Table)  # the id in a column of its own
        first = " ".join(str(cell) for column in prompt.columns for cell in column._cells)
        assert "Sekretaris Daerah (ketua)" in first and "(pemerintah)" in first
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.pause()
        assert static_text(app, ".dialog-explanation").startswith("Which panel member")


async def test_the_keys_panel_in_indonesian(
    make_app: Callable[[], ScoringApp], indonesian: None
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        app.action_show_help_panel()
        await pilot.pause()
        await pilot.pause()
        table = app.screen.query_one(TranslatedBindingsTable)
        lines = [str(cell) for cell in table.render_bindings_table().columns[1]._cells]
        assert any(line.startswith("catatan Tulis catatan pada kriteria") for line in lines)
        assert not any("Write a note" in line for line in lines)


async def test_the_theme_picker_in_indonesian(
    make_app: Callable[[], ScoringApp], indonesian: None
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.search_themes()
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query_one(Input).placeholder == "Cari tema…"


async def test_the_read_back_keeps_the_indonesian_missing_word_whole_at_80x24(
    make_app: Callable[[], ScoringApp], indonesian: None
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_nominee(pilot, "lotim")
        await pilot.press("4", "f")
        await pilot.pause()
        await pilot.pause()
        table = app.screen.query_one("#readback-table")
        lines = [table.render_line(y).text for y in range(table.size.height)]
        assert sum("belum ada" in line for line in lines) == 2  # not "belum …"


def _clocked_app(db_path: Path) -> ScoringApp:
    """On 14 July 2025 at 09:05: Lombok Timur (09:00) is on now, PT Pupuk (09:30) next."""
    return ScoringApp(
        session=open_database(db_path), now=lambda: 0.0, clock=lambda: datetime(2025, 7, 14, 9, 5)
    )


@pytest.mark.usefixtures("indonesian")
@pytest.mark.parametrize("size", SIZES)
def test_agenda_with_now_and_next_in_indonesian(
    snap_compare: Any, db_path: Path, size: tuple[int, int]
) -> None:
    assert snap_compare(_clocked_app(db_path), terminal_size=size, run_before=_settle)


@pytest.mark.usefixtures("indonesian")
@pytest.mark.parametrize("size", SIZES)
def test_waiting_for_the_database_in_indonesian(
    snap_compare: Any, make_app: Callable[[], ScoringApp], db_path: Path, size: tuple[int, int]
) -> None:
    with held_write_lock(db_path, take=False) as holder:

        async def busy(pilot: Pilot[Any]) -> None:
            await open_nominee(pilot, "lotim")
            holder.take()  # another program holds the write lock
            await pilot.press("4")
            await pilot.pause()
            await pilot.press("3")  # typed blind: counted as not used
            await _settle(pilot)

        assert snap_compare(make_app(), terminal_size=size, run_before=busy)
