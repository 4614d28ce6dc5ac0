"""Reading what the app shows, for assertions."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from panel_tui.tui.app import ScoringApp


def static_text(app: ScoringApp, selector: str) -> str:
    content = app.screen.query_one(selector, Static).content
    if isinstance(content, Content | Text):
        return content.plain
    return str(content)


def table_text(app: ScoringApp, selector: str) -> list[list[str]]:
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
