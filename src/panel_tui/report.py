"""The printable record of a tally: Markdown and HTML for the minutes.

Round details, the panel and the chains taken in, the method, the ranking per category,
incomplete nominees and what they lack, the largest disagreements, and every assessor's scores.
All user text is escaped (HTML entities; Markdown punctuation backslashed).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from panel_tui import formatting
from panel_tui.i18n import _, language
from panel_tui.tally import CategoryResult, Disagreement, TallyResult

DISAGREEMENTS_SHOWN = 15
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~])")


def round_details(result: TallyResult) -> list[tuple[str, str]]:
    r = result.round
    details = [
        (_("round"), r.id),
        (_("title"), r.title),
        (_("province"), r.province),
        (_("year"), str(r.year)),
        (_("stage"), formatting.stage_label(r.stage)),
        (_("venue"), r.venue),
        (_("dates"), formatting.date_range(r.dates)),
        (_("advance"), "" if r.advance is None else str(r.advance)),
        (_("file"), str(result.path)),
        (
            _("file kind"),
            _("merged file")
            if result.kind == "merged"
            else _("assessor {a}").format(a=result.assessor),
        ),
        (_("round fingerprint"), result.fingerprints[0]),
        (_("rubric fingerprint"), result.fingerprints[1]),
        (_("verified"), verification_statement(result)),
    ]
    return [(k, v) for k, v in details if v]


def verification_statement(result: TallyResult) -> str:
    """What the file was verified against before it was tallied (a tally never ranks a file
    that does not verify)."""
    if not result.verified_at:
        return ""
    at = result.verified_at.replace("T", " ")[:19]  # 2026-12-02 14:52:32, in UTC
    if result.verified_heads:
        return _(
            "the whole file (SQLite integrity, round snapshot, every audit chain) at {at} UTC, holding the receipt heads {heads}"
        ).format(at=at, heads=", ".join(result.verified_heads))
    return _(
        "the whole file (SQLite integrity, round snapshot, every audit chain) at {at} UTC; no receipt heads given"
    ).format(at=at)


def _num(value: float | None, places: int | None = None) -> str:
    if value is None:
        return "–"
    if places is not None:
        return formatting.fixed(value, places)
    return _score(value)


def _when(stamp: str) -> str:
    """2026-11-22T05:29:39.372Z as the reader writes it: 22 November 2026 05.29 UTC."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    zone = " UTC" if moment.utcoffset() == timedelta(0) else ""
    return f"{formatting.long_date(moment)} {formatting.clock_time(moment)}{zone}"


def _score(value: float | None) -> str:
    """A score or mean as the reader writes it: 4, 3,5 / 3.5, 3,3333 / 3.3333."""
    return "" if value is None else formatting.number(value, 4)


def _status(r: Any) -> str:
    if r.advances:
        return _("advances")
    return _("complete") if r.complete else _("incomplete")


def _cell(r: Any, assessor: str, criterion: str) -> str:
    if assessor in r.recused:
        return "R"
    value = r.scores.get(assessor, {}).get(criterion)
    return "·" if value is None else _score(value)


def _disagreements(result: TallyResult) -> list[Disagreement]:
    return [d for d in result.disagreements if d.spread > 0][:DISAGREEMENTS_SHOWN]


def _more_disagreements(result: TallyResult) -> str:
    """How many disagreements the list leaves out, or ""."""
    more = sum(1 for d in result.disagreements if d.spread > 0) - DISAGREEMENTS_SHOWN
    return _("{more} more not shown.").format(more=more) if more > 0 else ""


def robustness_markdown(result: TallyResult) -> list[str]:
    from panel_tui.report_robustness import markdown_sections

    return markdown_sections(result)


def robustness_html(result: TallyResult) -> list[str]:
    from panel_tui.report_robustness import html_sections

    return html_sections(result)


# --- Markdown ---------------------------------------------------------------------------


