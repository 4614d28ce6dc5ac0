"""The scoring app's test round (as in tests/tui) for the language tests, and a switch to Indonesian."""

from __future__ import annotations

import pytest

from fixtures.scoring_app import data_dir, db_path, make_app, round_dir
from panel_tui.i18n import set_language

__all__ = ["data_dir", "db_path", "indonesian", "make_app", "round_dir"]


@pytest.fixture
def indonesian(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the test in Bahasa Indonesia (the root conftest.py puts every test in English)."""
    monkeypatch.setenv("PANEL_TUI_LANG", "id")
    set_language("id")
