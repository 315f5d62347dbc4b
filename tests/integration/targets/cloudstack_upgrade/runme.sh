#!/usr/bin/env bash
# The rolling upgrade (playbooks/cloudstack_upgrade.yml) against the fake CloudStack API: check mode,
# a real roll of the host part over two hosts, a host that never comes back, and the backup guards.
# Package and service steps run in check mode on this machine (cloudstack_upgrade_rehearsal).
set -eux
testbed=../../../../tests/testbed
state=/tmp/hcs-it-upgrade
play=(ansible-playbook hypercloud.builder.cloudstack_upgrade -i inventory.yml -e @vars.yml)

cleanup() {
  for fake in a b c; do "$testbed/fake_cloudstack.sh" down "$state/$fake" || true; done
}
trap cleanup EXIT
cleanup
rm -rf "$state"

"$testbed/fake_cloudstack.sh" up "$state/a" 18510 --maintenance-delay 0.6 --up-delay 0.6
"$testbed/fake_cloudstack.sh" up "$state/b" 18511 --maintenance-delay 0.6 --up-delay 0.6 --never-up kvm-1
"$testbed/fake_cloudstack.sh" up "$state/c" 18512
url() { echo "cloudstack_upgrade_api_url=http://127.0.0.1:$1/client/api"; }

# 1. The whole playbook in check mode: every step planned, nothing called, no dump written.
"${play[@]}" --check -e "$(url 18510)" | tee "$state/check.out"
grep -q 'check mode: mysqldump of cloud, cloud_usage would go to' "$state/check.out"
grep -q 'mgmt-1: the API answers, CloudStack 4.20.1.0' "$state/check.out"
python check_log.py "$state/a/events.jsonl" untouched
test ! -e "$state/backup"

# 2. No backup configured: the roll refuses to start, nothing is touched.
if "${play[@]}" --check -e "$(url 18512)" -e cloudstack_upgrade_backup_method= > "$state/nobackup.out"; then
  echo "the roll started without a backup method"; exit 1
fi
grep -q 'no database backup is configured' "$state/nobackup.out"
# A hosts-only run without a backup of this run, nor a named one: refused before any host is touched.
if "${play[@]}" -e "$(url 18512)" -e cloudstack_upgrade_ok=true -e cloudstack_upgrade_rehearsal=true \
    --limit cloudstack_kvm > "$state/nobackup-hosts.out"; then
  echo "the host roll started without a backup"; exit 1
fi
grep -q 'no database backup in this run' "$state/nobackup-hosts.out"
# A real run without the opt-in is refused too.
if "${play[@]}" -e "$(url 18512)" --limit cloudstack_kvm -e cloudstack_upgrade_backup_reference=x > "$state/noopt.out"; then
  echo "the roll ran without cloudstack_upgrade_ok"; exit 1
fi
grep -q 'needs cloudstack_upgrade_ok: true' "$state/noopt.out"
python check_log.py "$state/c/events.jsonl" untouched

# 3. The host part for real against the fake: kvm-1 then kvm-2, each drained, brought back and Up.
#    The package and restart steps are skipped here (empty lists): they ran in check mode in step 1.
noagent=(-e '{"cloudstack_upgrade_agent_packages": [], "cloudstack_upgrade_agent_service": ""}')
"${play[@]}" "${noagent[@]}" -e "$(url 18510)" -e cloudstack_upgrade_ok=true -e cloudstack_upgrade_rehearsal=true \
  -e cloudstack_upgrade_backup_reference=integration-test --limit cloudstack_kvm | tee "$state/roll.out"
python check_log.py "$state/a/events.jsonl" rolled kvm-1 kvm-2
grep -q 'kvm-2: Enabled/Up, .* -> Maintenance/Up, 0 VMs -> .*Enabled/Up, 0 VMs; agent 4.20.1.0' "$state/roll.out"

# 4. kvm-1's agent never comes back: the roll stops there and kvm-2 is never touched.
if "${play[@]}" "${noagent[@]}" -e "$(url 18511)" -e cloudstack_upgrade_ok=true -e cloudstack_upgrade_rehearsal=true \
    -e cloudstack_upgrade_backup_reference=integration-test -e cloudstack_upgrade_up_timeout=3 \
    --limit cloudstack_kvm > "$state/stuck.out"; then
  echo "the roll did not stop at a host that never came Up"; exit 1
fi
grep -q 'timed out after 3s waiting for host kvm-1 to reach resource state Enabled and agent Up' "$state/stuck.out"
python check_log.py "$state/b/events.jsonl" stuck kvm-1 kvm-2

# 5. kvm-1 is still out (its agent never came back): a roll of kvm-2 alone, as a second slice or a
#    second job would start it, is refused before kvm-2 is touched (cloudstack_upgrade_max_unavailable 1).
if "${play[@]}" "${noagent[@]}" -e "$(url 18511)" -e cloudstack_upgrade_ok=true -e cloudstack_upgrade_rehearsal=true \
    -e cloudstack_upgrade_backup_reference=integration-test --limit kvm-2 > "$state/second.out"; then
  echo "kvm-2 was drained while kvm-1 was out of service"; exit 1
fi
grep -q 'host kvm-2: 1 other host(s) of cluster cluster-a already out of service (kvm-1 Enabled/Disconnected)' "$state/second.out"
python check_log.py "$state/b/events.jsonl" stuck kvm-1 kvm-2
