"""The direct event encoder used for hashing equals the reference canonical JSON."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from panel_tui.chain import Event, event_json
from panel_tui.snapshot import canonical_json

texts = st.one_of(st.none(), st.text())
values = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.sampled_from([0.5, 4.0, -0.0, 1e16, 1e-7, 3.3333333333333335]),
)


@settings(max_examples=400, deadline=None)
@given(
    origin=st.text(),
    seq=st.integers(min_value=0, max_value=10**9),
    assessor=st.text(),
    kind=st.sampled_from(["score", "note", "comment", "recuse"]),
    nominee=st.text(),
    criterion=texts,
    value=values,
    note=texts,
    reason=texts,
    at=st.text(),
)
def test_event_json_is_canonical_json(**fields: object) -> None:
    event = Event(**fields, prev_hash="", hash="")  # type: ignore[arg-type]
    assert event_json(event) == canonical_json(event.content())
