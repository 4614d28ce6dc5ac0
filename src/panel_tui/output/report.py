"""The minutes the panel signs (Berita Acara Penilaian): Markdown and HTML.

One list of blocks (headings, paragraphs, tables, lists, kept-together groups) is built once
and written by two renderers, so the Markdown and the HTML record always hold the same
content: the round, the panel and the chains taken in, the criteria with titles, weights and
scales, the method, the ranking per category with its tie-breaks explained, incomplete
nominees, the largest disagreements, the verification statement, the signature block, and as
an annex every assessor's scores. Times are the venue's (local_time). All user text is
escaped by the renderer (HTML entities; Markdown punctuation backslashed).
"""

from __future__ import annotations

from datetime import datetime

from panel_tui.domain import formatting
from panel_tui.domain.local_time import LocalZone, offset_text, parse_utc, zone_of
from panel_tui.domain.model import Rubric
from panel_tui.i18n import _, language
from panel_tui.output.blocks import Block, Group, Heading, Items, Para, Table
from panel_tui.output.report_robustness import sections
from panel_tui.secretariat.tally_result import (
    CategoryResult,
    Disagreement,
    NomineeResult,
    TallyResult,
)

DISAGREEMENTS_SHOWN = 15


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
        (_("time zone"), zone_statement(zone_of(r))),
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


def zone_statement(zone: LocalZone) -> str:
    """Which clock the record's times are on, and why."""
    if not zone.known:
        return _("UTC: the round declares no time zone and its province's zone is not known")
    now = zone.local(datetime.now().astimezone())
    if zone.source == "declared":
        return _("{label} ({name}, {offset}), as the round declares").format(
            label=zone.label, name=zone.name, offset=offset_text(now)
        )
    return _("{label} ({name}, {offset}), the province's zone").format(
        label=zone.label, name=zone.name, offset=offset_text(now)
    )


def verification_statement(result: TallyResult) -> str:
    """What the file was verified against before it was tallied (a tally never ranks a file
    that does not verify)."""
    if not result.verified_at:
        return ""
    at = _when(result.verified_at, zone_of(result.round), seconds=True)
    if result.verified_heads:
        return _(
            "the whole file (SQLite integrity, round snapshot, every audit chain) at {at}, holding the receipt heads {heads}"
        ).format(at=at, heads=", ".join(result.verified_heads))
    return _(
        "the whole file (SQLite integrity, round snapshot, every audit chain) at {at}; no receipt heads given"
    ).format(at=at)


def _when(stamp: str, zone: LocalZone, seconds: bool = False) -> str:
    """2026-11-22T05:29:39.372Z as the reader writes it, on the venue's clock:
    22 November 2026 13.29 WITA."""
    moment = parse_utc(stamp)
    if moment is None:
        return stamp
    local = zone.local(moment)
    clock = formatting.clock_time(local)
    if seconds:
        clock += f"{'.' if language() == 'id' else ':'}{local.second:02d}"
    return f"{formatting.long_date(local)} {clock} {zone.label}"


def _num(value: float | None, places: int | None = None) -> str:
    if value is None:
        return "–"
    if places is not None:
        return formatting.fixed(value, places)
    return formatting.score(value)


def _status(r: NomineeResult) -> str:
    if r.advances:
        return _("advances")
    return _("complete") if r.complete else _("incomplete")


def _cell(r: NomineeResult, assessor: str, criterion: str) -> str:
    if assessor in r.recused:
        return "R"
    value = r.scores.get(assessor, {}).get(criterion)
    return "·" if value is None else formatting.score(value)


def _disagreements(result: TallyResult) -> list[Disagreement]:
    return [d for d in result.disagreements if d.spread > 0][:DISAGREEMENTS_SHOWN]


def _more_disagreements(result: TallyResult) -> str:
    """How many disagreements the list leaves out, or ""."""
    more = sum(1 for d in result.disagreements if d.spread > 0) - DISAGREEMENTS_SHOWN
    return _("{more} more not shown.").format(more=more) if more > 0 else ""


