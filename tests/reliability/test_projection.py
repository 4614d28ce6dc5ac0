"""Every reader of a file gives projection.py's current cells, recusals, notes and final sheets.

Random event logs (several chains per assessor, scores cleared and given again, notes,
recusals withdrawn, sheets finalised and reopened) are written into a real database of the
demo round; the store's readers, tally's readers in both of its paths, and the SQL views
(`scores`, `counted_scores`, `notes`, `recusals`, `finalised`) are then held to the rule,
including on logs whose chains disagree (which verify refuses: the readers must still not
each pick their own answer).
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures.databases import demo_round_dir
from panel_tui.assessor.setup import init_assessor_db
from panel_tui.domain.model import Round
from panel_tui.domain.sheet import Sheet
from panel_tui.storage import projection
from panel_tui.storage.store import Store

ORIGINS = ("o-a", "o-b", "o-c", "o-d")
REASONS = (None, "family", "board member")
NOTES = ("", "asked for the decree", "strong")


def _demo_round() -> Round:
    from panel_tui.round_package.loader import load_round

    loaded = load_round(demo_round_dir())
    assert loaded.round is not None
    return loaded.round


DEMO = _demo_round()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("projection") / "template.db"
    init_assessor_db(demo_round_dir(), DEMO.assessors[0].id, path)
    return path


ASSESSORS = (*(a.id for a in DEMO.assessors[:3]), "outsider")
NOMINEES = tuple(n.id for n in DEMO.nominees)[:3]
CELLS = tuple((n.id, c.id) for n in DEMO.nominees[:3] for c in DEMO.rubric_for(n).criteria[:3])


def _event() -> st.SearchStrategy[tuple[str, str, str | None, float | None, str | None]]:
    """(kind, nominee, criterion, value, text): text is the note, or the reason."""
    cell = st.sampled_from(CELLS)
    nominee = st.sampled_from(NOMINEES)
    return st.one_of(
        st.tuples(st.just("score"), cell, st.sampled_from([None, 1.0, 3.0, 5.0])),
        st.tuples(st.just("note"), cell, st.sampled_from(NOTES)),
        st.tuples(st.just("comment"), nominee, st.sampled_from(NOTES)),
        st.tuples(st.sampled_from(["recuse", "unrecuse"]), nominee, st.sampled_from(REASONS)),
        st.tuples(st.sampled_from(["finalise", "reopen"]), nominee, st.just(None)),
    ).map(_flatten)


def _flatten(
    drawn: tuple[object, ...],
) -> tuple[str, str, str | None, float | None, str | None]:
    kind = str(drawn[0])
    if kind in ("score", "note"):
        nominee, criterion = cast(tuple[str, str], drawn[1])
        if kind == "score":
            return kind, nominee, criterion, cast(float | None, drawn[2]), None
        return kind, nominee, criterion, None, cast(str, drawn[2])
    return kind, str(drawn[1]), None, None, cast(str | None, drawn[2])


LOG = st.lists(
    st.tuples(st.sampled_from(ORIGINS), st.lists(_event(), min_size=1, max_size=25)),
    min_size=1,
    max_size=4,
    unique_by=lambda chain: chain[0],
).flatmap(
    lambda chains: st.tuples(
        st.just(chains),
        st.lists(st.sampled_from(ASSESSORS), min_size=len(chains), max_size=len(chains)),
    )
)


def _write(path: Path, chains: list[tuple[str, str, list[tuple[object, ...]]]]) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DELETE FROM score_events")
        for origin, assessor, events in chains:
            for seq, (kind, nominee, criterion, value, text) in enumerate(events, 1):
                note = text if kind in ("note", "comment") else None
                reason = text if kind not in ("note", "comment") else None
                conn.execute(
                    "INSERT INTO score_events (origin, seq, assessor, kind, nominee, criterion,"
                    " value, note, reason, at, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        origin,
                        seq,
                        assessor,
                        kind,
                        nominee,
                        criterion,
                        value,
                        note,
                        reason,
                        f"2025-07-14T09:{seq % 60:02d}:00.000Z",
                        "p",
                        f"{origin}-{seq}",
                    ),
                )
    conn.close()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=LOG)
def test_every_reader_gives_the_projection(
    drawn: tuple[list[tuple[str, list[tuple[object, ...]]]], list[str]],
    template: Path,
    tmp_path: Path,
) -> None:
    logs, assessors = drawn
    chains = [
        (origin, assessor, events)
        for (origin, events), assessor in zip(logs, assessors, strict=True)
    ]
    path = tmp_path / "log.db"
    shutil.copy(template, path)
    _write(path, chains)
    round_ = DEMO
    panel = [a.id for a in round_.assessors]

    rows = [
        (
            origin,
            seq,
            assessor,
            *event[:4],
            event[4] if event[0] in ("note", "comment") else None,
            event[4] if event[0] not in ("note", "comment") else None,
            "",
            "",
            "",
        )
        for origin, assessor, events in sorted(chains)
        for seq, event in enumerate(events, 1)
    ]
    expected = projection.sheets(projection.fold(rows))

    with Store.open(path, readonly=True) as store:
        conn = store.conn
        for assessor in ASSESSORS:
            mine = expected.get(assessor, {})
            assert store.sheets(assessor) == mine
            assert store.sheet_counts(assessor) == {
                n: (len(s.scores), s.final, s.recused) for n, s in mine.items()
            }
            for nominee in NOMINEES:
                assert store.sheet(nominee, assessor) == mine.get(nominee, Sheet(nominee))
        # What a write checks under its lock (recused? final?), from the events that decide it.
        own = expected.get(store.assessor_id or "", {})
        for nominee in NOMINEES:
            held = own.get(nominee, Sheet(nominee))
            assert store._sheet_state(nominee) == (held.recused, held.final)

        every_score = {
            (a, n, c, v)
            for a, of in expected.items()
            for n, s in of.items()
            for c, v in s.scores.items()
        }
        # The SQL views.
        assert (
            set(conn.execute("SELECT assessor, nominee, criterion, value FROM scores"))
            == every_score
        )
        assert sorted(conn.execute("SELECT assessor, nominee, reason FROM recusals")) == sorted(
            (a, n, s.recusal_reason or None)
            for a, of in expected.items()
            for n, s in of.items()
            if s.recused
        )
        assert set(conn.execute("SELECT assessor, nominee FROM finalised")) == {
            (a, n) for a, of in expected.items() for n, s in of.items() if s.final
        }
        notes: set[tuple[str, str, str | None, str]] = {
            (a, n, c, t)
            for a, of in expected.items()
            for n, s in of.items()
            for c, t in s.notes.items()
        }
        notes |= {
            (a, n, None, s.comment)
            for a, of in expected.items()
            for n, s in of.items()
            if s.comment
        }
        assert set(conn.execute("SELECT assessor, nominee, criterion, note FROM notes")) == notes
        counted = sorted(projection.counted(expected, panel))
        assert (
            sorted(conn.execute("SELECT assessor, nominee, criterion, value FROM counted_scores"))
            == counted
        )
