"""The agenda: the round, where the database is, and every nominee with its status."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Static

from panel_tui.domain import formatting
from panel_tui.domain.problems import PanelError
from panel_tui.domain.progress import (
    NomineeProgress,
    agenda_by_category,
    now_and_next,
    overall,
    progress_from_counts,
)
from panel_tui.i18n import N_, _
from panel_tui.tui.common.footer import PanelFooter
from panel_tui.tui.common.formatting import slot_text, status_colour, status_text
from panel_tui.tui.common.line_table import Cell, Column, LineTable
from panel_tui.tui.scoring.host import ScoringHost, scoring_host
from panel_tui.tui.scoring.progress_line import ProgressLine

HEADER_PREFIX = "category:"
CLOCK_CHECK = 30.0  # seconds between looks at the clock for "now" and "next"


class AgendaTable(LineTable):
    """Nominees under their category headings; the cursor never rests on a heading.

    A `LineTable`: a national round's 500 rows cost nothing until they are scrolled into
    view, so the agenda is whole from its first frame.
    """

    BINDINGS = [  # noqa: RUF012
        Binding("enter", "select", N_("open"), id="agenda.open"),
        Binding("j", "cursor_down", N_("Down"), show=False, id="agenda.down"),
        Binding("k", "cursor_up", N_("Up"), show=False, id="agenda.up"),
    ]

    DEFAULT_CSS = """
    AgendaTable { height: 1fr; }
    """

    cursor_when_blurred: ClassVar[bool] = True

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._width = 0
        self._wide = False
        self._select: str | None = None
        self.rows_data: list[tuple[str, object]] = []
        self.moments: dict[str, str] = {}  # nominee id -> "now" / "next", from the clock

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
        self._select = select
        self._lay_out()

    def rows_text(self) -> list[list[str]]:
        """Each row's cells as plain text (headings too)."""
        return [
            ["".join(text for text, _style in cell) for cell in self.row_cells(row, 0, Style())]
            for row in range(len(self.rows_data))
        ]

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._width:
            self._select = self.nominee_at(self.cursor_row) if self._width else self._select
            self._lay_out()

    def _lay_out(self) -> None:
        self._width = self.size.width
        if self._width == 0:
            return  # laid out on the first resize
        wide = self._width >= 110
        available = max(40, self._width - 2)
        slot_w, status_w = 11, 20  # "⊘ mengundurkan diri"
        presenter_w = (available - slot_w - status_w) * 40 // 100 if wide else 0
        columns = 4 if wide else 3
        name_w = available - slot_w - status_w - presenter_w - 2 * columns
        self._wide = wide
        layout = [Column(slot_w), Column(name_w, ellipsis=True)]
        if wide:
            layout.append(Column(presenter_w, ellipsis=True))
        layout.append(Column(status_w))
        self.set_columns(layout)
        self.set_rows([1] * len(self.rows_data))
        target = next(
            (
                i
                for i, (_kind, data) in enumerate(self.rows_data)
                if isinstance(data, NomineeProgress) and data.nominee.id == self._select
            ),
            0,
        )
        if self.is_heading(target):
            target += 1
        self.cursor_row = min(target, max(0, len(self.rows_data) - 1))
        self.scroll_to_row(self.cursor_row)

    def move_cursor(self, row: int, scroll: bool = True) -> None:
        """As LineTable's, stepping over a heading in the direction of the move."""
        wanted = row
        if self.is_heading(row):
            step = 1 if row >= self.cursor_row and row != 0 else -1
            if row == 0:
                step = 1
            row += step
            if not 0 <= row < len(self.rows_data):
                row = wanted - step
        super().move_cursor(row, scroll)
        if scroll and wanted != row:
            self.scroll_to_row(wanted)  # the heading stepped over stays in view

    # --- drawing ------------------------------------------------------------------------

    def header_cells(self) -> list[str]:
        head = [_("Slot"), _("Nominee")]
        if self._wide:
            head.append(_("Presenter"))
        return [*head, _("Status")]

    def row_cells(self, row: int, offset: int, base: Style) -> list[Cell]:
        kind, data = self.rows_data[row]
        styles = self.theme_styles()
        if kind == "heading":
            cells: list[Cell] = [[], [(str(data), base + styles["heading"])]]
            return cells + ([[]] if self._wide else []) + [[]]
        assert isinstance(data, NomineeProgress)
        nominee = data.nominee
        name: Cell = [(nominee.name, base)]
        moment = self.moments.get(nominee.id)
        if moment:
            # Before the name: an ellipsis at the end of a long name never hides it.
            word = _("now") if moment == "now" else _("next")
            name.insert(0, (f"{word} ▸ ", base + styles["moment"]))
        cells = [[(slot_text(nominee), base)], name]
        if self._wide:
            cells.append([(nominee.presenter, base + Style(dim=True))])
        cells.append([(status_text(data), base + styles.get(data.state, Style()))])
        return cells

    def build_theme_styles(self, colours: dict[str, str]) -> dict[str, Style]:
        styles = {
            "heading": Style(bold=True, color=colours.get("accent")),
            "moment": Style(bold=True, color=colours.get("success")),
        }
        for state in ("final", "complete", "partial", "recused"):
            colour = status_colour(state, colours)
            if colour:
                styles[state] = Style(color=colour)
        return styles


