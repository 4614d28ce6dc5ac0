"""The `panel-tui` command line.

Exit codes (contracts.md): 0 success, 1 input refused, 2 usage error. Every refusal is a
PanelError printed as one message; no command ever shows a traceback to the user.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from panel_tui import __version__
from panel_tui.problems import PanelError, Problem


class PanelGroup(click.Group):
    """Turns refusals and unexpected failures into a message and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PanelError as exc:
            click.echo(f"panel-tui: {exc}", err=True)
            ctx.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("panel-tui: interrupted", err=True)
            ctx.exit(130)
        except Exception as exc:
            if os.environ.get("PANEL_TUI_DEBUG"):
                raise
            click.echo(
                f"panel-tui: unexpected error: {type(exc).__name__}: {exc} "
                "(set PANEL_TUI_DEBUG=1 to see where)",
                err=True,
            )
            ctx.exit(1)


def data_dir() -> Path:
    """Where the app keeps the demo round's databases (PANEL_TUI_DATA_DIR overrides)."""
    override = os.environ.get("PANEL_TUI_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("panel-tui", appauthor=False))


existing_path = click.Path(exists=True, path_type=Path)


@click.group(cls=PanelGroup, invoke_without_command=True)
@click.version_option(__version__, prog_name="panel-tui")
@click.option(
    "--lang",
    type=click.Choice(["id", "en"]),
    help="Language: id (Bahasa Indonesia) or en; default PANEL_TUI_LANG, then the locale.",
)
@click.pass_context
def cli(ctx: click.Context, lang: str | None) -> None:
    """Score Paritrana Award interview panels offline; merge, verify and tally the results.

    With no command, opens the scoring app on the built-in demo round.
    """
    from panel_tui.i18n import resolve_language, set_language

    set_language(resolve_language(lang))
    if ctx.invoked_subcommand is None:
        from panel_tui.tui.launch import run_scoring

        ctx.exit(run_scoring(None, None))


# --- round packages -------------------------------------------------------------------


@cli.command()
@click.argument("round_dir", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
def check(round_dir: Path, as_json: bool) -> None:
    """Validate a round package (round.toml, nominees, claims)."""
    from panel_tui.loader import load_round

    result = load_round(round_dir)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "errors": [p.as_dict() for p in result.errors],
                    "warnings": [p.as_dict() for p in result.warnings],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        _print_problems(result.errors, result.warnings)
        if result.round is not None:
            r = result.round
            click.echo(
                f"{r.id}: {len(r.nominees)} nominees in {len(r.categories)} categories, "
                f"{len(r.claims)} claims, {len(r.assessors)} assessors, {len(r.rubrics)} rubrics"
            )
    sys.exit(1 if result.errors else 0)


def _print_problems(errors: list[Problem], warnings: list[Problem]) -> None:
    for problem in errors:
        click.echo(f"error: {problem}")
    for problem in warnings:
        click.echo(f"warning: {problem}")
    click.echo(f"{len(errors)} error(s), {len(warnings)} warning(s)")


@cli.command()
@click.argument("round_dir", type=click.Path(path_type=Path))
@click.option("--assessor", required=True, help="The assessor's id from round.toml.")
@click.option(
    "--db",
    "db_path",
    required=True,
    type=click.Path(path_type=Path),
    help="Where to create the assessor's database.",
)
def init(round_dir: Path, assessor: str, db_path: Path) -> None:
    """Create an assessor's database holding a snapshot of the round."""
    from panel_tui.setup import init_assessor_db

    path, created, warnings = init_assessor_db(round_dir, assessor, db_path)
    for problem in warnings:
        click.echo(f"warning: {problem}", err=True)
    if created:
        click.echo(f"created {path} for assessor {assessor}")
    else:
        click.echo(f"{path} already belongs to assessor {assessor} of this round: unchanged")


@cli.command("import-scores")
@click.argument("db_path", metavar="DB", type=existing_path)
@click.argument("sheet", metavar="FILE", type=existing_path)
def import_scores_command(db_path: Path, sheet: Path) -> None:
    """Record a typed-in paper score sheet (CSV/XLSX), all or nothing."""
    from panel_tui.score_import import import_scores

    count = import_scores(db_path, sheet)
    click.echo(f"recorded {count} score(s) from {sheet.name} into {db_path}")


# --- scoring ---------------------------------------------------------------------------


@cli.command()
@click.argument("path", type=existing_path)
@click.option("--assessor", help="Which panel member you are (asked when not given).")
def score(path: Path, assessor: str | None) -> None:
    """Open the scoring app on an assessor database (or a round folder)."""
    from panel_tui.tui.launch import run_scoring

    sys.exit(run_scoring(path, assessor))


# --- the secretariat -------------------------------------------------------------------


@cli.command()
@click.argument("db_path", metavar="DB", type=existing_path)
@click.option(
    "--head",
    "heads",
    multiple=True,
    help="A chain head from a hand-over receipt that must be in the file (repeatable).",
)
def verify(db_path: Path, heads: tuple[str, ...]) -> None:
    """Check SQLite integrity and the whole audit chain; exit 1 on any problem."""
    from panel_tui.verify import verify_database

    report = verify_database(db_path, heads)
    for problem in report.problems:
        click.echo(f"problem: {problem}")
    for chain in report.chains:
        click.echo(
            f"chain {chain.origin[:12]} assessor {chain.assessor}: "
            f"{chain.length} events, head {chain.head}"
        )
    if report.ok:
        click.echo(f"{db_path}: ok ({report.events} events in {len(report.chains)} chain(s))")
    else:
        click.echo(f"{db_path}: {len(report.problems)} problem(s)", err=True)
        sys.exit(1)


def main() -> None:
    cli(prog_name="panel-tui")


from panel_tui import cli_secretariat  # noqa: E402,F401  (registers its commands)
