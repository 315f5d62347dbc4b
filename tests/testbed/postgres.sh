#!/usr/bin/env bash
# Test harness: a throwaway PostgreSQL cluster on loopback for the approval store (Debian's
# postgresql package, PostgreSQL 15 on Debian 12; no systemd, no pg_ctlcluster).
#   postgres.sh up DIR [PORT]   initdb (once) and start a cluster under DIR on 127.0.0.1:PORT (a free
#                               port when omitted), with the role and database hq_approvals (password
#                               in DIR/password; the role may create more databases, so a test can
#                               start from an empty one); the URL is written to DIR/url (0600)
#   postgres.sh down DIR        stop the cluster DIR holds (its files stay; rm -rf DIR to wipe)
#   postgres.sh status DIR      exit 0 when it answers
# Run as root, the server runs as the postgres user (initdb refuses root): DIR/pg belongs to postgres
# and DIR gets mode 0711 so that user can reach it. As any other user it runs as that user.
# Superuser access is by peer authentication on a Unix socket in DIR/pg/sock only; TCP on 127.0.0.1
# takes scram-sha-256 passwords. Prints "changed" or "ok".
set -euo pipefail
action=${1:?usage: $0 up|down|status DIR [PORT]}
dir=${2:?usage: $0 up|down|status DIR [PORT]}
pg_bin=${HQ_PG_BIN:-$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1)}
[[ -x $pg_bin/initdb ]] || { echo "no PostgreSQL server found (HQ_PG_BIN=$pg_bin); install the postgresql package" >&2; exit 1; }
mkdir -p "$dir"; dir=$(cd "$dir" && pwd)
pg=$dir/pg
owner=$(id -un)
as_owner() { "$@"; }
if [[ $(id -u) == 0 ]]; then
    owner=postgres
    as_owner() { (cd / && runuser -u postgres -- "$@"); }
fi

running() { [[ -f $pg/data/postmaster.pid ]] && as_owner "$pg_bin/pg_ctl" status -D "$pg/data" >/dev/null 2>&1; }
port() { cat "$dir/port"; }
answers() { as_owner "$pg_bin/pg_isready" -q -h "$pg/sock" -p "$(port)" 2>/dev/null; }
psql_su() { as_owner "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$pg/sock" -p "$(port)" -U "$owner" -d postgres "$@"; }
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

up() {
    if running; then echo ok; return 0; fi
    if [[ ! -d $pg/data ]]; then
        mkdir -p "$pg/sock"
        if [[ $owner == postgres ]]; then chmod 0711 "$dir"; chown -R postgres: "$pg"; fi
        chmod 0700 "$pg"
        as_owner test -x "$pg" || { echo "user $owner cannot reach $pg; use a DIR whose parents it can enter" >&2; exit 1; }
        as_owner "$pg_bin/initdb" -D "$pg/data" -U "$owner" --auth-local=peer --auth-host=scram-sha-256 \
            --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
            echo "initdb failed:" >&2; tail -20 "$dir/initdb.log" >&2; exit 1; }
        (umask 077; python3 -c 'import secrets; print(secrets.token_hex(16))' >"$dir/password")
        echo "${3:-$(free_port)}" >"$dir/port"
    elif [[ -n ${3:-} ]]; then
        echo "$3" >"$dir/port"
    fi
    if (( ${#pg} > 90 )); then echo "$pg is too long for a Unix socket path; use a shorter DIR" >&2; exit 1; fi
    as_owner "$pg_bin/pg_ctl" start -D "$pg/data" -l "$pg/postgres.log" -w -t 60 -o \
        "-c listen_addresses=127.0.0.1 -c port=$(port) -c unix_socket_directories=$pg/sock -c max_connections=100" \
        >/dev/null || { echo "PostgreSQL did not start:" >&2; tail -20 "$pg/postgres.log" >&2; exit 1; }
    for _ in $(seq 1 100); do answers && break; sleep 0.1; done
    answers || { echo "PostgreSQL does not answer on $pg/sock" >&2; exit 1; }
    if [[ $(psql_su -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'hq_approvals'") != 1 ]]; then
        psql_su -c "CREATE ROLE hq_approvals LOGIN CREATEDB PASSWORD '$(cat "$dir/password")'"
        psql_su -c "CREATE DATABASE hq_approvals OWNER hq_approvals"
    fi
    (umask 077; echo "postgresql://hq_approvals:$(cat "$dir/password")@127.0.0.1:$(port)/hq_approvals" >"$dir/url")
    echo changed
}

down() {
    if running; then
        as_owner "$pg_bin/pg_ctl" stop -D "$pg/data" -m fast -w -t 60 >/dev/null
        echo changed
    else
        echo ok
    fi
}

case $action in
up) up "$@" ;;
down) down ;;
status)
    if running && answers; then echo ok; else echo "PostgreSQL in $dir is not running" >&2; exit 1; fi ;;
*) echo "unknown action $action" >&2; exit 2 ;;
esac
