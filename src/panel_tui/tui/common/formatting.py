"""How round data is written on screen: slots, claim values, coverage, statuses, totals.

Everything returns plain `str` or `rich.text.Text` built from user text as *text*, never
markup; user-facing words go through `_()`.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from panel_tui.domain import formatting
from panel_tui.domain.model import Claim, Criterion, Nominee, Rubric
from panel_tui.domain.progress import NomineeProgress
from panel_tui.i18n import _

NO_SCORE = "·"
TEXT_UNITS = {"", "text", "teks"}


def slot_text(nominee: Nominee, long: bool = False) -> str:
    """`14/07 09.00` in the agenda, `14 Juli 2025 09.00` on the scoring screen."""
    if nominee.slot is None:
        return ""
    return formatting.long_slot(nominee.slot) if long else formatting.short_slot(nominee.slot)


def claim_value(claim: Claim) -> str:
    """The value as the reader writes it: `Rp3 miliar`, `17.000 orang`, `30%`, or the text.

    Free text (and a text unit) is shown exactly as the nominee submitted it.
    """
    if claim.value is None or claim.unit.strip().lower() in TEXT_UNITS:
        return claim.text or formatting.claim_value(claim.value, claim.text, claim.unit)
    return formatting.claim_value(claim.value, claim.text, claim.unit)


def claim_coverage(claim: Claim) -> str:
    """`0,53% dari angkatan kerja NTB` where a denominator is given, else what was stated."""
    share = claim.coverage
    label = claim.denominator_label.strip()
    if share is not None:
        text = formatting.percent(share)
    elif claim.percent is not None:
        # A stated share is shown even when the nominee did not say of what.
        text = _("{percent} stated").format(percent=formatting.percent(claim.percent))
    else:
        return ""
    if label:
        return _("{share} of {population}").format(share=text, population=label)
    if claim.denominator:
        return _("{share} of {denominator}").format(
            share=text, denominator=formatting.number(claim.denominator)
        )
    return text


def scale_text(rubric: Rubric) -> str:
    """`1–5`, or `0–10, step 0,5` with the reader's decimal sign."""
    span = f"{score_text(rubric.min)}–{score_text(rubric.max)}"
    if rubric.step == 1:
        return span
    return _("{span}, step {step}").format(span=span, step=score_text(rubric.step))


def weight_text(criterion: Criterion, rubric: Rubric) -> str:
    total = rubric.total_weight
    share = 100.0 * criterion.weight / total if total else 0.0
    return formatting.percent(share, 0)


def score_text(value: float | None) -> str:
    """4, 3,5 / 3.5; `·` when not scored."""
    return NO_SCORE if value is None else formatting.number(value, 2)


def total_text(value: float | None) -> str:
    return "—" if value is None else formatting.fixed(value, 2)


def status_label(progress: NomineeProgress) -> str:
    state = progress.state
    if state == "recused":
        return _("recused")
    if state == "final":
        return _("final")
    if state == "not-started":
        return _("not started")
    return _("{scored} of {total} scored").format(scored=progress.scored, total=progress.total)


STATUS_MARKERS = {"final": "✔ ", "recused": "⊘ ", "complete": "● ", "partial": "◐ "}


def status_text(progress: NomineeProgress) -> str:
    """`● complete`, `◐ 3 of 6 scored`, `○ not started`…"""
    return STATUS_MARKERS.get(progress.state, "○ ") + status_label(progress)


def status_colour(state: str, colours: dict[str, str]) -> str | None:
    """The theme colour of a status: final green, complete primary, partial amber."""
    return {
        "final": colours.get("success"),
        "complete": colours.get("primary"),
        "partial": colours.get("warning"),
        "recused": colours.get("text-muted") or colours.get("secondary"),
    }.get(state)


def status_cell(progress: NomineeProgress, colours: dict[str, str]) -> Text:
    """The status as a table cell, coloured by the theme."""
    colour = status_colour(progress.state, colours)
    return Text(status_text(progress), style=Style(color=colour) if colour else "")


def bar(fraction: float, width: int = 20) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)


DARKENED_ON_LIGHT = ("accent", "warning", "success")  # amber and green on white: too faint


def theme_colours(variables: dict[str, str], dark: bool = True) -> dict[str, str]:
    """The theme colours that cells use, as '#rrggbb' strings Rich understands.

    On a light theme the amber of ▶ and ⚠ (and the green of "final") is darkened to about
    half its brightness, so it reads as text on a white background.
    """
    wanted = ("primary", "secondary", "accent", "warning", "error", "success", "text-muted")
    result = {}
    for name in wanted:
        value = variables.get(name, "")
        if value.startswith("#") and len(value) in (7, 9):
            result[name] = value[:7] if dark or name not in DARKENED_ON_LIGHT else _darker(value)
    return result


def _darker(colour: str, keep: float = 0.55) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(round(c * keep) for c in (red, green, blue)))
