"""Issue 15: what a live interview showed to be wrong, hidden or lost (database and screen)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path

from fixtures.databases import held_write_lock
from fixtures.tui_helpers import open_nominee, static_text, table_text
from panel_tui.assessor.setup import init_assessor_db
from panel_tui.storage.store import Store
from panel_tui.tui.common.footer import DialogFooter
from panel_tui.tui.common.textual_private import FooterKey
from panel_tui.tui.dialogs.text_prompt import TextPrompt
from panel_tui.tui.dialogs.wait_database import WaitForDatabase
from panel_tui.tui.launch import resolve
from panel_tui.tui.scoring.agenda_screen import AgendaScreen
from panel_tui.tui.scoring.app import ScoringApp
from panel_tui.tui.scoring.claims_table import ClaimsTable
from panel_tui.tui.scoring.readback_screen import ReadBackScreen
from panel_tui.tui.scoring.scoring_screen import ScoringScreen
from panel_tui.tui.scoring.session import open_database

MakeApp = Callable[[], ScoringApp]
ReadStore = Callable[[], Store]
SIZE = (120, 40)


async def _finalise_lotim(pilot: object, app: ScoringApp) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await open_nominee(pilot, "lotim")
    await pilot.press("5", "3", "1", "f")
    await pilot.pause()
    assert isinstance(app.screen, ReadBackScreen)
    await pilot.press("f")
    await pilot.pause()
    assert "FINAL" in static_text(app, "#nominee-name")


async def test_clearing_a_score_on_a_final_sheet_reopens_it(
    make_app: MakeApp, read_store: ReadStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _finalise_lotim(pilot, app)
        await pilot.press("up", "up", "backspace")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"misheard", "enter")
        await pilot.pause()
        assert "FINAL" not in static_text(app, "#nominee-name")
        assert "Reopened and cleared Regulasi" in static_text(app, "#save-status")
    with read_store() as store:
        sheet = store.sheet("lotim")
        assert not sheet.final  # a final sheet is always complete
        assert "regulation" not in sheet.scores
        kinds = [(e.kind, e.criterion, e.reason) for e in store.events()][-2:]
        assert kinds == [("reopen", None, "misheard"), ("score", "regulation", "misheard")]


async def test_clearing_on_a_final_sheet_without_a_reason_changes_nothing(
    make_app: MakeApp, read_store: ReadStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _finalise_lotim(pilot, app)
        await pilot.press("backspace")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert "FINAL" in static_text(app, "#nominee-name")
    with read_store() as store:
        sheet = store.sheet("lotim")
        assert sheet.final and len(sheet.scores) == 3


async def test_a_stated_percent_without_a_population_is_shown(
    round_dir: Path, tmp_path: Path, monkeypatch: object
) -> None:
    claims = round_dir / "claims.csv"
    claims.write_text(
        claims.read_text(encoding="utf-8")
        + "lotim;coverage.bpu;Pekerja BPU;3.602;persons;;;50;;Paparan\n",
        encoding="utf-8",
    )
    init_assessor_db(round_dir, "a1", tmp_path / "p.db")
    app = ScoringApp(session=open_database(tmp_path / "p.db"), now=lambda: 0.0)
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        rows = {row[1]: row for row in table_text(app, "#claims")}
        assert rows["Pekerja BPU"][3] == "50% stated"
        table = app.screen.query_one(ClaimsTable)
        assert "50% stated" in "\n".join(
            table.render_line(y).text for y in range(table.size.height)
        )


async def test_quitting_saves_a_score_waiting_for_its_second_digit(
    make_app: MakeApp, read_store: ReadStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "pupuk")  # 0-10: "1" waits for a second digit
        await pilot.press("1")
        await pilot.pause()
        assert "1…" in static_text(app, "#save-status")
        await pilot.press("ctrl+q")
        await pilot.pause()
    with read_store() as store:
        assert store.sheet("pupuk").scores == {"compliance": 1}


async def test_quitting_with_a_typed_score_on_a_final_sheet_asks_first(
    make_app: MakeApp, read_store: ReadStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "pupuk")
        await pilot.press("8", "7", "f")
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("up", "1", "ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)  # the app stays: why change a final sheet?
        assert app.is_running
        await pilot.press(*"recount", "enter")
        await pilot.pause()
    with read_store() as store:
        assert store.sheet("pupuk").scores["compliance"] == 1


async def test_a_second_database_of_the_same_assessor_is_named_on_the_agenda(
    round_dir: Path, tmp_path: Path, data_dir: Path, monkeypatch: object
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    init_assessor_db(round_dir, "a1", work / "u.db")
    init_assessor_db(round_dir, "a2", work / "other-assessor.db")
    (work / "notes.db").write_bytes(b"not a database")
    # A hand-over copy of u.db holds the same chain: not a second database.
    (work / "u-copy.db").write_bytes((work / "u.db").read_bytes())
    session, pending = resolve(round_dir, "a1")  # `score <round folder> --assessor a1`
    assert session is not None and pending is None
    assert session.path == data_dir / "test-2025-a1.db"
    assert session.others == [work / "u-copy.db", work / "u.db"]
    app = ScoringApp(session=session, now=lambda: 0.0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, AgendaScreen)
        assert static_text(app, "#database-path").startswith(f"Database: {session.path}")
        warning = static_text(app, "#other-databases")
        assert "Another database of this round for you exists" in warning
        assert str(work / "u.db") in warning
    # And the other way round: opening u.db names the one in the data directory, not its
    # own copy.
    again, _pending = resolve(work / "u.db", None)
    assert again is not None
    assert again.others == [data_dir / "test-2025-a1.db"]
    again.close()


async def test_no_warning_when_the_assessor_has_one_database(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.screen.query_one("#other-databases").display


async def test_a_second_copy_of_the_app_on_the_same_file_is_seen(
    make_app: MakeApp, read_store: ReadStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        assert table_text(app, "#rubric")[0][2] == "·"
        with read_store() as other:  # the second copy saves a score
            other.record_score("lotim", "regulation", 4)
        await asyncio.sleep(1.3)
        await pilot.pause()
        assert table_text(app, "#rubric")[0][2] == "4"
        assert "another copy of panel-tui" in static_text(app, "#save-status")
        await pilot.press("escape")
        await pilot.pause()
        with read_store() as other:
            other.record_score("klu", "regulation", 2)
        await asyncio.sleep(1.3)
        await pilot.pause()
        rows = {row[1]: row for row in table_text(app, "#agenda-table")}
        assert any("1 of 3" in " ".join(r) for r in rows.values() if "Utara" in " ".join(r))


async def test_another_writer_seen_while_a_nominee_opens_is_shown_once_it_is_open(
    make_app: MakeApp, read_store: ReadStore
) -> None:
    """The check for another writer runs on a timer: when it fires between a nominee's
    screen being pushed and its widgets being mounted (a busy laptop), it used to redraw a
    sheet that had no table yet, and the app stopped (NoMatches: RubricTable). The screen
    being opened reads the sheet as it is on disk then."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_nominee("lotim")  # pushed, not yet mounted
        assert isinstance(app.screen, ScoringScreen) and not app.screen.query("RubricTable")
        with read_store() as other:
            other.record_score("lotim", "regulation", 4)
        app._check_other_writer()  # the timer's call, now
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        assert table_text(app, "#rubric")[0][2] == "4"


