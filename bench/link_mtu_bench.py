# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""link_mtu (one task) against `command: ip link set` plus a check task, on 50 interfaces."""

from __future__ import annotations

import os
import statistics
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NETNS_SH = os.path.join(HERE, "..", "tests", "testbed", "netns.sh")
NETNS = "hcbench"
COUNT = 50
RUNS = 5


def playbook(name: str, mtu: int) -> float:
    start = time.perf_counter()
    subprocess.run(
        ["ansible-playbook", os.path.join(HERE, "playbooks", name),
         "-e", "bench_netns=%s bench_count=%d bench_mtu=%d" % (NETNS, COUNT, mtu)],
        check=True, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> None:
    subprocess.run([NETNS_SH, "links", NETNS, str(COUNT)], check=True, stdout=subprocess.DEVNULL)
    times = {"link_mtu": [], "command": []}
    try:
        mtu = 1500
        for run in range(RUNS):
            # Alternate which side goes first; every run really changes all 50 MTUs.
            order = [("link_mtu", "link_mtu_module.yml"), ("command", "link_mtu_command.yml")]
            for side, book in order if run % 2 == 0 else reversed(order):
                mtu = 9000 if mtu == 1500 else 1500
                times[side].append(playbook(book, mtu))
    finally:
        subprocess.run([NETNS_SH, "down", NETNS], check=True, stdout=subprocess.DEVNULL)
    ours, theirs = statistics.median(times["link_mtu"]), statistics.median(times["command"])
    print("link_mtu bench: %d interfaces, median of %d runs each, sides alternated" % (COUNT, RUNS))
    print("  link_mtu, 1 task:                          %6.2f s" % ours)
    print("  command ip link set + check, 2 loop tasks: %6.2f s" % theirs)
    print("  ratio command / link_mtu:                  %6.2f x" % (theirs / ours))


if __name__ == "__main__":
    main()
