# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Table tests for the daemon supervision planner."""

from __future__ import annotations

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.daemon import (
    Proc,
    Record,
    fingerprint,
    matches,
    plan_daemon,
)
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

ARGV = ("/usr/bin/swift-proxy-server", "/etc/swift/proxy-server.conf", "-v")
REC = Record(42, ARGV, "f1")
ALIVE = Proc(42, "S", ("/usr/bin/python3", "/usr/bin/swift-proxy-server", "/etc/swift/proxy-server.conf", "-v"))
BUSY = "127.0.0.1:8080"  # the daemon's ready port answers


@pytest.mark.parametrize("state, record, proc, current, action", [
    ("started", None, None, "f1", "start"),
    ("started", REC, None, "f1", "start"),
    ("started", REC, Proc(42, "Z", ALIVE.cmdline), "f1", "start"),
    ("started", REC, Proc(42, "S", ("/usr/bin/sleep", "100")), "f1", "start"),
    ("started", REC, ALIVE, "f1", "none"),
    ("started", REC, ALIVE, "f2", "restart"),
    ("restarted", REC, ALIVE, "f1", "restart"),
    ("restarted", None, None, "f1", "start"),
    ("stopped", REC, ALIVE, "f1", "stop"),
    ("stopped", REC, None, "f1", "none"),
    ("stopped", None, None, "f1", "none"),
])
def test_plan(state, record, proc, current, action):
    plan = plan_daemon(state, record, proc, current)
    assert plan.action == action
    if action == "start":
        # The port answers although the recorded daemon is not running: another process holds it.
        with pytest.raises(PlanError, match="^%s already answers, but the daemon is %s: another process holds the port"
                           % (BUSY, plan.reason)):
            plan_daemon(state, record, proc, current, BUSY)
    else:
        # The running daemon answering on its own port is no conflict.
        assert plan_daemon(state, record, proc, current, BUSY) == plan


@pytest.mark.parametrize("argv, cmdline, expected", [
    (ARGV, ALIVE.cmdline, True),
    (ARGV, ARGV, True),
    (("/usr/bin/memcached", "-p", "1"), ("/usr/bin/memcached", "-p", "1"), True),
    (("/usr/bin/memcached", "-p", "1"), ("/usr/bin/memcached", "-p", "2"), False),
    (ARGV, ("/usr/bin/python3", "/usr/bin/other", "/etc/swift/proxy-server.conf", "-v"), False),
    ((), ("x",), False),
])
def test_matches(argv, cmdline, expected):
    assert matches(argv, cmdline) is expected


def test_fingerprint_follows_files_argv_and_env():
    base = fingerprint(["a"], {}, {"/f": "1"})
    assert base == fingerprint(["a"], {}, {"/f": "1"})
    assert base != fingerprint(["a"], {}, {"/f": "2"})
    assert base != fingerprint(["a", "b"], {}, {"/f": "1"})
    assert base != fingerprint(["a"], {"X": "1"}, {"/f": "1"})


def test_bad_state():
    with pytest.raises(PlanError, match="state must be"):
        plan_daemon("running", None, None, "f")
