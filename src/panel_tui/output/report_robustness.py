"""The record's Robustness and Manifest sections (Markdown and HTML): per category the method
table (● advances, ⚠ not stable) and its three sentences, the agreement figures with their
caution, leniency per assessor, outliers, the zscore calibration; then the manifest.

Kept apart from report.py's layout: report.py's minutes take these blocks (`sections`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from panel_tui.domain import formatting
from panel_tui.domain.fairness import OUTLIER_SHARE
from panel_tui.i18n import N_, _
from panel_tui.output.blocks import Group, Heading, Items, Para, Table
from panel_tui.secretariat.manifest import manifest
from panel_tui.secretariat.robustness import FEW_NOMINEES, explain, method_label, sentences
from panel_tui.secretariat.tally_result import TallyResult

if TYPE_CHECKING:
    from panel_tui.output.blocks import Block


def _fixed(value: float | None, places: int = 2) -> str:
    return "–" if value is None else formatting.fixed(value, places)


def _cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return _("n/a")
    return ("● " if row["advances"] else "") + f"{row['rank']} ({_fixed(row['total'])})"


def _statistic(figure: dict[str, Any], counts: str) -> str:
    if figure["value"] is None:
        return _("n/a ({reason})").format(reason=figure["reason"])
    return f"{_fixed(figure['value'], 3)} ({counts})"


def _agreement_lines(agreement: dict[str, Any]) -> list[str]:
    totals = agreement["alpha_interval_totals"]
    w = agreement["kendall_w"]
    lines = [
        _("Krippendorff's α (interval) on the sheet totals: {value}").format(
            value=_statistic(
                totals,
                _("{units} nominees, {values} totals").format(
                    units=totals["units"], values=totals["values"]
                ),
            )
        ),
        _("Krippendorff's α (interval) per criterion: {values}").format(
            values="; ".join(
                f"{c} {_statistic(s, _('{units} cells').format(units=s['units']))}"
                for c, s in agreement["alpha_interval_criteria"].items()
            )
        ),
        _("Kendall's W on the calibration nominees: {value}").format(
            value=_statistic(
                w,
                _("{raters} assessors, {nominees} nominees").format(
                    raters=w["raters"], nominees=w["nominees"]
                ),
            )
        )
        + (
            ". "
            + _("Left out (a recusal, or incomplete): {nominees}.").format(
                nominees=", ".join(w["left_out"])
            )
            if w["left_out"]
            else ""
        ),
        _(
            "Read together: a high W with a low α means the panel agrees on the order but uses "
            "the scale differently, which is what zscore corrects."
        ),
    ]
    if agreement["caution"]:
        lines.append(
            _(
                "Caution: fewer than {few} nominees ({count}); these figures rest on little data."
            ).format(few=FEW_NOMINEES, count=agreement["nominees"])
        )
    return lines


def _calibration_line(calibration: dict[str, Any] | None) -> str:
    if calibration is None:
        return ""
    if not calibration["available"]:
        return _("zscore is not available: {reason}.").format(reason=calibration["reason"])
    line = _("zscore calibration set: {nominees}.").format(
        nominees=", ".join(calibration["nominees"])
    )
    if calibration["zero_variance"]:
        line += " " + _("No spread (every score becomes μ): {assessors}.").format(
            assessors=", ".join(calibration["zero_variance"])
        )
    return line


def _tables(
    result: TallyResult, explanation: dict[str, Any], category: str
) -> Iterator[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) of the method table, leniency and outliers; text not escaped."""
    sensitivity = explanation["sensitivity"]
    methods = sensitivity["methods"]
    yield (
        "",
        [_("nominee"), *(method_label(m) for m in methods), _("stable")],
        [
            [
                row["nominee"],
                *(_cell(row["methods"][m]) for m in methods),
                "" if row["stable"] else "⚠",
            ]
            for row in sensitivity["nominees"]
        ],
    )
    yield (
        _("Leniency (positive: above the other assessors)"),
        [_("assessor"), _("points per score"), _("on totals"), _("scores"), _("nominees")],
        [
            [
                a,
                _fixed(f["leniency_points"], 3),
                _fixed(f["leniency_total"], 2),
                str(f["cells"]),
                str(f["nominees"]),
            ]
            for a, f in explanation["assessors"].items()
        ],
    )
    span = next(c.rubric for c in result.categories if c.category.id == category)
    yield (
        _(
            "Outliers (at least {points} points, 0.4 × the scale's span, from the median of "
            "the other scores of the cell)"
        ).format(points=formatting.number((span.max - span.min) * OUTLIER_SHARE, 2)),
        [_("nominee"), _("criterion"), _("assessor"), _("score"), _("median of the others")],
        [
            [
                o["nominee"],
                o["criterion"],
                o["assessor"],
                formatting.number(o["score"], 4),
                formatting.number(o["median_others"], 4),
            ]
            for o in explanation["outliers"]
        ],
    )


