"""`panel-tui init`: the assessor database holds the whole round; strangers' files are refused."""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from fixtures.core_helpers import run_cli
from fixtures.rounds import SMALL_NOMINEES, SMALL_ROUND_TOML, RoundFactory
from panel_tui.domain.problems import PanelError
from panel_tui.round_package.loader import load_round
from panel_tui.storage.schema import APPLICATION_ID, SCHEMA_VERSION, migration_files
from panel_tui.storage.snapshot import round_fingerprint, rubric_fingerprint
from panel_tui.storage.store import Store


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_init_creates_the_database_with_the_snapshot(
    make_round: RoundFactory, tmp_path: Path
) -> None:
    folder = make_round()
    db = tmp_path / "laptops" / "a1.db"  # the folder is created too
    result = run_cli("init", folder, "--assessor", "a1", "--db", db)
    assert result.exit_code == 0, result.output
    assert f"created {db} for assessor a1" in result.output
    round_ = load_round(folder).round
    assert round_ is not None

    assert query(db, "PRAGMA application_id") == [(APPLICATION_ID,)]
    assert query(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert len(migration_files()) == SCHEMA_VERSION
    assert query(db, "PRAGMA journal_mode") == [("wal",)]
    assert query(db, "SELECT name FROM _sqlite_migrations ORDER BY name") == [
        (path.stem,) for path in migration_files()
    ]
    # the header bytes say the same, so other tools can recognise the file without SQLite
    head = db.read_bytes()[:100]
    assert head.startswith(b"SQLite format 3\x00")
    assert int.from_bytes(head[68:72], "big") == APPLICATION_ID == 0x50415249

    (row,) = query(db, "SELECT id, title, year, stage, number_format, advance, snapshot FROM round")
    assert row[:6] == ("test-2025", round_.title, 2025, "provincial", "en", 1)
    snapshot = json.loads(str(row[6]))
    assert [a["id"] for a in snapshot["assessors"]] == ["a1", "a2"]
    assert [c["id"] for c in snapshot["categories"]] == ["pemkab", "bu"]
    assert [r["id"] for r in snapshot["rubrics"]] == ["pemda", "usaha"]
    assert [n["id"] for n in snapshot["nominees"]] == ["lotim", "klu", "bank"]
    assert len(snapshot["claims"]) == 4
    assert query(db, "SELECT round_fingerprint, rubric_fingerprint FROM round") == [
        (round_fingerprint(round_), rubric_fingerprint(round_))
    ]

    assert query(db, "SELECT id, affiliation FROM assessors ORDER BY position") == [
        ("a1", "government"),
        ("a2", "bpjs"),
    ]
    assert query(db, "SELECT id, rubric FROM categories ORDER BY position") == [
        ("pemkab", "pemda"),
        ("bu", "usaha"),
    ]
    assert query(db, "SELECT id, min, max, step FROM rubrics ORDER BY id") == [
        ("pemda", 1.0, 5.0, 1.0),
        ("usaha", 1.0, 5.0, 0.5),
    ]
    assert query(
        db, "SELECT rubric, id, weight, claims FROM criteria ORDER BY rubric, position"
    ) == [
        ("pemda", "regulation", 40.0, '["regulation*"]'),
        ("pemda", "coverage", 60.0, '["coverage.*"]'),
        ("usaha", "compliance", 50.0, "[]"),
        ("usaha", "innovation", 50.0, "[]"),
    ]
    assert query(db, 'SELECT id, category, slot, "order" FROM nominees ORDER BY position') == [
        ("lotim", "pemkab", "2025-07-14 09:00", 1),
        ("klu", "pemkab", "2025-07-14 09:30", 2),  # HH:MM is on the first round date
        ("bank", "bu", "2025-07-15 10:00", 1),
    ]
    assert query(db, "SELECT nominee, key, value, denominator, percent FROM claims LIMIT 1") == [
        ("lotim", "coverage.total", 32680.0, 100000.0, 32.68)
    ]
    assert query(db, "SELECT kind, assessor FROM database_info") == [("assessor", "a1")]

    # the database alone gives the round back: no need for the folder any more
    with Store.open(db) as store:
        assert store.round == round_
        assert store.assessor_id == "a1"
    # no temporary files are left beside it
    assert sorted(p.name for p in db.parent.iterdir() if not p.name.startswith("a1.db")) == []


def test_init_on_the_demo_round(demo_dir: Path, tmp_path: Path) -> None:
    result = run_cli("init", demo_dir, "--assessor", "a3", "--db", tmp_path / "a3.db")
    assert result.exit_code == 0, result.output
    with Store.open(tmp_path / "a3.db") as store:
        assert store.round.id == "ntb-2025"
        assert len(store.round.nominees) == len(load_round(demo_dir).round.nominees)  # type: ignore[union-attr]


@pytest.mark.parametrize("number", [math.inf, math.nan])
def test_a_round_holding_a_number_that_is_no_number_creates_no_database(
    demo_dir: Path, tmp_path: Path, number: float
) -> None:
    # The loaders refuse such numbers; should one reach the store all the same, its snapshot
    # (Infinity, NaN: not JSON) was written and moved into place, then refused as damaged.
    round_ = load_round(demo_dir).round
    assert round_ is not None
    rubric = round_.rubrics[0]
    odd = replace(
        rubric, criteria=(replace(rubric.criteria[0], weight=number), *rubric.criteria[1:])
    )
    db = tmp_path / "a1.db"
    with pytest.raises(PanelError, match="cannot create the database"):
        Store.create(db, replace(round_, rubrics=(odd, *round_.rubrics[1:])), "a1")
    assert list(tmp_path.iterdir()) == []


def test_unknown_assessor_is_refused_and_the_panel_listed(
    make_round: RoundFactory, tmp_path: Path
) -> None:
    db = tmp_path / "x.db"
    result = run_cli("init", make_round(), "--assessor", "a9", "--db", db)
    assert result.exit_code == 1
    assert "unknown assessor 'a9'" in result.output
    assert "a1 (Regional Secretary)" in result.output and "a2 (" in result.output
    assert not db.exists()


def test_a_round_with_errors_is_refused(make_round: RoundFactory, tmp_path: Path) -> None:
    folder = make_round(nominees=SMALL_NOMINEES + "x,X,nowhere,,,\n")
    result = run_cli("init", folder, "--assessor", "a1", "--db", tmp_path / "x.db")
    assert result.exit_code == 1
    assert "nominees.csv:5 (category)" in result.output
    assert not (tmp_path / "x.db").exists()


def test_usage_errors_exit_2(make_round: RoundFactory, tmp_path: Path) -> None:
    assert run_cli("init", make_round(), "--db", tmp_path / "x.db").exit_code == 2
    assert run_cli("init", make_round(), "--assessor", "a1").exit_code == 2


def test_same_round_same_assessor_is_unchanged(make_round: RoundFactory, tmp_path: Path) -> None:
    folder = make_round()
    db = tmp_path / "a1.db"
    assert run_cli("init", folder, "--assessor", "a1", "--db", db).exit_code == 0
    with Store.open(db) as store:
        store.record_score("lotim", "regulation", 4)
    before = query(db, "SELECT hash FROM score_events")
    result = run_cli("init", folder, "--assessor", "a1", "--db", db)
    assert result.exit_code == 0
    assert "unchanged" in result.output
    assert query(db, "SELECT hash FROM score_events") == before


def test_existing_file_of_another_round_is_refused(
    make_round: RoundFactory, tmp_path: Path
) -> None:
    db = tmp_path / "a1.db"
    assert run_cli("init", make_round(), "--assessor", "a1", "--db", db).exit_code == 0
    before = digest(db)
    toml = SMALL_ROUND_TOML.format(number_format="en")
    other = make_round(toml=toml.replace('id = "test-2025"', 'id = "ntt-2025"'))
    result = run_cli("init", other, "--assessor", "a1", "--db", db)
    assert result.exit_code == 1
    assert "belongs to round 'test-2025', not 'ntt-2025'" in result.output
    assert digest(db) == before


def test_existing_file_of_another_assessor_is_refused(
    make_round: RoundFactory, tmp_path: Path
) -> None:
    folder = make_round()
    db = tmp_path / "a1.db"
    assert run_cli("init", folder, "--assessor", "a1", "--db", db).exit_code == 0
    result = run_cli("init", folder, "--assessor", "a2", "--db", db)
    assert result.exit_code == 1
    assert "belongs to assessor 'a1', not 'a2'" in result.output


def test_existing_file_of_a_changed_round_is_refused(
    make_round: RoundFactory, tmp_path: Path
) -> None:
    folder = make_round()
    db = tmp_path / "a1.db"
    assert run_cli("init", folder, "--assessor", "a1", "--db", db).exit_code == 0
    (folder / "nominees.csv").write_text(SMALL_NOMINEES + "kls,Pemkab Lombok Tengah,pemkab,,,\n")
    result = run_cli("init", folder, "--assessor", "a1", "--db", db)
    assert result.exit_code == 1
    assert "different version" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"assessor,nominee\na1,lotim\n", "not an SQLite file"),
        (b"SQLite format 3\x00" + b"\x00" * 20, "truncated"),
    ],
)
def test_a_file_that_is_not_a_database_is_refused(
    make_round: RoundFactory, tmp_path: Path, content: bytes, message: str
) -> None:
    db = tmp_path / "a1.db"
    db.write_bytes(content)
    result = run_cli("init", make_round(), "--assessor", "a1", "--db", db)
    assert result.exit_code == 1
    assert message in result.output
    assert db.read_bytes() == content  # never overwritten
    with pytest.raises(PanelError, match=message):
        Store.open(db)


