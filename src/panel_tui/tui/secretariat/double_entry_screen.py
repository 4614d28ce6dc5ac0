"""Blind double entry in the secretariat screen: compare two typings of one paper sheet.

Only compares: recording stays with `panel-tui import-scores … --confirm …`, which compares
again and keeps who typed each file in the audit trail.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from panel_tui.domain.model import Round
from panel_tui.domain.problems import PanelError, Problem
from panel_tui.i18n import N_, _
from panel_tui.tui.common.footer import TranslatedFooter


class DoubleEntryScreen(Screen[None]):
    """Two file names in, every disagreement out (file, line, column, both values)."""

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("escape", "close", N_("back"), id="double_entry.close"),
    ]

    def __init__(self, round_: Round) -> None:
        super().__init__()
        self.round = round_
        self.problems: list[Problem] | None = None

    def compose(self) -> ComposeResult:
        title = Text(_("Blind double entry: compare two typings"), style="bold")
        yield Static(title, id="double-entry-title")
        yield Static(
            _(
                "Type the two files' paths (CSV or XLSX); Enter in the second compares them."
                " Nothing is recorded here."
            ),
            classes="legend",
            markup=False,
        )
        yield Input(placeholder=_("first typing, e.g. ani.csv"), id="first-typing")
        yield Input(placeholder=_("second typing, e.g. budi.csv"), id="second-typing")
        yield Static("", id="double-entry-verdict", markup=False)
        yield DataTable(id="double-entry-table", cursor_type="row", zebra_stripes=True)
        yield TranslatedFooter()

    def on_mount(self) -> None:
        table = self.query_one("#double-entry-table", DataTable)
        table.add_columns(_("file"), _("line"), _("column"), _("what differs"))
        self.query_one("#first-typing", Input).focus()

    @on(Input.Submitted, "#first-typing")
    def _to_second(self) -> None:
        self.query_one("#second-typing", Input).focus()

    @on(Input.Submitted, "#second-typing")
    def _submitted(self) -> None:
        first = self.query_one("#first-typing", Input).value.strip()
        second = self.query_one("#second-typing", Input).value.strip()
        if not first or not second:
            self._verdict(_("Type both files' paths."), error=True)
            return
        self._verdict(_("comparing …"))
        self.compare(Path(first), Path(second))

    @work(thread=True, exclusive=True)
    def compare(self, first: Path, second: Path) -> None:
        from panel_tui.assessor.score_import import compare_sheets

        for path in (first, second):
            if not path.is_file():
                message = _("{path}: no such file").format(path=path)
                self.app.call_from_thread(self._verdict, message, True)
                return
        try:
            problems = compare_sheets(first, second, self.round)
        except PanelError as exc:
            self.app.call_from_thread(self._verdict, str(exc), True)
            return
        self.app.call_from_thread(self._show, first, second, problems)

    def _verdict(self, message: str, error: bool = False) -> None:
        verdict = self.query_one("#double-entry-verdict", Static)
        verdict.update(Text(message))
        verdict.set_class(error, "-error")

    def _show(self, first: Path, second: Path, problems: list[Problem]) -> None:
        self.problems = problems
        table = self.query_one("#double-entry-table", DataTable)
        table.clear()
        table.add_rows(
            [
                (
                    Text(p.file),
                    Text("" if p.line is None else str(p.line)),
                    Text(p.field or ""),
                    Text(p.message),
                )
                for p in problems
            ]
        )
        if problems:
            self._verdict(
                _(
                    "{count} disagreement(s): correct the typing from the paper; nothing can be"
                    " recorded until the two agree."
                ).format(count=len(problems)),
                error=True,
            )
        else:
            self._verdict(
                _(
                    "{first} and {second} agree cell for cell: record them with"
                    " panel-tui import-scores DB {first} --confirm {second}"
                    " --entered-by … --confirmed-by …"
                ).format(first=first.name, second=second.name)
            )

    def action_close(self) -> None:
        self.dismiss(None)
