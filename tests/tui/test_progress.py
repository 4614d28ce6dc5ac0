"""Agenda statuses, overall progress and the personal summary (domain, no Textual)."""

from __future__ import annotations

from pathlib import Path

from panel_tui.domain.progress import agenda_by_category, all_progress, overall, summary
from panel_tui.domain.sheet import Sheet
from panel_tui.round_package.loader import load_round_or_raise


def test_agenda_groups_by_category_in_slot_order(round_dir: Path) -> None:
    round_, _ = load_round_or_raise(round_dir)
    groups = agenda_by_category(round_)
    assert [(c.id, [n.id for n in ns]) for c, ns in groups] == [
        ("pemkab", ["lotim", "klu"]),
        ("bu", ["pupuk"]),
    ]


def test_statuses_progress_and_summary(round_dir: Path) -> None:
    round_, _ = load_round_or_raise(round_dir)
    sheets = {
        "lotim": Sheet("lotim", scores={"regulation": 5, "budget": 3, "coverage": 1}, final=True),
        "klu": Sheet("klu", scores={"regulation": 2}),
        "pupuk": Sheet("pupuk", recused=True, recusal_reason="family"),
    }
    progress = all_progress(round_, sheets)
    assert [progress[n].state for n in ("lotim", "klu", "pupuk")] == ["final", "partial", "recused"]
    figures = overall(progress)
    assert (figures.scored, figures.total, figures.final, figures.recused) == (4, 6, 1, 1)
    rows = {r.progress.nominee.id: r for r in summary(round_, sheets)}
    # 100 * (50*(5-1)/4 + 30*(3-1)/4 + 20*0) / 100 = 65
    assert rows["lotim"].total == 65.0
    assert rows["klu"].total is None
    assert [c.id for c in rows["klu"].missing] == ["budget", "coverage"]
    assert rows["pupuk"].missing == () and rows["pupuk"].total is None
