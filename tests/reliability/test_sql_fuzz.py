"""Issue 5.3/5.4, fuzzed: random plain-SQL edits of any cell, with values of any SQLite type.

Hypothesis picks a table of the round or the audit log, a row and a column, and writes a
value of any type into it (text, integer, real, blob, NULL, huge, markup). `verify` must
answer with a report, never an exception, and refuse every edit that changed the data; such
a file is refused by `merge` (the target unchanged) and by the scoring app's `Store.open`
or loaded cleanly; `tally` answers with a result or a PanelError.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures.databases import build_db, copy_db, file_state
from panel_tui.domain.problems import PanelError
from panel_tui.secretariat.merge.driver import merge
from panel_tui.secretariat.tally import tally_database
from panel_tui.secretariat.verify.database import verify_database
from panel_tui.storage.store import Store

from .helpers import record_figure

TABLES = (
    "score_events",
    "round",
    "assessors",
    "rubrics",
    "categories",
    "criteria",
    "nominees",
    "claims",
    "database_info",
)
values = st.one_of(
    st.none(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.binary(max_size=30),
    st.sampled_from(
        ["", "a1", "a2", "lotim", "score", "finalise", "[b]x[/b]", "{}", "[]", "x" * 5000]
    ),
)
PROFILE = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
counts = {"edits": 0, "refused": 0, "unchanged": 0}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("sqlfuzz")
    a1 = copy_db(build_db(folder / "a1.db", "a1", scores=20, seed=5), folder / "a1c.db")
    a2 = copy_db(build_db(folder / "a2.db", "a2", scores=10, seed=6), folder / "a2c.db")
    out = folder / "out.db"
    assert merge(out, [a2]).ok
    return a1, out


def _rows(path: Path, table: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return sorted(map(repr, conn.execute(f"SELECT * FROM {table}")))  # type: ignore[arg-type]
    finally:
        conn.close()


def sql_edit(files: tuple[Path, Path], data: st.DataObject) -> None:
    clean, out = files
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "edited.db"
        shutil.copyfile(clean, target)
        table = data.draw(st.sampled_from(TABLES))
        conn = sqlite3.connect(target, isolation_level=None)
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
        count = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        column = data.draw(st.sampled_from(columns))
        row = data.draw(st.integers(0, max(count - 1, 0)))
        value = data.draw(values)
        before = _rows(target, table)
        try:
            conn.execute(
                f'UPDATE {table} SET "{column}" = ? WHERE rowid = '
                f"(SELECT rowid FROM {table} ORDER BY rowid LIMIT 1 OFFSET ?)",
                (value, row),
            )
        except sqlite3.IntegrityError:
            conn.close()
            return  # a constraint refused the edit: nothing to test
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        counts["edits"] += 1
        changed = _rows(target, table) != before
        report = verify_database(target)  # must not raise
        if not changed:
            counts["unchanged"] += 1
            return
        if column in ("created_at", "created_by"):
            return  # informative, outside the chain (documented)
        assert not report.ok, f"{table}.{column} = {value!r} went unnoticed"
        counts["refused"] += 1
        state = file_state(out)
        result = merge(out, [target])
        assert not result.ok and result.inputs[0].status == "refused"
        assert file_state(out) == state
        with contextlib.suppress(PanelError):
            Store.open(target).close()


test_random_sql_edits_are_refused = PROFILE(given(data=st.data())(sql_edit))
test_random_sql_edits_slow = pytest.mark.slow(
    settings(PROFILE, max_examples=1000, derandomize=False)(given(data=st.data())(sql_edit))
)


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("round", "snapshot", 0),
        ("round", "snapshot", "not json"),
        ("score_events", "value", ""),
        ("score_events", "value", 1e24),
    ],
)
def test_tally_of_an_edited_file_is_a_refusal_not_a_crash(
    files: tuple[Path, Path], tmp_path: Path, table: str, column: str, value: object
) -> None:
    target = tmp_path / "edited.db"
    shutil.copyfile(files[0], target)
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute(
        f'UPDATE {table} SET "{column}" = ? WHERE rowid = (SELECT MIN(rowid) FROM {table})',
        (value,),
    )
    conn.close()
    # tally verifies first: every one of these edits is a refusal naming the problem, never
    # a crash and never a ranking.
    with pytest.raises(PanelError) as refused:
        tally_database(target)
    assert "does not verify" in str(refused.value) and refused.value.problems


@pytest.fixture(scope="module", autouse=True)
def _figures() -> object:
    yield
    record_figure("sqlfuzz.edits", counts["edits"])
    record_figure("sqlfuzz.refused", counts["refused"])
