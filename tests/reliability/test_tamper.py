"""Issue 5.4: a file edited outside panel-tui is detected by verify (and refused by merge).

Edits a forger can make with plain SQL are each detected by `verify` on their own. Edits that
leave a self-consistent chain (dropping the newest events, or recomputing every hash) are
caught when the chain head from the hand-over receipt is given with `--head`.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from fixtures.commands import run_cli
from fixtures.databases import copy_db
from panel_tui.secretariat.verify.database import verify_database
from panel_tui.storage.store import Store

from .helpers import record_figure
from .tamper import RECEIPT_ONLY, TAMPERS


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    from fixtures.databases import build_db

    folder = tmp_path_factory.mktemp("tamper")
    db = build_db(folder / "a1.db", "a1", scores=30, seed=4)
    with Store.open(db) as store:
        ((_, _, _, head),) = store.chain_heads()
    clean = copy_db(db, folder / "clean.db")
    return clean, head


def tampered(original: tuple[Path, str], tmp_path: Path, name: str) -> Path:
    target = tmp_path / f"{name}.db"
    shutil.copyfile(original[0], target)
    (TAMPERS | RECEIPT_ONLY)[name](target)
    return target


def test_untouched_copy_verifies_with_its_head(original: tuple[Path, str]) -> None:
    result = run_cli("verify", original[0], "--head", original[1])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("name", sorted(TAMPERS))
def test_plain_sql_edit_is_detected(original: tuple[Path, str], tmp_path: Path, name: str) -> None:
    target = tampered(original, tmp_path, name)
    report = verify_database(target)
    assert not report.ok, f"{name} went unnoticed"
    result = run_cli("verify", target)
    assert result.exit_code == 1
    assert "problem:" in result.output
    record_figure(f"tamper.{name}", report.problems[0])


@pytest.mark.parametrize("name", sorted(RECEIPT_ONLY))
def test_self_consistent_rewrite_is_caught_by_the_receipt_head(
    original: tuple[Path, str], tmp_path: Path, name: str
) -> None:
    target = tampered(original, tmp_path, name)
    # Without the receipt the rewritten file is self-consistent: that is the documented limit.
    assert verify_database(target).ok
    for head in (original[1], original[1][:16]):
        result = run_cli("verify", target, "--head", head)
        assert result.exit_code == 1, result.output
        assert "receipt head" in result.output


@pytest.mark.parametrize("name", sorted(TAMPERS))
def test_plain_sql_edit_is_refused_beside_a_clean_file(
    original: tuple[Path, str], tmp_path: Path, name: str
) -> None:
    """merge verifies most inputs by comparing their round pages with those of the first
    input, verified in full: each edit is refused that way too, and nothing of it merged."""
    from panel_tui.secretariat.merge.driver import merge
    from panel_tui.secretariat.verify.template import prepare, verify_like_template

    target = tampered(original, tmp_path, name)
    prepare(original[0])
    assert verify_like_template(original[0], original[0].read_bytes()) is not None
    assert verify_like_template(target, target.read_bytes()) is None
    result = merge(tmp_path / "out.db", [original[0], target])
    assert [r.status for r in result.inputs] == ["merged", "refused"]


def test_short_or_garbage_head_is_refused(original: tuple[Path, str]) -> None:
    short = run_cli("verify", original[0], "--head", original[1][:8])
    assert short.exit_code == 1 and "too short" in short.output
    wrong = run_cli("verify", original[0], "--head", "f" * 64)
    assert wrong.exit_code == 1 and "receipt head" in wrong.output


def test_the_reference_for_plain_claims_is_what_panel_tui_writes(
    original: tuple[Path, str],
) -> None:
    """verify builds the round tables it compares a file with straight from the snapshot's
    claims when they are exactly what panel-tui writes: the same rows, of the same types, as
    parsing them into the round and writing that; anything else is parsed in full."""
    import json
    import sqlite3

    from panel_tui.secretariat.verify import reference
    from panel_tui.storage.snapshot import round_from_dict

    conn = sqlite3.connect(original[0])
    (snapshot,) = conn.execute("SELECT snapshot FROM round").fetchone()
    conn.close()
    data = json.loads(snapshot)
    rows = reference.plain_claims(data["claims"])
    assert rows is not None and data["claims"]
    plain = round_from_dict({**data, "claims": []})
    fast = reference.Reference(reference.reference_database(plain, (data["claims"], rows)))
    slow = reference.Reference(reference.reference_database(round_from_dict(data)))
    assert fast.schema == slow.schema and fast.counts == slow.counts
    for table in reference.ROUND_TABLES:
        assert fast.rows[table] == slow.rows[table]
        assert [list(map(type, r)) for r in fast.rows[table]] == [
            list(map(type, r)) for r in slow.rows[table]
        ]
    claim = data["claims"][0]
    for odd in (
        {**claim, "value": 5.0},
        {**claim, "value": True},
        {**claim, "value": 2**60},
        {**claim, "value": float("nan")},
        {**claim, "label": 7},
        {**claim, "warnings": "x"},
        {**claim, "warnings": [1]},
        {**claim, "extra": ""},
        {k: v for k, v in claim.items() if k != "source"},
    ):
        assert reference.plain_claims([odd]) is None


@pytest.mark.parametrize(
    "edit",
    [
        lambda c: c.update(label=c["label"] + "!"),  # the snapshot only: tables differ
        lambda c: c.update(value=5.0),  # not as panel-tui writes it ("5.0")
        lambda c: c.update(extra="x"),
    ],
)
def test_a_claim_edited_in_the_snapshot_is_refused(
    original: tuple[Path, str], tmp_path: Path, edit: object
) -> None:
    import json
    import sqlite3

    from panel_tui.storage.snapshot import canonical_json

    target = tmp_path / "claim.db"
    shutil.copyfile(original[0], target)
    conn = sqlite3.connect(target)
    (snapshot,) = conn.execute("SELECT snapshot FROM round").fetchone()
    data = json.loads(snapshot)
    edit(data["claims"][0])  # type: ignore[operator]
    conn.execute("UPDATE round SET snapshot = ?", (canonical_json(data),))
    conn.commit()
    conn.close()
    assert not verify_database(target).ok


@pytest.mark.parametrize(
    "sql",
    [
        'CREATE TABLE "odd ""name""" (x); INSERT INTO "odd ""name""" VALUES (1)',
        "CREATE INDEX extra ON claims (label)",
        "CREATE INDEX extra ON score_events (at)",
        "CREATE TRIGGER t AFTER INSERT ON ui_state BEGIN SELECT 1; END",
        "CREATE TABLE big (x); INSERT INTO big VALUES (zeroblob(20000)); DROP TABLE big",
    ],
)
def test_objects_added_beside_the_round_are_judged_as_verify_judges_them(
    original: tuple[Path, str], tmp_path: Path, sql: str
) -> None:
    """An input with objects the template lacks (a table, an index, a trigger, free pages)
    is accepted by the comparison with the template only when verify accepts it too."""
    import sqlite3

    from panel_tui.secretariat.verify.template import prepare, verify_like_template

    target = tmp_path / "added.db"
    shutil.copyfile(original[0], target)
    conn = sqlite3.connect(target)
    conn.executescript(sql)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    prepare(original[0])
    fast = verify_like_template(target, target.read_bytes())
    full = verify_database(target)
    if fast is not None:
        assert full.ok and (fast.chains, fast.events) == (full.chains, full.events)
    if "TRIGGER" in sql:
        assert fast is None and not full.ok


