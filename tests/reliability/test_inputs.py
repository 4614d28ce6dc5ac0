"""Issue 5.5: whatever the secretariat's or a typist's files hold, the loaders answer cleanly.

Hypothesis feeds `load_round` and `import_scores` random and mutated round.toml, CSV and XLSX
files: valid files with bytes flipped, inserted and cut, other encodings, the other delimiter,
stray quotes, huge cells and formula-looking cells. The only outcomes allowed are a round (or
a recorded sheet) or the project's own Problem/PanelError naming the file and a position;
never another exception. A refused score sheet leaves the database byte for byte unchanged.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures.databases import build_db, demo_round_dir
from panel_tui.assessor.score_import import import_scores
from panel_tui.domain.problems import PanelError, Problem
from panel_tui.round_package.loader import load_round
from panel_tui.storage.store import Store

from .helpers import record_figure

FORMULAS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "=1,5",
]
NASTY = [
    '"',
    '""',
    ";",
    ",",
    "\r",
    "\n",
    "\r\n",
    "\ufeff",
    "\x00",
    "\u2028",
    "\x1b[2J",
    "\x1b]0;pwned\x07",
    "\x9b31m",
    "[b]",
    "[/]",
    "\U0001f600",
    "Rp3 miliar",
    "32.680",
    "50,88",
    "1e309",
    "nan",
    "-0",
    *FORMULAS,
]
PROFILE = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SLOW = settings(PROFILE, max_examples=2000, derandomize=False)
generated = {"round": 0, "import": 0, "import_refused": 0, "import_recorded": 0}


def demo_files() -> dict[str, bytes]:
    folder = demo_round_dir()
    return {
        name: (folder / name).read_bytes() for name in ("round.toml", "nominees.csv", "claims.csv")
    }


@contextmanager
def folder_with(files: dict[str, bytes]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "round"
        folder.mkdir()
        for name, data in files.items():
            (folder / name).write_bytes(data)
        yield folder


def assert_clean_result(folder: Path) -> None:
    """load_round returned (it never raises); every error says where it is."""
    result = load_round(folder)
    names = {p.name for p in folder.iterdir()} | {"round.toml", "nominees.csv", "claims.csv"}
    for problem in result.problems:
        assert isinstance(problem, Problem)
        assert problem.file, problem
        assert Path(problem.file).name in names or problem.file == str(folder), problem
        assert problem.message.strip(), problem
        # The position is at least the file; a problem of a line or cell names it (checked by
        # the issue-2 tests per error class); a whole-file problem (not UTF-8, not a workbook)
        # names only the file.
    if result.round is None:
        assert result.errors, "no round and no error"
    else:
        assert not result.errors


# --- mutations of valid files -------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """`data` with a few random edits of the kinds a spreadsheet or a USB stick makes."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(
            st.sampled_from(
                ["flip", "insert", "delete", "cut", "nasty", "swap_delimiter", "encode", "dup"]
            )
        )
        if not out:
            out = bytearray(b"\n")
        # Positions drawn independently of the length keep generation reproducible even when
        # the base file varies (an XLSX holds its save time).
        at = draw(st.integers(0, 1 << 20)) % len(out)
        if kind == "flip":
            out[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del out[at : at + draw(st.integers(1, 40))]
        elif kind == "cut":
            del out[at:]
        elif kind == "nasty":
            out[at:at] = draw(st.sampled_from(NASTY)).encode("utf-8")
        elif kind == "swap_delimiter":
            out = bytearray(bytes(out).replace(b",", b";"))
        elif kind == "encode":
            text = bytes(out).decode("utf-8", errors="replace")
            codec = draw(st.sampled_from(["utf-16", "utf-16-le", "cp1252", "latin-1", "utf-8-sig"]))
            out = bytearray(text.encode(codec, errors="replace"))
        elif kind == "dup":
            lines = bytes(out).split(b"\n")
            i = draw(st.integers(0, 1 << 20)) % len(lines)
            lines.insert(i, lines[i])
            out = bytearray(b"\n".join(lines))
    return bytes(out)


FILES = demo_files()


def mutated_round_package(data: st.DataObject) -> None:
    files = dict(FILES)
    target = data.draw(st.sampled_from(sorted(files)))
    files[target] = data.draw(mutated(files[target]))
    generated["round"] += 1
    with folder_with(files) as folder:
        assert_clean_result(folder)


test_mutated_round_package_gives_problems_not_exceptions = PROFILE(
    given(st.data())(mutated_round_package)
)
test_mutated_round_package_slow = pytest.mark.slow(SLOW(given(st.data())(mutated_round_package)))


# --- round.toml with values of the wrong type ----------------------------------------------


def toml_value(value: object) -> str:
    """A TOML literal for `value` (the stdlib reads TOML but does not write it)."""
    import datetime as dt
    import json
    import math

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }"
    raise TypeError(type(value))


