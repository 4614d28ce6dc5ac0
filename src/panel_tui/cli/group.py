"""The `panel-tui` click group: help in the reader's language, refusals as messages.

Exit codes (contracts.md): 0 success, 1 input refused, 2 usage error. Every refusal is a
PanelError printed as one message; no command ever shows a traceback to the user.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from panel_tui import __version__
from panel_tui.domain.problems import PanelError
from panel_tui.i18n import N_, _

# Click's own words in the help pages, marked here so they are translated.
CLICK_WORDS = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
)


class PanelFormatter(click.HelpFormatter):
    """Click's help layout with its headings in the reader's language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix if prefix is not None else _("Usage:") + " ")

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        with super().section(_(name)):
            yield


class PanelContext(click.Context):
    formatter_class = PanelFormatter


# Click's own words in a help page, which its gettext domain does not translate.
_OPTIONS_METAVAR = N_("[OPTIONS]")
_COMMAND_METAVARS = (N_("COMMAND [ARGS]..."), N_("[COMMAND] [ARGS]..."))
_TYPE_METAVARS = {
    "text": N_("TEXT"),
    "path": N_("PATH"),
    "file": N_("FILE"),
    "directory": N_("DIRECTORY"),
    "filename": N_("FILENAME"),
    "integer": N_("INTEGER"),
    "float": N_("FLOAT"),
}
_DEFAULT = N_("default: {default}")


@contextmanager
def _translated_help(command: click.Command, ctx: click.Context | None = None) -> Iterator[None]:
    """Help texts are marked with N_() where declared and translated while help is shown, and
    so are the usage line's [OPTIONS] and the options' value names (TEXT, PATH …)."""
    params = command.get_params(ctx) if ctx is not None else command.params
    saved: list[tuple[click.Command | click.Parameter, str | None]] = [(command, command.help)]
    saved += [(p, p.help) for p in params if isinstance(p, click.Option)]
    metavars = [
        p
        for p in params
        if isinstance(p, click.Option)
        and p.metavar is None
        and not p.is_flag
        and p.type.name in _TYPE_METAVARS
    ]
    options_metavar = command.options_metavar
    group = command if isinstance(command, click.Group) else None
    subcommand_metavar = group.subcommand_metavar if group is not None else ""
    try:
        for item, text in saved:
            if text:
                item.help = _(text)
        for option in metavars:
            option.metavar = _(_TYPE_METAVARS[option.type.name]) + (
                "..." if option.nargs != 1 else ""
            )
        if options_metavar:
            command.options_metavar = _(_OPTIONS_METAVAR)
        if group is not None and subcommand_metavar in _COMMAND_METAVARS:
            group.subcommand_metavar = _(subcommand_metavar)
        yield
    finally:
        for item, text in saved:
            item.help = text
        for option in metavars:
            option.metavar = None
        command.options_metavar = options_metavar
        if group is not None:
            group.subcommand_metavar = subcommand_metavar


def _option_records(command: click.Command, ctx: click.Context) -> list[tuple[str, str]]:
    """The options' help lines, with click's "default:" in the reader's language."""
    english = "[" + "default: "
    ours = "[" + _(_DEFAULT).split("{default}")[0]
    records = []
    for param in command.get_params(ctx):
        if not isinstance(param, click.Option):
            continue
        record = param.get_help_record(ctx)
        if record is not None:
            records.append((record[0], record[1].replace(english, ours)))
    return records


