"""The assessor's and the round's commands: check, init, import-scores, sheets, score, verify."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

# Click's own words in the help pages, marked here so they are translated.
from panel_tui.cli.group import _language_given, cli, existing_path
from panel_tui.domain.problems import Problem
from panel_tui.i18n import N_, _, ngettext

# --- round packages -------------------------------------------------------------------


@cli.command(help=N_("Validate a round package (round.toml, nominees, claims)."))
@click.argument("round_dir", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the problems as JSON."))
def check(round_dir: Path, as_json: bool) -> None:
    from panel_tui.round_package.loader import load_round

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
                _(
                    "{round}: {nominees} nominees in {categories} categories, {claims} claims, "
                    "{assessors} assessors, {rubrics} rubrics"
                ).format(
                    round=r.id,
                    nominees=len(r.nominees),
                    categories=len(r.categories),
                    claims=result.claim_count,
                    assessors=len(r.assessors),
                    rubrics=len(r.rubrics),
                )
            )
    sys.exit(1 if result.errors else 0)


def _print_problems(errors: list[Problem], warnings: list[Problem]) -> None:
    for problem in errors:
        click.echo(_("error: {problem}").format(problem=problem))
    for problem in warnings:
        click.echo(_("warning: {problem}").format(problem=problem))
    click.echo(
        _("{errors} error(s), {warnings} warning(s)").format(
            errors=len(errors), warnings=len(warnings)
        )
    )


@cli.command(help=N_("Create an assessor's database holding a snapshot of the round."))
@click.argument("round_dir", type=click.Path(path_type=Path))
@click.option("--assessor", required=True, help=N_("The assessor's id from round.toml."))
@click.option(
    "--db",
    "db_path",
    required=True,
    type=click.Path(path_type=Path),
    help=N_("Where to create the assessor's database."),
)
def init(round_dir: Path, assessor: str, db_path: Path) -> None:
    from panel_tui.assessor.setup import init_assessor_db

    path, created, warnings = init_assessor_db(round_dir, assessor, db_path)
    for problem in warnings:
        click.echo(_("warning: {problem}").format(problem=problem), err=True)
    if created:
        click.echo(_("created {path} for assessor {assessor}").format(path=path, assessor=assessor))
    else:
        click.echo(
            _("{path} already belongs to assessor {assessor} of this round: unchanged").format(
                path=path, assessor=assessor
            )
        )


@cli.command(
    "import-scores", help=N_("Record a typed-in paper score sheet (CSV/XLSX), all or nothing.")
)
@click.argument("db_path", metavar="DB", type=existing_path)
@click.argument("sheet", metavar="FILE", type=existing_path)
@click.option(
    "--confirm",
    "confirm",
    metavar="SECOND",
    type=existing_path,
    help=N_(
        "A second, independent typing of the same paper sheet: nothing is recorded unless the"
        " two agree cell for cell."
    ),
)
@click.option("--entered-by", default="", help=N_("Who typed FILE (with --confirm)."))
@click.option(
    "--confirmed-by", default="", help=N_("Who typed SECOND; must differ from --entered-by.")
)
@click.option(
    "--reason",
    default="",
    help=N_("Why the sheet corrects recorded scores or a final sheet (kept in the audit trail)."),
)
def import_scores_command(
    db_path: Path,
    sheet: Path,
    confirm: Path | None,
    entered_by: str,
    confirmed_by: str,
    reason: str,
) -> None:
    from panel_tui.assessor.score_import import import_paper
    from panel_tui.domain.paper import describe_change

    if confirm is None and (entered_by or confirmed_by):
        raise click.UsageError(_("--entered-by and --confirmed-by go with --confirm"))
    result = import_paper(
        db_path,
        sheet,
        confirm=confirm,
        entered_by=entered_by,
        confirmed_by=confirmed_by,
        reason=reason,
    )
    for problem in result.warnings:
        click.echo(_("warning: {problem}").format(problem=problem), err=True)
    plan = result.plan
    if confirm is not None:
        click.echo(
            _("{first} and {second} agree cell for cell").format(
                first=sheet.name, second=confirm.name
            )
        )
    if plan.writes == 0:
        click.echo(
            _("0 changes, {count} already recorded in {db}").format(
                count=plan.unchanged, db=db_path
            )
        )
        return
    click.echo(
        _("recorded {count} score(s) from {file} into {db}").format(
            count=result.count, file=sheet.name, db=db_path
        )
    )
    for change in plan.changes:
        click.echo(
            "  "
            + _("changed {change}").format(change=describe_change(change, result.number_format))
        )
    for row in plan.recusals:
        click.echo("  " + _("recorded a recusal from {nominee}").format(nominee=row.nominee))
    if plan.notes:
        click.echo("  " + _("recorded {count} note(s)").format(count=len(plan.notes)))
    for nominee in plan.reopen:
        click.echo(
            "  " + _("reopened and finalised again the sheet of {nominee}").format(nominee=nominee)
        )
    if plan.unchanged:
        click.echo("  " + _("{count} already recorded").format(count=plan.unchanged))
    if result.blank:
        click.echo("  " + _("{count} blank row(s) skipped").format(count=result.blank))


@cli.command(help=N_("Print blank paper score sheets for a round (HTML, A4)."))
@click.argument("round_dir", type=click.Path(path_type=Path))
@click.option(
    "--assessor",
    "assessors",
    multiple=True,
    help=N_("Only this assessor's sheets (repeatable); default every assessor."),
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help=N_("The HTML file to write."),
)
@click.option(
    "--template",
    type=click.Path(dir_okay=False, path_type=Path),
    help=N_("Also write a CSV to type the filled sheets into, one row per box, in sheet order."),
)
@click.option(
    "--compact",
    is_flag=True,
    help=N_("One sheet per assessor with every nominee (no notes), not a page per nominee."),
)
@click.pass_context
def sheets(
    ctx: click.Context,
    round_dir: Path,
    assessors: tuple[str, ...],
    out: Path,
    template: Path | None,
    compact: bool,
) -> None:
    from panel_tui.output.blank_sheets import write_sheets

    # The panel reads the sheets: without a language asked for, a round written for
    # Indonesian readers (decimal commas) is printed in Indonesian.
    asked = ctx.find_root().params.get("lang") or os.environ.get("PANEL_TUI_LANG")
    pages, rows = write_sheets(round_dir, list(assessors), out, template, not asked, compact)
    click.echo(_("wrote {pages} sheet(s) to {out}").format(pages=pages, out=out))
    if template is not None:
        click.echo(_("wrote {rows} row(s) to type into {out}").format(rows=rows, out=template))


# --- scoring ---------------------------------------------------------------------------


@cli.command(help=N_("Open the scoring app on an assessor database (or a round folder)."))
@click.argument("path", type=existing_path)
@click.option("--assessor", help=N_("Which panel member you are (asked when not given)."))
@click.pass_context
def score(ctx: click.Context, path: Path, assessor: str | None) -> None:
    from panel_tui.tui.launch import run_scoring

    lang = ctx.find_root().params.get("lang")
    sys.exit(run_scoring(path, assessor, _language_given(lang)))


# --- the secretariat -------------------------------------------------------------------


@cli.command(help=N_("Check SQLite integrity and the whole audit chain; exit 1 on any problem."))
@click.argument("db_path", metavar="DB", type=existing_path)
@click.option(
    "--head",
    "heads",
    multiple=True,
    help=N_("A chain head from a hand-over receipt that must be in the file (repeatable)."),
)
def verify(db_path: Path, heads: tuple[str, ...]) -> None:
    from panel_tui.secretariat.verify.database import verify_database

    report = verify_database(db_path, heads, parallel=True)
    for problem in report.problems:
        click.echo(_("problem: {problem}").format(problem=problem))
    for chain in report.chains:
        click.echo(
            _("chain {origin} assessor {assessor}: {events} events, head {head}").format(
                origin=chain.origin[:12],
                assessor=chain.assessor,
                events=chain.length,
                head=chain.head,
            )
        )
    for later in report.after_heads:
        click.echo(
            ngettext(
                "note: {count} event after receipt head {head} (chain {origin}): recorded since"
                " the hand-over copy was made; that copy ends at the head",
                "note: {count} events after receipt head {head} (chain {origin}): recorded since"
                " the hand-over copy was made; that copy ends at the head",
                later.count,
            ).format(count=later.count, head=later.head, origin=later.origin[:12])
        )
    if report.ok:
        click.echo(
            _("{db}: ok ({events} events in {chains} chain(s))").format(
                db=db_path, events=report.events, chains=len(report.chains)
            )
        )
    else:
        click.echo(
            _("{db}: {count} problem(s)").format(db=db_path, count=len(report.problems)),
            err=True,
        )
        sys.exit(1)