def toml_document(doc: dict[str, object]) -> str:
    lines = []
    for name, table in doc.items():
        if isinstance(table, list) and all(isinstance(t, dict) for t in table) and table:
            for item in table:
                lines.append(f"[[{name}]]")
                lines += [f"{json_key(k)} = {toml_value(v)}" for k, v in item.items()]
        elif isinstance(table, dict):
            lines.append(f"[{name}]")
            lines += [f"{json_key(k)} = {toml_value(v)}" for k, v in table.items()]
        else:
            lines.insert(0, f"{json_key(name)} = {toml_value(table)}")
    return "\n".join(lines) + "\n"


def json_key(key: str) -> str:
    import json

    return json.dumps(key, ensure_ascii=False)


toml_scalars = st.one_of(
    st.text(max_size=12),
    st.sampled_from(NASTY),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def retyped_round_toml(data: st.DataObject) -> None:
    """The demo round.toml with values replaced by values of any type, keys dropped or added."""
    import tomllib

    doc = tomllib.loads(FILES["round.toml"].decode("utf-8"))
    for _ in range(data.draw(st.integers(1, 5))):
        # Walk to a random table (a dict) inside the document.
        node: object = doc
        while True:
            if isinstance(node, list) and node:
                node = node[data.draw(st.integers(0, 1 << 20)) % len(node)]
            elif isinstance(node, dict) and node and data.draw(st.booleans()):
                key = sorted(node)[data.draw(st.integers(0, 1 << 20)) % len(node)]
                child = node[key]
                if isinstance(child, (dict, list)) and child:
                    node = child
                    continue
                break
            else:
                break
        if not isinstance(node, dict):
            continue
        action = data.draw(st.sampled_from(["replace", "drop", "add"]))
        keys = sorted(node)
        if action == "add" or not keys:
            node[data.draw(st.sampled_from(["id", "extra", "weight", "scale", "levels"]))] = (
                data.draw(toml_values)
            )
        elif action == "drop":
            del node[keys[data.draw(st.integers(0, 1 << 20)) % len(keys)]]
        else:
            node[keys[data.draw(st.integers(0, 1 << 20)) % len(keys)]] = data.draw(toml_values)
    files = dict(FILES)
    files["round.toml"] = toml_document(doc).encode("utf-8", "surrogatepass")
    generated["round"] += 1
    with folder_with(files) as folder:
        assert_clean_result(folder)


test_retyped_round_toml_gives_problems_not_exceptions = PROFILE(
    given(st.data())(retyped_round_toml)
)
test_retyped_round_toml_slow = pytest.mark.slow(SLOW(given(st.data())(retyped_round_toml)))


def test_toml_writer_round_trips_the_demo() -> None:
    import tomllib

    doc = tomllib.loads(FILES["round.toml"].decode("utf-8"))
    assert tomllib.loads(toml_document(doc)) == doc


# --- generated tables ---------------------------------------------------------------------

cell_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    st.sampled_from(["lotim", "pemkab", "bu-besar", "regulation", "a1", "3", "4,5", "1.000"]),
)


