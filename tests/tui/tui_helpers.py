"""Reading what the app shows, for assertions."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from panel_tui.tui.agenda_screen import AgendaTable
from panel_tui.tui.app import ScoringApp
from panel_tui.tui.claims_table import ClaimsTable
from panel_tui.tui.rubric_table import RubricTable


def static_text(app: ScoringApp, selector: str) -> str:
    content = app.screen.query_one(selector, Static).content
    if isinstance(content, Content | Text):
        return content.plain
    return str(content)


def table_text(app: ScoringApp, selector: str) -> list[list[str]]:
    widget = app.screen.query_one(selector)
    if isinstance(widget, ClaimsTable | RubricTable | AgendaTable):
        return widget.rows_text()
    table = app.screen.query_one(selector, DataTable)
    rows = []
    for index in range(table.row_count):
        rows.append(
            [
                cell.plain if isinstance(cell, Text) else str(cell)
                for cell in table.get_row_at(index)
            ]
        )
    return rows


async def open_nominee(pilot: Pilot[int], nominee: str) -> None:
    app = pilot.app
    assert isinstance(app, ScoringApp)
    app.open_nominee(nominee)
    await pilot.pause()
    await pilot.pause()


async def settle(pilot: Pilot[object]) -> None:
    """Let the screen finish drawing and drop notices, so snapshots hold no transient text."""
    await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


async def show_agenda(pilot: Pilot[object]) -> None:
    """Back on the agenda after scoring lotim once: statuses and progress are not all empty."""
    await pilot.pause()
    await open_nominee(pilot, "lotim")
    await pilot.press("4", "escape")
    await settle(pilot)


async def show_scoring(pilot: Pilot[object], note_word: str) -> None:
    """lotim with two scores and a markup-laden note, the cursor on the third criterion."""
    await open_nominee(pilot, "lotim")
    await pilot.press("4", "n")
    await pilot.pause()
    await pilot.press(*f"[/b] {note_word} [link=x]y[/link]", "enter")
    await pilot.pause()
    await pilot.press("down", "3")
    await settle(pilot)
