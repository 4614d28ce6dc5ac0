"""How round data is written on screen: slots, claim values, coverage, statuses, totals.

Everything returns plain `str` or `rich.text.Text` built from user text as *text*, never
markup; user-facing words go through `_()`.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from panel_tui.i18n import _
from panel_tui.model import Claim, Criterion, Nominee, NumberFormat, Rubric, format_score
from panel_tui.numbers import format_number
from panel_tui.progress import NomineeProgress

NO_SCORE = "·"
TEXT_UNITS = {"", "text", "teks"}
MONEY_UNITS = {"idr", "rp", "rupiah"}
PERCENT_UNITS = {"%", "percent", "persen"}


def slot_text(nominee: Nominee, long: bool = False) -> str:
    if nominee.slot is None:
        return ""
    if long:
        return nominee.slot.strftime("%Y-%m-%d %H:%M")
    return nominee.slot.strftime("%d/%m %H:%M")


def number(value: float, number_format: NumberFormat, decimals: int | None = None) -> str:
    return format_number(value, number_format, decimals)


def claim_value(claim: Claim, number_format: NumberFormat) -> str:
    """The value with its unit: `Rp 3.000.000.000`, `17.000 persons`, `30%`, or the text."""
    unit = claim.unit.strip()
    if claim.value is None:
        return claim.text
    if unit.lower() in TEXT_UNITS:
        return claim.text or number(claim.value, number_format)
    amount = number(claim.value, number_format)
    if unit.lower() in MONEY_UNITS:
        return f"Rp {amount}"
    if unit.lower() in PERCENT_UNITS:
        return f"{amount}%"
    return f"{amount} {unit}"


def claim_coverage(claim: Claim, number_format: NumberFormat) -> str:
    """`0,53% of angkatan kerja NTB` where a denominator is given, else what was stated."""
    share = claim.coverage
    label = claim.denominator_label.strip()
    if share is not None:
        text = f"{number(share, number_format, 2)}%"
    elif claim.percent is not None and label:
        text = _("{percent}% stated").format(percent=number(claim.percent, number_format))
    else:
        return ""
    if label:
        return _("{share} of {population}").format(share=text, population=label)
    if claim.denominator:
        return _("{share} of {denominator}").format(
            share=text, denominator=number(claim.denominator, number_format)
        )
    return text


def weight_text(criterion: Criterion, rubric: Rubric) -> str:
    total = rubric.total_weight
    share = 100.0 * criterion.weight / total if total else 0.0
    return f"{share:.0f}%"


def score_text(value: float | None) -> str:
    return NO_SCORE if value is None else format_score(value)


def total_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def status_label(progress: NomineeProgress) -> str:
    state = progress.state
    if state == "recused":
        return _("recused")
    if state == "final":
        return _("final")
    if state == "not-started":
        return _("not started")
    return _("{scored} of {total} scored").format(scored=progress.scored, total=progress.total)


def status_cell(progress: NomineeProgress, colours: dict[str, str]) -> Text:
    """The status as a table cell, coloured by the theme: final green, partial amber."""
    state = progress.state
    colour = {
        "final": colours.get("success"),
        "complete": colours.get("primary"),
        "partial": colours.get("warning"),
        "recused": colours.get("text-muted") or colours.get("secondary"),
    }.get(state)
    marker = {"final": "✔ ", "recused": "⊘ ", "complete": "● ", "partial": "◐ "}.get(state, "○ ")
    return Text(marker + status_label(progress), style=Style(color=colour) if colour else "")


def bar(fraction: float, width: int = 20) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)


def theme_colours(variables: dict[str, str]) -> dict[str, str]:
    """The theme colours that cells use, as '#rrggbb' strings Rich understands."""
    wanted = ("primary", "secondary", "accent", "warning", "error", "success", "text-muted")
    result = {}
    for name in wanted:
        value = variables.get(name, "")
        if value.startswith("#") and len(value) in (7, 9):
            result[name] = value[:7]
    return result
