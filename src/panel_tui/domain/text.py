"""What user text may hold: the one home of the bidirectional-control and storable-text rules.

Names, notes and reasons are shown on screens and printed in the minutes; a bidirectional
control character (U+202E and its kin) makes text show in another order than it is stored,
so the round package reader and the store both refuse it, with this message.
"""

from __future__ import annotations

import re

from panel_tui.i18n import _

# A regex character class body: Arabic letter mark, LRM/RLM, the embeddings and overrides,
# and the isolates.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"


def bidi_message(char: str) -> str:
    return _(
        "contains the bidirectional control character U+{code:04X}, which makes text show in"
        " another order than it is stored: remove it"
    ).format(code=ord(char))


_BIDI_CONTROL = re.compile(f"[{BIDI_CONTROLS}]")
# Control characters a terminal acts on (NUL is stored and shown as nothing; tab and line
# breaks are text), and the bidirectional controls that reorder what is shown.
_TERMINAL_CONTROL = re.compile(f"[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f{BIDI_CONTROLS}]")


def first_bidi_control(text: str) -> str | None:
    """The first bidirectional control character in `text`, if any."""
    found = _BIDI_CONTROL.search(text)
    return found.group() if found is not None else None


def storable(text: str) -> bool:
    """True when `text` can be written as UTF-8 (no lone surrogates from a broken paste) and
    holds no terminal control character (ESC, CSI…) that would reach a terminal later."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return _TERMINAL_CONTROL.search(text) is None


def field_problem(field: str, text: str) -> str | None:
    """Why `text`, given for `field` (its name as the reader knows it: "note", "--entered-by"),
    cannot be stored (a bidirectional control, a terminal control, a lone surrogate); None when
    it can."""
    bidi = first_bidi_control(text)
    if bidi is not None:
        return _("the {field} {problem}").format(field=field, problem=bidi_message(bidi))
    if not storable(text):
        return _(
            "the {field} has characters that cannot be saved (a broken paste?): retype it"
        ).format(field=field)
    return None


def control_message(match: re.Match[str]) -> str:
    """Why a control character found by a reader's pattern is refused (a bidirectional
    control gets `bidi_message`)."""
    if _BIDI_CONTROL.fullmatch(match.group()):
        return bidi_message(match.group())
    return _(
        "contains the control character U+{code:04X}, which is not text "
        "(it could change what a terminal shows): remove it"
    ).format(code=ord(match.group()))


def visible_controls(text: str) -> str:
    """`text` with each character `storable` refuses written as its code (`<U+001B>`): text
    from outside the audit chain and the round (a file name in the merge ledger) is printed
    in the minutes, and must never act on the terminal they are printed to."""
    if _TERMINAL_CONTROL.search(text) is None:
        return text
    return _TERMINAL_CONTROL.sub(lambda found: f"<U+{ord(found.group()):04X}>", text)
