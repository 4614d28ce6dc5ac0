"""The agenda's overall progress: a bar and the counts, on one line at any width.

The counts grow with the round ("0/5.000 nilai terisi · 0/500 final · 0 mengundurkan diri"):
at 80 columns a national round's line would wrap and push the agenda down a row. The bar,
which repeats what the percentage says, gives way first.
"""

from __future__ import annotations

from textual.content import Content
from textual.events import Resize
from textual.widgets import Static

from panel_tui.domain import formatting
from panel_tui.domain.progress import Overall
from panel_tui.i18n import _
from panel_tui.tui.common.formatting import bar

BAR_WIDTH = 12
SHORTEST_BAR = 4


class ProgressLine(Static):
    """The overall progress of the assessor's sheets (`show`), drawn again for a new width."""

    figures: Overall | None = None

    def show(self, figures: Overall) -> None:
        self.figures = figures
        self._draw()

    def on_resize(self, event: Resize) -> None:
        self._draw()

    def _draw(self) -> None:
        if self.figures is not None:
            self.update(progress_text(self.figures, self.size.width))


def progress_text(figures: Overall, width: int) -> Content:
    """The line for `width` columns (0: not laid out yet, the whole bar)."""
    label = _("Progress ")
    percent = f" {formatting.percent(figures.fraction * 100, 0)} "
    counts = _(
        "{scored}/{total} criteria scored · {final}/{nominees} final · {recused} recused"
    ).format(
        scored=figures.scored,
        total=figures.total,
        final=figures.final,
        nominees=figures.nominees - figures.recused,
        recused=figures.recused,
    )
    room = (width or 1_000) - len(label) - len(percent) - len("· ") - len(counts)
    if room >= SHORTEST_BAR:
        return Content.assemble(
            (label, "bold"),
            (bar(figures.fraction, min(BAR_WIDTH, room)), "$success"),
            (percent, "bold"),
            ("· ", ""),
            counts,
        )
    return Content.assemble((label.rstrip(), "bold"), (percent, "bold"), ("· ", ""), counts)
