"""The secretariat screen: the ranking per category, who has not scored whom, and where the
panel disagrees most, over a merged (or an assessor's) database.

`panel-tui tally DB --tui` runs it as a small app of its own. The tally runs in a thread
worker (it reads the whole file); `r` reads the file again, and so does a change of the file
(another merge into it), noticed by a cheap look at its size and time every few seconds.
Enter on a nominee opens its score matrix; left/right scroll a table wider than the screen.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from panel_tui.domain import formatting
from panel_tui.domain.methods import METHODS
from panel_tui.domain.problems import PanelError
from panel_tui.i18n import N_, _, set_language
from panel_tui.secretariat.panel_progress import panel_progress
from panel_tui.secretariat.tally_result import NomineeResult, TallyResult
from panel_tui.tui.common.footer import TranslatedFooter
from panel_tui.tui.common.language import COMMAND_TITLE, LANGUAGE_NAMES, other_language
from panel_tui.tui.secretariat.robustness_view import RobustnessView

DISAGREEMENTS_SHOWN = 100
WATCH_SECONDS = 2.0  # how often the file is looked at for a new merge


def file_signature(path: Path) -> tuple[tuple[int, int], ...]:
    """Size and modification time of the database and its WAL: a merge changes one."""
    out = []
    for name in (path, path.with_name(path.name + "-wal")):
        try:
            stat = os.stat(name)
        except OSError:
            out.append((0, 0))
        else:
            out.append((stat.st_size, stat.st_mtime_ns))
    return tuple(out)


def _total(value: float | None) -> Text:
    return Text("–" if value is None else formatting.fixed(value, 2), justify="right")


def _number(value: float | None) -> Text:
    return Text("–" if value is None else formatting.score(value), justify="right")


def _status(result: NomineeResult) -> Text:
    if result.advances:
        return Text(_("advances"), style="bold green")
    if result.complete:
        return Text(_("complete"))
    # What is lacking is in the completion tab and the nominee's view: here the column
    # stays narrow, so the names beside it fit.
    return Text(_("incomplete"), style="yellow")


def completion_cell(result: NomineeResult, assessor: str, criteria: int) -> Text:
    """R recused, ✓ every criterion scored, k/N partly, · nothing."""
    if assessor in result.recused:
        return Text("R", style="dim", justify="center")
    scored = len(result.scores.get(assessor, {}))
    if assessor not in result.counted:
        return Text("", justify="center")
    if scored >= criteria and assessor not in result.missing:
        return Text("✓", style="green", justify="center")
    if scored == 0:
        return Text("·", style="bold red", justify="center")
    return Text(
        f"{criteria - len(result.missing.get(assessor, []))}/{criteria}",
        style="yellow",
        justify="center",
    )


class SecretariatApp(App[int]):
    """Ranking, completion matrix and disagreements of one database."""

    CSS_PATH = "secretariat.tcss"
    TITLE = "panel-tui"
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        # The tab labels carry their keys (1 Ranking …): the footer keeps room for the rest.
        Binding("1", "show_tab('ranking')", N_("ranking"), show=False, id="secretariat.ranking"),
        Binding(
            "2",
            "show_tab('completion')",
            N_("completion"),
            show=False,
            id="secretariat.completion",
        ),
        Binding(
            "3",
            "show_tab('disagreements')",
            N_("disagreements"),
            show=False,
            id="secretariat.disagreements",
        ),
        Binding(
            "4", "show_tab('robustness')", N_("robustness"), show=False, id="secretariat.robustness"
        ),
        Binding("5", "show_tab('progress')", N_("progress"), show=False, id="secretariat.progress"),
        Binding("m", "next_method", N_("method"), id="secretariat.method"),
        Binding("r", "reload", N_("reload"), id="secretariat.reload"),
        Binding("q", "quit", N_("quit"), id="secretariat.quit"),
        Binding(
            "ctrl+l",
            "switch_language",
            N_("language"),
            show=False,
            id="secretariat.language",
            tooltip=N_("Switch between Bahasa Indonesia and English"),
        ),
        # In the command palette and the keys panel, not the footer (already full at 80 columns).
        Binding("d", "double_entry", N_("double entry"), show=False, id="secretariat.double_entry"),
    ]

    def __init__(self, path: Path, method: str = "mean") -> None:
        super().__init__()
        self.path = path
        self.method = method
        self.result: TallyResult | None = None
        self.explanation: dict[str, dict[str, Any]] | None = None
        self._signature = file_signature(path)

    def compose(self) -> ComposeResult:
        yield Static(Text(_("Secretariat"), style="bold"), id="round-title")
        yield Static(_("reading {path} …").format(path=self.path), id="summary", markup=False)
        with TabbedContent(initial="ranking"):
            with TabPane(f"1 {_('Ranking')}", id="ranking"):
                yield Static(
                    _("enter: a nominee's scores  ←/→: scroll  tab: next category"),
                    classes="legend",
                    markup=False,
                )
                yield VerticalScroll(id="ranking-list")
            with TabPane(f"2 {_('Completion')}", id="completion"):
                yield Static(
                    _("✓ scored everything · nothing yet  k/N criteria scored  R recused"),
                    classes="legend",
                    markup=False,
                )
                yield DataTable(id="completion-table", cursor_type="row", zebra_stripes=True)
            with TabPane(f"3 {_('Disagreements')}", id="disagreements"):
                yield Static(
                    _("Criteria where the counted assessors' scores are furthest apart."),
                    classes="legend",
                    markup=False,
                    id="disagreement-legend",
                )
                yield DataTable(id="disagreement-table", cursor_type="row", zebra_stripes=True)
            with TabPane(f"4 {_('Robustness')}", id="robustness"):
                yield RobustnessView(id="robustness-list")
            with TabPane(f"5 {_('Progress')}", id="progress"):
                yield Static(
                    _("Per assessor: the cells scored of those expected (recusals left out)."),
                    classes="legend",
                    markup=False,
                )
                yield DataTable(id="progress-table", cursor_type="row", zebra_stripes=True)
        yield TranslatedFooter()

    def on_mount(self) -> None:
        self.sub_title = _("secretariat")
        self.load()
        self.set_interval(WATCH_SECONDS, self._watch_file)

    def _watch_file(self) -> None:
        if any(w.group == "tally" and w.is_running for w in self.workers):
            return
        if file_signature(self.path) != self._signature:
            self.load()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            COMMAND_TITLE,
            _("Switch the language to {name} (ctrl+l)").format(
                name=LANGUAGE_NAMES[other_language()]
            ),
            self.action_switch_language,
        )
        yield SystemCommand(
            _("Blind double entry"),
            _("Compare two typings of one paper score sheet (d)"),
            self.action_double_entry,
        )

    def action_double_entry(self) -> None:
        """Compare two typings of a paper sheet (the round gives the number format)."""
        from panel_tui.tui.secretariat.double_entry_screen import DoubleEntryScreen

        if self.result is None:
            self.notify(_("The file is not loaded: nothing to compare against."), severity="error")
            return
        self.push_screen(DoubleEntryScreen(self.result.round))

    def action_show_help_panel(self) -> None:
        from panel_tui.tui.common.keys_panel import show_help_panel

        show_help_panel(self.screen)

    async def action_switch_language(self) -> None:
        """Everything again in the other language: the words, and the figures' numbers."""
        tab = self.query_one(TabbedContent).active
        set_language(other_language())
        self.sub_title = _("secretariat")
        await self.recompose()
        self.query_one(TabbedContent).active = tab  # the reader stays where they were
        self.refresh_bindings()
        self.load()

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    @on(TabbedContent.TabActivated)
    def _focus_tab(self) -> None:
        self._focus_table()

    def _focus_table(self) -> None:
        """The keys act on the active tab's (first) table: Enter, arrows, page keys."""
        pane = self.query_one(TabbedContent).active_pane
        if pane is None:
            return
        tables = list(pane.query(DataTable))
        if tables and self.focused not in tables:
            tables[0].focus(scroll_visible=False)

    def action_reload(self) -> None:
        self.load()

    def action_next_method(self) -> None:
        """The next centre (mean, trimmed, median, zscore), tallied again."""
        self.method = METHODS[(METHODS.index(self.method) + 1) % len(METHODS)]
        self.load()

    @work(thread=True, exclusive=True, group="tally")
    def load(self) -> None:
        from panel_tui.secretariat.tally import tally_database

        try:
            result = tally_database(self.path, method=self.method)
        except PanelError as exc:
            self._signature = file_signature(self.path)
            self.call_from_thread(self._show_error, str(exc))
            return
        explanation = None
        if result.assessor is None:
            from panel_tui.secretariat.robustness import explain

            explanation = explain(result)
        # Taken after the read (which may touch the WAL itself), so only a later write counts.
        self._signature = file_signature(self.path)
        self.call_from_thread(self._show, result, explanation)

    # --- showing ---------------------------------------------------------------------------

    def _show_error(self, message: str) -> None:
        summary = self.query_one("#summary", Static)
        summary.update(Text(message))
        summary.add_class("-error")

    def _show(
        self, result: TallyResult, explanation: dict[str, dict[str, Any]] | None = None
    ) -> None:
        self.result = result
        self.explanation = explanation
        round_ = result.round
        self.title = round_.title
        self.query_one("#round-title", Static).update(
            Text(f"{round_.title} — {_('secretariat')}", style="bold")
        )
        complete = sum(1 for c in result.categories for r in c.results if r.complete)
        nominees = sum(len(c.results) for c in result.categories)
        who = (
            _("assessor {a}'s own database: only their scores count").format(a=result.assessor)
            if result.assessor
            else _("merged file, {n} chain(s)").format(n=len(result.chains))
        )
        summary = self.query_one("#summary", Static)
        summary.remove_class("-error")
        summary.update(
            Text(
                _(
                    "{path}: {who}; {complete} of {nominees} nominees complete; advance {advance}"
                ).format(
                    path=self.path,
                    who=who,
                    complete=complete,
                    nominees=nominees,
                    advance="–" if round_.advance is None else round_.advance,
                )
                + (
                    ""
                    if result.method == "mean"
                    else "; " + _("method {method}").format(method=result.method)
                )
            )
        )
        self._show_ranking(result)
        self._show_completion(result)
        self._show_disagreements(result)
        self.query_one("#robustness-list", RobustnessView).show(result, explanation)
        self._show_progress(result)
        self.call_after_refresh(self._focus_table)

    def _show_ranking(self, result: TallyResult) -> None:
        box = self.query_one("#ranking-list", VerticalScroll)
        box.remove_children()
        widgets: list[Widget] = []
        for cat in result.categories:
            widgets.append(
                Static(
                    Text(f"{cat.category.title} ({cat.category.id})"),
                    classes="category-title",
                )
            )
            table: DataTable[Text] = DataTable(cursor_type="row", classes="ranking-table")
            table.add_column("#", key="rank")
            table.add_column(_("nominee"), key="nominee")
            table.add_column(_("total"), key="total")
            for criterion in cat.rubric.criteria:
                table.add_column(Text(f"{criterion.id} {formatting.score(criterion.weight)}"))
            table.add_column("n", key="n")
            table.add_column(_("status"), key="status")
            table.add_column(_("name"), key="name")
            for r in cat.results:
                table.add_row(
                    Text(str(r.rank), justify="right"),
                    Text(r.nominee.id),
                    _total(r.total),
                    *(_number(r.means[c.id]) for c in cat.rubric.criteria),
                    Text(str(len(r.counted)), justify="right"),
                    _status(r),
                    Text(r.nominee.name),
                    key=r.nominee.id,
                )
            widgets.append(table)
        box.mount_all(widgets)

    def _show_completion(self, result: TallyResult) -> None:
        table = self.query_one("#completion-table", DataTable)
        table.clear(columns=True)
        table.add_column(_("category"))
        table.add_column(_("nominee"))
        for assessor in result.panel:
            table.add_column(Text(assessor.id, justify="center"))
        table.add_column(_("lacks"))
        for cat in result.categories:
            criteria = len(cat.rubric.criteria)
            for r in cat.results:
                table.add_row(
                    Text(cat.category.id),
                    Text(r.nominee.id),
                    *(completion_cell(r, a.id, criteria) for a in result.panel),
                    Text("" if r.complete else "; ".join(r.lacks()), style="yellow"),
                    key=r.nominee.id,
                )

    def _show_disagreements(self, result: TallyResult) -> None:
        table = self.query_one("#disagreement-table", DataTable)
        table.clear(columns=True)
        table.add_column(_("spread"))
        table.add_column(_("nominee"))
        table.add_column(_("criterion"))
        table.add_column(_("mean"))
        for assessor in result.panel:
            table.add_column(Text(assessor.id, justify="right"))
        spread = [d for d in result.disagreements if d.spread > 0]
        shown = spread[:DISAGREEMENTS_SHOWN]
        legend = self.query_one("#disagreement-legend", Static)
        more = len(spread) - len(shown)
        legend.update(
            Text(
                _("Criteria where the counted assessors' scores are furthest apart.")
                + (" " + _("{more} more not shown.").format(more=more) if more > 0 else "")
            )
        )
        for index, d in enumerate(shown):
            table.add_row(
                _number(d.spread),
                Text(d.nominee.id),
                Text(d.criterion),
                _number(d.mean),
                *(
                    Text(formatting.score(d.scores.get(a.id)), justify="right")
                    for a in result.panel
                ),
                key=f"{index}:{d.nominee.id}",
            )

    def _show_progress(self, result: TallyResult) -> None:
        table = self.query_one("#progress-table", DataTable)
        table.clear(columns=True)
        for label in (_("assessor"), _("scored"), _("expected"), "%", _("nominees done")):
            table.add_column(label)
        table.add_column(_("recused"))
        table.add_column(_("name"))
        for p in panel_progress(result):
            style = "green" if p.scored == p.expected else ("bold red" if not p.scored else "")
            table.add_row(
                Text(p.assessor.id),
                Text(str(p.scored), justify="right"),
                Text(str(p.expected), justify="right"),
                Text(formatting.number(p.percent, 1), justify="right", style=style),
                Text(f"{p.nominees_done}/{p.nominees}", justify="right"),
                Text(str(p.recused), justify="right"),
                Text(p.assessor.name),
                key=p.assessor.id,
            )

    # --- drill-down ------------------------------------------------------------------------

    @on(DataTable.RowSelected, ".ranking-table, #completion-table, #disagreement-table")
    def _open_nominee(self, event: DataTable.RowSelected) -> None:
        from panel_tui.tui.secretariat.nominee_result_screen import (
            NomineeResultScreen,
            find_nominee,
        )

        if self.result is None or event.row_key.value is None:
            return
        found = find_nominee(self.result, event.row_key.value.split(":", 1)[-1])
        if found is not None:
            self.push_screen(NomineeResultScreen(self.result, *found))


def run_secretariat(path: Path, method: str = "mean") -> int:
    """Run the secretariat app on `path`; 1 when the file cannot be opened."""
    from panel_tui.storage.files import check_header

    try:
        check_header(Path(path))
    except PanelError as exc:
        import sys

        print(f"panel-tui: {exc}", file=sys.stderr)
        return 1
    SecretariatApp(Path(path), method).run()
    return 0
