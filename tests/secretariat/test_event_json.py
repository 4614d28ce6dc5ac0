"""The direct event encoder used for hashing equals the reference canonical JSON."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from panel_tui.storage.chain import Event, event_hash, event_json, new_event
from panel_tui.storage.snapshot import canonical_json

texts = st.one_of(st.none(), st.text())
values = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.sampled_from([0.5, 4.0, -0.0, 1e16, 1e-7, 3.3333333333333335]),
)


# An event's fields, as the audit chain stores them (before its hashes).
EVENT_FIELDS = {
    "origin": st.text(),
    "seq": st.integers(min_value=0, max_value=10**9),
    "assessor": st.text(),
    "kind": st.sampled_from(["score", "note", "comment", "recuse"]),
    "nominee": st.text(),
    "criterion": texts,
    "value": values,
    "note": texts,
    "reason": texts,
    "at": st.text(),
}


@settings(max_examples=400, deadline=None)
@given(**EVENT_FIELDS)
def test_event_json_is_canonical_json(**fields: object) -> None:
    event = Event(**fields, prev_hash="", hash="")  # type: ignore[arg-type]
    assert event_json(event) == canonical_json(event.content())


@settings(max_examples=200, deadline=None)
@given(**EVENT_FIELDS, prev_hash=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))
def test_new_event_carries_the_hash_of_its_fields(prev_hash: str, **fields: object) -> None:
    event = new_event(**fields, prev_hash=prev_hash)  # type: ignore[arg-type]
    assert event.hash == event_hash(event.with_hash(""))
    assert event.row()[:11] == (*(fields[name] for name in EVENT_FIELDS), prev_hash)
