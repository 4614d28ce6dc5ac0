"""The app says "Saved" only for a score read back from the file: a trigger another program
adds while the app is open (after its schema check) cannot make a dropped score look saved."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from fixtures.tui_helpers import open_nominee, static_text
from panel_tui.tui.scoring.app import ScoringApp

SIZE = (120, 40)


async def test_a_score_dropped_by_a_trigger_is_not_saved(
    make_app: Callable[[], ScoringApp], db_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute(
            "CREATE TRIGGER drop_scores BEFORE INSERT ON score_events"
            " BEGIN SELECT RAISE(IGNORE); END"
        )
        other.close()
        await pilot.press("4")
        await pilot.pause()
        status = static_text(app, "#save-status")
        assert "NOT saved" in status and "not written as given" in status, status
    other = sqlite3.connect(db_path)
    assert other.execute("SELECT COUNT(*) FROM score_events").fetchone() == (0,)
    other.close()
