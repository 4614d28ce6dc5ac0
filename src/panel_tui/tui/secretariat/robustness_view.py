"""The secretariat's Robustness tab: per category, every nominee's rank and total under each
method (● advances, ⚠ not the same verdict under every method) and the three sentences."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Static

from panel_tui.domain import formatting
from panel_tui.i18n import _
from panel_tui.secretariat.robustness import method_label, sentences
from panel_tui.secretariat.tally_result import TallyResult


def method_cell(row: dict[str, Any] | None) -> Text:
    """ "rank (total)", with ● when the nominee advances; n/a when the method is unavailable."""
    if row is None:
        return Text(_("n/a"), style="dim", justify="right")
    total = "–" if row["total"] is None else formatting.fixed(row["total"], 2)
    mark = "● " if row["advances"] else ""
    return Text(
        f"{mark}{row['rank']} ({total})",
        style="bold green" if row["advances"] else "",
        justify="right",
    )


class RobustnessView(VerticalScroll):
    """One method table and three sentences per category."""

    def show(self, result: TallyResult, explanation: dict[str, dict[str, Any]] | None) -> None:
        self.remove_children()
        widgets: list[Widget] = [
            Static(
                Text(
                    _(
                        "● advances  ⚠ not the same verdict under every method  chosen: {method}"
                    ).format(method=method_label(result.method))
                ),
                classes="legend",
            )
        ]
        if explanation is None:
            widgets.append(
                Static(
                    Text(
                        _(
                            "An assessor's own database: the methods compare assessors; "
                            "open the merged file."
                        )
                    ),
                    classes="legend",
                )
            )
            self.mount_all(widgets)
            return
        for cat in result.categories:
            figures = explanation[cat.category.id]
            sensitivity = figures["sensitivity"]
            widgets.append(
                Static(Text(f"{cat.category.title} ({cat.category.id})"), classes="category-title")
            )
            table: DataTable[Text] = DataTable(cursor_type="row", classes="robustness-table")
            table.add_column(_("nominee"), key="nominee")
            for method in sensitivity["methods"]:
                table.add_column(Text(method_label(method), justify="right"), key=method)
            table.add_column("", key="stable")
            table.add_rows(
                [
                    Text(row["nominee"]),
                    *(method_cell(row["methods"][m]) for m in sensitivity["methods"]),
                    Text("" if row["stable"] else "⚠", style="bold yellow"),
                ]
                for row in sensitivity["nominees"]
            )
            widgets.append(table)
            for sentence in sentences(figures, result.method, result.round.advance):
                widgets.append(Static(Text(sentence), classes="sentence"))
        self.mount_all(widgets)
