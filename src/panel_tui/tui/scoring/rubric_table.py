"""The rubric: one row per criterion with its weight, the assessor's score and note."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from textual.binding import Binding
from textual.events import Resize

from panel_tui.domain.model import Criterion, Rubric
from panel_tui.domain.sheet import Sheet
from panel_tui.i18n import N_, _
from panel_tui.tui.common.formatting import score_text, weight_text
from panel_tui.tui.common.line_table import Cell, Column, LineTable


class RubricTable(LineTable):
    """The criteria; j/k and the arrow keys move between them, Enter scores one."""

    BINDINGS = [  # noqa: RUF012
        Binding("j", "cursor_down", N_("Next criterion"), show=False, id="rubric.down"),
        Binding("k", "cursor_up", N_("Previous criterion"), show=False, id="rubric.up"),
    ]

    DEFAULT_CSS = """
    RubricTable { height: auto; max-height: 100%; }
    """

    # The current criterion stays marked while the claims have the keys (zoomed claims).
    cursor_when_blurred: ClassVar[bool] = True

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.rubric: Rubric | None = None
        self.sheet = Sheet("")
        self.failed: dict[str, float | None] = {}
        self.pending: tuple[str, str] | None = None
        self._width = 0

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
        """Show `sheet`; `failed` holds scores typed but NOT saved, `pending` a typed buffer.

        The cursor goes to `criterion` (or stays, on the same rubric) without a
        `Highlighted` message: the caller knows which criterion it asked for.
        """
        if self.rubric is not rubric:
            self.cursor_row = 0
        if criterion is not None:
            ids = [c.id for c in rubric.criteria]
            self.cursor_row = ids.index(criterion) if criterion in ids else 0
        self.rubric = rubric
        self.sheet = sheet
        self.failed = failed
        self.pending = pending
        self._lay_out()
        self.scroll_to_row(self.cursor_row)

    def rows_text(self) -> list[list[str]]:
        """Each criterion's cells as plain text (title, weight, score, note)."""
        if self.rubric is None:
            return []
        return [
            ["".join(text for text, _style in cell) for cell in self._cells(c, Style())]
            for c in self.rubric.criteria
        ]

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._width:
            self._lay_out()
            self.scroll_to_row(self.cursor_row)

    def _lay_out(self) -> None:
        self._width = self.size.width
        available = max(30, self._width - 2 - 8)  # scrollbar, padding of 4 columns
        weight, score = 4, 10
        note = max(6, available * 25 // 100)
        title = max(10, available - weight - score - note)
        self.set_columns(
            [
                Column(title, ellipsis=True),
                Column(weight, justify="right"),
                Column(score, justify="center"),
                Column(note, ellipsis=True),
            ]
        )
        self.set_rows([1] * len(self.rubric.criteria) if self.rubric else [])

    # --- drawing ------------------------------------------------------------------------

    def header_cells(self) -> list[str]:
        return [_("Criterion"), _("Wt"), _("Score"), _("Note")]

    def row_cells(self, row: int, offset: int, base: Style) -> list[Cell]:
        assert self.rubric is not None
        return self._cells(self.rubric.criteria[row], base)

    def _cells(self, criterion: Criterion, base: Style) -> list[Cell]:
        assert self.rubric is not None
        styles = self.theme_styles()
        error, pending_style = styles["unsaved"], styles["typed"]
        value = self.sheet.scores.get(criterion.id)
        score: Cell = [(score_text(value), base + Style(bold=True))]
        if criterion.id in self.failed:
            tried = self.failed[criterion.id]
            shown = _("clear") if tried is None else score_text(tried)
            score = [(_("✗{score} unsaved").format(score=shown), base + error)]
        if self.pending is not None and self.pending[0] == criterion.id:
            score = [(f"{self.pending[1]}…", base + pending_style)]
        note = self.sheet.notes.get(criterion.id, "")
        return [
            [(criterion.title, base)],
            [(weight_text(criterion, self.rubric), base)],
            score,
            [(note, base + Style(italic=True))] if note else [],
        ]

    def build_theme_styles(self, colours: dict[str, str]) -> dict[str, Style]:
        return {
            "unsaved": Style(color=colours.get("error"), bold=True),
            "typed": Style(color=colours.get("accent"), bold=True, italic=True),
        }
