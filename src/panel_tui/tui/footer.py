"""The footer of every screen: Textual's, but its column count is left to the stylesheet.

Textual's Footer fixes its grid to one column per key; at 80 columns the scoring screen's
keys do not fit on one line, so app.tcss wraps them onto two rows there.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer


class PanelFooter(Footer):
    def __init__(self) -> None:
        super().__init__(compact=True)

    def compose(self) -> ComposeResult:
        yield from super().compose()
        self.styles.clear_rule("grid_size_columns")
