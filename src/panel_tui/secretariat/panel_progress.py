"""How far each panel member has scored, from a tally (the secretariat's progress view).

An assessor is expected to score every criterion of every nominee they are not recused
from; `scored` counts those cells that hold a score. No I/O and no Textual.
"""

from __future__ import annotations

from dataclasses import dataclass

from panel_tui.domain.model import Assessor
from panel_tui.secretariat.tally_result import TallyResult


@dataclass(frozen=True)
class AssessorProgress:
    assessor: Assessor
    scored: int  # cells scored, over the nominees the assessor counts for
    expected: int  # every criterion of every nominee the assessor is not recused from
    recused: int  # nominees the assessor is recused from
    nominees_done: int  # nominees with every criterion scored
    nominees: int  # nominees the assessor counts for

    @property
    def percent(self) -> float:
        return 100.0 * self.scored / self.expected if self.expected else 100.0


def panel_progress(result: TallyResult) -> list[AssessorProgress]:
    rows = []
    for assessor in result.panel:
        scored = expected = recused = done = nominees = 0
        for cat in result.categories:
            criteria = len(cat.rubric.criteria)
            for r in cat.results:
                if assessor.id in r.recused:
                    recused += 1
                    continue
                if assessor.id not in r.counted:
                    continue
                missing = len(r.missing.get(assessor.id, []))
                nominees += 1
                expected += criteria
                scored += criteria - missing
                done += not missing
        rows.append(AssessorProgress(assessor, scored, expected, recused, done, nominees))
    return rows
