# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A cputune policy on 20 running TCG domains: libvirt_cputune against community.libvirt and virsh.

Each side really changes every domain (the values alternate between runs). Guest downtime is read
from libvirt: a domain whose ID or QEMU process changed was restarted; ours must keep both.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LIBVIRTD_SH = os.path.join(HERE, "..", "tests", "testbed", "libvirtd.sh")
COUNT = int(os.environ.get("HC_BENCH_DOMAINS", "20"))
RUNS = int(os.environ.get("HC_BENCH_RUNS", "1"))
NAMES = ["hk-bench-%02d" % i for i in range(COUNT)]
XML = """<domain type='qemu'><name>%s</name><memory unit='MiB'>32</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices>
</domain>"""


def virsh(*args: str) -> str:
    return subprocess.run(["virsh", "-c", "qemu:///system"] + list(args), check=True, capture_output=True,
                          text=True).stdout.strip()


def identity() -> dict:
    """Domain ID and QEMU pid of every bench domain: both change when a guest restarts."""
    out = {}
    for name in NAMES:
        with open("/run/libvirt/qemu/%s.pid" % name, encoding="ascii") as handle:
            out[name] = (virsh("domid", name), handle.read().strip())
    return out


def playbook(book: str, shares: int, cap: int, cpu: int) -> float:
    start = time.perf_counter()
    done = subprocess.run(["ansible-playbook", os.path.join(HERE, "playbooks", book), "-e",
                           "bench_domains=%s bench_shares=%d bench_cap=%d bench_cpu=%d"
                           % (",".join(NAMES), shares, cap, cpu)],
                          check=False, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode:
        raise RuntimeError("%s failed:\n%s" % (book, "\n".join(done.stdout.splitlines()[-25:])))
    return time.perf_counter() - start


def main() -> None:
    started = subprocess.run([LIBVIRTD_SH, "up"], check=True, capture_output=True, text=True).stdout.strip()
    times = {"libvirt_cputune": [], "community.libvirt": [], "virsh": []}
    restarted = dict.fromkeys(times, 0)
    sides = [("libvirt_cputune", "cputune_module.yml"), ("community.libvirt", "cputune_community.yml"),
             ("virsh", "cputune_virsh.yml")]
    try:
        for name in NAMES:
            subprocess.run(["virsh", "-c", "qemu:///system", "define", "/dev/stdin"], input=XML % name, text=True,
                           check=True, stdout=subprocess.DEVNULL)
            virsh("start", name)
        step = 0
        for run in range(RUNS):
            for side, book in sides if run % 2 == 0 else list(reversed(sides)):
                step += 1
                before = identity()
                times[side].append(playbook(book, 512 + 256 * (step % 2), 40 + 10 * (step % 2), step % 2))
                after = identity()
                restarted[side] += sum(1 for name in NAMES if before[name] != after[name])
    finally:
        for name in NAMES:
            subprocess.run(["virsh", "-c", "qemu:///system", "destroy", name], capture_output=True, check=False)
            subprocess.run(["virsh", "-c", "qemu:///system", "undefine", name], capture_output=True, check=False)
        if started == "changed":
            subprocess.run([LIBVIRTD_SH, "down"], check=False, stdout=subprocess.DEVNULL)
    ours = statistics.median(times["libvirt_cputune"])
    print("cputune bench: %d running TCG domains, shares + cap + vCPU pin, median of %d run(s)" % (COUNT, RUNS))
    for side in times:
        median = statistics.median(times[side])
        print("  %-18s %6.2f s  ratio %5.2f x  guests restarted (ID/QEMU pid changed): %d of %d"
              % (side, median, median / ours, restarted[side], COUNT * RUNS))


if __name__ == "__main__":
    main()
