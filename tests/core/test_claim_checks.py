"""Claim consistency warnings and the fast claim constructors the loader uses."""

from __future__ import annotations

import dataclasses
import inspect
import math
import pickle
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from panel_tui.domain.claim_checks import PERCENT_TOLERANCE, PERCENT_UNITS, _fmt, claim_warnings
from panel_tui.domain.model import Claim, claim_with_warnings, new_claim, new_claims
from panel_tui.i18n import _


def _reference_warnings(claims: list[Claim]) -> list[Claim]:
    """claim_warnings as it was before its fast path: every check on every claim."""
    children: dict[tuple[str, str], list[Claim]] = {}
    for claim in claims:
        if claim.part_of:
            children.setdefault((claim.nominee, claim.part_of), []).append(claim)
    checked = []
    for claim in claims:
        warnings: list[str] = []
        parts = children.get((claim.nominee, claim.key), [])
        numeric_parts = [p.value for p in parts if p.value is not None]
        if claim.value is not None and parts and len(numeric_parts) == len(parts):
            total = sum(numeric_parts)
            if abs(total - claim.value) > 1e-6 * max(1.0, abs(claim.value)):
                warnings.append(
                    _("its {count} parts add up to {total}, not {value}").format(
                        count=len(parts), total=_fmt(total), value=_fmt(claim.value)
                    )
                )
        if claim.value is not None and claim.denominator and claim.percent is not None:
            share = 100.0 * claim.value / claim.denominator
            if abs(share - claim.percent) > PERCENT_TOLERANCE:
                warnings.append(
                    _("value / denominator is {share}%, but {percent}% is stated").format(
                        share=_fmt(share), percent=_fmt(claim.percent)
                    )
                )
        is_percent = claim.unit.strip().lower() in PERCENT_UNITS or claim.text.endswith("%")
        if claim.percent is not None and claim.percent > 100:
            warnings.append(
                _("stated percent {percent}% is over 100%").format(percent=_fmt(claim.percent))
            )
        elif is_percent and claim.value is not None and claim.value > 100:
            warnings.append(
                _("percentage {percent}% is over 100%").format(percent=_fmt(claim.value))
            )
        elif claim.coverage is not None and claim.coverage > 100:
            warnings.append(
                _("value is {share}% of its denominator: over 100%").format(
                    share=_fmt(claim.coverage)
                )
            )
        if claim.value is not None and claim.value < 0 and not is_percent:
            warnings.append(_("negative count {value}").format(value=_fmt(claim.value)))
        checked.append(replace(claim, warnings=tuple(warnings)) if warnings else claim)
    return checked


NUMBERS = st.one_of(
    st.none(),
    st.sampled_from([0.0, -0.0, 1.0, 50.0, 99.5, 100.0, 100.5, 101.0, -1.0, -200.0, 1e9]),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.floats(allow_nan=True, allow_infinity=True),  # an XLSX cell is taken as it is
)
KEYS = st.sampled_from(["a", "b", "c", "a.b"])
CLAIMS = st.builds(
    Claim,
    nominee=st.sampled_from(["n1", "n2"]),
    key=KEYS,
    label=st.just("label"),
    value=NUMBERS,
    text=st.sampled_from(["", "12", "12%", "Rp3 juta", "teks"]),
    unit=st.sampled_from(["", "%", " Persen ", "percent", "persons", "IDR", "text"]),
    denominator=NUMBERS,
    percent=NUMBERS,
    part_of=st.sampled_from(["", "", "a", "b", "a.b"]),
    warnings=st.sampled_from([(), ("an earlier warning",)]),
)


@given(claims=st.lists(CLAIMS, max_size=12))
def test_claim_warnings_are_those_of_every_check(claims: list[Claim]) -> None:
    got = claim_warnings(claims)
    expected = _reference_warnings(claims)
    assert [c.warnings for c in got] == [c.warnings for c in expected]
    # The same claims otherwise, and the very same object where nothing was added.
    for before, after, reference in zip(claims, got, expected, strict=True):
        assert _fields(after) == _fields(reference)
        assert (after is before) == (reference is before)


def _fields(claim: Claim) -> tuple[object, ...]:
    # NaN != NaN: compare their reprs so that a NaN value is the same NaN value.
    return tuple(
        repr(v) if isinstance(v, float) and math.isnan(v) else v for v in dataclasses.astuple(claim)
    )


def test_new_claim_takes_claims_arguments_and_builds_the_same_claim() -> None:
    fields = [f.name for f in dataclasses.fields(Claim)]
    assert list(inspect.signature(new_claim).parameters) == fields
    assert (
        inspect.signature(new_claim).parameters.keys() == inspect.signature(Claim).parameters.keys()
    )
    for name, parameter in inspect.signature(Claim).parameters.items():
        assert inspect.signature(new_claim).parameters[name].default == parameter.default
    arguments = dict(
        nominee="n1",
        key="coverage.total",
        label="Coverage",
        value=12.5,
        text="12,5",
        unit="%",
        denominator=100.0,
        denominator_label="BPS",
        percent=12.5,
        part_of="coverage",
        source="report",
        warnings=("w",),
    )
    fast, slow = new_claim(**arguments), Claim(**arguments)  # type: ignore[arg-type]
    assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
    assert dataclasses.asdict(fast) == dataclasses.asdict(slow)
    assert pickle.loads(pickle.dumps(fast)) == slow
    assert new_claim("n", "k", "l", None, "t") == Claim("n", "k", "l", None, "t")
    try:
        fast.value = 1.0  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        pass
    else:  # pragma: no cover
        raise AssertionError("a claim built fast must stay frozen")


def test_new_claims_builds_each_rows_claim() -> None:
    columns: list[list[object]] = [
        ["n1", "n2"],
        ["k1", "k2"],
        ["L1", "L2"],
        [1.5, None],
        ["1,5", "text"],
        ["%", "text"],
        [10.0, None],
        ["BPS", ""],
        [15.0, None],
        ["", "k1"],
        ["s", ""],
    ]
    built = new_claims(*columns)
    assert built == [Claim(*row) for row in zip(*columns, strict=True)]
    assert [c.warnings for c in built] == [(), ()]
    assert new_claims(*columns, [("w",), ()]) == [
        Claim(*row) for row in zip(*columns, [("w",), ()], strict=True)
    ]
    assert new_claims(*[[] for _ in columns]) == []


def test_claim_with_warnings_is_replace() -> None:
    claim = Claim("n1", "k", "label", 1.0, "1", warnings=("old",))
    assert claim_with_warnings(claim, ("new",)) == replace(claim, warnings=("new",))
    assert claim.warnings == ("old",)
