#!/usr/bin/env bash
# Start, stop or check the stand-ins the provisioning flow talks to when there is no real system:
# tests/testbed/fake_cmdb.py (CMDB: generic REST + ServiceNow Table API shape), fake_nova.py (Keystone
# token + Nova compute API 2.1 subset) and fake_awx.py (recording AWX 24.6 API). They are stand-ins,
# not the real services.
#
#   provisioning_standins.sh up DIR      start the missing ones (state and pid files under DIR)
#   provisioning_standins.sh down DIR    stop the ones DIR's pid files name (and only those)
#   provisioning_standins.sh status DIR  exit 0 when all answer
#
# Ports: HQ_CMDB_PORT (18601), HQ_NOVA_PORT (18602), HQ_AWX_PORT (18603), on 127.0.0.1.
# Prints "changed" when it started or stopped something, "ok" otherwise.
set -euo pipefail
action=${1:?usage: $0 up|down|status DIR}
dir=${2:?usage: $0 up|down|status DIR}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/testbed/lib.sh
. "$here/lib.sh"
python=${PYTHON:-python3}
declare -A port=([cmdb]=${HQ_CMDB_PORT:-18601} [nova]=${HQ_NOVA_PORT:-18602} [awx]=${HQ_AWX_PORT:-18603})

answers() {  # any HTTP answer on the port counts
    "$python" - "$1" <<'PY'
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen("http://127.0.0.1:%s/api/v2/ping/" % sys.argv[1], timeout=1)
except urllib.error.HTTPError:
    pass
except Exception:
    sys.exit(1)
PY
}

running() { pid_alive "$dir/$1.pid"; }

changed=ok
case $action in
up)
    mkdir -p "$dir"
    for name in cmdb nova awx; do
        running "$name" && continue
        port_free "${port[$name]}" "the fake_$name of $dir" "set HQ_${name^^}_PORT"
        setsid "$python" "$here/fake_$name.py" --port "${port[$name]}" --state "$dir" \
            >"$dir/$name.log" 2>&1 </dev/null &
        echo $! >"$dir/$name.pid"
        for _ in $(seq 50); do answers "${port[$name]}" && break; sleep 0.1; done
        answers "${port[$name]}" || { echo "fake_$name did not answer; see $dir/$name.log" >&2; exit 1; }
        changed=changed
    done
    ;;
down)
    for name in cmdb nova awx; do
        if running "$name"; then
            kill "$(cat "$dir/$name.pid")"
            changed=changed
        fi
        rm -f "$dir/$name.pid"
    done
    ;;
status)
    for name in cmdb nova awx; do running "$name" && answers "${port[$name]}" || exit 1; done
    ;;
*) echo "unknown action $action" >&2; exit 2 ;;
esac
echo "$changed"
