"""Issue 5.2, 5.3, 5.4 and 5.5 for the secretariat's tools: handover, merge and tally exports.

- A handover taken while another process keeps writing holds exactly a prefix of the chain
  that is finally committed, includes every score acknowledged before it started, verifies,
  and its receipt head is accepted by `verify --head`.
- `merge` refuses every damaged or tampered input, writes nothing of it, and leaves OUT byte
  for byte unchanged and verifying; a rewritten chain passes only without the receipt head.
- Tally CSV/XLSX never hold a live formula made from a name in the round; HTML is escaped.
"""

from __future__ import annotations

import csv
import io
import random
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest

from fixtures.commands import run_cli
from fixtures.databases import build_db, copy_db, file_state
from fixtures.nasty_round import NAMES, write_nasty_round
from panel_tui.assessor.setup import init_assessor_db
from panel_tui.secretariat.handover import handover
from panel_tui.secretariat.merge.driver import merge
from panel_tui.secretariat.verify.database import verify_database
from panel_tui.storage.store import Store

from .helpers import record_figure, start_writer
from .tamper import RECEIPT_ONLY, TAMPERS
from .test_crash import parse_acks
from .test_damage import _flip

# --- handover under load --------------------------------------------------------------------


class AckReader(threading.Thread):
    """Collects a writer's stdout lines as they come."""

    def __init__(self, stream: io.TextIOBase) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.lines: list[str] = []
        self.lock = threading.Lock()

    def run(self) -> None:
        for line in self.stream:
            with self.lock:
                self.lines.append(line)

    def text(self) -> str:
        with self.lock:
            return "".join(self.lines)


def test_handover_under_load_is_a_verified_prefix(tmp_path: Path) -> None:
    db = build_db(tmp_path / "a1.db", "a1", scores=10)
    stick = tmp_path / "stick"
    stick.mkdir()
    proc = start_writer(db, seed=7)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "READY"
    reader = AckReader(proc.stdout)  # type: ignore[arg-type]
    reader.start()
    copies: list[tuple[Path, int, str]] = []
    try:
        for i in range(8):
            time.sleep(0.05 + 0.03 * i)
            acked_before = len(parse_acks(reader.text()))
            receipt = handover(db, stick / f"copy{i}.db")
            assert len(receipt.chains) == 1
            copies.append((receipt.path, acked_before, receipt.chains[0].head))
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        reader.join(timeout=10)
        proc.stdout.close()
        if proc.stderr is not None:
            proc.stderr.close()
    acks = parse_acks(reader.text())
    with Store.open(db, readonly=True) as store:
        final = list(store.events())
    lengths = []
    for path, acked_before, head in copies:
        report = verify_database(path, (head,))
        assert report.ok, report.problems
        with Store.open(path, readonly=True) as copy:
            events = list(copy.events())
        assert events == final[: len(events)], "a handover is not a prefix of the chain"
        # Everything acknowledged before the handover started is in it.
        last_ack = acks[acked_before - 1].seq if acked_before else 0
        assert len(events) >= last_ack
        assert run_cli("verify", path, "--head", head[:16]).exit_code == 0
        lengths.append(len(events))
    assert lengths == sorted(lengths)
    assert lengths[-1] > lengths[0], "the writer did not write during the handovers"
    record_figure("handover.under_load", len(copies))


def test_handover_refuses_a_tampered_database(tmp_path: Path) -> None:
    db = copy_db(build_db(tmp_path / "a1.db", "a1", scores=20), tmp_path / "t.db")
    TAMPERS["change_score"](db)
    result = run_cli("handover", db, "--to", tmp_path / "copy.db")
    assert result.exit_code == 1
    assert not (tmp_path / "copy.db").exists()
    assert not list(tmp_path.glob(".copy.db*"))


# --- merge refuses damage and tampering ------------------------------------------------------