# (column, SQL for the value written into it, what the problem of its event says)
WRONG_TYPES = [
    ("value", "'abc'", "value holds text where panel-tui writes a number"),
    # float() reads these as the score: they hashed like it
    ("value", "'٥'", "value holds text where panel-tui writes a number"),
    ("value", "CAST(value AS TEXT) || '_0'", "value holds text where panel-tui writes a number"),
    ("value", "x'05'", "value holds a blob where panel-tui writes a number"),
    ("at", "CAST(at AS BLOB)", "at holds a blob where panel-tui writes text"),
    ("nominee", "CAST(nominee AS BLOB)", "nominee holds a blob where panel-tui writes text"),
    ("note", "x'00'", "note holds a blob where panel-tui writes text"),
    ("prev_hash", "CAST(prev_hash AS BLOB)", "prev_hash holds a blob where panel-tui writes text"),
    # a blob sorts after every number: the chain's first problem is the gap it leaves
    ("seq", "x'01'", "sequence jumps from 2 to 4"),
]


@pytest.mark.parametrize(("column", "value", "says"), WRONG_TYPES)
def test_a_cell_of_the_audit_log_of_the_wrong_type_is_named_with_its_event(
    tmp_path: Path, column: str, value: str, says: str
) -> None:
    """A blob in any column of `score_events`, or text in place of a score, used to stop
    verify with "the database content is inconsistent: Object of type bytes is not JSON
    serializable" (or "must be real number, not str"): no chain, no event, and the other
    chains left unchecked. It is a problem of that event, and every chain is still checked."""
    from fixtures.databases import build_db
    from panel_tui.secretariat.merge.driver import merge

    out = tmp_path / "hasil.db"
    assert merge(
        out,
        [build_db(tmp_path / f"{a}.db", a, scores=6, seed=i) for i, a in enumerate(("a1", "a2"))],
    ).ok
    conn = sqlite3.connect(out, isolation_level=None)
    origin, seq, assessor = conn.execute(
        "SELECT origin, seq, assessor FROM score_events WHERE kind = 'score'"
        " ORDER BY origin, seq LIMIT 1 OFFSET 2"
    ).fetchone()
    other = conn.execute(
        "SELECT origin FROM score_events WHERE origin != ? LIMIT 1", (origin,)
    ).fetchone()[0]
    conn.execute(
        f"UPDATE score_events SET {column} = {value} WHERE origin = ? AND seq = ?", (origin, seq)
    )
    # and a change of a score in the other chain: still found
    conn.execute(
        "UPDATE score_events SET value = CASE WHEN value > 1 THEN 1 ELSE 2 END"
        " WHERE origin = ? AND seq = (SELECT MIN(seq) FROM score_events WHERE origin = ?"
        " AND kind = 'score')",
        (other, other),
    )
    conn.close()
    report = verify_database(out)
    assert not any("inconsistent" in p for p in report.problems), report.problems
    event = seq + 1 if column == "seq" else seq
    assert f"audit chain {origin[:12]} (assessor {assessor}), event {event}: {says}" in (
        "\n".join(report.problems)
    ), report.problems
    assert any(
        f"audit chain {other[:12]}" in p and "does not match its hash" in p for p in report.problems
    ), report.problems
    for args in (("verify", out), ("tally", out, "--format", "json")):
        result = run_cli(*args)
        assert result.exit_code == 1 and says in result.output, result.output
        assert "inconsistent" not in result.output


