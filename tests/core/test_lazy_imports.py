"""Every import made inside a function is deliberate, and listed here with its reason.

A module's imports belong at its top. Some are made on first use instead: to keep the
scoring app's start and `panel-tui --help` fast, or to load a heavy library only for the one
output that needs it. This test finds every function-level import under src/panel_tui and
holds the set to LAZY: a new one needs a reason here, and one that goes away leaves the list.
"""

from __future__ import annotations

import ast
from pathlib import Path

import panel_tui

# Why an import waits for its first use.
COMMAND = "a command loads its work when it runs: `panel-tui --help` loads none of it"
UI = "the Textual UI only for the commands that open it (its import is most of a start)"
SCREEN = "a screen or widget not on the first screen: loaded when first shown"
FEATURE = "an app feature (secretariat tab, paper path, hand-over) loaded when first used"
PAPER = "the paper path only: not on the scoring app's start"
OPENPYXL = "openpyxl (~0.2 s to import): only writing XLSX needs it"
RICH = "Rich's table and console: only the terminal table needs them"
BABEL = "Babel's locale data: only localised numbers and dates need it, once"
SQLITE_UTILS = "sqlite-utils: only creating or upgrading a database runs migrations"
PLATFORMDIRS = "platformdirs: only when no data directory is given"
TEXTUAL_THEME = "Textual's themes: only the theme switch needs them"
STDLIB = "a standard-library module only one rarely taken path uses"
PROCESSES = "worker processes: only a merge of several inputs starts them (no fork: none)"
CHAIN_WORKERS = "worker processes: only verifying a large file starts them (no fork: none)"

LAZY: dict[tuple[str, str], str] = {
    ("cli.commands", "panel_tui.assessor.score_import"): COMMAND,
    ("cli.commands", "panel_tui.assessor.setup"): COMMAND,
    ("cli.commands", "panel_tui.domain.paper"): COMMAND,
    ("cli.commands", "panel_tui.output.blank_sheets"): COMMAND,
    ("cli.commands", "panel_tui.round_package.loader"): COMMAND,
    ("cli.commands", "panel_tui.secretariat.verify.database"): COMMAND,
    ("cli.commands", "panel_tui.tui.launch"): UI,
    ("cli.group", "panel_tui.i18n"): COMMAND,
    ("cli.group", "panel_tui.tui.launch"): UI,
    ("cli.secretariat", "io"): STDLIB,
    ("cli.secretariat", "panel_tui.domain.problems"): COMMAND,
    ("cli.secretariat", "panel_tui.output"): COMMAND,
    ("cli.secretariat", "panel_tui.secretariat.handover"): COMMAND,
    ("cli.secretariat", "panel_tui.secretariat.merge.driver"): COMMAND,
    ("cli.secretariat", "panel_tui.secretariat.merge.report"): COMMAND,
    ("cli.secretariat", "panel_tui.secretariat.tally"): COMMAND,
    ("cli.secretariat", "panel_tui.secretariat.tally_result"): COMMAND,
    ("cli.secretariat", "panel_tui.storage.store"): COMMAND,
    ("cli.secretariat", "panel_tui.tui.secretariat.app"): UI,
    ("domain.fairness", "bisect"): STDLIB,
    ("domain.formatting", "babel.core"): BABEL,
    ("domain.formatting", "babel.numbers"): BABEL,
    ("output.terminal_table", "rich"): RICH,
    ("output.terminal_table", "rich.console"): RICH,
    ("output.terminal_table", "rich.table"): RICH,
    ("output.terminal_table", "rich.text"): RICH,
    ("output.xlsx", "openpyxl"): OPENPYXL,
    ("output.xlsx", "openpyxl.cell"): OPENPYXL,
    ("output.xlsx", "openpyxl.cell.cell"): OPENPYXL,
    ("output.xlsx", "openpyxl.styles"): OPENPYXL,
    ("output.xlsx", "openpyxl.utils"): OPENPYXL,
    ("paths", "platformdirs"): PLATFORMDIRS,
    ("secretariat.manifest", "importlib.metadata"): STDLIB,
    ("secretariat.merge.inputs", "concurrent.futures"): PROCESSES,
    ("secretariat.merge.inputs", "multiprocessing"): PROCESSES,
    ("secretariat.verify.parallel", "multiprocessing"): CHAIN_WORKERS,
    ("storage.schema", "sqlite_utils"): SQLITE_UTILS,
    ("storage.schema", "sqlite_utils.migrations"): SQLITE_UTILS,
    ("storage.store", "panel_tui.domain"): PAPER,
    ("tui.scoring.app", "panel_tui.paths"): FEATURE,
    ("tui.scoring.app", "panel_tui.tui.dialogs.choose_assessor"): SCREEN,
    ("tui.scoring.app", "panel_tui.tui.common.keys_panel"): SCREEN,
    ("tui.scoring.app", "panel_tui.tui.scoring.readback_screen"): SCREEN,
    ("tui.scoring.app", "panel_tui.tui.scoring.scoring_screen"): SCREEN,
    ("tui.scoring.app", "panel_tui.tui.scoring.summary_screen"): SCREEN,
    ("tui.scoring.app", "textual.theme"): TEXTUAL_THEME,
    ("tui.secretariat.double_entry_screen", "panel_tui.assessor.score_import"): FEATURE,
    ("tui.launch", "panel_tui.round_package.loader"): FEATURE,
    ("tui.launch", "panel_tui.tui.scoring.app"): SCREEN,
    ("tui.secretariat.nominee_result_screen", "panel_tui.output.report"): FEATURE,
    ("tui.secretariat.app", "panel_tui.secretariat.robustness"): FEATURE,
    ("tui.secretariat.app", "panel_tui.secretariat.tally"): FEATURE,
    ("tui.secretariat.app", "panel_tui.storage.files"): FEATURE,
    ("tui.secretariat.app", "panel_tui.tui.secretariat.double_entry_screen"): SCREEN,
    ("tui.secretariat.app", "panel_tui.tui.common.keys_panel"): SCREEN,
    ("tui.secretariat.app", "panel_tui.tui.secretariat.nominee_result_screen"): SCREEN,
    ("tui.secretariat.app", "sys"): STDLIB,
    ("tui.scoring.session", "panel_tui.assessor.setup"): FEATURE,
    ("tui.scoring.session", "panel_tui.paths"): FEATURE,
    ("tui.scoring.sheet_writes", "panel_tui.tui.dialogs.wait_database"): SCREEN,
}


def function_level_imports() -> set[tuple[str, str]]:
    """(importing module, imported module) of every import inside a function or method."""
    root = Path(panel_tui.__file__).parent
    found: set[tuple[str, str]] = set()
    for path in sorted(root.rglob("*.py")):
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and inner.module:
                    found.add((module, inner.module))
                elif isinstance(inner, ast.Import):
                    found.update((module, alias.name) for alias in inner.names)
    return found


def test_every_lazy_import_is_listed_with_its_reason() -> None:
    found = function_level_imports()
    unlisted = sorted(found - LAZY.keys())
    assert not unlisted, f"imports inside functions without a reason in LAZY: {unlisted}"


def test_the_list_names_no_import_that_is_gone() -> None:
    gone = sorted(LAZY.keys() - function_level_imports())
    assert not gone, f"LAZY lists imports no function makes any more: {gone}"


def test_the_finder_sees_a_known_lazy_import() -> None:
    # Migrations load sqlite-utils on first use: a finder that saw no function-level import
    # at all would pass the two tests above with an empty list.
    assert ("storage.schema", "sqlite_utils") in function_level_imports()
