"""Issue 5.3: a damaged database file is refused, never read as different data.

A file truncated at random offsets or with random bytes flipped is given to `verify`. The
rule checked on every one: `verify` either refuses it (exit 1, a message, no traceback) or
the file still holds exactly the same data as before as SQLite reads it (the damage fell in
unused space: free pages, the unused gap inside a page, a header counter). "Same data" means
the audit events, the round tables, the file's identity and the schema. Damage inside the
pages of `score_events` must always be refused.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from fixtures.commands import run_cli
from fixtures.databases import build_db, copy_db
from panel_tui.secretariat.verify.database import verify_database

from .helpers import record_figure

CONTENT_TABLES = (
    "score_events",
    "round",
    "assessors",
    "rubrics",
    "categories",
    "criteria",
    "nominees",
    "claims",
)


def content(path: Path) -> object:
    """What a reader of the file gets, or the error SQLite gives when it cannot read it."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            data: dict[str, object] = {
                table: sorted(map(repr, conn.execute(f"SELECT * FROM {table}")))
                for table in CONTENT_TABLES
            }
            data["info"] = conn.execute(
                "SELECT kind, assessor, origin FROM database_info"
            ).fetchall()
            data["schema"] = sorted(
                map(repr, conn.execute("SELECT type, name, sql FROM sqlite_master"))
            )
            data["pragmas"] = [
                conn.execute(f"PRAGMA {p}").fetchone() for p in ("application_id", "user_version")
            ]
            return data
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return f"unreadable: {exc}"


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("damage")
    db = build_db(folder / "a1.db", "a1", scores=60, seed=9)
    return copy_db(db, folder / "clean.db")


