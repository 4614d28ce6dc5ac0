"""The minutes as Markdown: user text escaped so that it is never markup or HTML."""

from __future__ import annotations

import re
from collections.abc import Iterator

from panel_tui.domain.text import visible_controls
from panel_tui.output.blocks import Block, Heading, Items, Para, Table
from panel_tui.output.report import minutes
from panel_tui.secretariat.tally_result import TallyResult

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~])")


def md(text: str) -> str:
    """User text safe inside Markdown (and its table cells): no markup, no HTML."""
    text = " ".join(visible_controls(str(text)).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    if text[:1] in ("-", "+", "=", "."):
        text = "\\" + text
    return text


def _md_blocks(blocks: list[Block]) -> Iterator[str]:
    for block in blocks:
        if isinstance(block, Heading):
            yield from ("#" * block.level + " " + md(block.text), "")
        elif isinstance(block, Para):
            text = md(block.text)
            yield from (f"**{text}**" if block.css in ("subtitle", "caption") else text, "")
        elif isinstance(block, Items):
            yield from (f"- {md(item)}" for item in block.items)
            yield ""
        elif isinstance(block, Table):
            yield "| " + " | ".join(md(c) for c in block.header) + " |"
            yield "|" + "---|" * len(block.header)
            for row in block.rows:
                yield "| " + " | ".join(md(c) for c in row) + " |"
            yield ""
        else:
            yield from _md_blocks(block.blocks)


def render_markdown(result: TallyResult, generated_at: str = "") -> str:
    title, blocks = minutes(result, generated_at)
    return "\n".join([f"# {md(title)}", "", *_md_blocks(blocks)])
