"""Write the lock files: every dependency at an exact version, with its files' hashes.

- requirements.lock: runtime, test and build (hatchling) dependencies, for development and
  CI (`pip install -r requirements.lock`);
- requirements-runtime.lock: the runtime part alone, at the same versions, for the venue
  laptops' offline wheelhouse (README, "Installing without network").

    python scripts/lock.py              # re-resolve for a changed pyproject.toml (keeps versions)
    python scripts/lock.py --upgrade    # take the newest versions pyproject.toml allows
    python scripts/lock.py --upgrade-package babel   # move one package only

The lock is resolved by uv (`pip install uv` once, on a machine with network) for every
platform at once (`--universal`: colorama appears with its Windows marker) and carries each
file's SHA-256, so `pip install -r requirements.lock` installs exactly the tested files or
refuses. Installing needs only pip; uv is only needed to write the lock. After refreshing it,
reinstall (README "Quick start") and run the tests: `tests/test_lock.py` checks the lock
against pyproject.toml and against what is installed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
RUNTIME = ROOT / "requirements-runtime.lock"
# The oldest Python panel-tui supports: markers are resolved from it upwards.
PYTHON = "3.11"


def _compile(uv: str, output: Path, options: list[str]) -> int:
    command = [
        uv,
        "pip",
        "compile",
        "pyproject.toml",
        *options,
        "--universal",
        "--generate-hashes",
        "--python-version",
        PYTHON,
        "--custom-compile-command",
        "python scripts/lock.py",
        "--quiet",
        "--output-file",
        str(output.relative_to(ROOT)),
    ]
    return subprocess.run(command, cwd=ROOT, check=False).returncode


def main(argv: list[str]) -> int:
    uv = shutil.which("uv")
    if uv is None:
        print("uv is needed to write the lock: python -m pip install uv", file=sys.stderr)
        return 2
    failed = _compile(uv, LOCK, ["--extra", "test", "--group", "build", *argv])
    if failed:
        return failed
    # The runtime lock is constrained by the full one: the same versions, fewer packages.
    return _compile(uv, RUNTIME, ["--constraint", str(LOCK.relative_to(ROOT))])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
