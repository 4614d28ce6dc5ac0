"""The footer of every screen: Textual's, in the reader's language, its column count left to CSS.

Binding descriptions are marked with N_() where they are declared and translated here, when
the footer is composed: after a live language switch the footer is composed again.

Textual's Footer fixes its grid to one column per key; at 80 columns the scoring screen's
keys do not fit on one line, so app.tcss wraps them onto two rows there.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from panel_tui.i18n import N_, _

# Words of Textual's own bindings that our footers and palettes show.
TEXTUAL_WORDS = (N_("palette"), N_("Open the command palette"))


class TranslatedFooter(Footer):
    """Textual's footer with the key descriptions in the reader's language."""

    def compose(self) -> ComposeResult:
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
        self.call_later(self.recompose)


class PanelFooter(TranslatedFooter):
    """The scoring app's footer: compact, its columns left to app.tcss."""

    def __init__(self) -> None:
        super().__init__(compact=True)

    def compose(self) -> ComposeResult:
        yield from super().compose()
        self.styles.clear_rule("grid_size_columns")