async def test_a_busy_database_is_waited_for_in_sight_and_keys_are_not_replayed(
    make_app: MakeApp, read_store: ReadStore, db_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        with held_write_lock(db_path):  # another program holds the write lock
            await pilot.press("4")
            await pilot.pause()
            assert isinstance(app.screen, WaitForDatabase)
            assert "Waiting for the database" in static_text(app, ".dialog-title")
            # The footer in sight is the dialog's: the scoring keys it covers do nothing now.
            shown = [
                key.description for key in app.screen.query(DialogFooter).first().query(FooterKey)
            ]
            assert shown == ["give up"]
            await pilot.press("3", "2")  # typed blind: never used
            await pilot.pause()
            assert "not used (2)" in static_text(app, "#wait-explanation")
        await asyncio.sleep(0.8)
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        assert "Saved: Regulasi = 4" in static_text(app, "#save-status")
    with read_store() as store:
        assert store.sheet("lotim").scores == {"regulation": 4}


async def test_giving_up_on_a_busy_database_saves_nothing(
    make_app: MakeApp, read_store: ReadStore, db_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        with held_write_lock(db_path):
            await pilot.press("4")
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, ScoringScreen)
            assert "NOT saved: Regulasi = 4" in static_text(app, "#save-status")
    with read_store() as store:
        assert store.sheet("lotim").scores == {}


async def test_no_note_or_comment_on_a_recused_nominee(
    make_app: MakeApp, read_store: ReadStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        await pilot.press("r")
        await pilot.pause()
        await pilot.press(*"my brother", "enter")
        await pilot.pause()
        for key in ("n", "c"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, ScoringScreen)  # no prompt opens
            assert "no scores, notes or comment" in static_text(app, "#save-status")
    with read_store() as store:
        kinds = [e.kind for e in store.events()]
        assert kinds == ["recuse"]


async def test_the_agenda_marks_the_interview_on_now_and_the_next(db_path: Path) -> None:
    from datetime import datetime

    from panel_tui.domain.progress import now_and_next

    clock = datetime(2025, 7, 14, 9, 5)
    app = ScoringApp(session=open_database(db_path), now=lambda: 0.0, clock=lambda: clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        names = [row[1] for row in table_text(app, "#agenda-table")]
        assert "now ▸ Pemerintah Kabupaten Lombok Timur" in names
        assert "next ▸ PT Pupuk [Persero]" in names
        assert "Pemerintah Kabupaten Lombok Utara" in names  # neither
    session = open_database(db_path)
    round_ = session.round
    # Between interviews only "next"; after the last one nothing.
    assert now_and_next(round_, datetime(2025, 7, 14, 9, 20)) == {"pupuk": "next"}
    assert now_and_next(round_, datetime(2025, 7, 15, 9, 14)) == {"klu": "now"}
    assert now_and_next(round_, datetime(2025, 7, 16, 8, 0)) == {}
    session.close()


def test_now_and_next_follow_the_venues_clock_not_the_laptops(tmp_path: Path) -> None:
    """The demo round is in Nusa Tenggara Barat (WITA, UTC+8): a laptop set to any other zone
    still reads the venue's time, as the slots are written."""
    from datetime import UTC, datetime, timedelta
    from importlib import resources

    db = tmp_path / "demo.db"
    init_assessor_db(Path(str(resources.files("panel_tui") / "demo")), "a1", db)
    app = ScoringApp(session=open_database(db), now=lambda: 0.0)
    try:
        venue = app.clock()
        wita = datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=8)
        assert abs((venue - wita).total_seconds()) < 60
        assert venue.tzinfo is None  # compared with the naive slots
    finally:
        assert app.session is not None
        app.session.close()


async def test_an_overwrite_shows_old_and_new_and_u_takes_it_back(
    make_app: MakeApp, read_store: ReadStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        await pilot.press("3", "up", "2")
        await pilot.pause()
        assert "Saved: Regulasi 3 → 2" in static_text(app, "#save-status")
        await pilot.press("u")
        await pilot.pause()
        assert "Saved: Regulasi 2 → 3" in static_text(app, "#save-status")
        assert table_text(app, "#rubric")[0][2] == "3"
    with read_store() as store:
        values = [(e.criterion, e.value) for e in store.events()]
        # Taken back by a new event: the chain only grows.
        assert values == [("regulation", 3.0), ("regulation", 2.0), ("regulation", 3.0)]
        assert store.sheet("lotim").scores == {"regulation": 3}


async def test_undo_of_a_first_score_clears_it(make_app: MakeApp, read_store: ReadStore) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        await pilot.press("u")
        await pilot.pause()
        assert "Nothing to undo" in static_text(app, "#save-status")
        await pilot.press("4", "u")
        await pilot.pause()
        assert "Cleared: Regulasi (was 4)" in static_text(app, "#save-status")
    with read_store() as store:
        assert store.sheet("lotim").scores == {}
        assert len(list(store.events())) == 2


def _footer_keys(app: ScoringApp) -> dict[str, str]:
    return {
        key: binding.description
        for key, (_node, binding, _enabled, _tip) in app.screen.active_bindings.items()
        if binding.show
    }


async def test_the_footer_says_reopen_on_a_final_sheet(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        assert _footer_keys(app)["f"] == "final"
        await _finalise_lotim(pilot, app)
        await pilot.pause()
        assert _footer_keys(app)["f"] == "reopen"
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)  # f reopens, with a reason


async def test_at_80x24_the_total_levels_and_claims_are_reachable(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_nominee(pilot, "lotim")
        await pilot.press("4")
        await pilot.pause()
        assert static_text(app, "#nominee-total") == "so far 37.50 (1/3)"
        await pilot.press("up")
        await pilot.pause()
        levels = app.screen.query_one("#criterion-levels")
        detail = app.screen.query_one("#criterion-detail")
        # Every level descriptor in sight, not behind a scrollbar no key reaches.
        assert levels.region.height == 3
        assert detail.region.contains_region(levels.region)
        # First in the pane, before the guidance: the first lines are all there is room for.
        guidance = app.screen.query_one("#criterion-guidance")
        assert levels.region.y == detail.region.y + 1  # under the pane's top border
        assert guidance.region.y > levels.region.y
        claims = app.screen.query_one(ClaimsTable)
        small = claims.size.height
        await pilot.press("tab")
        await pilot.pause()
        assert claims.has_focus and claims.size.height > small
        await pilot.press("3")  # digits still score the highlighted criterion
        await pilot.pause()
        assert static_text(app, "#nominee-total").startswith("so far")
        await pilot.press("tab")
        await pilot.pause()
        assert app.screen.query_one("#rubric").has_focus


async def test_confirmations_are_on_the_status_line_not_in_notices(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_nominee(pilot, "lotim")
        await pilot.press("r")
        await pilot.pause()
        await pilot.press(*"conflict", "enter")
        await pilot.pause()
        await pilot.press("4", "left_square_bracket")
        await pilot.pause()
        assert "You are recused" in static_text(app, "#save-status") or (
            "first nominee" in static_text(app, "#save-status")
        )
        assert not app._notifications


async def test_leaving_the_full_screen_view_fits_the_claims_to_their_pane_again(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await open_nominee(pilot, "lotim")
        claims = app.screen.query_one(ClaimsTable)
        before = [column.width for column in claims.columns]
        rubric_width = app.screen.query_one("#rubric").region.width
        await pilot.press("z")
        await pilot.pause()
        await pilot.pause()
        assert [column.width for column in claims.columns] != before  # the whole width
        await pilot.press("z")
        await pilot.pause()
        await pilot.pause()
        assert [column.width for column in claims.columns] == before
        assert sum(before) + 8 <= claims.size.width
        # On screen: the Coverage column is back, the rubric has its own width again.
        assert "Coverage" in claims.render_line(0).text
        assert "0.53% of angkatan" in "\n".join(
            claims.render_line(y).text for y in range(claims.size.height)
        )
        assert app.screen.query_one("#rubric").region.width == rubric_width


async def test_question_mark_shows_the_keys_with_the_digits_once(make_app: MakeApp) -> None:
    from rich.text import Text

    from panel_tui.tui.common.keys_panel import TranslatedBindingsTable

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.pause()
        table = app.screen.query_one(TranslatedBindingsTable)
        rendered = table.render_bindings_table()
        keys = [cell.plain for cell in rendered.columns[0]._cells if isinstance(cell, Text)]
        assert "0-9" in keys
        assert not [key for key in keys if key.isdigit()]  # not 0, 2, 3… without the 1
        assert len(rendered.columns[1]._cells) == len(rendered.columns[0]._cells)


async def test_a_half_point_on_a_whole_point_scale_says_so(
    make_app: MakeApp, read_store: ReadStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        await pilot.press("plus")
        await pilot.pause()
        assert static_text(app, "#save-status") == (
            "The scale 1–5 has whole points only: nothing saved"
        )
    with read_store() as store:
        assert not list(store.events())


async def test_the_overall_comment_is_on_the_scoring_screen(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"strong [b]leader", "enter")
        await pilot.pause()
        assert static_text(app, "#save-status") == "✓ Overall comment saved"
        assert static_text(app, "#overall-comment") == "Overall comment: strong [b]leader"


def test_score_on_round_toml_points_to_the_folder(round_dir: Path) -> None:
    import pytest

    from panel_tui.domain.problems import PanelError

    with pytest.raises(PanelError) as refused:
        resolve(round_dir / "round.toml", None)
    message = str(refused.value)
    assert "not a database: give its folder" in message
    assert f"panel-tui score {round_dir}" in message


async def test_at_80x24_the_marked_claims_are_scrolled_into_view(
    demo_dir: Path, tmp_path: Path
) -> None:
    init_assessor_db(demo_dir, "a1", tmp_path / "demo.db")
    first = ScoringApp(session=open_database(tmp_path / "demo.db"), now=lambda: 0.0)
    async with first.run_test(size=(80, 24)) as pilot:
        await open_nominee(pilot, "lotim")
    # Started again, straight onto the scoring screen (the place is remembered).
    app = ScoringApp(session=open_database(tmp_path / "demo.db"), now=lambda: 0.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        claims = app.screen.query_one(ClaimsTable)
        for _step in range(5):  # every criterion of the rubric in turn
            await pilot.press("down")
            await pilot.pause()
            if not claims.linked():
                continue
            shown = [claims.render_line(y).text for y in range(1, claims.size.height)]
            assert any("▶" in line for line in shown), shown


async def test_the_language_chosen_in_the_app_is_used_at_the_next_start(
    make_app: MakeApp, db_path: Path
) -> None:
    from panel_tui.i18n import language, set_language
    from panel_tui.tui.launch import use_remembered_language

    set_language("en")
    app = make_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+l")
            await pilot.pause()
            await pilot.pause()
            assert language() == "id"
        set_language("en")  # a new start: the locale says English
        session = open_database(db_path)
        use_remembered_language(session)
        assert language() == "id"
        session.close()
    finally:
        set_language("en")


def test_a_language_given_on_the_command_line_wins(monkeypatch: object) -> None:
    import pytest

    from panel_tui.cli.group import _language_given

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.delenv("PANEL_TUI_LANG", raising=False)
    assert not _language_given(None)
    assert _language_given("en")
    monkeypatch.setenv("PANEL_TUI_LANG", "id")
    assert _language_given(None)


def _contrast_on_white(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return 1.05 / (luminance + 0.05)


async def test_the_marks_are_readable_on_the_light_theme(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "textual-light"
        await open_nominee(pilot, "lotim")
        claims = app.screen.query_one(ClaimsTable)
        styles = claims.theme_styles()
        for name in ("linked", "warning"):  # ▶ and ⚠
            colour = styles[name].color
            assert colour is not None and colour.triplet is not None
            assert _contrast_on_white(colour.triplet.hex) >= 4.5, name


async def test_a_recusal_waits_for_a_busy_database_too(
    make_app: MakeApp, read_store: ReadStore, db_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        with held_write_lock(db_path):
            await pilot.press("r")
            await pilot.pause()
            await pilot.press(*"cousin", "enter")
            await pilot.pause()
            assert isinstance(app.screen, WaitForDatabase)
            assert "Your recusal" in static_text(app, "#wait-explanation")
        await asyncio.sleep(0.8)
        await pilot.pause()
        assert "RECUSED" in static_text(app, "#nominee-name")
    with read_store() as store:
        assert store.sheet("lotim").recused


async def test_in_the_full_screen_view_esc_says_where_it_goes(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nominee(pilot, "lotim")
        assert _footer_keys(app)["escape"] == "agenda"
        await pilot.press("z")
        await pilot.pause()
        keys = _footer_keys(app)
        assert keys["escape"] == "rubric"
        assert "1" not in keys and "n" not in keys  # no scoring keys on show
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.maximized is None
        assert isinstance(app.screen, ScoringScreen)
        assert _footer_keys(app)["escape"] == "agenda"


async def test_shrunk_to_80x24_the_marked_claims_stay_in_view(
    demo_dir: Path, tmp_path: Path
) -> None:
    # The bug: rows rewrapped narrower are taller, and the old scroll offset showed other
    # claims, none of them marked.
    init_assessor_db(demo_dir, "a1", tmp_path / "demo.db")
    app = ScoringApp(session=open_database(tmp_path / "demo.db"), now=lambda: 0.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_nominee(pilot, "lotim")
        await pilot.press(*["down"] * 5)  # the last criterion: its claims are at the bottom
        await pilot.pause()
        claims = app.screen.query_one(ClaimsTable)
        assert claims.linked()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert claims.size.width == 80
        shown = [claims.render_line(y).text for y in range(1, claims.size.height)]
        assert shown[0].startswith(" ▶"), shown


async def test_at_80x24_notices_cover_neither_the_footer_nor_the_status_line(
    make_app: MakeApp, db_path: Path
) -> None:
    from textual.widgets import Footer

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_nominee(pilot, "lotim")
        # A read-only place table: remembering the place fails, which is told in a notice.
        other = sqlite3.connect(db_path, isolation_level=None)
        for when in ("INSERT", "UPDATE"):
            other.execute(
                f"CREATE TRIGGER no_{when.lower()} BEFORE {when} ON ui_state "
                "BEGIN SELECT RAISE(ABORT, 'attempt to write a readonly database'); END"
            )
        other.close()
        await pilot.press("down")
        await pilot.pause()
        await pilot.press("ctrl+l")  # "Bahasa: Bahasa Indonesia", another notice
        await pilot.pause()
        await pilot.pause()
        toasts = list(app.screen.query("Toast"))
        assert len(toasts) == 2, [t.region for t in toasts]
        footer = app.screen.query_one(Footer).region
        status = app.screen.query_one("#save-status").region
        assert footer.height == 2 and footer.y == 22 and status.y == 21
        for toast in toasts:
            assert toast.region.height > 0
            assert not toast.region.overlaps(footer), (toast.region, footer)
            assert not toast.region.overlaps(status), (toast.region, status)
