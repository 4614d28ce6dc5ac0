"""The tally as a table in the terminal (Rich), fitted to its width; user text never read as markup."""

from __future__ import annotations

from typing import IO, Any

from panel_tui.domain import formatting
from panel_tui.i18n import _
from panel_tui.secretariat.tally_result import TallyResult

WIDE_TABLE = 120  # columns from which the terminal table shows names and criterion ids inline


def _mean_cell(mean: float | None) -> str:
    """A criterion mean to 2 decimals without trailing zeros: 4, 3.6 / 3,6, 2.38 / 2,38."""
    if mean is None:
        return ""

    return formatting.number(mean, 2)


def print_table(result: TallyResult, file: IO[str] | None = None) -> None:
    """Rich tables per category; user text is never read as markup."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    class _PipeConsole(Console):
        # Rich exits 1 on a closed stdout; leave that to the CLI, which ends quietly with 0.
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

    console = _PipeConsole(file=file, highlight=False, soft_wrap=False)
    round_ = result.round
    console.print(Text(f"{round_.title} ({round_.id})", style="bold"))
    if result.assessor:
        console.print(
            Text(
                _("assessor {assessor}'s own database: a preview, only their scores count").format(
                    assessor=result.assessor
                ),
                style="yellow",
            )
        )
    wide = console.width >= WIDE_TABLE

    def status_of(r: Any) -> Text:
        if r.advances:
            return Text(_("advances"), style="bold green")
        if r.complete:
            return Text(_("complete"))
        return Text(_("incomplete"), style="yellow")

    def build(cat: Any, brief: bool) -> Table:
        """The category's table; `brief`: without the n and status columns (shown on the
        nominee's own line below), for a terminal too narrow for them."""
        criteria = cat.rubric.criteria
        table = Table(
            title=Text(f"{cat.category.title} ({cat.category.id})"),
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            collapse_padding=brief,  # one space between columns where room is short
            title_justify="left",
        )
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column(_("nominee"), no_wrap=True)
        table.add_column(_("total"), justify="right", no_wrap=True)
        for i, criterion in enumerate(criteria, 1):
            header = f"{criterion.id}\n({formatting.score(criterion.weight)})" if wide else str(i)
            table.add_column(Text(header), justify="right", no_wrap=True, min_width=4)
        if not brief:
            table.add_column("n", justify="right", no_wrap=True)
            table.add_column(_("status"), no_wrap=True, min_width=len(_("incomplete")))
        if wide:
            table.add_column(_("name"), overflow="fold", min_width=20)
        for r in cat.results:
            table.add_row(
                str(r.rank),
                Text(r.nominee.id),
                "" if r.total is None else formatting.fixed(r.total, 2),
                *(_mean_cell(r.means[c.id]) for c in criteria),
                *(() if brief else (str(len(r.counted)), status_of(r))),
                *([Text(r.nominee.name)] if wide else []),
            )
        return table

    for cat in result.categories:
        table = build(cat, brief=False)
        # Measured without the terminal's limit (rich caps a measurement at it).
        natural = console.measure(table, options=console.options.update_width(10_000)).maximum
        brief = not wide and natural > console.width
        if brief:
            table = build(cat, brief=True)
        console.print(table)
        if not wide:
            # The legend packed line by line, each item whole ("5=apps (10)", never cut).
            items = [
                f"{i}={c.id} ({formatting.score(c.weight)})"
                for i, c in enumerate(cat.rubric.criteria, 1)
            ]
            lines: list[str] = []
            for item in items:
                if lines and len(lines[-1]) + 2 + len(item) <= console.width:
                    lines[-1] += "  " + item
                else:
                    lines.append(item)
            for text in lines:
                console.print(Text(text))
            for r in cat.results:
                line = Text(f"  {r.nominee.id}: {r.nominee.name}")
                if brief:
                    line.append(" — ")
                    line.append_text(status_of(r))
                    line.append(" " + _("({n} counted)").format(n=len(r.counted)))
                console.print(line)
        for r in cat.results:
            if not r.complete:
                console.print(
                    Text(
                        _("incomplete: {nominee}: {lacks}").format(
                            nominee=r.nominee.id, lacks="; ".join(r.lacks())
                        )
                    )
                )
    console.print(Text(_("Method: {method}").format(method=result.method), style="bold"))
    for rule in result.rules():
        console.print(Text(f"- {rule}"))
