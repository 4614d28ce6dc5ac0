"""The scoring app: agenda, scoring screen, read-back and summary over one assessor database."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, ClassVar, cast

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.containers import Center, Middle
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

# The venue's clock marks the agenda's "now" and "next" on the first screen: imported with
# the app (beside the database's checks at start-up), not in the first frame.
from panel_tui.domain.local_time import zone_of
from panel_tui.domain.model import Nominee
from panel_tui.domain.problems import PanelError
from panel_tui.i18n import N_, _, language
from panel_tui.storage.connection import DatabaseBusy
from panel_tui.tui.common.language import switch_language
from panel_tui.tui.scoring.agenda_screen import AgendaScreen
from panel_tui.tui.scoring.commands import ScoringCommands
from panel_tui.tui.scoring.session import (
    STATE_CRITERION,
    STATE_LANGUAGE,
    STATE_NOMINEE,
    STATE_SCREEN,
    PendingRound,
    Session,
    open_round,
    round_db_path,
)
from panel_tui.tui.scoring.timer import TimerState

OTHER_WRITER_CHECK = 1.0  # seconds between looks for another program's saves

# The screens after the agenda (scoring, read-back, summary, the assessor dialog) are imported
# when first shown: the first screen does not pay for them (~20 ms at start-up).

# Textual's system commands (titles and help), marked here so they are translated.
SYSTEM_WORDS = frozenset(
    {
        N_("Theme"),
        N_("Change the current theme"),
        N_("Quit"),
        N_("Quit the application as soon as possible"),
        N_("Keys"),
        N_("Hide the keys and widget help panel"),
        N_("Show help for the focused widget and a summary of available keys"),
        N_("Minimize"),
        N_("Minimize the widget and restore to normal size"),
        N_("Maximize"),
        N_("Maximize the focused widget"),
        N_("Screenshot"),
        N_("Save an SVG 'screenshot' of the current screen"),
    }
)


class ScoringApp(App[int]):
    """Give it an open Session, or a PendingRound whose assessor the first screen asks for."""

    CSS_PATH = "app.tcss"
    TITLE = "panel-tui"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]  # noqa: RUF012
    COMMANDS = App.COMMANDS | {ScoringCommands}
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("ctrl+q", "quit", N_("quit"), show=False, id="app.quit", priority=True),
        Binding(
            "ctrl+l",
            "switch_language",
            N_("language"),
            show=False,
            id="app.language",
            priority=True,  # in dialogs too: a note being typed switches with the rest
            tooltip=N_("Switch between Bahasa Indonesia and English"),
        ),
    ]

    def __init__(
        self,
        session: Session | None = None,
        pending: PendingRound | None = None,
        now: Callable[[], float] = time.monotonic,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        assert session is not None or pending is not None
        self.session = session
        self.pending = pending
        self.now = now
        # The venue's wall clock (naive local time, as the slots are written).
        self.clock: Callable[[], datetime] = clock or self._venue_now
        self.timers: dict[str, TimerState] = {}
        self._remembered: dict[str, str] = {}
        self._place: dict[str, str] = {}  # where the assessor is, not yet written
        self._state_warning_shown = False
        self._data_version: int | None = None

    def _venue_now(self) -> datetime:
        """Now on the venue's clock: the round's time zone (declared, else its province's),
        so a laptop set to another zone (a Jakarta laptop in Mataram) still finds the
        interview that is on; the laptop's own clock when the zone is unknown."""
        round_ = self.session.round if self.session is not None else None
        if round_ is not None:
            zone = zone_of(round_)
            if zone.known:
                return zone.local(datetime.now(UTC)).replace(tzinfo=None)
        return datetime.now()

    def compose(self) -> ComposeResult:
        if self.session is not None:
            return  # the agenda is the default screen (get_default_screen)
        assert self.pending is not None
        title = self.pending.round.title
        with Middle(), Center():
            yield Static(Content.styled(title, "bold"), id="welcome")

    def get_default_screen(self) -> Screen[Any]:
        # With a database given, the agenda is the first screen: no welcome screen under it
        # to compose, lay out and switch away from at start-up.
        if self.session is not None:
            return AgendaScreen()
        return super().get_default_screen()

    def on_mount(self) -> None:
        if self.session is not None:
            self._start()
        else:
            self._ask_assessor()

    def on_unmount(self) -> None:
        if self.session is not None:
            self._save_place()
            self.session.close()

    # --- choosing the assessor -------------------------------------------------------------

    def _ask_assessor(self, error: str = "") -> None:
        assert self.pending is not None
        from panel_tui.paths import data_dir
        from panel_tui.tui.dialogs.choose_assessor import ChooseAssessor

        self.push_screen(
            ChooseAssessor(self.pending.round, str(data_dir()), error), self._assessor_chosen
        )

    def _assessor_chosen(self, assessor: str | None) -> None:
        if assessor is None:
            self.exit(0)
            return
        assert self.pending is not None
        try:
            self.session = open_round(self.pending.folder, self.pending.round, assessor)
        except (PanelError, OSError, sqlite3.Error) as exc:
            path = round_db_path(self.pending.round, assessor)
            self._ask_assessor(
                _("Cannot open {path}: {error}").format(path=str(path), error=str(exc))
            )
            return
        self._start()

    # --- the session ------------------------------------------------------------------------

    def _start(self) -> None:
        session = self.session
        assert session is not None
        # The agenda names the file (and any second one): no notice to cover the keys.
        self._data_version = self._read_data_version()
        self.set_interval(OTHER_WRITER_CHECK, self._check_other_writer)
        if not isinstance(self.screen_stack[0], AgendaScreen):
            self.push_screen(AgendaScreen())
        nominee = self.last_nominee()
        if nominee and self.session_state(STATE_SCREEN) == "scoring":
            from panel_tui.tui.scoring.scoring_screen import ScoringScreen

            criterion = self.session_state(STATE_CRITERION) or None
            self.push_screen(ScoringScreen(nominee, criterion))

    # --- another copy of the app on the same file ------------------------------------------

    def _read_data_version(self) -> int | None:
        assert self.session is not None
        try:
            return self.session.store.data_version()
        except sqlite3.Error:
            return None

    def _check_other_writer(self) -> None:
        """Another panel-tui (or a command) saved into this file: show what is on disk now."""
        if self.session is None:
            return
        version = self._read_data_version()
        if version is None or version == self._data_version:
            return
        self._data_version = version
        refresh = getattr(self.screen, "refresh_from_disk", None)
        if callable(refresh):
            refresh()

    async def action_quit(self) -> None:
        """A score still waiting for its second digit is saved before the app closes."""
        from panel_tui.tui.scoring.scoring_screen import ScoringScreen

        screen = self.screen
        if isinstance(screen, ScoringScreen) and not screen.take_pending():
            return
        self.exit()

    def session_state(self, key: str) -> str:
        assert self.session is not None
        try:
            return self.session.store.get_state(key)
        except sqlite3.Error:
            return ""

    def last_nominee(self) -> str:
        """The nominee the assessor was on (if it is still in the round)."""
        assert self.session is not None
        nominee = self.session_state(STATE_NOMINEE)
        return nominee if self.session.round.nominee(nominee) is not None else ""

    def _set_state(self, key: str, value: str) -> None:
        """Remember `value` once this frame is drawn (several keys, one write)."""
        if self._remembered.get(key) == value:
            self._place.pop(key, None)
            return
        if not self._place:
            self.call_after_refresh(self._save_place)
        self._place[key] = value

    def _save_place(self) -> None:
        """Write where the assessor is. After the frame: moving is never slowed by a sync
        to disk; a crash in between loses only the place of the last key, never a score."""
        place, self._place = self._place, {}
        if not place or self.session is None:
            return
        try:
            self.session.store.set_states(place)
        except DatabaseBusy:
            # Another program is writing: the place is written on the next move instead.
            self._place = place | self._place
            return
        except (PanelError, sqlite3.Error) as exc:
            if not self._state_warning_shown:
                self._state_warning_shown = True
                self.notify(
                    _("Could not remember your place: {error}").format(error=str(exc)),
                    severity="warning",
                    markup=False,
                )
            return
        self._remembered.update(place)

    def remember(self, nominee: str, criterion: str) -> None:
        self._set_state(STATE_NOMINEE, nominee)
        self._set_state(STATE_CRITERION, criterion)
        self._set_state(STATE_SCREEN, "scoring")

    def timer_for(self, nominee: Nominee) -> TimerState:
        assert self.session is not None
        minutes = self.session.round.presentation_minutes
        if nominee.id not in self.timers:
            self.timers[nominee.id] = TimerState(minutes * 60.0 if minutes else None)
        return self.timers[nominee.id]

    # --- moving between screens ------------------------------------------------------------

    def open_nominee(self, nominee: str, criterion: str | None = None) -> None:
        from panel_tui.tui.scoring.readback_screen import ReadBackScreen
        from panel_tui.tui.scoring.scoring_screen import ScoringScreen
        from panel_tui.tui.scoring.summary_screen import SummaryScreen

        while isinstance(self.screen, SummaryScreen | ReadBackScreen):
            self.pop_screen()
        if isinstance(self.screen, ScoringScreen):
            self.screen.load(nominee, criterion)
            self.screen.rubric_table.focus()
        else:
            self.push_screen(ScoringScreen(nominee, criterion))

    def back_to_agenda(self) -> None:
        while len(self.screen_stack) > 1 and not isinstance(self.screen, AgendaScreen):
            self.pop_screen()
        self._set_state(STATE_SCREEN, "agenda")

    # --- language and the command palette ----------------------------------------------------

    async def action_switch_language(self) -> None:
        await switch_language(self)
        if self.session is not None:
            self._set_state(STATE_LANGUAGE, language())

    def action_show_help_panel(self) -> None:
        from panel_tui.tui.common.keys_panel import show_help_panel

        show_help_panel(self.screen)

    def action_command_palette(self) -> None:
        # is_open takes an App[object]; an App's result type does not matter to it.
        if self.use_command_palette and not CommandPalette.is_open(cast("App[object]", self)):
            self.push_screen(
                CommandPalette(placeholder=_("Search for commands…"), id="--command-palette")
            )

    def search_themes(self) -> None:
        from textual.theme import ThemeProvider

        self.push_screen(
            CommandPalette(providers=[ThemeProvider], placeholder=_("Search for themes…"))
        )

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's own commands (theme, quit, keys, screenshot…) in the reader's language."""
        for title, help_text, callback, discover in super().get_system_commands(screen):
            if title in SYSTEM_WORDS:
                title = _(title)
            if help_text in SYSTEM_WORDS:
                help_text = _(help_text)
            yield SystemCommand(title, help_text, callback, discover)

    def action_summary(self) -> None:
        from panel_tui.tui.scoring.summary_screen import SummaryScreen

        if self.session is not None and not isinstance(self.screen, SummaryScreen):
            self.push_screen(SummaryScreen())
