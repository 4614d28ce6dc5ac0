"""The canary for Textual upgrades: each private name tui/common/textual_private.py relies on, checked
by itself, so that a Textual (or Rich) that moved one fails here and says which."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import Reactive
from textual.scroll_view import ScrollView
from textual.widget import Widget
from textual.widgets import Footer, KeyPanel

import panel_tui
from panel_tui.tui.common.textual_private import (
    BindingsTable,
    FooterKey,
    QuietScrollView,
    bindings_ready,
    column_cells,
    set_column_cells,
)


def test_scroll_view_size_hook_has_the_signature_quiet_scroll_view_overrides() -> None:
    hook = inspect.signature(ScrollView._size_updated)
    assert list(hook.parameters) == ["self", "size", "virtual_size", "container_size", "layout"]
    assert inspect.signature(QuietScrollView._size_updated).parameters.keys() == (
        hook.parameters.keys()
    )
    assert list(inspect.signature(Widget._scroll_update).parameters) == ["self", "virtual_size"]


async def test_quiet_scroll_view_skips_a_layout_pass_that_moved_nothing() -> None:
    class Viewer(QuietScrollView):
        updates = 0

        def on_mount(self) -> None:
            self.virtual_size = Size(10, 100)

        def _scroll_update(self, virtual_size: Size) -> None:
            self.updates += 1
            super()._scroll_update(virtual_size)

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield Viewer()

    app = Host()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        viewer = app.query_one(Viewer)
        viewer.scrollbars_follow()
        assert viewer.show_vertical_scrollbar  # 100 lines in a 10-line window
        # A container size ScrollView always takes for a change (its own excludes the
        # scrollbar): the scrollbar is updated once, not on every pass that repeats it.
        size = viewer.size
        container = Size(size.width + 1, size.height)
        before = viewer.updates
        viewer._size_updated(size, viewer.virtual_size, container)
        viewer._size_updated(size, viewer.virtual_size, container)
        assert viewer.updates == before + 1


async def test_footer_keys_and_their_readiness() -> None:
    class Host(App[None]):
        BINDINGS = [Binding("x", "bell", "ring")]  # noqa: RUF012

        def compose(self) -> ComposeResult:
            yield Footer()

    app = Host()
    footer = Footer()
    assert bindings_ready(footer) is False
    assert isinstance(Footer.__dict__["_bindings_ready"], Reactive)
    async with app.run_test() as pilot:
        await pilot.pause()
        footer = app.query_one(Footer)
        assert bindings_ready(footer) is True
        keys = list(footer.query(FooterKey))
        assert [key.description for key in keys if key.key == "x"] == ["ring"]
        assert isinstance(FooterKey.__dict__["compact"], Reactive)


def test_rich_columns_keep_their_cells_in_a_list() -> None:
    table = Table()
    table.add_column("key")
    table.add_row(Text("1"))
    table.add_row(Text("2"))
    column = table.columns[0]
    assert [str(cell) for cell in column_cells(column)] == ["1", "2"]
    set_column_cells(column, [Text("0-9")])
    assert [str(cell) for cell in column.cells] == ["0-9"]


def test_the_keys_panel_draws_a_bindings_table() -> None:
    assert issubclass(BindingsTable, Widget)
    assert callable(BindingsTable.render_bindings_table)
    assert "compose" in KeyPanel.__dict__


def test_no_other_module_imports_a_private_module_of_textual_or_rich() -> None:
    # import-linter sees an external package as one module, so this is checked here.
    root = Path(panel_tui.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.name == "textual_private.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                parts = name.split(".")
                if parts[0] in {"textual", "rich"} and any(p.startswith("_") for p in parts):
                    found.append(f"{path.relative_to(root)}:{node.lineno}: {name}")
    assert not found, (
        "private modules imported outside tui/common/textual_private.py: " + ", ".join(found)
    )
