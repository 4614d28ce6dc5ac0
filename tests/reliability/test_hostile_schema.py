"""Files from a stranger's USB stick: nothing is read through a schema panel-tui did not write.

Each builder turns a real assessor database into one an attacker could hand over: a view in
place of a table, a trigger, a redefined view, `user_version = 0` (which used to switch the
schema check off), a recursive view that never ends. Every reader refuses it, promptly and
with a clear message, before a query touches the file's own objects.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fixtures.commands import run_cli
from fixtures.databases import build_db, file_state
from panel_tui.assessor.score_import import import_scores
from panel_tui.domain.problems import PanelError
from panel_tui.secretariat.merge.driver import merge
from panel_tui.secretariat.tally import tally_database
from panel_tui.secretariat.verify.database import verify_database
from panel_tui.storage.store import Store


def _edit(path: Path, script: str, user_version: int | None = None) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(script)
    if user_version is not None:
        conn.execute(f"PRAGMA user_version = {user_version}")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def scores_view_always_five(path: Path) -> None:
    _edit(
        path,
        "DROP VIEW scores; CREATE VIEW scores AS SELECT assessor, nominee, criterion,"
        " 5 AS score, 5 AS value, at AS scored_at FROM score_events WHERE kind = 'score';",
        user_version=0,
    )


def trigger_that_drops_writes(path: Path) -> None:
    _edit(
        path,
        "CREATE TRIGGER swallow BEFORE INSERT ON score_events BEGIN SELECT RAISE(IGNORE); END;",
    )


def trigger_hidden_by_user_version_zero(path: Path) -> None:
    trigger_that_drops_writes(path)
    _edit(path, "", user_version=0)


def events_replaced_by_a_view(path: Path) -> None:
    """score_events as a view that returns other values once anything was written."""
    _edit(
        path,
        "ALTER TABLE score_events RENAME TO real_events;"
        " CREATE VIEW score_events AS SELECT origin, seq, assessor, kind, nominee, criterion,"
        " CASE WHEN total_changes() > 0 THEN 0 ELSE value END AS value, note, reason, at,"
        " prev_hash, hash FROM real_events;",
        user_version=0,
    )


def recursive_database_info(path: Path) -> None:
    """A view that never ends, in place of the first table every reader used to read."""
    _edit(
        path,
        "DROP TABLE database_info;"
        " CREATE VIEW database_info AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL"
        " SELECT n + 1 FROM r) SELECT 'assessor' AS kind, 'a1' AS assessor, 'x' AS origin,"
        " '' AS created_at, '' AS created_by FROM r WHERE n < 0;",
    )


def unknown_table(path: Path) -> None:
    _edit(path, "CREATE TABLE extra (x); INSERT INTO extra VALUES (1);")


HOSTILE: list[Callable[[Path], None]] = [
    scores_view_always_five,
    trigger_that_drops_writes,
    trigger_hidden_by_user_version_zero,
    events_replaced_by_a_view,
    recursive_database_info,
    unknown_table,
]


@pytest.fixture
def hostile(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    db = build_db(tmp_path / "a1.db", "a1", scores=6, seed=3)
    request.param(db)
    return db


def _promptly(call: Callable[[], object], seconds: float = 20) -> object:
    """Run `call` in a thread; fail (instead of hanging the suite) if it does not return."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still running after {seconds} s"
    return outcome[0]


@pytest.mark.parametrize("hostile", HOSTILE, indirect=True, ids=lambda f: f.__name__)
def test_verify_refuses_a_foreign_schema_promptly(hostile: Path) -> None:
    report = _promptly(lambda: verify_database(hostile))
    assert not isinstance(report, BaseException), report
    assert not report.ok  # type: ignore[attr-defined]
    text = "\n".join(report.problems)  # type: ignore[attr-defined]
    assert "outside panel-tui" in text
    assert report.events == 0  # type: ignore[attr-defined]  # no event was read through it


