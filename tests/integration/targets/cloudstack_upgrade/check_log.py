# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Assert the order of host transitions in the fake CloudStack's event log.

check_log.py LOG rolled HOST...   each HOST went through the whole roll, one after the other
check_log.py LOG stuck HOST NEXT  HOST was brought back but never came Up; NEXT was never touched
check_log.py LOG untouched        no host command at all
"""

from __future__ import annotations

import json
import os
import sys

ROLL = [("prepareHostForMaintenance", None), ("resourcestate", "PrepareForMaintenance"), ("resourcestate", "Maintenance"),
        ("cancelHostMaintenance", None), ("resourcestate", "Enabled"), ("state", "Connecting"), ("state", "Up")]


def load(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def steps(events, host):
    return [(e["event"], e.get("value")) for e in events if e["host"] == host and e["event"] != "migrated"]


def main(path, mode, *hosts):
    events = load(path)
    if mode == "untouched":
        assert not events, "expected no host command, got %s" % events
    elif mode == "rolled":
        for host in hosts:
            assert steps(events, host) == ROLL, "%s: %s" % (host, steps(events, host))
            moves = [i for i, e in enumerate(events) if e["host"] == host and e["event"] == "migrated"]
            done = next(i for i, e in enumerate(events) if e["host"] == host and e.get("value") == "Maintenance")
            assert moves and max(moves) < done, "%s: Maintenance before every VM was migrated" % host
        for first, second in zip(hosts, hosts[1:]):
            last = max(i for i, e in enumerate(events) if e["host"] == first and e["event"] != "migrated")
            start = min(i for i, e in enumerate(events) if e["host"] == second)
            assert last < start, "%s was touched before %s was Up again" % (second, first)
    elif mode == "stuck":
        host, nxt = hosts
        assert steps(events, host) == ROLL[:6] + [("state", "Disconnected")], steps(events, host)
        assert not [e for e in events if e["host"] == nxt], "the roll went on to %s" % nxt
    else:
        raise SystemExit("unknown mode %s" % mode)
    print("%s: %s ok (%d events)" % (path, mode, len(events)))


if __name__ == "__main__":
    main(*sys.argv[1:])
