"""Translations: every user-facing string goes through `_()` (gettext style).

The language comes from `--lang`, else PANEL_TUI_LANG, else the locale (LANG=id_ID… gives
Indonesian), else English. `_()` looks the message up at call time, so text built after a
live switch is in the new language. Catalogs are gettext .mo files compiled from the .po
files in panel_tui/locale (see docs/translating.md).
"""

from __future__ import annotations

import gettext as _gettext
import os
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "id")
DOMAIN = "panel_tui"
LOCALE_DIR = Path(__file__).parent / "locale"

_current: _gettext.NullTranslations = _gettext.NullTranslations()
_language = "en"


def _(message: str) -> str:
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; translate it with _() when shown."""
    return message


def language() -> str:
    return _language


def resolve_language(flag: str | None = None, environ: dict[str, str] | None = None) -> str:
    """--lang, else PANEL_TUI_LANG, else LC_ALL/LC_MESSAGES/LANG, else English."""
    env = os.environ if environ is None else environ
    for candidate in (flag, env.get("PANEL_TUI_LANG")):
        if candidate:
            code = candidate.strip().lower().replace("-", "_").split("_")[0]
            return code if code in LANGUAGES else "en"
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            code = value.split(".")[0].lower().replace("-", "_").split("_")[0]
            return "id" if code in ("id", "in") else "en"
    return "en"


@cache
def _translations(code: str) -> _gettext.NullTranslations:
    if code == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)


def set_language(code: str) -> None:
    """Switch every later `_()` to `code`; unknown codes fall back to English."""
    global _current, _language
    _language = code if code in LANGUAGES else "en"
    _current = _translations(_language)
