"""Issue 5.1/5.5 for the app: any sequence of the keys an assessor presses, never a crash.

Hypothesis presses random sequences of the scoring app's keys (digits, decimal point, half
point, clear, moving, next/previous nominee, note, comment, recuse, finalise, timer, summary,
agenda, Enter, Escape, typed text) on a round with a 1–5 and a 0–10 half-point rubric. The
app must never stop with an exception, and afterwards the database verifies and no score sits
on a sheet its assessor is recused from.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures.databases import build_db
from panel_tui.secretariat.verify.database import verify_database
from panel_tui.storage.store import Store
from panel_tui.tui.scoring.app import ScoringApp
from panel_tui.tui.scoring.session import open_database

from .helpers import record_figure

KEYS = [
    *"0123456789",
    "full_stop",
    "comma",
    "plus",
    "backspace",
    "delete",
    "up",
    "down",
    "j",
    "k",
    "left_square_bracket",
    "right_square_bracket",
    "n",
    "c",
    "r",
    "f",
    "t",
    "s",
    "escape",
    "enter",
    "tab",
    "x",
    "left_square_bracket",
]
PROFILE = settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
pressed = {"sequences": 0, "keys": 0}


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(tmp_path_factory.mktemp("keys") / "a1.db", "a1", scores=5)


async def _drive(db: Path, keys: list[str]) -> None:
    app = ScoringApp(session=open_database(db), now=lambda: 0.0)
    async with app.run_test(size=(100, 30)) as pilot:  # raises if the app crashed
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
        await pilot.pause()


def press_keys(base_db: Path, keys: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "a1.db"
        shutil.copyfile(base_db, db)
        asyncio.run(_drive(db, keys))
        pressed["sequences"] += 1
        pressed["keys"] += len(keys)
        report = verify_database(db)
        assert report.ok, report.problems
        with Store.open(db, readonly=True) as store:
            for sheet in store.sheets().values():
                assert not (sheet.recused and sheet.scores and sheet.final)


key_sequences = st.lists(st.sampled_from(KEYS), min_size=20, max_size=40)
test_random_keys_never_crash_the_app = PROFILE(given(keys=key_sequences)(press_keys))
test_random_keys_slow = pytest.mark.slow(
    settings(PROFILE, max_examples=60, derandomize=False)(given(keys=key_sequences)(press_keys))
)


@pytest.fixture(scope="module", autouse=True)
def _figures() -> object:
    yield
    record_figure("keys.sequences", pressed["sequences"])
    record_figure("keys.pressed", pressed["keys"])
