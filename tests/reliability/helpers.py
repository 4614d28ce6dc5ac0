"""Helpers of the reliability tests only: the concurrent writer process, recorded figures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
WRITER = HERE / "writer.py"


def start_writer(db: Path, seed: int, count: int = 0) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(db), str(seed), str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def record_figure(name: str, value: object) -> None:
    """Append a figure of this run to $PANEL_TUI_RELIABILITY_FIGURES (for docs/reliability.md)."""
    target = os.environ.get("PANEL_TUI_RELIABILITY_FIGURES")
    if not target:
        return
    import json

    with open(target, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"figure": name, "value": value}) + "\n")