def test_an_sqlite_file_that_is_not_ours_is_refused(
    make_round: RoundFactory, tmp_path: Path
) -> None:
    db = tmp_path / "other.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE scores (assessor TEXT, score REAL)")
    conn.commit()
    conn.close()
    before = digest(db)
    result = run_cli("init", make_round(), "--assessor", "a1", "--db", db)
    assert result.exit_code == 1
    assert "an SQLite file, but not a panel-tui database" in result.output
    assert digest(db) == before
    verify = run_cli("verify", db)
    assert verify.exit_code == 1
    assert "not a panel-tui database" in verify.output


def test_a_database_of_a_newer_schema_is_refused(make_round: RoundFactory, tmp_path: Path) -> None:
    folder = make_round()
    db = tmp_path / "a1.db"
    assert run_cli("init", folder, "--assessor", "a1", "--db", db).exit_code == 0
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    for args in (
        ("init", folder, "--assessor", "a1", "--db", db),
        ("verify", db),
        ("import-scores", db, _sheet(tmp_path)),
    ):
        result = run_cli(*args)
        assert result.exit_code == 1, args
        assert "newer panel-tui" in result.output
    with pytest.raises(PanelError, match="newer panel-tui"):
        Store.open(db)


def _sheet(tmp_path: Path) -> Path:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("assessor,nominee,criterion,score\na1,lotim,regulation,4\n")
    return sheet


def test_store_create_refuses_an_existing_path(make_round: RoundFactory, tmp_path: Path) -> None:
    round_ = load_round(make_round()).round
    assert round_ is not None
    path = tmp_path / "x.db"
    path.write_text("keep me")
    with pytest.raises(PanelError, match="already exists"):
        Store.create(path, round_, "a1")
    assert path.read_text() == "keep me"
    with pytest.raises(PanelError, match="unknown assessor"):
        Store.create(tmp_path / "y.db", round_, "zz")
    assert not (tmp_path / "y.db").exists()


def test_a_folder_or_an_impossible_path_is_refused(
    make_round: RoundFactory, tmp_path: Path
) -> None:
    folder = make_round()
    result = run_cli("init", folder, "--assessor", "a1", "--db", tmp_path)
    assert result.exit_code == 1
    assert "a folder, not a panel-tui database file" in result.output
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_cli("init", folder, "--assessor", "a1", "--db", blocker / "sub" / "a1.db")
    assert result.exit_code == 1
    assert "cannot create its folder" in result.output
