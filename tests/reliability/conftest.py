"""Shared fixtures of the reliability tests: real databases made through the public functions."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from fixtures.databases import build_db, demo_round_dir
from panel_tui.cli import cli
from panel_tui.storage.store import Store

HERE = Path(__file__).resolve().parent
WRITER = HERE / "writer.py"


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests read messages and screens in English; subprocesses inherit the setting."""
    from panel_tui.i18n import set_language

    monkeypatch.setenv("PANEL_TUI_LANG", "en")
    set_language("en")


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    return demo_round_dir()


@pytest.fixture
def scored_db(tmp_path: Path) -> Path:
    """A fresh assessor database (a1) with 40 scores and some notes."""
    return build_db(tmp_path / "a1.db", "a1", scores=40, seed=1)


@dataclass
class CliResult:
    exit_code: int
    output: str


def run_cli(*args: str | Path) -> CliResult:
    """The command as a user runs it, in process; asserts it never showed a traceback."""
    runner = CliRunner()
    result = runner.invoke(cli, [str(a) for a in args], catch_exceptions=True)
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in output, output
    assert "unexpected error" not in output, output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args}: raised {result.exception!r}") from result.exception
    return CliResult(result.exit_code, output)


def run_cli_process(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The command in its own process (for concurrency): never a traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "panel_tui", *(str(a) for a in args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PANEL_TUI_DEBUG": ""},
    )
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    assert "unexpected error" not in done.stderr, done.stderr
    return done


def start_writer(db: Path, seed: int, count: int = 0) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(db), str(seed), str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def file_state(path: Path) -> bytes:
    """The bytes of a database and of its WAL, to prove a refusal changed nothing."""
    parts = [path.read_bytes() if path.exists() else b""]
    wal = Path(f"{path}-wal")
    parts.append(wal.read_bytes() if wal.exists() else b"")
    return b"\x00SEP\x00".join(parts)


def db_content(path: Path) -> list[tuple[object, ...]]:
    """Every event row, as SQLite sees them (read-only, through the WAL)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT * FROM score_events ORDER BY origin, seq").fetchall()
    finally:
        conn.close()


def copy_db(src: Path, dst: Path) -> Path:
    """A copy of a checkpointed database file (only its main file)."""
    with Store.open(src) as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(src, dst)
    return dst


@pytest.fixture
def cli_run() -> Callable[..., CliResult]:
    return run_cli


@pytest.fixture
def fresh_dir(tmp_path: Path) -> Iterator[Path]:
    d = tmp_path / "work"
    d.mkdir()
    yield d


def record_figure(name: str, value: object) -> None:
    """Append a figure of this run to $PANEL_TUI_RELIABILITY_FIGURES (for docs/reliability.md)."""
    target = os.environ.get("PANEL_TUI_RELIABILITY_FIGURES")
    if not target:
        return
    import json

    with open(target, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"figure": name, "value": value}) + "\n")
