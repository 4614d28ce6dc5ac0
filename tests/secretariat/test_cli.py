"""The secretariat commands through click: output and exit codes."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from fixtures.databases import MakeDb
from panel_tui.cli import cli


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_handover_merge_verify_tally(tmp_path: Path, make_db: MakeDb) -> None:
    a1 = make_db("a1", {("lotim", "regulation"): 4})
    a2 = make_db("a2", {("lotim", "regulation"): 2})
    code, out = run("handover", a1, "--to", tmp_path / "a1-usb.db")
    assert code == 0
    digest = re.search(r"SHA-256: ([0-9a-f]{64})", out)
    head = re.search(r"head ([0-9a-f]{64})", out)
    assert digest and head
    assert run("verify", tmp_path / "a1-usb.db", "--head", head.group(1)[:16])[0] == 0
    merged = tmp_path / "merged.db"
    code, out = run("merge", merged, tmp_path / "a1-usb.db", a2, "--head", head.group(1))
    assert code == 1  # a2 came without a receipt head
    assert "refused" in out and "1 merged, 0 unchanged, 1 refused" in out
    code, out = run("merge", merged, tmp_path / "a1-usb.db", a2)
    assert code == 0 and "1 merged, 1 unchanged, 0 refused" in out
    code, out = run("merge", merged, a2)
    assert code == 0 and "already there, nothing new" in out
    assert run("verify", merged)[0] == 0
    code, out = run("tally", merged, "--format", "json")
    assert code == 0 and '"round": "uji-2025"' in out


def test_merge_reports_conflicts_and_refuses(tmp_path: Path, make_db: MakeDb) -> None:
    first = make_db("a1", {("lotim", "regulation"): 4})
    second = make_db("a1", {("lotim", "regulation"): 5})
    code, out = run("merge", tmp_path / "m.db", first, second)
    assert code == 1
    assert "lotim / regulation: 5 in this file" in out and "4 in the merged file" in out


def test_merge_refuses_a_tampered_file(tmp_path: Path, make_db: MakeDb) -> None:
    a1 = make_db("a1", {("lotim", "regulation"): 4, ("klu", "regulation"): 1})
    conn = sqlite3.connect(a1)
    conn.execute("DELETE FROM score_events WHERE seq = 1")
    conn.commit()
    conn.close()
    code, out = run("merge", tmp_path / "m.db", a1)
    assert code == 1 and "refused" in out and "event 2" in out
    assert not (tmp_path / "m.db").exists()


def test_errors_are_messages(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    code, out = run("tally", junk)
    assert code == 1 and "not a panel-tui database" in out
    code, out = run("handover", junk, "--to", tmp_path / "x.db")
    assert code == 1 and not (tmp_path / "x.db").exists()
    assert run("tally", tmp_path / "missing.db")[0] == 2
    assert run("merge", tmp_path / "out.db")[0] == 2


def test_verify_says_how_many_events_came_after_the_receipt_head(
    tmp_path: Path, make_db: MakeDb
) -> None:
    """The live database keeps growing after its hand-over copy: verify --head says by how much."""
    from panel_tui.storage.store import Store

    a1 = make_db("a1", {("lotim", "regulation"): 4})
    code, out = run("handover", a1, "--to", tmp_path / "a1-usb.db")
    head = re.search(r"head ([0-9a-f]{64})", out)
    assert code == 0 and head
    code, out = run("verify", a1, "--head", head.group(1))
    assert code == 0 and "after receipt head" not in out  # nothing recorded since
    with Store.open(a1) as store:
        store.record_score("lotim", "regulation", 5, reason="misheard")
        store.record_note("lotim", "regulation", "checked the Perda")
    code, out = run("verify", a1, "--head", head.group(1)[:16])
    assert code == 0  # not a problem: the copy is what was handed over
    assert f"note: 2 events after receipt head {head.group(1)[:16]}" in out
    # The hand-over copy itself ends at the head.
    code, out = run("verify", tmp_path / "a1-usb.db", "--head", head.group(1))
    assert code == 0 and "after receipt head" not in out


def _run_into_closed_pipe(*args: object) -> subprocess.CompletedProcess[bytes]:
    """Run the real CLI with stdout a pipe whose reader has gone (as `| head` does)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [sys.executable, "-m", "panel_tui", *[str(a) for a in args]],
            stdout=write_end,
            stderr=subprocess.PIPE,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)


def test_closed_stdout_ends_quietly(make_db: MakeDb) -> None:
    db = make_db("a1", {("lotim", "regulation"): 4})
    for args in (("tally", db), ("verify", db)):
        done = _run_into_closed_pipe(*args)
        assert done.returncode == 0, done.stderr
        assert b"unexpected error" not in done.stderr
        assert b"Traceback" not in done.stderr


def test_pdf_and_unknown_suffix_are_usage_errors(tmp_path: Path, make_db: MakeDb) -> None:
    db = make_db("a1", {("lotim", "regulation"): 4})
    code, out = run("tally", db, "--out", tmp_path / "hasil.pdf")
    assert code == 2 and "hasil.html" in out and "PDF" in out
    assert not (tmp_path / "hasil.pdf").exists()
    code, out = run("tally", db, "--out", tmp_path / "hasil.odt")
    assert code == 2 and ".odt" in out
    assert not (tmp_path / "hasil.odt").exists()
    code, out = run("--lang", "id", "tally", db, "--out", tmp_path / "hasil.pdf")
    assert code == 2 and "hasil.html" in out
