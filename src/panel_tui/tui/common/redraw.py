"""Showing new content in a Static without laying out the whole screen when its size stays.

`Static.update` asks for a layout pass, and Textual then lays out and draws every widget of
the screen: a quarter of a nominee switch at 160×45, and twice a second while the interview
timer runs. Most of the scoring screen's lines keep their size from one nominee (or second)
to the next; those only need drawing again, and those whose content is the same (the pane
titles, an empty note, the paused timer) not even that.
"""

from __future__ import annotations

from textual.content import Content
from textual.visual import VisualType
from textual.widgets import Static


def show(static: Static, content: VisualType) -> None:
    """`static.update(content)`, with a layout pass only when the content's size changes,
    and nothing at all when it already shows exactly this content."""
    width = static.content_size.width
    if not static.is_mounted or width <= 0:
        static.update(content)
        return
    if same_content(static.content, content):
        # Drawing a line costs as much as drawing it anew: a nominee switch redrew some ten
        # lines that did not change (~0.3 ms each, and the screen's composition of them).
        return
    before = _content_size(static, width)
    static.update(content, layout=False)
    if _content_size(static, width) != before:
        static.refresh(layout=True)


def same_content(shown: VisualType, content: VisualType) -> bool:
    """Whether `content` would draw exactly what `shown` draws: the same text with the same
    styles. Anything but text and Content (a Rich renderable) counts as new."""
    if isinstance(shown, str) and isinstance(content, str):
        return shown == content
    if isinstance(shown, Content) and isinstance(content, Content):
        # Content's == compares the text only; is_same the styled spans too.
        return shown.is_same(content)
    return False


def _content_size(static: Static, width: int) -> tuple[int | None, int | None]:
    """The content's width and height where they follow the content (`auto`), else None."""
    styles = static.styles
    container = static.container_size
    viewport = static.app.size
    auto_width = styles.width is not None and styles.width.is_auto
    auto_height = styles.height is None or styles.height.is_auto
    content_width = static.get_content_width(container, viewport) if auto_width else None
    content_height = (
        static.get_content_height(
            container, viewport, width if content_width is None else content_width
        )
        if auto_height
        else None
    )
    return content_width, content_height
