#!/usr/bin/env bash
# The offline install path (issue 2, item 8), end to end:
#   1. build a wheelhouse: panel-tui's wheel and every runtime dependency's at the versions of
#      requirements-runtime.lock, each file checked against its locked hash (needs the
#      network, once);
#   2. make a fresh venv and install from the wheelhouse alone (--no-index: no network at all,
#      no pip configuration, no find-links but the wheelhouse);
#   3. from outside the checkout, run the installed panel-tui: `check` on the demo round that
#      ships inside the package, `init` an assessor database (proves the SQL migrations are in
#      the wheel), `verify` it.
#
# Usage: scripts/offline-install-check.sh [WHEELHOUSE_DIR]
#   With WHEELHOUSE_DIR the wheelhouse is kept there (e.g. a USB stick); otherwise it is made in
#   a temporary folder and removed. PYTHON picks the interpreter (default: the active venv's
#   python, which holds the locked build backend, hatchling): use the same OS and Python minor
#   version as the venue laptops.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python}"
if ! "$python" -c 'import hatchling' 2>/dev/null; then
    echo "$python has no hatchling: run this from the venv README's Quick start makes" >&2
    exit 2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
wheelhouse="${1:-$work/wheelhouse}"
mkdir -p "$wheelhouse"
start=$SECONDS

echo "== building the wheelhouse in $wheelhouse"
# (a mirror's "Location ... is ignored" chatter is filtered out; real errors still show)
"$python" -m pip wheel -q --require-hashes --no-deps -r "$root/requirements-runtime.lock" \
    -w "$wheelhouse" 2> >(grep -v "is ignored: it is neither" >&2)
# panel-tui itself, built by the locked hatchling (no build isolation: nothing unlocked).
"$python" -m pip wheel -q --no-deps --no-build-isolation "$root" -w "$wheelhouse" \
    2> >(grep -v "is ignored: it is neither" >&2)
ls "$wheelhouse" | sed 's/^/   /'
locked=$(grep -c '^[a-z]' "$root/requirements-runtime.lock")
wheels=$(ls "$wheelhouse"/*.whl | wc -l)
if [ "$wheels" -ne $((locked + 1)) ]; then
    echo "the wheelhouse holds $wheels wheels; the runtime lock pins $locked (+ panel-tui)" >&2
    exit 1
fi
# README promises one wheelhouse for every OS: only pure-Python wheels.
if ls "$wheelhouse"/*.whl | grep -v -E -- '-none-any\.whl$'; then
    echo "the wheels above are not pure Python: README's one-wheelhouse promise breaks" >&2
    exit 1
fi
echo "   $(du -sh "$wheelhouse" | cut -f1) in $wheels wheels"

echo "== installing into a fresh venv with no index"
"$python" -m venv "$work/venv"
# No pip configuration and no find-links but ours: nothing may come from elsewhere.
env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL PIP_CONFIG_FILE=/dev/null \
    "$work/venv/bin/python" -m pip install -q --no-index --find-links "$wheelhouse" panel-tui

echo "== running the installed panel-tui from outside the checkout"
cd "$work"
bin="$work/venv/bin"
demo="$("$bin/python" -c 'import pathlib, panel_tui; print(pathlib.Path(panel_tui.__file__).parent / "demo")')"
case "$demo" in
    "$root"/*) echo "panel-tui was imported from the checkout, not the wheel: $demo" >&2; exit 1 ;;
esac
"$bin/panel-tui" --version
"$bin/panel-tui" check "$demo"
"$bin/panel-tui" check "$root/src/panel_tui/demo" >/dev/null
"$bin/panel-tui" init "$demo" --assessor a1 --db "$work/a1.db"
"$bin/panel-tui" verify "$work/a1.db"

echo "== offline install ok in $((SECONDS - start)) s"