def _scale(rubric: Rubric) -> str:
    text = f"{formatting.score(rubric.min)}–{formatting.score(rubric.max)}"
    if rubric.step != 1:
        text += " " + _("(step {step})").format(step=formatting.score(rubric.step))
    return text


def _chains_of(result: TallyResult, assessor: str) -> str:
    chains = [c for c in result.chains if c[1] == assessor]
    if not chains:
        return _("no scores in this file")
    return "; ".join(f"{length}, {head[:16]}" for _o, _a, length, head in chains)


# --- the content, once (blocks.py), rendered twice below ---------------------------------


def tie_breaks(cat: CategoryResult) -> list[str]:
    """Why nominees with equal totals are placed as they are (contracts.md section 3)."""
    order = sorted(cat.rubric.criteria, key=lambda c: -c.weight)
    notes = []
    for above, below in zip(cat.results, cat.results[1:], strict=False):
        if above.total is None or above.total != below.total or above.complete != below.complete:
            continue
        if above.rank == below.rank:
            notes.append(
                _(
                    "{a} and {b} share rank {rank}: equal on the total ({total}) and on every "
                    "criterion mean."
                ).format(
                    a=above.nominee.name,
                    b=below.nominee.name,
                    rank=above.rank,
                    total=_num(above.total, 2),
                )
            )
            continue
        decider = next(
            (c for c in order if above.means.get(c.id) != below.means.get(c.id)), order[0]
        )
        notes.append(
            _(
                "{a} placed before {b} on an equal total of {total}: decided by {criterion} "
                "(weight {weight}), mean {mean_a} against {mean_b}."
            ).format(
                a=above.nominee.name,
                b=below.nominee.name,
                total=_num(above.total, 2),
                criterion=f"{decider.title} ({decider.id})",
                weight=formatting.score(decider.weight),
                mean_a=_num(above.means.get(decider.id)),
                mean_b=_num(below.means.get(decider.id)),
            )
        )
    return notes


def recusal_text(result: TallyResult, r: NomineeResult, assessor: str) -> str:
    held = result.sheets.get(assessor, {}).get(r.nominee.id)
    reason = held.recusal_reason if held is not None else ""
    who = f"{r.nominee.name} ({r.nominee.id})"
    if reason:
        return _("{assessor} recused from {nominee} (not counted): {reason}").format(
            assessor=assessor, nominee=who, reason=reason
        )
    return _("{assessor} recused from {nominee} (not counted)").format(
        assessor=assessor, nominee=who
    )


def notes_of(result: TallyResult, r: NomineeResult) -> list[str]:
    """Every assessor's overall comment and criterion notes on a nominee, as they wrote them."""
    out = []
    for assessor in result.panel:
        held = result.sheets.get(assessor.id, {}).get(r.nominee.id)
        if held is None:
            continue
        if held.comment:
            out.append(
                _("{assessor}, overall: {text}").format(assessor=assessor.id, text=held.comment)
            )
        for criterion, text in held.notes.items():
            if text:
                out.append(f"{assessor.id}, {criterion}: {text}")
    return out


def final_cell(result: TallyResult, r: NomineeResult, assessor: str) -> str:
    """Whether the assessor finalised their sheet of the nominee: ✓ final, – open, R."""
    if assessor in r.recused:
        return "R"
    held = result.sheets.get(assessor, {}).get(r.nominee.id)
    return "✓" if held is not None and held.final else "–"


def _ranking(cat: CategoryResult, result: TallyResult) -> list[Block]:
    criteria = cat.rubric.criteria
    header = ["#", _("nominee"), _("name"), _("total")]
    header += [f"{c.id} ({formatting.score(c.weight)})" for c in criteria]
    header += [_("assessors"), _("status")]
    rows = [
        [str(x.rank), x.nominee.id, x.nominee.name, _num(x.total, 2)]
        + [_num(x.means[c.id]) for c in criteria]
        + [str(len(x.counted)), _status(x)]
        for x in cat.results
    ]
    classes = [
        "advances" if x.advances else ("" if x.complete else "incomplete") for x in cat.results
    ]
    blocks: list[Block] = [
        Heading(3, f"{cat.category.title} ({cat.category.id})"),
        Table(
            header,
            rows,
            numeric={0, 3, *range(4, 4 + len(criteria) + 1)},
            classes=classes,
            css="ranking",
        ),
    ]
    notes = tie_breaks(cat)
    if notes:
        blocks += [Para(_("Tie-breaks:"), css="note"), Items(notes)]
    recusals = [recusal_text(result, x, a) for x in cat.results for a in x.recused]
    if recusals:
        blocks += [Para(_("Recusals:"), css="note"), Items(recusals)]
    return [Group("category", blocks)]