@pytest.mark.parametrize(
    ("field", "text"),
    [("note", "fine\x1b]0;retitled\x07\x1b[2J"), ("reason", "conflict\u202e")],
)
def test_a_text_the_store_refuses_is_refused_in_a_rewritten_chain(
    original: tuple[Path, str], tmp_path: Path, field: str, text: str
) -> None:
    """The store refuses a note or reason holding a control character (it would reach the
    terminal from `tally --format md`, and no workbook can hold it). A chain rewritten with
    such a text and every hash recomputed verified, and `tally --out FILE.xlsx` then said
    "unexpected error: IllegalCharacterError". verify applies the store's rule to the chain."""
    from dataclasses import replace

    from .tamper import rewrite_chain

    target = tmp_path / "forged.db"
    shutil.copyfile(original[0], target)

    def edit(events: list[Any]) -> list[Any]:
        i = next(i for i, e in enumerate(events) if e.kind == "score")
        if field == "note":
            events[i] = replace(events[i], kind="note", value=None, note=text)
        else:
            events[i] = replace(events[i], kind="recuse", criterion=None, value=None, reason=text)
        return events

    rewrite_chain(target, edit)
    report = verify_database(target)
    assert any(
        f"its {field} holds a control character panel-tui never stores" in p
        for p in report.problems
    ), report.problems
    for args in (("verify", target), ("tally", target, "--format", "md")):
        result = run_cli(*args)
        assert result.exit_code == 1 and "\x1b" not in result.output, result.output


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("file", b"\xff\x00"),
        ("imported_at", b"\xff"),
        ("sha256", b"\x00"),
        ("chain_head", None),
        ("events_added", "lots"),
        ("events_known", 1.5),
    ],
)
def test_a_ledger_cell_of_the_wrong_type_is_refused(
    tmp_path: Path, column: str, value: object
) -> None:
    """The merge ledger is outside the audit chain. A blob in its `file`, `imported_at` or
    `sha256` verified, and `tally --format json --explain` then said "unexpected error:
    TypeError: Object of type bytes is not JSON serializable". verify holds every cell of the
    ledger to the type merge writes there, and the manifest takes the ledger's SHA-256s from
    verify's read instead of opening the file again."""
    from fixtures.databases import build_db
    from panel_tui.secretariat.merge.driver import merge

    out = tmp_path / "hasil.db"
    assert merge(out, [build_db(tmp_path / f"{a}.db", a, scores=4) for a in ("a1", "a2")]).ok
    conn = sqlite3.connect(out, isolation_level=None)
    if value is None:  # NOT NULL: the column's table rebuilt without it is refused elsewhere
        conn.execute("UPDATE imports SET chain_head = 5 WHERE id = 2")
        value = "5"  # TEXT affinity: an integer is stored as text, the head of no event
    else:
        conn.execute(f"UPDATE imports SET {column} = ? WHERE id = 2", (value,))
    conn.close()
    report = verify_database(out)
    assert not report.ok, column
    assert not any("inconsistent" in p for p in report.problems), report.problems
    for args in (("verify", out), ("tally", out, "--format", "json", "--explain")):
        result = run_cli(*args)
        assert result.exit_code == 1 and "imports ledger" in result.output, result.output
