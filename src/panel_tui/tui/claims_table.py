"""The nominee's submitted claims as a table; the claims of the current criterion stand out."""

from __future__ import annotations

from dataclasses import replace
from io import StringIO

from rich.cells import cell_len
from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.events import Resize

from panel_tui.claim_checks import claim_warnings
from panel_tui.i18n import N_, _
from panel_tui.model import Claim, Criterion
from panel_tui.tui.fixed_table import FixedWidthTable
from panel_tui.tui.formatting import claim_coverage, claim_value, theme_colours

MARK_LINKED = "▶"
MARK_WARNING = "⚠"


def checked_claims(claims: list[Claim]) -> list[Claim]:
    """One nominee's claims with their warnings written now, in the reader's language.

    The warnings kept in the database's snapshot are in the language of the day it was made.
    """
    return claim_warnings([replace(c, warnings=()) if c.warnings else c for c in claims])


class ClaimsTable(FixedWidthTable):
    """Claims with wrapped cells; column widths follow the widget's width."""

    BINDINGS = [  # noqa: RUF012
        Binding("j", "cursor_down", N_("Down"), show=False, id="claims.down"),
        Binding("k", "cursor_up", N_("Up"), show=False, id="claims.up"),
    ]

    DEFAULT_CSS = """
    ClaimsTable { height: 1fr; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self.claims: list[Claim] = []
        self.criterion: Criterion | None = None
        self._width = 0
        # (value, coverage, height) per claim index at the current width: kept while only
        # the highlighted criterion changes, so moving between criteria re-wraps nothing.
        self._cells: dict[int, tuple[str, str, int]] = {}
        self._cells_width = 0

    def show_claims(self, claims: list[Claim]) -> None:
        """Show another nominee's claims, keeping the highlighted criterion.

        The scoring screen calls `highlight_for` right after; when the criterion is the same
        (the usual case: the first criterion of the same rubric) the table is built once.
        """
        self.claims = claims
        self._cells.clear()
        self._rebuild(scroll=True)

    def relabel(self) -> None:
        """Build the cells again: the reader's language (numbers, words) has changed."""
        self._cells.clear()
        self._rebuild(scroll=False)

    def highlight_for(self, criterion: Criterion | None) -> None:
        """Mark the claims linked to `criterion` and bring the first of them into view."""
        if criterion == self.criterion:
            return
        self.criterion = criterion
        self._rebuild(scroll=True)

    def on_mount(self) -> None:
        self.show_cursor = False  # the ▶ marks speak; a cursor only while the table has focus

    def on_focus(self) -> None:
        self.show_cursor = True

    def on_blur(self) -> None:
        self.show_cursor = False

    def linked(self) -> list[Claim]:
        if self.criterion is None:
            return []
        return [c for c in self.claims if self.criterion.links_claim(c.key)]

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._width:
            self._rebuild(scroll=self._width == 0)

    def _widths(self) -> tuple[int, int, int, int]:
        available = max(30, self.size.width - 2 - 8)  # scrollbar, cell padding of 4 columns
        marker = 2
        longest = max((len(claim_coverage(c)) for c in self.claims), default=0)
        coverage = min(max(10, longest), max(12, available * 24 // 100))
        value = max(12, (available - coverage) * 45 // 100)
        label = max(10, available - marker - coverage - value)
        return marker, label, value, coverage

    def _rebuild(self, scroll: bool) -> None:
        self._width = self.size.width
        if self._width == 0:
            return
        row = self.cursor_row
        self.clear(columns=True)
        marker, label, value, coverage = self._widths()
        if self._cells_width != self._width:
            self._cells.clear()
            self._cells_width = self._width
        self.add_column(Text(""), width=marker, key="mark")
        self.add_column(Text(_("Claim")), width=label, key="label")
        self.add_column(Text(_("Value")), width=value, key="value")
        self.add_column(Text(_("Coverage")), width=coverage, key="coverage")
        colours = theme_colours(self.app.theme_variables)
        accent = Style(color=colours.get("accent"), bold=True)
        warn = Style(color=colours.get("warning"))
        any_linked = bool(self.linked())
        first_linked: int | None = None
        if not self.claims:
            self.add_row(
                Text(""), Text(_("No claims submitted"), style="italic"), Text(""), Text("")
            )
            return
        for index, claim in enumerate(self.claims):
            is_linked = self.criterion is not None and self.criterion.links_claim(claim.key)
            if is_linked and first_linked is None:
                first_linked = index
            base = accent if is_linked else Style(dim=any_linked)
            mark = Text(MARK_LINKED if is_linked else " ", style=accent)
            if claim.warnings:
                mark.append(MARK_WARNING, style=warn)
            label_cell = Text(claim.label, style=base)
            if claim.part_of:
                label_cell = Text("  ↳ ", style=base) + label_cell
            for warning in claim.warnings:
                label_cell.append("\n" + MARK_WARNING + " " + warning, style=warn)
            cached = self._cells.get(index)
            if cached is None:
                value_text = claim_value(claim)
                coverage_text = claim_coverage(claim)
                height = max(
                    _lines(label_cell, label),
                    _lines(Text(value_text), value),
                    _lines(Text(coverage_text), coverage),
                )
                cached = self._cells[index] = (value_text, coverage_text, height)
            value_text, coverage_text, height = cached
            self.add_row(
                mark,
                label_cell,
                Text(value_text, style=base),
                Text(coverage_text, style=base),
                height=height,
                key=f"{index}:{claim.key}",
            )
        if scroll and first_linked is not None:
            self.move_cursor(row=first_linked, animate=False, scroll=False)
            # Row heights are known only after the next layout: scroll then.
            self.call_after_refresh(self._show_row, first_linked)
        elif row < self.row_count:
            self.move_cursor(row=row, animate=False, scroll=False)

    def _show_row(self, row: int) -> None:
        if row < self.row_count:
            self.scroll_to(y=self._row_top(row), animate=False)

    def _row_top(self, row: int) -> int:
        """Where `row` starts, counted from the top of the rows (under the header)."""
        return sum(r.height for r in self.ordered_rows[:row])


def _lines(text: Text, width: int) -> int:
    """The lines `text` wraps to in a column `width` cells wide, as DataTable renders it.

    Giving DataTable the height saves it rendering every cell of every row (not only those
    on screen) to measure it: switching nominees went from ~100 ms to ~50 ms at 60 claims.
    """
    plain = text.plain
    if "\n" not in plain and cell_len(plain) <= width:
        return 1
    return max(1, len(text.wrap(_CONSOLE, width)))


# Wrapping needs only a console's defaults (tab size, no terminal): one for all tables.
_CONSOLE = Console(width=1000, file=StringIO(), color_system=None, legacy_windows=False)
