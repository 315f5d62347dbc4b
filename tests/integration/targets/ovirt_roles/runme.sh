#!/usr/bin/env bash
# The ovirt_node and ovirt_engine roles on this Debian machine. No oVirt engine and no EL host can run here
# (docs/ovirt.md), so:
# - ovirt_node (nodes.yml) enrolls nodes for real through ovirtsdk4 into tests/testbed/fake_ovirt.py, a FAKE oVirt
#   engine (a stdlib HTTP server answering with XML shaped like the oVirt 4.5 REST API; it is not oVirt);
# - ovirt_engine (engine.yml) runs in its non-EL dry run: the EL-only steps (repositories, packages, engine-setup,
#   service, health) are skipped and reported; DNS preflight, the answers, the engine-setup decision and the
#   answer file's write and removal run for real.
# The lab's names resolve through hosts.test, bind-mounted over /etc/hosts in this script's own mount namespace.
set -eu
if [ "${OVIRT_ROLES_NAMESPACE:-}" != yes ]; then
  exec env OVIRT_ROLES_NAMESPACE=yes unshare --mount --propagation private bash "$0" "$@"
fi
mount --bind "$PWD/hosts.test" /etc/hosts
set -x
testbed=../../../../tests/testbed
state=/tmp/hcs-it-ovirt
marker_dir=/etc/ovirt-engine-setup.conf.d
answers=$state/engine-answers.conf
export ENGINE_PASSWORD=fake-engine-secret-7 ANSIBLE_PIPELINING=true
secrets=(fake-engine-secret-7 node1-root-secret-7 node3-root-secret-7 node4-root-secret-7 engine%admin-secret-7
         engine%admin-secret-8 engine-db-secret-7)

stop_fakes() {
  for pidfile in "$state"/fake-*.pid; do
    [ -f "$pidfile" ] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
}
cleanup() {
  stop_fakes
  rm -rf "$marker_dir"
}
if [ -d "$state" ]; then stop_fakes; fi
if [ -e "$marker_dir" ]; then
  echo "$marker_dir exists: this machine looks like an oVirt engine; not running here"; exit 1
fi
trap cleanup EXIT
rm -rf "$state" && mkdir -p "$state/state"

start_fake() {  # NAME PORT [fake_ovirt.py ARGS...]
  local name=$1 port=$2; shift 2
  python "$testbed/fake_ovirt.py" --port "$port" --password "$ENGINE_PASSWORD" "$@" >"$state/fake-$name.out" 2>&1 &
  echo $! >"$state/fake-$name.pid"
  for _ in $(seq 1 100); do
    if curl -s -o /dev/null "http://127.0.0.1:$port/ovirt-engine/api"; then return 0; fi
    sleep 0.1
  done
  cat "$state/fake-$name.out"; exit 1
}
start_fake ok 18930
start_fake bad 18931 --script node3=installing,install_failed --script node4=installing,initializing,non_operational

# ovirt_node: check mode, enroll two nodes until up, again unchanged, DNS refusal, INSTALL_FAILED
# and NON_OPERATIONAL with the engine's events (the assertions are in nodes.yml).
ansible-playbook -i inventory.yml nodes.yml -v >"$state/nodes.out" 2>&1 || { tail -60 "$state/nodes.out"; exit 1; }
echo "ovirt_roles: nodes.yml done at ${SECONDS}s"
grep -qF "Dry run on Debian: skipped the oVirt repositories and the engine SSH key." "$state/nodes.out"

# ovirt_engine: the decisions and answers (assertions in engine.yml); which role tasks wrote and removed the
# answer file is read from the output here.
ansible-playbook -i inventory.yml engine.yml -v >"$state/engine.out" 2>&1 || { tail -80 "$state/engine.out"; exit 1; }
echo "ovirt_roles: engine.yml done at ${SECONDS}s"
status() { python task_status.py "$state/engine.out" "$1" "hypercloud.builder.ovirt_engine : $2"; }
grep -qF "Dry run on Debian: skipped the EL-only steps (repositories, packages, engine-setup, ovirt-engine service, health check)" "$state/engine.out"
grep -qF "engine-setup is EL-only and was not run (the engine is not set up yet" "$state/engine.out"
grep -qF "it would run: engine-setup --accept-defaults --config-append=$answers." "$state/engine.out"
grep -qF "held back: set ovirt_engine_reconfigure_ok=true to run engine-setup again." "$state/engine.out"
check() {  # PLAY WRITE-STATUS REMOVE-STATUS: engine-setup itself is always skipped (EL-only)
  local got
  got="$(status "$1" 'Write the answer file (0600)') $(status "$1" 'Remove the answer file') $(status "$1" 'Run engine-setup')"
  if [ "$got" != "$2 $3 skipping" ]; then echo "play $1: write/remove/engine-setup $got, expected $2 $3 skipping"; exit 1; fi
}
check "E1 check mode, engine not set up" changed ok
check "E2 for real, engine not set up" changed changed
check "E3 set up with these answers, only the admin password differs (not part of the answers' digest)" skipping changed
check "E4 an answer changed (no Grafana), without ovirt_engine_reconfigure_ok" skipping ok
check "E5 an answer changed, with ovirt_engine_reconfigure_ok, and a remote engine database" changed changed
[ ! -e "$answers" ]

# No secret in anything printed.
for secret in "${secrets[@]}"; do
  if grep -lF -- "$secret" "$state"/*.out; then echo "a secret is in the output above"; exit 1; fi
done
echo "ovirt_roles: all checks passed"
