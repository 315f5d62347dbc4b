# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Thin swift-ring-builder adapter: read a builder as JSON (through Swift's own RingBuilder, in the
Python that has Swift installed), and run swift-ring-builder commands. No decisions are made here."""

from __future__ import annotations

import json
import os
from typing import Callable, Optional, Sequence, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.swift_ring import Device, RingState

RunCommand = Callable[..., Tuple[int, str, str]]

# Same "up-to-date" test as swift-ring-builder's default command (swift/cli/ringbuilder.py).
READ_SCRIPT = r"""
import json, os, sys
from swift.common.ring import RingBuilder, RingData
builder = RingBuilder.load(sys.argv[1])
current = False
if not builder.devs_changed and os.path.exists(sys.argv[2]):
    try:
        current = RingData.load(sys.argv[2]).to_dict() == builder.get_ring().to_dict()
    except Exception:
        current = False
print(json.dumps(dict(
    part_power=builder.part_power, replicas=builder.replicas, min_part_hours=builder.min_part_hours,
    min_part_seconds_left=int(builder.min_part_seconds_left), devs_changed=bool(builder.devs_changed),
    ring_current=current,
    devices=[dict(id=d["id"], ip=d["ip"], port=d["port"], device=d["device"], weight=d["weight"],
                  region=d["region"], zone=d["zone"]) for d in builder.devs if d is not None])))
"""

# swift-ring-builder exit codes: 0 success, 1 warning (rebalance: balance or min_part_hours), 2 error.
WARNING_OK = ("rebalance", "set_replicas")


class SwiftRingBuilder:
    def __init__(self, run_command: RunCommand, builder_bin: str, python: str, swift_dir: str, ring: str):
        self._run = run_command
        self._bin = builder_bin
        self._python = python
        self.builder_file = os.path.join(swift_dir, "%s.builder" % ring)
        self.ring_file = os.path.join(swift_dir, "%s.ring.gz" % ring)

    def read(self) -> Optional[RingState]:
        if not os.path.exists(self.builder_file):
            return None
        rc, out, err = self._run([self._python, "-c", READ_SCRIPT, self.builder_file, self.ring_file])
        if rc != 0:
            detail = (err or out).strip()[-400:]
            raise AdapterError("reading %s with %s failed (rc=%d): %s" % (self.builder_file, self._python, rc, detail))
        try:
            data = json.loads(out.strip().splitlines()[-1])
        except (ValueError, IndexError) as exc:
            raise AdapterError("reading %s: unexpected output %r (%s)" % (self.builder_file, out[-200:], exc)) from exc
        devices = tuple(Device(d["ip"], int(d["port"]), d["device"], float(d["weight"]), int(d["region"]),
                               int(d["zone"]), int(d["id"])) for d in data["devices"])
        return RingState(int(data["part_power"]), float(data["replicas"]), int(data["min_part_hours"]), devices,
                         int(data["min_part_seconds_left"]), bool(data["devs_changed"]), bool(data["ring_current"]))

    def run(self, args: Sequence[str]) -> str:
        rc, out, err = self._run([self._bin, self.builder_file] + list(args))
        allowed = (0, 1) if args[0] in WARNING_OK else (0,)
        if rc not in allowed:
            raise AdapterError("swift-ring-builder %s %s failed (rc=%d): %s" % (
                os.path.basename(self.builder_file), " ".join(args), rc, (out + err).strip()[-400:]))
        return out
