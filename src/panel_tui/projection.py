"""The current state each audit chain gives, and where two chains of one assessor disagree.

A chain's events, folded in order: the latest score event of a cell is its current value
(None: cleared), and a nominee the chain scored or recused from has a recusal state (the
latest recuse/unrecuse, or not recused). Two chains of one assessor (one database copied to
two laptops) may both stand in a merged file only while they agree on every cell and every
recusal they both hold: `merge` refuses an input that would break that, and `verify` refuses
a file that breaks it, so every reader of a verified file gets the same current values from
any of the chains.

Pure: rows in, values out; no SQLite here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class ChainState:
    origin: str
    assessor: str
    scores: dict[tuple[str, str], float | None] = field(default_factory=dict)
    recused: dict[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class ChainDisagreement:
    """One cell (criterion None: the recusal) on which two chains of one assessor differ."""

    assessor: str
    nominee: str
    criterion: str | None
    origin: str
    value: float | bool | None
    other_origin: str
    other_value: float | bool | None


def fold(rows: Iterable[tuple[str, str, str, str, str | None, float | None]]) -> list[ChainState]:
    """Chains from (origin, assessor, kind, nominee, criterion, value) rows in (origin, seq)
    order."""
    chains: dict[str, ChainState] = {}
    for origin, assessor, kind, nominee, criterion, value in rows:
        state = chains.get(origin)
        if state is None:
            state = chains[origin] = ChainState(origin, assessor)
        if kind == "score":
            state.scores[(nominee, criterion or "")] = value
            state.recused.setdefault(nominee, False)
        elif kind in ("recuse", "unrecuse"):
            state.recused[nominee] = kind == "recuse"
    return list(chains.values())


def disagreements(chains: Iterable[ChainState]) -> list[ChainDisagreement]:
    """Every cell and recusal on which two chains of the same assessor disagree, each pair once,
    in a stable order."""
    by_assessor: dict[str, list[ChainState]] = {}
    for chain in chains:
        by_assessor.setdefault(chain.assessor, []).append(chain)
    found: list[ChainDisagreement] = []
    for assessor in sorted(by_assessor):
        group = sorted(by_assessor[assessor], key=lambda c: c.origin)
        for i, first in enumerate(group):
            for second in group[i + 1 :]:
                for cell in sorted(first.scores.keys() & second.scores.keys()):
                    if first.scores[cell] != second.scores[cell]:
                        found.append(
                            ChainDisagreement(
                                assessor,
                                cell[0],
                                cell[1],
                                first.origin,
                                first.scores[cell],
                                second.origin,
                                second.scores[cell],
                            )
                        )
                for nominee in sorted(first.recused.keys() & second.recused.keys()):
                    if first.recused[nominee] != second.recused[nominee]:
                        found.append(
                            ChainDisagreement(
                                assessor,
                                nominee,
                                None,
                                first.origin,
                                first.recused[nominee],
                                second.origin,
                                second.recused[nominee],
                            )
                        )
    return found
