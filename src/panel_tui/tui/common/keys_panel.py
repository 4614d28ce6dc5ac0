"""Textual's "Keys" help panel (ctrl+p, Keys) with our key descriptions in the reader's language.

Textual draws the panel from the bindings' descriptions itself; ours are marked with N_() where
they are declared, so the panel's table is translated cell by cell when it is drawn. The keys
of Textual's own widgets (no translation in our catalog) stay as Textual writes them.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import HelpPanel, KeyPanel, Markdown

from panel_tui.i18n import _
from panel_tui.tui.common.textual_private import BindingsTable, column_cells, set_column_cells


def _translated(cell: RenderableType) -> RenderableType:
    """`description tooltip` (the tooltip dim) with both parts translated."""
    if not isinstance(cell, Text) or not cell.plain:
        return cell
    tip = next((span for span in cell.spans if str(span.style) == "dim"), None)
    if tip is None:
        description, tooltip = cell.plain, ""
    else:
        description, tooltip = cell.plain[: tip.start].rstrip(), cell.plain[tip.start : tip.end]
    text = Text(_(description) if description else "", style=cell.style, end="")
    if tooltip:
        if description:
            text.append(" ")
        text.append(_(tooltip), "dim")
    return text


def _one_digit(cell: object) -> bool:
    return isinstance(cell, Text) and len(cell.plain) == 1 and cell.plain.isdigit()


class TranslatedBindingsTable(BindingsTable):
    def render_bindings_table(self) -> Table:
        table = super().render_bindings_table()
        if len(table.columns) > 1:
            keys, descriptions = table.columns[0], table.columns[1]
            # The digit keys are one row, "0-9": Textual lists each digit's own binding too.
            key_cells, description_cells = column_cells(keys), column_cells(descriptions)
            kept = [i for i, cell in enumerate(key_cells) if not _one_digit(cell)]
            set_column_cells(keys, [key_cells[i] for i in kept])
            set_column_cells(descriptions, [_translated(description_cells[i]) for i in kept])
            table.rows = [table.rows[i] for i in kept if i < len(table.rows)]
        return table


class TranslatedKeyPanel(KeyPanel):
    def compose(self) -> ComposeResult:
        yield TranslatedBindingsTable(shrink=True, expand=False)


class TranslatedHelpPanel(HelpPanel):
    def compose(self) -> ComposeResult:
        yield Markdown(id="widget-help")
        yield TranslatedKeyPanel(id="keys-help")


def show_help_panel(screen: Screen[object]) -> None:
    """What App.action_show_help_panel does, with the translated panel."""
    try:
        screen.query_one(HelpPanel)
    except NoMatches:
        screen.mount(TranslatedHelpPanel())
