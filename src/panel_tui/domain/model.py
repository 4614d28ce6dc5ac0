"""The round as the panel sees it: plain, immutable data with no I/O.

Everything here is built by the loader (from a round package) or by the store (from an
assessor database snapshot); the UI, merge and tally only read it.
"""

from __future__ import annotations

import fnmatch
import math
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from itertools import repeat
from typing import Literal, cast

from panel_tui.domain import formatting
from panel_tui.i18n import _

NumberFormat = Literal["id", "en"]
AFFILIATIONS = ("government", "bpjs", "academic", "employer", "union", "other")
STAGES = ("provincial", "national")
# The years a round may be held in (round.toml, and a snapshot read back).
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True)
class Assessor:
    id: str
    name: str
    affiliation: str = "other"


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    weight: float
    guidance: str = ""
    claims: tuple[str, ...] = ()
    levels: tuple[tuple[float, str], ...] = ()

    def links_claim(self, key: str) -> bool:
        return any(fnmatch.fnmatchcase(key, pattern) for pattern in self.claims)


@dataclass(frozen=True)
class Rubric:
    id: str
    min: float
    max: float
    step: float
    criteria: tuple[Criterion, ...]

    @property
    def total_weight(self) -> float:
        return sum(c.weight for c in self.criteria)

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)

    def allows(self, value: float) -> bool:
        """True when `value` is on the scale and on a step from its minimum."""
        if not math.isfinite(value):
            return False
        if value < self.min - 1e-9 or value > self.max + 1e-9:
            return False
        steps = (value - self.min) / self.step
        return abs(steps - round(steps)) < 1e-9

    def scale_problem(self, value: float) -> str | None:
        """Why `value` is not a score of this rubric (None when it is one)."""
        if self.allows(value):
            return None
        if math.isfinite(value) and self.min - 1e-9 <= value <= self.max + 1e-9:
            return _(
                "{value} is not a step of the scale {scale} (scores go up in steps of {step})"
            ).format(
                value=formatting.score(value),
                scale=self.describe_scale(),
                step=formatting.score(self.step),
            )
        return _("{value} is outside the scale {scale}").format(
            value=formatting.score(value), scale=self.describe_scale()
        )

    def values(self) -> list[float]:
        """Every score the scale allows, lowest first."""
        count = round((self.max - self.min) / self.step)
        return [self.min + i * self.step for i in range(count + 1)]

    def describe_scale(self) -> str:
        span = f"{formatting.score(self.min)}–{formatting.score(self.max)}"
        if self.step == 1:
            return span
        return _("{span}, step {step}").format(span=span, step=formatting.score(self.step))


@dataclass(frozen=True)
class Category:
    id: str
    title: str
    rubric: str


@dataclass(frozen=True, slots=True)
class Claim:
    nominee: str
    key: str
    label: str
    value: float | None
    text: str
    unit: str = ""
    denominator: float | None = None
    denominator_label: str = ""
    percent: float | None = None
    part_of: str = ""
    source: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def coverage(self) -> float | None:
        """value / denominator as a percentage, when both are numbers."""
        if self.value is None or not self.denominator:
            return None
        return 100.0 * self.value / self.denominator


# Each field's slot, set directly: a frozen dataclass's __init__ sets its fields one by one
# through object.__setattr__, and a national round has tens of thousands of claims.
_CLAIM_FIELDS = tuple(f.name for f in fields(Claim))
_CLAIM_SETTERS = tuple(getattr(Claim, name).__set__ for name in _CLAIM_FIELDS)
(
    _set_nominee,
    _set_key,
    _set_label,
    _set_value,
    _set_text,
    _set_unit,
    _set_denominator,
    _set_denominator_label,
    _set_percent,
    _set_part_of,
    _set_source,
    _set_warnings,
) = _CLAIM_SETTERS
_new_object = object.__new__


def new_claim(
    nominee: str,
    key: str,
    label: str,
    value: float | None,
    text: str,
    unit: str = "",
    denominator: float | None = None,
    denominator_label: str = "",
    percent: float | None = None,
    part_of: str = "",
    source: str = "",
    warnings: tuple[str, ...] = (),
) -> Claim:
    """`Claim(...)` with the same arguments and the same result, about twice as fast."""
    claim = _new_object(Claim)
    _set_nominee(claim, nominee)
    _set_key(claim, key)
    _set_label(claim, label)
    _set_value(claim, value)
    _set_text(claim, text)
    _set_unit(claim, unit)
    _set_denominator(claim, denominator)
    _set_denominator_label(claim, denominator_label)
    _set_percent(claim, percent)
    _set_part_of(claim, part_of)
    _set_source(claim, source)
    _set_warnings(claim, warnings)
    return claim


def new_claims(*columns: Sequence[object]) -> list[Claim]:
    """`[new_claim(*row) for row in zip(*columns)]`, built a field at a time by C code.

    The columns follow new_claim's arguments; the fields after them take their defaults.
    """
    count = len(columns[0])
    claims = list(map(_new_object, repeat(Claim, count)))
    defaults = [repeat(f.default, count) for f in fields(Claim)[len(columns) :]]
    for set_field, column in zip(_CLAIM_SETTERS, (*columns, *defaults), strict=True):
        deque(map(set_field, claims, column), maxlen=0)  # consumes the map: sets the field
    return claims


def claim_with_warnings(claim: Claim, warnings: tuple[str, ...]) -> Claim:
    """`dataclasses.replace(claim, warnings=warnings)`, without the dataclass's slow path."""
    return new_claim(
        claim.nominee,
        claim.key,
        claim.label,
        claim.value,
        claim.text,
        claim.unit,
        claim.denominator,
        claim.denominator_label,
        claim.percent,
        claim.part_of,
        claim.source,
        warnings,
    )


