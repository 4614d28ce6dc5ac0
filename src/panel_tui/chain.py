"""The audit chain: every event's hash covers the previous hash and the event's content.

hash = sha256(prev_hash + "\\n" + canonical JSON of the event without its hashes). The first
event of a chain starts from a genesis hash that binds the chain to its origin, its assessor
and the round and rubric fingerprints, so the rubric cannot be swapped under the scores.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import astuple, dataclass, replace
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
        return astuple(self)

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


def _text(value: object) -> str:
    return "null" if value is None else _encode_string(value)  # type: ignore[arg-type]


def event_json(event: Event) -> str:
    """canonical_json(event.content()), built directly (merge and verify hash every event)."""
    e = event
    value = e.value
    if (
        type(e.seq) is not int
        or not all(
            type(v) is str or v is None
            for v in (e.origin, e.assessor, e.kind, e.nominee, e.criterion, e.note, e.reason, e.at)
        )
        or (value is not None and (type(value) not in (float, int) or not math.isfinite(value)))
    ):
        return canonical_json(event.content())  # anything unusual: the reference encoder
    if value is None:
        number = "null"
    elif float(value).is_integer():
        number = int.__repr__(int(value))
    else:
        number = float.__repr__(float(value))
    return (
        f'{{"assessor":{_text(e.assessor)},"at":{_text(e.at)},'
        f'"criterion":{_text(e.criterion)},"kind":{_text(e.kind)},'
        f'"nominee":{_text(e.nominee)},"note":{_text(e.note)},'
        f'"origin":{_text(e.origin)},"reason":{_text(e.reason)},'
        f'"seq":{int.__repr__(e.seq)},"value":{number}}}'
    )


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
