"""The scoring app driven by the keys an assessor presses; asserts on the database and the screen."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from fixtures.tui_helpers import open_nominee, static_text, table_text
from panel_tui.storage.store import Store
from panel_tui.tui.dialogs.score_input import ScoreInput
from panel_tui.tui.dialogs.text_prompt import TextPrompt
from panel_tui.tui.scoring import score_typing
from panel_tui.tui.scoring.agenda_screen import AgendaScreen
from panel_tui.tui.scoring.app import ScoringApp
from panel_tui.tui.scoring.readback_screen import ReadBackScreen
from panel_tui.tui.scoring.scoring_screen import ScoringScreen
from panel_tui.tui.scoring.session import STATE_CRITERION, STATE_NOMINEE, STATE_SCREEN
from panel_tui.tui.scoring.summary_screen import SummaryScreen

MakeApp = Callable[[], ScoringApp]
ReadStore = Callable[[], Store]
SIZE = (120, 40)


async def test_agenda_shows_round_and_nominees_literally(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, AgendaScreen)
        assert "Paritrana Award 2025 - Test Province" in static_text(app, "#round-title")
        assert "Hotel [Grand], Mataram" in static_text(app, "#round-info")
        assert "a1.db" in static_text(app, "#database-path")
        rows = table_text(app, "#agenda-table")
        names = [row[1] for row in rows]
        assert names == [
            "Pemerintah Kabupaten/Kota",
            "Pemerintah Kabupaten Lombok Timur",
            "Pemerintah Kabupaten Lombok Utara",
            "Badan Usaha",
            "PT Pupuk [Persero]",
        ]
        assert rows[4][2] == "[b]Direktur[/b]"
        assert rows[1][-1].endswith("not started")
        # Enter opens the nominee under the cursor (the first one, never a heading).
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        assert app.screen.nominee_id == "lotim"


async def test_the_agenda_cursor_steps_over_headings(make_app: MakeApp) -> None:
    from panel_tui.tui.scoring.agenda_screen import AgendaTable

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one(AgendaTable)
        # Rows: Pemerintah Kabupaten/Kota, lotim, klu, Badan Usaha, pupuk.
        assert table.nominee_at(table.cursor_row) == "lotim"
        seen = []
        for key in ("down", "down", "down", "up", "k", "j", "home", "end"):
            await pilot.press(key)
            seen.append(table.nominee_at(table.cursor_row))
        assert seen == ["klu", "pupuk", "pupuk", "klu", "lotim", "klu", "lotim", "pupuk"]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen) and app.screen.nominee_id == "pupuk"


async def test_digits_score_and_move_on(make_app: MakeApp, read_store: ReadStore) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        await pilot.press("4", "3")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScoringScreen)
        assert screen.criterion is not None and screen.criterion.id == "coverage"
        assert "Saved: Dukungan Anggaran = 3" in static_text(app, "#save-status")
        rubric = table_text(app, "#rubric")
        assert [row[2] for row in rubric] == ["4", "3", "·"]
        await pilot.press("k", "k", "5")  # j/k move too; rescoring overwrites
        await pilot.pause()
    with read_store() as store:
        assert store.sheet("lotim").scores == {"regulation": 5, "budget": 3}


async def test_backspace_clears_a_score(make_app: MakeApp, read_store: ReadStore) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        await pilot.press("4", "up", "backspace")
        await pilot.pause()
        assert "Cleared: Regulasi (was 4)" in static_text(app, "#save-status")
    with read_store() as store:
        assert store.sheet("lotim").scores == {}


async def test_ten_point_scale_with_half_points(
    make_app: MakeApp, read_store: ReadStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(score_typing, "PENDING_DELAY", 30)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "pupuk")
        await pilot.press("1")
        await pilot.pause()
        assert "1…" in static_text(app, "#save-status")  # waits: 1 may become 10
        await pilot.press("0")  # 10, then on to CSR
        await pilot.press("7", "+")  # 7.5
        await pilot.pause()
        with read_store() as store:
            assert store.sheet("pupuk").scores == {"compliance": 10, "csr": 7.5}
        monkeypatch.setattr(score_typing, "PENDING_DELAY", 0.05)
        await pilot.press("up", "1")  # left alone: taken after the pause
        await pilot.pause(0.3)
        await pilot.pause()
        with read_store() as store:
            assert store.sheet("pupuk").scores["compliance"] == 1
        monkeypatch.setattr(score_typing, "PENDING_DELAY", 30)
        await pilot.press("up", "2", "enter")  # Enter takes it at once
        await pilot.pause()
        with read_store() as store:
            assert store.sheet("pupuk").scores["compliance"] == 2
        await pilot.press("up", "1", "1")  # 11 is off the scale: 1 is taken, then 1 waits
        await pilot.press("escape")  # Escape drops what is still waiting
        await pilot.pause()
        assert "cancelled" in static_text(app, "#save-status")
    with read_store() as store:
        assert store.sheet("pupuk").scores == {"compliance": 1, "csr": 7.5}


async def test_enter_opens_a_score_line(make_app: MakeApp, read_store: ReadStore) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "pupuk")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+a", *"12", "enter")  # off the scale: refused in the dialog
        await pilot.pause()
        assert "not on the scale" in static_text(app, "#score-error")
        await pilot.press("backspace", "backspace", *"6,5", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
    with read_store() as store:
        assert store.sheet("pupuk").scores == {"compliance": 6.5}


async def test_notes_and_comment_are_saved_as_written(
    make_app: MakeApp, read_store: ReadStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "pupuk")
        assert static_text(app, "#nominee-name").startswith("PT Pupuk [Persero]")
        assert "[b]Direktur[/b]" in static_text(app, "#nominee-meta")
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"[/b]", "enter")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"[link=x]y[/link]", "enter")
        await pilot.pause()
        assert table_text(app, "#rubric")[0][3] == "[/b]"
        assert static_text(app, "#criterion-note") == "Note: [/b]"
        claims = table_text(app, "#claims")
        assert claims[0][1] == "[link=x]Semua[/link] pekerja"
    with read_store() as store:
        sheet = store.sheet("pupuk")
        assert sheet.notes == {"compliance": "[/b]"}
        assert sheet.comment == "[link=x]y[/link]"


async def test_claims_of_the_criterion_stand_out(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        marks = [row[0] for row in table_text(app, "#claims")]
        assert marks[0].startswith("▶") and not marks[1].startswith("▶")
        await pilot.press("down", "down")
        await pilot.pause()
        rows = table_text(app, "#claims")
        assert rows[2][0].startswith("▶")
        assert "⚠" in rows[2][0]  # 17.000 / 3.190.000 is 0,53%, not the stated 5%
        # In the reader's language (English here), whatever the round's number format.
        assert rows[2][3] == "0.53% of angkatan kerja [BPS]"
        assert rows[1][2] == "IDR 3 billion"
        assert rows[2][2] == "17,000 persons"


async def test_recuse_and_withdraw(make_app: MakeApp, read_store: ReadStore) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("enter")  # a recusal needs a reason
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"my brother [works] there", "enter")
        await pilot.pause()
        assert "RECUSED" in static_text(app, "#nominee-name")
        await pilot.press("4")  # refused while recused
        await pilot.pause()
        with read_store() as store:
            sheet = store.sheet("lotim")
            assert sheet.recused and sheet.recusal_reason == "my brother [works] there"
            assert sheet.scores == {}
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("4")
        await pilot.pause()
    with read_store() as store:
        sheet = store.sheet("lotim")
        assert not sheet.recused and sheet.scores == {"regulation": 4}


async def test_finalise_after_read_back_then_change_with_reason(
    make_app: MakeApp, read_store: ReadStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        await pilot.press("5", "3")
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ReadBackScreen)
        assert "Cannot finalise yet" in static_text(app, "#readback-verdict")
        await pilot.press("f")  # refused: Cakupan has no score
        await pilot.pause()
        assert isinstance(app.screen, ReadBackScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("1", "n")
        await pilot.pause()
        await pilot.press(*"weak [data]", "enter")
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ReadBackScreen)
        assert "65.00" in static_text(app, "#readback-total")
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        assert "FINAL" in static_text(app, "#nominee-name")
        with read_store() as store:
            assert store.sheet("lotim").final
        # Changing a final sheet asks why; Escape leaves it as it was.
        await pilot.press("up", "2")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press("escape")
        await pilot.pause()
        with read_store() as store:
            assert store.sheet("lotim").scores["budget"] == 3
        await pilot.press("2")
        await pilot.pause()
        await pilot.press(*"misheard the budget", "enter")
        await pilot.pause()
    with read_store() as store:
        sheet = store.sheet("lotim")
        assert sheet.final and sheet.scores["budget"] == 2
        last = list(store.events())[-1]
        assert (last.kind, last.criterion, last.value) == ("score", "budget", 2.0)
        assert last.reason == "misheard the budget"


async def test_f_on_a_final_sheet_reopens_it_with_a_reason(
    make_app: MakeApp, read_store: ReadStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        await pilot.press("5", "3", "1", "f")
        await pilot.pause()
        await pilot.press("f")  # finalise on the read-back
        await pilot.pause()
        assert "FINAL" in static_text(app, "#nominee-name")
        assert "f reopens it" in static_text(app, "#save-status")

        # f on a final sheet asks why; Escape leaves it final, nothing written.
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press("escape")
        await pilot.pause()
        with read_store() as store:
            assert store.sheet("lotim").final
            events = len(list(store.events()))

        await pilot.press("f")
        await pilot.pause()
        await pilot.press(*"[b]finalised[/b] too early", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        assert "FINAL" not in static_text(app, "#nominee-name")
        assert "no longer final" in static_text(app, "#save-status")
        # No longer final: a change needs no reason now.
        await pilot.press("up", "2")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
    with read_store() as store:
        sheet = store.sheet("lotim")
        assert not sheet.final and sheet.scores["budget"] == 2
        reopened = list(store.events())[events]
        assert (reopened.kind, reopened.nominee) == ("reopen", "lotim")
        assert reopened.reason == "[b]finalised[/b] too early"  # stored as typed


async def test_the_database_is_named_once_the_agenda_is_up(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, AgendaScreen)
        assert len(app.screen_stack) == 1  # the agenda is the first screen, nothing under it
        await pilot.pause()
        # On the agenda's head, not in a notice over the keys.
        assert static_text(app, "#database-path") == "Database: a1.db (opened)"
        assert not app._notifications


async def test_the_place_is_on_disk_once_the_screen_shows_it(
    make_app: MakeApp, read_store: ReadStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "klu")
        await pilot.press("down", "down")
        await pilot.pause()
        # Still running: nothing waits for the app to close.
        with read_store() as store:
            assert store.get_state(STATE_NOMINEE) == "klu"
            assert store.get_state(STATE_CRITERION) == "coverage"
            assert store.get_state(STATE_SCREEN) == "scoring"


async def test_restart_returns_to_the_same_place(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "klu")
        await pilot.press("3", "down")
        await pilot.pause()
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        screen = again.screen
        assert isinstance(screen, ScoringScreen)
        assert screen.nominee_id == "klu"
        assert screen.criterion is not None and screen.criterion.id == "coverage"
        assert table_text(again, "#rubric")[0][2] == "3"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(again.screen, AgendaScreen)
    third = make_app()
    async with third.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(third.screen, AgendaScreen)  # left from the agenda: opens there
        rows = table_text(third, "#agenda-table")
        assert rows[2][-1].endswith("1 of 3 scored")


async def test_a_failed_save_is_shown_as_not_saved(
    make_app: MakeApp, read_store: ReadStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        assert app.session is not None

        def broken(*args: object, **kwargs: object) -> None:
            raise sqlite3.OperationalError("disk I/O error")

        store = app.session.store
        store.record_score = broken  # type: ignore[method-assign,assignment]
        await pilot.press("4")
        await pilot.pause()
        status = static_text(app, "#save-status")
        assert "NOT saved: Regulasi = 4" in status and "disk I/O error" in status
        assert table_text(app, "#rubric")[0][2] == "✗4 unsaved"
        screen = app.screen
        assert isinstance(screen, ScoringScreen)
        assert screen.criterion is not None and screen.criterion.id == "regulation"
        del store.record_score  # the disk is back
        await pilot.press("4")
        await pilot.pause()
        assert table_text(app, "#rubric")[0][2] == "4"
    with read_store() as store:
        assert store.sheet("lotim").scores == {"regulation": 4}


async def test_previous_next_and_back_to_agenda(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        await pilot.press("right_square_bracket")
        await pilot.pause()
        screen = app.screen
        # The clock's order: pupuk (14/07 09:30) before klu (15/07), across categories.
        assert isinstance(screen, ScoringScreen) and screen.nominee_id == "pupuk"
        assert static_text(app, "#nominee-meta").startswith("2 of 3")
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert screen.nominee_id == "klu"
        await pilot.press("right_square_bracket")  # the last one: stays
        await pilot.pause()
        assert screen.nominee_id == "klu"
        assert static_text(app, "#save-status") == "This is the last nominee."
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert screen.nominee_id == "lotim"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AgendaScreen)


async def test_summary_shows_totals_and_what_is_missing(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        await pilot.press("5", "5", "5")
        await open_nominee(pilot, "klu")
        await pilot.press("3", "s")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        rows = {row[0]: row for row in table_text(app, "#summary-table")}
        assert rows["Pemerintah Kabupaten Lombok Timur"][-2] == "100.00"
        assert rows["Pemerintah Kabupaten Lombok Utara"][-1] == "Dukungan Anggaran, Cakupan"
        assert rows["PT Pupuk [Persero]"][-1] == "everything (2 criteria)"
        await pilot.press("down", "enter")  # opens the nominee under the cursor
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScoringScreen) and screen.nominee_id == "klu"


async def test_timer_starts_pauses_and_warns(make_app: MakeApp) -> None:
    clock = [0.0]
    app = make_app()
    app.now = lambda: clock[0]
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        assert "15:00" in static_text(app, "#timer")
        await pilot.press("t")
        clock[0] = 13 * 60.0
        timer = app.screen.query_one("#timer")
        timer.refresh_time()  # type: ignore[attr-defined]
        assert "02:00 left" in static_text(app, "#timer")
        assert timer.has_class("-warning")
        clock[0] = 16 * 60.0
        timer.refresh_time()  # type: ignore[attr-defined]
        assert "01:00 over time" in static_text(app, "#timer")
        assert timer.has_class("-over")
        await pilot.press("t")
        await pilot.pause()
        clock[0] = 20 * 60.0
        timer.refresh_time()  # type: ignore[attr-defined]
        assert "01:00 over time (paused)" in static_text(app, "#timer")


async def test_command_palette_finds_nominees_literally(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"pupuk")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScoringScreen) and screen.nominee_id == "pupuk"


async def test_choose_assessor_creates_the_database_in_the_data_dir(
    round_dir: Path, data_dir: Path
) -> None:
    from panel_tui.round_package.loader import load_round_or_raise
    from panel_tui.tui.scoring.session import PendingRound

    round_, _ = load_round_or_raise(round_dir)
    app = ScoringApp(pending=PendingRound(round_dir, round_), now=lambda: 0.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, AgendaScreen)
        expected = data_dir / "test-2025-a2.db"
        assert static_text(app, "#database-path") == f"Database: {expected} (created just now)"
        assert "Kepala BPJS [cabang]" in static_text(app, "#assessor-name")
    assert expected.is_file()
    with Store.open(expected) as store:
        assert store.assessor_id == "a2"


async def test_the_mouse_works_too(make_app: MakeApp, read_store: ReadStore) -> None:
    from panel_tui.tui.dialogs.score_input import ScoreInput
    from panel_tui.tui.scoring.rubric_table import RubricTable

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # Agenda: a click highlights a nominee, a second click opens it.
        await pilot.click("#agenda-table", offset=(5, 3))
        await pilot.click("#agenda-table", offset=(5, 3))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScoringScreen) and screen.nominee_id == "klu"
        # Rubric: click the second criterion, click it again for the score line.
        await pilot.click(RubricTable, offset=(3, 2))
        await pilot.pause()
        assert screen.criterion is not None and screen.criterion.id == "budget"
        await pilot.click(RubricTable, offset=(3, 2))
        await pilot.pause()
        assert isinstance(app.screen, ScoreInput)
        await pilot.press("ctrl+a", "backspace", "2", "enter")
        await pilot.pause()
    with read_store() as store:
        assert store.sheet("klu").scores == {"budget": 2}


async def test_typing_ahead_stops_at_the_last_criterion(
    make_app: MakeApp, read_store: ReadStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "pupuk")
        await pilot.press("down", "1", "7")  # CSR is the last: 1 is taken, 7 has nowhere to go
        await pilot.pause()
        assert "the rest typed was not used" in static_text(app, "#save-status")
        await pilot.pause(0.2)
    with read_store() as store:
        assert store.sheet("pupuk").scores == {"csr": 1}


async def test_enter_on_a_claim_shows_its_source_and_scores_nothing(
    make_app: MakeApp, read_store: ReadStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        await pilot.press("tab", "enter")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#claims")
        # Literally: the brackets are the claim's text, not markup.
        assert static_text(app, "#save-status") == "Source of Perda [No. 5/2024]: Paparan"
        await pilot.press("tab", "enter")  # back in the rubric, Enter asks for a score
        await pilot.pause()
        assert isinstance(app.screen, ScoreInput)
    with read_store() as store:
        assert store.sheet("lotim").scores == {}
