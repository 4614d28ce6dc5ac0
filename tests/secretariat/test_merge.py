"""merge: idempotent, atomic per input, conflicts reported, tampering refused."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from fixtures.databases import MakeDb
from fixtures.rounds import panel_round, write_round
from panel_tui.secretariat.handover import handover
from panel_tui.secretariat.merge.driver import merge
from panel_tui.secretariat.merge.inputs import InputChecks
from panel_tui.secretariat.verify.database import verify_database
from panel_tui.storage.store import Store


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dump(path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        events = conn.execute("SELECT * FROM score_events ORDER BY origin, seq").fetchall()
        imports = conn.execute(
            "SELECT file, sha256, origin, assessor, events_added, events_known, chain_length,"
            " chain_head FROM imports ORDER BY id"
        ).fetchall()
    finally:
        conn.close()
    return events, imports


def test_merge_creates_out_and_keeps_a_ledger(tmp_path: Path, make_db: MakeDb) -> None:
    a1 = make_db("a1", {("lotim", "regulation"): 4, ("klu", "coverage"): 2})
    a2 = make_db("a2", {("lotim", "regulation"): 5}, via_import=True)
    out = tmp_path / "out.db"
    result = merge(out, [a1, a2])
    assert result.ok and result.created
    assert [r.status for r in result.inputs] == ["merged", "merged"]
    assert [r.added for r in result.inputs] == [2, 1]
    assert verify_database(out).ok
    with Store.open(out, readonly=True) as store:
        assert store.kind == "merged"
        assert store.sheets("a1")["lotim"].scores == {"regulation": 4}
        assert store.sheets("a2")["lotim"].scores == {"regulation": 5}
    _events, imports = dump(out)
    assert len(imports) == 2
    file, digest, _origin, assessor, added, known, length, head = imports[0]
    assert (file, digest, assessor, added, known, length) == (str(a1), sha(a1), "a1", 2, 0, 2)
    with Store.open(a1, readonly=True) as store:
        assert head == store.chain_heads()[0][3]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_re_merge_is_idempotent(tmp_path: Path, make_db: MakeDb) -> None:
    a1 = make_db("a1", {("lotim", "regulation"): 4})
    a2 = make_db("a2", {("lotim", "regulation"): 3})
    out = tmp_path / "out.db"
    assert merge(out, [a1, a2]).ok
    before, before_sha = dump(out), sha(out)
    again = merge(out, [a1, a2, a1])
    assert again.ok
    assert [r.status for r in again.inputs] == ["unchanged"] * 3
    assert [r.known for r in again.inputs] == [1, 1, 1]
    assert dump(out) == before
    assert sha(out) == before_sha


def test_a_longer_chain_adds_only_its_new_events(tmp_path: Path, make_db: MakeDb) -> None:
    a1 = make_db("a1", {("lotim", "regulation"): 4})
    out = tmp_path / "out.db"
    early = tmp_path / "early.db"
    handover(a1, early)
    with Store.open(a1) as store:
        store.record_score("lotim", "coverage", 2)
        store.record_score("lotim", "regulation", 5)
    assert merge(out, [early]).inputs[0].added == 1
    report = merge(out, [a1]).inputs[0]
    assert (report.status, report.added, report.known) == ("merged", 2, 1)
    # an older hand-over of the same chain brings nothing new
    assert merge(out, [early]).inputs[0].status == "unchanged"
    with Store.open(out, readonly=True) as store:
        assert store.sheets("a1")["lotim"].scores == {"regulation": 5, "coverage": 2}


def test_merge_of_merged_files(tmp_path: Path, make_db: MakeDb) -> None:
    a1 = make_db("a1", {("lotim", "regulation"): 4, ("bank", "csr"): 7})
    a2 = make_db("a2", {("lotim", "regulation"): 3})
    a3 = make_db("a3", {("klu", "innovation"): 1})
    m1, m2, direct, out = (tmp_path / n for n in ("m1.db", "m2.db", "direct.db", "out.db"))
    assert merge(m1, [a1, a2]).ok
    assert merge(m2, [a2, a3]).ok
    assert merge(direct, [a1, a2, a3]).ok
    result = merge(out, [m1, m2])
    assert result.ok
    assert [r.added for r in result.inputs] == [3, 1]
    assert [r.known for r in result.inputs] == [0, 1]
    assert dump(out)[0] == dump(direct)[0]
    assert verify_database(out).ok
    assert merge(out, [m1, m2, a1]).inputs[2].status == "unchanged"


def test_a_file_edited_with_plain_sql_is_refused_and_out_unchanged(
    tmp_path: Path, make_db: MakeDb
) -> None:
    a1 = make_db("a1", {("lotim", "regulation"): 4})
    a2 = make_db("a2", {("lotim", "regulation"): 3, ("klu", "regulation"): 2})
    out = tmp_path / "out.db"
    assert merge(out, [a1]).ok
    before, before_sha = dump(out), sha(out)
    forged = tmp_path / "forged.db"
    shutil.copy(a2, forged)
    conn = sqlite3.connect(forged)
    conn.execute("UPDATE score_events SET value = 5 WHERE seq = 1")
    conn.commit()
    conn.close()
    result = merge(out, [forged])
    assert not result.ok
    report = result.inputs[0]
    assert report.status == "refused" and report.added == 0
    assert any("event 1" in p and "assessor a2" in p for p in report.problems)
    assert sha(out) == before_sha
    assert dump(out) == before
    assert verify_database(out).ok


def test_a_refused_first_input_leaves_no_out(tmp_path: Path, make_db: MakeDb) -> None:
    a2 = make_db("a2", {("lotim", "regulation"): 3, ("klu", "regulation"): 2})
    conn = sqlite3.connect(a2)
    conn.execute("DELETE FROM score_events WHERE seq = 1")
    conn.commit()
    conn.close()
    out = tmp_path / "out.db"
    result = merge(out, [a2])
    assert not result.ok and not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.db")]


def test_a_copied_database_scored_on_two_laptops_is_a_conflict(
    tmp_path: Path, make_db: MakeDb
) -> None:
    laptop1 = make_db("a1", {("lotim", "regulation"): 4})
    laptop2 = tmp_path / "laptop2.db"
    shutil.copy(laptop1, laptop2)
    with Store.open(laptop1) as store:
        store.record_score("lotim", "coverage", 3)
    with Store.open(laptop2) as store:
        store.record_score("lotim", "coverage", 2)
    out = tmp_path / "out.db"
    result = merge(out, [laptop1, laptop2])
    assert [r.status for r in result.inputs] == ["merged", "refused"]
    assert "from event 2 on" in result.inputs[1].problems[0]
    with Store.open(out, readonly=True) as store:
        assert store.sheets("a1")["lotim"].scores == {"regulation": 4, "coverage": 3}


def test_the_same_assessor_on_two_databases(tmp_path: Path, make_db: MakeDb) -> None:
    first = make_db("a2", {("lotim", "regulation"): 4, ("lotim", "coverage"): 3})
    agreeing = make_db("a2", {("lotim", "regulation"): 4, ("klu", "regulation"): 2})
    disagreeing = make_db(
        "a2", {("lotim", "regulation"): 5, ("lotim", "coverage"): 1, ("bank", "csr"): 3}
    )
    out = tmp_path / "out.db"
    result = merge(out, [first, agreeing, disagreeing])
    assert [r.status for r in result.inputs] == ["merged", "merged", "refused"]
    conflicts = result.inputs[2].conflicts
    cells = sorted(
        (c.nominee, c.criterion, c.value, c.other_value, Path(c.other_file).name) for c in conflicts
    )
    # regulation disagrees with both earlier databases; coverage only with the first
    assert cells == sorted(
        [
            ("lotim", "coverage", "1", "3", first.name),
            ("lotim", "regulation", "5", "4", agreeing.name),
            ("lotim", "regulation", "5", "4", first.name),
        ]
    )
    assert all(c.assessor == "a2" for c in conflicts)
    text = conflicts[0].describe()
    assert "a2" in text and "lotim" in text
    with Store.open(out, readonly=True) as store:
        sheets = store.sheets("a2")
        assert sheets["lotim"].scores == {"regulation": 4, "coverage": 3}
        assert sheets["klu"].scores == {"regulation": 2}
        assert "bank" not in sheets


def test_a_recusal_on_one_laptop_and_scores_on_another_conflict(
    tmp_path: Path, make_db: MakeDb
) -> None:
    scored = make_db("a3", {("bank", "csr"): 6})
    recused = make_db("a3", recuse=["bank"])
    result = merge(tmp_path / "out.db", [scored, recused])
    assert [r.status for r in result.inputs] == ["merged", "refused"]
    (conflict,) = result.inputs[1].conflicts
    assert conflict.criterion is None and conflict.value == "recused"


def test_a_different_rubric_is_refused(tmp_path: Path, make_db: MakeDb) -> None:
    a1 = make_db("a1", {("lotim", "regulation"): 4})
    other = write_round(tmp_path / "other", panel_round())
    toml = other / "round.toml"
    toml.write_text(toml.read_text().replace("weight = 40", "weight = 45"))
    from panel_tui.assessor.setup import init_assessor_db

    changed = tmp_path / "changed.db"
    init_assessor_db(other, "a2", changed)
    out = tmp_path / "out.db"
    result = merge(out, [a1, changed])
    assert result.inputs[1].status == "refused"
    assert "rubric" in result.inputs[1].problems[0]


def test_receipt_heads(tmp_path: Path, make_db: MakeDb) -> None:
    a1 = make_db("a1", {("lotim", "regulation"): 4})
    a2 = make_db("a2", {("lotim", "regulation"): 3})
    r1 = handover(a1, tmp_path / "h1.db")
    r2 = handover(a2, tmp_path / "h2.db")
    h1, h2 = r1.chains[0].head, r2.chains[0].head
    ok = merge(tmp_path / "ok.db", [r1.path, r2.path], heads=[h1, h2[:16]])
    assert ok.ok
    # a2's receipt missing: its file cannot prove itself
    partial = merge(tmp_path / "partial.db", [r1.path, r2.path], heads=[h1])
    assert [r.status for r in partial.inputs] == ["merged", "refused"]
    assert "receipt" in partial.inputs[1].problems[0]
    # a head that is in none of the files
    stray = merge(tmp_path / "stray.db", [r1.path], heads=[h1, "f" * 64])
    assert not stray.ok and stray.unmatched_heads == ["f" * 64]


def test_an_assessor_database_is_not_a_merge_target(tmp_path: Path, make_db: MakeDb) -> None:
    import pytest

    from panel_tui.domain.problems import PanelError

    a1 = make_db("a1", {("lotim", "regulation"): 4})
    a2 = make_db("a2", {("lotim", "regulation"): 3})
    before = sha(a1)
    with pytest.raises(PanelError, match="assessor"):
        merge(a1, [a2])
    assert sha(a1) == before


def test_many_inputs_are_verified_in_workers_with_the_same_outcome(
    tmp_path: Path, make_db: MakeDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    a1 = make_db("a1", {("lotim", "regulation"): 4})
    a2 = make_db("a2", {("lotim", "regulation"): 3, ("klu", "regulation"): 2})
    a3 = make_db("a3", {("bank", "csr"): 6})
    forged = tmp_path / "forged.db"
    shutil.copy(a2, forged)
    conn = sqlite3.connect(forged)
    conn.execute("UPDATE score_events SET nominee = 'klu' WHERE seq = 1")
    conn.commit()
    conn.close()
    inputs = [a1, forged, tmp_path / "missing.db", a2, a3, a1]
    outcomes = []
    for workers in ("2", "1"):
        monkeypatch.setenv("PANEL_TUI_MERGE_WORKERS", workers)
        out = tmp_path / f"out{workers}.db"
        result = merge(out, inputs)
        outcomes.append(([(r.status, r.added) for r in result.inputs], dump(out)[0]))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] == [
        ("merged", 1),
        ("refused", 0),
        ("refused", 0),
        ("merged", 2),
        ("merged", 1),
        ("unchanged", 0),
    ]


def test_a_file_edited_after_its_merge_is_verified_again(tmp_path: Path, make_db: MakeDb) -> None:
    a1 = make_db("a1", {("lotim", "regulation"): 4, ("klu", "regulation"): 2})
    out = tmp_path / "out.db"
    assert merge(out, [a1]).ok
    before = sha(out)
    conn = sqlite3.connect(a1)
    conn.execute("UPDATE score_events SET value = 1 WHERE seq = 2")
    conn.commit()
    conn.close()
    result = merge(out, [a1])
    assert result.inputs[0].status == "refused"
    assert sha(out) == before


def test_inputs_read_into_one_buffer_keep_their_own_bytes(tmp_path: Path) -> None:
    # merge reads every input into one buffer it reuses: a smaller file after a larger one
    # (and a larger after a smaller) must come back exactly, never with the other's tail.
    from panel_tui.secretariat.merge.inputs import _release_buffer, read_whole

    sizes = [8192, 1 << 20, 4096, 3 << 19, 12288]
    files = []
    for index, size in enumerate(sizes):
        path = tmp_path / f"f{index}.bin"
        path.write_bytes(bytes([index + 1]) * size)
        files.append(path)
    try:
        for path in [*files, *reversed(files)]:
            data = read_whole(path)
            assert bytes(data) == path.read_bytes()
    finally:
        _release_buffer()


def test_the_ledger_holds_each_inputs_own_sha256_when_read_in_one_process(
    tmp_path: Path, make_db: MakeDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PANEL_TUI_MERGE_WORKERS", "1")
    a1 = make_db("a1", {("lotim", "regulation"): 4})
    a2 = make_db("a2", {("lotim", "regulation"): 3, ("klu", "regulation"): 2})
    out = tmp_path / "out.db"
    assert merge(out, [a2, a1]).ok
    conn = sqlite3.connect(out)
    ledger = dict(conn.execute("SELECT file, sha256 FROM imports").fetchall())
    conn.close()
    assert ledger == {str(a2): sha(a2), str(a1): sha(a1)}


def test_a_process_with_other_threads_verifies_its_inputs_without_workers(
    tmp_path: Path, make_db: MakeDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker forked from a process with other threads could inherit a lock one of them
    held and wait for ever: the inputs are then verified one by one, with the same result."""
    monkeypatch.setenv("PANEL_TUI_MERGE_WORKERS", "2")
    inputs = [make_db(a, {("lotim", "regulation"): n}) for a, n in (("a1", 4), ("a2", 3))]
    forked = InputChecks(inputs, set())
    try:
        assert forked.pool is not None  # one thread: workers
    finally:
        forked.close()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        alone = InputChecks(inputs, set())
        try:
            assert alone.pool is None
        finally:
            alone.close()
        result = merge(tmp_path / "out.db", inputs)
    finally:
        stop.set()
        other.join()
    assert [(r.status, r.added) for r in result.inputs] == [("merged", 1), ("merged", 1)]


