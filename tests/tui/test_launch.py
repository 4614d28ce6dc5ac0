"""`panel-tui score PATH` before the app starts: what is opened, what is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from panel_tui.assessor.setup import init_assessor_db
from panel_tui.tui.launch import resolve, run_scoring


def test_a_database_opens_as_it_is(round_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "mine.db"
    init_assessor_db(round_dir, "a2", db)
    session, pending = resolve(db, None)
    assert session is not None and pending is None
    assert session.assessor.id == "a2"
    session.close()


def test_a_round_folder_asks_or_creates_in_the_data_dir(round_dir: Path, data_dir: Path) -> None:
    session, pending = resolve(round_dir, None)
    assert session is None and pending is not None and pending.round.id == "test-2025"
    session, pending = resolve(round_dir, "a1")
    assert session is not None and session.created
    assert session.path == data_dir / "test-2025-a1.db"
    session.close()
    again, _ = resolve(round_dir, "a1")  # reused, not recreated
    assert again is not None and not again.created
    again.close()


def test_the_demo_round_loads() -> None:
    session, pending = resolve(None, None)
    assert session is None and pending is not None
    assert [a.id for a in pending.round.assessors] == ["a1", "a2", "a3", "a4", "a5"]


@pytest.mark.parametrize(
    ("assessor", "message"),
    [("zz", "unknown assessor 'zz'"), ("a1", "belongs to assessor 'a2'")],
)
def test_refusals_exit_1_with_a_message(
    round_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    assessor: str,
    message: str,
) -> None:
    db = tmp_path / "a2.db"
    init_assessor_db(round_dir, "a2", db)
    target = round_dir if assessor == "zz" else db
    assert run_scoring(target, assessor) == 1
    assert message in capsys.readouterr().err


def test_not_a_database_nor_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("hello", encoding="utf-8")
    assert run_scoring(junk, None) == 1
    assert "not a panel-tui database" in capsys.readouterr().err


def test_what_start_up_built_is_frozen_before_the_app_runs(
    round_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The round and the modules are out of the collector's full passes (a ~19 ms pause in a
    national round's first frame) by the time the app draws anything."""
    import gc

    from panel_tui.tui.scoring.app import ScoringApp

    db = tmp_path / "a2.db"
    init_assessor_db(round_dir, "a2", db)
    frozen: list[int] = []

    def run(app: ScoringApp) -> None:
        assert app.session is not None
        frozen.append(gc.get_freeze_count())
        app.session.close()

    monkeypatch.setattr(ScoringApp, "run", run)
    try:
        assert run_scoring(db, None) == 0
    finally:
        gc.unfreeze()
    assert frozen and frozen[0] > 0
