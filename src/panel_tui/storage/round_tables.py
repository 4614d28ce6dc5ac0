"""The round's tables: the snapshot and its relational copy, written once when a database is created."""

from __future__ import annotations

import json
import sqlite3

from panel_tui.domain.model import Round
from panel_tui.storage.snapshot import (
    canonical_json,
    round_fingerprint,
    round_to_dict,
    rubric_fingerprint,
)


def write_round_tables(conn: sqlite3.Connection, round_: Round) -> None:
    data = round_to_dict(round_)
    conn.execute(
        "INSERT INTO round (id, title, province, year, stage, venue, dates, number_format, advance,"
        " presentation_minutes, snapshot, round_fingerprint, rubric_fingerprint)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            round_.id,
            round_.title,
            round_.province,
            round_.year,
            round_.stage,
            round_.venue,
            json.dumps(data["dates"]),
            round_.number_format,
            round_.advance,
            round_.presentation_minutes,
            canonical_json(data, finite=True),  # the snapshot: never one its reader refuses
            round_fingerprint(round_),
            rubric_fingerprint(round_),
        ),
    )
    conn.executemany(
        "INSERT INTO assessors VALUES (?, ?, ?, ?)",
        [(a.id, a.name, a.affiliation, i) for i, a in enumerate(round_.assessors)],
    )
    conn.executemany(
        "INSERT INTO rubrics VALUES (?, ?, ?, ?)",
        [(r.id, r.min, r.max, r.step) for r in round_.rubrics],
    )
    conn.executemany(
        "INSERT INTO categories VALUES (?, ?, ?, ?)",
        [(c.id, c.title, c.rubric, i) for i, c in enumerate(round_.categories)],
    )
    conn.executemany(
        "INSERT INTO criteria VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                r.id,
                c.id,
                i,
                c.title,
                c.weight,
                c.guidance,
                json.dumps(list(c.claims)),
                json.dumps([list(level) for level in c.levels], ensure_ascii=False),
            )
            for r in round_.rubrics
            for i, c in enumerate(r.criteria)
        ],
    )
    conn.executemany(
        'INSERT INTO nominees (id, name, category, presenter, slot, "order", position)'
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                n.id,
                n.name,
                n.category,
                n.presenter,
                n.slot.isoformat(sep=" ", timespec="minutes") if n.slot else None,
                n.order,
                i,
            )
            for i, n in enumerate(round_.nominees)
        ],
    )
    conn.executemany(
        "INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                c.nominee,
                c.key,
                i,
                c.label,
                c.value,
                c.text,
                c.unit,
                c.denominator,
                c.denominator_label,
                c.percent,
                c.part_of,
                c.source,
                json.dumps(list(c.warnings), ensure_ascii=False),
            )
            for i, c in enumerate(round_.claims)
        ],
    )
