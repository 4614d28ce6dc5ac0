"""Translations: every user-facing string goes through `_()` (gettext style).

The language is chosen once at start-up (and can be switched live); `_()` looks the message
up at call time, so text built after a switch is in the new language.
"""

from __future__ import annotations

import gettext as _gettext

_current: _gettext.NullTranslations = _gettext.NullTranslations()
_language = "en"


def _(message: str) -> str:
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


def language() -> str:
    return _language


def set_language(code: str) -> None:
    """Switch every later `_()` to `code` ("en" or "id"); unknown codes fall back to English."""
    global _current, _language
    _language = code
    _current = _gettext.NullTranslations()
