"""Fixtures of the core tests: assessor databases made the way users make them (`init`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.core_helpers import DbFactory
from fixtures.rounds import RoundFactory
from panel_tui.assessor.setup import init_assessor_db


@pytest.fixture
def make_db(make_round: RoundFactory, tmp_path: Path) -> DbFactory:
    """`make_db(number_format="en", assessor="a1")`: a fresh assessor database of the small round."""
    counter = iter(range(1_000_000))

    def make(number_format: str = "en", assessor: str = "a1") -> Path:
        n = next(counter)
        folder = make_round(number_format, name=f"db-round{n}")
        path, created, _ = init_assessor_db(folder, assessor, tmp_path / f"{assessor}-{n}.db")
        assert created
        return path

    return make


@pytest.fixture
def db(make_db: DbFactory) -> Path:
    """Assessor a1's fresh database of the small English-format round."""
    return make_db()