def _manifest_rows(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    software = manifest["software"]
    return [
        (
            _("software"),
            f"{software['name']} {software['version']}, Python {software['python']}, "
            f"SQLite {software['sqlite']}",
        ),
        (_("file"), manifest["input"]["path"]),
        (_("file SHA-256"), manifest["input"]["sha256"]),
        (_("file size (bytes)"), str(manifest["input"]["bytes"])),
        (_("round"), manifest["round"]["id"]),
        (_("round fingerprint"), manifest["round"]["round_fingerprint"]),
        (_("rubric fingerprint"), manifest["round"]["rubric_fingerprint"]),
        (_("method"), manifest["method"]["name"]),
        (
            _("recusals"),
            ", ".join(f"{r['assessor']}/{r['nominee']}" for r in manifest["recusals"]) or "–",
        ),
        *(
            (_("chain {assessor}").format(assessor=c["assessor"]), f"{c['length']}, {c['head']}")
            for c in manifest["chains"]
        ),
        *(
            (_("merged file {file}").format(file=i["file"]), i["sha256"] or "–")
            for i in manifest["imports"]
        ),
        (_("result SHA-256"), manifest["result_sha256"]),
    ]


def _figures(result: TallyResult) -> tuple[dict[str, dict[str, Any]] | None, dict[str, Any]]:

    return (explain(result) if result.assessor is None else None), manifest(result)


OWN_DATABASE = N_(
    "An assessor's own database: the methods compare assessors; tally the merged file."
)
MANIFEST_NOTE = N_(
    "result SHA-256 = SHA-256 of the canonical JSON (sorted keys, no spaces) of the "
    "categories that `tally --format json --method {method}` prints: tally the file again "
    "to check it."
)


# The right-aligned (numeric) columns of the method table, leniency and outliers.
NUMERIC_COLUMNS = (
    lambda n: set(range(1, n - 1)),
    lambda n: set(range(1, n)),
    lambda n: {3, 4},
)


def sections(result: TallyResult) -> list[Block]:
    """The record's Robustness and Manifest sections, as the minutes' blocks (report.py
    renders them in Markdown and HTML like the rest)."""

    explanations, manifest = _figures(result)
    out: list[Block] = [Heading(2, _("Robustness"))]
    if explanations is None:
        out.append(Para(_(OWN_DATABASE)))
    for cat in result.categories if explanations else []:
        figures = explanations[cat.category.id]  # type: ignore[index]
        # The heading, the method table and its sentences on one page.
        first: list[Block] = [Heading(3, f"{cat.category.title} ({cat.category.id})")]
        rest: list[Block] = []
        for index, (title, header, rows) in enumerate(_tables(result, figures, cat.category.id)):
            into = first if index == 0 else rest
            if index == 1:
                lines = _agreement_lines(figures["agreement"])
                calibration = _calibration_line(figures["zscore_calibration"])
                rest.append(Items([*lines, calibration] if calibration else lines))
            if title:
                into.append(Para(title, css="caption"))
            if not rows:
                into.append(Para(_("None.")))
                continue
            into.append(Table(header, rows, numeric=NUMERIC_COLUMNS[index](len(header))))
            if index == 0:
                into += [
                    Para(line) for line in sentences(figures, result.method, result.round.advance)
                ]
        out += [Group("keep", first), *rest]
    out.append(Heading(2, _("Manifest")))
    out.append(Table([_("item"), _("value")], [[k, v] for k, v in _manifest_rows(manifest)]))
    out.append(Para(_(MANIFEST_NOTE).format(method=result.method)))
    return out
