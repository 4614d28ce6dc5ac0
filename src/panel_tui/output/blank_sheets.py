"""Blank paper score sheets to print, and the CSV template the filled sheets are typed into.

One A4 page per assessor and nominee, in agenda order; or (compact) one sheet per assessor
with every nominee, a grid per category. Every box on the page carries the line
of the template that holds it, so the typist follows the paper line by line and the typed
template imports back with `import-scores` unchanged in shape. All user text is escaped.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass
from pathlib import Path

from panel_tui.domain import formatting
from panel_tui.domain.model import Assessor, Criterion, Nominee, Round, Rubric, format_score
from panel_tui.domain.paper import COLUMNS, RECUSAL_MARK
from panel_tui.domain.problems import PanelError
from panel_tui.i18n import _, language, set_language
from panel_tui.output.export import write_text
from panel_tui.round_package.loader import load_round_or_raise
from panel_tui.storage.atomic import check_target


@dataclass(frozen=True)
class Box:
    """One box on paper: its template line and what it is for."""

    line: int
    assessor: Assessor
    nominee: Nominee
    criterion: Criterion


def nominee_order(round_: Round, compact: bool) -> list[Nominee]:
    """The agenda; for the compact sheet grouped by category (one grid per rubric)."""
    agenda = round_.agenda()
    if not compact:
        return agenda
    rank = {c.id: i for i, c in enumerate(round_.categories)}
    return sorted(agenda, key=lambda n: rank.get(n.category, len(rank)))


def boxes(round_: Round, assessors: list[Assessor], compact: bool = False) -> list[Box]:
    """Every box to score, in the order of the template (line 1 is its header)."""
    found: list[Box] = []
    line = 1
    for assessor in assessors:
        for nominee in nominee_order(round_, compact):
            for criterion in round_.rubric_for(nominee).criteria:
                line += 1
                found.append(Box(line, assessor, nominee, criterion))
    return found


def render_template(round_: Round, items: list[Box]) -> str:
    """The CSV to type the sheets into: one row per box, score and note left empty.

    Semicolons for a round written with decimal commas, as Indonesian Excel saves them.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if round_.number_format == "id" else ",")
    writer.writerow(COLUMNS)
    for box in items:
        # Ids are letters, digits and - _ . from the round package: never a formula.
        writer.writerow([box.assessor.id, box.nominee.id, box.criterion.id, "", ""])
    return out.getvalue()


_CSS = """
@page { size: A4; margin: 14mm 14mm 16mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", system-ui, sans-serif; font-size: 8.5pt; color: #000;
       margin: 0; }
.sheet { break-after: page; }
.sheet:last-child { break-after: auto; }
header { border-bottom: 2px solid #000; margin-bottom: 3mm; }
header h1 { font-size: 11pt; margin: 0 0 1mm; }
header h2 { font-size: 14pt; margin: 0 0 1mm; }
.ids { font-family: "DejaVu Sans Mono", monospace; font-size: 8.5pt; }
dl { display: grid; grid-template-columns: auto 1fr auto 1fr; gap: 0.5mm 3mm; margin: 1mm 0 2mm; }
dt { font-weight: bold; } dd { margin: 0; }
p.how { margin: 0 0 2mm; font-size: 8.5pt; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 1px solid #000; padding: 0.8mm 1.5mm; vertical-align: top; text-align: left; }
th { background: #eee; font-size: 8.5pt; }
tr { break-inside: avoid; }
td.line { width: 9mm; text-align: center; font-family: "DejaVu Sans Mono", monospace; }
td.score { width: 20mm; text-align: center; }
td.note { width: 55mm; }
.box { display: inline-block; height: 10mm; border: 1.5px solid #000; background: #fff; }
.scale { display: block; font-size: 7.5pt; margin-top: 0.5mm; }
.criterion { font-weight: bold; }
.guidance { margin: 0.5mm 0; }
.levels { margin: 0.5mm 0 0; font-size: 7.5pt; }
.levels span + span::before { content: " · "; }
.bottom { display: grid; grid-template-columns: 3fr 2fr; gap: 3mm; margin-top: 2.5mm;
          break-inside: avoid; }
.recusal, .signature { border: 1px solid #000; padding: 1.5mm 2mm; }
.tick { display: inline-block; width: 5mm; height: 5mm; border: 1.5px solid #000;
        vertical-align: middle; margin-right: 2mm; }
.rule { border-bottom: 1px solid #000; height: 6mm; }
.signature .rule { height: 9mm; }
.compact h3 { font-size: 10pt; margin: 3mm 0 1mm; break-after: avoid; }
ul.key { margin: 0 0 1.5mm; padding-left: 4mm; font-size: 7.5pt; break-after: avoid; }
td.cell { position: relative; text-align: center; padding: 2.5mm 1mm 1mm; }
td.cell .ln { position: absolute; top: 0.3mm; left: 0.8mm; font-size: 6pt; color: #444; }
td.cell .box { height: 8mm; }
td.recuse { width: 45mm; }
"""


