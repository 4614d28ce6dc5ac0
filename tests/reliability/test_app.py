"""Issue 5.1 (the app itself), 5.7 (the screen says "NOT saved") and 5.8 (markup).

- The real app in a pseudo-terminal (`panel-tui score DB`), killed with SIGKILL the moment
  the screen shows "Saved": the score is in the file, every time.
- Driven by Pilot: a score shown as saved is visible to a second connection while the app
  still runs; on a full database the screen says "NOT saved" and the file holds nothing of it.
- A round whose every text is full of markup, brackets, links, actions and emoji renders
  exactly as written on every screen of the scoring and secretariat apps: asserted on the
  text of the rendered screen (the compositor's output), not on widget contents.
"""

from __future__ import annotations

import fcntl
import os
import re
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest
from textual.app import App

from fixtures.databases import build_db
from fixtures.nasty_round import NAMES, write_nasty_round
from panel_tui.assessor.setup import init_assessor_db
from panel_tui.domain.problems import PanelError
from panel_tui.secretariat.merge.driver import merge
from panel_tui.secretariat.verify.database import verify_database
from panel_tui.storage.store import Store
from panel_tui.tui.scoring.app import ScoringApp
from panel_tui.tui.scoring.readback_screen import ReadBackScreen
from panel_tui.tui.scoring.scoring_screen import ScoringScreen
from panel_tui.tui.scoring.session import PendingRound, open_database
from panel_tui.tui.scoring.summary_screen import SummaryScreen
from panel_tui.tui.secretariat.app import SecretariatApp

from .helpers import record_figure

BIG = (250, 70)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("PANEL_TUI_DATA_DIR", str(folder))
    return folder


def screen_text(app: App[int]) -> str:
    """What the terminal shows: the rendered lines of the current screen."""
    return "\n".join(strip.text.rstrip() for strip in app.screen._compositor.render_strips())


def assert_shown(app: App[int], *texts: str) -> None:
    shown = screen_text(app)
    for text in texts:
        assert text in shown, f"not shown as written: {text!r}\n{shown}"


# --- the app killed right after "Saved" ----------------------------------------------------


class Terminal:
    """`panel-tui score DB` in a pseudo-terminal of a fixed size."""

    def __init__(self, db: Path, size: tuple[int, int] = (120, 40)) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(size[0])}
        env["LINES"] = str(size[1])
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "panel_tui", "score", str(db)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.buffer = bytearray()
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            with self.lock:
                self.buffer.extend(data)

    def mark(self) -> int:
        with self.lock:
            return len(self.buffer)

    def text_since(self, mark: int) -> str:
        with self.lock:
            raw = bytes(self.buffer[mark:])
        return re.sub(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]", "", raw.decode("utf-8", "replace"))

    def wait_for(self, pattern: str, mark: int, timeout: float = 20) -> re.Match[str] | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.text_since(mark))
            if found:
                return found
            if self.proc.poll() is not None:
                return None
            time.sleep(0.01)
        return None

    def press(self, keys: bytes) -> int:
        mark = self.mark()
        os.write(self.master, keys)
        return mark

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        os.close(self.master)


def _kill_after_saved(tmp_path: Path, cycles: int) -> int:
    db = build_db(tmp_path / "a1.db", "a1")
    typed: list[int] = []
    for i in range(cycles):
        term = Terminal(db)
        try:
            # The first run opens on the agenda: Enter opens the first nominee. Later runs
            # reopen the scoring screen where the assessor was.
            if i == 0:
                assert term.wait_for(r"Lombok Timur", 0), term.text_since(0)[-2000:]
                time.sleep(0.3)
                term.press(b"\r")
            assert term.wait_for(r"Rubric", 0), term.text_since(0)[-2000:]
            time.sleep(0.2)
            digit = 1 + (i * 3) % 5
            mark = term.press(str(digit).encode())
            saved = term.wait_for(rf"Saved: [^\n]*(= |→ ){digit}", mark)
            assert saved, term.text_since(mark)[-2000:]
        finally:
            term.kill()  # SIGKILL the moment "Saved" is on the screen
        typed.append(digit)
        with Store.open(db, readonly=True) as store:
            values = [e.value for e in store.events() if e.kind == "score"]
        assert values == typed, f"after kill {i + 1}: on disk {values}, typed {typed}"
        assert verify_database(db).ok
    return len(typed)


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_app_killed_after_saved_keeps_the_score(tmp_path: Path) -> None:
    kills = _kill_after_saved(tmp_path, cycles=3)
    record_figure("app.kills_after_saved", kills)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_app_killed_after_saved_many_times(tmp_path: Path) -> None:
    kills = _kill_after_saved(tmp_path, cycles=25)
    record_figure("app.slow.kills_after_saved", kills)


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_two_app_instances_on_one_database_both_save(tmp_path: Path) -> None:
    """A second app opened on the same file (a second terminal): each key saves, none lost."""
    db = build_db(tmp_path / "a1.db", "a1")
    first, second = Terminal(db), Terminal(db)
    typed = []
    try:
        for term in (first, second):
            assert term.wait_for(r"Lombok Timur", 0), term.text_since(0)[-2000:]
        time.sleep(0.3)
        for term in (first, second):
            term.press(b"\r")
            assert term.wait_for(r"Rubric", 0), term.text_since(0)[-2000:]
        time.sleep(0.2)
        for i in range(6):
            term = (first, second)[i % 2]
            digit = 1 + i % 5
            mark = term.press(str(digit).encode())
            assert term.wait_for(rf"Saved: [^\n]*(= |→ ){digit}", mark), term.text_since(mark)[
                -2000:
            ]
            typed.append(float(digit))
    finally:
        first.kill()
        second.kill()
    with Store.open(db, readonly=True) as store:
        assert [e.value for e in store.events() if e.kind == "score"] == typed
    assert verify_database(db).ok


