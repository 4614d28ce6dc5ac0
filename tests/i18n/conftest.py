"""The scoring app's test round (tests/tui) for the language tests, and a switch to Indonesian."""

from __future__ import annotations

import pytest
from i18n_helpers import TUI_TESTS, load

from panel_tui.i18n import set_language

_tui = load("i18n_tui_round", TUI_TESTS / "conftest.py")

# The same round, database and app factory as the English tests of the scoring app.
data_dir = _tui.data_dir
round_dir = _tui.round_dir
db_path = _tui.db_path
make_app = _tui.make_app


@pytest.fixture
def indonesian(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the test in Bahasa Indonesia (the root conftest.py puts every test in English)."""
    monkeypatch.setenv("PANEL_TUI_LANG", "id")
    set_language("id")
