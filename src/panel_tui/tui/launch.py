"""Entry point from the command line into the app."""

from __future__ import annotations

import gc
import sys
import threading
from pathlib import Path

from panel_tui.domain.problems import PanelError
from panel_tui.i18n import LANGUAGES, _, set_language
from panel_tui.paths import demo_round_dir
from panel_tui.tui.scoring.session import (
    STATE_LANGUAGE,
    PendingRound,
    Session,
    look_for_others,
    open_database,
    open_round,
)


def resolve(
    target: Path | None, assessor: str | None
) -> tuple[Session | None, PendingRound | None]:
    """The database to open, or the round whose assessor the app asks for; PanelError if neither."""
    if target is not None and target.is_file() and _in_round_folder(target):
        raise PanelError(
            _(
                "{file} is a file of a round package, not a database: give its folder"
                " (panel-tui score {folder})"
            ).format(file=target, folder=target.parent)
        )
    if target is not None and target.is_file():
        session = open_database(target, assessor)
        look_for_others(session)
        return session, None
    folder = demo_round_dir() if target is None else target
    if not folder.is_dir():
        raise PanelError(
            _("{folder}: neither an assessor database nor a round folder").format(folder=folder)
        )
    # A round folder only: opening a database never imports the loader.
    from panel_tui.round_package.loader import load_round_or_raise

    round_, _warnings = load_round_or_raise(folder)
    if assessor is not None:
        return open_round(folder, round_, assessor), None
    return None, PendingRound(folder, round_)


ROUND_FILES = {"round.toml", "nominees.csv", "nominees.xlsx", "claims.csv", "claims.xlsx"}


def _in_round_folder(path: Path) -> bool:
    """round.toml, nominees.csv… beside a round.toml: the user meant the folder."""
    return path.name.lower() in ROUND_FILES and (path.parent / "round.toml").is_file()


def use_remembered_language(session: Session) -> None:
    """The language last chosen with ctrl+l on this database, if any."""
    remembered = session.store.get_state(STATE_LANGUAGE)
    if remembered in LANGUAGES:
        set_language(remembered)


class _Opening(threading.Thread):
    """`resolve` on a thread, while the app's modules are imported on the main one.

    Checking a database before any write (SQLite's quick_check, the snapshot's JSON) and
    reading its sheets run in SQLite's C code, which lets other threads run: on a machine
    with two cores the check is hidden behind the imports instead of added to them.
    """

    def __init__(self, target: Path | None, assessor: str | None) -> None:
        super().__init__(name="panel-tui-open", daemon=True)
        self.target, self.assessor = target, assessor
        self.result: tuple[Session | None, PendingRound | None] = (None, None)
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = resolve(self.target, self.assessor)
        except BaseException as exc:  # handed to the main thread as it is
            self.error = exc

    def outcome(self) -> tuple[Session | None, PendingRound | None]:
        self.join()
        if self.error is not None:
            raise self.error
        return self.result


def run_scoring(target: Path | None, assessor: str | None, language_given: bool = False) -> int:
    """Run the scoring app; 0 when it closes normally, 1 when the target is refused.

    Unless the language was given (--lang, PANEL_TUI_LANG), the one last chosen in the app
    with this database is used again.
    """
    opening = _Opening(target, assessor)
    opening.start()
    from panel_tui.tui.scoring.app import ScoringApp

    try:
        session, pending = opening.outcome()
    except PanelError as exc:
        print(f"panel-tui: {exc}", file=sys.stderr)
        return 1

    if session is not None and not language_given:
        use_remembered_language(session)
    # What start-up built so far (the modules, the round, its nominees) lives as long as the
    # app: the collector's full passes over it were a pause of ~19 ms in the first frame of a
    # national round, and again now and then while scoring. Frozen, it is never traversed;
    # what it holds is still freed as usual when the last reference goes.
    gc.freeze()
    app = ScoringApp(session=session, pending=pending)
    app.run()
    opened = session or app.session
    if opened is not None:
        print("panel-tui: " + _("your scores are in {path}").format(path=opened.path))
    return 0
