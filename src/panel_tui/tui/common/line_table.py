"""A table drawn line by line: fixed columns, a header that stays put, a row cursor.

The scoring screen's claims and rubric are redrawn on every nominee switch while the
presenter talks, and the agenda holds a national round's 500 nominees. DataTable renders each
visible cell through Rich (padding, wrapping, cropping, a Segment list per cell), re-renders
them all whenever anything in the table changes, and builds every row's cells up front. Here a subclass says what each screen line of a row holds, as pieces of plain text
with a style, and the table only pads, crops and joins them: drawing costs the lines in view.

Subclasses call `set_columns` and `set_rows`, and implement `header_cells` and `row_cells`.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.cells import cell_len, chop_cells
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip

from panel_tui.i18n import N_
from panel_tui.tui.common.formatting import theme_colours
from panel_tui.tui.common.textual_private import QuietScrollView

_BLANKS = str.maketrans("\t\r\n", "   ")
PADDING = 1  # blank cells either side of a column's text, as DataTable draws them
_PAD = " " * PADDING
ELLIPSIS = "…"

Piece = tuple[str, Style]
Cell = list[Piece]


@dataclass(frozen=True)
class Column:
    width: int
    justify: Literal["left", "right", "center"] = "left"
    ellipsis: bool = False  # one line only: text too long ends in …


class LineTable(QuietScrollView, can_focus=True, inherit_bindings=False):
    """Rows of fixed-width columns under a fixed header, with a row cursor.

    Its own keys only: ScrollView's (scroll left/right, page left/right) do nothing in a
    table as wide as its widget and would only crowd the Keys panel.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "cursor_down", N_("Down"), show=False),
        Binding("up", "cursor_up", N_("Up"), show=False),
        Binding("pagedown", "page_down", N_("Page down"), show=False),
        Binding("pageup", "page_up", N_("Page up"), show=False),
        Binding("home", "first", N_("First row"), show=False),
        Binding("end", "last", N_("Last row"), show=False),
        Binding("enter", "select", N_("Select"), show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "line-table--header",
        "line-table--cursor",
        "line-table--cursor-blurred",
    }

    DEFAULT_CSS = """
    LineTable {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        &:focus { background-tint: $foreground 5%; }
        & > .line-table--header { text-style: bold; background: $panel; color: $foreground; }
        &:focus > .line-table--header { background-tint: $foreground 5%; }
        &:ansi > .line-table--header { background: ansi_bright_blue; color: ansi_default; }
        & > .line-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .line-table--cursor-blurred {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    # Whether the cursor row stands out while another widget has the focus.
    cursor_when_blurred: ClassVar[bool] = False

    class _RowMessage(Message):
        def __init__(self, table: LineTable, row: int) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> LineTable:
            return self.table

    class Highlighted(_RowMessage):
        """The cursor moved to `row` (a key, a click or `move_cursor`)."""

    class Selected(_RowMessage):
        """Enter, or a click on the cursor row."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.cursor_row = 0
        self.columns: list[Column] = []
        self._heights: list[int] = []
        self._tops: list[int] = []
        self._lines = 0
        self._line_base: Style | None = None
        self._themed: tuple[str, dict[str, Style]] | None = None
        self._line_width = 0

    # --- for subclasses -----------------------------------------------------------------

    def theme_styles(self) -> dict[str, Style]:
        """The styles a subclass draws with (`build_theme_styles`), worked out once a theme."""
        theme = self.app.theme
        if self._themed is None or self._themed[0] != theme:
            colours = theme_colours(self.app.theme_variables, self.app.current_theme.dark)
            self._themed = (theme, self.build_theme_styles(colours))
        return self._themed[1]

    def build_theme_styles(self, colours: dict[str, str]) -> dict[str, Style]:
        """Named styles from the theme's colours (formatting.theme_colours)."""
        return {}

    def header_cells(self) -> list[str]:
        raise NotImplementedError

    def row_cells(self, row: int, offset: int, base: Style) -> list[Cell]:
        """The pieces of each column on line `offset` of `row`, over the row's `base` style."""
        raise NotImplementedError

    def empty_cells(self, base: Style) -> list[Cell] | None:
        """What the first line says when there are no rows (None: nothing)."""
        return None

    def set_columns(self, columns: list[Column]) -> None:
        self.columns = columns

    def set_rows(self, heights: list[int]) -> None:
        """The rows' heights in lines; the cursor stays on its row where there still is one."""
        tops = []
        top = 0
        for height in heights:
            tops.append(top)
            top += height
        self._heights, self._tops, self._lines = heights, tops, top
        self.cursor_row = max(0, min(self.cursor_row, len(heights) - 1))
        width = sum(c.width + 2 * PADDING for c in self.columns)
        size = Size(width, max(1, top) + 1)  # + the header
        if self.container_size and not self._sized_by_rows():
            # A table laid out at a fixed size shows its lines in the room it has: a new
            # number of lines moves its scrollbar (below), not the widgets around it. The
            # reactive would lay out the whole screen (~11 ms, on one nominee switch in ten).
            self.set_reactive(LineTable.virtual_size, size)
        else:
            self.virtual_size = size
        if self.container_size:
            # The scrollbar follows now, drawn in the same frame as the rows (see below).
            self.scrollbars_follow()
        self.refresh()

    def _sized_by_rows(self) -> bool:
        """Whether the table's own size follows its lines (`height: auto`, the rubric; a height
        not set is taken as auto too)."""
        width, height = self.styles.width, self.styles.height
        return (width is not None and width.is_auto) or height is None or height.is_auto

    @property
    def row_count(self) -> int:
        return len(self._heights)

    # --- the cursor ---------------------------------------------------------------------

    def move_cursor(self, row: int, scroll: bool = True) -> None:
        """Put the cursor on `row` (kept in range); says so with `Highlighted` if it moved."""
        if not self._heights:
            return
        row = max(0, min(row, len(self._heights) - 1))
        moved = row != self.cursor_row
        self.cursor_row = row
        if scroll:
            self.scroll_to_row(row)
        self.refresh()
        if moved:
            self.post_message(self.Highlighted(self, row))

    def scroll_to_row(self, row: int, top: bool = False) -> None:
        """Bring `row` into view; with `top`, to the top of the view when it can be."""
        if not 0 <= row < len(self._heights):
            return
        start = self._tops[row]
        end = start + self._heights[row]
        view = max(1, self.scrollable_content_region.height - 1)  # under the header
        y = self.scroll_offset.y
        if top or start < y:
            self.scroll_to(y=start, animate=False, immediate=True)
        elif end > y + view:
            self.scroll_to(y=min(start, end - view), animate=False, immediate=True)

    def _rows_per_page(self) -> int:
        if not self._tops:
            return 1
        view = max(1, self.scrollable_content_region.height - 1)
        end = bisect_right(self._tops, self._tops[self.cursor_row] + view) - 1
        return max(1, end - self.cursor_row)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor_row + self._rows_per_page())

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor_row - self._rows_per_page())

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self._heights) - 1)

    def action_select(self) -> None:
        if 0 <= self.cursor_row < len(self._heights):
            self.post_message(self.Selected(self, self.cursor_row))

    def on_click(self, event: Click) -> None:
        line = event.y - 1 + self.scroll_offset.y  # under the header
        if event.y < 1 or not 0 <= line < self._lines:
            return
        row = bisect_right(self._tops, line) - 1
        # As in a DataTable: the first click moves the cursor, a click on it selects.
        if row == self.cursor_row and self.has_focus:
            self.action_select()
        self.move_cursor(row)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # --- drawing ------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # The widget's style and width are the same for every line of one render, and
        # working them out (a walk up the DOM) cost more than drawing the line itself.
        self._line_base = self.rich_style
        self._line_width = self.scrollable_content_region.width
        try:
            return super().render_lines(crop)
        finally:
            self._line_base = None

    def render_line(self, y: int) -> Strip:
        base = self._line_base if self._line_base is not None else self.rich_style
        width = self._line_width if self._line_base is not None else self.size.width
        if not self.columns:  # not laid out yet: it has no width until its first resize
            return Strip.blank(width, base)
        if y == 0:
            header = base + self.get_component_rich_style("line-table--header")
            return self._strip([[(text, header)] for text in self.header_cells()], header, width)
        line = y - 1 + self.scroll_offset.y
        if not self._heights:
            empty = self.empty_cells(base) if line == 0 else None
            return self._strip(empty, base, width) if empty else Strip.blank(width, base)
        if line >= self._lines:
            return Strip.blank(width, base)
        row = bisect_right(self._tops, line) - 1
        if row == self.cursor_row:
            if self.has_focus:
                base = base + self.get_component_rich_style("line-table--cursor")
            elif self.cursor_when_blurred:
                base = base + self.get_component_rich_style("line-table--cursor-blurred")
        cells = self.row_cells(row, line - self._tops[row], base)
        return self._strip(cells, base, width)

    def _strip(self, cells: list[Cell], fill: Style, width: int) -> Strip:
        """One screen line: each column's pieces, cropped or padded to the column's width.

        Runs of the same style are joined into one segment: Textual post-processes every
        segment of every line drawn (colour filters, tint), so fewer segments draw faster.
        Written out in one loop: it runs for every line in view (40 claims lines, 11 criteria
        at each nominee switch), and a helper called per piece cost a third of it.
        """
        segments: list[Segment] = []
        run: list[str] = []  # the texts of the current run, all in `run_style`
        run_style = fill
        fill_bg = fill.bgcolor
        used_total = 0
        for column, pieces in zip(self.columns, cells, strict=True):
            if pieces:
                # A tab or line break reaching the terminal would move the cursor off the grid.
                pieces = [(text.translate(_BLANKS), style) for text, style in pieces if text]
                used = sum(cell_len(text) for text, _style in pieces)
                if used > column.width:
                    pieces, used = _crop(pieces, column.width, column.ellipsis)
            else:
                used = 0
            room = column.width - used
            justify = column.justify
            left = 0 if justify == "left" else room // 2 if justify == "center" else room
            pieces = [(_PAD + " " * left, fill), *pieces, (" " * (room - left) + _PAD, fill)]
            for text, style in pieces:
                if (
                    style is not fill
                    and not text.strip()
                    and style.bgcolor == fill_bg
                    and not (style.underline or style.reverse or style.strike)
                ):
                    style = fill  # blanks show only their background
                if style is run_style or style == run_style:
                    run.append(text)
                    continue
                if run:
                    segments.append(Segment("".join(run), run_style))
                run, run_style = [text], style
            used_total += column.width + 2 * PADDING
        if used_total < width:
            blank = " " * (width - used_total)
            if run_style is fill or run_style == fill:
                run.append(blank)
            else:
                if run:
                    segments.append(Segment("".join(run), run_style))
                run, run_style = [blank], fill
        if run:
            segments.append(Segment("".join(run), run_style))
        if used_total > width:
            return Strip(segments).crop(0, width)
        return Strip(segments, max(width, used_total))


def _crop(pieces: Cell, width: int, ellipsis: bool) -> tuple[Cell, int]:
    """`pieces` cut to `width` cells, the last one an ellipsis when asked for."""
    room = width - 1 if ellipsis else width
    kept: Cell = []
    used = 0
    for text, style in pieces:
        size = cell_len(text)
        if used + size > room:
            text = chop_cells(text, max(1, room - used))[0] if room > used else ""
            if text:
                kept.append((text, style))
                used += cell_len(text)
            if ellipsis and width > 0:
                kept.append((ELLIPSIS, style))
                used += 1
            break
        kept.append((text, style))
        used += size
    return kept, used
