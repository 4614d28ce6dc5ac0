"""The read-back before finalising: every score, every note, the comment and the weighted total."""

from __future__ import annotations

from rich import box
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from panel_tui.domain.problems import PanelError
from panel_tui.domain.scoring import weighted_total
from panel_tui.domain.sheet import Sheet
from panel_tui.i18n import N_, _
from panel_tui.tui.common.footer import PanelFooter
from panel_tui.tui.common.formatting import scale_text, score_text, total_text, weight_text
from panel_tui.tui.scoring.session import Session


class ReadBackScreen(Screen[bool]):
    """Dismissed with True when the assessor confirms; the caller records the finalisation."""

    BINDINGS = [  # noqa: RUF012
        Binding("f,enter", "confirm", N_("finalise"), id="readback.confirm"),
        Binding("escape", "cancel", N_("back"), id="readback.back"),
    ]

    def __init__(self, session: Session, nominee: str) -> None:
        super().__init__()
        self.session = session
        self.nominee_id = nominee

    def compose(self) -> ComposeResult:
        round_ = self.session.round
        nominee = round_.nominee(self.nominee_id)
        assert nominee is not None
        category = round_.category(nominee.category)
        rubric = round_.rubric_for(nominee)
        self.error = ""
        try:
            sheet = self.session.sheet(self.nominee_id)
        except PanelError as exc:
            sheet = Sheet(self.nominee_id)
            self.error = str(exc)
        self.missing = [c for c in rubric.criteria if c.id not in sheet.scores]
        self.final = sheet.final
        with VerticalScroll(id="readback-body"):
            yield Static(
                Content.assemble(
                    (_("Read-back: "), "$text-muted"),
                    (nominee.name, "bold"),
                    ("  ·  " + (category.title if category else nominee.category), "$text-muted"),
                ),
                id="readback-title",
            )
            table = Table(box=box.SIMPLE_HEAD, expand=True, show_edge=False, pad_edge=False)
            table.add_column(_("Criterion"), ratio=3)
            table.add_column(_("Weight"), justify="right", width=6, no_wrap=True)
            # As wide as its words: the Indonesian "belum dinilai" is not cut at 80 columns.
            score_width = max(7, cell_len(_("missing")), cell_len(_("Score")))
            table.add_column(_("Score"), justify="center", width=score_width, no_wrap=True)
            table.add_column(_("Note"), ratio=4)
            for criterion in rubric.criteria:
                value = sheet.scores.get(criterion.id)
                table.add_row(
                    Text(criterion.title),
                    Text(weight_text(criterion, rubric)),
                    Text(
                        score_text(value) if value is not None else _("missing"),
                        style="bold" if value is not None else "bold red",
                    ),
                    Text(sheet.notes.get(criterion.id, ""), style="italic"),
                )
            yield Static(table, id="readback-table")
            comment = sheet.comment or _("(no overall comment)")
            yield Static(
                Content.assemble((_("Overall comment: "), "bold"), (comment, "italic")),
                id="readback-comment",
            )
            total = weighted_total(rubric, sheet.scores)
            yield Static(
                Content.assemble(
                    (_("Weighted total: "), "bold"),
                    (total_text(total), "bold $accent"),
                    (" / 100", "$text-muted"),
                    (
                        "   "
                        + _("(scale {scale}, weights normalised)").format(scale=scale_text(rubric)),
                        "$text-muted",
                    ),
                ),
                id="readback-total",
            )
        if self.error:
            verdict, kind = self.error, "-error"
        elif self.final:
            verdict, kind = _("This sheet is already final. Esc goes back."), "-info"
        elif self.missing:
            names = ", ".join(c.title for c in self.missing)
            verdict = _("Cannot finalise yet: no score for {criteria}. Esc goes back.").format(
                criteria=names
            )
            kind = "-error"
        else:
            verdict = _(
                "Read the scores out. f or Enter finalises this sheet; Esc goes back to change them."
            )
            kind = "-pending"
        yield Static(Content(verdict), id="readback-verdict", classes=kind)
        yield PanelFooter()

    async def refresh_language(self) -> None:
        await self.recompose()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "confirm" and (self.final or self.missing or self.error))

    def action_confirm(self) -> None:
        if not self.final and not self.missing and not self.error:
            self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
