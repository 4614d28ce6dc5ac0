"""One nominee's result in full, opened with Enter from the secretariat's tables: the score
matrix (criterion × assessor, with the means), who is recused and what is still missing."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from panel_tui.domain import formatting
from panel_tui.i18n import N_, _
from panel_tui.secretariat.tally_result import CategoryResult, NomineeResult, TallyResult
from panel_tui.tui.common.footer import TranslatedFooter


def find_nominee(
    result: TallyResult, nominee_id: str
) -> tuple[CategoryResult, NomineeResult] | None:
    for cat in result.categories:
        for r in cat.results:
            if r.nominee.id == nominee_id:
                return cat, r
    return None


class NomineeResultScreen(Screen[None]):
    """The matrix a panel checks a nominee's total by."""

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("escape", "close", N_("back"), id="nominee_result.back"),
        Binding("q", "close", N_("back"), show=False, id="nominee_result.back_q"),
    ]

    def __init__(self, result: TallyResult, category: CategoryResult, nominee: NomineeResult):
        super().__init__()
        self.result = result
        self.category = category
        self.nominee = nominee

    def compose(self) -> ComposeResult:
        r, cat = self.nominee, self.category
        status = _("advances") if r.advances else (_("complete") if r.complete else _("incomplete"))
        yield Static(Text(f"{r.nominee.name} ({r.nominee.id})", style="bold"), id="nominee-title")
        yield Static(
            Text(
                _(
                    "{category}: rank {rank}, total {total}, {status}; {n} assessor(s) counted;"
                    " scale {scale}"
                ).format(
                    category=cat.category.title,
                    scale=f"{formatting.score(cat.rubric.min)}–{formatting.score(cat.rubric.max)}",
                    rank=r.rank,
                    total="–" if r.total is None else formatting.fixed(r.total, 2),
                    status=status,
                    n=len(r.counted),
                )
            ),
            id="nominee-summary",
        )
        yield DataTable(id="nominee-matrix", cursor_type="row", zebra_stripes=True)
        yield Static(Text(self._details()), id="nominee-details")
        yield TranslatedFooter()

    def _details(self) -> str:
        from panel_tui.output.report import notes_of, recusal_text

        r = self.nominee
        lines = [
            _("R = recused (not counted), · = not scored.")
            + " "
            + _("Sheet final: ✓ finalised by the assessor, – still open.")
        ]
        lines += [recusal_text(self.result, r, a) for a in r.recused]
        if not r.complete:
            lines.append(_("incomplete: {lacks}").format(lacks="; ".join(r.lacks())))
        notes = notes_of(self.result, r)
        if notes:
            lines.append(_("Notes and comments:"))
            lines += [f"  {note}" for note in notes]
        return "\n".join(lines)

    def on_mount(self) -> None:
        r, rubric = self.nominee, self.category.rubric
        table = self.query_one("#nominee-matrix", DataTable)
        table.add_column(_("criterion"))
        table.add_column(_("weight"))
        for assessor in self.result.panel:
            table.add_column(Text(assessor.id, justify="right"))
        table.add_column(_("mean"))
        for criterion in rubric.criteria:
            cells = []
            for assessor in self.result.panel:
                if assessor.id in r.recused:
                    cells.append(Text("R", style="dim", justify="right"))
                    continue
                value = r.scores.get(assessor.id, {}).get(criterion.id)
                cells.append(
                    Text("·" if value is None else formatting.score(value), justify="right")
                )
            mean = r.means.get(criterion.id)
            table.add_row(
                Text(f"{criterion.title} ({criterion.id})"),
                Text(formatting.score(criterion.weight), justify="right"),
                *cells,
                Text(
                    "–" if mean is None else formatting.score(mean), justify="right", style="bold"
                ),
                key=criterion.id,
            )
        from panel_tui.output.report import final_cell

        table.add_row(
            Text(_("sheet final")),
            Text(""),
            *(Text(final_cell(self.result, r, a.id), justify="right") for a in self.result.panel),
            Text(""),
            key="final",
        )
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
