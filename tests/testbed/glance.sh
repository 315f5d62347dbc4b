#!/usr/bin/env bash
# Test harness: a real Glance image API (Debian bookworm's glance-api, Zed) on 127.0.0.1, without
# Keystone (the empty paste flavor: every request is admin), SQLite and a file store.
#   glance.sh up DIR PORT    configure under DIR, db_sync, start glance-api (pid file DIR/glance-api.pid)
#   glance.sh down DIR       stop what "up" started and remove DIR
#   glance.sh status DIR     exit 0 when the API answers
# Prints "changed" when it started or stopped something, "ok" otherwise. Testbed notes 10.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/testbed/lib.sh
. "$here/lib.sh"
cmd=${1:-}
dir=${2:-}
port=${3:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then echo "usage: $0 up DIR PORT | down DIR | status DIR" >&2; exit 2; fi
pidfile="$dir/glance-api.pid"
changed=0

alive() { pid_alive "$pidfile"; }
answers() {
  local p
  p=$(cat "$dir/port" 2>/dev/null) || return 1
  python3 - "$p" <<'EOF'
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen("http://127.0.0.1:%s/" % sys.argv[1], timeout=2)
except urllib.error.HTTPError as err:
    sys.exit(0 if err.code == 300 else 1)
except Exception:
    sys.exit(1)
EOF
}

up() {
  [ -n "$port" ] || { echo "glance.sh up needs a port" >&2; exit 2; }
  command -v glance-api >/dev/null || { echo "glance-api is not installed (bindep.txt [test])" >&2; exit 1; }
  if alive; then return 0; fi
  port_free "$port" "the glance-api of $dir"
  mkdir -p "$dir/images" "$dir/staging" "$dir/locks"
  echo "$port" > "$dir/port"
  cat > "$dir/glance-api.conf" <<EOF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $port
workers = 0
log_file = $dir/glance-api.log
node_staging_uri = file://$dir/staging
enabled_import_methods = []
[database]
connection = sqlite:///$dir/glance.sqlite
[glance_store]
stores = file
default_store = file
filesystem_store_datadir = $dir/images
[oslo_concurrency]
lock_path = $dir/locks
[paste_deploy]
flavor =
config_file = /etc/glance/glance-api-paste.ini
EOF
  glance-manage --config-file "$dir/glance-api.conf" db_sync >"$dir/db_sync.log" 2>&1
  nohup glance-api --config-file "$dir/glance-api.conf" >"$dir/stdout.log" 2>&1 &
  echo $! > "$pidfile"
  changed=1
  for _ in $(seq 1 100); do
    answers && return 0
    alive || break
    sleep 0.2
  done
  echo "glance-api did not answer on 127.0.0.1:$port; see $dir/glance-api.log" >&2
  tail -n 20 "$dir/glance-api.log" "$dir/stdout.log" >&2 || true
  exit 1
}

down() {
  if alive; then
    kill "$(cat "$pidfile")"
    for _ in $(seq 1 50); do alive || break; sleep 0.1; done
    alive && kill -9 "$(cat "$pidfile")"
    changed=1
  fi
  if [ -d "$dir" ]; then rm -rf "$dir"; changed=1; fi
}

case "$cmd" in
  up) up ;;
  down) down ;;
  status) answers; exit $? ;;
  *) echo "usage: $0 up DIR PORT | down DIR | status DIR" >&2; exit 2 ;;
esac
if [ "$changed" = 1 ]; then echo changed; else echo ok; fi
