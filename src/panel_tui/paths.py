"""Where panel-tui keeps and finds its files: the data directory and the built-in demo round.

One home for both, so the scoring app and the command line never ask each other.
"""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """Where the app keeps the databases it creates (PANEL_TUI_DATA_DIR overrides)."""
    override = os.environ.get("PANEL_TUI_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("panel-tui", appauthor=False))


def demo_round_dir() -> Path:
    """The built-in demo round package (NTB 2025), shipped inside the package (beside this
    file: importlib.resources would import its readers and zipfile for the same answer)."""
    return Path(__file__).parent / "demo"
