"""A small round for the scoring app: two categories, a 1–5 and a 0–10 half-point rubric,
a nominee whose name looks like markup, and claims with a denominator and a warning."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from fixtures.rounds import SCORING_CLAIMS, SCORING_NOMINEES, SCORING_ROUND_TOML
from panel_tui.assessor.setup import init_assessor_db
from panel_tui.storage.store import Store
from panel_tui.tui.app import ScoringApp
from panel_tui.tui.session import open_database


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test keeps the app's data directory in tmp_path."""
    folder = tmp_path / "data"
    monkeypatch.setenv("PANEL_TUI_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def round_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "round"
    folder.mkdir()
    (folder / "round.toml").write_text(SCORING_ROUND_TOML, encoding="utf-8")
    (folder / "nominees.csv").write_text(SCORING_NOMINEES, encoding="utf-8")
    (folder / "claims.csv").write_text(SCORING_CLAIMS, encoding="utf-8")
    return folder


@pytest.fixture
def db_path(round_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Assessor a1's database, opened by a relative path so it reads the same in snapshots."""
    monkeypatch.chdir(tmp_path)
    init_assessor_db(round_dir, "a1", tmp_path / "a1.db")
    return Path("a1.db")


@pytest.fixture
def make_app(db_path: Path) -> Callable[[], ScoringApp]:
    """A fresh app on a1's database; a clock that never moves unless a test moves it."""

    def make() -> ScoringApp:
        return ScoringApp(session=open_database(db_path), now=lambda: 0.0)

    return make


@pytest.fixture
def read_store(db_path: Path) -> Callable[[], Store]:
    """A second, independent connection: what is on disk."""

    def read() -> Store:
        return Store.open(db_path)

    return read
