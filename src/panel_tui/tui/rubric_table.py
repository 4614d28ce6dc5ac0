"""The rubric: one row per criterion with its weight, the assessor's score and note."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.events import Resize

from panel_tui.i18n import N_, _
from panel_tui.model import Criterion, Rubric
from panel_tui.store import Sheet
from panel_tui.tui.fixed_table import FixedWidthTable
from panel_tui.tui.formatting import score_text, theme_colours, weight_text


class RubricTable(FixedWidthTable):
    """The criteria; j/k and the arrow keys move between them."""

    BINDINGS = [  # noqa: RUF012
        Binding("j", "cursor_down", N_("Next criterion"), show=False, id="rubric.down"),
        Binding("k", "cursor_up", N_("Previous criterion"), show=False, id="rubric.up"),
    ]

    DEFAULT_CSS = """
    RubricTable { height: auto; max-height: 100%; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self.rubric: Rubric | None = None
        self.sheet = Sheet("")
        self.failed: dict[str, float | None] = {}
        self.pending: tuple[str, str] | None = None
        self._width = 0
        self._wanted_row = 0

    @property
    def criterion(self) -> Criterion | None:
        if self.rubric is None or not self.rubric.criteria:
            return None
        index = min(max(self.cursor_row, 0), len(self.rubric.criteria) - 1)
        return self.rubric.criteria[index]

    def show_sheet(
        self,
        rubric: Rubric,
        sheet: Sheet,
        failed: dict[str, float | None],
        pending: tuple[str, str] | None = None,
        criterion: str | None = None,
    ) -> None:
        """Show `sheet`; `failed` holds scores typed but NOT saved, `pending` a typed buffer."""
        same_rubric = self.rubric is rubric
        row = self.cursor_row if same_rubric else 0
        if criterion is not None:
            ids = [c.id for c in rubric.criteria]
            row = ids.index(criterion) if criterion in ids else 0
        self.rubric = rubric
        self.sheet = sheet
        self.failed = failed
        self.pending = pending
        self._rebuild(row)

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._width and self.rubric is not None:
            self._rebuild(self.cursor_row if self._width else self._wanted_row)

    def _widths(self) -> tuple[int, int, int, int]:
        available = max(30, self.size.width - 2 - 8)
        weight, score = 4, 10
        note = max(6, available * 25 // 100)
        title = max(10, available - weight - score - note)
        return title, weight, score, note

    def _rebuild(self, row: int) -> None:
        self._width = self.size.width
        rubric = self.rubric
        if rubric is None or self._width == 0:
            self._wanted_row = row  # laid out on the first resize
            return
        self.clear(columns=True)
        title_w, weight_w, score_w, note_w = self._widths()
        self.add_column(Text(_("Criterion")), width=title_w, key="title")
        self.add_column(Text(_("Wt"), justify="right"), width=weight_w, key="weight")
        self.add_column(Text(_("Score"), justify="center"), width=score_w, key="score")
        self.add_column(Text(_("Note")), width=note_w, key="note")
        colours = theme_colours(self.app.theme_variables)
        error = Style(color=colours.get("error"), bold=True)
        pending_style = Style(color=colours.get("accent"), bold=True, italic=True)
        for criterion in rubric.criteria:
            value = self.sheet.scores.get(criterion.id)
            score = Text(score_text(value), justify="center", style="bold")
            if criterion.id in self.failed:
                tried = self.failed[criterion.id]
                shown = _("clear") if tried is None else score_text(tried)
                score = Text(
                    _("✗{score} unsaved").format(score=shown), style=error, justify="center"
                )
            if self.pending is not None and self.pending[0] == criterion.id:
                score = Text(f"{self.pending[1]}…", style=pending_style, justify="center")
            note = self.sheet.notes.get(criterion.id, "")
            self.add_row(
                Text(criterion.title, overflow="ellipsis", no_wrap=True),
                Text(weight_text(criterion, rubric), justify="right"),
                score,
                Text(note.replace("\n", " "), overflow="ellipsis", no_wrap=True, style="italic"),
                key=criterion.id,
            )
        row = min(max(row, 0), len(rubric.criteria) - 1)
        self.move_cursor(row=row, animate=False)