def csv_bytes(rows: list[list[str]], delimiter: str, quote_all: bool, bom: bool) -> bytes:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    )
    for row in rows:
        writer.writerow(row)
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8", "surrogatepass")


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        safe = []
        for value in row:
            if isinstance(value, str):
                # openpyxl refuses control characters a real Excel file cannot hold.
                value = "".join(ch for ch in value if ch >= " " or ch in "\t\n\r")
            safe.append(value)
        sheet.append(safe)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


NOMINEE_HEADER = ["id", "name", "category", "presenter", "slot", "order"]
CLAIM_HEADER = ["nominee", "key", "label", "value", "unit", "denominator", "percent"]


@st.composite
def table(draw: st.DrawFn, header: list[str]) -> list[list[str]]:
    head = list(header)
    if draw(st.booleans()):
        head = [draw(st.sampled_from([h, h.upper(), f" {h} ", "", "extra", h])) for h in head]
    rows = [head]
    for _ in range(draw(st.integers(0, 6))):
        width = draw(st.integers(0, len(head) + 2))
        rows.append([draw(cell_text) for _ in range(width)])
    return rows


def generated_tables(
    which: str, rows: st.DataObject, delimiter: str, quote_all: bool, bom: bool, as_xlsx: bool
) -> None:
    grid = rows.draw(table(NOMINEE_HEADER if which == "nominees" else CLAIM_HEADER))
    files = dict(FILES)
    del files[f"{which}.csv"]
    if as_xlsx:
        files[f"{which}.xlsx"] = xlsx_bytes(grid)  # type: ignore[arg-type]
    else:
        try:
            files[f"{which}.csv"] = csv_bytes(grid, delimiter, quote_all, bom)
        except UnicodeEncodeError:
            files[f"{which}.csv"] = b"\xff\xfe"
    generated["round"] += 1
    with folder_with(files) as folder:
        assert_clean_result(folder)


def mutated_xlsx(data: st.DataObject) -> None:
    import csv

    rows = list(csv.reader(io.StringIO(FILES["nominees.csv"].decode("utf-8"))))
    valid = xlsx_bytes(rows)  # type: ignore[arg-type]
    files = dict(FILES)
    del files["nominees.csv"]
    files["nominees.xlsx"] = data.draw(mutated(valid))
    generated["round"] += 1
    with folder_with(files) as folder:
        assert_clean_result(folder)


TABLE_ARGS = {
    "which": st.sampled_from(["nominees", "claims"]),
    "rows": st.data(),
    "delimiter": st.sampled_from([",", ";"]),
    "quote_all": st.booleans(),
    "bom": st.booleans(),
    "as_xlsx": st.booleans(),
}
test_generated_tables_give_problems_not_exceptions = PROFILE(given(**TABLE_ARGS)(generated_tables))
test_generated_tables_slow = pytest.mark.slow(SLOW(given(**TABLE_ARGS)(generated_tables)))
test_mutated_xlsx_gives_problems_not_exceptions = PROFILE(given(data=st.data())(mutated_xlsx))
test_mutated_xlsx_slow = pytest.mark.slow(SLOW(given(data=st.data())(mutated_xlsx)))


def test_huge_cells_and_formulas_are_handled(tmp_path: Path) -> None:
    files = dict(FILES)
    text = FILES["nominees.csv"].decode("utf-8")
    for size in (120_000, 200_000, 5_000_000):
        files["nominees.csv"] = text.replace(
            "Pemerintah Kabupaten Lombok Timur", "x" * size, 1
        ).encode()
        with folder_with(files) as folder:
            result = load_round(folder)
            assert result.round is None
            assert [(p.file, p.line) for p in result.errors] == [("nominees.csv", 2)]
    # Formula-looking text is data: it is kept as written, never evaluated or altered.
    files = dict(FILES)
    files["nominees.csv"] = text.replace(
        "Pemerintah Kabupaten Lombok Timur", "\"=cmd|' /C calc'!A0\"", 1
    ).encode()
    with folder_with(files) as folder:
        result = load_round(folder)
        assert result.round is not None, result.errors
        assert result.round.nominee("lotim").name == "=cmd|' /C calc'!A0"  # type: ignore[union-attr]


