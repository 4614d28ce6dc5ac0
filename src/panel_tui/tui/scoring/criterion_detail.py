"""The highlighted criterion in full: scale, guidance, level descriptors and the note."""

from __future__ import annotations

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from panel_tui.domain.model import Criterion, Rubric
from panel_tui.i18n import _, language
from panel_tui.tui.common.formatting import scale_text, score_text, theme_colours, weight_text
from panel_tui.tui.common.redraw import show


class CriterionDetail(VerticalScroll):
    """Scrolls when the guidance is longer than the space it has."""

    DEFAULT_CSS = """
    CriterionDetail { height: 1fr; }
    CriterionDetail > Static { width: 1fr; }
    """

    can_focus = False

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        # What the levels grid was drawn from: a Rich table cannot be compared with the next
        # one, and the next nominee's first criterion is often the same as this one's.
        self._levels_drawn: tuple[object, ...] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="criterion-text")
        yield Static(id="criterion-levels")
        yield Static(id="criterion-guidance")
        yield Static(id="criterion-note")
        yield Static(id="overall-comment")

    def show(
        self,
        criterion: Criterion | None,
        rubric: Rubric | None,
        score: float | None,
        note: str,
        comment: str = "",
    ) -> None:
        text = self.query_one("#criterion-text", Static)
        levels = self.query_one("#criterion-levels", Static)
        guidance = self.query_one("#criterion-guidance", Static)
        note_widget = self.query_one("#criterion-note", Static)
        show(
            self.query_one("#overall-comment", Static),
            Content.assemble((_("Overall comment: "), "bold $secondary"), (comment, "italic"))
            if comment
            else "",
        )
        if criterion is None or rubric is None:
            for widget in (text, levels, guidance, note_widget):
                show(widget, "")
            self._levels_drawn = None
            return
        heading = Content.assemble(
            (criterion.title, "bold"),
            ("  ", ""),
            (
                _("weight {weight} · scale {scale}").format(
                    weight=weight_text(criterion, rubric), scale=scale_text(rubric)
                ),
                "$text-muted",
            ),
        )
        show(text, heading)
        # The levels come before the guidance: they are what a score is given against, and
        # at 80x24 the first lines are all there is room for.
        show(guidance, Content(criterion.guidance) if criterion.guidance else "")
        self._show_levels(levels, criterion, score)
        show(
            note_widget,
            Content.assemble((_("Note: "), "bold $secondary"), (note, "italic")) if note else "",
        )
        self.scroll_home(animate=False)

    def _show_levels(self, levels: Static, criterion: Criterion, score: float | None) -> None:
        # Levels as a grid, so a long descriptor wraps under itself, not under the score.
        colours = theme_colours(self.app.theme_variables, self.app.current_theme.dark)
        # The levels' text is round data; the current level's mark, the number's spelling
        # (the language) and the accent colour are all that can change it.
        current_levels = [
            score is not None and abs(score - level) < 1e-9 for level, _text in criterion.levels
        ]
        drawn = (criterion.levels, current_levels, language(), colours.get("accent"))
        if drawn == self._levels_drawn and levels.is_mounted:
            return
        self._levels_drawn = drawn
        accent = Style(color=colours.get("accent"), bold=True)
        grid = Table.grid(padding=(0, 1))
        grid.add_column(justify="right", no_wrap=True)
        grid.add_column(ratio=1)
        for (level, descriptor), current in zip(criterion.levels, current_levels, strict=True):
            grid.add_row(
                Text(("▶ " if current else "  ") + score_text(level), style="bold"),
                Text(descriptor, style=accent if current else ""),
            )
        show(levels, grid if criterion.levels else "")
