"""The secretariat tests' round: three assessors, seven nominees (fixtures.rounds.panel_round).

`make_db` (fixtures/plugin.py) makes databases of it; `panel_file` (fixtures/panel.py) is the
hand-computed panel merged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.rounds import panel_round, write_round


@pytest.fixture
def round_dir(tmp_path: Path) -> Path:
    return write_round(tmp_path / "round", panel_round())
