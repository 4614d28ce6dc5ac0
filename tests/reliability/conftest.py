"""Shared fixtures of the reliability tests: real databases made through the public functions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fixtures.commands import CliResult, run_cli
from fixtures.databases import build_db, demo_round_dir


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    return demo_round_dir()


@pytest.fixture
def scored_db(tmp_path: Path) -> Path:
    """A fresh assessor database (a1) with 40 scores and some notes."""
    return build_db(tmp_path / "a1.db", "a1", scores=40, seed=1)


@pytest.fixture
def cli_run() -> Callable[..., CliResult]:
    return run_cli


@pytest.fixture
def fresh_dir(tmp_path: Path) -> Iterator[Path]:
    d = tmp_path / "work"
    d.mkdir()
    yield d
