"""The domain core never imports Textual, and openpyxl only when an XLSX is read or written.

Each check runs in a fresh interpreter: in the test process something else may already have
imported the modules we look for.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import panel_tui

# The user interface and the command line may import Textual (lazily, for the app).
UI_MODULES = ("panel_tui.tui", "panel_tui.cli", "panel_tui.__main__")


def domain_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(panel_tui.__path__, prefix="panel_tui."):
        if any(info.name == ui or info.name.startswith(ui + ".") for ui in UI_MODULES):
            continue
        names.append(info.name)
    return sorted(names)


def imported_after(code: str) -> set[str]:
    """Top-level names in sys.modules after running `code` in a fresh interpreter."""
    probe = (
        code
        + "\nimport json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_the_domain_modules_are_found() -> None:
    names = domain_modules()
    for core in (
        "domain.model",
        "domain.numbers",
        "round_package.loader",
        "storage.store",
        "secretariat.verify.database",
        "assessor.setup",
        "assessor.score_import",
    ):
        assert f"panel_tui.{core}" in names
    assert not any(n.startswith("panel_tui.tui") for n in names)


def test_no_domain_module_imports_textual() -> None:
    code = "\n".join(f"import {name}" for name in domain_modules())
    modules = imported_after(code)
    assert "panel_tui" in modules
    assert "textual" not in modules
    # and no XLSX library just for importing them
    assert "openpyxl" not in modules


def test_each_domain_module_alone_imports_no_textual() -> None:
    """One interpreter per module would be slow; instead record what each import adds."""
    names = domain_modules()
    code = (
        "import json, sys\n"
        "added = {}\n"
        f"for name in {names!r}:\n"
        "    before = set(sys.modules)\n"
        "    __import__(name)\n"
        "    added[name] = sorted(m for m in set(sys.modules) - before"
        " if m.split('.')[0] in ('textual', 'openpyxl'))\n"
        "print(json.dumps(added))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    offenders = {k: v for k, v in json.loads(result.stdout).items() if v}
    assert offenders == {}


def test_checking_a_csv_round_does_not_load_openpyxl(demo_dir: Path) -> None:
    modules = imported_after(
        "from panel_tui.round_package.loader import load_round\n"
        f"result = load_round({str(demo_dir)!r})\n"
        "assert result.round is not None, result.problems\n"
    )
    assert "openpyxl" not in modules
    assert "textual" not in modules


def test_the_check_command_does_not_load_textual(demo_dir: Path) -> None:
    modules = imported_after(
        "from click.testing import CliRunner\n"
        "from panel_tui.cli import cli\n"
        f"r = CliRunner().invoke(cli, ['check', {str(demo_dir)!r}])\n"
        "assert r.exit_code == 0, r.output\n"
    )
    assert "textual" not in modules
    assert "openpyxl" not in modules


def test_the_probe_would_see_textual() -> None:
    """Guards the tests above against passing because the probe sees nothing."""
    assert "textual" in imported_after("import textual")


def test_the_package_files_are_where_importlib_resources_finds_them() -> None:
    """schema_dir and demo_round_dir look beside the package's files instead of asking
    importlib.resources (whose readers import zipfile): the same folders."""
    from importlib import resources

    from panel_tui.paths import demo_round_dir
    from panel_tui.storage.schema import migration_files, schema_dir

    assert demo_round_dir() == Path(str(resources.files("panel_tui") / "demo"))
    assert (demo_round_dir() / "round.toml").is_file()
    packaged = Path(str(resources.files("panel_tui") / "db"))  # in the wheel
    checkout = Path(panel_tui.__file__).resolve().parents[2] / "db"
    assert schema_dir().resolve() == (packaged if packaged.is_dir() else checkout).resolve()
    assert [p.name for p in migration_files()][:2] == ["001_initial.sql", "002_counted_scores.sql"]


def test_opening_a_database_to_score_imports_no_resource_readers(tmp_path: Path) -> None:
    """The scoring app's open (schema check, soundness check, the agenda's counts) on the
    start-up path: neither importlib.resources' readers nor zipfile (~5 ms)."""
    from panel_tui.assessor.setup import init_assessor_db
    from panel_tui.paths import demo_round_dir

    db = tmp_path / "a1.db"
    init_assessor_db(demo_round_dir(), "a1", db)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from panel_tui.tui.scoring.session import open_database\n"
        f"session = open_database(Path({str(db)!r}), 'a1')\n"
        "assert session.sheet_counts() == {}\n"
        "session.close()\n"
        "loaded = [m for m in ('zipfile', 'importlib.readers', 'importlib.resources.readers')"
        " if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr


def test_a_new_file_and_a_verification_do_not_import_sqlite_utils(
    demo_dir: Path, tmp_path: Path
) -> None:
    """Its import took ~0.1 s of every `init`, `tally`, `verify` and `merge`: only a file of
    an older schema, migrated when opened, needs it (storage/schema.create_schema)."""
    modules = imported_after(
        "from panel_tui.round_package.loader import load_round\n"
        "from panel_tui.secretariat.verify.database import verify_database\n"
        "from panel_tui.storage.store import Store\n"
        f"round_ = load_round({str(demo_dir)!r}).round\n"
        f"path = {str(tmp_path / 'a.db')!r}\n"
        "Store.create(path, round_, round_.assessors[0].id).close()\n"
        "assert verify_database(path).ok\n"
    )
    assert "panel_tui" in modules
    assert "sqlite_utils" not in modules