@pytest.fixture(scope="module")
def merged_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(OUT holding a2's file, a1's clean file, a1's head)."""
    folder = tmp_path_factory.mktemp("merge")
    a2 = copy_db(build_db(folder / "a2.db", "a2", scores=25, seed=2), folder / "a2c.db")
    out = folder / "out.db"
    assert merge(out, [a2]).ok
    a1 = build_db(folder / "a1.db", "a1", scores=40, seed=3)
    with Store.open(a1) as store:
        head = store.chain_heads()[0][3]
    return out, copy_db(a1, folder / "a1c.db"), head


def assert_merge_refused(out: Path, bad: Path, *heads: str) -> str:
    before = file_state(out)
    args: list[str | Path] = ["merge", out, bad]
    for head in heads:
        args += ["--head", head]
    result = run_cli(*args)
    assert result.exit_code == 1, result.output
    assert "refused" in result.output
    assert file_state(out) == before, "a refused input changed the merge target"
    assert verify_database(out).ok
    return result.output


@pytest.mark.parametrize("name", sorted(TAMPERS))
def test_merge_refuses_tampered_input(
    merged_out: tuple[Path, Path, str], tmp_path: Path, name: str
) -> None:
    out, clean, _head = merged_out
    bad = tmp_path / f"{name}.db"
    shutil.copyfile(clean, bad)
    TAMPERS[name](bad)
    assert_merge_refused(out, bad)


@pytest.mark.parametrize("name", sorted(RECEIPT_ONLY))
def test_merge_with_receipt_head_refuses_rewritten_chain(
    merged_out: tuple[Path, Path, str], tmp_path: Path, name: str
) -> None:
    out, clean, head = merged_out
    bad = tmp_path / f"{name}.db"
    shutil.copyfile(clean, bad)
    RECEIPT_ONLY[name](bad)
    if name == "swap_rubric_rehash_chain":
        # The rubric differs from OUT's: refused even without the receipt.
        assert_merge_refused(out, bad)
    assert_merge_refused(out, bad, head)
    assert_merge_refused(out, bad, head[:16])


def test_merge_of_clean_input_with_its_head_is_accepted(
    merged_out: tuple[Path, Path, str], tmp_path: Path
) -> None:
    out, clean, head = merged_out
    target = tmp_path / "out.db"
    shutil.copyfile(out, target)
    result = run_cli("merge", target, clean, "--head", head[:16])
    assert result.exit_code == 0, result.output
    assert verify_database(target).ok


def test_merge_refuses_damaged_inputs(merged_out: tuple[Path, Path, str], tmp_path: Path) -> None:
    out, clean, _head = merged_out
    size = clean.stat().st_size
    rng = random.Random(41)
    refused = accepted = 0
    for i in range(24):
        bad = tmp_path / f"bad{i}.db"
        shutil.copyfile(clean, bad)
        if i % 2:
            with bad.open("r+b") as handle:
                handle.truncate(rng.randrange(0, size))
        else:
            _flip(bad, [rng.randrange(0, size) for _ in range(rng.choice([1, 4]))], rng)
        if verify_database(bad).ok:
            # Harmless damage (unused bytes): then merging it must give the clean file's data.
            accepted += 1
            continue
        assert_merge_refused(out, bad)
        refused += 1
    assert refused >= 12
    record_figure("damage.merge_refused", refused)


def test_merge_refuses_damaged_first_input_and_creates_nothing(
    merged_out: tuple[Path, Path, str], tmp_path: Path
) -> None:
    _out, clean, _head = merged_out
    bad = tmp_path / "bad.db"
    shutil.copyfile(clean, bad)
    with bad.open("r+b") as handle:
        handle.truncate(clean.stat().st_size // 2)
    result = run_cli("merge", tmp_path / "new.db", bad)
    assert result.exit_code == 1
    assert not (tmp_path / "new.db").exists()
    # Only the input (and the empty -wal/-shm SQLite may leave beside a WAL-mode input).
    assert {p.name for p in tmp_path.iterdir()} <= {"bad.db", "bad.db-wal", "bad.db-shm"}


def test_damaged_merge_target_is_refused(
    merged_out: tuple[Path, Path, str], tmp_path: Path
) -> None:
    out, clean, _head = merged_out
    target = tmp_path / "out.db"
    shutil.copyfile(out, target)
    with target.open("r+b") as handle:
        handle.truncate(target.stat().st_size // 2)
    before = file_state(target)
    result = run_cli("merge", target, clean)
    assert result.exit_code == 1
    assert file_state(target) == before


# --- exports --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nasty_merged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("nasty")
    round_dir = write_nasty_round(folder / "round")
    dbs = []
    for assessor in ("a1", "a2"):
        db = folder / f"{assessor}.db"
        init_assessor_db(round_dir, assessor, db)
        with Store.open(db) as store:
            for i, nominee in enumerate(("n1", "n2", "n3")):
                store.record_score(nominee, "regulation", 1 + (i + len(assessor)) % 5)
                store.record_score(nominee, "budget", 2 + i)
                store.record_note(nominee, "regulation", NAMES["note"])
        dbs.append(db)
    out = folder / "merged.db"
    assert merge(out, dbs).ok
    return out


DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_tally_csv_has_no_live_formula(nasty_merged: Path, tmp_path: Path) -> None:
    out = tmp_path / "tally.csv"
    assert run_cli("tally", nasty_merged, "--format", "csv", "--out", out).exit_code == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert "'" + NAMES["nominee2"] in cells
    for cell in cells:
        assert not cell.startswith(DANGEROUS) or _is_number(cell), cell


def test_tally_xlsx_has_no_live_formula(nasty_merged: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "tally.xlsx"
    assert run_cli("tally", nasty_merged, "--out", out).exit_code == 0
    book = load_workbook(out)
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}: {cell.value}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    if cell.value.startswith(DANGEROUS):  # text, and stays text when edited
                        assert cell.data_type == "s" and cell.quotePrefix, cell.value
    assert NAMES["nominee2"] in texts  # as written: the guard is a style, not a character


def test_tally_html_and_markdown_escape_user_text(nasty_merged: Path, tmp_path: Path) -> None:
    html = tmp_path / "r.html"
    assert run_cli("tally", nasty_merged, "--out", html).exit_code == 0
    text = html.read_text(encoding="utf-8")
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    md = tmp_path / "r.md"
    assert run_cli("tally", nasty_merged, "--out", md).exit_code == 0
    assert "<script>" not in md.read_text(encoding="utf-8")


def test_tally_table_and_json_keep_names_as_written(nasty_merged: Path) -> None:
    import json

    result = run_cli("tally", nasty_merged, "--format", "json")
    data = json.loads(result.output[result.output.index("{") :])
    names = {r["name"] for c in data["categories"] for r in c["results"]}
    assert names == {NAMES["nominee1"], NAMES["nominee2"], NAMES["nominee3"]}
    table = run_cli("tally", nasty_merged)
    assert table.exit_code == 0
    # The terminal table folds long names over lines; the markup must still be there as text.
    assert "[Persero]" in table.output
    assert NAMES["title"] in table.output.replace("\n", "")


def test_merge_with_receipt_head_refuses_events_appended_after_the_handover(
    tmp_path: Path,
) -> None:
    """A forger with the stick appends correctly chained score events after the hand-over:
    the receipt's head is still inside the chain, but the file no longer ends there."""
    from .tamper import append_forged_events

    db = build_db(tmp_path / "a1.db", "a1", scores=20)
    receipt = handover(db, tmp_path / "stick.db")
    head = receipt.chains[0].head
    append_forged_events(receipt.path)
    assert verify_database(receipt.path).ok  # self-consistent
    out = tmp_path / "out.db"
    for given in (head, head[:16]):
        result = run_cli("merge", out, receipt.path, "--head", given)
        assert result.exit_code == 1 and "refused" in result.output
        assert not out.exists()
    # The untouched hand-over copy is accepted with the same head.
    clean = handover(db, tmp_path / "clean.db")
    assert run_cli("merge", out, clean.path, "--head", head[:16]).exit_code == 0