def h(text: object) -> str:
    return html.escape(str(text), quote=True)


def _box_width(rubric: Rubric) -> str:
    """Wide enough for the longest score of the scale (4.5 needs more room than 4)."""
    widest = max(len(format_score(v)) for v in rubric.values()) if rubric.values() else 1
    return f"{max(10, 4 + 3 * widest)}mm"


def _levels(criterion: Criterion) -> str:
    if not criterion.levels:
        return ""
    items = "".join(
        f"<span><b>{h(format_score(level))}</b> {h(text)}</span>"
        for level, text in criterion.levels
    )
    return f'<div class="levels">{items}</div>'


def _page(round_: Round, assessor: Assessor, nominee: Nominee, items: list[Box]) -> str:
    rubric = round_.rubric_for(nominee)
    category = round_.category(nominee.category)
    total_weight = rubric.total_weight or 1.0
    width = _box_width(rubric)
    details = [
        (_("assessor"), f"{assessor.name} ({assessor.id})"),
        (_("category"), category.title if category else nominee.category),
        (_("presenter"), nominee.presenter),
        (_("slot"), formatting.long_slot(nominee.slot) if nominee.slot else ""),
    ]
    rows = []
    for box in items:
        c = box.criterion
        weight = formatting.percent(100 * c.weight / total_weight, 1)
        rows.append(
            "<tr>"
            f'<td class="line">{box.line}</td>'
            f'<td><span class="criterion">{h(c.title)}</span> '
            f'<span class="ids">{h(c.id)}</span> · {h(_("weight"))} {h(weight)}'
            + (f'<div class="guidance">{h(c.guidance)}</div>' if c.guidance else "")
            + _levels(c)
            + "</td>"
            f'<td class="score"><span class="box" style="width: {width}"></span>'
            f'<span class="scale">{h(rubric.describe_scale())}</span></td>'
            f'<td class="note"></td>'
            "</tr>"
        )
    first = items[0].line if items else 0
    return "\n".join(
        [
            '<section class="sheet">',
            "<header>",
            f"<h1>{h(round_.title)} · {h(_('paper score sheet'))}</h1>",
            f'<h2>{h(nominee.name)} <span class="ids">{h(nominee.id)}</span></h2>',
            "</header>",
            "<dl>" + "".join(f"<dt>{h(k)}</dt><dd>{h(v)}</dd>" for k, v in details if v) + "</dl>",
            '<p class="how">'
            + h(
                _(
                    "Write one score per box on the scale shown; a note beside it if you wish."
                    " The number at the left of each line is the line of the typing template."
                )
            )
            + "</p>",
            "<table>",
            "<tr>"
            + "".join(
                f"<th>{h(x)}</th>" for x in (_("line"), _("criterion"), _("score"), _("note"))
            )
            + "</tr>",
            *rows,
            "</table>",
            '<div class="bottom"><div class="recusal"><span class="tick"></span>'
            + h(
                _(
                    "I recuse myself from this nominee (conflict of interest): no scores on this"
                    " sheet. Typed as {mark} on line {line}, the reason in its note."
                ).format(mark=RECUSAL_MARK, line=first)
            )
            + f'<div>{h(_("reason"))}:</div><div class="rule"></div></div>',
            '<div class="signature">'
            f"<div>{h(_('name'))}<br><b>{h(assessor.name)}</b></div>"
            f'<div>{h(_("signature"))}<div class="rule"></div></div>'
            f'<div>{h(_("date"))}<div class="rule"></div></div>'
            "</div></div>",
            "</section>",
        ]
    )


def _criterion_key(round_: Round, rubric: Rubric) -> str:
    """Once per grid: what each column is, as the per-nominee sheet says it on every line."""
    total_weight = rubric.total_weight or 1.0
    items = []
    for c in rubric.criteria:
        weight = formatting.percent(100 * c.weight / total_weight, 1)
        items.append(
            f'<li><span class="criterion">{h(c.title)}</span> <span class="ids">{h(c.id)}</span>'
            f" · {h(_('weight'))} {h(weight)}"
            + (f" · {h(c.guidance)}" if c.guidance else "")
            + _levels(c)
            + "</li>"
        )
    return f'<ul class="key">{"".join(items)}</ul>'


