#!/usr/bin/env bash
# The approval store on a real PostgreSQL: the state machine and escalation through the modules, 20
# concurrent writers (module processes on an empty database, then store transactions), the append-only
# triggers, and the audit chain catching a record changed behind them. The cluster is throwaway
# (tests/testbed/postgres.sh).
set -euo pipefail
root=$(cd ../../../.. && pwd)
pgsh=$root/tests/testbed/postgres.sh
state=$(mktemp -d /tmp/hq-it-pg.XXXXXX)
trap 'bash "$pgsh" down "$state" >/dev/null 2>&1 || true; rm -rf "$state"' EXIT
expect() { [[ "$1" == "$2" ]] || { echo "expected '$2', got '$1' ($3)" >&2; exit 1; }; }
phase() { echo "== [$((SECONDS - started)) s] $*"; }
started=$SECONDS

phase "testbed: up, up again, status"
expect "$(bash "$pgsh" up "$state")" changed "first up"
expect "$(bash "$pgsh" up "$state")" ok "second up"
expect "$(bash "$pgsh" status "$state")" ok "status"
HQ_PG_URL=$(cat "$state/url")
export HQ_PG_URL
sql() { psql "$HQ_PG_URL" -X -q -tA -v ON_ERROR_STOP=1 -c "$1"; }

phase "the state machine and escalation through the modules"
ansible-playbook state_machine.yml
expect "$(sql 'SELECT count(*) FROM hypercloud_approvals.audit')" 16 "records after the state machine"

phase "20 approval_request processes at once on an empty database (all racing to create the schema),"
phase "then 20 writer processes x 5 requests on the store"
sql "CREATE DATABASE hq_concurrent"
HQ_PG_URL=${HQ_PG_URL%/*}/hq_concurrent python concurrent_writers.py 20 5

phase "the audit table is append-only"
for stmt in "UPDATE hypercloud_approvals.audit SET actor = 'mallory' WHERE seq = 3" \
            "DELETE FROM hypercloud_approvals.audit WHERE seq = 3" "TRUNCATE hypercloud_approvals.audit"; do
    if out=$(sql "$stmt" 2>&1); then echo "not refused: $stmt" >&2; exit 1; fi
    grep -q "the audit log is append-only" <<<"$out" || { echo "unexpected error for $stmt: $out" >&2; exit 1; }
done

phase "a record changed behind the triggers is caught by the chain"
sql "ALTER TABLE hypercloud_approvals.audit DISABLE TRIGGER audit_no_change;
     UPDATE hypercloud_approvals.audit SET actor = 'mallory' WHERE seq = 3;
     ALTER TABLE hypercloud_approvals.audit ENABLE TRIGGER audit_no_change"
ansible-playbook tampered.yml

phase "testbed: down, down again"
expect "$(bash "$pgsh" down "$state")" changed "first down"
expect "$(bash "$pgsh" down "$state")" ok "second down"
echo "approval_store_postgres: $((SECONDS - started)) s"