def _criteria(result: TallyResult) -> list[Block]:
    blocks: list[Block] = []
    used: dict[str, list[str]] = {}
    for cat in result.categories:
        used.setdefault(cat.rubric.id, []).append(cat.category.title)
    for cat in result.categories:
        rubric = cat.rubric
        if rubric.id not in used:
            continue
        titles = used.pop(rubric.id)
        total = rubric.total_weight
        blocks.append(
            Group(
                "keep",
                [
                    Para(
                        _("Rubric {rubric} (scale {scale}), for: {categories}").format(
                            rubric=rubric.id, scale=_scale(rubric), categories="; ".join(titles)
                        ),
                        css="caption",
                    ),
                    Table(
                        [_("criterion"), _("title"), _("weight"), _("share")],
                        [
                            [
                                c.id,
                                c.title,
                                formatting.score(c.weight),
                                formatting.percent(100 * c.weight / total, 2) if total else "",
                            ]
                            for c in rubric.criteria
                        ],
                        numeric={2, 3},
                    ),
                ],
            )
        )
    return blocks


def _signatures(result: TallyResult) -> list[Block]:
    r = result.round
    place = r.venue or "…………………………"
    return [
        Heading(2, _("Signatures")),
        Para(
            _(
                "The panel members below have read these minutes and agree with the results "
                "they record."
            )
        ),
        Para(_("Place: {place}").format(place=place), css="place"),
        Para(_("Date: {date}").format(date="……………………………"), css="place"),
        Table(
            ["#", _("name"), _("role"), _("signature"), _("date")],
            [
                [
                    str(i),
                    f"{a.name} ({a.id})",
                    formatting.affiliation_label(a.affiliation),
                    "",
                    "",
                ]
                for i, a in enumerate(r.assessors, 1)
            ],
            numeric={0},
            css="signatures",
        ),
        Table(
            [_("chair of the panel"), _("signature"), _("date")],
            [["", "", ""]],
            css="signatures chair",
        ),
    ]


