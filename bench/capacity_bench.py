# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""capacity_plan's calculator over 10, 1,000 and 10,000 clusters of 16-64 hosts (all three policies).

Targets: time(10k) / time(1k) <= 12 (linear, no hidden quadratic step), and 10k clusters at most
0.5 s more than 10 clusters. Inputs are built before timing; the best of 3 runs is kept.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def calculator():
    """Import _calc.capacity from this working tree (linked as ansible_collections/hypercloud/builder)."""
    try:
        from ansible_collections.hypercloud.builder.plugins.module_utils._calc import capacity
        return capacity
    except ImportError:
        root = tempfile.mkdtemp(prefix="hp-bench-")
        os.makedirs(os.path.join(root, "ansible_collections", "hypercloud"))
        os.symlink(os.path.dirname(HERE), os.path.join(root, "ansible_collections", "hypercloud", "builder"))
        sys.path.insert(0, root)
        from ansible_collections.hypercloud.builder.plugins.module_utils._calc import capacity
        return capacity


def clusters(cap, count, seed=1):
    rnd = random.Random(seed)
    out = []
    for n in range(count):
        size = rnd.randint(16, 64)
        cores, mhz, mem = rnd.choice([(16, 2600), (32, 2200), (48, 2000)]) + (rnd.choice([262144, 524288]),)
        hosts = [cap.Host(name="c%d-h%d" % (n, i), cores=cores, cpu_mhz=mhz, memory_mb=mem, threads=cores * 2,
                          maintenance=rnd.random() < 0.03) for i in range(size)]
        hosts[0] = cap.Host(name=hosts[0].name, cores=cores, cpu_mhz=mhz, memory_mb=mem, threads=cores * 2)
        vms = [cap.Vm(name="vm%d" % i, cpu_reservation_mhz=rnd.choice([0, 500, 2000, 4000]),
                      memory_reservation_mb=rnd.choice([0, 2048, 8192]), memory_overhead_mb=64)
               for i in range(rnd.randint(0, 20))]
        kind = ("percentage", "failover_hosts", "slots")[n % 3]
        if kind == "percentage":
            policy = cap.policy_from_dict(dict(type=kind, cpu_percent=25, memory_percent=25))
        elif kind == "failover_hosts":
            policy = cap.policy_from_dict(dict(type=kind, failover_hosts=[hosts[0].name]))
        else:
            policy = cap.policy_from_dict(dict(type=kind, failover_level=rnd.randint(1, 3)))
        nova = cap.nova_from_dict(dict(vcpu_unit="threads", cpu_allocation_ratio=4, ram_allocation_ratio=1.5))
        out.append((hosts, vms, policy, nova, rnd.choice(["full", "overcommit"])))
    return out


def timed(cap, inputs):
    best = None
    for _run in range(3):
        start = time.perf_counter()
        for hosts, vms, policy, nova, mode in inputs:
            cap.plan_capacity(hosts, vms, policy, nova, mode=mode, headroom_percent=10)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


def main() -> None:
    cap = calculator()
    sizes = (10, 1000, 10000)
    times = {n: timed(cap, clusters(cap, n)) for n in sizes}
    ratio = times[10000] / times[1000]
    extra = times[10000] - times[10]
    print("capacity bench: plan_capacity over clusters of 16-64 hosts, three policies, best of 3")
    for n in sizes:
        print("  %6d clusters: %8.4f s  (%.1f us per cluster)" % (n, times[n], times[n] / n * 1e6))
    print("  time(10k) / time(1k):     %6.2f   (target <= 12: %s)" % (ratio, "met" if ratio <= 12 else "NOT met"))
    print("  time(10k) - time(10):     %6.3f s (target < 0.5 s: %s)" % (extra, "met" if extra < 0.5 else "NOT met"))


if __name__ == "__main__":
    main()
