"""The command palette (ctrl+p): every key of the current screen, and every nominee by name."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from panel_tui.i18n import _
from panel_tui.tui.common.language import (
    COMMAND_TITLE,
    LANGUAGE_NAMES,
    other_language,
    switch_language,
)
from panel_tui.tui.scoring.host import ScoringHost

OUR_SCREENS = {"agenda", "scoring", "readback", "summary"}


def _highlight(matcher: Matcher, candidate: str) -> Content:
    """Matcher.highlight reads the candidate as markup; nominee names must stay text."""
    content = Content(candidate)
    score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    if score:
        for offset in offsets:
            if not candidate[offset].isspace():
                content = content.stylize("reverse", offset, offset + 1)
    return content


class ScoringCommands(Provider):
    """Commands built from the active bindings, so the palette and the footer never disagree."""

    def _commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        app = self.app
        commands: list[tuple[str, Callable[[], Any], str]] = []
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            ours = (binding.id or "").split(".")[0] in OUR_SCREENS
            if not binding.description or binding.action in seen or binding.system:
                continue
            if not (binding.show or ours):
                continue  # cursor keys of the tables and the like
            if binding.action.startswith("type("):
                continue
            seen.add(binding.action)
            key = binding.key_display or app.get_key_display(binding)
            description = _(binding.description)  # marked with N_() where it is declared
            name = description[:1].upper() + description[1:]
            commands.append(
                (
                    f"{name} ({key})",
                    partial(app.call_later, app.run_action, binding.action, active.node),
                    _(binding.tooltip)
                    if binding.tooltip
                    else _("Key {key} on this screen").format(key=key),
                )
            )
        commands.append(
            (
                COMMAND_TITLE,
                partial(app.call_later, switch_language, app),
                _("Switch the language to {name} (ctrl+l)").format(
                    name=LANGUAGE_NAMES[other_language()]
                ),
            )
        )
        if isinstance(app, ScoringHost) and app.session is not None:
            for nominee in app.session.round.agenda():
                commands.append(
                    (
                        _("Open {nominee}").format(nominee=nominee.name),
                        partial(app.open_nominee, nominee.id),
                        _("Score this nominee"),
                    )
                )
        return commands

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(Content(name), callback, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, _highlight(matcher, name), callback, text=name, help=help_text)
