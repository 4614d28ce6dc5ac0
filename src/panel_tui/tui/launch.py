"""Entry point from the command line into the app."""

from __future__ import annotations

from pathlib import Path


def run_scoring(target: Path | None, assessor: str | None) -> int:
    raise NotImplementedError
