"""Every message exists in both languages, with the same placeholders, and the .mo is current.

The messages are extracted from the source at test time with Babel (the same extraction as
`python scripts/i18n.py update`), so a new `_()` without its Indonesian fails here. To fix:
`python scripts/i18n.py update`, translate the new entries in the .po, then
`python scripts/i18n.py compile` (docs/translating.md).
"""

from __future__ import annotations

import gettext
import importlib.util
import re
import string
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
FIX = "run `python scripts/i18n.py update`, translate, then `python scripts/i18n.py compile`"
# %-style placeholders: %s, %(name)d, %05.2f, %%; "50% dari" is no placeholder.
PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0+]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()


@pytest.fixture(scope="module")
def source() -> Catalog:
    catalog: Catalog = SCRIPT.extract()
    return catalog


@pytest.fixture(scope="module")
def po() -> Catalog:
    with SCRIPT.PO.open("rb") as handle:
        return read_po(handle, locale="id")


def _key(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _strings(message: Message) -> list[str]:
    ids = [message.id] if isinstance(message.id, str) else list(message.id)
    strings = [message.string] if isinstance(message.string, str) else list(message.string or ())
    return [*ids, *strings]


def _braces(text: str) -> set[str]:
    fields = set()
    for _literal, field, spec, conversion in string.Formatter().parse(text):
        if field is not None:
            fields.add(f"{field}!{conversion or ''}:{spec or ''}")
    return fields


def _percents(text: str) -> list[str]:
    return sorted(m.group(0) for m in PERCENT.finditer(text) if m.group(0) != "%%")


def test_every_message_in_the_source_is_translated(source: Catalog, po: Catalog) -> None:
    missing = []
    for message in source:
        if not message.id:
            continue
        entry = po.get(message.id, message.context)
        strings = [] if entry is None else _strings(entry)[1 if isinstance(entry.id, str) else 2 :]
        if entry is None or not all(strings) or entry.fuzzy:
            place = ", ".join(f"{f}:{n}" for f, n in message.locations[:2])
            missing.append(f"{_key(message)!r} ({place})")
    assert not missing, f"{len(missing)} message(s) only in English; {FIX}:\n" + "\n".join(missing)


def test_no_translation_without_its_message(source: Catalog, po: Catalog) -> None:
    stale = [_key(m) for m in po if m.id and source.get(m.id, m.context) is None]
    assert not stale, f"in the .po but no longer in the source; {FIX}:\n" + "\n".join(stale)


def test_placeholders_are_the_same_in_both_languages(po: Catalog) -> None:
    wrong = []
    for message in po:
        if not message.id or not message.string:
            continue
        texts = _strings(message)
        english, indonesian = texts[0], texts[-1]
        if _braces(english) != _braces(indonesian):
            wrong.append(f"{english!r}: {sorted(_braces(indonesian))}")
        elif _percents(english) != _percents(indonesian):
            wrong.append(f"{english!r}: {_percents(indonesian)}")
        fields = {f.split("!")[0] for f in _braces(english)}
        values = {name.split(".")[0].split("[")[0]: 1 for name in fields if name}
        if fields and all(not name.isdigit() for name in values):
            english.format(**values)
            indonesian.format(**values)
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def _translations(catalog: Catalog) -> dict[tuple[str, str | None], tuple[str, ...]]:
    """What a reader of the catalog gets: each message (with its context) and its strings.

    The header (message "") is left out: it carries the generator's name and version and
    dates, which say nothing about the translations and change with the Babel release.
    """
    table = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        strings = (
            [message.string] if isinstance(message.string, str) else list(message.string or ())
        )
        if not all(strings):
            continue
        key = message.id if isinstance(message.id, str) else "\x00".join(message.id)
        table[(key, message.context)] = tuple(strings)
    return table


def test_the_compiled_catalog_holds_the_po_translations(po: Catalog) -> None:
    """The committed .mo gives exactly the .po's translations: a stale .mo (one compiled before
    the .po changed) differs in at least one message. Compared message by message, never byte
    by byte, so any Babel version that compiles the same catalog passes."""
    assert SCRIPT.MO.exists(), f"panel_tui.mo is missing; {FIX}"
    with SCRIPT.MO.open("rb") as handle:
        compiled = read_mo(handle)
    expected, actual = _translations(po), _translations(compiled)
    stale = sorted(
        f"{key[0]!r}"
        for key in expected.keys() | actual.keys()
        if expected.get(key) != actual.get(key)
    )
    assert not stale, f"panel_tui.mo is older than panel_tui.po; {FIX}:\n" + "\n".join(stale[:20])


def test_gettext_reads_the_compiled_catalog() -> None:
    """The runtime reader (the standard library's gettext) accepts the committed file and
    finds a known translation in it."""
    with SCRIPT.MO.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    assert (
        translations.gettext("Saved: {criterion} = {score}") == "Tersimpan: {criterion} = {score}"
    )


def test_the_po_header(po: Catalog) -> None:
    assert po.project == "panel-tui"
    assert str(po.locale) == "id"
    assert po.num_plurals == 1
    assert po.plural_expr == "0"
    assert not po.fuzzy


def test_the_placeholder_check_catches_a_difference() -> None:
    assert _braces("{name} of {count}") != _braces("{nama} dari {count}")
    assert _braces("{head!r}") != _braces("{head}")
    assert _percents("%d of %(total)s") != _percents("%s dari %(total)s")
