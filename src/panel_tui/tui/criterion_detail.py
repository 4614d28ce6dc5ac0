"""The highlighted criterion in full: scale, guidance, level descriptors and the note."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from panel_tui.i18n import _
from panel_tui.model import Criterion, Rubric, format_score
from panel_tui.tui.formatting import weight_text


def _line(*parts: tuple[str, str]) -> Content:
    return Content.assemble(*parts)


class CriterionDetail(VerticalScroll):
    """Scrolls when the guidance is longer than the space it has."""

    DEFAULT_CSS = """
    CriterionDetail { height: 1fr; }
    CriterionDetail > Static { width: 1fr; }
    """

    can_focus = False

    def compose(self) -> ComposeResult:
        yield Static(id="criterion-text")

    def show(
        self, criterion: Criterion | None, rubric: Rubric | None, score: float | None, note: str
    ) -> None:
        body = self.query_one("#criterion-text", Static)
        if criterion is None or rubric is None:
            body.update("")
            return
        lines: list[Content] = [
            _line(
                (criterion.title, "bold"),
                ("  ", ""),
                (
                    _("weight {weight} · scale {scale}").format(
                        weight=weight_text(criterion, rubric), scale=rubric.describe_scale()
                    ),
                    "$text-muted",
                ),
            )
        ]
        if criterion.guidance:
            lines.append(Content(criterion.guidance))
        for level, text in criterion.levels:
            is_current = score is not None and abs(score - level) < 1e-9
            marker = "▶ " if is_current else "  "
            style = "bold $accent" if is_current else ""
            lines.append(_line((f"{marker}{format_score(level):>4}  ", "bold"), (text, style)))
        if note:
            lines.append(_line((_("Note: "), "bold $secondary"), (note, "italic")))
        body.update(Content("\n").join(lines))
        self.scroll_home(animate=False)
