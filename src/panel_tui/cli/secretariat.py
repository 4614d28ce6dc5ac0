"""Secretariat commands: handover, merge, tally (registered on the main group)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from panel_tui.cli.group import cli, existing_path, leave_to_exit
from panel_tui.domain.methods import METHODS
from panel_tui.i18n import N_, _
from panel_tui.output.formats import FORMATS, SUFFIX_FORMATS

# Conflicting cells listed per refused input of merge.
CONFLICTS_SHOWN = 20


@cli.command(help=N_("Write a safe, self-contained copy for the USB stick and print its receipt."))
@click.argument("db_path", metavar="DB", type=existing_path)
@click.option(
    "--to",
    "target",
    required=True,
    type=click.Path(path_type=Path),
    help=N_("Where to write the copy (a file, or a folder such as the USB stick)."),
)
@click.option("--replace", is_flag=True, help=N_("Overwrite an existing copy at --to."))
def handover(db_path: Path, target: Path, replace: bool) -> None:
    from panel_tui.secretariat.handover import handover as do_handover
    from panel_tui.secretariat.handover import receipt_lines

    receipt = do_handover(db_path, target, replace=replace)
    for line in receipt_lines(receipt):
        click.echo(line)


@cli.command(
    help=N_("Merge assessor (or merged) databases into OUT; idempotent; atomic per input.")
)
@click.argument("out", metavar="OUT", type=click.Path(path_type=Path))
@click.argument("inputs", metavar="DB...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--head",
    "heads",
    multiple=True,
    help=N_(
        "A chain head from a hand-over receipt (repeatable); every chain of every input "
        "must contain one of them."
    ),
)
def merge(out: Path, inputs: tuple[Path, ...], heads: tuple[str, ...]) -> None:
    from panel_tui.secretariat.merge.driver import merge as do_merge
    from panel_tui.secretariat.merge.report import InputReport

    def show(report: InputReport) -> None:
        if report.status == "refused":
            click.echo(_("{path}: refused").format(path=report.path))
            for problem in report.problems:
                click.echo(f"  {problem}")
            # the first cells say what to settle; thousands of lines would hide it
            for conflict in report.conflicts[:CONFLICTS_SHOWN]:
                click.echo(f"  - {conflict.describe()}")
            if len(report.conflicts) > CONFLICTS_SHOWN:
                click.echo(
                    "  "
                    + _("… and {count} more").format(count=len(report.conflicts) - CONFLICTS_SHOWN)
                )
            return
        if not report.chains:
            click.echo(
                _("{path}: no scores in this file, nothing to merge").format(path=report.path)
            )
            return
        state = _("merged") if report.status == "merged" else _("already there, nothing new")
        click.echo(
            _("{path}: {state}: {added} event(s) added, {known} already there").format(
                path=report.path, state=state, added=report.added, known=report.known
            )
        )
        for chain in report.chains:
            click.echo(
                "  "
                + _(
                    "chain {origin} assessor {assessor}: +{added} (had {known}), length {length}, "
                    "head {head}"
                ).format(
                    origin=chain.origin[:12],
                    assessor=chain.assessor,
                    added=chain.added,
                    known=chain.known,
                    length=chain.length,
                    head=chain.head[:16],
                )
            )

    result = do_merge(out, list(inputs), heads, progress=show)
    for head in result.unmatched_heads:
        click.echo(_("receipt head {head} is in none of the files merged").format(head=head))
    merged = sum(1 for r in result.inputs if r.status == "merged")
    unchanged = sum(1 for r in result.inputs if r.status == "unchanged")
    refused = sum(1 for r in result.inputs if r.status == "refused")
    click.echo(
        _("{out}: {merged} merged, {unchanged} unchanged, {refused} refused").format(
            out=out, merged=merged, unchanged=unchanged, refused=refused
        )
    )
    if not result.ok:
        sys.exit(1)


@cli.command(help=N_("Results per category (ranking, totals, criterion means, who advances)."))
@click.argument("db_path", metavar="DB", type=existing_path)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help=N_("Output format (default: table, or from the --out suffix)."),
)
@click.option(
    "--out", type=click.Path(path_type=Path), help=N_("Write to this file instead of the screen.")
)
@click.option("--tui", is_flag=True, help=N_("Open the secretariat screen instead."))
@click.option(
    "--head",
    "heads",
    multiple=True,
    help=N_(
        "A chain head from a hand-over receipt (repeatable): the file must hold it, as with "
        "verify --head."
    ),
)
@click.option(
    "--method",
    type=click.Choice(METHODS),
    default="mean",
    show_default=True,
    help=N_(
        "The centre of each criterion's scores (docs/secretariat.md); mean is the official one."
    ),
)
@click.option(
    "--explain",
    is_flag=True,
    help=N_(
        "With --format json: add the robustness figures per category and the reproducibility "
        "manifest (md and html always have them)."
    ),
)
def tally(
    db_path: Path,
    fmt: str | None,
    out: Path | None,
    tui: bool,
    heads: tuple[str, ...],
    method: str,
    explain: bool,
) -> None:
    if tui:
        from panel_tui.tui.secretariat.app import run_secretariat

        sys.exit(run_secretariat(db_path, method))
    from panel_tui.secretariat.tally import tally_database

    if out is not None and out.suffix.lower() == ".pdf":
        raise click.UsageError(
            _(
                "PDF is not written directly: write the minutes with --out {html}, "
                "open it in a browser and print it to PDF (A4)"
            ).format(html=out.with_suffix(".html"))
        )
    if fmt is None and out is not None:
        if out.suffix.lower() not in SUFFIX_FORMATS:
            raise click.UsageError(
                _('unknown file suffix "{suffix}" for --out; use one of {known}').format(
                    suffix=out.suffix, known=", ".join(sorted(SUFFIX_FORMATS))
                )
            )
        fmt = SUFFIX_FORMATS[out.suffix.lower()]
    if fmt is None:
        fmt = "table"
    if fmt == "xlsx" and out is None:
        raise click.UsageError(_("--format xlsx needs --out FILE.xlsx"))
    if explain and fmt != "json":
        raise click.UsageError(
            _("--explain is for --format json (md and html always include the robustness figures)")
        )
    # Plain JSON shows ranks, totals and means only: computed from per-cell counts in SQL.
    result = tally_database(db_path, details=fmt != "json" or explain, heads=heads, method=method)
    leave_to_exit()
    if explain and result.assessor is not None:
        from panel_tui.domain.problems import PanelError

        raise PanelError(
            _(
                "{path}: assessor {assessor}'s own database: --explain compares the panel's "
                "assessors; tally the merged file"
            ).format(path=db_path, assessor=result.assessor)
        )
    write_result(result, fmt, out, explain)
    if out is not None:
        click.echo(_("wrote {out}").format(out=out), err=True)


def write_result(result: object, fmt: str, out: Path | None, explain: bool = False) -> None:
    """Render `result` (a TallyResult) as `fmt` to `out`, or to stdout."""
    import io

    from panel_tui.output import export
    from panel_tui.secretariat.tally_result import TallyResult
    from panel_tui.storage.store import now_utc

    assert isinstance(result, TallyResult)
    # Each format's module only for that format (the workbook's and the minutes' took 0.02 s).
    if fmt == "xlsx":
        from panel_tui.output import xlsx

        assert out is not None
        xlsx.write_xlsx(result, out)
        return
    if fmt == "table":
        from panel_tui.output import terminal_table

        buffer = io.StringIO() if out is not None else None
        terminal_table.print_table(result, file=buffer)
        if out is not None and buffer is not None:
            export.write_text(out, buffer.getvalue())
        return
    if fmt == "json":
        text = export.render_json(result, explain)
    elif fmt == "csv":
        text = export.render_csv(result)
    elif fmt == "md":
        from panel_tui.output import report_markdown

        text = report_markdown.render_markdown(result, now_utc())
    else:
        from panel_tui.output import report_html

        text = report_html.render_html(result, now_utc())
    if out is None:
        click.echo(text, nl=False)
    else:
        export.write_text(out, text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
