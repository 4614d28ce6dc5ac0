"""The agenda: the round, where the database is, and every nominee with its status."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import DataTable, Static

from panel_tui import formatting
from panel_tui.i18n import N_, _
from panel_tui.problems import PanelError
from panel_tui.progress import (
    NomineeProgress,
    Overall,
    agenda_by_category,
    all_progress,
    overall,
)
from panel_tui.tui.fixed_table import FixedWidthTable
from panel_tui.tui.footer import PanelFooter
from panel_tui.tui.formatting import bar, slot_text, status_cell, theme_colours

if TYPE_CHECKING:
    from panel_tui.tui.app import ScoringApp

HEADER_PREFIX = "category:"


class AgendaTable(FixedWidthTable):
    """Nominees under their category headings; the cursor never rests on a heading."""

    BINDINGS = [  # noqa: RUF012
        Binding("enter", "select_cursor", N_("open"), id="agenda.open"),
        Binding("j", "cursor_down", N_("Down"), show=False, id="agenda.down"),
        Binding("k", "cursor_up", N_("Up"), show=False, id="agenda.up"),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self._last_row = 0
        self._width = 0
        self._generation = 0
        self._colours: dict[str, str] = {}
        self._wide = False
        self.rows_data: list[tuple[str, object]] = []

    def is_heading(self, row: int) -> bool:
        return 0 <= row < len(self.rows_data) and self.rows_data[row][0] == "heading"

    def nominee_at(self, row: int) -> str | None:
        if 0 <= row < len(self.rows_data) and self.rows_data[row][0] == "nominee":
            progress = self.rows_data[row][1]
            assert isinstance(progress, NomineeProgress)
            return progress.nominee.id
        return None

    def fill(self, groups: list[tuple[str, list[NomineeProgress]]], select: str | None) -> None:
        self.rows_data = []
        for title, items in groups:
            self.rows_data.append(("heading", title))
            self.rows_data.extend(("nominee", p) for p in items)
        self._rebuild(select)

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._width:
            self._rebuild(self.nominee_at(self.cursor_row))

    def _rebuild(self, select: str | None) -> None:
        self._width = self.size.width
        if self._width == 0:
            return
        wide = self._width >= 110
        available = max(40, self._width - 2)
        slot_w, status_w = 11, 20  # "⊘ mengundurkan diri"
        presenter_w = (available - slot_w - status_w) * 40 // 100 if wide else 0
        columns = 4 if wide else 3
        name_w = available - slot_w - status_w - presenter_w - 2 * columns
        self.clear(columns=True)
        self.add_column(Text(_("Slot")), width=slot_w, key="slot")
        self.add_column(Text(_("Nominee")), width=name_w, key="name")
        if wide:
            self.add_column(Text(_("Presenter")), width=presenter_w, key="presenter")
        self.add_column(Text(_("Status")), width=status_w, key="status")
        self._colours = theme_colours(self.app.theme_variables)
        self._wide = wide
        target = next(
            (
                i
                for i, (_kind, data) in enumerate(self.rows_data)
                if isinstance(data, NomineeProgress) and data.nominee.id == select
            ),
            0,
        )
        if self.is_heading(target):
            target += 1
        # The rows on screen (and the cursor's) first; the rest of a long agenda (500 rows:
        # ~40 ms) right after the first paint. The table's height counts them already.
        first = min(len(self.rows_data), target + 1 + 2 * max(self.size.height, 40))
        self._add_rows(0, first)
        self._generation += 1
        self.reserved_rows = 0
        if first < len(self.rows_data):
            self.reserved_rows = len(self.rows_data) - first
            self.call_after_refresh(self._add_rest, self._generation, first)
        self._last_row = target
        if self.row_count:
            self.move_cursor(row=min(target, self.row_count - 1), animate=False)

    def _add_rows(self, start: int, stop: int) -> None:
        colours, wide = self._colours, self._wide
        for index in range(start, stop):
            kind, data = self.rows_data[index]
            if kind == "heading":
                heading = Text(str(data), style=f"bold {colours.get('accent', '')}".strip())
                cells = [Text(""), heading] + ([Text("")] if wide else []) + [Text("")]
            else:
                assert isinstance(data, NomineeProgress)
                nominee = data.nominee
                cells = [
                    Text(slot_text(nominee)),
                    Text(nominee.name, overflow="ellipsis", no_wrap=True),
                ]
                if wide:
                    cells.append(
                        Text(nominee.presenter, overflow="ellipsis", no_wrap=True, style="dim")
                    )
                cells.append(status_cell(data, colours))
            self.add_row(*cells, key=f"{kind}:{index}")

    def _add_rest(self, generation: int, start: int) -> None:
        if generation != self._generation or not self.is_mounted:
            return  # the table was built again since
        self.reserved_rows = 0
        self._add_rows(start, len(self.rows_data))

    def watch_cursor_coordinate(self, old: object, new: object) -> None:
        super().watch_cursor_coordinate(old, new)  # type: ignore[arg-type]
        row = self.cursor_row
        if self.is_heading(row):
            step = 1 if row >= self._last_row else -1
            if row == 0:
                step = 1
            target = row + step
            if not 0 <= target < self.row_count:
                target = row - step
            if 0 <= target < self.row_count:
                self._last_row = target
                self.move_cursor(row=target, animate=False)
                return
        self._last_row = row


class AgendaScreen(Screen[None]):
    """The first screen after choosing who you are; Escape from a nominee comes back here."""

    BINDINGS = [  # noqa: RUF012
        Binding("s", "summary", N_("summary"), id="agenda.summary"),
        Binding("q", "app.quit", N_("quit"), id="agenda.quit"),
    ]

    @property
    def scoring_app(self) -> ScoringApp:
        from panel_tui.tui.app import ScoringApp

        assert isinstance(self.app, ScoringApp)
        return self.app

    def compose(self) -> ComposeResult:
        with Vertical(id="agenda-head"):
            yield Static(id="round-title")
            yield Static(id="round-info")
            yield Static(id="assessor-name")
            yield Static(id="database-path")
            yield Static(id="overall-progress")
        yield AgendaTable(id="agenda-table")
        yield PanelFooter()

    def on_mount(self) -> None:
        self._show_head()
        self.refresh_agenda(select=self.scoring_app.last_nominee())
        self.query_one(AgendaTable).focus()
        self._filled_on_mount = True

    def refresh_language(self) -> None:
        """Draw the head and the table again in the language just chosen."""
        if not self.is_mounted:
            return
        table = self.query_one(AgendaTable)
        self._show_head()
        self.refresh_agenda(select=table.nominee_at(table.cursor_row))

    def _show_head(self) -> None:
        session = self.scoring_app.session
        assert session is not None
        round_ = session.round
        self.query_one("#round-title", Static).update(Content.styled(round_.title, "bold"))
        self.query_one("#assessor-name", Static).update(
            Content.assemble(
                (_("You: "), "$text-muted"),
                (session.assessor.name, "bold"),
                (f" ({session.assessor.id})", "$text-muted"),
            )
        )
        info = [round_.venue] if round_.venue else []
        if round_.dates:
            info.append(formatting.date_range(round_.dates))
        if round_.presentation_minutes:
            info.append(
                _("{minutes} min per interview").format(minutes=round_.presentation_minutes)
            )
        self.query_one("#round-info", Static).update(Content(" · ".join(info)))
        self.query_one("#database-path", Static).update(
            Content.assemble((_("Database: "), "$text-muted"), str(session.path))
        )

    def on_screen_resume(self) -> None:
        if getattr(self, "_filled_on_mount", False):
            # The first resume follows the mount, which has just filled the agenda: reading
            # every sheet again would only double the start-up work (500 nominees: ~50 ms).
            self._filled_on_mount = False
            return
        if self.is_mounted:
            table = self.query_one(AgendaTable)
            self.refresh_agenda(select=self.scoring_app.last_nominee() or None)
            table.focus()

    def refresh_agenda(self, select: str | None = None) -> None:
        session = self.scoring_app.session
        assert session is not None
        round_ = session.round
        try:
            sheets = session.sheets()
        except PanelError as exc:
            sheets = {}
            self.notify(
                str(exc), title=_("Cannot read your scores"), severity="error", markup=False
            )
        progress = all_progress(round_, sheets)
        groups = [
            (category.title, [progress[n.id] for n in nominees])
            for category, nominees in agenda_by_category(round_)
        ]
        self.query_one(AgendaTable).fill(groups, select)
        self.query_one("#overall-progress", Static).update(self._progress_line(overall(progress)))

    def _progress_line(self, figures: Overall) -> Content:
        counts = _(
            "{scored}/{total} criteria scored · {final}/{nominees} final · {recused} recused"
        ).format(
            scored=figures.scored,
            total=figures.total,
            final=figures.final,
            nominees=figures.nominees - figures.recused,
            recused=figures.recused,
        )
        return Content.assemble(
            (_("Progress "), "bold"),
            (bar(figures.fraction, 12), "$success"),
            (f" {formatting.percent(figures.fraction * 100, 0)} ", "bold"),
            ("· ", ""),
            counts,
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one(AgendaTable)
        nominee = table.nominee_at(table.cursor_row)
        if nominee is not None:
            self.scoring_app.open_nominee(nominee)

    def action_summary(self) -> None:
        self.scoring_app.action_summary()
