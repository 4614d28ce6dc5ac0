"""A DataTable whose columns all have a fixed width: new rows are not measured.

Textual's DataTable measures every cell of every new row on the next idle to find the
columns' content widths; that width is used only by auto-width columns. Our tables give every
column its width and every row its height, so the measuring (all 500 agenda rows at start-up,
every claim on each nominee switch) is work thrown away. Textual is pinned to an exact
version (pyproject.toml), so the private hook overridden here does not move under us.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets._data_table import RowKey


class FixedWidthTable(DataTable[Text]):
    # Rows of height 1 still to be added (a long table is filled after its first paint):
    # counted in the table's height so the scrollbar does not jump when they arrive.
    reserved_rows = 0

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        new_rows = list(new_rows)
        rows = self.rows
        if any(column.auto_width for column in self.columns.values()) or any(
            (row := rows.get(key)) is not None and (row.auto_height or row.label is not None)
            for key in new_rows
        ):
            super()._update_dimensions(new_rows)
            return
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header_height = self.header_height if self.show_header else 0
        self.virtual_size = Size(
            width + self._row_label_column_width,
            self._total_row_height + self.reserved_rows + header_height,
        )
