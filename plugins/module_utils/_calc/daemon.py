# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Decide whether a supervised daemon must start, restart or stop.

Pure: the caller reads the record it wrote when it last started the daemon (pid, argv, the
fingerprint of its command line and configuration files), the process table entry for that pid,
and the current fingerprint. A pid counts as running only when the process exists, is not a
zombie (a PID 1 that does not reap leaves those), and its command line still matches the argv,
so a reused pid is not mistaken for the daemon.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from typing import Mapping, Optional, Sequence, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

STATES = ("started", "stopped", "restarted")


@dataclass(frozen=True)
class Record:
    pid: int
    argv: Tuple[str, ...]
    fingerprint: str


@dataclass(frozen=True)
class Proc:
    pid: int
    state: str
    cmdline: Tuple[str, ...]


@dataclass(frozen=True)
class DaemonPlan:
    action: str  # start, restart, stop or none
    reason: str
    running: bool


def check_request(argv: Sequence[str], wait_port: Optional[int]) -> None:
    """Refuse, before anything is read or started, an argv with no command or a port TCP has not."""
    if not argv or not argv[0]:
        raise PlanError("argv must name the command to run, not %r" % (list(argv),))
    if wait_port is not None and not 1 <= wait_port <= 65535:
        raise PlanError("wait_port must be a TCP port, 1 to 65535, not %d" % wait_port)


def fingerprint(argv: Sequence[str], env: Mapping[str, str], digests: Mapping[str, str]) -> str:
    """A stable digest of what the daemon runs with: argv, environment, each config file's digest."""
    blob = json.dumps({"argv": list(argv), "env": dict(env), "files": dict(digests)}, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def matches(argv: Sequence[str], cmdline: Sequence[str]) -> bool:
    """Whether a process command line is this argv (possibly behind an interpreter from a shebang)."""
    if not argv or not cmdline:
        return False
    rest = tuple(argv[1:])
    if rest and tuple(cmdline[-len(rest):]) != rest:
        return False
    head = cmdline[:len(cmdline) - len(rest)]
    name = os.path.basename(argv[0])
    return any(os.path.basename(part) == name for part in head)


def is_running(record: Optional[Record], proc: Optional[Proc]) -> bool:
    return bool(record and proc and proc.pid == record.pid and proc.state not in ("Z", "X")
                and matches(record.argv, proc.cmdline))


def plan_daemon(state: str, record: Optional[Record], proc: Optional[Proc], current: str,
                busy: Optional[str] = None) -> DaemonPlan:
    """What to do to reach ``state`` given the record, the process and the current fingerprint.

    ``busy`` names the daemon's ready port (``host:port``) when it already answers. A start is then
    refused: the recorded daemon is not running, so another process holds the port, and waiting for
    the port would take that process's answer for the new daemon's.
    """
    if state not in STATES:
        raise PlanError("state must be one of %s, not %r" % (", ".join(STATES), state))
    running = is_running(record, proc)
    if state == "stopped":
        return DaemonPlan("stop", "running as pid %d" % record.pid, True) if running and record else \
            DaemonPlan("none", "not running", False)
    if not running:
        reason = "not started yet" if record is None else "pid %d is gone" % record.pid
        if busy:
            raise PlanError("%s already answers, but the daemon is %s: another process holds the port. Stop that "
                            "process or choose another port; nothing was started" % (busy, reason))
        return DaemonPlan("start", reason, False)
    if state == "restarted":
        return DaemonPlan("restart", "restart requested", True)
    if record and record.fingerprint != current:
        return DaemonPlan("restart", "command line or configuration changed", True)
    return DaemonPlan("none", "running with the current configuration", True)