@pytest.mark.parametrize("hostile", HOSTILE, indirect=True, ids=lambda f: f.__name__)
def test_every_reader_and_writer_refuses_a_foreign_schema(hostile: Path, tmp_path: Path) -> None:
    for call in (
        lambda: Store.open(hostile, readonly=True),
        lambda: Store.open(hostile),
        lambda: tally_database(hostile),
    ):
        outcome = _promptly(call)
        assert isinstance(outcome, PanelError), outcome
        assert "schema" in str(outcome) or "verify" in str(outcome)


@pytest.mark.parametrize("hostile", HOSTILE, indirect=True, ids=lambda f: f.__name__)
def test_merge_refuses_a_foreign_schema_and_writes_nothing(hostile: Path, tmp_path: Path) -> None:
    good = build_db(tmp_path / "a2.db", "a2", scores=4, seed=4)
    out = tmp_path / "hasil.db"
    first = merge(out, [good])
    assert first.ok
    before = file_state(out)
    result = _promptly(lambda: merge(out, [hostile]))
    assert not isinstance(result, BaseException), result
    assert not result.ok and result.inputs[0].status == "refused"  # type: ignore[attr-defined]
    assert file_state(out) == before


def test_a_trigger_cannot_make_the_app_say_saved_for_a_score_not_on_disk(tmp_path: Path) -> None:
    db = build_db(tmp_path / "a1.db", "a1")
    trigger_that_drops_writes(db)
    with pytest.raises(PanelError, match="schema"):
        Store.open(db)
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("assessor,nominee,criterion,score\na1,lotim,regulation,4\n")
    with pytest.raises(PanelError, match="schema"):
        import_scores(db, sheet)


@pytest.mark.parametrize("command", ["verify", "tally", "handover"])
def test_commands_refuse_a_foreign_schema_with_exit_1(tmp_path: Path, command: str) -> None:
    db = build_db(tmp_path / "a1.db", "a1", scores=3)
    scores_view_always_five(db)
    args: list[str | Path] = [command, db]
    if command == "handover":
        args += ["--to", tmp_path / "usb"]
        (tmp_path / "usb").mkdir()
    result = run_cli(*args)
    assert result.exit_code == 1, result.output
    assert "outside panel-tui" in result.output
    assert "Traceback" not in result.output
    if command == "handover":
        assert list((tmp_path / "usb").iterdir()) == []


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "xlsx", "md", "html"])
def test_tally_refuses_an_edited_merged_file_in_every_format(tmp_path: Path, fmt: str) -> None:
    """One UPDATE on a merged file used to give a normal-looking record with another result."""
    out = tmp_path / "hasil.db"
    assert merge(
        out,
        [build_db(tmp_path / f"{a}.db", a, scores=8, seed=i) for i, a in enumerate(("a1", "a2"))],
    ).ok
    conn = sqlite3.connect(out, isolation_level=None)
    conn.execute(
        "UPDATE score_events SET value = 1 WHERE rowid = (SELECT MIN(rowid) FROM score_events"
        " WHERE kind = 'score' AND value != 1)"
    )
    conn.close()
    written = tmp_path / f"hasil.{fmt}"
    args: list[str | Path] = ["tally", out, "--format", fmt]
    if fmt == "xlsx":
        args += ["--out", written]
    result = run_cli(*args)
    assert result.exit_code == 1, result.output
    assert "does not verify" in result.output and "its content does not match" in result.output
    assert not written.exists()


def test_tally_states_the_verification_and_the_receipt_heads(tmp_path: Path) -> None:
    db = build_db(tmp_path / "a1.db", "a1", scores=5)
    with Store.open(db, readonly=True) as store:
        head = store.chain_heads()[0][3]
    record = tmp_path / "hasil.md"
    result = run_cli("tally", db, "--head", head[:16], "--out", record)
    assert result.exit_code == 0, result.output
    text = record.read_text()
    assert "every audit chain" in text and head[:16] in text
    refused = run_cli("tally", db, "--head", "0" * 16)
    assert refused.exit_code == 1 and "not in any audit chain" in refused.output


