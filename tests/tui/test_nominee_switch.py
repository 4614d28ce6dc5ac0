"""Performance issue 19 (next nominee): what a switch keeps from before never shows stale data.

A switch reads the sheet (scores, notes, recusal) from the database every time; only the
round's claims, which never change while the app runs, are laid out ahead for the
neighbours. These tests would fail if a switch served a sheet, or a layout, from before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from fixtures.tui_helpers import open_nominee, static_text, table_text
from panel_tui.assessor.setup import init_assessor_db
from panel_tui.i18n import set_language
from panel_tui.storage.store import Store
from panel_tui.tui.scoring import scoring_screen
from panel_tui.tui.scoring.app import ScoringApp
from panel_tui.tui.scoring.claims_table import ClaimsTable
from panel_tui.tui.scoring.scoring_screen import LAY_OUT_AHEAD_AFTER
from panel_tui.tui.scoring.session import open_database

MakeApp = Callable[[], ScoringApp]
ReadStore = Callable[[], Store]
SIZE = (160, 45)
# The agenda of the test round, in interview order: lotim, pupuk, klu.


def _score_of(app: ScoringApp, row: int = 0) -> str:
    return table_text(app, "#rubric")[row][2]


async def _laid_out_ahead(pilot: Pilot[int]) -> None:
    """Wait until the neighbours' claims have been laid out ahead."""
    await asyncio.sleep(LAY_OUT_AHEAD_AFTER * 3)
    await pilot.pause()


async def test_a_score_given_before_leaving_is_shown_on_coming_back(
    make_app: MakeApp, read_store: ReadStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        await pilot.press("4")  # regulation
        await pilot.pause()
        await pilot.press("]")
        await pilot.pause()
        await _laid_out_ahead(pilot)
        assert app.screen.nominee_id == "pupuk"  # type: ignore[attr-defined]
        await pilot.press("[")
        await pilot.pause()
        assert _score_of(app) == "4"
        # Changed again, away and back once more: the newest score, not the first one seen.
        await pilot.press("up", "2")
        await pilot.pause()
        await pilot.press("]", "[")
        await pilot.pause()
        assert _score_of(app) == "2"
        assert "so far" in static_text(app, "#nominee-total")
    with read_store() as store:
        assert store.sheet("lotim").scores["regulation"] == 2


async def test_another_connections_change_is_shown_when_coming_back(
    make_app: MakeApp, read_store: ReadStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        await pilot.press("3")
        await pilot.pause()
        assert _score_of(app) == "3"
        await pilot.press("]")
        await pilot.pause()
        await _laid_out_ahead(pilot)  # lotim is one of pupuk's neighbours, laid out ahead
        with read_store() as other:  # another copy of the app, or import-scores
            other.record_score("lotim", "regulation", 5)
            other.record_note("lotim", "budget", "asked again")
        # Back before the app's look for another writer (once a second) has come round.
        await pilot.press("[")
        await pilot.pause()
        assert _score_of(app) == "5"
        assert table_text(app, "#rubric")[1][3] == "asked again"
        # A recusal made elsewhere while the app shows pupuk is shown too.
        await pilot.press("]")
        await pilot.pause()
        with read_store() as other:
            other.recuse("lotim", "a relative")
        await pilot.press("[")
        await pilot.pause()
        assert "RECUSED" in static_text(app, "#nominee-name")


@pytest.fixture
def demo_db(demo_dir: Path, tmp_path: Path) -> Path:
    init_assessor_db(demo_dir, "a1", tmp_path / "demo-a1.db")
    return tmp_path / "demo-a1.db"


def _visible(app: ScoringApp) -> list[str]:
    table = app.screen.query_one(ClaimsTable)
    return [table.render_line(y).text for y in range(table.size.height)]


async def _drawn_fresh(db: Path, nominee: str, size: tuple[int, int]) -> list[str]:
    """The claims of `nominee` as an app that has laid out nothing before draws them."""
    app = ScoringApp(session=open_database(db), now=lambda: 0.0)
    async with app.run_test(size=size) as pilot:
        await open_nominee(pilot, nominee)
        return _visible(app)


async def test_claims_laid_out_ahead_draw_what_a_fresh_layout_draws(demo_db: Path) -> None:
    app = ScoringApp(session=open_database(demo_db), now=lambda: 0.0)
    order = [n.id for n in app.session.round.agenda()]  # type: ignore[union-attr]
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, order[0])
        await _laid_out_ahead(pilot)
        await pilot.press("]")
        await pilot.pause()
        shown = _visible(app)
    assert any(line.strip() for line in shown[1:])  # the neighbour has claims to compare
    assert shown == await _drawn_fresh(demo_db, order[1], SIZE)


async def test_a_layout_made_ahead_in_another_language_is_not_used(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = ScoringApp(session=open_database(demo_db), now=lambda: 0.0)
    order = [n.id for n in app.session.round.agenda()]  # type: ignore[union-attr]
    # The nominee after `first` has claims written differently in each language (persons,
    # orang) and no warnings (whose words would differ anyway).
    first = order.index("alfamart")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_nominee(pilot, order[first])
            await _laid_out_ahead(pilot)  # in English
            # The next layouts ahead come too late: ] finds only the English one.
            monkeypatch.setattr(scoring_screen, "LAY_OUT_AHEAD_AFTER", 30.0)
            await pilot.press("ctrl+l", "]")
            await pilot.pause()
            shown = _visible(app)
        assert any("orang" in line for line in shown)
        assert shown == await _drawn_fresh(demo_db, order[first + 1], SIZE)
    finally:
        set_language("en")


async def test_a_layout_made_ahead_at_another_width_is_not_used(demo_db: Path) -> None:
    app = ScoringApp(session=open_database(demo_db), now=lambda: 0.0)
    order = [n.id for n in app.session.round.agenda()]  # type: ignore[union-attr]
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, order[0])
        await _laid_out_ahead(pilot)  # at 160 columns
        await pilot.resize_terminal(130, 45)
        await pilot.pause()
        await pilot.press("]")
        await pilot.pause()
        shown = _visible(app)
    assert shown == await _drawn_fresh(demo_db, order[1], (130, 45))
