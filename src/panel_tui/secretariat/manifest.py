"""The reproducibility manifest of a tally (shared/fairness.md): what software read which
file, the chains and imports it held, the recusals, the method, and a hash of the result.

`result_sha256` is the SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8 text) of
the result's `categories` as `tally --format json` prints them (contracts.md section 2):
re-running the tally on the same file with the same method gives the same hash, with or
without `--explain`.
"""

from __future__ import annotations

import hashlib
import json
import platform
import sqlite3
from typing import Any

from panel_tui.secretariat.tally_result import TallyResult
from panel_tui.storage.files import file_sha256_and_size

METHOD_PARAMETERS: dict[str, dict[str, Any]] = {
    "mean": {},
    "median": {"even": "mean of the two middle scores"},
    "trimmed": {"drop_highest": 1, "drop_lowest": 1, "from_scores": 3},
    "zscore": {
        "scope": "per assessor, per category, pooled over criteria",
        "sd": "population",
        "calibration": "complete nominees no panel member is recused from",
        "min_calibration_nominees": 3,
    },
}


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def result_sha256(result: TallyResult) -> str:
    text = canonical_json(result.to_json()["categories"])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def manifest(result: TallyResult) -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        software_version = version("panel-tui")
    except PackageNotFoundError:  # running from a source tree that was never installed
        software_version = "unknown"
    sha256, size = file_sha256_and_size(result.path)
    # The ledger as verify read it (with its SHA-256s): the file is not opened again.
    imports = [dict(row) for row in result.imports]
    recusals = sorted(
        {(a, r.nominee.id) for cat in result.categories for r in cat.results for a in r.recused}
    )
    return {
        "software": {
            "name": "panel-tui",
            "version": software_version,
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
        },
        "input": {"path": str(result.path), "sha256": sha256, "bytes": size},
        "round": {
            "id": result.round.id,
            "round_fingerprint": result.fingerprints[0],
            "rubric_fingerprint": result.fingerprints[1],
        },
        "chains": [
            {"origin": origin, "assessor": assessor, "length": length, "head": head}
            for origin, assessor, length, head in result.chains
        ],
        "imports": imports,
        "recusals": [{"assessor": a, "nominee": n} for a, n in recusals],
        "method": {"name": result.method, "parameters": METHOD_PARAMETERS[result.method]},
        "result_sha256": result_sha256(result),
    }
