"""Keep the Indonesian catalog in step with the source.

    python scripts/i18n.py update    # extract _()/N_()/ngettext() messages, merge into id .po
    python scripts/i18n.py compile   # .po -> .mo (the app reads the .mo)
    python scripts/i18n.py missing   # list messages without a translation

Babel does the extraction, merging and compiling; see docs/translating.md.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from panel_tui import __version__

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "panel_tui"
PO = PACKAGE / "locale" / "id" / "LC_MESSAGES" / "panel_tui.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extract_python(
    fileobj: BinaryIO, keywords: Mapping[str, Any], comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str | tuple[str, ...], list[str]]]:
    """Babel extraction method reading the syntax tree: it also finds `_()` inside f-strings,
    which Babel's tokenizer does not see before Python 3.12."""
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id not in keywords or not node.args:
            continue
        count = 2 if node.func.id == "ngettext" else 1
        args = node.args[:count]
        if all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
            values = tuple(a.value for a in args)  # type: ignore[attr-defined]
            yield node.lineno, node.func.id, values if count > 1 else values[0], []


def extract() -> Catalog:
    template = Catalog(project="panel-tui", domain="panel_tui")
    for filename, lineno, message, comments, context in extract_from_dir(
        PACKAGE, method_map=[("**.py", extract_python)], keywords=KEYWORDS
    ):
        template.add(
            message, locations=[(filename, lineno)], auto_comments=comments, context=context
        )
    return template


def load_po() -> Catalog:
    if not PO.exists():
        return Catalog(locale="id", domain="panel_tui")
    with PO.open("rb") as handle:
        return read_po(handle, locale="id")


def set_header(catalog: Catalog) -> None:
    """The catalog's header, the same after every update."""
    catalog.project = "panel-tui"
    catalog.version = __version__
    catalog.header_comment = (
        "# Bahasa Indonesia for panel-tui: the scoring app, the commands and the reports.\n"
        "# Written as an official document would say it; see docs/translating.md."
    )
    catalog.revision_date = catalog.creation_date
    catalog.copyright_holder = "the panel-tui authors"
    catalog.msgid_bugs_address = ""
    catalog.last_translator = "panel-tui translators"
    catalog.language_team = "Bahasa Indonesia"
    catalog.fuzzy = False
    # Indonesian has one form for every number (CLDR); Babel keeps a header's own value.
    catalog._num_plurals = 1  # type: ignore[attr-defined]
    catalog._plural_expr = "0"  # type: ignore[attr-defined]


def update() -> None:
    catalog = load_po()
    created = catalog.creation_date
    catalog.update(extract(), no_fuzzy_matching=True)
    if PO.exists():
        catalog.creation_date = created  # no new date in the file when nothing else changed
    set_header(catalog)
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as handle:
        write_po(
            handle,
            catalog,
            width=100,
            omit_header=False,
            ignore_obsolete=True,
            include_lineno=False,  # file names only: line moves do not churn the .po
        )
    print(f"{PO.relative_to(ROOT)}: {len(catalog)} messages")


def compile_mo() -> None:
    catalog = load_po()
    with MO.open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)
    print(f"{MO.relative_to(ROOT)} written")


def missing() -> int:
    catalog = load_po()
    gaps = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    for message in gaps:
        print(message if isinstance(message, str) else message[0])
    return 1 if gaps else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "update":
        update()
    elif command == "compile":
        compile_mo()
    elif command == "missing":
        sys.exit(missing())
    else:
        print(__doc__)
        sys.exit(2)
