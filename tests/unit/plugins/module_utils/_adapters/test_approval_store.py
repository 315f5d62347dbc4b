# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The SQLite approval store, on a real database in tmp_path: WAL, append-only, concurrent writers."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import stat
import threading

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.approval_store import GENESIS, ApprovalStore, plan_and_append
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.approval import (
    chain_events,
    plan_decision,
    plan_submit,
    replay,
    verify_chain,
)
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.provision_policy import DEFAULT_RULES, evaluate, with_approvers

RULES = with_approvers(DEFAULT_RULES, {"finance": ["carol"], "cloud_admins": ["alice"]})
WRITERS = 20
EVENTS_PER_WRITER = 5


def write(store, request_id, plan):
    """What the module does: read, plan, chain onto the tail, append, in one transaction."""
    with store.transaction() as tx:
        return plan_and_append(tx, request_id, plan)[2]


def submit(store, request_id, requester="dave", request=None):
    request = request or {"vcpus": 8, "memory_gb": 32}
    evaluation = evaluate(request, RULES).to_dict()
    return write(store, request_id, lambda h: plan_submit(h, request_id, requester, request, evaluation, "t0"))


def test_a_missing_store_reads_as_empty_and_is_not_created(tmp_path):
    store = ApprovalStore(str(tmp_path / "sub" / "approvals.sqlite"))
    with store.transaction(write=False) as tx:
        assert (tx.history("r1"), tx.records(), tx.requests(), tx.tail()) == ([], [], [], (GENESIS, 1))
    assert not (tmp_path / "sub").exists()


def test_first_write_creates_a_private_wal_store(tmp_path):
    path = tmp_path / "deep" / "dir" / "approvals.sqlite"
    records = submit(ApprovalStore(str(path)), "r1")
    assert [r["kind"] for r in records] == ["submitted", "evaluated"]
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(str(path.parent)).st_mode) == 0o700
    conn = sqlite3.connect(str(path))
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1


def test_default_path_is_under_the_users_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert ApprovalStore().path == str(tmp_path / ".local" / "share" / "hypercloud" / "approvals.sqlite")


def test_round_trip_history_records_and_projection(tmp_path):
    store = ApprovalStore(str(tmp_path / "a.sqlite"))
    submit(store, "r1")
    submit(store, "r2", request={"vcpus": 1, "memory_gb": 1})
    write(store, "r1", lambda h: plan_decision(h, "r1", "approve", "carol", "budget ok", "t1"))
    with store.transaction(write=False) as tx:
        history = tx.history("r1")
        assert [(r["seq"], r["kind"]) for r in history] == [(1, "submitted"), (2, "evaluated"), (5, "stage_approved")]
        assert history[2]["data"]["reason"] == "budget ok" and history[2]["actor"] == "carol"
        assert [r["seq"] for r in tx.records()] == [1, 2, 3, 4, 5]
        assert verify_chain(tx.records()).valid
        assert [(r["request_id"], r["state"]) for r in tx.requests()] == [("r1", "awaiting_stage_2"), ("r2", "approved")]
        assert tx.requests("r2")[0]["requester"] == "dave" and tx.requests("nope") == []
        assert replay("r1", history).to_dict() == tx.requests("r1")[0]


@pytest.mark.parametrize("sql", [
    "UPDATE audit SET actor = 'mallory' WHERE seq = 1",
    "DELETE FROM audit WHERE seq = 2",
    "DELETE FROM audit",
])
def test_the_audit_table_refuses_update_and_delete(tmp_path, sql):
    path = str(tmp_path / "a.sqlite")
    submit(ApprovalStore(path), "r1")
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="the audit log is append-only"):
        conn.execute(sql)
    assert conn.execute("SELECT count(*) FROM audit").fetchone()[0] == 2


@pytest.mark.parametrize("change, data", [
    ("actor = 'mallory'", None),
    ("""data = '{"x":1'""", {"unreadable_data": '{"x":1'}),  # no longer JSON: read as it is, not a traceback
])
def test_tampering_behind_the_triggers_is_caught_by_the_chain(tmp_path, change, data):
    path = str(tmp_path / "a.sqlite")
    store = ApprovalStore(path)
    submit(store, "r1")
    write(store, "r1", lambda h: plan_decision(h, "r1", "approve", "carol", "ok", "t1"))
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit SET %s WHERE seq = 3" % change)
    with store.transaction(write=False) as tx:
        records = tx.records()
    if data is not None:
        assert records[2]["data"] == data
    report = verify_chain(records)
    assert (report.valid, report.first_bad) == (False, 3)
    assert report.message.startswith("record 3 (request r1, stage_approved): its hash does not match")


