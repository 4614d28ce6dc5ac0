"""The audit chain: every event's hash covers the previous hash and the event's content.

hash = sha256(prev_hash + "\\n" + canonical JSON of the event without its hashes). The first
event of a chain starts from a genesis hash that binds the chain to its origin, its assessor
and the round and rubric fingerprints, so the rubric cannot be swapped under the scores.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, replace
from json.encoder import encode_basestring as _encode_string  # what ensure_ascii=False uses

from panel_tui.snapshot import canonical_json

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
        if value is not None and float(value).is_integer():
            value = int(value)
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
    """canonical_json(event.content()), built directly (merge and verify hash every event).

    Anything unusual (a non-finite number, a field of an unexpected type) goes through the
    reference encoder, so the result is always exactly canonical_json's.
    """
    e = event
    value = e.value
    if type(e.seq) is not int:
        return canonical_json(e.content())
    if value is None:
        number = "null"
    elif type(value) is float:
        if value.is_integer():
            number = int.__repr__(int(value))
        elif math.isfinite(value):
            number = float.__repr__(value)
        else:
            return canonical_json(e.content())
    elif type(value) is int:
        number = int.__repr__(value)
    else:
        return canonical_json(e.content())
    enc = _encode_string
    try:
        return (
            '{"assessor":' + enc(e.assessor)
            + ',"at":' + enc(e.at)
            + ',"criterion":' + ("null" if e.criterion is None else enc(e.criterion))
            + ',"kind":' + enc(e.kind)
            + ',"nominee":' + enc(e.nominee)
            + ',"note":' + ("null" if e.note is None else enc(e.note))
            + ',"origin":' + enc(e.origin)
            + ',"reason":' + ("null" if e.reason is None else enc(e.reason))
            + ',"seq":' + int.__repr__(e.seq)
            + ',"value":' + number
            + "}"
        )  # fmt: skip
    except TypeError:  # a field that is not a string: let the reference encoder decide
        return canonical_json(e.content())


def event_hash(event: Event) -> str:
    payload = event.prev_hash + "\n" + event_json(event)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


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
