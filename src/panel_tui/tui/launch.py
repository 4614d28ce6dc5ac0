"""Entry point from the command line into the app."""

from __future__ import annotations

import sys
from pathlib import Path

from panel_tui.i18n import _
from panel_tui.problems import PanelError
from panel_tui.tui.session import (
    PendingRound,
    Session,
    demo_round_dir,
    open_database,
    open_round,
)


def resolve(
    target: Path | None, assessor: str | None
) -> tuple[Session | None, PendingRound | None]:
    """The database to open, or the round whose assessor the app asks for; PanelError if neither."""
    if target is not None and target.is_file():
        return open_database(target, assessor), None
    folder = demo_round_dir() if target is None else target
    if not folder.is_dir():
        raise PanelError(
            _("{folder}: neither an assessor database nor a round folder").format(folder=folder)
        )
    # A round folder only: opening a database never imports the loader.
    from panel_tui.loader import load_round_or_raise

    round_, _warnings = load_round_or_raise(folder)
    if assessor is not None:
        return open_round(folder, round_, assessor), None
    return None, PendingRound(folder, round_)


def run_scoring(target: Path | None, assessor: str | None) -> int:
    """Run the scoring app; 0 when it closes normally, 1 when the target is refused."""
    try:
        session, pending = resolve(target, assessor)
    except PanelError as exc:
        print(f"panel-tui: {exc}", file=sys.stderr)
        return 1
    from panel_tui.tui.app import ScoringApp

    app = ScoringApp(session=session, pending=pending)
    app.run()
    opened = session or app.session
    if opened is not None:
        print("panel-tui: " + _("your scores are in {path}").format(path=opened.path))
    return 0
