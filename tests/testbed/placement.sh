#!/usr/bin/env bash
# Test harness: a real OpenStack Placement service (openstack-placement from PyPI) on loopback,
# sqlite, no Keystone (auth_strategy noauth2: send "X-Auth-Token: admin"), served by gunicorn.
#   placement.sh up DIR [PORT]   install the venv if needed, db sync, serve http://127.0.0.1:PORT
#                                (default 18710); config, database, logs and pid file in DIR
#   placement.sh down DIR        stop what "up" started in DIR (the database stays; rm -rf DIR to wipe)
#   placement.sh venv            only install the venv; print its path
# The venv (requirements-placement.txt beside this script, with the openstack CLI) is under
# HC_PLACEMENT_VENV, default <repository>/.build/placement-venv (built once, reused while the
# requirements file is unchanged). Prints "changed" or "ok".
# DIR/access.log has one line per HTTP request (benchmarks count them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/testbed/lib.sh
. "$here/lib.sh"
venv=${HC_PLACEMENT_VENV:-$(hc_build_dir "$here")/placement-venv}
reqs=$here/requirements-placement.txt
python=${HC_PLACEMENT_PYTHON:-python3}

alive() { pid_alive "$1/placement.pid"; }
answers() { curl -fsS -o /dev/null -H 'X-Auth-Token: admin' "http://127.0.0.1:$1/" 2>/dev/null; }

install_venv() {
  local stamp
  stamp=$(sha256sum "$reqs" | cut -c1-16)
  if [ -x "$venv/bin/gunicorn" ] && [ "$(cat "$venv/.hc-stamp" 2>/dev/null)" = "$stamp" ]; then return 0; fi
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$reqs" >"$venv.pip.log" 2>&1 || {
    echo "pip install -r $reqs failed; see $venv.pip.log" >&2; tail -20 "$venv.pip.log" >&2; exit 1; }
  echo "$stamp" > "$venv/.hc-stamp"
}

up() {
  local dir port=$2
  mkdir -p "$1"; dir=$(cd "$1" && pwd)
  if alive "$dir"; then echo ok; return 0; fi
  port_free "$port" "the Placement of $dir"
  install_venv
  cat > "$dir/placement.conf" <<CONF
[DEFAULT]
debug = False
log_file = $dir/placement.log
[api]
auth_strategy = noauth2
[placement_database]
connection = sqlite:///$dir/placement.db
CONF
  OS_PLACEMENT_CONFIG_DIR=$dir "$venv/bin/placement-manage" --config-file "$dir/placement.conf" db sync >"$dir/db-sync.log" 2>&1 || {
    echo "placement-manage db sync failed:" >&2; cat "$dir/db-sync.log" >&2; exit 1; }
  rm -f "$dir/placement.pid"
  # One sync worker: sqlite allows one writer, and requests are then served in order.
  OS_PLACEMENT_CONFIG_DIR=$dir "$venv/bin/gunicorn" --daemon --workers 1 --bind "127.0.0.1:$port" \
    --pid "$dir/placement.pid" --access-logfile "$dir/access.log" --error-logfile "$dir/gunicorn.log" \
    --timeout 120 placement.wsgi.api:application
  for _ in $(seq 1 150); do
    if answers "$port"; then echo "$port" > "$dir/placement.port"; echo changed; return 0; fi
    sleep 0.2
  done
  echo "placement did not answer on 127.0.0.1:$port within 30 s:" >&2; tail -20 "$dir/gunicorn.log" >&2
  down "$dir" >/dev/null; exit 1
}

down() { pid_stop "$1/placement.pid" 100; }

case "${1:-}" in
  up) [ $# -ge 2 ] || { echo "usage: $0 up DIR [PORT]" >&2; exit 2; }; up "$2" "${3:-18710}" ;;
  down) [ $# -ge 2 ] || { echo "usage: $0 down DIR" >&2; exit 2; }; down "$2" ;;
  venv) install_venv; echo "$venv" ;;
  *) echo "usage: $0 up DIR [PORT] | down DIR | venv" >&2; exit 2 ;;
esac
