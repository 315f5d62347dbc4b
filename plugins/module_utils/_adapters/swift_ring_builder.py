# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Thin swift-ring-builder adapter: read a builder as JSON (through Swift's own RingBuilder, in the
Python that has Swift installed), and run swift-ring-builder commands. No decisions are made here.

Commands run on a copy of the builder in a private directory, so a command that fails leaves the
builder and the ring untouched; on success the new builder, then the new ring, replace the old ones
(``os.replace`` in the same directory), and the previous builder is kept under ``backups/``. Check
mode runs the same commands on a copy in a temporary directory and throws the copy away, so it fails
where the real run would."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from typing import Callable, Optional, Sequence, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.swift_ring import Device, RingState

RunCommand = Callable[..., Tuple[int, str, str]]

# Same "up-to-date" test as swift-ring-builder's default command (swift/cli/ringbuilder.py).
# A removed device stays in builder.devs (weight 0) and in builder._remove_devs until the next
# rebalance: it is listed apart, under "removing".
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
removing = set(d["id"] for d in getattr(builder, "_remove_devs", []))
def dev(d):
    return dict(id=d["id"], ip=d["ip"], port=d["port"], device=d["device"], weight=d["weight"],
                region=d["region"], zone=d["zone"])
print(json.dumps(dict(
    part_power=builder.part_power, replicas=builder.replicas, min_part_hours=builder.min_part_hours,
    min_part_seconds_left=int(builder.min_part_seconds_left), devs_changed=bool(builder.devs_changed),
    ring_current=current,
    devices=[dev(d) for d in builder.devs if d is not None and d["id"] not in removing],
    removing=[dev(d) for d in builder.devs if d is not None and d["id"] in removing])))
"""

# swift-ring-builder exit codes: 0 success, 1 warning (rebalance: balance or min_part_hours), 2 error.
WARNING_OK = ("rebalance", "set_replicas")


def _device(d: dict) -> Device:
    return Device(d["ip"], int(d["port"]), d["device"], float(d["weight"]), int(d["region"]), int(d["zone"]),
                  int(d["id"]))


class SwiftRingBuilder:
    def __init__(self, run_command: RunCommand, builder_bin: str, python: str, swift_dir: str, ring: str):
        self._run = run_command
        self._bin = builder_bin
        self._python = python
        self.swift_dir = swift_dir
        self.builder_name = "%s.builder" % ring
        self.ring_name = "%s.ring.gz" % ring
        self.builder_file = os.path.join(swift_dir, self.builder_name)
        self.ring_file = os.path.join(swift_dir, self.ring_name)

    def read(self) -> Optional[RingState]:
        if not os.path.exists(self.builder_file):
            return None
        rc, out, err = self._run([self._python, "-c", READ_SCRIPT, self.builder_file, self.ring_file])
        if rc != 0:
            # The exception's own line, not the Python traceback above it.
            detail = ((err or out).strip().splitlines() or [""])[-1][-400:]
            raise AdapterError("reading %s with %s failed (rc=%d): %s" % (self.builder_file, self._python, rc, detail))
        try:
            data = json.loads(out.strip().splitlines()[-1])
        except (ValueError, IndexError) as exc:
            raise AdapterError("reading %s: unexpected output %r (%s)" % (self.builder_file, out[-200:], exc)) from exc
        return RingState(int(data["part_power"]), float(data["replicas"]), int(data["min_part_hours"]),
                         tuple(_device(d) for d in data["devices"]),
                         int(data["min_part_seconds_left"]), bool(data["devs_changed"]), bool(data["ring_current"]),
                         tuple(_device(d) for d in data.get("removing", ())))

    def apply(self, commands: Sequence[Sequence[str]], commit: bool) -> None:
        """Run ``commands`` on a copy; replace the builder (and the ring, when one was written) only
        when ``commit`` and every command succeeded."""
        if not commands:
            return
        if not os.path.isdir(self.swift_dir):
            raise AdapterError("swift_dir %s is not a directory" % self.swift_dir)
        if not os.access(self.swift_dir, os.W_OK | os.X_OK):
            raise AdapterError("swift_dir %s is not writable" % self.swift_dir)
        try:
            work = tempfile.mkdtemp(prefix=".%s-" % self.builder_name, dir=self.swift_dir if commit else None)
        except OSError as exc:
            raise AdapterError("cannot make a work directory for %s: %s" % (self.builder_file, exc)) from exc
        try:
            work_builder = os.path.join(work, self.builder_name)
            if os.path.exists(self.builder_file):
                shutil.copy2(self.builder_file, work_builder)
            for command in commands:
                self._run_one(work_builder, command)
            if commit:
                self._commit(work)
        except OSError as exc:
            raise AdapterError("updating %s: %s" % (self.builder_file, exc)) from exc
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _run_one(self, builder_file: str, args: Sequence[str]) -> str:
        rc, out, err = self._run([self._bin, builder_file] + list(args))
        allowed = (0, 1) if args[0] in WARNING_OK else (0,)
        if rc not in allowed:
            raise AdapterError("swift-ring-builder %s %s failed (rc=%d), %s left unchanged: %s" % (
                self.builder_name, " ".join(args), rc, self.builder_file, (out + err).strip()[-400:]))
        return out

    def _commit(self, work: str) -> None:
        backups = os.path.join(self.swift_dir, "backups")
        if not os.path.isdir(backups):
            os.mkdir(backups)
        work_backups = os.path.join(work, "backups")
        for name in sorted(os.listdir(work_backups)) if os.path.isdir(work_backups) else ():
            os.replace(os.path.join(work_backups, name), os.path.join(backups, name))
        if os.path.exists(self.builder_file):
            shutil.copy2(self.builder_file, os.path.join(backups, "%d.%s.previous" % (time.time(), self.builder_name)))
        for name, target in ((self.builder_name, self.builder_file), (self.ring_name, self.ring_file)):
            new = os.path.join(work, name)
            if not os.path.exists(new):
                continue
            if os.path.exists(target):
                _keep_owner_and_mode(target, new)
            os.replace(new, target)  # the builder first: a ring older than its builder is rewritten next run


def _keep_owner_and_mode(old: str, new: str) -> None:
    st = os.stat(old)
    os.chmod(new, st.st_mode & 0o7777)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.chown(new, st.st_uid, st.st_gid)