def test_a_file_swapped_after_its_verification_gets_nothing_past_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inputs are verified ahead (worker processes); a file replaced on the stick after its
    verification, with the same chain heads but other values, used to be merged as forged.
    Merge takes in the events of the bytes it verified, so OUT gets the original's."""
    import hashlib
    import shutil

    from panel_tui.secretariat.merge.inputs import InputChecks

    monkeypatch.setenv("PANEL_TUI_MERGE_WORKERS", "2")
    inputs = [
        build_db(tmp_path / f"{a}.db", a, scores=8, seed=i)
        for i, a in enumerate(("a1", "a2", "a3", "a4"))
    ]
    with Store.open(inputs[2], readonly=True) as store:
        original = [e.row() for e in store.events()]
    original_sha = hashlib.sha256(inputs[2].read_bytes()).hexdigest()
    forged = tmp_path / "forged.db"
    shutil.copyfile(inputs[2], forged)
    conn = sqlite3.connect(forged, isolation_level=None)
    changed = conn.execute(
        "UPDATE score_events SET value = 1 WHERE kind = 'score' AND value != 1"
    ).rowcount
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    assert changed > 0

    checked = InputChecks.result

    def verified_then_swapped(self: InputChecks, index: int) -> object:
        found = checked(self, index)  # the worker's verdict on the original
        if index == 2:
            shutil.copyfile(forged, inputs[2])
        return found

    monkeypatch.setattr(InputChecks, "result", verified_then_swapped)
    out = tmp_path / "hasil.db"
    result = merge(out, inputs)
    assert inputs[2].read_bytes() == forged.read_bytes()  # swapped before its merge
    assert [r.status for r in result.inputs] == ["merged"] * 4
    assert result.inputs[2].sha256 == original_sha
    with Store.open(out, readonly=True) as store:
        assert [e.row() for e in store.events() if e.assessor == "a3"] == original
    assert verify_database(out).ok


def test_two_merges_into_one_out_at_once_do_not_crash(tmp_path: Path) -> None:
    """A second merge commits into OUT while the first is between inputs: the first must see
    it under the write lock, not insert the same chain again (an IntegrityError before)."""
    a1, a2 = (
        build_db(tmp_path / f"{a}.db", a, scores=5, seed=i) for i, a in enumerate(("a1", "a2"))
    )
    out = tmp_path / "hasil.db"
    assert merge(out, [a1]).ok

    def other_merge(report: object) -> None:
        if Path(getattr(report, "path", "")) == a1:
            assert merge(out, [a2]).ok

    result = merge(out, [a1, a2], progress=other_merge)
    assert result.ok, [(r.status, r.problems) for r in result.inputs]
    assert [r.status for r in result.inputs] == ["unchanged", "unchanged"]
    assert verify_database(out).ok


def test_a_round_toml_integer_of_thousands_of_digits_is_an_error_with_its_line(
    tmp_path: Path,
) -> None:
    import shutil

    from fixtures.databases import demo_round_dir

    folder = tmp_path / "round"
    shutil.copytree(demo_round_dir(), folder)
    toml = folder / "round.toml"
    lines = toml.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("year"))
    lines[number] = "year = " + "9" * 5000
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("check", folder, "--json")
    assert result.exit_code == 1, result.output
    assert f'"line": {number + 1}' in result.output and "thousands of digits" in result.output
    assert "unexpected" not in result.output


def test_a_snapshot_nested_thousands_deep_is_a_refusal(tmp_path: Path) -> None:
    """A round snapshot of 5,000 nested lists (its fingerprint recomputed or not) used to end
    in "unexpected error" (RecursionError)."""
    db = build_db(tmp_path / "a1.db", "a1", scores=2)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("UPDATE round SET snapshot = ?", ("[" * 5000 + "]" * 5000,))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    report = verify_database(db)
    assert not report.ok and any("snapshot" in p for p in report.problems)
    for command in ("verify", "tally"):
        result = run_cli(command, db)
        assert result.exit_code == 1, result.output
        assert "unexpected" not in result.output and "Traceback" not in result.output


