"""Issue 5.6: two processes writing one assessor database lose nothing and never crash.

Two writer processes (a second app instance), a writer and `import-scores`, two
`import-scores` at once: each either waits for the other and succeeds or is refused with a
clear message; every acknowledged score is in the file and the chain verifies. A write lock
held longer than the busy timeout gives a PanelError saying the database is busy.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fixtures.commands import run_cli_process
from fixtures.databases import build_db, held_write_lock
from panel_tui.domain.problems import PanelError
from panel_tui.secretariat.verify.database import verify_database
from panel_tui.storage import connection as connection_module
from panel_tui.storage.store import Store

from .helpers import record_figure, start_writer
from .test_crash import check_after_crash, parse_acks


def _finish(proc: subprocess.Popen[str], timeout: float = 120) -> str:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err
    assert "Traceback" not in err, err
    assert "REFUSED" not in out, out
    return out


def test_two_writers_on_one_database_lose_nothing(tmp_path: Path) -> None:
    db = build_db(tmp_path / "a1.db", "a1")
    first = start_writer(db, seed=1, count=150)
    second = start_writer(db, seed=2, count=150)
    acks = parse_acks(_finish(first)) + parse_acks(_finish(second))
    assert len(acks) == 300
    assert check_after_crash(db, acks) == 300
    # One chain, interleaved by the write lock: every seq once, 1..300.
    with Store.open(db, readonly=True) as store:
        assert [e.seq for e in store.events()] == list(range(1, 301))
    record_figure("concurrency.two_writers_events", len(acks))


def _sheet(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["assessor", "nominee", "criterion", "score", "note"])
        for nominee, criterion, score in rows:
            writer.writerow(["a1", nominee, criterion, score, "dari kertas [b]"])
    return path


def _all_cells(db: Path) -> list[tuple[str, str]]:
    with Store.open(db, readonly=True) as store:
        round_ = store.round
        return [(n.id, c.id) for n in round_.nominees for c in round_.rubric_for(n).criteria]


def test_import_scores_while_the_app_writes(tmp_path: Path) -> None:
    db = build_db(tmp_path / "a1.db", "a1")
    cells = _all_cells(db)
    sheet = _sheet(tmp_path / "paper.csv", [(n, c, "4") for n, c in cells])
    writer = start_writer(db, seed=3, count=200)
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "READY"
    # The app's scores come first, so the sheet corrects some: that needs a reason.
    done = run_cli_process("import-scores", db, sheet, "--reason", "the paper is the record")
    acks = parse_acks(_finish(writer))
    if done.returncode == 0:
        # Cells the app had already set to 4 are not written again.
        found = re.search(r"recorded (\d+) score\(s\)", done.stdout)
        imported = int(found[1]) if found else 0
        assert found or "0 changes" in done.stdout, done.stdout
        assert imported <= len(cells)
    else:
        assert done.returncode == 1 and "busy" in done.stderr, done.stderr
        imported = 0
    with Store.open(db, readonly=True) as store:
        events = list(store.events())
    paper = [
        e for e in events if e.kind == "score" and (e.reason or "").endswith("imported score sheet")
    ]
    assert len(paper) == imported
    check_after_crash(db, acks)


IMPORT = (sys.executable, "-m", "panel_tui", "import-scores")


def test_two_imports_at_once(tmp_path: Path) -> None:
    db = build_db(tmp_path / "a1.db", "a1")
    cells = _all_cells(db)
    one = _sheet(tmp_path / "one.csv", [(n, c, "2") for n, c in cells])
    two = _sheet(tmp_path / "two.csv", [(n, c, "5") for n, c in cells])
    procs = [
        subprocess.Popen(
            # --reason: the later of the two corrects every score of the first.
            [*IMPORT, str(db), str(sheet), "--reason", "the second sheet is the record"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for sheet in (one, two)
    ]
    results = []
    for proc in procs:
        # the pipes read while it runs (no wait on a full pipe), then closed
        out, err = proc.communicate(timeout=120)
        results.append((proc.returncode, out, err))
    for code, out, err in results:
        assert "Traceback" not in err and "unexpected error" not in err, err
        assert code == 0 or (code == 1 and "busy" in err), (code, out, err)
    succeeded = sum(code == 0 for code, _, _ in results)
    assert succeeded >= 1
    with Store.open(db, readonly=True) as store:
        scores = [e for e in store.events() if e.kind == "score"]
    assert len(scores) == succeeded * len(cells)
    assert verify_database(db).ok


def test_a_lock_held_too_long_is_a_clear_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = build_db(tmp_path / "a1.db", "a1", scores=5)
    monkeypatch.setattr(connection_module, "BUSY_TIMEOUT_MS", 300)
    with held_write_lock(db), Store.open(db) as store:
        with pytest.raises(PanelError, match="busy"):
            store.record_score("lotim", "regulation", 3)
        with pytest.raises(PanelError, match="busy"):
            store.import_rows([("lotim", "budget", 3.0, "")])
    with Store.open(db) as store:
        store.record_score("lotim", "regulation", 3)
    report = verify_database(db)
    assert report.ok and report.events == 7


def test_finalise_from_a_second_app_cannot_slip_between_check_and_write(
    tmp_path: Path,
) -> None:
    """App B checks that the sheet is not final, then app A finalises: B's score must not land
    on the final sheet without a reason (the check is made under the write lock)."""
    import threading

    db = build_db(tmp_path / "a1.db", "a1", scores=3)
    first, second = Store.open(db), Store.open(db)
    checked = threading.Event()
    original = second._sheet_state

    def slow_state(nominee: str) -> tuple[bool, bool]:
        state = original(nominee)
        checked.set()
        time.sleep(0.3)  # A finalises now, if it can
        return state

    second._sheet_state = slow_state  # type: ignore[method-assign]
    errors: list[BaseException] = []

    def score() -> None:
        try:
            second.record_score("lotim", "budget", 2)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=score)
    thread.start()
    assert checked.wait(10)
    first.finalise("lotim")
    thread.join(10)
    first.close()
    second.close()
    assert not errors, errors
    with Store.open(db, readonly=True) as store:
        events = [e for e in store.events() if e.nominee == "lotim"]
    final_at = max(i for i, e in enumerate(events) if e.kind == "finalise")
    late = [e for e in events[final_at:] if e.kind == "score" and not e.reason]
    assert not late, "a score landed on a final sheet without a reason"
    assert verify_database(db).ok
