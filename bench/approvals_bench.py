# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Approvals bench: the policy engine on 100,000 requests, and the approval store under 20 concurrent writers.

1. ``provision_policy.evaluate`` (the default rules, validated on every call as the module does, and
   once up front) on 100,000 requests drawn with a fixed seed; the rate, and the count per chain.
2. 20 writer processes on one SQLite store (WAL, ``BEGIN IMMEDIATE``), each submitting its own
   requests and recording a decision on each, every change in its own transaction, exactly as
   ``approval_request`` does. Then the proof: the log holds exactly the expected number of events,
   seq 1..N without gap or repeat, every hash unique, each request's events once and in order, and
   ``verify_chain`` accepts the whole log.
3. The same on PostgreSQL (``SELECT ... FOR UPDATE`` on the head row, one connection per change as
   the module opens it), on a throwaway cluster that ``tests/testbed/postgres.sh`` starts and stops,
   or on ``HQ_PG_URL`` when set. Skipped, with the reason, when PostgreSQL or psycopg is missing.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import shutil
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
REQUESTS = 100_000
WRITERS = 20
PER_WRITER = 25   # requests per writer; 3 events each (submitted, evaluated, stage_approved)


def _import_collection():
    """Make ``ansible_collections.hypercloud.builder`` importable from this checkout."""
    root = tempfile.mkdtemp(prefix="hq-bench-col-")
    os.makedirs(os.path.join(root, "ansible_collections", "hypercloud"))
    os.symlink(os.path.dirname(HERE), os.path.join(root, "ansible_collections", "hypercloud", "builder"))
    sys.path.insert(0, root)
    atexit.register(shutil.rmtree, root, True)
    return root


_import_collection()
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import approval_store_pg  # noqa: E402
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.approval_store import open_store, plan_and_append  # noqa: E402
from ansible_collections.hypercloud.builder.plugins.module_utils._calc import provision_policy as policy  # noqa: E402
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.approval import (  # noqa: E402
    plan_decision, plan_submit, verify_chain,
)

GROUPS = {"finance": ["carol"], "cloud_admins": ["alice", "bob"]}
RULES = policy.with_approvers(policy.DEFAULT_RULES, GROUPS)


def requests(count):
    rng = random.Random(10)
    return [{"vcpus": rng.choice([1, 2, 4, 6, 8, 16]), "memory_gb": rng.choice([2, 4, 16, 32, 64]),
             "disk_gb": rng.choice([10, 40, 200]), "flavor": "m1.x", "project": rng.choice(["web", "research"])}
            for _n in range(count)]


def bench_policy():
    reqs = requests(REQUESTS)
    start, cpu = time.perf_counter(), time.process_time()
    chains = Counter(" > ".join(s.name for s in policy.evaluate(r, RULES).chain) or "none" for r in reqs)
    full, full_cpu = time.perf_counter() - start, time.process_time() - cpu
    # The same work without re-validating the rule set on every call (what a bulk caller would do).
    ruleset = policy.validate_rules(RULES)
    start, cpu = time.perf_counter(), time.process_time()
    for r in reqs:
        req = policy.normalize_request(r)
        [rule["name"] for rule in ruleset["rules"] if policy.matches(rule["when"], req)]
    bare, bare_cpu = time.perf_counter() - start, time.process_time() - cpu
    print("policy: %d requests (fixed seed)" % REQUESTS)
    print("  (wall and CPU time: the machine is shared; the CPU rate is what the code costs)")
    print("  evaluate() incl. rule validation per call: %6.2f s wall %6.2f s CPU  %8.0f requests/s (CPU)"
          % (full, full_cpu, REQUESTS / full_cpu))
    print("  matching only (rules validated once):      %6.2f s wall %6.2f s CPU  %8.0f requests/s (CPU)"
          % (bare, bare_cpu, REQUESTS / bare_cpu))
    print("  chains: " + ", ".join("%s %d" % kv for kv in sorted(chains.items())))


def write(store, request_id, plan):
    with store.transaction() as tx:
        plan_and_append(tx, request_id, plan)