@dataclass(frozen=True)
class Nominee:
    id: str
    name: str
    category: str
    presenter: str = ""
    slot: datetime | None = None
    order: int | None = None


class _DeferredClaims:
    """Claims not built yet: `load` builds them when `Round.claims` is first read."""

    __slots__ = ("load", "load_nominee")

    def __init__(
        self,
        load: Callable[[], Iterable[Claim]],
        load_nominee: Callable[[str], Iterable[Claim]] | None = None,
    ) -> None:
        self.load = load
        self.load_nominee = load_nominee


class _ClaimsField:
    """`Round.claims`, which may be built on first use (see `defer_claims`).

    A national round holds tens of thousands of claims; the scoring app's first screen needs
    none of them, so a database's round can be opened without building them.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}_value"

    def __get__(self, obj: object, objtype: type | None = None) -> tuple[Claim, ...]:
        if obj is None:
            return ()  # the dataclass field's default
        value = obj.__dict__[self.slot]
        if isinstance(value, _DeferredClaims):
            value = tuple(value.load())
            obj.__dict__[self.slot] = value
        return cast("tuple[Claim, ...]", value)

    def __set__(self, obj: object, value: tuple[Claim, ...] | _DeferredClaims) -> None:
        obj.__dict__[self.slot] = value


@dataclass(frozen=True)
class Round:
    id: str
    title: str
    province: str
    year: int
    stage: str
    venue: str = ""
    dates: tuple[date, ...] = ()
    number_format: NumberFormat = "en"
    advance: int | None = None
    presentation_minutes: int | None = None
    timezone: str = ""  # IANA name declared in round.toml; "" = the province's zone
    assessors: tuple[Assessor, ...] = ()
    categories: tuple[Category, ...] = ()
    rubrics: tuple[Rubric, ...] = ()
    nominees: tuple[Nominee, ...] = ()
    claims: tuple[Claim, ...] = _ClaimsField()  # type: ignore[assignment]
    _index: dict[str, dict[str, object]] = field(
        default_factory=dict, compare=False, repr=False, hash=False
    )

    def _lookup(self, kind: str, items: tuple[object, ...]) -> dict[str, object]:
        table = self._index.get(kind)
        if table is None:
            table = {item.id: item for item in items}  # type: ignore[attr-defined]
            self._index[kind] = table
        return table

    def assessor(self, assessor_id: str) -> Assessor | None:
        return self._lookup("assessor", self.assessors).get(assessor_id)  # type: ignore[return-value]

    def category(self, category_id: str) -> Category | None:
        return self._lookup("category", self.categories).get(category_id)  # type: ignore[return-value]

    def rubric(self, rubric_id: str) -> Rubric | None:
        return self._lookup("rubric", self.rubrics).get(rubric_id)  # type: ignore[return-value]

    def nominee(self, nominee_id: str) -> Nominee | None:
        return self._lookup("nominee", self.nominees).get(nominee_id)  # type: ignore[return-value]

    def rubric_for(self, nominee: Nominee) -> Rubric:
        category = self.category(nominee.category)
        assert category is not None, f"nominee {nominee.id} has an unknown category"
        rubric = self.rubric(category.rubric)
        assert rubric is not None, f"category {category.id} has an unknown rubric"
        return rubric

    def claims_of(self, nominee_id: str) -> list[Claim]:
        table = self._index.get("claims")
        deferred = self.__dict__.get("_claims_value")
        if table is None and isinstance(deferred, _DeferredClaims) and deferred.load_nominee:
            # One nominee's claims without building every claim of the round.
            loaded: dict[str, list[Claim]] = self._index.setdefault("claims_of", {})  # type: ignore[assignment]
            if nominee_id not in loaded:
                loaded[nominee_id] = list(deferred.load_nominee(nominee_id))
            return list(loaded[nominee_id])
        if table is None:
            grouped: dict[str, list[Claim]] = {}
            for claim in self.claims:
                grouped.setdefault(claim.nominee, []).append(claim)
            table = grouped  # type: ignore[assignment]
            self._index["claims"] = table  # type: ignore[assignment]
        return list(table.get(nominee_id, []))  # type: ignore[union-attr, arg-type]

    def agenda(self) -> list[Nominee]:
        """Nominees in interview order: by slot, then order, then as listed."""
        position = {n.id: i for i, n in enumerate(self.nominees)}

        def key(n: Nominee) -> tuple[object, ...]:
            return (
                n.slot is None,
                n.slot or datetime.min,
                n.order is None,
                n.order or 0,
                position[n.id],
            )

        return sorted(self.nominees, key=key)


def defer_claims(
    round_: Round,
    load: Callable[[], Iterable[Claim]],
    load_nominee: Callable[[str], Iterable[Claim]] | None = None,
) -> Round:
    """`round_` (whose claims are empty) with claims that `load` builds when first read.

    `load_nominee`, when given, reads one nominee's claims for `claims_of` (in round order),
    so the scoring app never builds the tens of thousands of claims of a national round.
    """
    object.__setattr__(round_, "claims", _DeferredClaims(load, load_nominee))
    round_._index.pop("claims", None)
    round_._index.pop("claims_of", None)
    return round_


def format_score(value: float | None) -> str:
    """A score's plain spelling, 4, 3.5, 7.25 (empty when not scored): what keys and typed
    sheets are matched against. Shown to a reader, a score is `formatting.score`."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:g}"
