"""The minutes as content: headings, paragraphs, lists, tables and groups, written once and
rendered as Markdown and as HTML (report.py), so the two always say the same."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Para:
    text: str
    css: str = ""


@dataclass
class Items:
    items: list[str]


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    numeric: set[int] = field(default_factory=set)
    classes: list[str] | None = None
    css: str = ""


@dataclass
class Group:
    """Blocks printed together: `css` "category" starts a new page, "keep" is not split."""

    css: str
    blocks: list[Block]


Block = Heading | Para | Items | Table | Group
