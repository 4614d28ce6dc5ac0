"""The footer of every screen: Textual's, in the reader's language, its column count left to CSS.

Binding descriptions are marked with N_() where they are declared and translated here, when
the footer is composed: after a live language switch the footer is composed again.

Textual's Footer fixes its grid to one column per key; at 80 columns the scoring screen's
keys do not fit on one line, so app.tcss wraps them onto two rows there.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer

from panel_tui.i18n import N_, _
from panel_tui.tui.common.textual_private import FooterKey, bindings_ready

# Words of Textual's own bindings that our footers and palettes show.
TEXTUAL_WORDS = (N_("palette"), N_("Open the command palette"))


class TranslatedFooter(Footer):
    """Textual's footer with the key descriptions in the reader's language."""

    # The keys the footer was last composed with (None: not yet, or in another language).
    # Textual composes the footer again whenever the screen's bindings may have changed
    # (every focus change; three times while the first screen starts, 8-13 ms each): one
    # that would come out the same is left alone.
    _shown: tuple[object, ...] | None = None

    def _keys(self) -> tuple[object, ...]:
        return tuple(
            (binding.key, binding.action, binding.description, binding.group, enabled, tooltip)
            for (_node, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show or binding.action == "app.command_palette"
        )

    async def recompose(self) -> None:
        if self._shown is not None and self.is_attached and self._keys() == self._shown:
            return
        await super().recompose()

    def compose(self) -> ComposeResult:
        self._shown = self._keys() if bindings_ready(self) else None
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.description = _(widget.description) if widget.description else ""
                if isinstance(widget.tooltip, str) and widget.tooltip:
                    widget.tooltip = _(widget.tooltip)
                if self.compact:
                    # Compact from the start, as the footer is: the key's binding to the
                    # footer's `compact` then changes nothing, and no key is styled a second
                    # time on mount (each key's CSS again, each time the footer is composed).
                    widget.set_reactive(FooterKey.compact, True)
                    widget.set_class(True, "-compact", update=False)
            yield widget

    def refresh_language(self) -> None:
        """Compose again (from the footer's own message loop) in the language just chosen."""
        self._shown = None  # the same keys, in other words
        self.call_later(self.recompose)


class PanelFooter(TranslatedFooter):
    """The scoring app's footer: compact, its columns left to app.tcss."""

    def __init__(self) -> None:
        super().__init__(compact=True)

    def compose(self) -> ComposeResult:
        yield from super().compose()
        self.styles.clear_rule("grid_size_columns")


class DialogFooter(TranslatedFooter):
    """A dialog's own keys, drawn over the footer of the screen beneath it.

    A modal dialog leaves the screen below in sight; without a footer of its own the screen's
    keys (0-9 score, n note...) would still be listed while none of them acts.
    """

    def __init__(self) -> None:
        super().__init__(compact=True)

    def on_mount(self) -> None:
        self._cover_the_footer_below()

    def on_resize(self) -> None:
        self._cover_the_footer_below()

    def _cover_the_footer_below(self) -> None:
        # As tall as the footer it covers (two rows on a narrow scoring screen).
        stack = self.app.screen_stack
        below = stack[-2] if len(stack) > 1 and stack[-1] is self.screen else None
        footers = below.query(Footer) if below is not None else None
        if footers:
            height = footers.first().outer_size.height
            if height > 1 and self.outer_size.height != height:
                self.styles.height = height
