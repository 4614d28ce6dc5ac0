"""The audit chain: every event's hash covers the previous hash and the event's content.

hash = sha256(prev_hash + "\\n" + canonical JSON of the event without its hashes). The first
event of a chain starts from a genesis hash that binds the chain to its origin, its assessor
and the round and rubric fingerprints, so the rubric cannot be swapped under the scores.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from json.encoder import encode_basestring as _encode_string  # what ensure_ascii=False uses
from typing import Any, cast

from panel_tui.storage.snapshot import canonical_json

CHAIN_VERSION = "panel-tui/1"
EVENT_KINDS = ("score", "note", "comment", "recuse", "unrecuse", "finalise", "reopen")


@dataclass(frozen=True)
class Event:
    origin: str
    seq: int
    assessor: str
    kind: str
    nominee: str
    criterion: str | None
    value: float | None
    note: str | None
    reason: str | None
    at: str
    prev_hash: str
    hash: str

    COLUMNS = (
        "origin",
        "seq",
        "assessor",
        "kind",
        "nominee",
        "criterion",
        "value",
        "note",
        "reason",
        "at",
        "prev_hash",
        "hash",
    )

    def row(self) -> tuple[object, ...]:
        # The fields in COLUMNS order; astuple's deep copy cost a tenth of a millisecond a save.
        return (
            self.origin,
            self.seq,
            self.assessor,
            self.kind,
            self.nominee,
            self.criterion,
            self.value,
            self.note,
            self.reason,
            self.at,
            self.prev_hash,
            self.hash,
        )

    def with_hash(self, value: str) -> Event:
        return replace(self, hash=value)

    def content(self) -> dict[str, object]:
        value = self.value
        # Only a number is one: a text that float() reads as 5 ("٥", "5_0") is not the score 5.
        if type(value) in (int, float) and float(value).is_integer():  # type: ignore[arg-type]
            value = int(value)  # type: ignore[arg-type]
        return {
            "origin": self.origin,
            "seq": self.seq,
            "assessor": self.assessor,
            "kind": self.kind,
            "nominee": self.nominee,
            "criterion": self.criterion,
            "value": value,
            "note": self.note,
            "reason": self.reason,
            "at": self.at,
        }


def event_json(event: Event) -> str:
    """canonical_json(event.content()), built directly (merge and verify hash every event)."""
    e = event
    return fields_json(
        e.origin, e.seq, e.assessor, e.kind, e.nominee, e.criterion, e.value, e.note, e.reason, e.at
    )


# Typed for any field: a field that is not a string raises TypeError, handled in fields_json.
# (Cast once here: `Callable[...]` subscripted inside the function built a new typing object
# for every event, a fifth of the chain check's time.)
_ENCODE = cast(Callable[[object], str], _encode_string)


def fields_json(
    origin: object,
    seq: object,
    assessor: object,
    kind: object,
    nominee: object,
    criterion: object,
    value: object,
    note: object,
    reason: object,
    at: object,
) -> str:
    """event_json of an event given as its fields (a row as read, without an Event).

    Anything unusual (a non-finite number, a field of an unexpected type) goes through the
    reference encoder, so the result is always exactly canonical_json's.
    """
    if type(seq) is not int:
        return _reference_json(
            origin, seq, assessor, kind, nominee, criterion, value, note, reason, at
        )
    if value is None:
        number = "null"
    elif type(value) is float:
        if value.is_integer():
            number = int.__repr__(int(value))
        elif math.isfinite(value):
            number = float.__repr__(value)
        else:
            return _reference_json(
                origin, seq, assessor, kind, nominee, criterion, value, note, reason, at
            )
    elif type(value) is int:
        number = int.__repr__(value)
    else:
        return _reference_json(
            origin, seq, assessor, kind, nominee, criterion, value, note, reason, at
        )
    enc = _ENCODE
    try:
        # One f-string: a third faster than joining the pieces with +.
        return (
            f'{{"assessor":{enc(assessor)},"at":{enc(at)}'
            f',"criterion":{"null" if criterion is None else enc(criterion)}'
            f',"kind":{enc(kind)},"nominee":{enc(nominee)}'
            f',"note":{"null" if note is None else enc(note)},"origin":{enc(origin)}'
            f',"reason":{"null" if reason is None else enc(reason)}'
            f',"seq":{int.__repr__(seq)},"value":{number}}}'
        )
    except TypeError:  # a field that is not a string: let the reference encoder decide
        return _reference_json(
            origin, seq, assessor, kind, nominee, criterion, value, note, reason, at
        )


def _reference_json(*fields: object) -> str:
    return canonical_json(Event(*fields, "", "").content())  # type: ignore[arg-type, call-arg]


def event_hash(event: Event) -> str:
    payload = event.prev_hash + "\n" + event_json(event)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# What row_hash gives a row that is no event at all: a text no SQLite file can hold (a lone
# surrogate is not UTF-8), so it equals no hash read from a file, whatever a forger computed.
NO_HASH = "\udfff"


def row_hash(row: Sequence[Any]) -> str:
    """event_hash of an event given as a row of Event.COLUMNS (prev_hash at 10), as read;
    NO_HASH for a row with a field JSON cannot hold (a blob anywhere, as a plain UPDATE can
    store): no event panel-tui writes."""
    try:
        payload = row[10] + "\n" + fields_json(*row[:10])
    except TypeError:
        return NO_HASH
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def new_event(
    origin: str,
    seq: int,
    assessor: str,
    kind: str,
    nominee: str,
    criterion: str | None,
    value: float | None,
    note: str | None,
    reason: str | None,
    at: str,
    prev_hash: str,
) -> Event:
    """The event with these fields and its hash (what `with_hash(event_hash(...))` gives,
    without building the event twice: a save is on the keystroke path)."""
    payload = (
        prev_hash
        + "\n"
        + fields_json(origin, seq, assessor, kind, nominee, criterion, value, note, reason, at)
    )
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    return Event(
        origin, seq, assessor, kind, nominee, criterion, value, note, reason, at, prev_hash, digest
    )


def genesis_hash(origin: str, assessor: str, round_fp: str, rubric_fp: str) -> str:
    payload = canonical_json(
        {
            "chain": CHAIN_VERSION,
            "origin": origin,
            "assessor": assessor,
            "round": round_fp,
            "rubric": rubric_fp,
        }
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
