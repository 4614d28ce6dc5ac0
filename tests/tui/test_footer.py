"""The footer is composed again only when the keys it shows change."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widget import Widget

from panel_tui.tui.common.footer import PanelFooter
from panel_tui.tui.common.textual_private import FooterKey


class _Pane(Widget, can_focus=True):
    DEFAULT_CSS = "_Pane { height: 3; }"


class _Left(_Pane):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("a", "noop", "add")]


class _Right(_Pane):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("b", "noop", "back")]


class _FooterApp(App[None]):
    def compose(self) -> ComposeResult:
        yield _Left(id="left")
        yield _Right(id="right")
        yield PanelFooter()

    def action_noop(self) -> None:
        pass


def _keys(app: _FooterApp) -> list[FooterKey]:
    return list(app.screen.query_one(PanelFooter).query(FooterKey))


async def test_the_same_keys_keep_the_footer_and_other_keys_compose_it_again() -> None:
    app = _FooterApp()
    async with app.run_test(size=(80, 10)) as pilot:
        app.query_one("#left").focus()
        await pilot.pause()
        shown = _keys(app)
        assert [k.description for k in shown if k.key in "ab"] == ["add"]

        # Bindings "changed" but the keys are the same: the very same key widgets stay.
        app.screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert _keys(app) == shown
        assert all(key.is_attached for key in shown)

        # Other keys: composed again.
        app.query_one("#right").focus()
        await pilot.pause()
        await pilot.pause()
        keys = _keys(app)
        assert [k.description for k in keys if k.key in "ab"] == ["back"]
        assert not any(key.is_attached for key in shown)