def md(text: str) -> str:
    """User text safe inside Markdown (and its table cells): no markup, no HTML."""
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    if text[:1] in ("-", "+", "=", "."):
        text = "\\" + text
    return text


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def render_markdown(result: TallyResult, generated_at: str = "") -> str:
    r = result.round
    out: list[str] = [f"# {md(r.title)}", ""]
    out.append(_("Results of the interview panel, method “{method}”.").format(method=result.method))
    if generated_at:
        out.append(_("Generated {when} by panel-tui.").format(when=_when(generated_at)))
    out.append("")
    out.append(f"## {_('Round')}")
    out.append("")
    out += _md_table([_("item"), _("value")], [[md(k), md(v)] for k, v in round_details(result)])
    out += [f"## {_('Panel')}", ""]
    out += _md_table(
        [_("assessor"), _("name"), _("affiliation"), _("audit chains (events, head)")],
        [
            [
                md(a.id),
                md(a.name),
                md(formatting.affiliation_label(a.affiliation)),
                md(_chains_of(result, a.id)),
            ]
            for a in result.panel
        ],
    )
    if result.imports:
        out += [f"### {_('Files merged')}", ""]
        out += _md_table(
            [_("when"), _("assessor"), _("file"), _("events added"), _("chain length"), _("head")],
            [
                [
                    md(i["at"]),
                    md(i["assessor"]),
                    md(i["file"]),
                    str(i["events"]),
                    str(i["length"]),
                    md(i["head"][:16]),
                ]
                for i in result.imports
            ],
        )
    out += [f"## {_('Method')}", ""]
    out += [f"- {md(rule)}" for rule in result.rules()]
    out.append("")
    out += [f"## {_('Ranking')}", ""]
    for cat in result.categories:
        out += [f"### {md(cat.category.title)} ({md(cat.category.id)})", ""]
        criteria = cat.rubric.criteria
        header = ["#", _("nominee"), _("name"), _("total")]
        header += [f"{md(c.id)} ({_score(c.weight)})" for c in criteria]
        header += [_("assessors"), _("status")]
        rows = [
            [str(x.rank), md(x.nominee.id), md(x.nominee.name), _num(x.total, 2)]
            + [_num(x.means[c.id]) for c in criteria]
            + [str(len(x.counted)), _status(x)]
            for x in cat.results
        ]
        out += _md_table(header, rows)
    incomplete = result.incomplete()
    out += [f"## {_('Incomplete nominees')}", ""]
    if not incomplete:
        out += [_("None: every counted assessor scored every criterion of every nominee."), ""]
    for cat, x in incomplete:
        lacks = "; ".join(md(item) for item in x.lacks())
        out.append(f"- {md(x.nominee.name)} ({md(x.nominee.id)}, {md(cat.category.id)}): {lacks}")
    out.append("")
    out += [f"## {_('Largest disagreements')}", ""]
    shown = _disagreements(result)
    if not shown:
        out += [_("None: the counted assessors agree on every criterion."), ""]
    else:
        out += _md_table(
            [_("spread"), _("nominee"), _("criterion"), _("mean"), _("scores")],
            [
                [
                    _score(d.spread),
                    f"{md(d.nominee.name)} ({md(d.nominee.id)})",
                    md(d.criterion),
                    _num(d.mean),
                    md(", ".join(f"{a} {_score(v)}" for a, v in d.scores.items())),
                ]
                for d in shown
            ],
        )
        if _more_disagreements(result):
            out += [_more_disagreements(result), ""]
    out += robustness_markdown(result)
    out += [f"## {_('Scores by assessor')}", ""]
    out.append(_("R = recused (not counted), · = not scored."))
    out.append("")
    for cat in result.categories:
        out += [f"### {md(cat.category.title)} ({md(cat.category.id)})", ""]
        for x in cat.results:
            out += [f"#### {x.rank}. {md(x.nominee.name)} ({md(x.nominee.id)})", ""]
            out += _md_table(
                [_("criterion"), *(md(a.id) for a in result.panel), _("mean")],
                [
                    [md(c.id), *(_cell(x, a.id, c.id) for a in result.panel), _num(x.means[c.id])]
                    for c in cat.rubric.criteria
                ],
            )
    return "\n".join(out)


def _chains_of(result: TallyResult, assessor: str) -> str:
    chains = [c for c in result.chains if c[1] == assessor]
    if not chains:
        return _("no scores in this file")
    return "; ".join(f"{length}, {head[:16]}" for _o, _a, length, head in chains)


