"""Fixtures of the core tests: assessor databases made the way users make them (`init`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.databases import MakeDb
from fixtures.rounds import RoundFactory


@pytest.fixture
def round_dir(make_round: RoundFactory) -> Path:
    """The small round in English number format: the round of `make_db` here."""
    return make_round(name="db-round")


@pytest.fixture
def db(make_db: MakeDb) -> Path:
    """Assessor a1's fresh database of the small English-format round."""
    return make_db()
