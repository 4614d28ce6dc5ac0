"""redraw.show: new content without a layout pass while its size stays, with one when it changes."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.content import Content
from textual.widgets import Static

from panel_tui.tui.common.redraw import same_content, show


class _App(App[None]):
    CSS = """
    #tall { height: auto; }
    #wide { width: auto; height: 1; }
    #below { height: 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static("one line", id="tall")
        yield Static("abc", id="wide")
        yield Static("below", id="below")


def _layouts(app: _App) -> int:
    return sum(widget._layout_updates for widget in app.screen.query(Static))


async def test_same_size_is_drawn_again_without_a_layout() -> None:
    app = _App()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        tall = app.query_one("#tall", Static)
        wide = app.query_one("#wide", Static)
        before = _layouts(app)
        show(tall, Content("another line"))
        show(wide, Content("xyz"))
        await pilot.pause()
        assert _layouts(app) == before
        assert tall.render_line(0).text.startswith("another line")
        assert wide.render_line(0).text == "xyz"


async def test_a_new_height_or_width_is_laid_out() -> None:
    app = _App()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        tall = app.query_one("#tall", Static)
        wide = app.query_one("#wide", Static)
        below = app.query_one("#below", Static)
        assert below.region.y == 2
        show(tall, Content("first line\nsecond line"))
        show(wide, Content("a wider text"))
        await pilot.pause()
        assert tall.region.height == 2
        assert below.region.y == 3  # moved down: the screen was laid out again
        assert wide.region.width == len("a wider text")
        # Wrapping counts too: a long line in 40 columns takes two.
        show(tall, Content("x " * 30))
        await pilot.pause()
        assert tall.region.height == 2
        show(tall, Content("short"))
        await pilot.pause()
        assert tall.region.height == 1
        assert below.region.y == 2


async def test_the_same_content_is_left_alone_and_new_styles_are_drawn() -> None:
    app = _App()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        below = app.query_one("#below", Static)
        show(below, Content.styled("same", "bold"))
        await pilot.pause()
        shown = below.content
        show(below, Content.styled("same", "bold"))  # equal text and styles: nothing to do
        assert below.content is shown
        show(below, Content.styled("same", "italic"))  # equal text, another style: drawn
        await pilot.pause()
        assert below.content is not shown
        assert below.render_line(0).text.startswith("same")
        assert not same_content(Content("[b]x[/b]"), "[b]x[/b]")  # a str is never Content