def minutes(result: TallyResult, generated_at: str = "") -> tuple[str, list[Block]]:
    """The title and the blocks of the minutes."""
    r = result.round
    zone = zone_of(r)
    blocks: list[Block] = [
        Para(r.title, css="subtitle"),
        Para(
            _("Results of the interview panel, method “{method}”.").format(method=result.method)
            + (
                " " + _("Generated {when} by panel-tui.").format(when=_when(generated_at, zone))
                if generated_at
                else ""
            )
        ),
        Para(
            _(
                "The panel named below interviewed and assessed the nominees of this round. "
                "The results were tallied from the panel's file after it was verified; every "
                "figure can be checked by hand from the criteria, weights, scales and scores "
                "printed here."
            )
        ),
        Heading(2, _("Round")),
        Table([_("item"), _("value")], [[k, v] for k, v in round_details(result)]),
        Heading(2, _("Panel")),
        Table(
            [_("assessor"), _("name"), _("affiliation"), _("audit chains (events, head)")],
            [
                [
                    a.id,
                    a.name,
                    formatting.affiliation_label(a.affiliation),
                    _chains_of(result, a.id),
                ]
                for a in result.panel
            ],
        ),
    ]
    if result.imports:
        blocks += [
            Heading(3, _("Files merged")),
            Table(
                [
                    _("when"),
                    _("assessor"),
                    _("file"),
                    _("events added"),
                    _("chain length"),
                    _("head"),
                ],
                [
                    [
                        _when(str(i["at"]), zone),
                        str(i["assessor"]),
                        str(i["file"]),
                        str(i["events"]),
                        str(i["length"]),
                        str(i["head"])[:16],
                    ]
                    for i in result.imports
                ],
                numeric={3, 4},
            ),
        ]
    blocks += [Heading(2, _("Criteria")), *_criteria(result)]
    blocks += [Heading(2, _("Method")), Items(result.rules())]
    ranking: list[Block] = [Heading(2, _("Ranking"))]
    for cat in result.categories:
        ranking += _ranking(cat, result)
    blocks.append(Group("section", ranking))
    blocks.append(Heading(2, _("Incomplete nominees")))
    incomplete = result.incomplete()
    if not incomplete:
        blocks.append(
            Para(_("None: every counted assessor scored every criterion of every nominee."))
        )
    else:
        blocks.append(
            Items(
                [
                    f"{x.nominee.name} ({x.nominee.id}, {cat.category.id}): {'; '.join(x.lacks())}"
                    for cat, x in incomplete
                ]
            )
        )
    blocks.append(Heading(2, _("Largest disagreements")))
    shown = _disagreements(result)
    if not shown:
        blocks.append(Para(_("None: the counted assessors agree on every criterion.")))
    else:
        blocks.append(
            Table(
                [_("spread"), _("nominee"), _("criterion"), _("mean"), _("scores")],
                [
                    [
                        formatting.score(d.spread),
                        f"{d.nominee.name} ({d.nominee.id})",
                        d.criterion,
                        _num(d.mean),
                        ", ".join(f"{a} {formatting.score(v)}" for a, v in d.scores.items()),
                    ]
                    for d in shown
                ],
                numeric={0, 3},
            )
        )
        if _more_disagreements(result):
            blocks.append(Para(_more_disagreements(result)))

    blocks += sections(result)
    verification: list[Block] = [Heading(2, _("Verification"))]
    statement = verification_statement(result)
    verification.append(
        Para(_("Verified: {statement}.").format(statement=statement))
        if statement
        else Para(_("This record was not made from a verified tally."))
    )
    if result.verified_heads:
        verification += [
            Para(_("Receipt heads the file holds:")),
            Items(list(result.verified_heads)),
        ]
    verification.append(
        Para(
            _("Round fingerprint {round}; rubric fingerprint {rubric}.").format(
                round=result.fingerprints[0] or "–", rubric=result.fingerprints[1] or "–"
            ),
            css="mono",
        )
    )
    blocks.append(Group("keep", verification))
    blocks.append(Group("keep signing", _signatures(result)))
    annex: list[Block] = [
        Heading(2, _("Scores by assessor")),
        Para(
            _("Annex to the minutes.")
            + " "
            + _("R = recused (not counted), · = not scored.")
            + " "
            + _("Sheet final: ✓ finalised by the assessor, – still open.")
        ),
    ]
    for cat in result.categories:
        matrices: list[Block] = [Heading(3, f"{cat.category.title} ({cat.category.id})")]
        for x in cat.results:
            matrix: list[Block] = [
                Heading(4, f"{x.rank}. {x.nominee.name} ({x.nominee.id})"),
                Table(
                    [_("criterion"), *(a.id for a in result.panel), _("mean")],
                    [
                        [
                            c.id,
                            *(_cell(x, a.id, c.id) for a in result.panel),
                            _num(x.means[c.id]),
                        ]
                        for c in cat.rubric.criteria
                    ]
                    + [
                        [
                            _("sheet final"),
                            *(final_cell(result, x, a.id) for a in result.panel),
                            "",
                        ]
                    ],
                    numeric=set(range(1, len(result.panel) + 2)),
                ),
            ]
            recusals = [recusal_text(result, x, a) for a in x.recused]
            notes = notes_of(result, x)
            if recusals:
                matrix += [Items(recusals)]
            if notes:
                matrix += [Para(_("Notes and comments:"), css="note"), Items(notes)]
            matrices.append(Group("keep", matrix))
        annex.append(Group("category", matrices))
    blocks.append(Group("section", annex))
    return _("Minutes of the panel assessment"), blocks


# --- Markdown ---------------------------------------------------------------------------


# --- HTML -------------------------------------------------------------------------------
