"""The round as JSON-able data, and the fingerprints that tie databases to one round.

Two fingerprints, both SHA-256 over canonical JSON:
- the *round* fingerprint covers what is being scored and by whom: round id, year, stage,
  the panel's assessor ids, the categories with their rubric, the nominee ids with their
  category, and `advance`. Titles, claims and presenters are left out so a corrected typo
  does not split the panel's databases.
- the *rubric* fingerprint covers how scores count: every rubric's scale and step and its
  criteria ids and weights, in order.
Merge refuses a database whose fingerprints differ from the target's.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import date, datetime
from typing import Any

from panel_tui.domain.model import (
    MAX_YEAR,
    MIN_YEAR,
    Assessor,
    Category,
    Claim,
    Criterion,
    Nominee,
    Round,
    Rubric,
)
from panel_tui.i18n import N_, _


def canonical_json(data: object, *, finite: bool = False) -> str:
    """With `finite`, ValueError for an infinite or NaN number, which JSON has not (a snapshot
    holding `Infinity` would be refused as damaged when read); an event being hashed may
    hold one (a forged file), so by default they are written as Python does."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=not finite
    )


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _num(value: float | None) -> int | float | None:
    """Integral floats as ints so 5 and 5.0 hash alike."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def round_to_dict(round_: Round) -> dict[str, Any]:
    data = _round_dict(round_)
    if round_.timezone:  # only when declared: older snapshots stay byte for byte the same
        data["timezone"] = round_.timezone
    return data


def _round_dict(round_: Round) -> dict[str, Any]:
    return {
        "id": round_.id,
        "title": round_.title,
        "province": round_.province,
        "year": round_.year,
        "stage": round_.stage,
        "venue": round_.venue,
        "dates": [d.isoformat() for d in round_.dates],
        "number_format": round_.number_format,
        "advance": round_.advance,
        "presentation_minutes": round_.presentation_minutes,
        "assessors": [
            {"id": a.id, "name": a.name, "affiliation": a.affiliation} for a in round_.assessors
        ],
        "categories": [
            {"id": c.id, "title": c.title, "rubric": c.rubric} for c in round_.categories
        ],
        "rubrics": [
            {
                "id": r.id,
                "min": _num(r.min),
                "max": _num(r.max),
                "step": _num(r.step),
                "criteria": [
                    {
                        "id": c.id,
                        "title": c.title,
                        "weight": _num(c.weight),
                        "guidance": c.guidance,
                        "claims": list(c.claims),
                        "levels": [[_num(level), text] for level, text in c.levels],
                    }
                    for c in r.criteria
                ],
            }
            for r in round_.rubrics
        ],
        "nominees": [
            {
                "id": n.id,
                "name": n.name,
                "category": n.category,
                "presenter": n.presenter,
                "slot": n.slot.isoformat(sep=" ", timespec="minutes") if n.slot else None,
                "order": n.order,
            }
            for n in round_.nominees
        ],
        "claims": [
            {
                "nominee": c.nominee,
                "key": c.key,
                "label": c.label,
                "value": _num(c.value),
                "text": c.text,
                "unit": c.unit,
                "denominator": _num(c.denominator),
                "denominator_label": c.denominator_label,
                "percent": _num(c.percent),
                "part_of": c.part_of,
                "source": c.source,
                "warnings": list(c.warnings),
            }
            for c in round_.claims
        ],
    }


def round_from_dict(data: dict[str, Any]) -> Round:
    """The round of a snapshot; ValueError for one no round package makes (`check` refuses
    it: refuse_impossible), which every reader would otherwise meet as a division by zero,
    a number SQLite cannot hold or two rows of one nominee."""
    return refuse_impossible(_round_from_dict(data))


# What reading a snapshot edited into nonsense can raise (a text where a number goes, a
# list for an object, 5,000 nested lists, an integer of 400 digits): a damaged snapshot,
# never a crash. The one list every reader of a snapshot catches.
SNAPSHOT_ERRORS = (ValueError, KeyError, TypeError, AttributeError, RecursionError, ArithmeticError)


# What `check` allows of a scale (round_toml.py): at most this many steps from min to max.
MAX_STEPS = 1000


def refuse_impossible(round_: Round) -> Round:
    """`round_`, or ValueError naming what no round package can hold: an id twice, a scale
    that is not one, a weight that is not a positive number, a year or an `advance` out of
    range."""
    groups: list[tuple[str, list[str], dict[str, str]]] = [
        (N_("assessor {id!r} appears twice"), [a.id for a in round_.assessors], {}),
        (N_("category {id!r} appears twice"), [c.id for c in round_.categories], {}),
        (N_("rubric {id!r} appears twice"), [r.id for r in round_.rubrics], {}),
        (N_("nominee {id!r} appears twice"), [n.id for n in round_.nominees], {}),
    ]
    groups += [
        (
            N_("rubric {rubric}: criterion {id!r} appears twice"),
            [c.id for c in r.criteria],
            {"rubric": r.id},
        )
        for r in round_.rubrics
    ]
    for message, ids, where in groups:
        if len(set(ids)) != len(ids):
            twice = next(i for i in ids if ids.count(i) > 1)
            raise ValueError(_(message).format(id=twice, **where))
    for r in round_.rubrics:
        numbers = (r.min, r.max, r.step)
        span = (r.max - r.min) / r.step if all(map(math.isfinite, numbers)) and r.step > 0 else 0
        if not (r.max > r.min and 0 < span <= MAX_STEPS and abs(span - round(span)) <= 1e-9):
            raise ValueError(
                _(
                    "rubric {rubric}: scale {low:g}–{high:g}, step {step:g} is not a scale panel-tui writes"
                ).format(rubric=r.id, low=r.min, high=r.max, step=r.step)
            )
        for c in r.criteria:
            if not (math.isfinite(c.weight) and c.weight > 0):
                raise ValueError(
                    _(
                        "rubric {rubric}, criterion {criterion}: weight {weight!r} is not a positive number"
                    ).format(rubric=r.id, criterion=c.id, weight=c.weight)
                )
    year = round_.year
    if type(year) is not int or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(
            _("year {value!r}: expected a year from {low} to {high}").format(
                value=year, low=MIN_YEAR, high=MAX_YEAR
            )
        )
    advance = round_.advance
    if advance is not None and (type(advance) is not int or not 1 <= advance <= 100_000):
        raise ValueError(
            _("advance {value!r}: expected a whole number from 1 to 100000").format(value=advance)
        )
    return round_


def _round_from_dict(data: dict[str, Any]) -> Round:
    return Round(
        id=data["id"],
        title=data["title"],
        province=data.get("province", ""),
        year=data["year"],
        stage=data.get("stage", "provincial"),
        venue=data.get("venue", ""),
        dates=tuple(date.fromisoformat(d) for d in data.get("dates", [])),
        number_format=data.get("number_format", "en"),
        advance=data.get("advance"),
        presentation_minutes=data.get("presentation_minutes"),
        timezone=data.get("timezone", ""),
        assessors=tuple(Assessor(a["id"], a["name"], a["affiliation"]) for a in data["assessors"]),
        categories=tuple(Category(c["id"], c["title"], c["rubric"]) for c in data["categories"]),
        rubrics=tuple(
            Rubric(
                r["id"],
                float(r["min"]),
                float(r["max"]),
                float(r["step"]),
                tuple(
                    Criterion(
                        c["id"],
                        c["title"],
                        float(c["weight"]),
                        c.get("guidance", ""),
                        tuple(c.get("claims", [])),
                        tuple((float(level), text) for level, text in c.get("levels", [])),
                    )
                    for c in r["criteria"]
                ),
            )
            for r in data["rubrics"]
        ),
        nominees=tuple(
            Nominee(
                n["id"],
                n["name"],
                n["category"],
                n.get("presenter", ""),
                datetime.fromisoformat(n["slot"]) if n.get("slot") else None,
                n.get("order"),
            )
            for n in data["nominees"]
        ),
        claims=claims_from_list(data.get("claims", [])),
    )


def claims_from_list(items: list[dict[str, Any]]) -> tuple[Claim, ...]:
    """The claims of a snapshot's "claims" list."""

    def opt_float(value: Any) -> float | None:
        return None if value is None else float(value)

    return tuple(
        Claim(
            nominee=c["nominee"],
            key=c["key"],
            label=c["label"],
            value=opt_float(c.get("value")),
            text=c.get("text", ""),
            unit=c.get("unit", ""),
            denominator=opt_float(c.get("denominator")),
            denominator_label=c.get("denominator_label", ""),
            percent=opt_float(c.get("percent")),
            part_of=c.get("part_of", ""),
            source=c.get("source", ""),
            warnings=tuple(c.get("warnings", [])),
        )
        for c in items
    )


def round_fingerprint(round_: Round) -> str:
    return sha256_hex(
        canonical_json(
            {
                "id": round_.id,
                "year": round_.year,
                "stage": round_.stage,
                "advance": round_.advance,
                "assessors": sorted(a.id for a in round_.assessors),
                "categories": sorted([c.id, c.rubric] for c in round_.categories),
                "nominees": sorted([n.id, n.category] for n in round_.nominees),
            }
        )
    )


def rubric_fingerprint(round_: Round) -> str:
    return sha256_hex(
        canonical_json(
            sorted(
                [
                    r.id,
                    _num(r.min),
                    _num(r.max),
                    _num(r.step),
                    [[c.id, _num(c.weight)] for c in r.criteria],
                ]
                for r in round_.rubrics
            )
        )
    )