def writer(path, url, number, barrier):
    store = open_store(path, url, timeout=120)
    request = {"vcpus": 4, "memory_mb": 4096, "disk_gb": 0}
    evaluation = policy.evaluate(request, RULES).to_dict()
    barrier.wait()
    for n in range(PER_WRITER):
        rid = "B%02d-%03d" % (number, n)
        write(store, rid, lambda h, rid=rid: plan_submit(h, rid, "writer%d" % number, request, evaluation, "t0"))
        write(store, rid, lambda h, rid=rid: plan_decision(h, rid, "approve", "alice", "bench", "t1"))


def run_writers(path, url, label):
    """20 writer processes on one store; the rate and the proof. Returns True when every check holds."""
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(WRITERS + 1)
    procs = [ctx.Process(target=writer, args=(path, url, w, barrier)) for w in range(WRITERS)]
    for proc in procs:
        proc.start()
    barrier.wait()
    start = time.perf_counter()
    for proc in procs:
        proc.join()
    elapsed = time.perf_counter() - start
    assert all(p.exitcode == 0 for p in procs), [p.exitcode for p in procs]
    with open_store(path, url).transaction(write=False) as tx:
        records, projected = tx.records(), tx.requests()
    expected = WRITERS * PER_WRITER * 3
    per_request = {}
    for record in records:
        per_request.setdefault(record["request_id"], []).append(record["kind"])
    verdict = verify_chain(records)
    checks = {
        "events written == expected (%d)" % expected: len(records) == expected,
        "seq is 1..N, no gap, no repeat": [r["seq"] for r in records] == list(range(1, len(records) + 1)),
        "every hash unique": len({r["hash"] for r in records}) == len(records),
        "every request once, its 3 events in order": len(per_request) == WRITERS * PER_WRITER and all(
            kinds == ["submitted", "evaluated", "stage_approved"] for kinds in per_request.values()),
        "projection: every request approved": len(projected) == WRITERS * PER_WRITER and {
            r["state"] for r in projected} == {"approved"},
        "verify_chain: %s" % verdict.message: verdict.valid,
    }
    transactions = WRITERS * PER_WRITER * 2
    print("store: %d writer processes x %d requests, %s, one transaction per change" % (WRITERS, PER_WRITER, label))
    print("  %d transactions, %d events in %.2f s: %.0f transactions/s, %.0f events/s"
          % (transactions, len(records), elapsed, transactions / elapsed, len(records) / elapsed))
    for name, ok in checks.items():
        print("  [%s] %s" % ("ok" if ok else "FAILED", name))
    return all(checks.values())


def bench_store():
    tmp = tempfile.mkdtemp(prefix="hq-bench-store-")
    path = os.path.join(tmp, "approvals.sqlite")
    ok = run_writers(path, None, "SQLite WAL")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)
    os.rmdir(tmp)
    return ok


def bench_postgres():
    """The same writers on PostgreSQL: HQ_PG_URL, or a throwaway cluster from tests/testbed/postgres.sh."""
    if approval_store_pg.PSYCOPG_ERROR is not None:
        print("store on PostgreSQL: skipped, psycopg is not installed (%s)" % approval_store_pg.PSYCOPG_ERROR)
        return True
    url = os.environ.get("HQ_PG_URL")
    if url:
        # The proof counts every record of the store, so HQ_PG_URL must name a database without one.
        return run_writers(None, url, "PostgreSQL at HQ_PG_URL")
    script = os.path.join(os.path.dirname(HERE), "tests", "testbed", "postgres.sh")
    tmp = tempfile.mkdtemp(prefix="hq-bench-pg-")
    try:
        up = subprocess.run(["bash", script, "up", tmp], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True, check=False)
        if up.returncode:
            print("store on PostgreSQL: skipped, no throwaway cluster: %s" % up.stdout.strip().splitlines()[-1:])
            return True
        with open(os.path.join(tmp, "url"), encoding="utf-8") as handle:
            url = handle.read().strip()
        return run_writers(None, url, "PostgreSQL (throwaway cluster on 127.0.0.1, SELECT ... FOR UPDATE)")
    finally:
        subprocess.run(["bash", script, "down", tmp], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    bench_policy()
    ok = bench_store()
    ok = bench_postgres() and ok
    if not ok:
        raise SystemExit("store bench: events were lost, duplicated or the chain is broken")


if __name__ == "__main__":
    main()