def test_an_input_whose_text_is_utf16_is_refused_with_the_reason(tmp_path: Path) -> None:
    """An SQLite file rebuilt with `PRAGMA encoding = 'UTF-16le'` (panel-tui writes UTF-8)
    holding a real assessor database verifies (every reader reads it alike), but merge said
    "unexpected error: OperationalError: attached databases must use the same text encoding
    as main database". It is refused with the reason; nothing of it is merged."""
    import sqlite3

    from fixtures.commands import run_cli
    from fixtures.databases import build_db, file_state

    source = build_db(tmp_path / "a1.db", "a1", scores=4)
    utf16 = tmp_path / "a1-utf16.db"
    src = sqlite3.connect(source)
    dst = sqlite3.connect(utf16, isolation_level=None)
    dst.execute("PRAGMA encoding = 'UTF-16le'")
    objects = src.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"
        " ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, rowid"
    ).fetchall()
    for _type, _name, sql in objects:
        dst.execute(sql)
    dst.execute("BEGIN")
    for kind, name, _sql in objects:
        rows = src.execute(f'SELECT * FROM "{name}"').fetchall() if kind == "table" else []
        if rows:
            dst.executemany(f'INSERT INTO "{name}" VALUES ({", ".join("?" * len(rows[0]))})', rows)
    dst.execute("COMMIT")
    for pragma in ("user_version", "application_id"):
        dst.execute(f"PRAGMA {pragma} = {src.execute(f'PRAGMA {pragma}').fetchone()[0]}")
    dst.close()
    src.close()
    assert run_cli("verify", utf16).exit_code == 0
    out = tmp_path / "hasil.db"
    result = run_cli("merge", out, utf16)
    assert result.exit_code == 1 and "UTF-16" in result.output, result.output
    assert not out.exists()
    assert run_cli("merge", out, build_db(tmp_path / "a2.db", "a2", scores=2)).exit_code == 0
    before = file_state(out)
    result = run_cli("merge", out, utf16)
    assert result.exit_code == 1 and "UTF-16" in result.output, result.output
    assert file_state(out) == before
