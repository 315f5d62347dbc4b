#!/usr/bin/env bash
# End to end: four requests through playbooks/provision_request.yml against the stand-ins, with the
# approvers deciding from the command line (ansible -m hypercloud.builder.approval_request).
set -euo pipefail
root=$(cd ../../../.. && pwd)
state=$(mktemp -d /tmp/hq-it-provision.XXXXXX)
export HQ_CMDB_PORT=18611 HQ_NOVA_PORT=18612 HQ_AWX_PORT=18613
python=$(command -v python)
PYTHON=$python bash "$root/tests/testbed/provisioning_standins.sh" up "$state"
trap 'PYTHON=$python bash "$root/tests/testbed/provisioning_standins.sh" down "$state" >/dev/null; rm -rf "$state"' EXIT

# The settings come from the inventory, as an AWX inventory's variables would give them (the
# playbook's defaults must not hide them); each request comes with -e.
cat >"$state/vars.yml" <<VARS
provision_store: $state/approvals.sqlite
provision_openstack_auth: {auth_url: "http://127.0.0.1:18612/v3", username: hq-it, password: hq-secret,
                           project_name: hq-lab, user_domain_name: Default, project_domain_name: Default}
provision_openstack_validate_certs: false
provision_cmdb: {backend: servicenow, url: "http://127.0.0.1:18611", username: cmdb-user, password: cmdb-password,
                 retry_delay: 0.1, field_map: {vcpus: cpu_count, memory_mb: ram}}
provision_approver_groups: {finance: [carol], cloud_admins: [alice, bob]}
provision_escalation_group: cloud_leads
provision_escalation_members: [lena]
VARS
{ printf 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n      ansible_python_interpreter: %s\n' "$python"
  sed 's/^/      /' "$state/vars.yml"; } >"$state/inventory.yml"

play() {  # play REQUEST_JSON [extra args...]: runs the flow, prints the recap line
    ansible-playbook "$root/playbooks/provision_request.yml" -i "$state/inventory.yml" -e "$@" | tee "$state/last.log" | grep -E '^localhost +:' || true
}
decide() {  # decide REQUEST ACTION APPROVER [STAGE]: an approver at the command line; prints CHANGED/SUCCESS/FAILED
    local stage=${4:+,\"stage\":\"$4\"}
    ansible localhost -m hypercloud.builder.approval_request \
        -a "{\"request_id\":\"$1\",\"store\":\"$state/approvals.sqlite\",\"decision\":{\"action\":\"$2\",\"approver\":\"$3\",\"reason\":\"$3 decides from the command line\"$stage}}" \
        2>/dev/null | grep -oE '^localhost \| [A-Z]+' | awk '{print $3}' || true
}
expect() { [[ "$1" == "$2" ]] || { echo "expected '$2', got '$1' ($3)" >&2; exit 1; }; }
recap() { grep -oE "$1=[0-9]+" "$state/last.log" | tail -1; }

R1='{"provision_request_id":"IT-1","provision_requester":"dave","provision_request":{"vcpus":1,"memory_gb":4,"flavor":"hq.small","image":"debian-12","project":"it"}}'
R2='{"provision_request_id":"IT-2","provision_requester":"dave","provision_request":{"vcpus":4,"memory_gb":4,"flavor":"hq.medium","image":"debian-12","project":"it"}}'
R3='{"provision_request_id":"IT-3","provision_requester":"dave","provision_request":{"vcpus":8,"memory_gb":32,"flavor":"hq.large","image":"debian-12","project":"it"}}'
R4='{"provision_request_id":"IT-4","provision_requester":"dave","provision_request":{"vcpus":1,"memory_gb":4,"flavor":"hq.small","image":"hq-broken","project":"it"}}'

echo "== 1 vCPU / 4 GB: no approval, provisioned in one run"
play "$R1"; expect "$(recap failed)" failed=0 "R1 run 1"

echo "== 4 vCPU / 4 GB: waits for the cloud admin, escalated to cloud_leads after the (zero) timeout; refusals"
play "$R2" -e provision_escalate_after=0; expect "$(recap failed)" failed=0 "R2 run 1"
grep -q 'ESCALATION: request IT-2' "$state/last.log" || { echo "no escalation notice" >&2; exit 1; }
expect "$(decide IT-2 approve dave)" FAILED "self-approval"
expect "$(decide IT-2 approve carol)" FAILED "finance member on an admin stage"
expect "$(decide IT-2 approve mallory)" FAILED "neither admin nor lead"
expect "$(decide IT-2 approve lena)" CHANGED "the escalation group's member decides the escalated stage"
expect "$(decide IT-2 approve lena)" SUCCESS "the same decision again"
play "$R2"; expect "$(recap failed)" failed=0 "R2 run 2"
grep -q 'ESCALATION' "$state/last.log" && { echo "escalated twice" >&2; exit 1; }

echo "== 8 vCPU / 32 GB: finance, then admin; the admin first is out of order"
play "$R3"; expect "$(recap failed)" failed=0 "R3 run 1"
expect "$(decide IT-3 approve bob cloud_admin)" FAILED "admin before finance"
expect "$(decide IT-3 approve lena finance)" FAILED "a lead before the stage is escalated (after 3600 s)"
expect "$(decide IT-3 approve carol finance)" CHANGED "finance approves"
expect "$(decide IT-3 approve carol cloud_admin)" FAILED "the finance approver on the admin stage"
expect "$(decide IT-3 approve bob cloud_admin)" CHANGED "admin approves"
play "$R3"; expect "$(recap failed)" failed=0 "R3 provisioned"

echo "== a provisioning error is reported (the play fails) and recorded as failed"
play "$R4" && true; expect "$(recap failed)" failed=1 "R4 fails"
grep -q 'No valid host was found' "$state/last.log" || { echo "the Nova fault is not reported" >&2; exit 1; }
play "$R4" && true; expect "$(recap changed)" changed=0 "R4 re-run writes nothing"

echo "== the records: store, audit chain, CMDB, Nova"
ansible-playbook verify.yml -e "hq_state=$state"
