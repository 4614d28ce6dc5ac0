"""Switching the language live: Bahasa Indonesia <-> English, from the command palette (ctrl+l).

`set_language` changes what every later `_()` returns; this module then asks each open screen
to draw its words again. A screen (or dialog) that shows words implements `refresh_language`;
the footers are composed again, so the key descriptions follow.
"""

from __future__ import annotations

import inspect
from typing import Any

from textual.app import App

from panel_tui.i18n import _, language, set_language
from panel_tui.tui.common.footer import TranslatedFooter

COMMAND_TITLE = "Bahasa Indonesia / English"
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}


def other_language() -> str:
    return "en" if language() == "id" else "id"


async def switch_language(app: App[Any], code: str | None = None) -> None:
    """Set the language (by default the other one) and redraw every screen on the stack."""
    set_language(code or other_language())
    for screen in list(app.screen_stack):
        refresh = getattr(screen, "refresh_language", None)
        if callable(refresh):
            result = refresh()
            if inspect.isawaitable(result):
                await result
        for footer in screen.query(TranslatedFooter):
            footer.refresh_language()
        screen.refresh_bindings()
    app.notify(_("Language: {name}").format(name=LANGUAGE_NAMES[language()]), markup=False)
