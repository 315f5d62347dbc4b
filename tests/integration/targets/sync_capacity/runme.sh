#!/usr/bin/env bash
# playbooks/sync_capacity.yml end to end: the vCenter simulator read by vsphere_ha_capacity_info, the
# plan, nova.conf written through nova_scheduler, a real Placement set through placement_inventory,
# and the restart handler through the service manager. Check mode first (a report, nothing changed),
# then the sync, then a second run that changes nothing; a cluster that does not exist is refused.
set -eux
testbed=../../../../tests/testbed
state=/tmp/hp-it-sync
service=/etc/init.d/hp-it-nova-compute
play=(ansible-playbook hypercloud.builder.sync_capacity -i inventory.yml)
# shellcheck source=tests/testbed/lib.sh
. "$testbed/lib.sh"
verify() { ansible-playbook verify.yml -i inventory.yml -e "stage=$1"; }

cleanup() {
  "$testbed/vcsim.sh" down "$state/vcsim" || true
  "$testbed/placement.sh" down "$state/placement" || true
  rm -f "$service"
}
trap cleanup EXIT
cleanup
rm -rf "$state"
mkdir -p "$state/nc-conf" "$state/nc-placement"
"$testbed/vcsim.sh" up "$state/vcsim" 18742
"$testbed/placement.sh" up "$state/placement" 18734
# No systemd on this machine: a SysV script stands in for nova-compute and logs each (re)start.
cat > "$service" <<SCRIPT
#!/bin/sh
case "\$1" in
  start|restart|force-reload) echo "\$1" >> $state/restarts.log ;;
esac
exit 0
SCRIPT
chmod 0755 "$service"

ansible-playbook setup.yml -i inventory.yml
sha256sum "$state"/nc-*/nova.conf > "$state/seeded.sha256"

# 1. Check mode: the plan reported for both nodes, nothing written anywhere, nothing restarted.
"${play[@]}" --check --diff | tee "$state/check.out"
# (the report is JSON-escaped in the output: \" for ")
grep -qF 'DC0_C0 -> nova_conf: {\"cpu_allocation_ratio\": 0.375, \"ram_allocation_ratio\": 0.75, \"reserved_host_cpus\": 0, \"reserved_host_memory_mb\": 0}' "$state/check.out"
grep -qF 'DC0_C0 -> placement: {\"cpu_allocation_ratio\": 4.0, \"ram_allocation_ratio\": 1.0, \"reserved_host_cpus\": 32, \"reserved_host_memory_mb\": 131072}' "$state/check.out"
grep -qF 'HA-usable capacity (percentage policy): 96 GHz (75%) and 384 GB (75%).' "$state/check.out"
grep -qF 'Plan (reserved): cpu_allocation_ratio 4, ram_allocation_ratio 1, reserved_host_cpus 32, reserved_host_memory_mb 131072; Nova then promises 384 vCPU = 768 GHz and 384 GB.' "$state/check.out"
grep -Eq 'nc-conf +: ok=[0-9]+ +changed=[1-9]' "$state/check.out"
sha256sum -c "$state/seeded.sha256"
verify untouched

# 2. The sync, with one fork: nova.conf (backed up) and Placement as planned, nova-compute restarted once per node.
"${play[@]}" --forks 1 | tee "$state/sync.out"
verify synced
ls "$state"/nc-conf/nova.conf.*~ "$state"/nc-placement/nova.conf.*~
grep -q '^debug = false$' "$state/nc-conf/nova.conf"
grep -q '^cluster_name = DC0_C0$' "$state/nc-placement/nova.conf"

# 3. Again, with the nodes in parallel and the Mitogen strategy: nothing changes, nothing restarts.
ANSIBLE_STRATEGY_PLUGINS=$(mitogen_strategy_dir) ANSIBLE_STRATEGY=mitogen_linear "${play[@]}" --forks 5 | tee "$state/again.out"
grep -Eq 'nc-conf +: ok=[0-9]+ +changed=0 ' "$state/again.out"
grep -Eq 'nc-placement +: ok=[0-9]+ +changed=0 ' "$state/again.out"
verify synced

# 4. A cluster the vCenter does not have: refused with its name, nothing changed.
if "${play[@]}" -e sync_capacity_cluster=NOPE > "$state/nope.out"; then
  echo "a missing cluster was not refused"; exit 1
fi
grep -q 'vSphere cluster NOPE not found' "$state/nope.out"
verify synced

# 5. AWX job slicing: back to the seeded state, then two slice jobs at the same time, each with an
#    inventory of only its own node (tests/testbed/awx_slice_inventory.py): the same result.
ansible-playbook setup.yml -i inventory.yml
rm -f "$state/restarts.log"
verify untouched
pids=()
for k in 1 2; do
  HC_SLICE_SOURCE=inventory.yml HC_SLICE=$k/2 ansible-playbook hypercloud.builder.sync_capacity \
    -i "$testbed/awx_slice_inventory.py" > "$state/slice$k.out" 2>&1 &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
grep -Eq '^nc-conf +: ok=[0-9]+ +changed=[1-9]' "$state/slice1.out"
grep -Eq '^nc-placement +: ok=[0-9]+ +changed=[1-9]' "$state/slice2.out"
if grep -q '^nc-placement ' "$state/slice1.out" || grep -q '^nc-conf ' "$state/slice2.out"; then
  echo "a slice ran a host of the other slice"; exit 1
fi
verify synced