class AgendaScreen(Screen[None]):
    """The first screen after choosing who you are; Escape from a nominee comes back here."""

    BINDINGS = [  # noqa: RUF012
        Binding("s", "summary", N_("summary"), id="agenda.summary"),
        Binding("q", "app.quit", N_("quit"), id="agenda.quit"),
        Binding(
            "question_mark",
            "app.show_help_panel",
            N_("keys"),
            show=False,
            id="agenda.keys",
            tooltip=N_("Show every key of this screen"),
        ),
    ]

    @property
    def scoring_app(self) -> ScoringHost:
        return scoring_host(self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="agenda-head"):
            yield Static(id="round-title")
            yield Static(id="round-info")
            yield Static(id="assessor-name")
            yield Static(id="database-path")
            yield Static(id="other-databases")
            yield ProgressLine(id="overall-progress")
        yield AgendaTable(id="agenda-table")
        yield PanelFooter()

    def on_mount(self) -> None:
        self._show_head()
        self.set_interval(CLOCK_CHECK, self._show_moments)
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
        opened = _("created just now") if session.created else _("opened")
        self.query_one("#database-path", Static).update(
            Content.assemble(
                (_("Database: "), "$text-muted"),
                str(session.path),
                (f" ({opened})", "$text-muted"),
            )
        )
        others = self.query_one("#other-databases", Static)
        others.display = bool(session.others)
        if session.others:
            others.update(
                Content(
                    "⚠ "
                    + _(
                        "Another database of this round for you exists: {paths}."
                        " Scores typed there are not in this file; score in one only."
                    ).format(paths=", ".join(str(p) for p in session.others))
                )
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

    def _show_moments(self) -> None:
        """The clock moved on: which interview is on now, and which is next."""
        session = self.scoring_app.session
        assert session is not None
        table = self.query_one(AgendaTable)
        moments = now_and_next(session.round, self.scoring_app.clock())
        if moments != table.moments:
            table.moments = moments
            table.refresh()

    def refresh_from_disk(self) -> None:
        """Another program saved into this file: the statuses as they are on disk now."""
        if not (self.is_mounted and self.query(AgendaTable)):  # on_mount reads them from disk
            return
        table = self.query_one(AgendaTable)
        self.refresh_agenda(select=table.nominee_at(table.cursor_row))

    def refresh_agenda(self, select: str | None = None) -> None:
        session = self.scoring_app.session
        assert session is not None
        round_ = session.round
        try:
            counts = session.sheet_counts()
        except PanelError as exc:
            counts = {}
            self.notify(
                str(exc), title=_("Cannot read your scores"), severity="error", markup=False
            )
        progress = progress_from_counts(round_, counts)
        groups = [
            (category.title, [progress[n.id] for n in nominees])
            for category, nominees in agenda_by_category(round_)
        ]
        table = self.query_one(AgendaTable)
        table.moments = now_and_next(round_, self.scoring_app.clock())
        table.fill(groups, select)
        self.query_one(ProgressLine).show(overall(progress))

    @on(LineTable.Selected, "#agenda-table")
    def _row_chosen(self, event: LineTable.Selected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one(AgendaTable)
        nominee = table.nominee_at(table.cursor_row)
        if nominee is not None:
            self.scoring_app.open_nominee(nominee)

    def action_summary(self) -> None:
        self.scoring_app.action_summary()
