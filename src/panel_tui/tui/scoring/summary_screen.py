"""The assessor's own summary: weighted totals per nominee and what is still missing."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import DataTable, Static

from panel_tui.domain.problems import PanelError
from panel_tui.domain.progress import SummaryRow, summary
from panel_tui.i18n import N_, _
from panel_tui.tui.common.footer import PanelFooter
from panel_tui.tui.common.formatting import status_cell, theme_colours, total_text
from panel_tui.tui.scoring.host import ScoringHost, scoring_host


class SummaryTable(DataTable[Text]):
    BINDINGS = [  # noqa: RUF012
        Binding("j", "cursor_down", N_("Down"), show=False, id="summary.down"),
        Binding("k", "cursor_up", N_("Up"), show=False, id="summary.up"),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self.rows_data: list[SummaryRow] = []
        self._width = 0

    def fill(self, rows: list[SummaryRow]) -> None:
        self.rows_data = rows
        self._rebuild()

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._width:
            self._rebuild()

    def _rebuild(self) -> None:
        self._width = self.size.width
        if self._width == 0:
            return
        row = self.cursor_row
        wide = self._width >= 110
        available = max(40, self._width - 2)
        status_w, total_w = 20, 7  # "⊘ mengundurkan diri"
        category_w = 26 if wide else 0
        rest = available - status_w - total_w - category_w - 2 * (5 if wide else 4)
        name_w = max(12, rest * 45 // 100)
        missing_w = max(10, rest - name_w)
        self.clear(columns=True)
        self.add_column(Text(_("Nominee")), width=name_w, key="name")
        if wide:
            self.add_column(Text(_("Category")), width=category_w, key="category")
        self.add_column(Text(_("Status")), width=status_w, key="status")
        self.add_column(Text(_("Total"), justify="right"), width=total_w, key="total")
        self.add_column(Text(_("Missing")), width=missing_w, key="missing")
        colours = theme_colours(self.app.theme_variables, self.app.current_theme.dark)
        for item in self.rows_data:
            cells = [Text(item.progress.nominee.name)]
            if wide:
                cells.append(
                    Text(item.category.title, style="dim", overflow="ellipsis", no_wrap=True)
                )
            cells.append(status_cell(item.progress, colours))
            total = (
                Text(total_text(item.total), style="bold", justify="right")
                if item.total is not None
                else Text("—", justify="right", style="dim")
            )
            cells.append(total)
            if item.progress.recused:
                missing = Text(_("recused: not counted"), style="dim")
            elif item.progress.scored == 0:
                missing = Text(
                    _("everything ({count} criteria)").format(count=item.progress.total),
                    style="dim",
                )
            elif item.missing:
                missing = Text(", ".join(c.title for c in item.missing))
            else:
                missing = Text("")
            cells.append(missing)
            self.add_row(*cells, height=None, key=item.progress.nominee.id)
        if self.row_count:
            self.move_cursor(row=min(max(row, 0), self.row_count - 1), animate=False)


class SummaryScreen(Screen[None]):
    """Enter opens the nominee under the cursor; Escape goes back."""

    BINDINGS = [  # noqa: RUF012
        Binding("enter", "open", N_("open"), id="summary.open"),
        Binding("escape,s", "back", N_("back"), id="summary.back"),
    ]

    @property
    def scoring_app(self) -> ScoringHost:
        return scoring_host(self.app)

    def compose(self) -> ComposeResult:
        yield Static(id="summary-title")
        yield SummaryTable(id="summary-table")
        yield Static(id="summary-note")
        yield PanelFooter()

    def on_mount(self) -> None:
        self._fill()
        self.query_one(SummaryTable).focus()

    def refresh_language(self) -> None:
        if self.is_mounted:
            self._fill()

    def _fill(self) -> None:
        session = self.scoring_app.session
        assert session is not None
        try:
            sheets = session.sheets()
        except PanelError as exc:
            sheets = {}
            self.notify(
                str(exc), title=_("Cannot read your scores"), severity="error", markup=False
            )
        rows = summary(session.round, sheets)
        self.query_one("#summary-title", Static).update(
            Content.assemble(
                (_("Your summary"), "bold"),
                ("  ·  " + session.assessor.name, "$text-muted"),
            )
        )
        complete = sum(1 for r in rows if r.total is not None)
        counted = sum(1 for r in rows if not r.progress.recused)
        self.query_one("#summary-note", Static).update(
            Content(
                _(
                    "{complete} of {counted} nominees fully scored. Totals are your own "
                    "weighted scores out of 100, not the panel's result."
                ).format(complete=complete, counted=counted)
            )
        )
        self.query_one(SummaryTable).fill(rows)

    @on(DataTable.RowSelected, "#summary-table")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one(SummaryTable)
        if 0 <= table.cursor_row < len(table.rows_data):
            nominee = table.rows_data[table.cursor_row].progress.nominee.id
            self.scoring_app.open_nominee(nominee)

    def action_back(self) -> None:
        self.dismiss(None)