def test_handover_removes_what_an_interrupted_handover_left_on_the_stick(tmp_path: Path) -> None:
    from panel_tui.secretariat.handover import handover

    db = build_db(tmp_path / "a1.db", "a1", scores=3)
    usb = tmp_path / "usb"
    usb.mkdir()
    stale = [usb / ".a1.db.0badc0de.tmp", usb / ".a1.db.0badc0de.tmp-journal"]
    for leftover in stale:
        leftover.write_bytes(b"\0" * 1_000_000)
    kept = usb / "notes.txt"
    kept.write_text("the secretariat's own file")
    receipt = handover(db, usb)
    assert sorted(p.name for p in usb.iterdir()) == ["a1.db", "notes.txt"]
    assert receipt.path == usb / "a1.db" and verify_database(receipt.path).ok


def _refused_in_a_process(folder: Path, args: list[str]) -> str:
    """What `panel-tui ARGS` says, run in `folder` in a process of its own (a hang is a
    timeout, not a stuck test run), having refused with exit 1 and no traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "panel_tui", *args],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=folder,
        stdin=subprocess.DEVNULL,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "Traceback" not in output and "unexpected" not in output
    return output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["verify", "a1.db"], "not a regular file"),
        (["tally", "a1.db"], "not a regular file"),
        (["tally", "a1.db", "--format", "json"], "not a regular file"),
        (["handover", "a1.db", "--to", "usb"], "not a regular file"),
        (["merge", "hasil.db", "a1.db"], "not a regular file"),
        (["score", "a1.db"], "neither an assessor database nor a round folder"),
    ],
    ids=["verify", "tally", "tally-json", "handover", "merge", "score"],
)
def test_a_named_pipe_given_as_a_database_is_refused_at_once(
    tmp_path: Path, args: list[str], says: str
) -> None:
    """A FIFO named like a database (`mkfifo a1.db` on a stick) kept `verify` and `tally`
    waiting for ever for a writer at its other end: reading its header blocked. It is not a
    file: refused promptly with that reason, nothing written."""
    os.mkfifo(tmp_path / "a1.db")
    (tmp_path / "usb").mkdir()
    output = _refused_in_a_process(tmp_path, args)
    assert says in output, output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a1.db", "usb"]
    assert list((tmp_path / "usb").iterdir()) == []


def _edit_snapshot(path: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    data = json.loads(conn.execute("SELECT snapshot FROM round").fetchone()[0])
    edit(data)
    conn.execute("UPDATE round SET snapshot = ?", (json.dumps(data),))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _rubric(data: dict[str, Any]) -> dict[str, Any]:
    rubric: dict[str, Any] = data["rubrics"][0]
    return rubric


IMPOSSIBLE_SNAPSHOTS: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "step 0": (lambda d: _rubric(d).update(step=0), "is not a scale panel-tui writes"),
    "step -1": (lambda d: _rubric(d).update(step=-1), "is not a scale panel-tui writes"),
    "max below min": (lambda d: _rubric(d).update(max=0), "is not a scale panel-tui writes"),
    "max 1e308": (lambda d: _rubric(d).update(max=1e308), "is not a scale panel-tui writes"),
    "weight 0": (
        lambda d: _rubric(d)["criteria"][0].update(weight=0),
        "is not a positive number",
    ),
    "advance 10**30": (lambda d: d.update(advance=10**30), "advance"),
    "min of 400 digits": (
        lambda d: _rubric(d).update(min=10**400),
        "int too large to convert to float",
    ),
    "year 10**30": (lambda d: d.update(year=10**30), "expected a year from 2000 to 2100"),
    "year 1999": (lambda d: d.update(year=1999), "year 1999: expected a year from 2000 to 2100"),
    "a nominee twice": (lambda d: d["nominees"].append(d["nominees"][0]), "appears twice"),
    "an assessor twice": (lambda d: d["assessors"].append(d["assessors"][0]), "appears twice"),
    "a criterion twice": (
        lambda d: _rubric(d)["criteria"].append(_rubric(d)["criteria"][0]),
        "appears twice",
    ),
}


@pytest.mark.parametrize("name", sorted(IMPOSSIBLE_SNAPSHOTS))
async def test_a_snapshot_no_round_package_can_make_is_refused_by_every_reader(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A snapshot edited into a round that `check` refuses (a step of 0, a criterion weighing
    nothing, an `advance` SQLite cannot hold, a nominee twice) stopped `verify` and `tally`
    with "unexpected error" (ZeroDivisionError, decimal.InvalidOperation, OverflowError: also
    an integer of 400 digits, or one SQLite cannot hold where the tables repeat it), and
    the scoring app with a traceback (a nominee twice: a duplicate row in the summary). Each
    command refuses it, saying what is wrong with the snapshot; the app refuses it too, or
    (what only the tables repeat: the year) runs."""
    from panel_tui.tui.scoring.app import ScoringApp
    from panel_tui.tui.scoring.session import open_database

    monkeypatch.setenv("PANEL_TUI_DATA_DIR", str(tmp_path / "data"))
    edit, says = IMPOSSIBLE_SNAPSHOTS[name]
    db = build_db(tmp_path / "a1.db", "a1", scores=4)
    _edit_snapshot(db, edit)
    report = verify_database(db)
    assert any("snapshot" in p for p in report.problems), report.problems
    assert any(says in p for p in report.problems), report.problems
    for args in (("verify", db), ("tally", db), ("tally", db, "--format", "json")):
        result = run_cli(*args)
        assert result.exit_code == 1 and says in result.output, result.output
    try:
        session = open_database(db)
    except PanelError as exc:
        assert "snapshot" in exc.message and says in exc.message, exc.message
        return
    app = ScoringApp(session=session, now=lambda: 0.0)
    async with app.run_test(size=(120, 40)) as pilot:  # raises if the app crashed
        for key in ("enter", "3", "s"):
            await pilot.press(key)
            await pilot.pause()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("suffix", ["-journal", "-wal", "-shm"])
