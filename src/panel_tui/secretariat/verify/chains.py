"""Every audit chain, event by event: its order, its hashes, and that each event names the round's assessors, nominees, criteria and scale."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from panel_tui.domain.model import Round
from panel_tui.domain.text import storable
from panel_tui.i18n import N_, _
from panel_tui.secretariat.verify.report import (
    ChainSummary,
    VerifyReport,
)
from panel_tui.storage.chain import EVENT_KINDS, Event, genesis_hash, row_hash
from panel_tui.storage.projection import ChainState, fold
from panel_tui.storage.store import Store


@dataclass
class ChainCheck:
    """What checking chains found: the chains, the problems (at most one a chain), how many
    events were read, and with `project` what they mean now (projection.fold)."""

    chains: list[ChainSummary] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    events: int = 0
    current: list[ChainState] | None = None


# The types of each field of an event (Event.COLUMNS order) as panel-tui writes it, and
# their name: SQLite keeps whatever a plain UPDATE stores (a blob anywhere, a text in place
# of a score, which float() may even read as the score: "٥" is 5).
TEXT = ((str,), N_("text"))
TEXT_OR_NULL = ((str, type(None)), N_("text"))
WHOLE = ((int,), N_("a whole number"))
_FIELD_TYPES = (
    TEXT,
    WHOLE,
    TEXT,
    TEXT,
    TEXT,
    TEXT_OR_NULL,
    ((float, int, type(None)), N_("a number")),
    TEXT_OR_NULL,
    TEXT_OR_NULL,
    TEXT,
    TEXT,
    TEXT,
)


def _type_name(value: object) -> str:
    if value is None:
        return _("nothing (NULL)")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, int):
        return _("a whole number")
    if isinstance(value, float):
        return _("a number")
    return _("a blob")


def wrong_type(
    row: tuple[Any, ...],
    columns: tuple[str, ...] = Event.COLUMNS,
    types: tuple[tuple[tuple[type, ...], str], ...] = _FIELD_TYPES,
) -> str | None:
    """Why a row (of `score_events`, by default) is not one as panel-tui writes it: the first
    field holding a value of another type (None: every field is of its type)."""
    for column, value, (allowed, expected) in zip(columns, row, types, strict=True):
        if type(value) not in allowed:
            return _(
                "{column} holds {found} where panel-tui writes {expected}: edited outside panel-tui"
            ).format(column=column, found=_type_name(value), expected=_(expected))
    return None


# The longest note or reason whose verdict the chain check keeps for the next event.
_REMEMBERED_TEXT = 200


def verify_chains(
    store: Store,
    round_: Round,
    round_fp: str,
    rubric_fp: str,
    report: VerifyReport,
    project: bool = False,
) -> list[ChainSummary]:
    """Every chain of the file checked, its problems added to `report` (and with `project`,
    `report.current` set)."""
    found = ChainCheck(problems=report.problems)
    try:
        check_chains(store.conn, round_, round_fp, rubric_fp, found, project)
    finally:
        report.events += found.events
    if project:
        report.current = found.current
    return found.chains


def check_chains(
    conn: sqlite3.Connection,
    round_: Round,
    round_fp: str,
    rubric_fp: str,
    found: ChainCheck,
    project: bool = False,
    after: str | None = None,
    up_to: str | None = None,
) -> None:
    """The chains whose origins are after `after` and up to `up_to` (SQLite's order; None:
    no bound), event by event, into `found` (its `events` counts the rows read, also when a
    row makes the check raise)."""
    # A tight loop over the rows as read (no Event per row): merge verifies every event of
    # every input. The checks and their messages are those of one Event at a time.
    chains = found.chains
    problems = found.problems
    current: ChainSummary | None = None
    prev_hash = ""
    assessors = {a.id for a in round_.assessors}
    rubrics = {n.id: round_.rubric_for(n) for n in round_.nominees}
    criteria = {n: frozenset(c.id for c in r.criteria) for n, r in rubrics.items()}
    # Whether a value is on a rubric's scale, by rubric (scores repeat a few values).
    on_scale: dict[int, dict[object, bool]] = {id(r): {} for r in rubrics.values()}
    # The same, by nominee and criterion: a row's whole check in two look-ups (below).
    scales = {n: {c.id: on_scale[id(r)] for c in r.criteria} for n, r in rubrics.items()}
    broken: set[str] = set()
    kinds = frozenset(EVENT_KINDS)
    hash_of = row_hash

    def problem(row: tuple[Any, ...], message: str) -> None:
        origin = row[0]
        if origin in broken:
            return
        broken.add(origin)
        problems.append(
            _("audit chain {origin} (assessor {assessor}), event {seq}: {message}").format(
                origin=origin[:12], assessor=row[2], seq=row[1], message=message
            )
        )

    def check(row: tuple[Any, ...], chain: ChainSummary) -> bool:
        """Every check of one event, in order; a problem is kept once a chain. False when a
        field is not of the type panel-tui writes there (the row cannot be folded)."""
        wrong = wrong_type(row)
        if wrong is not None:
            problem(row, wrong)
            return False
        seq, assessor, kind, nominee, criterion, value = row[1:7]
        for name, text in (("note", row[7]), ("reason", row[8])):
            if text is not None and not storable(text):
                problem(
                    row,
                    _(
                        "its {field} holds a control character panel-tui never stores: edited outside panel-tui"
                    ).format(field=name),
                )
        if seq != chain.length + 1:
            problem(
                row,
                _("sequence jumps from {length} to {seq}: events deleted").format(
                    length=chain.length, seq=seq
                ),
            )
        if assessor != chain.assessor:
            problem(
                row,
                _("assessor changes from {assessor} to {assessor2}").format(
                    assessor=chain.assessor, assessor2=assessor
                ),
            )
        if row[10] != prev_hash:
            problem(
                row,
                _("does not follow the previous event: events deleted, inserted or reordered"),
            )
        if hash_of(row) != row[11]:
            problem(row, _("its content does not match its hash: edited outside panel-tui"))
        if assessor not in assessors:
            problem(row, _("assessor {assessor!r} is not on the panel").format(assessor=assessor))
        if kind not in kinds:
            problem(row, _("unknown event kind {kind!r}").format(kind=kind))
        rubric = rubrics.get(nominee)
        if rubric is None:
            problem(row, _("unknown nominee {nominee!r}").format(nominee=nominee))
        elif kind in ("score", "note") and (criterion or "") not in criteria[nominee]:
            problem(row, _("unknown criterion {criterion!r}").format(criterion=criterion))
        elif kind == "score" and value is not None:
            known = on_scale[id(rubric)]
            allowed = known.get(value)
            if allowed is None:
                allowed = known[value] = rubric.allows(value)
            if not allowed:
                problem(row, _("score {value} is outside the rubric's scale").format(value=value))
        return True

    bounds = [("origin > ?", after), ("origin <= ?", up_to)]
    where = " AND ".join(test for test, bound in bounds if bound is not None)
    params = [bound for _test, bound in bounds if bound is not None]
    sql = (
        f"SELECT {', '.join(Event.COLUMNS)} FROM score_events"
        f"{' WHERE ' + where if where else ''} ORDER BY origin, seq"
    )
    count = 0

    sound_texts: set[object] = set()

    def sound_text(text: object) -> bool:
        """Whether a note or reason is one the store could have written, remembered when
        it is (and short: a long note is seldom repeated, and is not kept alive)."""
        if type(text) is not str or not storable(text):
            return False
        if len(text) <= _REMEMBERED_TEXT:
            sound_texts.add(text)
        return True

    def checked() -> Iterator[tuple[Any, ...]]:
        nonlocal current, prev_hash, count
        for row in conn.execute(sql, params):
            count += 1
            origin, seq, assessor, kind, nominee, criterion, value = row[:7]
            if current is None or origin != current.origin:
                current = ChainSummary(origin, assessor, 0, "")
                chains.append(current)
                prev_hash = genesis_hash(origin, assessor, round_fp, rubric_fp)
            # An event that passes every check `check` makes, found with fewer steps; any
            # other (or a score on a value not yet seen) goes through `check` itself.
            if (
                seq == current.length + 1
                and assessor == current.assessor
                and row[10] == prev_hash
                and hash_of(row) == row[11]
                and assessor in assessors
            ):
                cells = scales.get(nominee)
                if cells is None:
                    fine = False
                elif kind == "score":
                    known = cells.get(criterion)
                    fine = known is not None and (value is None or bool(known.get(value)))
                elif kind == "note":
                    fine = criterion in cells
                else:
                    fine = kind in kinds
                # the store's rule for what a note or reason may hold (domain/text.py),
                # asked once of each short text: a panel's reasons repeat
                note, reason = row[7], row[8]
                if fine and not (
                    (note is None or note in sound_texts or sound_text(note))
                    and (reason is None or reason in sound_texts or sound_text(reason))
                ):
                    fine = False
            else:
                fine = False
            sound = check(row, current) if not fine else True
            current.length = seq if type(seq) is int else current.length + 1
            current.head = row[11]
            prev_hash = row[11]
            if sound:
                yield row

    try:
        if project:
            found.current = fold(checked())
        else:
            for _row in checked():
                pass
    finally:
        found.events += count
