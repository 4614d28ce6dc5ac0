"""Every private name of Textual (and Rich) that panel-tui relies on, and nowhere else.

Textual is pinned to an exact version (requirements.lock); on an upgrade, a name here may
move. tests/tui/test_textual_private.py checks each of them by itself, so an upgrade fails
at one spot that says which hook moved, not as a wrong screen somewhere in the suite.

What each is for:
- `ScrollView._size_updated` and `Widget._scroll_update`: LineTable's scrollbar is updated in
  the frame that draws its rows, and not refreshed again on layout passes that moved nothing
  (every nominee switch would otherwise cost a second frame).
- `FooterKey` (textual.widgets._footer) and `Footer._bindings_ready`: the footer's keys are
  translated one by one as the footer composes them, and a composition that would come out
  the same is skipped.
- `BindingsTable` (textual.widgets._key_panel) and Rich's `Column._cells`: the Keys panel's
  table is translated cell by cell, and the ten digit rows folded into one.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import RenderableType
from rich.table import Column
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.widgets import Footer
from textual.widgets._footer import FooterKey
from textual.widgets._key_panel import BindingsTable

__all__ = [
    "BindingsTable",
    "FooterKey",
    "QuietScrollView",
    "bindings_ready",
    "column_cells",
    "set_column_cells",
]


class QuietScrollView(ScrollView):
    """A ScrollView that redraws its scrollbar only when a size changed."""

    _sized: tuple[Size, Size, Size] | None = None

    def scrollbars_follow(self) -> None:
        """The scrollbars fitted to the virtual size now, drawn in the same frame as the
        content (not one frame later, on the next layout pass); not drawn again when their
        sizes are those they already show (a scroll moves them by itself)."""
        key = (self.size, self.virtual_size, self.container_size)
        if key == self._sized:
            return
        self._scroll_update(self.virtual_size)
        self._sized = key

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # ScrollView updates and refreshes its scrollbar on every layout pass of the screen,
        # even when neither its size nor its content changed; the refresh comes after the
        # frame being drawn and costs a second frame (every nominee switch re-lays out the
        # header and the criterion text). Skipped when nothing moved.
        key = (size, self.virtual_size, container_size)
        if key == self._sized:
            return False
        self._sized = key
        return super()._size_updated(size, virtual_size, container_size, layout)


def bindings_ready(footer: Footer) -> bool:
    """Whether the footer has read its screen's bindings yet (it composes empty before)."""
    return bool(footer._bindings_ready)


def column_cells(column: Column) -> list[RenderableType]:
    return column._cells


def set_column_cells(column: Column, cells: Sequence[RenderableType]) -> None:
    column._cells = list(cells)