@pytest.mark.parametrize(
    "args",
    [
        ["verify", "a1.db"],
        ["tally", "a1.db", "--format", "json"],
        ["handover", "a1.db", "--to", "usb"],
        ["merge", "hasil.db", "a1.db"],
    ],
    ids=["verify", "tally", "handover", "merge"],
)
def test_a_named_pipe_beside_a_database_is_refused_at_once(
    tmp_path: Path, suffix: str, args: list[str]
) -> None:
    """A FIFO named a1.db-journal beside a real database kept every reader waiting for ever:
    SQLite opens a journal beside the file to see whether it is hot. Refused, promptly,
    naming it; nothing written."""
    build_db(tmp_path / "a1.db", "a1", scores=3)
    for side in ("-wal", "-shm"):
        Path(f"{tmp_path / 'a1.db'}{side}").unlink(missing_ok=True)
    os.mkfifo(f"{tmp_path / 'a1.db'}{suffix}")
    (tmp_path / "usb").mkdir()
    output = _refused_in_a_process(tmp_path, args)
    assert f"a1.db{suffix}" in output and "not a regular file" in output, output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a1.db", f"a1.db{suffix}", "usb"]
    assert list((tmp_path / "usb").iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("suffix", ["-journal", "-shm"])
def test_a_named_pipe_beside_a_file_merged_before_is_refused_at_once(
    tmp_path: Path, suffix: str
) -> None:
    """An input whose bytes the merge ledger already records is taken as "already there"
    without being verified again; with a FIFO -journal beside it, reading its chains kept
    merge waiting for ever (with a FIFO -shm, it said "already there" of a file verify
    refuses). Such a file is verified, and refused, like any other."""
    db = build_db(tmp_path / "a1.db", "a1", scores=3)
    assert merge(tmp_path / "hasil.db", [db]).ok
    for side in ("-wal", "-shm"):
        Path(f"{db}{side}").unlink(missing_ok=True)
    before = file_state(tmp_path / "hasil.db")
    os.mkfifo(f"{db}{suffix}")
    done = subprocess.run(
        [sys.executable, "-m", "panel_tui", "merge", "hasil.db", "a1.db"],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1 and f"a1.db{suffix}" in output, output
    assert file_state(tmp_path / "hasil.db") == before