@pytest.mark.parametrize("name", ["a#1.sqlite", "a?mode=rw.sqlite", "a%20b.sqlite", "a b.sqlite"])
def test_a_path_with_uri_characters_reads_back_read_only(tmp_path, name):
    store = ApprovalStore(str(tmp_path / name))
    submit(store, "r1")
    with store.transaction(write=False) as tx:
        assert len(tx.records()) == 2 and tx.requests("r1")[0]["state"] == "awaiting_stage_1"
    assert sorted(os.listdir(str(tmp_path)))[0] == name


def test_a_forked_chain_is_refused_by_the_database(tmp_path):
    store = ApprovalStore(str(tmp_path / "a.sqlite"))
    submit(store, "r1")
    with pytest.raises(AdapterError, match="UNIQUE constraint failed: audit.prev_hash"), store.transaction() as tx:
        # Someone chains onto an old head instead of the tail: the database refuses the fork.
        records = chain_events(GENESIS, 3, [dict(tx.history("r1")[0], request_id="r9")])
        tx.append(records, {"request_id": "r9", "state": "requested", "requester": "x"})
    with store.transaction(write=False) as tx:
        assert len(tx.records()) == 2 and tx.requests("r9") == []


def test_an_error_in_the_plan_rolls_back_everything(tmp_path):
    store = ApprovalStore(str(tmp_path / "a.sqlite"))
    submit(store, "r1")
    with pytest.raises(ZeroDivisionError), store.transaction() as tx:
        tx.append(chain_events(*tx.tail(), [dict(tx.history("r1")[0], request_id="r2")]),
                  {"request_id": "r2", "state": "requested", "requester": "dave"})
        raise ZeroDivisionError()
    with store.transaction(write=False) as tx:
        assert len(tx.records()) == 2


def test_read_only_transactions_cannot_append(tmp_path):
    store = ApprovalStore(str(tmp_path / "a.sqlite"))
    submit(store, "r1")
    with pytest.raises(AdapterError, match="append in a read-only transaction"), store.transaction(write=False) as tx:
        tx.append([{}], {})


def test_an_unusable_path_is_a_clean_adapter_error(tmp_path):
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(AdapterError, match="approval store .*/file/a.sqlite: cannot open"), \
            ApprovalStore(str(tmp_path / "file" / "a.sqlite")).transaction():
        pass
    (tmp_path / "junk.sqlite").write_text("this is not a database" * 100)
    with pytest.raises(AdapterError, match="junk.sqlite: cannot open: file is not a database"), \
            ApprovalStore(str(tmp_path / "junk.sqlite")).transaction():
        pass


def one_writer(path, writer):
    """One writer: submits its own request, then keeps deciding on its neighbour's, each in its own transaction."""
    store = ApprovalStore(path, timeout=60)
    for n in range(EVENTS_PER_WRITER):
        rid = "w%02d-%d" % (writer, n)
        submit(store, rid, requester="writer%d" % writer, request={"vcpus": 4, "memory_gb": 1})
        write(store, rid, lambda h, rid=rid: plan_decision(h, rid, "approve", "alice", "ok", "t1"))


def check_no_lost_or_duplicated_events(path):
    with ApprovalStore(path).transaction(write=False) as tx:
        records = tx.records()
        requests = tx.requests()
    # each writer wrote EVENTS_PER_WRITER requests of 3 events (submitted, evaluated, stage_approved)
    assert len(records) == WRITERS * EVENTS_PER_WRITER * 3
    assert [r["seq"] for r in records] == list(range(1, len(records) + 1))
    assert len({r["hash"] for r in records}) == len(records)
    assert verify_chain(records).valid
    kinds = {}
    for r in records:
        kinds.setdefault(r["request_id"], []).append(r["kind"])
    assert len(kinds) == WRITERS * EVENTS_PER_WRITER
    assert all(k == ["submitted", "evaluated", "stage_approved"] for k in kinds.values())
    assert len(requests) == WRITERS * EVENTS_PER_WRITER and {r["state"] for r in requests} == {"approved"}


def test_twenty_concurrent_writer_threads_lose_and_duplicate_nothing(tmp_path):
    path = str(tmp_path / "a.sqlite")
    errors = []

    def run(writer):
        try:
            one_writer(path, writer)
        except Exception as err:  # pylint: disable=broad-exception-caught
            errors.append(err)

    threads = [threading.Thread(target=run, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    check_no_lost_or_duplicated_events(path)


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_twenty_concurrent_writer_processes_lose_and_duplicate_nothing(tmp_path):
    path = str(tmp_path / "a.sqlite")
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=one_writer, args=(path, w)) for w in range(WRITERS)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
    assert [p.exitcode for p in procs] == [0] * WRITERS
    check_no_lost_or_duplicated_events(path)