def _compact_page(round_: Round, assessor: Assessor, items: list[Box]) -> str:
    """Every nominee on one sheet: a grid per category, a box per criterion, no notes."""
    lines: dict[tuple[str, str], int] = {(b.nominee.id, b.criterion.id): b.line for b in items}
    nominees = nominee_order(round_, True)
    parts = [
        '<section class="sheet compact">',
        "<header>",
        f"<h1>{h(round_.title)} · {h(_('paper score sheet'))}</h1>",
        f'<h2>{h(assessor.name)} <span class="ids">{h(assessor.id)}</span></h2>',
        "</header>",
        '<p class="how">'
        + h(
            _(
                "One row per nominee, one box per criterion; the small number in a box is its"
                " line in the typing template. To recuse, tick R and write the reason; it is"
                " typed as R on the nominee's first line. Notes go on the per-nominee sheets."
            )
        )
        + "</p>",
    ]
    for category in round_.categories:
        group = [n for n in nominees if n.category == category.id]
        if not group:
            continue
        rubric = round_.rubric_for(group[0])
        width = _box_width(rubric)
        parts += [
            f"<h3>{h(category.title)} · {h(rubric.describe_scale())}</h3>",
            _criterion_key(round_, rubric),
            "<table>",
            "<tr>"
            + f"<th>{h(_('nominee'))}</th>"
            + "".join(f'<th class="ids">{h(c.id)}</th>' for c in rubric.criteria)
            + f"<th>R · {h(_('reason'))}</th>"
            + "</tr>",
        ]
        for nominee in group:
            cells = "".join(
                '<td class="cell">'
                f'<span class="ln">{lines[nominee.id, c.id]}</span>'
                f'<span class="box" style="width: {width}"></span></td>'
                for c in rubric.criteria
            )
            parts.append(
                f'<tr><td>{h(nominee.name)} <span class="ids">{h(nominee.id)}</span></td>'
                f'{cells}<td class="recuse"><span class="tick"></span></td></tr>'
            )
        parts.append("</table>")
    parts += [
        '<div class="bottom"><div></div><div class="signature">'
        f"<div>{h(_('name'))}<br><b>{h(assessor.name)}</b></div>"
        f'<div>{h(_("signature"))}<div class="rule"></div></div>'
        f'<div>{h(_("date"))}<div class="rule"></div></div>'
        "</div></div>",
        "</section>",
    ]
    return "\n".join(parts)


def render_sheets(round_: Round, assessors: list[Assessor], compact: bool = False) -> str:
    """The HTML of every blank sheet: a page per assessor and nominee, or (`compact`) one
    sheet per assessor with every nominee."""
    items = boxes(round_, assessors, compact)
    by_page: dict[tuple[str, str], list[Box]] = {}
    for box in items:
        by_page.setdefault((box.assessor.id, box.nominee.id), []).append(box)
    if compact:
        pages = [
            _compact_page(round_, a, [b for b in items if b.assessor.id == a.id]) for a in assessors
        ]
    else:
        pages = [
            _page(round_, assessor, nominee, by_page.get((assessor.id, nominee.id), []))
            for assessor in assessors
            for nominee in round_.agenda()
        ]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{language()}"><head><meta charset="utf-8">',
            f"<title>{h(round_.title)} · {h(_('paper score sheets'))}</title>",
            f"<style>{_CSS}</style></head><body>",
            *pages,
            "</body></html>",
        ]
    )


def choose_assessors(round_: Round, wanted: list[str]) -> list[Assessor]:
    if not wanted:
        return list(round_.assessors)
    chosen = []
    for assessor_id in dict.fromkeys(wanted):  # named twice, printed once
        found = round_.assessor(assessor_id)
        if found is None:
            panel = ", ".join(f"{a.id} ({a.name})" for a in round_.assessors)
            raise PanelError(
                _("unknown assessor {assessor!r}: the panel of {round} is {panel}").format(
                    assessor=assessor_id, round=round_.id, panel=panel
                )
            )
        chosen.append(found)
    return chosen


def write_sheets(
    round_dir: Path,
    wanted: list[str],
    out: Path,
    template: Path | None,
    round_language: bool = False,
    compact: bool = False,
) -> tuple[int, int]:
    """Write the sheets (and the template); (sheets, template rows).

    With `round_language`, a round whose numbers are written the Indonesian way is printed
    in Indonesian whatever the secretariat's own language.
    """

    round_, _warnings = load_round_or_raise(round_dir)
    if round_language and round_.number_format == "id":
        set_language("id")
    assessors = choose_assessors(round_, wanted)
    items = boxes(round_, assessors, compact)
    for target in (out, template):
        if target is not None:
            check_target(target)  # both before either is written: not the sheets alone
    write_text(out, render_sheets(round_, assessors, compact))
    if template is not None:
        # With a BOM, so that Excel opens the UTF-8 names rightly.
        write_text(template, render_template(round_, items), encoding="utf-8-sig")
    return len(assessors) * (1 if compact else len(round_.nominees)), len(items)
