#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Concurrent writers on the PostgreSQL store at $HQ_PG_URL, in two rounds:

1. WRITERS approval_request module processes started at once (the module file run with an
   arguments file, as Ansible runs it), each submitting and deciding its own request in one
   transaction; on an empty database they also race to create the store's schema;
2. WRITERS processes released at once by a barrier, each submitting
   and approving PER_WRITER requests, one transaction per change as approval_request does.

After each round, the proof: every event once, seq without gap or repeat, hashes unique, each
request's events in order, the projection agrees, and verify_chain accepts the whole log.
Exit 1 with the reason otherwise. Usage: concurrent_writers.py WRITERS PER_WRITER."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time

# The collection: where ansible-test (or ansible.cfg) says collections are, else this checkout's parents.
ROOT = next(entry for entry in os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep)
            + [os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), *[".."] * 7))]
            if entry and os.path.isdir(os.path.join(entry, "ansible_collections", "hypercloud", "builder")))
COLLECTION = os.path.join(ROOT, "ansible_collections", "hypercloud", "builder")
sys.path.insert(0, ROOT)

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.approval_store import open_store, plan_and_append  # noqa: E402
from ansible_collections.hypercloud.builder.plugins.module_utils._calc import provision_policy as policy  # noqa: E402
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.approval import (  # noqa: E402
    plan_decision, plan_submit, verify_chain,
)

URL = os.environ["HQ_PG_URL"]
RULES = policy.with_approvers(policy.DEFAULT_RULES, {"cloud_admins": ["alice"]})


def write(store, request_id, plan):
    with store.transaction() as tx:
        plan_and_append(tx, request_id, plan)


def writer(number, count, barrier):
    store = open_store(url=URL, timeout=120)
    request = {"vcpus": 4, "memory_mb": 4096, "disk_gb": 0}
    evaluation = policy.evaluate(request, RULES).to_dict()
    barrier.wait()
    for n in range(count):
        rid = "PW-%02d-%03d" % (number, n)
        write(store, rid, lambda h, rid=rid: plan_submit(h, rid, "writer%d" % number, request, evaluation, "t0"))
        write(store, rid, lambda h, rid=rid: plan_decision(h, rid, "approve", "alice", "writer test", "t1"))


def store_round(writers, per_writer):
    """Round 2: WRITERS processes of PER_WRITER requests; returns the request ids written."""
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(writers + 1)
    procs = [ctx.Process(target=writer, args=(w, per_writer, barrier)) for w in range(writers)]
    for proc in procs:
        proc.start()
    barrier.wait()
    start = time.perf_counter()
    for proc in procs:
        proc.join(300)
    elapsed = time.perf_counter() - start
    if any(p.exitcode != 0 for p in procs):
        raise SystemExit("writer exit codes: %s" % [p.exitcode for p in procs])
    print("%d writer processes x %d requests: %d transactions in %.2f s (%.0f/s)"
          % (writers, per_writer, writers * per_writer * 2, elapsed, writers * per_writer * 2 / elapsed))
    return ["PW-%02d-%03d" % (w, n) for w in range(writers) for n in range(per_writer)]


def module_round(writers):
    """Round 1: WRITERS approval_request processes at once; returns the request ids written."""
    module = os.path.join(COLLECTION, "plugins", "modules", "approval_request.py")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    ids = ["MW-%02d" % n for n in range(writers)]
    with tempfile.TemporaryDirectory() as tmp:
        procs = []
        for rid in ids:
            path = os.path.join(tmp, rid + ".json")
            with open(path, "w", encoding="utf-8") as handle:
                json.dump({"ANSIBLE_MODULE_ARGS": dict(
                    request_id=rid, requester=rid.lower(), store_url=URL, request=dict(vcpus=4, memory_gb=8),
                    approver_groups=dict(cloud_admins=["alice"]),
                    decision=dict(action="approve", approver="alice", reason="writer " + rid))}, handle)
            procs.append(subprocess.Popen([sys.executable, module, path], env=env, stdout=subprocess.PIPE,
                                          stderr=subprocess.STDOUT, universal_newlines=True))
        start = time.perf_counter()
        results = [json.loads(p.communicate(timeout=300)[0]) for p in procs]
        elapsed = time.perf_counter() - start
    failed = [r for r in results if r.get("failed") or not r.get("changed")]
    if failed:
        raise SystemExit("module runs failed: %s" % failed[:3])
    if URL in json.dumps(results):
        raise SystemExit("the store URL (with its password) is in a module result")
    kinds = {tuple(e["kind"] for e in r["events"]) for r in results}
    if kinds != {("submitted", "evaluated", "stage_approved")}:
        raise SystemExit("unexpected events: %s" % kinds)
    print("%d approval_request processes at once: %d transactions of 3 events in %.2f s" % (writers, writers, elapsed))
    return ids


def prove(store, before, ids):
    """The checks; True when all hold."""
    with store.transaction(write=False) as tx:
        records, projected = tx.records(), tx.requests()
    ours = [r for r in records if r["request_id"] in set(ids)]
    kinds = {}
    for record in ours:
        kinds.setdefault(record["request_id"], []).append(record["kind"])
    expected = len(ids) * 3
    verdict = verify_chain(records)
    checks = {
        "%d events written, %d expected" % (len(ours), expected): len(ours) == expected,
        "seq 1..%d without gap or repeat" % len(records): [r["seq"] for r in records] == list(range(1, len(records) + 1)),
        "the log grew by exactly the new events": len(records) == before + expected,
        "every hash unique": len({r["hash"] for r in records}) == len(records),
        "each request once, its 3 events in order": sorted(kinds) == sorted(ids) and all(
            k == ["submitted", "evaluated", "stage_approved"] for k in kinds.values()),
        "projection: every request approved": sorted(
            r["request_id"] for r in projected if r["state"] == "approved" and r["request_id"] in kinds) == sorted(ids),
        "verify_chain: %s" % verdict.message: verdict.valid,
    }
    for name, ok in checks.items():
        print("  [%s] %s" % ("ok" if ok else "FAILED", name))
    return all(checks.values())


def main() -> int:
    store = open_store(url=URL)
    ok = True
    writers, per_writer = int(sys.argv[1]), int(sys.argv[2])
    for run in (lambda: module_round(writers), lambda: store_round(writers, per_writer)):
        with store.transaction(write=False) as tx:
            before = len(tx.records())
        ok = prove(store, before, run()) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
