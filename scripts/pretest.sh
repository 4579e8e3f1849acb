#!/usr/bin/env bash
# Installs what the test suite needs, only when it is missing:
#   - redis-server, rg, chromium (Debian packages redis-server, ripgrep, chromium;
#     chromium is the headless browser the HTML dashboard test drives)
#   - Python: redis, pytest, ruff (pip)
# Quiet and idempotent when everything is present. It never starts a Redis
# server: the tests start their own on a free loopback port. When something
# cannot be installed it exits non-zero with one line saying what is missing
# and how to install it.
set -euo pipefail

log="$(mktemp)"
created_policy=0
cleanup() {
  rm -f "$log"
  if [ "$created_policy" = 1 ]; then as_root rm -f /usr/sbin/policy-rc.d || true; fi
}
trap cleanup EXIT

die() {
  echo "pretest: $*" >&2
  exit 1
}

# The first error line of the last install attempt, for the one-line message.
why() {
  local line
  line="$(grep -m1 -E '^(E:|ERROR:|error:)' "$log" || true)"
  [ -n "$line" ] || line="$(grep -v '^[[:space:]]*$' "$log" | tail -n 1 || true)"
  printf '%s' "${line:0:200}"
}

have() { command -v "$1" >/dev/null 2>&1; }
py_has() { python3 -c "import $1" >/dev/null 2>&1; }
have_ruff() { python3 -m ruff --version >/dev/null 2>&1 || have ruff; }

is_root() { [ "$(id -u)" -eq 0 ]; }
can_sudo() { have sudo && sudo -n true >/dev/null 2>&1; }
as_root() {
  if is_root; then
    "$@"
  else
    sudo -n "$@"
  fi
}

have python3 || die "missing python3; install it with: sudo apt-get install -y python3 python3-pip"

missing_apt=()
have redis-server || missing_apt+=(redis-server)
have rg || missing_apt+=(ripgrep)
have_chromium() { [ -x /usr/bin/chromium ]; }
have_chromium || missing_apt+=(chromium)

missing_pip=()
py_has redis || missing_pip+=(redis)
py_has pytest || missing_pip+=(pytest)
have_ruff || missing_pip+=(ruff)

if [ "${#missing_apt[@]}" -gt 0 ]; then
  hint="sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing_apt[*]}"
  have apt-get || die "missing ${missing_apt[*]} and there is no apt-get; install ${missing_apt[*]} with your package manager"
  is_root || can_sudo || die "missing ${missing_apt[*]} (not root, no passwordless sudo); install with: $hint"
  echo "pretest: installing ${missing_apt[*]} (apt)"
  # Keep the package's init script from starting a system Redis on :6379.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d' \
      && created_policy=1
  fi
  if ! {
    as_root apt-get update -qq &&
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_apt[@]}"
  } >"$log" 2>&1; then
    die "could not install ${missing_apt[*]} with apt-get ($(why)); install with: $hint"
  fi
fi

if [ "${#missing_pip[@]}" -gt 0 ]; then
  hint="python3 -m pip install ${missing_pip[*]}"
  python3 -m pip --version >/dev/null 2>&1 ||
    die "missing Python packages ${missing_pip[*]} and pip for python3; install with: sudo apt-get install -y python3-pip && $hint"
  echo "pretest: installing Python packages ${missing_pip[*]} (pip)"
  pip_install() {
    # First without retries: where the default index is unreachable but a local
    # wheel source is configured, pip's retries alone cost most of a minute.
    python3 -m pip install --quiet --retries 0 "$@" "${missing_pip[@]}" >"$log" 2>&1 ||
      python3 -m pip install --quiet "$@" "${missing_pip[@]}" >"$log" 2>&1
  }
  if ! pip_install; then
    if grep -q externally-managed-environment "$log" && { is_root || [ -n "${CI:-}" ]; }; then
      # Debian's own python3 (PEP 668): on a root/CI machine install anyway.
      pip_install --break-system-packages || die "could not install ${missing_pip[*]} ($(why)); install with: $hint"
    elif ! is_root && pip_install --user; then
      :
    else
      die "could not install ${missing_pip[*]} ($(why)); install with: $hint (in a virtualenv if python3 is externally managed)"
    fi
  fi
fi

# Verify, whatever happened above.
still=() apt_hint=() pip_hint=()
have redis-server || { still+=(redis-server); apt_hint+=(redis-server); }
have rg || { still+=(rg); apt_hint+=(ripgrep); }
have_chromium || { still+=(chromium); apt_hint+=(chromium); }
have_ruff || { still+=(ruff); pip_hint+=(ruff); }
py_has redis || { still+=("python redis"); pip_hint+=(redis); }
py_has pytest || { still+=(pytest); pip_hint+=(pytest); }
if [ "${#still[@]}" -gt 0 ]; then
  hint=()
  [ "${#apt_hint[@]}" -gt 0 ] && hint+=("sudo apt-get install -y ${apt_hint[*]}")
  [ "${#pip_hint[@]}" -gt 0 ] && hint+=("python3 -m pip install ${pip_hint[*]}")
  die "still missing after install: ${still[*]} (is PATH right?); install with: ${hint[0]}${hint[1]:+ && ${hint[1]}}"
fi

echo "pretest: redis-server, rg, chromium, ruff, python redis, pytest present"
