#!/usr/bin/env bash
# Usage: run-tests.sh NAME [TREE_DIR]
#   Runs NAME's own test suite (subset recorded in projects.sh) against the code in TREE_DIR
#   (default /work/realcode/trees/NAME-VERSION), using /work/realcode/venvs/NAME.
#   Prints ONE summary line on stdout:
#     NAME: P passed, F failed, E errors, S skipped, XF xfailed, XP xpassed, D deselected in Ts (cpu Cs) [pytest rc=N] tree=DIR log=FILE
#   Exit status: pytest's exit status (0 all passed, 1 some failed), 3 if the package was not imported from TREE_DIR.
#   HIDE_MOCK=1 makes `import mock` fail (an ImportError-raising `mock` package is put on sys.path), to prove
#   a rewritten tree no longer needs the backport.
#   Full pytest output goes to the log file. The tree is not written to (no __pycache__, no .pytest_cache,
#   hypothesis DB in a temp dir).
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/projects.sh"
[[ $# -ge 1 ]] || { echo "usage: $0 NAME [TREE_DIR]" >&2; exit 2; }
realcode_lookup "$1" || { echo "unknown project $1 (known: $(printf '%s\n' "${REALCODE_PROJECTS[@]}" | cut -d'|' -f1 | tr '\n' ' '))" >&2; exit 2; }
TREE="$(cd "${2:-$REALCODE_ROOT/trees/$P_NAME-$P_VER}" && pwd)" || exit 2
VPY="$REALCODE_ROOT/venvs/$P_NAME/bin/python"
[[ -x "$VPY" ]] || { echo "no venv for $P_NAME; run $HERE/setup.sh $P_NAME" >&2; exit 2; }
mkdir -p "$REALCODE_ROOT/logs"
LOG="$REALCODE_ROOT/logs/$P_NAME-$(basename "$TREE")-$(date +%Y%m%d-%H%M%S)-$$.log"
HYP="$(mktemp -d /tmp/realcode-hyp-XXXXXX)"
trap 'rm -rf "$HYP"' EXIT

export PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$TREE" REALCODE_TREE="$TREE" HYPOTHESIS_STORAGE_DIRECTORY="$HYP"
export PYTHONHASHSEED=0
if [[ "${HIDE_MOCK:-0}" == 1 ]]; then
  mkdir -p "$HYP/nomock/mock"
  echo 'raise ImportError("mock backport hidden by HIDE_MOCK=1")' > "$HYP/nomock/mock/__init__.py"
  export PYTHONPATH="$TREE:$HYP/nomock"
fi
unset PYTEST_ADDOPTS

# 1. the package must come from the tree
got=$(cd /tmp && "$VPY" -c "import $P_IMPORT; print($P_IMPORT.__file__)" 2>&1)
if [[ "$got" != "$TREE"/* ]]; then
  echo "$P_NAME: ERROR $P_IMPORT imported from '$got', not from $TREE" ; exit 3
fi

# 2. run the suite from inside the tree
cd "$TREE"
start=$(date +%s.%N)
# shellcheck disable=SC2086
eval "EXTRA=($P_ARGS)"   # P_ARGS may contain shell quoting
TFILE="$HYP/time"
/usr/bin/time -f '%U %S' -o "$TFILE" "$VPY" -m pytest -p no:cacheprovider -q -rfE "${EXTRA[@]}" $P_TESTS >"$LOG" 2>&1
rc=$?
cpu=$(tail -n 1 "$TFILE" 2>/dev/null | awk '{printf "%.1f", $1+$2}')
end=$(date +%s.%N)
secs=$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f", b-a}')
# final pytest line, e.g. "3 failed, 66 passed, 1 warning in 11.93s"
last=$(grep -E '^(=+ )?[0-9]+ (passed|failed|error|errors|skipped|xfailed|xpassed|deselected|warnings?)\b.* in [0-9.]+s' "$LOG" | tail -n 1)
cnt() { local v; v=$(grep -oE "[0-9]+ $1\b" <<<"$last" | head -n1 | cut -d' ' -f1); echo "${v:-0}"; }
errors=$(( $(cnt error) + $(cnt errors) ))
printf '%s: %s passed, %s failed, %s errors, %s skipped, %s xfailed, %s xpassed, %s deselected in %ss (cpu %ss) [pytest rc=%s] tree=%s log=%s\n' \
  "$P_NAME${HIDE_MOCK:+ (HIDE_MOCK=$HIDE_MOCK)}" "$(cnt passed)" "$(cnt failed)" "$errors" "$(cnt skipped)" "$(cnt xfailed)" "$(cnt xpassed)" "$(cnt deselected)" "$secs" "${cpu:-?}" "$rc" "$TREE" "$LOG"
exit "$rc"
