"""The nominee's submitted claims as a table; the claims of the current criterion stand out.

Each claim is wrapped once per width (and once per language) into plain lines; moving
between criteria only restyles them. The neighbours in the agenda can be laid out ahead
(`lay_out_ahead`, while the assessor listens), so [ and ] only draw. Drawing is
`LineTable`'s: only the lines in view.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.cells import cell_len, chop_cells
from rich.style import Style
from textual.binding import Binding
from textual.events import Resize

from panel_tui.domain.claim_checks import claim_warnings
from panel_tui.domain.model import Claim, Criterion
from panel_tui.i18n import N_, _, language
from panel_tui.tui.common.formatting import claim_coverage, claim_value
from panel_tui.tui.common.line_table import Cell, Column, LineTable

MARK_LINKED = "▶"
MARK_WARNING = "⚠"
PART_OF = "  ↳ "


def checked_claims(claims: list[Claim]) -> list[Claim]:
    """One nominee's claims with their warnings written now, in the reader's language.

    The warnings kept in the database's snapshot are in the language of the day it was made.
    """
    return claim_warnings([replace(c, warnings=()) if c.warnings else c for c in claims])


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` cells, broken between words where it can be.

    Each line break starts a line and a tab is a space (as in a cell, tab stops mean nothing);
    a word longer than the column is cut. Leading spaces of a paragraph are kept (the `↳`
    indent of a part claim).
    """
    width = max(1, width)
    lines: list[str] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
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


@dataclass(frozen=True)
class _LaidOut:
    """One nominee's claims laid out at a width, in a language: all a layout depends on."""

    claims: list[Claim]
    width: int
    language: str
    columns: list[Column]
    layouts: list[_Layout]


KEPT_LAYOUTS = 3  # the nominee shown and its two neighbours in the agenda


