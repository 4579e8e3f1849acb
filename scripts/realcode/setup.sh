#!/usr/bin/env bash
# Recreate $REALCODE_ROOT: unpacked wheel trees + per-project test venvs (offline, local wheel mirror only).
# Idempotent: existing trees/venvs are kept. Options:
#   FORCE_TREES=1  re-unpack every tree (discarding any in-place rewrites)
#   FORCE_VENVS=1  rebuild every venv
#   ./setup.sh [name ...]   only these projects (default: all)
# Never installs into the interpreter's own site-packages: everything goes into $REALCODE_ROOT/venvs/<name>.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/projects.sh"
ROOT="$REALCODE_ROOT"
PY=${PYTHON:-python3}
PIPFLAGS=(--no-index --find-links /opt/pypi/files --find-links /opt/pypi-more/files --disable-pip-version-check -q)
PYTEST_PIN="pytest==8.4.2"
MOCK_DEB_VER="4.0.3-4"
MOCK_DIR="$ROOT/debs/mock-4.0.3"
mkdir -p "$ROOT"/{trees,venvs,debs,logs} "$REALCODE_LOCKS"

log() { echo "[setup] $*" >&2; }

unpack_tree() { # name ver wheel
  local dir="$ROOT/trees/$1-$2"
  if [[ -d "$dir" && "${FORCE_TREES:-0}" != 1 ]]; then log "tree $1-$2 exists"; return; fi
  [[ -f "$3" ]] || { log "missing wheel $3"; exit 1; }
  rm -rf "$dir.tmp" "$dir"; mkdir -p "$dir.tmp"
  "$PY" - "$3" "$dir.tmp" <<'EOF'
import sys, zipfile
zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])
EOF
  mv "$dir.tmp" "$dir"
  log "unpacked $1-$2 ($(find "$dir" -name '*.py' | wc -l) .py files)"
}

# The `mock` backport is not on the local PyPI mirror: take the pure-Python package from Debian's python3-mock .deb.
ensure_mock() {
  [[ -f "$MOCK_DIR/mock/__init__.py" ]] && return
  local deb
  deb=$(ls "$ROOT"/debs/python3-mock_"${MOCK_DEB_VER}"_all.deb 2>/dev/null || true)
  if [[ -z "$deb" ]]; then
    (cd "$ROOT/debs" && { apt-get download "python3-mock=$MOCK_DEB_VER" 2>/dev/null || { apt-get update -qq && apt-get download "python3-mock=$MOCK_DEB_VER"; }; })
    deb="$ROOT/debs/python3-mock_${MOCK_DEB_VER}_all.deb"
  fi
  rm -rf "$MOCK_DIR.x"; mkdir -p "$MOCK_DIR.x"
  dpkg-deb -x "$deb" "$MOCK_DIR.x"
  rm -rf "$MOCK_DIR"; mkdir -p "$MOCK_DIR"
  cp -r "$MOCK_DIR.x"/usr/lib/python3/dist-packages/mock "$MOCK_DIR.x"/usr/lib/python3/dist-packages/mock-4.0.3.egg-info "$MOCK_DIR/"
  rm -rf "$MOCK_DIR/mock/tests" "$MOCK_DIR.x"
  log "mock 4.0.3 extracted to $MOCK_DIR"
}

make_venv() { # uses P_* from realcode_lookup
  local v="$ROOT/venvs/$P_NAME" lock="$REALCODE_LOCKS/$P_NAME.txt"
  if [[ -f "$v/.realcode-ok" && "${FORCE_VENVS:-0}" != 1 ]]; then log "venv $P_NAME exists"; return; fi
  rm -rf "$v"
  "$PY" -m venv "$v"
  local vp="$v/bin/python"
  if [[ -f "$lock" ]]; then
    "$vp" -m pip install "${PIPFLAGS[@]}" -r "$lock"
  else
    # resolve: project wheel (for its runtime deps) + test deps, then remove the project itself
    # shellcheck disable=SC2086
    "$vp" -m pip install "${PIPFLAGS[@]}" "$PYTEST_PIN" "$P_WHEEL" $P_DEPS
    "$vp" -m pip uninstall -q -y "$P_NAME"
    "$vp" -m pip freeze --exclude-editable | grep -viE "^(mock|$P_NAME)(==| )" > "$lock"
  fi
  # make sure the project is NOT importable from site-packages
  if "$vp" -m pip show -q "$P_NAME" >/dev/null 2>&1; then "$vp" -m pip uninstall -q -y "$P_NAME"; fi
  local sp; sp=$("$vp" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  if [[ "$P_MOCK" == 1 ]]; then ensure_mock; cp -r "$MOCK_DIR"/mock "$MOCK_DIR"/mock-4.0.3.egg-info "$sp/"; fi
  # child interpreters started by the tests (which may reset PYTHONPATH) still see the tree under test
  echo "import os, sys; _t = os.environ.get('REALCODE_TREE'); _t and _t not in sys.path and sys.path.insert(0, _t)" > "$sp/zz_realcode_tree.pth"
  (cd /tmp && ! "$vp" -c "import $P_IMPORT" 2>/dev/null) || { log "ERROR: $P_IMPORT importable from venv $P_NAME"; exit 1; }
  touch "$v/.realcode-ok"
  log "venv $P_NAME ready"
}

want() { [[ $# -eq 0 ]] && return 0; local n; for n in "${SEL[@]}"; do [[ "$n" == "$1" ]] && return 0; done; return 1; }
SEL=("$@")

for e in "${REALCODE_PROJECTS[@]}"; do
  IFS='|' read -r n _ <<<"$e"
  if [[ ${#SEL[@]} -eq 0 ]] || want "$n"; then
    realcode_lookup "$n"
    unpack_tree "$P_NAME" "$P_VER" "$P_WHEEL"
    make_venv
  fi
done
for e in "${REALCODE_BENCH[@]}"; do
  IFS='|' read -r n ver whl <<<"$e"
  if [[ ${#SEL[@]} -eq 0 ]] || want "$n"; then unpack_tree "$n" "$ver" "$whl"; fi
done
log "done"
