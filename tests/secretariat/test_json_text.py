"""The tally's JSON writer gives exactly the standard library's indented text."""

from __future__ import annotations

import enum
import json
import random
from pathlib import Path
from typing import Any

import pytest

from panel_tui.output.export import render_json
from panel_tui.output.json_text import dumps_indented
from panel_tui.secretariat.tally import tally_database


def _standard(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


_TEXTS = [
    "",
    "Lombok Timur",
    'a "quoted" \\ back',
    "line\nbreak\ttab\r\x00\x1f\x7f",
    "Rp3 miliar \u2028\u2029 ☂ 𝄞",
    "\ud800",  # a lone surrogate, as a hostile name can hold
    "[b]x[/b] <script>",
]


_FLOATS = [0.0, -0.0, 1.0, 2.5, 1e16, 1e-7, 5e-324, 1.7976931348623157e308, 84.25, 1 / 3]


def _random_value(rng: random.Random, depth: int) -> Any:
    pick = rng.randrange(10 if depth < 4 else 6)
    if pick == 0:
        return rng.choice(_TEXTS) + str(rng.randrange(100))
    if pick == 1:
        return rng.choice(_FLOATS) * rng.choice([1, -1])
    if pick == 2:
        return rng.choice([0, -1, 7, 2**70, -(2**64)])
    if pick == 3:
        return rng.choice([True, False, None])
    if pick == 4:
        return rng.choice([float("nan"), float("inf"), float("-inf")])
    if pick == 5:
        return rng.choice([[], {}, ()])
    if pick in (6, 7):
        return {
            rng.choice(_TEXTS) + str(i): _random_value(rng, depth + 1)
            for i in range(rng.randrange(6))
        }
    items = [_random_value(rng, depth + 1) for _ in range(rng.randrange(6))]
    return tuple(items) if pick == 8 else items


@pytest.mark.parametrize("seed", range(40))
def test_random_values_are_written_as_the_standard_library_writes_them(seed: int) -> None:
    value = _random_value(random.Random(seed), 0)
    assert dumps_indented(value) == _standard(value)


class _Level(enum.IntEnum):
    HIGH = 3


class _Text(str):
    pass


@pytest.mark.parametrize(
    "value",
    [
        {1: "an int key", 2.5: "a float key", False: "a bool key", None: "no key"},
        {"level": _Level.HIGH},
        [_Text("a subclass of str")],
        {"deep": [[[[[[[[[[{"x": [1.5]}]]]]]]]]]]},
    ],
)
def test_what_it_leaves_to_the_standard_library_comes_out_the_same(value: Any) -> None:
    assert dumps_indented(value) == _standard(value)


def test_the_fast_path_writes_the_usual_values_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tally's own values never need the standard library (else nothing was gained)."""

    def refused(*_args: object, **_kwargs: object) -> str:
        raise AssertionError("handed to json.dumps")

    value = {"a": [1, 2.5, "x", None, True, {"b": []}], "c": {}}
    expected = _standard(value)
    monkeypatch.setattr(json, "dumps", refused)
    assert dumps_indented(value) == expected


def test_a_value_nested_deeper_than_a_tally_is_the_standard_librarys_text() -> None:
    deep: Any = {"x": [1.5, "y"]}
    for level in range(150):
        deep = [deep, level] if level % 2 else {"level": deep}
    assert dumps_indented(deep) == _standard(deep)


def test_what_json_cannot_write_fails_as_the_standard_library_fails() -> None:
    with pytest.raises(TypeError):
        dumps_indented({"when": object()})
    circular: list[Any] = []
    circular.append(circular)
    with pytest.raises(ValueError, match="Circular"):
        dumps_indented(circular)


def test_a_tally_with_every_explanation_is_the_standard_librarys_text(panel_file: Path) -> None:
    result = tally_database(panel_file)
    text = render_json(result, explain=True)
    data = json.loads(text)
    assert data["manifest"] and data["categories"][0]["sensitivity"]
    assert text == _standard(data) + "\n"
