"""The one rule for what a file's events mean now: current cells, notes, recusals, final
sheets, and where two chains of one assessor disagree.

Every reader of a database (the scoring app's sheets and agenda, import-scores, tally in both
its paths, merge's conflict check, verify, the SQL views in db/) gives the answer this module
defines; `tests/reliability/test_projection.py` builds random event logs and holds each of
them to it.

Within one audit chain the events are read in order (`seq`), and the latest event of a kind
wins:

- a cell's current score is its latest score event's value (None: cleared);
- a criterion's note, and the overall comment (criterion None), is the latest note or comment
  event's text ("" or None: cleared);
- a nominee is recused while the latest recuse/unrecuse event is a recusal (its reason kept);
  a chain that scored a nominee without recusing has the state "not recused";
- a sheet is final while the latest finalise/reopen event is a finalise.

Across the chains of one assessor (one database copied to two laptops, both merged), taken in
origin order:

- a cell's score is that of the first chain whose current value is a score, so a chain that
  never touched the cell does not clear it; a note likewise (the first non-empty one);
- the assessor is recused from a nominee if any chain's state is recused (the reason: the
  smallest of those chains' reasons, as SQL's MIN); a sheet is final if any chain's is.

Two chains that both hold a cell or a recusal state must agree on it: `merge` refuses an input
that would break that and `verify` refuses a file that breaks it (`disagreements`). On a file
that verifies, the cross-chain rule therefore only fills in what one chain lacks, and every
reading of it is the same.

Every reader folds event rows with `fold`; the tally folds them during verify's one read of
the file. Pure: rows in, values out; no SQLite here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from panel_tui.domain.sheet import Sheet
from panel_tui.storage.chain import Event

# `fold` takes whole event rows, in the audit chain's column order, so verify's own read of
# every event (which checks their hashes) is also the tally's.
COLUMNS = Event.COLUMNS
SELECT_EVENTS = f"SELECT {', '.join(COLUMNS)} FROM score_events"


@dataclass
class ChainState:
    """What one chain's events say now. Keys are nominees, or (nominee, criterion)."""

    origin: str
    assessor: str
    scores: dict[tuple[str, str], float | None] = field(default_factory=dict)
    notes: dict[tuple[str, str | None], str] = field(default_factory=dict)
    recused: dict[str, bool] = field(default_factory=dict)
    reasons: dict[str, str | None] = field(default_factory=dict)
    final: dict[str, bool] = field(default_factory=dict)


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


# The kinds that decide whether a sheet is recused or final, by the rules above: the events
# a write needs to read under its lock (a score must not land on a recused or final sheet),
# fewer than the sheet's scores and notes.
SHEET_STATE_KINDS = ("recuse", "unrecuse", "finalise", "reopen")


def fold(rows: Iterable[tuple[Any, ...]]) -> list[ChainState]:
    """Each chain's state from event rows (`COLUMNS`) in (origin, seq) order, in origin order."""
    chains: dict[str, ChainState] = {}
    state: ChainState | None = None
    # On the agenda's path (every event of an assessor): one tuple unpacking per row, and
    # the chain looked up only when the origin changes.
    for origin, _seq, assessor, kind, nominee, criterion, value, note, reason, _at, _p, _h in rows:
        if state is None or state.origin != origin:
            state = chains.get(origin)
            if state is None:
                state = chains[origin] = ChainState(origin, assessor)
        if kind == "score":
            state.scores[(nominee, criterion or "")] = None if value is None else float(value)
            if nominee not in state.recused:
                state.recused[nominee] = False
        elif kind == "note" or kind == "comment":  # keyed as the notes view keys them
            state.notes[(nominee, criterion)] = note or ""
        elif kind == "recuse":
            state.recused[nominee] = True
            state.reasons[nominee] = reason
        elif kind == "unrecuse":
            state.recused[nominee] = False
            state.reasons[nominee] = None
        elif kind == "finalise" or kind == "reopen":
            state.final[nominee] = kind == "finalise"
    return sorted(chains.values(), key=lambda c: c.origin)


def sheets(chains: Iterable[ChainState]) -> dict[str, dict[str, Sheet]]:
    """assessor -> nominee -> current sheet, by the cross-chain rule above. A nominee has a
    sheet when anything on it is current (a score, a note, a recusal, final)."""
    result: dict[str, dict[str, Sheet]] = {}
    reasons: dict[tuple[str, str], str] = {}

    def sheet(assessor: str, nominee: str) -> Sheet:
        of = result.setdefault(assessor, {})
        if nominee not in of:
            of[nominee] = Sheet(nominee)
        return of[nominee]

    for chain in sorted(chains, key=lambda c: c.origin):
        # A chain's cells come nominee by nominee: the sheet looked up when the nominee changes.
        scored: str | None = None
        cells: dict[str, float] = {}
        for (nominee, criterion), value in chain.scores.items():
            if value is not None:
                if nominee != scored:
                    scored, cells = nominee, sheet(chain.assessor, nominee).scores
                cells.setdefault(criterion, value)
        for (nominee, note_criterion), text in chain.notes.items():
            if not text:
                continue
            held = sheet(chain.assessor, nominee)
            if note_criterion is None:
                held.comment = held.comment or text
            else:
                held.notes.setdefault(note_criterion, text)
        for nominee, recused in chain.recused.items():
            if recused:
                sheet(chain.assessor, nominee).recused = True
                reason = chain.reasons.get(nominee)
                held_reason = reasons.get((chain.assessor, nominee))
                if reason is not None and (held_reason is None or reason < held_reason):
                    reasons[chain.assessor, nominee] = reason  # SQL's MIN passes over NULLs
        for nominee, final in chain.final.items():
            if final:
                sheet(chain.assessor, nominee).final = True
    for (assessor, nominee), reason in reasons.items():
        result[assessor][nominee].recusal_reason = reason
    return result


def counted(
    all_sheets: dict[str, dict[str, Sheet]], panel: Iterable[str]
) -> Iterator[tuple[str, str, str, float]]:
    """The scores that count: (assessor, nominee, criterion, value) of the panel's assessors,
    less those recused from the nominee (the `counted_scores` view)."""
    for assessor, nominee, held in counted_sheets(all_sheets, panel):
        for criterion, value in held.scores.items():
            yield assessor, nominee, criterion, value


def counted_sheets(
    all_sheets: dict[str, dict[str, Sheet]], panel: Iterable[str]
) -> Iterator[tuple[str, str, Sheet]]:
    """The sheets whose scores count (`counted`), as (assessor, nominee, sheet)."""
    for assessor in panel:
        for nominee, held in all_sheets.get(assessor, {}).items():
            if not held.recused:
                yield assessor, nominee, held


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
