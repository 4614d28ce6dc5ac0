"""The minutes as HTML for print (A4): user text escaped, the print stylesheet inline."""

from __future__ import annotations

import html
from collections.abc import Iterator

from panel_tui.domain.text import visible_controls
from panel_tui.i18n import language
from panel_tui.output.blocks import Block, Heading, Items, Para, Table
from panel_tui.output.report import minutes
from panel_tui.secretariat.tally_result import TallyResult

# Print first: A4, page numbers in the bottom margin, headings kept with what follows, rows
# never split, table headers repeated on every page, and nothing told by colour alone.
_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm;
  @bottom-right { content: counter(page) " / " counter(pages); font: 9pt system-ui, sans-serif; } }
body { font-family: system-ui, sans-serif; font-size: 10pt; margin: 2em; color: #000; }
h1 { font-size: 1.7em; margin: 0 0 0.2em; text-transform: uppercase; letter-spacing: 0.03em; }
p.subtitle { font-size: 1.25em; font-weight: bold; margin-top: 0; }
h2 { font-size: 1.3em; margin-top: 1.4em; border-bottom: 1.5px solid #000; }
h3 { font-size: 1.1em; margin: 1em 0 0.3em; } h4 { font-size: 1em; margin: 0.8em 0 0.2em; }
h1, h2, h3, h4, p.caption, p.note { break-after: avoid; page-break-after: avoid; }
table { border-collapse: collapse; margin: 0.4em 0 0.9em; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 1px solid #777; padding: 0.2em 0.45em; text-align: left; vertical-align: top; }
th { background: #eee; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.n { white-space: nowrap; }
table.ranking { width: 100%; }
table.ranking td:nth-child(3) { min-width: 12em; }
table.ranking th.n { width: 1%; }
table.ranking td:last-child { white-space: nowrap; }
td { overflow-wrap: break-word; }
tr.advances td { font-weight: bold; }
tr.advances td:last-child::before { content: "★ "; }
tr.incomplete td { font-style: italic; }
p.note { margin: 0.3em 0 0.1em; font-weight: bold; }
p.caption { margin: 0.6em 0 0; font-weight: bold; }
p.mono, code { font-family: ui-monospace, monospace; font-size: 0.85em; overflow-wrap: anywhere; }
div.keep { break-inside: avoid; page-break-inside: avoid; }
table.signatures { width: 100%; }
table.signatures td { height: 2.6em; vertical-align: middle; }
table.signatures th:nth-child(4), table.signatures td:nth-child(4) { width: 28%; }
table.signatures th:nth-child(5), table.signatures td:nth-child(5) { width: 14%; }
table.chair td { width: 33%; }
p.place { margin: 0.6em 0; }
@media print {
  body { margin: 0; }
  div.section, div.category { break-before: page; page-break-before: always; }
  div.section > div.category:first-of-type { break-before: avoid; page-break-before: avoid; }
  div.signing { break-before: page; page-break-before: always; }
}
"""


def h(text: object) -> str:
    return html.escape(visible_controls(str(text)), quote=True)


def _html_table(table: Table) -> Iterator[str]:
    cls = f' class="{table.css}"' if table.css else ""
    yield f"<table{cls}>"
    yield (
        "<thead><tr>"
        + "".join(
            f'<th class="n">{h(c)}</th>' if i in table.numeric else f"<th>{h(c)}</th>"
            for i, c in enumerate(table.header)
        )
        + "</tr></thead><tbody>"
    )
    for index, row in enumerate(table.rows):
        row_cls = table.classes[index] if table.classes else ""
        cells = "".join(
            f'<td class="n">{h(cell)}</td>' if i in table.numeric else f"<td>{h(cell)}</td>"
            for i, cell in enumerate(row)
        )
        yield f'<tr class="{row_cls}">{cells}</tr>' if row_cls else f"<tr>{cells}</tr>"
    yield "</tbody></table>"


def _html_blocks(blocks: list[Block]) -> Iterator[str]:
    for block in blocks:
        if isinstance(block, Heading):
            yield f"<h{block.level}>{h(block.text)}</h{block.level}>"
        elif isinstance(block, Para):
            cls = f' class="{block.css}"' if block.css else ""
            yield f"<p{cls}>{h(block.text)}</p>"
        elif isinstance(block, Items):
            yield "<ul>" + "".join(f"<li>{h(item)}</li>" for item in block.items) + "</ul>"
        elif isinstance(block, Table):
            yield from _html_table(block)
        else:
            yield f'<div class="{block.css}">'
            yield from _html_blocks(block.blocks)
            yield "</div>"


def render_html(result: TallyResult, generated_at: str = "") -> str:
    title, blocks = minutes(result, generated_at)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{language()}"><head><meta charset="utf-8">',
        f"<title>{h(title)}: {h(result.round.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{h(title)}</h1>",
        *_html_blocks(blocks),
        "</body></html>",
    ]
    return "\n".join(out) + "\n"