def _language_option() -> click.Option:
    """--lang after the command too (`panel-tui check --lang id ...`), as before it."""

    def chosen(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
        if value is not None:
            ctx.find_root().params["lang"] = value
            _choose_language(value)

    return click.Option(
        ["--lang"],
        type=click.Choice(["id", "en"]),
        is_eager=True,
        expose_value=False,
        callback=chosen,
        help=N_("Language: id (Bahasa Indonesia) or en; default PANEL_TUI_LANG, then the locale."),
    )


class PanelCommand(click.Command):
    """A command whose help is shown in the reader's language, taking --lang as the group
    does."""

    context_class = PanelContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not any("--lang" in p.opts for p in self.params if isinstance(p, click.Option)):
            self.params.append(_language_option())

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        records = _option_records(self, ctx)
        if records:
            with formatter.section(N_("Options")):
                formatter.write_dl(records)

    def get_short_help_str(self, limit: int = 45) -> str:
        with _translated_help(self):
            return super().get_short_help_str(limit)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated_help(self, ctx):
            super().format_help(ctx, formatter)


class PanelGroup(click.Group):
    """Turns refusals and unexpected failures into a message and exit code 1."""

    context_class = PanelContext
    command_class = PanelCommand

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        records = _option_records(self, ctx)
        if records:
            with formatter.section(N_("Options")):
                formatter.write_dl(records)
        self.format_commands(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with _translated_help(self):
            return super().get_short_help_str(limit)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated_help(self, ctx):
            super().format_help(ctx, formatter)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PanelError as exc:
            click.echo(f"panel-tui: {exc}", err=True)
            ctx.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            # The reader (`| head`) has what it wanted: end quietly, as a complete run
            # would, and keep the interpreter's last flush from raising again.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
            ctx.exit(0)
        except KeyboardInterrupt:
            click.echo("panel-tui: " + _("interrupted"), err=True)
            ctx.exit(130)
        except Exception as exc:
            if os.environ.get("PANEL_TUI_DEBUG"):
                raise
            click.echo(
                "panel-tui: "
                + _(
                    "unexpected error: {kind}: {error} (set PANEL_TUI_DEBUG=1 to see where)"
                ).format(kind=type(exc).__name__, error=exc),
                err=True,
            )
            ctx.exit(1)


def _choose_language(flag: str | None) -> str | None:
    """--lang, else PANEL_TUI_LANG, else the locale, else English (panel_tui.i18n)."""
    from panel_tui.i18n import resolve_language, set_language

    set_language(resolve_language(flag))
    return flag


existing_path = click.Path(exists=True, path_type=Path)


@click.group(
    cls=PanelGroup,
    invoke_without_command=True,
    help=N_(
        "Score Paritrana Award interview panels offline; merge, verify and tally the results."
        "\n\nWith no command, opens the scoring app on the built-in demo round."
    ),
)
@click.version_option(__version__, prog_name="panel-tui")
@click.option(
    "--lang",
    type=click.Choice(["id", "en"]),
    is_eager=True,  # before --help, so the help is in the chosen language
    callback=lambda _ctx, _param, value: _choose_language(value),
    help=N_("Language: id (Bahasa Indonesia) or en; default PANEL_TUI_LANG, then the locale."),
)
@click.pass_context
def cli(ctx: click.Context, lang: str | None) -> None:
    """Score Paritrana Award interview panels offline; merge, verify and tally the results.

    With no command, opens the scoring app on the built-in demo round.
    """
    _choose_language(lang)
    if ctx.invoked_subcommand is None:
        from panel_tui.tui.launch import run_scoring

        ctx.exit(run_scoring(None, None, _language_given(lang)))


def _language_given(flag: str | None) -> bool:
    """--lang or PANEL_TUI_LANG: then the language the app last used is not taken instead."""
    return bool(flag or os.environ.get("PANEL_TUI_LANG"))


# Set by a command that ends its process holding much in memory (a national round's tally:
# the verified round, its claims and reference tables, kept for a next file of the round).
_LEAVE_TO_EXIT: list[bool] = []


def leave_to_exit() -> None:
    """When this process is `main`'s: what it holds is left to its exit, frozen (gc.freeze),
    not collected first (the collector's last passes over a national round's tally took
    0.06-0.08 s). A command run in-process (the tests' CliRunner) is left as it is."""
    _LEAVE_TO_EXIT[:] = [True]


def main() -> None:
    _choose_language(None)  # `panel-tui --help` without --lang: the environment's language
    try:
        cli(prog_name="panel-tui")
    finally:
        if _LEAVE_TO_EXIT:
            gc.freeze()
