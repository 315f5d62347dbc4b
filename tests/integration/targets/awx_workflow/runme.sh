#!/usr/bin/env bash
# Build the workflow three times against the recording AWX stand-in: create, re-run (changed=0), and
# check mode with a changed approval timeout (changed, but no write reaches the API); then check the
# objects and calls with check_awx.py.
set -euo pipefail
root=$(cd ../../../.. && pwd)
state=$(mktemp -d /tmp/hq-it-awx.XXXXXX)
port=18623
python -u "$root/tests/testbed/fake_awx.py" --port $port --state "$state" >"$state/awx.log" 2>&1 &
pid=$!
trap 'kill $pid; rm -rf "$state"' EXIT
for _ in $(seq 50); do python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/api/v2/ping/')" 2>/dev/null && break; sleep 0.2; done

export CONTROLLER_OAUTH_TOKEN=hq-awx-token
# The controller comes from the inventory, as an AWX inventory's variables would give it (the
# playbook's defaults must not hide it); the check run below overrides a setting with -e.
cat >"$state/inventory.yml" <<INVENTORY
all:
  hosts:
    localhost:
      ansible_connection: local
      ansible_python_interpreter: $(command -v python)
      awx_workflow_host: http://127.0.0.1:$port
INVENTORY
run() {  # run NAME [ansible-playbook args]: the recap line goes to $state/NAME.recap, the writes so far to NAME.writes
    local name=$1; shift
    ansible-playbook "$root/playbooks/awx_workflow.yml" -i "$state/inventory.yml" "$@" \
        | tee "$state/$name.log" | grep -E '^localhost +:' | tee "$state/$name.recap"
    python -c "import json,sys; print(sum(c['method'] != 'GET' for c in json.load(open(sys.argv[1]))))" \
        "$state/awx-calls.json" >"$state/$name.writes"
}
run create
run again
run check --check -e awx_workflow_approval_timeout=3600
python check_awx.py "$state"