# --- HTML -------------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.6em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #999; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.advances td { font-weight: bold; }
tr.incomplete td { color: #8a5a00; }
code { font-size: 0.9em; }
@media print { body { margin: 0; } h2 { break-after: avoid; } table { break-inside: avoid; } }
"""


def h(text: object) -> str:
    return html.escape(str(text), quote=True)


def _html_table(
    header: list[str],
    rows: list[list[str]],
    numeric: set[int] | None = None,
    row_classes: list[str] | None = None,
) -> Iterator[str]:
    numeric = numeric or set()
    yield "<table>"
    yield "<tr>" + "".join(f"<th>{cell}</th>" for cell in header) + "</tr>"
    for index, row in enumerate(rows):
        cls = f' class="{row_classes[index]}"' if row_classes and row_classes[index] else ""
        cells = "".join(
            f'<td class="n">{cell}</td>' if i in numeric else f"<td>{cell}</td>"
            for i, cell in enumerate(row)
        )
        yield f"<tr{cls}>{cells}</tr>"
    yield "</table>"


def render_html(result: TallyResult, generated_at: str = "") -> str:
    r = result.round
    out: list[str] = [
        "<!DOCTYPE html>",
        f'<html lang="{language()}"><head><meta charset="utf-8">',
        f"<title>{h(r.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{h(r.title)}</h1>",
        "<p>"
        + h(_("Results of the interview panel, method “{method}”.").format(method=result.method))
        + (
            " " + h(_("Generated {when} by panel-tui.").format(when=_when(generated_at)))
            if generated_at
            else ""
        )
        + "</p>",
        f"<h2>{h(_('Round'))}</h2>",
    ]
    out += _html_table(
        [h(_("item")), h(_("value"))], [[h(k), h(v)] for k, v in round_details(result)]
    )
    out.append(f"<h2>{h(_('Panel'))}</h2>")
    out += _html_table(
        [h(_("assessor")), h(_("name")), h(_("affiliation")), h(_("audit chains (events, head)"))],
        [
            [
                h(a.id),
                h(a.name),
                h(formatting.affiliation_label(a.affiliation)),
                h(_chains_of(result, a.id)),
            ]
            for a in result.panel
        ],
    )
    if result.imports:
        out.append(f"<h3>{h(_('Files merged'))}</h3>")
        out += _html_table(
            [
                h(_("when")),
                h(_("assessor")),
                h(_("file")),
                h(_("events added")),
                h(_("chain length")),
                h(_("head")),
            ],
            [
                [
                    h(i["at"]),
                    h(i["assessor"]),
                    h(i["file"]),
                    str(i["events"]),
                    str(i["length"]),
                    f"<code>{h(i['head'][:16])}</code>",
                ]
                for i in result.imports
            ],
            numeric={3, 4},
        )
    out.append(f"<h2>{h(_('Method'))}</h2><ul>")
    out += [f"<li>{h(rule)}</li>" for rule in result.rules()]
    out.append("</ul>")
    out.append(f"<h2>{h(_('Ranking'))}</h2>")
    for cat in result.categories:
        out += list(_html_ranking(cat))
    out.append(f"<h2>{h(_('Incomplete nominees'))}</h2>")
    incomplete = result.incomplete()
    if not incomplete:
        out.append(
            f"<p>{h(_('None: every counted assessor scored every criterion of every nominee.'))}</p>"
        )
    else:
        out.append("<ul>")
        for cat, x in incomplete:
            out.append(
                f"<li>{h(x.nominee.name)} ({h(x.nominee.id)}, {h(cat.category.id)}): "
                f"{h('; '.join(x.lacks()))}</li>"
            )
        out.append("</ul>")
    out.append(f"<h2>{h(_('Largest disagreements'))}</h2>")
    shown = _disagreements(result)
    if not shown:
        out.append(f"<p>{h(_('None: the counted assessors agree on every criterion.'))}</p>")
    else:
        out += _html_table(
            [h(_("spread")), h(_("nominee")), h(_("criterion")), h(_("mean")), h(_("scores"))],
            [
                [
                    _score(d.spread),
                    f"{h(d.nominee.name)} ({h(d.nominee.id)})",
                    h(d.criterion),
                    _num(d.mean),
                    h(", ".join(f"{a} {_score(v)}" for a, v in d.scores.items())),
                ]
                for d in shown
            ],
            numeric={0, 3},
        )
        if _more_disagreements(result):
            out.append(f"<p>{h(_more_disagreements(result))}</p>")
    out += robustness_html(result)
    out.append(f"<h2>{h(_('Scores by assessor'))}</h2>")
    out.append(f"<p>{h(_('R = recused (not counted), · = not scored.'))}</p>")
    for cat in result.categories:
        out.append(f"<h3>{h(cat.category.title)} ({h(cat.category.id)})</h3>")
        for x in cat.results:
            out.append(f"<h4>{x.rank}. {h(x.nominee.name)} ({h(x.nominee.id)})</h4>")
            out += _html_table(
                [h(_("criterion")), *(h(a.id) for a in result.panel), h(_("mean"))],
                [
                    [h(c.id), *(_cell(x, a.id, c.id) for a in result.panel), _num(x.means[c.id])]
                    for c in cat.rubric.criteria
                ],
                numeric=set(range(1, len(result.panel) + 2)),
            )
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _html_ranking(cat: CategoryResult) -> Iterator[str]:
    yield f"<h3>{h(cat.category.title)} ({h(cat.category.id)})</h3>"
    criteria = cat.rubric.criteria
    header = ["#", h(_("nominee")), h(_("name")), h(_("total"))]
    header += [f"{h(c.id)} ({_score(c.weight)})" for c in criteria]
    header += [h(_("assessors")), h(_("status"))]
    rows = [
        [str(x.rank), h(x.nominee.id), h(x.nominee.name), _num(x.total, 2)]
        + [_num(x.means[c.id]) for c in criteria]
        + [str(len(x.counted)), h(_status(x))]
        for x in cat.results
    ]
    classes = [
        "advances" if x.advances else ("" if x.complete else "incomplete") for x in cat.results
    ]
    yield from _html_table(
        header, rows, numeric={0, 3, *range(4, 4 + len(criteria) + 1)}, row_classes=classes
    )
