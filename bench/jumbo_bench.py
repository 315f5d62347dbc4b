# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Jumbo frames on 3 hosts and a switch, 12 interfaces (each host's eth0, vx100, br-vm and its switch port),
plus the switch's bridge: link_mtu (one task per host) against a
`command: ip link set` loop plus a verification task per interface. Prints the ratios of wall
time and of task executions (medians of alternated runs; every run really changes all 12 MTUs)."""

from __future__ import annotations

import json
import os
import statistics
import sys
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NETNS_SH = os.path.join(HERE, "..", "tests", "testbed", "netns.sh")
NAME = "hnjb"
HOSTS = 3
RUNS = 3
STACK = [("eth0", 9000, 1500), ("vx100", 8950, 1450), ("br-vm", 8950, 1450)]


def inventory(path: str) -> None:
    hosts, order = {}, []
    for k in range(1, HOSTS + 1):
        ns = "%s-hv%d" % (NAME, k)
        hosts["hv%d" % k] = {"bench_netns": ns, "bench_links": {
            mtu: [{"name": n, "mtu": up if mtu == 9000 else down} for n, up, down in STACK] for mtu in (9000, 1500)}}
    sw = "%s-sw" % NAME
    ports = ["p%d" % k for k in range(1, HOSTS + 1)]
    hosts["sw"] = {"bench_netns": sw,
                   "bench_links": {mtu: [{"name": p, "mtu": mtu} for p in ports + ["br0"]] for mtu in (9000, 1500)}}
    # The command side raises the switch ports, its bridge and each host's underlay first, then the overlays.
    order += [{"ns": sw, "name": p, "mtu": {9000: 9000, 1500: 1500}} for p in ports + ["br0"]]
    for layer, up, down in STACK:
        order += [{"ns": "%s-hv%d" % (NAME, k), "name": layer, "mtu": {9000: up, 1500: down}} for k in range(1, HOSTS + 1)]
    data = {"all": {"vars": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable,
                             "bench_order_up": order},
                    "hosts": hosts}}
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle)


def playbook(book: str, inv: str, mtu: int) -> tuple:
    start = time.perf_counter()
    out = subprocess.run(
        ["ansible-playbook", "-i", inv, os.path.join(HERE, "playbooks", book), "-e", "bench_mtu=%d" % mtu],
        check=True, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
    ).stdout
    elapsed = time.perf_counter() - start
    # Task executions: one line per host per task, one per loop item ("changed: [h] => (item=...)").
    executions = sum(1 for line in out.splitlines()
                     if line.startswith(("changed: [", "ok: [")) and ("=> (item=" in line or "=>" not in line))
    return elapsed, executions


def main() -> None:
    subprocess.run([NETNS_SH, "up", NAME, str(HOSTS)], check=True, stdout=subprocess.DEVNULL)
    times = {"link_mtu": [], "command": []}
    counts = {"link_mtu": 0, "command": 0}
    handle, inv = tempfile.mkstemp(suffix=".json")
    os.close(handle)
    try:
        inventory(inv)
        mtu = 1500
        for run in range(RUNS):
            order = [("link_mtu", "jumbo_module.yml"), ("command", "jumbo_command.yml")]
            for side, book in order if run % 2 == 0 else list(reversed(order)):
                mtu = 9000 if mtu == 1500 else 1500
                elapsed, executions = playbook(book, inv, mtu)
                times[side].append(elapsed)
                counts[side] = executions
    finally:
        os.unlink(inv)
        subprocess.run([NETNS_SH, "down", NAME], check=True, stdout=subprocess.DEVNULL)
    ours, theirs = statistics.median(times["link_mtu"]), statistics.median(times["command"])
    print("jumbo bench: %d hosts + switch, 12 interfaces + the switch bridge, median of %d runs each, sides alternated" % (HOSTS, RUNS))
    print("  link_mtu, 1 task per host:          %6.2f s  %3d task executions" % (ours, counts["link_mtu"]))
    print("  command ip link set + check:        %6.2f s  %3d task executions" % (theirs, counts["command"]))
    print("  ratio command / link_mtu, wall time: %5.2f x" % (theirs / ours))
    print("  ratio command / link_mtu, tasks:     %5.2f x" % (counts["command"] / max(counts["link_mtu"], 1)))


if __name__ == "__main__":
    main()