def score_event_pages(path: Path) -> list[int]:
    """Page numbers (1-based) holding score_events rows or its index."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [
            page
            for (page,) in conn.execute(
                "SELECT pageno FROM dbstat WHERE name IN ('score_events',"
                " 'sqlite_autoindex_score_events_1') AND pagetype = 'leaf'"
            )
        ]
    finally:
        conn.close()


def used_range(path: Path, page: int) -> tuple[int, int]:
    """File offsets of the cell content area of a leaf page (where the rows' bytes are)."""
    page_size = 4096
    data = path.read_bytes()[(page - 1) * page_size : page * page_size]
    header = 100 if page == 1 else 0
    content_start = int.from_bytes(data[header + 5 : header + 7], "big") or 65536
    return (page - 1) * page_size + content_start, page * page_size


def judge(original: object, damaged: Path, expect_refusal: bool = False) -> bool:
    """True when refused; asserts the file was not silently accepted with different data."""
    report = verify_database(damaged)
    result = run_cli("verify", damaged)
    assert (result.exit_code == 0) == report.ok, result.output
    if report.ok:
        assert not expect_refusal, "damage inside score_events went unnoticed"
        assert content(damaged) == original, "verify accepted a file whose data changed"
        return False
    assert result.exit_code == 1
    assert report.problems and all(p.strip() for p in report.problems)
    return True


def test_truncated_files_are_refused(clean: Path, tmp_path: Path) -> None:
    truncations(clean, tmp_path, random_cuts=30, seed=17)


@pytest.mark.slow
def test_many_truncated_files_are_refused(clean: Path, tmp_path: Path) -> None:
    truncations(clean, tmp_path, random_cuts=1000, seed=18)


def truncations(clean: Path, tmp_path: Path, random_cuts: int, seed: int) -> None:
    original = content(clean)
    size = clean.stat().st_size
    rng = random.Random(seed)
    offsets = [0, 1, 15, 16, 99, 100, 4095, 4096, size - 4096, size - 1]
    offsets += [rng.randrange(0, size) for _ in range(random_cuts)]
    refused = 0
    for offset in offsets:
        target = tmp_path / f"cut{offset}.db"
        shutil.copyfile(clean, target)
        with target.open("r+b") as handle:
            handle.truncate(offset)
        refused += judge(original, target, expect_refusal=True)
        target.unlink()
    # Every cut loses pages in use in this freshly written, vacuum-tight file.
    assert refused == len(offsets)
    record_figure(f"damage.truncated.{seed}", len(offsets))


def _flip(path: Path, offsets: list[int], rng: random.Random) -> None:
    with path.open("r+b") as handle:
        for offset in offsets:
            handle.seek(offset)
            byte = handle.read(1)[0]
            handle.seek(offset)
            handle.write(bytes([byte ^ (1 << rng.randrange(8))]))


def test_random_byte_flips_are_refused_or_harmless(clean: Path, tmp_path: Path) -> None:
    flips(clean, tmp_path, trials=150, seed=23)


@pytest.mark.slow
def test_many_random_byte_flips_are_refused_or_harmless(clean: Path, tmp_path: Path) -> None:
    flips(clean, tmp_path, trials=3000, seed=24)


def flips(clean: Path, tmp_path: Path, trials: int, seed: int) -> None:
    original = content(clean)
    size = clean.stat().st_size
    rng = random.Random(seed)
    refused = harmless = 0
    for i in range(trials):
        target = tmp_path / f"flip{i}.db"
        shutil.copyfile(clean, target)
        _flip(target, [rng.randrange(0, size) for _ in range(rng.choice([1, 1, 2, 8]))], rng)
        if judge(original, target):
            refused += 1
        else:
            harmless += 1
        target.unlink()
    record_figure(f"damage.flipped.{seed}", trials)
    record_figure(f"damage.flipped_refused.{seed}", refused)
    assert refused > 0


def test_flips_inside_score_events_are_always_refused(clean: Path, tmp_path: Path) -> None:
    event_page_flips(clean, tmp_path, trials=30, seed=29)


@pytest.mark.slow
def test_many_flips_inside_score_events_are_always_refused(clean: Path, tmp_path: Path) -> None:
    event_page_flips(clean, tmp_path, trials=1000, seed=30)


def event_page_flips(clean: Path, tmp_path: Path, trials: int, seed: int) -> None:
    original = content(clean)
    pages = score_event_pages(clean)
    assert pages
    rng = random.Random(seed)
    changed_count = 0
    for i in range(trials):
        start, end = used_range(clean, rng.choice(pages))
        target = tmp_path / f"events{i}.db"
        shutil.copyfile(clean, target)
        _flip(target, [rng.randrange(start, end)], rng)
        changed = content(target) != original
        if changed:
            assert judge(original, target, expect_refusal=True)
            changed_count += 1
        target.unlink()
    record_figure(f"damage.event_page_flips.{seed}", trials)
    record_figure(f"damage.event_page_flips_changed.{seed}", changed_count)


def test_damaged_wal_loses_at_most_a_tail_never_changes_data(tmp_path: Path) -> None:
    """A WAL with a damaged frame: SQLite stops at it, as after a crash. The chain that is
    left is a prefix of the original (verify ok), and the receipt's head catches the loss."""
    db = build_db(tmp_path / "a1.db", "a1", scores=0)
    from panel_tui.storage.store import Store

    store = Store.open(db)
    store.conn.execute("PRAGMA wal_autocheckpoint = 0")
    for i in range(20):
        store.record_score("lotim", "regulation" if i % 2 else "budget", 1 + i % 5)
    heads = store.chain_heads()
    # Copy the main file and the WAL as they are on disk while the writer is still open.
    shutil.copyfile(db, tmp_path / "copy.db")
    wal = Path(f"{db}-wal").read_bytes()
    store.close()
    before = [e for e in Store.open(db, readonly=True).events()]
    rng = random.Random(31)
    checked = 0
    for i in range(10):
        target = tmp_path / f"wal{i}.db"
        shutil.copyfile(tmp_path / "copy.db", target)
        damaged = bytearray(wal)
        offset = rng.randrange(32, len(damaged))
        damaged[offset] ^= 0xFF
        Path(f"{target}-wal").write_bytes(bytes(damaged))
        report = verify_database(target)
        if report.ok:
            with Store.open(target, readonly=True) as reader:
                after = list(reader.events())
            assert after == before[: len(after)], "a damaged WAL changed events"
            if len(after) < len(before):
                refused = verify_database(target, (heads[0][3],))
                assert not refused.ok
        checked += 1
    assert checked == 10


def test_damage_making_sqlite_error_undecodable_is_refused(clean: Path, tmp_path: Path) -> None:
    """Found by the slow run: a space in a view's SQL flipped to 0xA0 makes SQLite's own error
    message invalid UTF-8; Python raised UnicodeDecodeError from `connect`, a traceback."""
    from panel_tui.domain.problems import PanelError
    from panel_tui.storage.store import Store

    data = bytearray(clean.read_bytes())
    at = data.index(b"PARTITION BY origin") + len(b"PARTITION")
    data[at] = 0xA0
    bad = tmp_path / "bad.db"
    bad.write_bytes(bytes(data))
    assert judge(content(clean), bad, expect_refusal=True)
    for readonly in (True, False):
        with pytest.raises(PanelError):
            Store.open(bad, readonly=readonly).close()


def test_damage_never_passes_the_comparison_with_a_verified_file(
    clean: Path, tmp_path: Path
) -> None:
    """merge verifies most inputs by comparing their round pages with those of a file
    verified in full (`verify_like_template`) and checking the rest of the file: a damaged
    file is accepted that way only when `verify` accepts it too, with the same chains."""
    from panel_tui.secretariat.verify.template import prepare, verify_like_template

    prepare(clean)
    data = clean.read_bytes()
    assert verify_like_template(clean, data) is not None
    rng = random.Random(37)
    cases = [data[: rng.randrange(len(data))] for _ in range(20)]
    for _ in range(120):
        damaged = bytearray(data)
        for _n in range(rng.choice([1, 1, 2, 8])):
            damaged[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        cases.append(bytes(damaged))
    for _ in range(30):
        start, end = used_range(clean, rng.choice(score_event_pages(clean)))
        damaged = bytearray(data)
        damaged[rng.randrange(start, end)] ^= 1 << rng.randrange(8)
        cases.append(bytes(damaged))
    accepted = 0
    for i, case in enumerate(cases):
        target = tmp_path / f"case{i}.db"
        target.write_bytes(case)
        fast = verify_like_template(target, case)
        if fast is not None:
            full = verify_database(target)
            assert full.ok, full.problems
            assert (fast.chains, fast.events) == (full.chains, full.events)
            accepted += 1
        target.unlink()
    assert 0 < accepted < len(cases)
