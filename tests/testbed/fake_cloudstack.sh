#!/usr/bin/env bash
# Test harness: the fake CloudStack API (fake_cloudstack.py beside this script; simulated, not
# CloudStack) as a background process on 127.0.0.1.
#   fake_cloudstack.sh up DIR PORT [ARGS...]  serve http://127.0.0.1:PORT/client/api; pid file, port,
#                                             output and the host event log (DIR/events.jsonl) in DIR;
#                                             ARGS go to fake_cloudstack.py (--never-up kvm-1, delays...)
#   fake_cloudstack.sh down DIR               stop what "up" started in DIR (DIR stays)
# Prints "changed" or "ok". The API key and secret are fake_cloudstack.py's defaults
# (fake-api-key / fake-secret-key) unless ARGS change them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/testbed/lib.sh
. "$here/lib.sh"
python=${HC_FAKE_CLOUDSTACK_PYTHON:-python3}

alive() { pid_alive "$1/fake_cloudstack.pid"; }
answers() { curl -s -o /dev/null "http://127.0.0.1:$1/client/api" 2>/dev/null; }

up() {
  local dir port=$2
  mkdir -p "$1"; dir=$(cd "$1" && pwd)
  shift 2
  if alive "$dir"; then
    if [ "$(cat "$dir/fake_cloudstack.port" 2>/dev/null)" = "$port" ]; then echo ok; return 0; fi
    echo "a fake CloudStack from $dir already runs on port $(cat "$dir/fake_cloudstack.port")" >&2; exit 1
  fi
  port_free "$port" "the fake CloudStack of $dir"
  nohup "$python" "$here/fake_cloudstack.py" --port "$port" --log "$dir/events.jsonl" "$@" \
    >"$dir/fake_cloudstack.out" 2>&1 </dev/null &
  echo $! > "$dir/fake_cloudstack.pid"
  for _ in $(seq 1 100); do
    if answers "$port"; then echo "$port" > "$dir/fake_cloudstack.port"; echo changed; return 0; fi
    alive "$dir" || break
    sleep 0.1
  done
  echo "the fake CloudStack API did not answer on 127.0.0.1:$port:" >&2; cat "$dir/fake_cloudstack.out" >&2
  down "$dir" >/dev/null; exit 1
}

down() { pid_stop "$1/fake_cloudstack.pid"; }

case "${1:-}" in
  up) [ $# -ge 3 ] || { echo "usage: $0 up DIR PORT [ARGS...]" >&2; exit 2; }; shift; up "$@" ;;
  down) [ $# -ge 2 ] || { echo "usage: $0 down DIR" >&2; exit 2; }; down "$2" ;;
  *) echo "usage: $0 up DIR PORT [ARGS...] | down DIR" >&2; exit 2 ;;
esac