def test_terminal_control_characters_are_refused_with_their_position() -> None:
    """ESC/CSI in a name would reach the terminal (the app, `check`, `tally`) as a command."""
    text = FILES["nominees.csv"].decode("utf-8")
    for bad in ("\x1b[2J", "\x1b]0;pwned\x07", "\x9b2J", "\x7f", "\x08"):
        files = dict(FILES)
        files["nominees.csv"] = text.replace("Lombok Timur", f"Lombok{bad}Timur", 1).encode()
        with folder_with(files) as folder:
            result = load_round(folder)
            assert result.round is None
            assert [(p.file, p.line) for p in result.errors] == [("nominees.csv", 2)]
            assert "control character" in result.errors[0].message
    files = dict(FILES)
    toml = FILES["round.toml"].decode("utf-8")
    files["round.toml"] = toml.replace(
        'name = "Kepala BPJS', 'name = "\\u001b[2JKepala', 1
    ).encode()
    with folder_with(files) as folder:
        result = load_round(folder)
        assert result.round is None
        (problem,) = result.errors
        assert problem.field == "assessors.name" and isinstance(problem.line, int)
    # Tabs and line breaks inside a quoted cell (Alt+Enter in Excel) are text.
    files = dict(FILES)
    files["nominees.csv"] = text.replace(
        "Pemerintah Kabupaten Lombok Timur", '"Pemerintah Kabupaten\tLombok\r\nTimur"', 1
    ).encode()
    with folder_with(files) as folder:
        assert load_round(folder).round is not None


# --- import-scores ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scores_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("import")
    return build_db(folder / "a1.db", "a1", scores=5)


score_cell = st.one_of(
    st.sampled_from(["1", "2", "3", "4", "5", "0", "6", "2,5", "2.5", "", "x", "1e3", *NASTY]),
    st.text(max_size=8),
)


def _valid_cells() -> list[tuple[str, str, tuple[float, ...]]]:
    from panel_tui.round_package.loader import load_round_or_raise

    round_, _ = load_round_or_raise(demo_round_dir())
    return [
        (n.id, c.id, tuple(round_.rubric_for(n).values()))
        for n in round_.nominees
        for c in round_.rubric_for(n).criteria
    ]


VALID_CELLS = _valid_cells()


@st.composite
def score_sheet(draw: st.DrawFn) -> list[list[str]]:
    """A typed-in sheet: mostly right (so some are recorded), sometimes wrong anywhere."""
    header = ["assessor", "nominee", "criterion", "score", "note"]
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    if draw(st.integers(0, 9)) == 0:
        header = header[:3]
    rows = [header]
    junk = draw(st.integers(0, 3)) == 0
    cells = draw(st.lists(st.sampled_from(VALID_CELLS), max_size=8, unique=True))
    for nominee, criterion, allowed in cells:
        values = {
            "assessor": "a1",
            "nominee": nominee,
            "criterion": criterion,
            # The demo round writes numbers the Indonesian way: 3,5.
            "score": f"{draw(st.sampled_from(allowed)):g}".replace(".", ","),
            "note": draw(
                st.one_of(
                    st.just(""),
                    st.sampled_from([n for n in NASTY if n.isprintable()]),
                    st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=20),
                )
            ),
        }
        if junk and draw(st.booleans()):
            column = draw(st.sampled_from(header))
            values[column] = draw(
                st.one_of(
                    st.sampled_from(["a2", "", "A1", "ghost", "nope", "0", "6", "2,5", "x"]),
                    score_cell,
                )
            )
        rows.append([values.get(h, "") for h in header])
    return rows


