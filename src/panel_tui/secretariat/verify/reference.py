"""What panel-tui would write for a round snapshot (schema and round tables), built once per snapshot and kept for the next file of the same round."""

from __future__ import annotations

import hashlib
import json
import math
import operator
import sqlite3

from panel_tui.domain.model import Round
from panel_tui.storage.connection import (
    transaction,
)
from panel_tui.storage.round_tables import write_round_tables
from panel_tui.storage.schema import create_schema, migration_files
from panel_tui.storage.snapshot import (
    canonical_json,
    round_fingerprint,
    round_from_dict,
    round_to_dict,
    rubric_fingerprint,
)

# The tables holding the round: their rows must be exactly what panel-tui writes for the
# snapshot, so spreadsheets and Datasette (which read the tables) see what the app shows.
ROUND_TABLES = ("round", "assessors", "rubrics", "categories", "criteria", "nominees", "claims")


def reference_database(
    round_: Round, claims: tuple[list[dict[str, object]], list[tuple[object, ...]]] | None = None
) -> sqlite3.Connection:
    """An in-memory database as panel-tui would create it for `round_` (no events).

    `claims`: the snapshot's claims and their rows (`plain_claims`), for a `round_` parsed
    without them: the same database, without a Claim per claim parsed and written back.
    """
    reference = sqlite3.connect(":memory:", isolation_level=None)
    create_schema(reference)
    with transaction(reference):
        write_round_tables(reference, round_)
        if claims is not None:
            items, rows = claims
            data = round_to_dict(round_)
            data["claims"] = items  # what round_to_dict writes for them: they are plain
            reference.execute("UPDATE round SET snapshot = ?", (canonical_json(data),))
            marks = ", ".join("?" for _c in rows[0]) if rows else ""
            if rows:
                reference.executemany(f"INSERT INTO claims VALUES ({marks})", rows)
    return reference


# A snapshot's claim exactly as round_to_dict writes it: these keys, these types.
_CLAIM_TEXTS = ("nominee", "key", "label", "text", "unit", "denominator_label", "part_of", "source")


_CLAIM_NUMBERS = ("value", "denominator", "percent")


_CLAIM_KEYS = frozenset((*_CLAIM_TEXTS, *_CLAIM_NUMBERS, "warnings"))


_EXACT_INT = 1 << 53


_TEXTS_OF = operator.itemgetter(*_CLAIM_TEXTS)


_NUMBERS_OF = operator.itemgetter(*_CLAIM_NUMBERS)


def plain_claims(items: object) -> list[tuple[object, ...]] | None:
    """The claims table's rows for a snapshot's "claims" list, as `write_round_tables` writes
    them for the round parsed from it, when every claim is exactly what `round_to_dict`
    writes (the twelve keys; texts; numbers as `_num` gives them: an int that a float holds
    exactly, or a finite float with a fraction; a list of texts): then parsing the claims and
    writing them back changes nothing. None for anything else, which is parsed in full.
    A national round's 30,000 claims took a second to parse into Claims and write back.
    """
    if type(items) is not list:
        return None
    texts_of, numbers_of = _TEXTS_OF, _NUMBERS_OF
    rows: list[tuple[object, ...]] = []
    for position, claim in enumerate(items):
        if type(claim) is not dict or claim.keys() != _CLAIM_KEYS:
            return None
        texts = texts_of(claim)
        warnings = claim["warnings"]
        if type(warnings) is not list:
            return None
        try:  # str.join takes only str: the texts' and warnings' types at C speed
            "".join(texts)
            "".join(warnings)
        except TypeError:
            return None
        numbers: list[float | None] = []
        for number in numbers_of(claim):
            if number is None:
                numbers.append(None)
            elif type(number) is int and -_EXACT_INT < number < _EXACT_INT:
                numbers.append(float(number))
            elif type(number) is float and math.isfinite(number) and not number.is_integer():
                numbers.append(number)
            else:
                return None
        nominee, key, label, text, unit, denominator_label, part_of, source = texts
        rows.append(
            (
                nominee,
                key,
                position,
                label,
                numbers[0],
                text,
                unit,
                numbers[1],
                denominator_label,
                numbers[2],
                part_of,
                source,
                json.dumps(warnings, ensure_ascii=False) if warnings else "[]",
            )
        )
    return rows


