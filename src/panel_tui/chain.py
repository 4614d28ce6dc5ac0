"""The audit chain: every event's hash covers the previous hash and the event's content.

hash = sha256(prev_hash + "\\n" + canonical JSON of the event without its hashes). The first
event of a chain starts from a genesis hash that binds the chain to its origin, its assessor
and the round and rubric fingerprints, so the rubric cannot be swapped under the scores.
"""

from __future__ import annotations

import hashlib
from dataclasses import astuple, dataclass, replace

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


def event_hash(event: Event) -> str:
    payload = event.prev_hash + "\n" + canonical_json(event.content())
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
