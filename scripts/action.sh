#!/usr/bin/env bash
# The steps of action.yml (the GitHub Action), as a script the tests can run:
#   action.sh install   builds ssot in the action's checkout ($GITHUB_ACTION_PATH)
#   action.sh check     runs `ssot check` with the inputs (SSOT_* variables), writes
#                       SARIF, prints workflow annotations, sets the step outputs
#                       (exit-code, sarif-file) and exits with ssot's exit code
set -uo pipefail

action_path="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set (run by action.yml)}"
ssot=(node "$action_path/dist/cli/ssot.cjs")

case "${1:-}" in
  install)
    cd "$action_path" || exit 2
    if [ ! -f dist/cli/ssot.cjs ]; then
      npm ci --no-audit --no-fund --loglevel=error && npm run build --silent || exit 2
    fi
    "${ssot[@]}" --version
    ;;
  check)
    args=(check "${SSOT_PATH:-.}")
    [ -n "${SSOT_CONFIG:-}" ] && args+=(--config "$SSOT_CONFIG")
    [ -n "${SSOT_BASELINE:-}" ] && args+=(--baseline "$SSOT_BASELINE")
    [ "${SSOT_STRICT_BASELINE:-false}" = true ] && args+=(--strict-baseline)
    [ -n "${SSOT_SINCE:-}" ] && args+=(--since "$SSOT_SINCE")
    sarif="${SSOT_SARIF:-ssot.sarif}"
    rm -f "$sarif"
    "${ssot[@]}" "${args[@]}" --format sarif --output "$sarif"
    code=$?
    if [ "$code" -le 1 ] && [ "${SSOT_ANNOTATIONS:-true}" = true ]; then
      # the second run reads the scan cache the first one wrote
      "${ssot[@]}" "${args[@]}" --format github || true
    fi
    {
      echo "exit-code=$code"
      if [ -f "$sarif" ]; then echo "sarif-file=$sarif"; else echo "sarif-file="; fi
    } >>"${GITHUB_OUTPUT:-/dev/null}"
    exit "$code"
    ;;
  *)
    echo "usage: action.sh install|check" >&2
    exit 2
    ;;
esac