def schema_of(conn: sqlite3.Connection) -> dict[tuple[str, str], str | None]:
    return {
        (kind, name): sql
        for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master")
    }


class Reference:
    """What panel-tui would write for a snapshot: schema version, schema, round tables.

    The tables are kept as an image of the in-memory database (attached to the file being
    verified, so SQLite compares them in C); their rows are read into Python only when a
    table differs and the difference has to be described.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.user_version: int = conn.execute("PRAGMA user_version").fetchone()[0]
        self.schema: dict[tuple[str, str], str | None] = schema_of(conn)
        self.columns: dict[str, list[str]] = {
            t: [row[1] for row in conn.execute(f'PRAGMA table_info("{t}")')] for t in ROUND_TABLES
        }
        self.counts: dict[str, int] = {
            t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in ROUND_TABLES
        }
        self.image: bytes = conn.serialize()
        self._rows: dict[str, list[tuple[object, ...]]] | None = None

    @property
    def rows(self) -> dict[str, list[tuple[object, ...]]]:
        """The round tables' rows as written, in table order."""
        if self._rows is None:
            conn = sqlite3.connect(":memory:", isolation_level=None)
            try:
                conn.deserialize(self.image)
                self._rows = {
                    t: conn.execute(f'SELECT * FROM "{t}"').fetchall() for t in ROUND_TABLES
                }
            finally:
                conn.close()
        return self._rows

    def sorted_reprs(self, table: str) -> list[str]:
        return sorted(map(repr, self.rows[table]))


# Merge verifies many files of one round: the snapshot is parsed, and the reference built,
# once per snapshot (a national round's snapshot holds tens of thousands of claims).
_REFERENCES: dict[str, Reference] = {}


_ROUNDS: dict[str, tuple[Round, str, str]] = {}


_LAST_KEY: list[str] = ["", ""]  # the last snapshot and its key


def _snapshot_key(snapshot: str) -> str:

    if snapshot != _LAST_KEY[0]:
        digest = hashlib.sha256(snapshot.encode("utf-8")).hexdigest()
        _LAST_KEY[:] = [snapshot, digest]
    return f"{len(migration_files())}:{_LAST_KEY[1]}"


def parsed_round(snapshot: str) -> tuple[Round, str, str]:
    """The round in `snapshot` and its round and rubric fingerprints."""
    key = _snapshot_key(snapshot)
    found = _ROUNDS.get(key)
    if found is None:
        data = json.loads(snapshot)
        rows = plain_claims(data.get("claims")) if type(data) is dict else None
        # Plain claims count in no fingerprint and no check of an event: the reference gets
        # them as rows, straight from the snapshot, and the Round none.
        round_ = round_from_dict(data if rows is None else {**data, "claims": []})
        found = (round_, round_fingerprint(round_), rubric_fingerprint(round_))
        _ROUNDS.clear()
        _CLAIMS.clear()
        _ROUNDS[key] = found
        if rows is not None:
            _CLAIMS[key] = (data["claims"], rows)
    return found


# The claims of the snapshot in _ROUNDS when they are plain (`plain_claims`; its Round then
# holds none): the list and the claims table's rows, for its reference.
_CLAIMS: dict[str, tuple[list[dict[str, object]], list[tuple[object, ...]]]] = {}


def reference_for(snapshot: str, round_: Round) -> Reference:
    key = _snapshot_key(snapshot)
    found = _REFERENCES.get(key)
    if found is None:
        conn = reference_database(round_, _CLAIMS.get(key))
        try:
            found = Reference(conn)
        finally:
            conn.close()
        _REFERENCES.clear()
        _REFERENCES[key] = found
    return found


def reference_image(snapshot: str) -> bytes | None:
    """The database panel-tui would create for `snapshot` (schema and round tables, no
    events and no database_info), when a verification in this process has built it."""
    found = _REFERENCES.get(_snapshot_key(snapshot))
    return found.image if found is not None else None
