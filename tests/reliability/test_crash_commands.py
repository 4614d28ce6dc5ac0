"""Issue 5.1 for the commands: import-scores, handover and merge killed at random moments.

Each is all-or-nothing: after a SIGKILL the assessor database holds all of the paper sheet
or none of it; the hand-over target is absent or complete (never half a file); the merge
target holds the input entirely or not at all. Every file still verifies, and running the
command again finishes the job.
"""

from __future__ import annotations

import csv
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from fixtures.commands import run_cli
from fixtures.databases import build_db, copy_db
from panel_tui.secretariat.merge.driver import merge
from panel_tui.secretariat.verify.database import verify_database
from panel_tui.storage.store import Store

from .helpers import record_figure

KILLS = 6


def _start(*args: str | Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "panel_tui", *(str(a) for a in args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _delays(rng: random.Random, upto: float) -> list[float]:
    """KILLS moments spread over (0, upto] with jitter: from start-up to the end of the work."""
    slot = upto * 0.95 / KILLS
    return [slot * k + rng.uniform(0.1, 1.0) * slot for k in range(KILLS)]


def _duration(*args: str | Path) -> float:
    """How long the command takes when left alone (the kills are spread over that time)."""
    started = time.monotonic()
    proc = _start(*args)
    proc.wait(timeout=120)
    assert proc.stderr is not None
    proc.stderr.close()
    return time.monotonic() - started


def _kill_at_random(proc: subprocess.Popen[bytes], delay: float) -> bool:
    """SIGKILL after `delay` seconds; True when it was still running."""
    time.sleep(delay)
    alive = proc.poll() is None
    if alive:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.stderr is not None
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    assert "Traceback" not in err, err
    return alive


def _events(db: Path) -> int:
    report = verify_database(db)
    assert report.ok, report.problems
    return report.events


def test_import_scores_killed_is_all_or_nothing(tmp_path: Path) -> None:
    rng = random.Random(3)
    db = build_db(tmp_path / "a1.db", "a1", scores=4)
    with Store.open(db, readonly=True) as store:
        round_ = store.round
        cells = [(n.id, c.id) for n in round_.nominees for c in round_.rubric_for(n).criteria]
    sheet = tmp_path / "paper.csv"
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["assessor", "nominee", "criterion", "score", "note"])
        writer.writerows(["a1", n, c, "3", "kertas"] for n, c in cells)
    per_sheet = 2 * len(cells)  # a score and a note event per row
    spare = shutil.copyfile(db, tmp_path / "spare.db")
    took = _duration("import-scores", spare, sheet)
    killed = 0
    for delay in _delays(rng, took):
        before = _events(db)
        killed += _kill_at_random(_start("import-scores", db, sheet), delay)
        after = _events(db)
        assert after in (before, before + per_sheet), (before, after)
    record_figure("crash.import_scores_kills", killed)


def test_handover_killed_leaves_old_or_complete_copy(tmp_path: Path) -> None:
    rng = random.Random(5)
    db = build_db(tmp_path / "a1.db", "a1", scores=60)
    with Store.open(db) as store:
        for i in range(150):  # a few megabytes, so that the copy takes a while
            store.record_note("lotim", "regulation", f"{i} " + "catatan " * 3000)
    expected = _events(db)
    stick = tmp_path / "stick"
    stick.mkdir()
    target = stick / "a1.db"
    took = _duration("handover", db, "--to", tmp_path / "spare.db")
    killed = 0
    for delay in _delays(rng, took):
        if target.exists():
            target.unlink()
        killed += _kill_at_random(_start("handover", db, "--to", target), delay)
        if target.exists():
            assert _events(target) == expected, "a half-written hand-over copy"
    # Leftover temporary files never take the target's name; the next handover succeeds.
    if target.exists():
        target.unlink()
    assert run_cli("handover", db, "--to", target).exit_code == 0
    assert _events(target) == expected
    record_figure("crash.handover_kills", killed)


def test_merge_killed_is_all_or_nothing(tmp_path: Path) -> None:
    rng = random.Random(7)
    a2 = copy_db(build_db(tmp_path / "a2.db", "a2", scores=20, seed=1), tmp_path / "a2c.db")
    a1 = copy_db(build_db(tmp_path / "a1.db", "a1", scores=80, seed=2), tmp_path / "a1c.db")
    base = tmp_path / "base.db"
    assert merge(base, [a2]).ok
    base_events = _events(base)
    all_events = base_events + _events(a1)
    took = _duration("merge", shutil.copyfile(base, tmp_path / "spare.db"), a1)
    killed = 0
    for i, delay in enumerate(_delays(rng, took)):
        out = tmp_path / f"out{i}.db"
        shutil.copyfile(base, out)
        killed += _kill_at_random(_start("merge", out, a1), delay)
        assert _events(out) in (base_events, all_events)
        assert run_cli("merge", out, a1).exit_code == 0
        assert _events(out) == all_events
    record_figure("crash.merge_kills", killed)


def test_init_killed_leaves_no_half_database(tmp_path: Path) -> None:
    from fixtures.databases import demo_round_dir

    rng = random.Random(11)
    took = _duration("init", demo_round_dir(), "--assessor", "a1", "--db", tmp_path / "spare.db")
    killed = 0
    for i, delay in enumerate(_delays(rng, took)):
        db = tmp_path / f"a{i}.db"
        killed += _kill_at_random(
            _start("init", demo_round_dir(), "--assessor", "a1", "--db", db), delay
        )
        if db.exists():
            assert _events(db) == 0  # complete, verifying, empty
        # Running init again finishes the job (or finds it done).
        assert run_cli("init", demo_round_dir(), "--assessor", "a1", "--db", db).exit_code == 0
        assert _events(db) == 0
    record_figure("crash.init_kills", killed)
