"""The nominee's submitted claims as a table; the claims of the current criterion stand out.

A line-API widget rather than a DataTable: switching nominees puts ~60 new claims on screen
while the presenter talks, and DataTable renders every visible cell through Rich (padding,
wrapping, cropping) after each switch. Here each claim is wrapped once per width into plain
lines, and a screen line is a handful of segments cut from those: the switch costs what the
wrapping costs, and drawing costs only the lines in view.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace

from rich.cells import cell_len, chop_cells
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.events import Click, Resize
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from panel_tui.claim_checks import claim_warnings
from panel_tui.i18n import N_, _
from panel_tui.model import Claim, Criterion
from panel_tui.tui.formatting import claim_coverage, claim_value, theme_colours

MARK_LINKED = "▶"
MARK_WARNING = "⚠"
PART_OF = "  ↳ "
PADDING = 1  # blank cells either side of a column's text, as DataTable draws them


def checked_claims(claims: list[Claim]) -> list[Claim]:
    """One nominee's claims with their warnings written now, in the reader's language.

    The warnings kept in the database's snapshot are in the language of the day it was made.
    """
    return claim_warnings([replace(c, warnings=()) if c.warnings else c for c in claims])


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` cells, broken between words where it can be.

    Each `\\n` starts a line; a word longer than the column is cut. Leading spaces of a
    paragraph are kept (the `↳` indent of a part claim).
    """
    width = max(1, width)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if cell_len(paragraph) <= width:
            lines.append(paragraph)
            continue
        stripped = paragraph.lstrip(" ")
        line = paragraph[: len(paragraph) - len(stripped)]
        used = cell_len(line)
        for word in stripped.split():
            size = cell_len(word)
            gap = 1 if used > 0 and line.strip() else 0
            if used + gap + size <= width:
                line += " " * gap + word
                used += gap + size
                continue
            if line.strip():
                lines.append(line)
                line, used = "", 0
            if size <= width:
                line, used = word, size
                continue
            *whole, rest = chop_cells(word, width)
            lines.extend(whole)
            line, used = rest, cell_len(rest)
        lines.append(line)
    return lines


@dataclass(frozen=True)
class _Layout:
    """One claim wrapped at the current column widths."""

    label: tuple[str, ...]
    warnings: tuple[str, ...]  # the warnings' lines, under the label
    value: tuple[str, ...]
    coverage: tuple[str, ...]
    height: int


