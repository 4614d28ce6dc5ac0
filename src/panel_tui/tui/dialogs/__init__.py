"""Modal dialogs, one per module, each a typed `ModalScreen[T]`."""

from __future__ import annotations

from collections.abc import Callable

# A dialog's words: a string, or a function giving them in the current language (so a
# dialog open during a live language switch can show them again in the new language).
Words = str | Callable[[], str]


def words(value: Words) -> str:
    return value() if callable(value) else value
