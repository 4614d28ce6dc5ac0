"""Seeded generator of round packages and assessor databases for the benchmark and for tests.

    python bench/generate.py OUT_DIR                       # national scale: 500 nominees
    python bench/generate.py OUT_DIR --nominees 40 --scale 0-10
    python bench/generate.py OUT_DIR --nominees 500 --assessors 40 --dbs all --scores

A round package is written through the contract format (contracts.md section 1): round.toml,
nominees.csv and claims.csv (or .xlsx with --xlsx). Assessor databases are built through the
public API (`Store.create`, `Store.import_rows`), the same path `panel-tui init` and
`panel-tui import-scores` take, so every event is on the audit chain.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from panel_tui.domain.model import Round

CATEGORIES = (
    ("pemkab", "Pemerintah Kabupaten/Kota", "pemda"),
    ("bu-besar", "Badan Usaha Besar", "badan-usaha"),
    ("bu-menengah", "Badan Usaha Menengah", "badan-usaha"),
    ("pelayanan-publik", "Pelayanan Publik", "badan-usaha"),
)
AFFILIATIONS = ("government", "bpjs", "academic", "employer", "union", "other")
PLACES = (
    "Lombok Timur",
    "Lombok Utara",
    "Sumbawa Barat",
    "Bima",
    "Dompu",
    "Mataram",
    "Kupang",
    "Sleman",
    "Bantul",
    "Gorontalo",
    "Banyuwangi",
    "Maros",
)
FIRMS = ("PT Maju [Persero]", "PT Sumber Daya", "CV Karya Bersama", "RSUD", "PDAM", "Bank")
SEGMENTS = ("farmers", "fishers", "village-apparatus", "non-asn", "bpu", "construction")
NOMINEE_COLUMNS = ["id", "name", "category", "presenter", "slot", "order"]
CLAIM_COLUMNS = [
    "nominee",
    "key",
    "label",
    "value",
    "unit",
    "denominator",
    "denominator_label",
    "percent",
    "part_of",
    "source",
]


@dataclass(frozen=True)
class Spec:
    """What to generate; the defaults are a national-scale round."""

    nominees: int = 500
    criteria: int = 10
    claims: int = 60
    assessors: int = 15
    scale: str = "1-5"  # "min-max" or "min-max:step"
    seed: int = 2025
    number_format: str = "id"

    @property
    def bounds(self) -> tuple[float, float, float]:
        span, _, step = self.scale.partition(":")
        low, _, high = span.partition("-")
        return float(low), float(high), float(step or 1)

    def key(self) -> str:
        """A name for caching: every parameter that changes the files."""
        scale = self.scale.replace(":", "s")
        return (
            f"n{self.nominees}-c{self.criteria}-k{self.claims}-a{self.assessors}"
            f"-s{scale}-r{self.seed}-{self.number_format}"
        )


def _num(value: float, number_format: str) -> str:
    """A number as the secretariat's spreadsheet would write it."""
    if float(value).is_integer():
        text = f"{int(value):,}"
        return text.replace(",", ".") if number_format == "id" else text
    text = f"{value:,.2f}"
    if number_format == "id":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def round_toml(spec: Spec) -> str:
    low, high, step = spec.bounds
    lines = [
        "[round]",
        f'id = "bench-{spec.nominees}"',
        f'title = "Paritrana Award 2026 - Benchmark round ({spec.nominees} nominees)"',
        'province = "Nasional"',
        "year = 2026",
        'stage = "national"',
        'venue = "Jakarta"',
        'dates = ["2026-08-03", "2026-08-04", "2026-08-05"]',
        f'number_format = "{spec.number_format}"',
        "advance = 3",
        "presentation_minutes = 15",
        "",
    ]
    for i in range(spec.assessors):
        lines += [
            "[[assessors]]",
            f'id = "a{i + 1}"',
            f'name = "Assessor {i + 1}"',
            f'affiliation = "{AFFILIATIONS[i % len(AFFILIATIONS)]}"',
            "",
        ]
    for cid, title, rubric in CATEGORIES:
        lines += [
            "[[categories]]",
            f'id = "{cid}"',
            f'title = "{title}"',
            f'rubric = "{rubric}"',
            "",
        ]
    scale = f"{{ min = {low:g}, max = {high:g}" + (f", step = {step:g}" if step != 1 else "") + " }"
    for rubric in ("pemda", "badan-usaha"):
        lines += ["[[rubrics]]", f'id = "{rubric}"', f"scale = {scale}", ""]
        for c in range(spec.criteria):
            weight = 5 + (c * 7) % 20
            lines += [
                "[[rubrics.criteria]]",
                f'id = "k{c + 1}"',
                f'title = "Kriteria {c + 1} ({rubric})"',
                f"weight = {weight}",
                f"guidance = {_toml_str(f'What the panel looks for under criterion {c + 1}')}",
                f'claims = ["k{c + 1}.*"]',
                f'levels = {{ {low:g} = "None", {high:g} = "Complete" }}',
                "",
            ]
    return "\n".join(lines)