# --- saved means on disk; full means NOT saved ---------------------------------------------


async def test_saved_score_is_on_disk_while_the_app_runs(tmp_path: Path) -> None:
    db = build_db(tmp_path / "a1.db", "a1")
    app = ScoringApp(session=open_database(db), now=lambda: 0.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("4")
        await pilot.pause()
        assert_shown(app, "Saved:")
        # A separate connection, before the app exits: the score is committed.
        with Store.open(db, readonly=True) as other:
            assert [e.value for e in other.events() if e.kind == "score"] == [4.0]


async def test_full_database_shows_not_saved_and_keeps_what_was(tmp_path: Path) -> None:
    db = build_db(tmp_path / "a1.db", "a1", scores=6)
    app = ScoringApp(session=open_database(db), now=lambda: 0.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        store = app.session.store  # type: ignore[union-attr]
        before = verify_database(db).events
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")
        # Fill what room is left in the pages the file has, the way a full disk would.
        filled = 0
        for size in (2000, 200, 20, 1):
            while True:
                try:
                    store.record_note("lotim", None, "x" * size)
                except PanelError:
                    break
                filled += 1
        # Whatever a key saves is on disk; the first refusal shows "NOT saved" and writes nothing.
        saved = 0
        for _attempt in range(5):
            await pilot.press("3")
            await pilot.pause()
            if "NOT saved" in screen_text(app):
                break
            saved += 1
        shown = screen_text(app)
        assert "NOT saved" in shown, shown
        with Store.open(db, readonly=True) as other:
            events = list(other.events())
        assert len(events) == before + filled + saved
        assert len([e for e in events[before:] if e.kind == "score"]) == saved
        # Room again: the same key saves.
        store.conn.execute(f"PRAGMA max_page_count = {pages + 100}")
        await pilot.press("3")
        await pilot.pause()
        assert_shown(app, "Saved:")
    report = verify_database(db)
    assert report.ok and report.events == before + filled + saved + 1


# --- markup on every screen ------------------------------------------------------------------


NASTY_FOLDER = "[b]USB[/b] [link=evil]stick[/link] [/] 🙂"
# A long path wraps: its parts are looked for one by one.
FOLDER_PARTS = ("[b]USB[/b]", "[link=evil]stick[/link]")


@pytest.fixture
def nasty_db(tmp_path: Path) -> Path:
    round_dir = write_nasty_round(tmp_path / "round")
    (tmp_path / NASTY_FOLDER).mkdir(parents=True)  # "/" in "[/b]" nests folders
    db = tmp_path / NASTY_FOLDER / "a1.db"
    init_assessor_db(round_dir, "a1", db)
    with Store.open(db) as store:
        store.record_score("n2", "regulation", 2)
        store.record_note("n1", "regulation", NAMES["note"])
        store.record_note("n1", None, NAMES["comment"])
        store.recuse("n3", NAMES["reason"])
    return db


async def test_markup_on_the_assessor_choice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from panel_tui.round_package.loader import load_round_or_raise

    monkeypatch.setenv("PANEL_TUI_DATA_DIR", str(tmp_path / NASTY_FOLDER))

    round_dir = write_nasty_round(tmp_path / "round")
    round_, _ = load_round_or_raise(round_dir)
    app = ScoringApp(pending=PendingRound(round_dir, round_), now=lambda: 0.0)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        assert_shown(app, NAMES["assessor"], NAMES["title"], *FOLDER_PARTS)


async def test_markup_on_agenda_scoring_readback_and_summary(nasty_db: Path) -> None:
    app = ScoringApp(session=open_database(nasty_db), now=lambda: 0.0)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        assert_shown(
            app,
            NAMES["title"],
            NAMES["venue"],
            NAMES["assessor"],
            NAMES["category"],
            NAMES["nominee1"],
            NAMES["nominee2"],
            NAMES["nominee3"],
            NAMES["presenter"],
            *FOLDER_PARTS,
        )
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        assert_shown(
            app,
            NAMES["nominee1"],
            NAMES["presenter"],
            NAMES["category"],
            NAMES["claim_label"],
            NAMES["criterion"],
            NAMES["guidance"],
            NAMES["level"],
            "[link=https://x]ikut[/link]",
        )
        # The note and the comment with markup, shown beside the rubric or in a dialog.
        await pilot.press("n")
        await pilot.pause()
        assert_shown(app, NAMES["criterion"], NAMES["note"])
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert_shown(app, NAMES["comment"])
        await pilot.press("escape")
        await pilot.pause()
        # Score everything, then the read-back lists scores, notes and the total.
        await pilot.press("4", "5")
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ReadBackScreen)
        assert_shown(app, NAMES["nominee1"], NAMES["criterion"], NAMES["note"], NAMES["comment"])
        await pilot.press("escape")
        await pilot.pause()
        # The recused nominee shows its reason as written.
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert_shown(app, NAMES["nominee3"], NAMES["reason"])
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert_shown(app, NAMES["nominee1"], NAMES["nominee2"], NAMES["nominee3"])


async def test_markup_on_the_secretariat_screens(nasty_db: Path, tmp_path: Path) -> None:
    round_dir = tmp_path / "round"
    other = tmp_path / "a2.db"
    init_assessor_db(round_dir, "a2", other)
    with Store.open(other) as store:
        store.record_score("n1", "regulation", 1)
        store.record_score("n2", "regulation", 5)
    out = tmp_path / "merged.db"
    assert merge(out, [nasty_db, other]).ok
    app = SecretariatApp(out)
    async with app.run_test(size=BIG) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        assert_shown(app, NAMES["nominee1"], NAMES["nominee2"], NAMES["nominee3"])
        # The completion matrix and the disagreements show ids and numbers beside the title.
        await pilot.press("2")
        await pilot.pause()
        assert_shown(app, NAMES["title"], "n3")
        await pilot.press("3")
        await pilot.pause()
        assert_shown(app, NAMES["title"])


# --- a damaged database: refused at the door, never a crash in the middle -------------------


async def test_app_refuses_or_runs_damaged_databases_never_crashes(tmp_path: Path) -> None:
    import random
    import shutil

    from fixtures.databases import copy_db

    from .test_damage import _flip

    clean = copy_db(build_db(tmp_path / "a1.db", "a1", scores=40), tmp_path / "clean.db")
    size = clean.stat().st_size
    rng = random.Random(1)
    refused = ran = 0
    for i in range(12):
        bad = tmp_path / f"bad{i}.db"
        shutil.copyfile(clean, bad)
        if i % 2:
            with bad.open("r+b") as handle:
                handle.truncate(rng.randrange(0, size))
        else:
            _flip(bad, [rng.randrange(0, size) for _ in range(3)], rng)
        try:
            session = open_database(bad)
        except PanelError as exc:
            assert str(exc).strip()
            refused += 1
            continue
        app = ScoringApp(session=session, now=lambda: 0.0)
        async with app.run_test(size=(120, 40)) as pilot:  # raises if the app crashed
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("3")
            await pilot.pause()
            await pilot.press("s")
            await pilot.pause()
        ran += 1
    assert refused and ran + refused == 12
    record_figure("damage.app_refused", refused)


@pytest.mark.parametrize("value", [1e308, -1e300, 1e30])
async def test_the_app_shows_a_score_edited_to_a_huge_number(tmp_path: Path, value: float) -> None:
    """A score edited with plain SQL to 1e308 (the app does not check the chain when it opens
    its database) stopped the app with decimal.InvalidOperation while drawing the sheet: every
    number past 28 digits did. It is drawn, and the sheet can be scored."""
    import sqlite3

    db = build_db(tmp_path / "a1.db", "a1", scores=3)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute(
        "UPDATE score_events SET value = ? WHERE rowid ="
        " (SELECT MIN(rowid) FROM score_events WHERE kind = 'score')",
        (value,),
    )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    app = ScoringApp(session=open_database(db), now=lambda: 0.0)
    async with app.run_test(size=(120, 40)) as pilot:  # raises if the app crashed
        for key in ("enter", "f", "escape", "3", "s"):
            await pilot.press(key)
            await pilot.pause()
