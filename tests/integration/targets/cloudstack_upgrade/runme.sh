#!/usr/bin/env bash
# The rolling upgrade (playbooks/cloudstack_upgrade.yml) against the fake CloudStack API: check mode
# against a cloud not yet upgraded, the per-server API wait, the whole-management-play guard, a real
# roll of the host part over two hosts, a host that never comes back, and the backup guards.
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
"$testbed/fake_cloudstack.sh" up "$state/c" 18512 --version 4.19.1.0
url() { echo "cloudstack_upgrade_api_url=http://127.0.0.1:$1/client/api"; }

# 1. The whole playbook in check mode against a cloud not yet upgraded (fake c reports 4.19.1.0 while
#    cloudstack_upgrade_version is 4.20.1): every step planned, the version reported but not compared
#    (check mode upgrades nothing), every management server stopped from the first batch, nothing
#    called, no dump written.
"${play[@]}" --check -e "$(url 18512)" | tee "$state/check.out"
grep -q 'check mode: mysqldump of cloud, cloud_usage would go to' "$state/check.out"
grep -q "mgmt-1 -> mgmt-2\] => (item=\['mgmt-2', 'procps'\])" "$state/check.out"
grep -q 'mgmt-1: the API answers, CloudStack 4.19.1.0 (check mode: not checked against 4.20.1)' "$state/check.out"
grep -q 'mgmt-2: the API answers, CloudStack 4.19.1.0 (check mode: not checked against 4.20.1)' "$state/check.out"
python check_log.py "$state/c/events.jsonl" untouched
test ! -e "$state/backup"

# Each server is waited for on its own API: mgmt-2's never answers (nothing on port 18519) while the
# shared URL does; the roll stops at mgmt-2 instead of reporting it up.
if "${play[@]}" --check -e "$(url 18510)" -e it_mgmt2_api_url=http://127.0.0.1:18519/client/api \
    -e cloudstack_upgrade_api_wait_timeout=2 > "$state/mgmt-down.out"; then
  echo "mgmt-2 passed although its own API never answered"; exit 1
fi
grep -q 'mgmt-1: the API answers, CloudStack 4.20.1.0' "$state/mgmt-down.out"
grep -q 'the CloudStack API did not answer within 2s' "$state/mgmt-down.out"
if grep -q 'mgmt-2: the API answers' "$state/mgmt-down.out"; then echo "mgmt-2 reported up"; exit 1; fi

# Only part of the management servers (a --limit; an AWX slice with the servers named explicitly):
# refused before any server is stopped or the database dumped.
if "${play[@]}" --check -e "$(url 18510)" --limit mgmt-2,cloudstack_kvm > "$state/partial.out"; then
  echo "the management play ran without mgmt-1"; exit 1
fi
grep -q 'the management play must hold every management server .*missing from this play: mgmt-1;' "$state/partial.out"
if grep -q 'Stop the management services' "$state/partial.out"; then echo "servers stopped"; exit 1; fi
if HC_SLICE_SOURCE=inventory.yml HC_SLICE=1/2 ansible-playbook hypercloud.builder.cloudstack_upgrade \
    -i "$testbed/awx_slice_inventory.py" -e @vars.yml -e "$(url 18510)" --check \
    -e '{"cloudstack_upgrade_management_hosts": ["mgmt-1", "mgmt-2"]}' > "$state/slice.out"; then
  echo "a slice without mgmt-2 ran the management play"; exit 1
fi
grep -q 'missing from this play: mgmt-2;' "$state/slice.out"
if grep -q 'Stop the management services' "$state/slice.out"; then echo "servers stopped in a slice"; exit 1; fi
python check_log.py "$state/a/events.jsonl" untouched

# A rehearsal of the management play (cloudstack_upgrade_rehearsal: package and service steps in check
# mode, the rest for real) against the cloud not yet upgraded: the dump is taken (by a stand-in
# mysqldump, ./mysqldump, as no database server runs here), the version reported but not compared.
PATH="$PWD:$PATH" "${play[@]}" -e "$(url 18512)" -e cloudstack_upgrade_ok=true -e cloudstack_upgrade_rehearsal=true \
  --limit cloudstack_management | tee "$state/rehearsal.out"
grep -q 'mgmt-2: the API answers, CloudStack 4.19.1.0 (rehearsal: not checked against 4.20.1)' "$state/rehearsal.out"
dump=$(echo "$state/backup"/cloudstack-cloud-cloud_usage-*.sql)
grep -qx -- '-- stand-in dump of: cloud cloud_usage' "$dump"
grep -q '^-- option file: /' "$dump"
test ! -e "$(sed -n 's/^-- option file: //p' "$dump")"
python check_log.py "$state/c/events.jsonl" untouched

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