class ClaimsTable(ScrollView, can_focus=True):
    """Claims with wrapped cells under a fixed header; column widths follow the widget's width."""

    BINDINGS = [  # noqa: RUF012
        Binding("down,j", "cursor_down", N_("Down"), show=False, id="claims.down"),
        Binding("up,k", "cursor_up", N_("Up"), show=False, id="claims.up"),
        Binding("pagedown", "page_down", N_("Page down"), show=False),
        Binding("pageup", "page_up", N_("Page up"), show=False),
        Binding("home", "first", N_("First claim"), show=False),
        Binding("end", "last", N_("Last claim"), show=False),
        Binding("enter", "select", N_("Show the claim's source"), show=False),
    ]

    COMPONENT_CLASSES = {  # noqa: RUF012
        "claims-table--header",
        "claims-table--cursor",
    }

    DEFAULT_CSS = """
    ClaimsTable {
        height: 1fr;
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        &:focus { background-tint: $foreground 5%; }
        & > .claims-table--header { text-style: bold; background: $panel; color: $foreground; }
        &:focus > .claims-table--header { background-tint: $foreground 5%; }
        &:ansi > .claims-table--header { background: ansi_bright_blue; color: ansi_default; }
        & > .claims-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    class Selected(Message):
        """Enter (or a click) on a claim."""

        def __init__(self, table: ClaimsTable, claim: Claim) -> None:
            super().__init__()
            self.table = table
            self.claim = claim

        @property
        def control(self) -> ClaimsTable:
            return self.table

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.claims: list[Claim] = []
        self.criterion: Criterion | None = None
        self.cursor_row = 0
        self._linked: frozenset[int] = frozenset()
        self._width = 0
        self._widths: tuple[int, int, int, int] = (2, 10, 12, 10)
        # Wrapped claims at the current width, and where each starts (in lines): kept while
        # only the highlighted criterion changes, so moving between criteria re-wraps nothing.
        self._layouts: list[_Layout] = []
        self._tops: list[int] = []
        self._theme_styles: tuple[str, Style, Style] | None = None

    # --- what the scoring screen calls --------------------------------------------------

    def show_claims(self, claims: list[Claim]) -> None:
        """Show another nominee's claims, keeping the highlighted criterion.

        The scoring screen calls `highlight_for` right after; when the criterion is the same
        (the usual case: the first criterion of the same rubric) nothing is laid out twice.
        """
        self.claims = claims
        self.cursor_row = 0
        self._linked = self._linked_to(self.criterion)
        self._lay_out()
        self._show_first_linked()

    def relabel(self) -> None:
        """Lay the claims out again: the reader's language (numbers, words) has changed."""
        self._lay_out()

    def highlight_for(self, criterion: Criterion | None) -> None:
        """Mark the claims linked to `criterion` and bring the first of them into view."""
        if criterion == self.criterion:
            return
        self.criterion = criterion
        self._linked = self._linked_to(criterion)
        self._show_first_linked()
        self.refresh()

    def linked(self) -> list[Claim]:
        return [self.claims[i] for i in sorted(self._linked)]

    def rows_text(self) -> list[list[str]]:
        """Each claim's cells as plain text (mark, claim with its warnings, value, coverage)."""
        rows = []
        for index, claim in enumerate(self.claims):
            mark = (MARK_LINKED if index in self._linked else " ") + (
                MARK_WARNING if claim.warnings else ""
            )
            label = (PART_OF if claim.part_of else "") + claim.label
            label += "".join(f"\n{MARK_WARNING} {w}" for w in claim.warnings)
            rows.append([mark, label, claim_value(claim), claim_coverage(claim)])
        return rows

    # --- layout -------------------------------------------------------------------------

    def _linked_to(self, criterion: Criterion | None) -> frozenset[int]:
        if criterion is None:
            return frozenset()
        return frozenset(i for i, c in enumerate(self.claims) if criterion.links_claim(c.key))

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._width:
            first = self._width == 0
            self._lay_out()
            if first:
                self._show_first_linked()

    def _column_widths(self) -> tuple[int, int, int, int]:
        available = max(30, self._width - 2 - 8)  # scrollbar, padding of 4 columns
        marker = 2
        longest = max((cell_len(claim_coverage(c)) for c in self.claims), default=0)
        coverage = min(max(10, longest), max(12, available * 24 // 100))
        value = max(12, (available - coverage) * 45 // 100)
        label = max(10, available - marker - coverage - value)
        return marker, label, value, coverage

    def _lay_out(self) -> None:
        self._width = self.size.width
        if self._width == 0:
            return
        self._widths = _marker, label, value, coverage = self._column_widths()
        layouts: list[_Layout] = []
        tops: list[int] = []
        top = 0
        for claim in self.claims:
            label_lines = wrap((PART_OF if claim.part_of else "") + claim.label, label)
            warning_lines = [
                line for w in claim.warnings for line in wrap(f"{MARK_WARNING} {w}", label)
            ]
            value_lines = wrap(claim_value(claim), value)
            coverage_lines = wrap(claim_coverage(claim), coverage)
            height = max(
                len(label_lines) + len(warning_lines), len(value_lines), len(coverage_lines)
            )
            layouts.append(
                _Layout(
                    tuple(label_lines),
                    tuple(warning_lines),
                    tuple(value_lines),
                    tuple(coverage_lines),
                    height,
                )
            )
            tops.append(top)
            top += height
        self._layouts, self._tops = layouts, tops
        self.virtual_size = Size(self._width, max(1, top) + 1)  # + the header
        self.refresh()

    # --- moving -------------------------------------------------------------------------

    def _show_first_linked(self) -> None:
        if self._linked and self._layouts:
            first = min(self._linked)
            self.cursor_row = first
            self.scroll_to(y=self._tops[first], animate=False, immediate=True)
        elif not self.claims:
            self.scroll_to(y=0, animate=False, immediate=True)

    def _move_to(self, row: int) -> None:
        if not self.claims:
            return
        self.cursor_row = max(0, min(row, len(self.claims) - 1))
        self._scroll_to_cursor()
        self.refresh()

    def _scroll_to_cursor(self) -> None:
        if not self._layouts:
            return
        top = self._tops[self.cursor_row]
        bottom = top + self._layouts[self.cursor_row].height
        view = max(1, self.scrollable_content_region.height - 1)  # under the header
        y = self.scroll_offset.y
        if top < y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif bottom > y + view:
            self.scroll_to(y=min(top, bottom - view), animate=False, immediate=True)

    def _rows_per_page(self) -> int:
        view = max(1, self.scrollable_content_region.height - 1)
        y = self._tops[self.cursor_row] if self._tops else 0
        end = bisect_right(self._tops, y + view) - 1
        return max(1, end - self.cursor_row)

    def action_cursor_down(self) -> None:
        self._move_to(self.cursor_row + 1)

    def action_cursor_up(self) -> None:
        self._move_to(self.cursor_row - 1)

    def action_page_down(self) -> None:
        self._move_to(self.cursor_row + self._rows_per_page())

    def action_page_up(self) -> None:
        self._move_to(self.cursor_row - self._rows_per_page())

    def action_first(self) -> None:
        self._move_to(0)

    def action_last(self) -> None:
        self._move_to(len(self.claims) - 1)

    def action_select(self) -> None:
        if 0 <= self.cursor_row < len(self.claims):
            self.post_message(self.Selected(self, self.claims[self.cursor_row]))

    def on_click(self, event: Click) -> None:
        line = event.y - 1 + self.scroll_offset.y  # under the header
        if event.y < 1 or not self._tops or line >= self._tops[-1] + self._layouts[-1].height:
            return
        row = bisect_right(self._tops, line) - 1
        # As in a DataTable: the first click moves the cursor, a click on it selects.
        if row == self.cursor_row and self.has_focus:
            self.action_select()
        self._move_to(row)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # --- drawing ------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            header = base + self.get_component_rich_style("claims-table--header")
            cells = ["", _("Claim"), _("Value"), _("Coverage")]
            return self._strip([[(text, header)] for text in cells], header, width)
        line = y - 1 + self.scroll_offset.y
        if not self.claims:
            if line == 0:
                empty = [[], [(_("No claims submitted"), base + Style(italic=True))], [], []]
                return self._strip(empty, base, width)
            return Strip.blank(width, base)
        row = bisect_right(self._tops, line) - 1
        if row < 0 or line >= self._tops[row] + self._layouts[row].height:
            return Strip.blank(width, base)
        return self._row_line(row, line - self._tops[row], base, width)

    def _row_line(self, row: int, offset: int, base: Style, width: int) -> Strip:
        layout = self._layouts[row]
        accent, warn = self._mark_styles()
        if row == self.cursor_row and self.has_focus:
            base = base + self.get_component_rich_style("claims-table--cursor")
        linked = row in self._linked
        text_style = base + (accent if linked else Style(dim=bool(self._linked)))
        mark: list[tuple[str, Style]] = []
        if offset == 0:
            mark.append((MARK_LINKED if linked else " ", base + accent))
            if self.claims[row].warnings:
                mark.append((MARK_WARNING, base + warn))
        label: list[tuple[str, Style]] = []
        if offset < len(layout.label):
            label.append((layout.label[offset], text_style))
        elif offset - len(layout.label) < len(layout.warnings):
            label.append((layout.warnings[offset - len(layout.label)], base + warn))
        cells = [
            mark,
            label,
            [(layout.value[offset], text_style)] if offset < len(layout.value) else [],
            [(layout.coverage[offset], text_style)] if offset < len(layout.coverage) else [],
        ]
        return self._strip(cells, base, width)

    def _mark_styles(self) -> tuple[Style, Style]:
        """The linked claims' accent and the warnings' colour, worked out once per theme."""
        theme = self.app.theme
        if self._theme_styles is None or self._theme_styles[0] != theme:
            colours = theme_colours(self.app.theme_variables)
            accent = Style(color=colours.get("accent"), bold=True)
            self._theme_styles = (theme, accent, Style(color=colours.get("warning")))
        return self._theme_styles[1], self._theme_styles[2]

    def _strip(self, cells: list[list[tuple[str, Style]]], fill: Style, width: int) -> Strip:
        """One screen line: each column's pieces, padded to the column's width."""
        segments: list[Segment] = []
        pad = " " * PADDING
        for column_width, pieces in zip(self._widths, cells, strict=True):
            segments.append(Segment(pad, fill))
            used = 0
            for text, style in pieces:
                if used + cell_len(text) > column_width:
                    text = chop_cells(text, column_width - used)[0] if column_width > used else ""
                segments.append(Segment(text, style))
                used += cell_len(text)
            segments.append(Segment(" " * (column_width - used) + pad, fill))
        return Strip(segments).crop_extend(0, width, fill)