class ClaimsTable(LineTable):
    """Claims with wrapped cells under a fixed header; column widths follow the widget's width."""

    BINDINGS = [  # noqa: RUF012
        Binding("j", "cursor_down", N_("Down"), show=False, id="claims.down"),
        Binding("k", "cursor_up", N_("Up"), show=False, id="claims.up"),
        Binding("home", "first", N_("First claim"), show=False),
        Binding("end", "last", N_("Last claim"), show=False),
        Binding("enter", "select", N_("Show the claim's source"), show=False),
    ]

    DEFAULT_CSS = """
    ClaimsTable { height: 1fr; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.claims: list[Claim] = []
        self.criterion: Criterion | None = None
        self._linked: frozenset[int] = frozenset()
        self._width = 0
        # The claims wrapped at the current width: kept while only the highlighted criterion
        # changes, so moving between criteria re-wraps nothing.
        self._layouts: list[_Layout] = []
        # Layouts made ahead or shown last, by nominee: the round's claims never change
        # while the app runs, so one is good while its width and language are.
        self._laid_out: dict[str, _LaidOut] = {}
        self._nominee = ""

    # --- what the scoring screen calls --------------------------------------------------

    def show_claims(self, claims: list[Claim], nominee: str = "") -> None:
        """Show another nominee's claims, keeping the highlighted criterion.

        The scoring screen calls `highlight_for` right after; when the criterion is the same
        (the usual case: the first criterion of the same rubric) nothing is laid out twice.
        A layout of `nominee`'s claims made ahead is used when it is of these very claims
        at this width and in this language.
        """
        self.claims = claims
        self._nominee = nominee
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

    def fit_width(self) -> None:
        """Lay out again if the width changed without a Resize reaching this widget (leaving
        the full-screen view does that): the columns always fit the pane they are in."""
        if self.size.width != self._width:
            self._lay_out()
            self._show_first_linked()

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._width:
            first = self._width == 0
            self._lay_out()
            if first:
                self._show_first_linked()
            elif self._layouts:
                # Rows wrapped anew have other heights: the old offset would show other claims.
                self.scroll_to_row(self.cursor_row, top=True)

    @staticmethod
    def _column_widths(coverages: list[str], width: int) -> tuple[int, int, int, int]:
        available = max(30, width - 2 - 8)  # scrollbar, padding of 4 columns
        marker = 2
        longest = max((cell_len(text) for text in coverages), default=0)
        coverage = min(max(10, longest), max(12, available * 24 // 100))
        value = max(12, (available - coverage) * 45 // 100)
        label = max(10, available - marker - coverage - value)
        return marker, label, value, coverage

    def lay_out_ahead(self, nominee: str, claims: list[Claim]) -> None:
        """Lay out `nominee`'s claims now at the current width, to be shown later without
        the work (a layout is most of what a nominee switch computes)."""
        width = self.size.width
        if width == 0 or self._usable(nominee, claims, width) is not None:
            return
        self._keep(nominee, self._laid_out_at(claims, width))

    def _usable(self, nominee: str, claims: list[Claim], width: int) -> _LaidOut | None:
        found = self._laid_out.get(nominee) if nominee else None
        if (
            found is not None
            and found.width == width
            and found.language == language()
            and found.claims == claims  # the same claims (a copy of them is as good)
        ):
            return found
        return None

    def _keep(self, nominee: str, laid_out: _LaidOut) -> None:
        if not nominee:
            return
        self._laid_out.pop(nominee, None)
        self._laid_out[nominee] = laid_out  # the newest last
        # The oldest go first; never the one on screen.
        extra = len(self._laid_out) - KEPT_LAYOUTS
        for old in [n for n in self._laid_out if n not in (nominee, self._nominee)][:extra]:
            del self._laid_out[old]

    def _lay_out(self) -> None:
        self._width = self.size.width
        if self._width == 0:
            return
        laid_out = self._usable(self._nominee, self.claims, self._width)
        if laid_out is None:
            laid_out = self._laid_out_at(self.claims, self._width)
            self._keep(self._nominee, laid_out)
        self.set_columns(laid_out.columns)
        self._layouts = laid_out.layouts
        self.set_rows([layout.height for layout in laid_out.layouts])

    def _laid_out_at(self, claims: list[Claim], width: int) -> _LaidOut:
        coverages = [claim_coverage(c) for c in claims]
        marker, label, value, coverage = self._column_widths(coverages, width)
        columns = [Column(marker), Column(label), Column(value), Column(coverage)]
        layouts: list[_Layout] = []
        for claim, coverage_text in zip(claims, coverages, strict=True):
            label_lines = wrap((PART_OF if claim.part_of else "") + claim.label, label)
            warning_lines = [
                line for w in claim.warnings for line in wrap(f"{MARK_WARNING} {w}", label)
            ]
            value_lines = wrap(claim_value(claim), value)
            coverage_lines = wrap(coverage_text, coverage)
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
        return _LaidOut(claims, width, language(), columns, layouts)

    def _show_first_linked(self) -> None:
        if self._linked and self._layouts:
            self.cursor_row = min(self._linked)
            self.scroll_to_row(self.cursor_row, top=True)
        elif not self.claims:
            self.scroll_to(y=0, animate=False, immediate=True)

    # --- drawing ------------------------------------------------------------------------

    def header_cells(self) -> list[str]:
        return ["", _("Claim"), _("Value"), _("Coverage")]

    def empty_cells(self, base: Style) -> list[Cell]:
        return [[], [(_("No claims submitted"), base + Style(italic=True))], [], []]

    def row_cells(self, row: int, offset: int, base: Style) -> list[Cell]:
        layout = self._layouts[row]
        styles = self.theme_styles()
        accent, warn = styles["linked"], styles["warning"]
        linked = row in self._linked
        text_style = base + (accent if linked else Style(dim=bool(self._linked)))
        mark: Cell = []
        if offset == 0:
            mark.append((MARK_LINKED if linked else " ", base + accent))
            if self.claims[row].warnings:
                mark.append((MARK_WARNING, base + warn))
        label: Cell = []
        if offset < len(layout.label):
            label.append((layout.label[offset], text_style))
        elif offset - len(layout.label) < len(layout.warnings):
            label.append((layout.warnings[offset - len(layout.label)], base + warn))
        return [
            mark,
            label,
            [(layout.value[offset], text_style)] if offset < len(layout.value) else [],
            [(layout.coverage[offset], text_style)] if offset < len(layout.coverage) else [],
        ]

    def build_theme_styles(self, colours: dict[str, str]) -> dict[str, Style]:
        return {
            "linked": Style(color=colours.get("accent"), bold=True),
            "warning": Style(color=colours.get("warning")),
        }