def import_all_or_nothing(
    scores_db: Path, sheet: list[list[str]], as_xlsx: bool, delimiter: str, data: st.DataObject
) -> None:
    generated["import"] += 1
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "a1.db"
        shutil.copyfile(scores_db, db)
        if as_xlsx:
            path = Path(tmp) / "sheet.xlsx"
            raw = xlsx_bytes(sheet)  # type: ignore[arg-type]
        else:
            path = Path(tmp) / "sheet.csv"
            try:
                raw = csv_bytes(sheet, delimiter, False, False)
            except UnicodeEncodeError:
                raw = b"assessor\n\xff"
        if data.draw(st.integers(0, 4)) == 0:
            raw = data.draw(mutated(raw))
        path.write_bytes(raw)
        before = db.read_bytes()
        with Store.open(db, readonly=True) as store:
            events_before = list(store.events())
        try:
            count = import_scores(db, path)
        except PanelError as exc:
            assert str(exc).strip()
            for problem in exc.problems:
                assert problem.file == path.name and problem.message.strip(), problem
            assert db.read_bytes() == before, "a refused sheet changed the database"
            assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0
            generated["import_refused"] += 1
            return
        generated["import_recorded"] += 1
        with Store.open(db, readonly=True) as store:
            after = list(store.events())
        assert after[: len(events_before)] == events_before
        assert sum(e.kind == "score" for e in after[len(events_before) :]) == count


IMPORT_ARGS = {
    "sheet": score_sheet(),
    "as_xlsx": st.booleans(),
    "delimiter": st.sampled_from([",", ";"]),
    "data": st.data(),
}
_import_default = PROFILE(given(**IMPORT_ARGS)(import_all_or_nothing))
_import_slow = SLOW(given(**IMPORT_ARGS)(import_all_or_nothing))


def _import_reaches_both_outcomes(run: Callable[[Path], None], scores_db: Path) -> None:
    """Runs the property, then checks that the generator reached both outcomes in this very run
    (a generator that only ever makes refused sheets would test one path)."""
    before = dict(generated)
    run(scores_db)
    assert generated["import_recorded"] > before["import_recorded"], "no sheet was recorded"
    assert generated["import_refused"] > before["import_refused"], "no sheet was refused"


def test_import_scores_records_all_or_nothing(scores_db: Path) -> None:
    _import_reaches_both_outcomes(_import_default, scores_db)


@pytest.mark.slow
def test_import_scores_slow(scores_db: Path) -> None:
    _import_reaches_both_outcomes(_import_slow, scores_db)


@pytest.fixture(scope="module", autouse=True)
def _record_inputs_generated() -> Iterator[None]:
    """After the module (default or slow run): how many inputs hypothesis generated."""
    yield
    record_figure("inputs.round_packages", generated["round"])
    record_figure("inputs.score_sheets", generated["import"])
    record_figure("inputs.score_sheets_recorded", generated["import_recorded"])


def test_notes_with_terminal_control_characters_are_not_saved(tmp_path: Path) -> None:
    """A paste holding ESC is refused ("NOT saved" in the app); tab and newline are text."""
    db = build_db(tmp_path / "a1.db", "a1")
    with Store.open(db) as store:
        for bad in ("\x1b[2J", "x\x9b1m", "\x07"):
            with pytest.raises(PanelError, match="cannot be saved"):
                store.record_note("lotim", "regulation", bad)
            with pytest.raises(PanelError, match="cannot be saved"):
                store.recuse("lotim", bad)
        store.record_note("lotim", "regulation", "baris satu\n\tbaris dua")
    with Store.open(db, readonly=True) as store:
        assert [e.note for e in store.events()] == ["baris satu\n\tbaris dua"]
