"""Where an assessor stands: each nominee's status, the overall progress, the personal summary.

Pure functions over the round and the assessor's sheets (Store.sheets / Store.sheet); no I/O
and no Textual, so the agenda and summary screens only display what is computed here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from panel_tui.domain.model import Category, Criterion, Nominee, Round
from panel_tui.domain.scoring import partial_total, weighted_total
from panel_tui.domain.sheet import Sheet

State = Literal["not-started", "partial", "complete", "final", "recused"]


@dataclass(frozen=True)
class NomineeProgress:
    """One nominee as the agenda shows it."""

    nominee: Nominee
    scored: int
    total: int
    final: bool = False
    recused: bool = False

    @property
    def state(self) -> State:
        if self.recused:
            return "recused"
        if self.final:
            return "final"
        if self.scored == 0:
            return "not-started"
        if self.scored < self.total:
            return "partial"
        return "complete"


@dataclass(frozen=True)
class Overall:
    """The assessor's progress over the whole round (recused nominees left out)."""

    nominees: int
    final: int
    recused: int
    scored: int
    total: int

    @property
    def fraction(self) -> float:
        return self.scored / self.total if self.total else 1.0


@dataclass(frozen=True)
class SummaryRow:
    """The assessor's own result for one nominee."""

    progress: NomineeProgress
    category: Category
    total: float | None
    partial: float
    missing: tuple[Criterion, ...]


def nominee_progress(round_: Round, nominee: Nominee, sheet: Sheet | None) -> NomineeProgress:
    rubric = round_.rubric_for(nominee)
    if sheet is None:
        return NomineeProgress(nominee, 0, len(rubric.criteria))
    scored = sum(1 for c in rubric.criteria if c.id in sheet.scores)
    return NomineeProgress(nominee, scored, len(rubric.criteria), sheet.final, sheet.recused)


def agenda_by_category(round_: Round) -> list[tuple[Category, list[Nominee]]]:
    """The agenda grouped by category (round order), each group in interview order."""
    groups: dict[str, list[Nominee]] = {c.id: [] for c in round_.categories}
    for nominee in round_.agenda():
        groups.setdefault(nominee.category, []).append(nominee)
    result = []
    for category_id, nominees in groups.items():
        category = round_.category(category_id)
        if category is not None and nominees:
            result.append((category, nominees))
    return result


def agenda_order(round_: Round) -> list[Nominee]:
    """The nominees in the order the agenda lists them (previous/next follow it)."""
    return [n for _, nominees in agenda_by_category(round_) for n in nominees]


def progress_from_counts(
    round_: Round, counts: Mapping[str, tuple[int, bool, bool]]
) -> dict[str, NomineeProgress]:
    """`all_progress` from Store.sheet_counts: (criteria scored, final, recused) per nominee."""
    result = {}
    for nominee in round_.nominees:
        total = len(round_.rubric_for(nominee).criteria)
        scored, final, recused = counts.get(nominee.id, (0, False, False))
        result[nominee.id] = NomineeProgress(nominee, min(scored, total), total, final, recused)
    return result


def all_progress(round_: Round, sheets: Mapping[str, Sheet]) -> dict[str, NomineeProgress]:
    return {n.id: nominee_progress(round_, n, sheets.get(n.id)) for n in round_.nominees}


def overall(progress: Mapping[str, NomineeProgress]) -> Overall:
    counted = [p for p in progress.values() if not p.recused]
    return Overall(
        nominees=len(progress),
        final=sum(1 for p in counted if p.final),
        recused=len(progress) - len(counted),
        scored=sum(p.scored for p in counted),
        total=sum(p.total for p in counted),
    )


def summary(round_: Round, sheets: Mapping[str, Sheet]) -> list[SummaryRow]:
    """Every nominee in agenda order with the assessor's weighted total and what is missing."""
    rows = []
    for nominee in agenda_order(round_):
        sheet = sheets.get(nominee.id) or Sheet(nominee.id)
        rubric = round_.rubric_for(nominee)
        category = round_.category(nominee.category)
        assert category is not None
        missing = (
            () if sheet.recused else tuple(c for c in rubric.criteria if c.id not in sheet.scores)
        )
        rows.append(
            SummaryRow(
                progress=nominee_progress(round_, nominee, sheet),
                category=category,
                total=None if sheet.recused else weighted_total(rubric, sheet.scores),
                partial=partial_total(rubric, sheet.scores),
                missing=missing,
            )
        )
    return rows


def now_and_next(round_: Round, now: datetime) -> dict[str, str]:
    """Which interview is on ("now") and which comes after it ("next"), by the slots and the
    venue's clock (`now`, naive, in the venue's local time as the slots are).

    An interview lasts `presentation_minutes`; without it, until the next slot of the day.
    """
    slotted = [n for n in round_.agenda() if n.slot is not None]
    minutes = round_.presentation_minutes
    result: dict[str, str] = {}
    for index, nominee in enumerate(slotted):
        start = nominee.slot
        assert start is not None
        following = slotted[index + 1].slot if index + 1 < len(slotted) else None
        if minutes:
            end = start + timedelta(minutes=minutes)
        elif following is not None and following.date() == start.date():
            end = following
        else:
            end = start + timedelta(minutes=30)
        if start <= now < end:
            result[nominee.id] = "now"
    upcoming = [n for n in slotted if n.slot is not None and n.slot > now]
    if upcoming:
        result.setdefault(upcoming[0].id, "next")
    return result
