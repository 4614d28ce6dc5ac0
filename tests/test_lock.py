"""requirements.lock and pyproject.toml agree, and the environment is the locked one.

pyproject.toml keeps compatible ranges (for people who install panel-tui into their own
environment); requirements.lock pins every package the tests ran with. When one is changed
without the other these tests fail; the fix is `python scripts/lock.py` (README, "Locked
dependencies").
"""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
FIX = "run `python scripts/lock.py`, then reinstall from requirements.lock (README)"


def _locked(name: str = "requirements.lock") -> dict[str, Requirement]:
    """A lock's pins by normalised name, with their platform markers."""
    pins: dict[str, Requirement] = {}
    for number, line in enumerate((ROOT / name).read_text().splitlines(), 1):
        if not line or line[0] in " #\t-":
            continue
        requirement = Requirement(line.rstrip(" \\"))
        (specifier,) = list(requirement.specifier)
        assert specifier.operator == "==", f"{name}:{number}: {line!r} is not a pin"
        pins[canonicalize_name(requirement.name)] = requirement
    return pins


def _roots(runtime_only: bool = False) -> list[Requirement]:
    """What pyproject.toml asks for: the dependencies, then the test extra and the build group."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    texts = list(project["project"]["dependencies"])
    if not runtime_only:
        texts += project["project"]["optional-dependencies"]["test"]
        texts += project["dependency-groups"]["build"]
    return [Requirement(text) for text in texts]


def _pinned(requirement: Requirement) -> Version:
    (specifier,) = list(requirement.specifier)
    return Version(specifier.version)


def _applies(requirement: Requirement, extra: str = "") -> bool:
    return requirement.marker is None or requirement.marker.evaluate({"extra": extra})


def _closure(roots: list[Requirement]) -> set[str]:
    """Every distribution the roots need on this platform, read from the installed metadata."""
    needed: set[str] = set()
    seen: set[tuple[str, str]] = set()
    todo = [r for r in roots if _applies(r)]
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        needed.add(name)
        for extra in {"", *requirement.extras}:
            if (name, extra) in seen:
                continue
            seen.add((name, extra))
            try:
                requires = metadata.distribution(name).requires or []
            except metadata.PackageNotFoundError:
                continue  # not installed: the other tests say so
            for text in requires:
                dependency = Requirement(text)
                if _applies(dependency, extra):
                    todo.append(dependency)
    return needed


def test_every_requirement_of_pyproject_is_locked_within_its_range() -> None:
    pins = _locked()
    wrong = []
    for requirement in _roots():
        pin = pins.get(canonicalize_name(requirement.name))
        if pin is None:
            wrong.append(f"{requirement} is not in requirements.lock")
        elif not requirement.specifier.contains(_pinned(pin), prereleases=True):
            wrong.append(f"{requirement} does not allow the locked {pin}")
    assert not wrong, f"{FIX}:\n" + "\n".join(wrong)


def test_the_lock_holds_nothing_pyproject_does_not_need() -> None:
    pins = _locked()
    here = {name for name, pin in pins.items() if _applies(pin)}
    extra = sorted(here - _closure(_roots()))
    assert not extra, f"locked but needed by nothing in pyproject.toml; {FIX}: {extra}"


def test_the_environment_holds_exactly_the_locked_versions() -> None:
    """CI installs from the lock: a package at another version means the lock was not used (or
    is stale), and the suite would not be testing what the venue laptops get."""
    wrong = []
    for name, pin in _locked().items():
        if not _applies(pin):
            continue
        try:
            installed = Version(metadata.version(name))
        except metadata.PackageNotFoundError:
            wrong.append(f"{name}: not installed (locked {_pinned(pin)})")
            continue
        if installed != _pinned(pin):
            wrong.append(f"{name}: {installed} installed, {_pinned(pin)} locked")
    assert not wrong, "install from requirements.lock (README, Quick start):\n" + "\n".join(wrong)


def test_every_pin_carries_its_file_hashes() -> None:
    """pip checks each downloaded file against these (hash-checking mode): a changed file on
    the index, or a different build of the same version, is refused rather than installed."""
    pins: dict[str, int] = {}
    current = ""
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and line[0] not in " #\t":
            current = line.split("==")[0]
            pins[current] = 0
        elif current and line.strip().startswith("--hash=sha256:"):
            pins[current] += 1
    unhashed = sorted(name for name, count in pins.items() if count == 0)
    assert pins and not unhashed, f"pins without hashes; {FIX}: {unhashed}"


def test_the_runtime_lock_is_the_runtime_part_of_the_full_lock() -> None:
    """requirements-runtime.lock (the venue wheelhouse) pins what panel-tui needs to run, at
    the versions the tests ran with: no test tool, nothing missing, no other version."""
    full, runtime = _locked(), _locked("requirements-runtime.lock")
    other = sorted(f"{n}: {p} vs {full.get(n)}" for n, p in runtime.items() if full.get(n) != p)
    assert not other, f"{FIX}:\n" + "\n".join(other)
    here = {name for name, pin in runtime.items() if _applies(pin)}
    needed = _closure(_roots(runtime_only=True))
    assert here == needed, f"{FIX}: extra {sorted(here - needed)}, missing {sorted(needed - here)}"


@pytest.mark.parametrize("windows", [True, False])
def test_the_lock_is_universal(windows: bool) -> None:
    """One lock for Linux, macOS and Windows: pytest's colorama is locked for Windows only."""
    colorama = _locked()["colorama"]
    assert colorama.marker is not None
    platform = "win32" if windows else "linux"
    assert colorama.marker.evaluate({"sys_platform": platform}) is windows
