#!/usr/bin/env bash
# Bootstrap a Debian 12 machine for `make lab` and `make test`:
#   1. system packages listed in bindep.txt (profile "test"), through apt;
#   2. a virtualenv with the pinned Python tooling and runtime libraries;
#   3. the offline stand-in for ansible-test's pip bootstrap script.
# Re-running is cheap: each step is skipped when its inputs did not change.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
venv=${VENV:-$root/.venv}
python=${PYTHON:-python3}
export DEBIAN_FRONTEND=noninteractive

log() { printf 'bootstrap: %s\n' "$*"; }

apt_install() {
  if [ ! -f /var/lib/apt/periodic/hypercloud-updated ] || [ -n "${HC_APT_UPDATE:-}" ]; then
    apt-get update -qq
    mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/hypercloud-updated
  fi
  apt-get install -y -qq --no-install-recommends "$@"
}

# A venv needs ensurepip, which Debian ships in python3-venv.
if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
  log "installing python3-venv"
  apt_install python3-venv
fi

if [ ! -x "$venv/bin/python" ]; then
  log "creating virtualenv $venv"
  "$python" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip --disable-pip-version-check -q)

bindep_pin=$(grep -E '^bindep==' "$root/requirements-dev.txt")
"$venv/bin/python" -c 'import bindep' 2>/dev/null || "${pip[@]}" install "$bindep_pin"

# bindep -b exits 1 when something is missing and prints one package a line.
missing=$("$venv/bin/bindep" -b -f "$root/bindep.txt" test || true)
if [ -n "$missing" ]; then
  # shellcheck disable=SC2086 # one package a word
  log "apt: installing" $missing
  # shellcheck disable=SC2086
  apt_install $missing
fi

stamp="$venv/.hypercloud-requirements"
want=$(cat "$root/requirements.txt" "$root/requirements-dev.txt" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  log "pip: installing requirements.txt and requirements-dev.txt"
  "${pip[@]}" install -r "$root/requirements.txt" -r "$root/requirements-dev.txt"
  echo "$want" > "$stamp"
fi

# ansible-test builds a venv per sanity test and fetches get-pip from a host that is not
# reachable here; this stand-in installs the same pip from the package index instead.
"$root/scripts/ansible-test-pip-shim.sh"
log "ready: $venv"
