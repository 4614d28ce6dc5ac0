"""The claims table: wrapping, drawing only what is in view, and its own keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from fixtures.tui_helpers import open_nominee, static_text
from panel_tui.assessor.setup import init_assessor_db
from panel_tui.tui.scoring.app import ScoringApp
from panel_tui.tui.scoring.claims_table import ClaimsTable, wrap
from panel_tui.tui.scoring.session import open_database


def test_wrap_breaks_between_words() -> None:
    assert wrap("Seluruh perusahaan dan proyek konstruksi", 18) == [
        "Seluruh perusahaan",
        "dan proyek",
        "konstruksi",
    ]
    assert wrap("pendek", 18) == ["pendek"]
    assert wrap("", 5) == [""]


def test_wrap_keeps_the_indent_of_a_part_claim_and_each_newline() -> None:
    assert wrap("  ↳ Petani tembakau terdaftar", 14) == ["  ↳ Petani", "tembakau", "terdaftar"]
    assert wrap("Dana ADD\n⚠ tidak cocok", 40) == ["Dana ADD", "⚠ tidak cocok"]


def test_wrap_cuts_a_word_longer_than_the_column() -> None:
    assert wrap("https://ntb.bps.go.id/statistik/angkatan-kerja-2024 (BPS)", 12) == [
        "https://ntb.",
        "bps.go.id/st",
        "atistik/angk",
        "atan-kerja-2",
        "024 (BPS)",
    ]


def test_wrap_counts_cells_not_characters() -> None:
    lines = wrap("漢字漢字 漢字", 8)
    assert lines == ["漢字漢字", "漢字"]


@pytest.fixture
def demo_app(demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ScoringApp:
    monkeypatch.setenv("PANEL_TUI_DATA_DIR", str(tmp_path / "data"))
    init_assessor_db(demo_dir, "a1", tmp_path / "a1.db")
    return ScoringApp(session=open_database(tmp_path / "a1.db"), now=lambda: 0.0)


def visible(table: ClaimsTable) -> str:
    return "\n".join(table.render_line(y).text for y in range(table.size.height))


async def test_claims_are_drawn_wrapped_under_a_fixed_header(demo_app: ScoringApp) -> None:
    async with demo_app.run_test(size=(160, 45)) as pilot:
        await open_nominee(pilot, "lotim")
        table = demo_app.screen.query_one(ClaimsTable)
        lines = visible(table).splitlines()
        assert lines[0].split() == ["Claim", "Value", "Coverage"]
        # The first claim's value wraps over several lines of its own row.
        assert "Seluruh perusahaan dan" in lines[1]
        assert "▶" in lines[1]
        assert "proyek konstruksi di Lombok" in lines[2]
        assert "Timur diwajibkan" in lines[3]
        # Every line fits: nothing spills into the rubric beside it.
        assert all(cell_len(line) <= table.size.width for line in lines)


async def test_keys_move_the_cursor_and_keep_it_in_view(demo_app: ScoringApp) -> None:
    async with demo_app.run_test(size=(100, 14)) as pilot:
        await open_nominee(pilot, "lotim")
        await pilot.press("z")  # the claims take the screen, and the keys
        await pilot.pause()
        table = demo_app.screen.query_one(ClaimsTable)
        assert table.has_focus
        last = table.claims[-1].label
        assert last not in visible(table)
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == len(table.claims) - 1
        assert last in visible(table)
        assert table.claims[0].label not in visible(table)
        await pilot.press("home", "j", "down")
        await pilot.pause()
        assert table.cursor_row == 2
        assert table.claims[2].label[:20] in visible(table)
        await pilot.press("k")
        assert table.cursor_row == 1
        await pilot.press("pagedown")
        await pilot.pause()
        below = table.cursor_row
        assert below > 2
        assert table.claims[below].label[:20] in visible(table)
        await pilot.press("pageup")
        assert table.cursor_row < below


async def test_enter_on_a_claim_shows_its_source(demo_app: ScoringApp) -> None:
    async with demo_app.run_test(size=(120, 30)) as pilot:
        await open_nominee(pilot, "lotim")
        await pilot.press("z")
        await pilot.pause()
        table = demo_app.screen.query_one(ClaimsTable)
        await pilot.press("home", "enter")
        await pilot.pause()
        source = table.claims[0].source
        # Where it stays until the next key: under the claims, not in a vanishing notice.
        assert source and source in str(table.border_subtitle)
        assert not demo_app._notifications
        await pilot.press("z")
        await pilot.pause()
        assert source in static_text(demo_app, "#save-status")


def test_wrap_makes_tabs_spaces_and_every_line_break_a_line() -> None:
    assert wrap("Perda\tNo. 5\r\nhal. 2\rpasal 3", 40) == ["Perda No. 5", "hal. 2", "pasal 3"]


async def test_a_tab_in_a_note_does_not_leave_the_grid(
    demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tabs and line breaks are text in notes; on screen they are spaces, columns stay put."""
    from panel_tui.storage.store import Store
    from panel_tui.tui.scoring.rubric_table import RubricTable

    monkeypatch.setenv("PANEL_TUI_DATA_DIR", str(tmp_path / "data"))
    init_assessor_db(demo_dir, "a1", tmp_path / "a1.db")
    with Store.open(tmp_path / "a1.db") as store:
        criterion = store.round.rubric_for(store.round.nominee("lotim")).criteria[0]  # type: ignore[arg-type]
        store.record_note("lotim", criterion.id, "Perda\tNo. 5\nhal. 2")
    app = ScoringApp(session=open_database(tmp_path / "a1.db"), now=lambda: 0.0)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_nominee(pilot, "lotim")
        table = app.screen.query_one(RubricTable)
        lines = [table.render_line(y).text for y in range(table.size.height)]
        row = next(line for line in lines if criterion.title in line)
        assert "Perda No. 5 ha" in row  # the note column ends it in …
        assert not any(c in line for line in lines for c in "\t\r\n")
        assert {cell_len(line) for line in lines} == {table.size.width}


async def test_digits_in_the_full_screen_claims_view_do_not_score(demo_app: ScoringApp) -> None:
    """Issue 15: the criterion a digit would score is out of sight, so digits are off there."""
    from panel_tui.storage.store import Store

    async with demo_app.run_test(size=(160, 45)) as pilot:
        await open_nominee(pilot, "lotim")
        screen = demo_app.screen
        criterion = screen.criterion  # type: ignore[attr-defined]
        await pilot.press("z")
        await pilot.pause()
        table = screen.query_one(ClaimsTable)
        assert screen.maximized is table
        assert table.border_title is not None
        assert criterion.title in str(table.border_title)
        assert "do not score" in str(table.border_subtitle)
        await pilot.press("j", "j", "3")
        await pilot.pause(1.5)
        assert screen.maximized is table  # still reading the claims
        await pilot.press("z")
        await pilot.pause()
        assert screen.maximized is None
        assert table.border_title is None
    with Store.open(Path(demo_app.session.store.path)) as store:
        assert store.sheet("lotim").scores == {}
