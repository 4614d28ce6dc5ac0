"""The built-in demo round: the NTB 2025 provincial round, valid and complete."""

from __future__ import annotations

import re
from pathlib import Path

from fixtures.core_helpers import check_json, run_cli
from panel_tui.domain.model import AFFILIATIONS
from panel_tui.round_package.loader import load_round


def test_demo_passes_check_with_no_errors(demo_dir: Path) -> None:
    code, data = check_json(demo_dir)
    assert code == 0
    assert data["errors"] == []
    result = run_cli("check", demo_dir)
    assert result.exit_code == 0
    assert "ntb-2025:" in result.output


def test_demo_is_the_ntb_2025_round(demo_dir: Path) -> None:
    round_ = load_round(demo_dir).round
    assert round_ is not None
    assert (round_.id, round_.year, round_.stage) == ("ntb-2025", 2025, "provincial")
    assert round_.province == "Nusa Tenggara Barat"
    assert [d.isoformat() for d in round_.dates] == ["2025-07-14", "2025-07-15"]
    assert "Mataram" in round_.venue
    assert round_.number_format == "id"
    names = " ".join(n.name for n in round_.nominees)
    for reported in ("Lombok Timur", "Lombok Utara", "Alfamart", "Bank NTB Syariah"):
        assert reported in names


def test_demo_panel_has_five_members_by_role(demo_dir: Path) -> None:
    round_ = load_round(demo_dir).round
    assert round_ is not None
    assert len(round_.assessors) == 5
    assert len({a.id for a in round_.assessors}) == 5
    assert all(a.affiliation in AFFILIATIONS for a in round_.assessors)
    assert {"government", "bpjs", "academic"} <= {a.affiliation for a in round_.assessors}
    # roles, not personal names: no "Dr."/"H." style honorifics in the panel
    for assessor in round_.assessors:
        assert not re.search(r"\b(Dr|H|Ir|Prof)\.", assessor.name), assessor.name


def test_every_category_has_a_rubric_and_nominees(demo_dir: Path) -> None:
    round_ = load_round(demo_dir).round
    assert round_ is not None
    for category in round_.categories:
        rubric = round_.rubric(category.rubric)
        assert rubric is not None, category.id
        assert rubric.criteria and rubric.total_weight > 0
        assert any(n.category == category.id for n in round_.nominees), category.id
    for nominee in round_.nominees:
        assert round_.rubric_for(nominee) is not None


def test_demo_claims_state_their_denominators(demo_dir: Path) -> None:
    round_ = load_round(demo_dir).round
    assert round_ is not None
    assert round_.claims
    for claim in round_.claims:
        assert round_.nominee(claim.nominee) is not None
        if claim.denominator is not None:
            assert claim.denominator_label, f"{claim.nominee} {claim.key} names no population"