def nominee_rows(spec: Spec, rng: random.Random) -> list[list[str]]:
    rows = []
    per_day = max(1, -(-spec.nominees // 3))
    for i in range(spec.nominees):
        cid = CATEGORIES[i % len(CATEGORIES)][0]
        place = PLACES[i % len(PLACES)]
        if cid == "pemkab":
            name = f"Pemerintah Kabupaten {place} {i + 1}"
        else:
            name = f"{rng.choice(FIRMS)} {place} {i + 1}"
        day, index = divmod(i, per_day)
        minutes = 8 * 60 + 15 * index
        slot = f"2026-08-0{3 + day} {minutes // 60 % 24:02d}:{minutes % 60:02d}"
        rows.append([f"n{i + 1:05d}", name, cid, f"Presenter {i + 1}", slot, str(index + 1)])
    return rows


def claim_rows(spec: Spec, nominee_ids: list[str], rng: random.Random) -> list[list[str]]:
    """`spec.claims` claims per nominee, spread over the criteria; mostly consistent figures."""
    fmt = spec.number_format
    rows: list[list[str]] = []
    for nominee in nominee_ids:
        for j in range(spec.claims):
            criterion = j % spec.criteria + 1
            key = f"k{criterion}.item{j + 1:03d}"
            kind = j % 5
            if kind == 0:  # a count with a denominator and a stated percent
                denominator = rng.randint(10_000, 2_000_000)
                value = rng.randint(0, denominator)
                percent = 100 * value / denominator + (rng.random() - 0.5) * 1.5
                rows.append(
                    [
                        nominee,
                        key,
                        f"Pekerja {SEGMENTS[j % len(SEGMENTS)]} terdaftar",
                        _num(value, fmt),
                        "persons",
                        _num(denominator, fmt),
                        "working population (BPS)",
                        _num(round(percent, 2), fmt),
                        "",
                        "Laporan BPJS Ketenagakerjaan 2025",
                    ]
                )
            elif kind == 1:  # an amount of money
                rows.append(
                    [
                        nominee,
                        key,
                        "Anggaran iuran",
                        f"Rp{rng.randint(1, 900)} juta",
                        "IDR",
                        "",
                        "",
                        "",
                        "",
                        "APBD 2025",
                    ]
                )
            elif kind == 2:  # a percentage
                rows.append(
                    [
                        nominee,
                        key,
                        "Cakupan kepesertaan",
                        _num(round(rng.uniform(0, 99), 2), fmt) + "%",
                        "%",
                        "",
                        "",
                        "",
                        "",
                        "",
                    ]
                )
            elif kind == 3:  # free text, with brackets that must not be read as markup
                rows.append(
                    [
                        nominee,
                        key,
                        "Kebijakan [Perda/Perkada]",
                        f"Peraturan Bupati No. {rng.randint(1, 60)} Tahun 2024 [/b] tentang "
                        "perlindungan pekerja rentan",
                        "text",
                        "",
                        "",
                        "",
                        "",
                        "",
                    ]
                )
            else:  # a plain count
                rows.append(
                    [
                        nominee,
                        key,
                        "Perusahaan terdaftar",
                        _num(rng.randint(1, 50_000), fmt),
                        "persons",
                        "",
                        "",
                        "",
                        "",
                        "",
                    ]
                )
    return rows


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _write_xlsx(path: Path, header: list[str], rows: list[list[str]]) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def write_round(out: Path, spec: Spec, xlsx: bool = False) -> Path:
    """Write the round package of `spec` into `out` (created); returns `out`."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(spec.seed)
    (out / "round.toml").write_text(round_toml(spec), encoding="utf-8")
    nominees = nominee_rows(spec, rng)
    claims = claim_rows(spec, [row[0] for row in nominees], rng)
    writer = _write_xlsx if xlsx else _write_csv
    ext = "xlsx" if xlsx else "csv"
    for stale in ("nominees", "claims"):
        for other in ("csv", "xlsx"):
            if other != ext:
                (out / f"{stale}.{other}").unlink(missing_ok=True)
    writer(out / f"nominees.{ext}", NOMINEE_COLUMNS, nominees)
    if spec.claims:
        writer(out / f"claims.{ext}", CLAIM_COLUMNS, claims)
    return out


def sheet_rows(spec: Spec, assessor_index: int, round_: Round) -> list[tuple[str, str, float, str]]:
    """A full sheet for one assessor: every nominee, every criterion (seeded per assessor)."""
    low, high, step = spec.bounds
    steps = round((high - low) / step)
    rng = random.Random(spec.seed * 1000 + assessor_index)
    return [
        (nominee.id, criterion.id, low + step * rng.randint(0, steps), "")
        for nominee in round_.nominees
        for criterion in round_.rubric_for(nominee).criteria
    ]


def build_dbs(
    round_dir: Path,
    out: Path,
    spec: Spec,
    count: int | None = None,
    scores: bool = True,
) -> list[Path]:
    """Assessor databases a1..aN of the round in `round_dir`, optionally with full sheets.

    Existing files are kept (the generator is seeded, so they are the same files).
    """
    from panel_tui.round_package.loader import load_round_or_raise
    from panel_tui.storage.store import Store

    round_, _warnings = load_round_or_raise(round_dir)
    out.mkdir(parents=True, exist_ok=True)
    count = len(round_.assessors) if count is None else min(count, len(round_.assessors))
    paths = []
    for index, assessor in enumerate(round_.assessors[:count], start=1):
        path = out / f"{assessor.id}.db"
        paths.append(path)
        if path.exists():
            continue
        tmp = out / f".{assessor.id}.partial.db"
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
        with Store.create(tmp, round_, assessor.id) as store:
            if scores:
                store.import_rows(sheet_rows(spec, index, round_))
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        tmp.rename(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write a seeded round package (and assessor databases) for benchmarks and tests."
    )
    parser.add_argument("out", type=Path, help="folder for the round package (created)")
    parser.add_argument("--nominees", type=int, default=Spec.nominees)
    parser.add_argument("--criteria", type=int, default=Spec.criteria, help="per rubric")
    parser.add_argument("--claims", type=int, default=Spec.claims, help="per nominee")
    parser.add_argument("--assessors", type=int, default=Spec.assessors)
    parser.add_argument(
        "--scale", default=Spec.scale, help='"MIN-MAX" or "MIN-MAX:STEP", e.g. 0-10 or 1-5:0.5'
    )
    parser.add_argument("--seed", type=int, default=Spec.seed)
    parser.add_argument("--number-format", choices=("id", "en"), default=Spec.number_format)
    parser.add_argument("--xlsx", action="store_true", help="nominees.xlsx and claims.xlsx")
    parser.add_argument(
        "--dbs",
        default="",
        help='assessor databases to build in OUT/dbs: a count, or "all" (default: none)',
    )
    parser.add_argument(
        "--scores", action="store_true", help="fill the databases with full score sheets"
    )
    args = parser.parse_args(argv)
    spec = Spec(
        nominees=args.nominees,
        criteria=args.criteria,
        claims=args.claims,
        assessors=args.assessors,
        scale=args.scale,
        seed=args.seed,
        number_format=args.number_format,
    )
    try:
        low, high, step = spec.bounds
    except ValueError:
        parser.error(f"--scale {args.scale!r}: expected MIN-MAX or MIN-MAX:STEP")
    if high <= low or step <= 0 or min(spec.nominees, spec.criteria, spec.assessors) < 1:
        parser.error("need max > min, a positive step, and at least one nominee/criterion/assessor")
    write_round(args.out, spec, xlsx=args.xlsx)
    print(f"wrote {args.out}: {spec.nominees} nominees, {spec.nominees * spec.claims} claims")
    if args.dbs:
        count = None if args.dbs == "all" else int(args.dbs)
        paths = build_dbs(args.out, args.out / "dbs", spec, count, scores=args.scores)
        print(f"built {len(paths)} assessor database(s) in {args.out / 'dbs'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
