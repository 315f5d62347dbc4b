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
    assert plan_daemon(state, record, proc, current).action == action


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


@pytest.mark.parametrize("state, record, proc, current, action", [
    ("started", REC, ALIVE, "f1", "none"),
    ("started", REC, ALIVE, "f2", "restart"),
    ("restarted", REC, ALIVE, "f1", "restart"),
    ("stopped", REC, ALIVE, "f1", "stop"),
    ("stopped", None, None, "f1", "none"),
])
def test_the_running_daemon_answering_on_its_port_is_not_a_conflict(state, record, proc, current, action):
    assert plan_daemon(state, record, proc, current, busy="127.0.0.1:8080").action == action


@pytest.mark.parametrize("state, record, proc, reason", [
    ("started", None, None, "not started yet"),
    ("started", REC, None, "pid 42 is gone"),
    ("started", REC, Proc(42, "Z", ALIVE.cmdline), "pid 42 is gone"),
    ("restarted", REC, Proc(42, "S", ("/usr/bin/sleep", "100")), "pid 42 is gone"),
])
def test_a_start_is_refused_when_another_process_answers_on_the_port(state, record, proc, reason):
    with pytest.raises(PlanError, match="127.0.0.1:8080 already answers, but the daemon is %s: another process" % reason):
        plan_daemon(state, record, proc, "f1", busy="127.0.0.1:8080")


def test_bad_state():
    with pytest.raises(PlanError, match="state must be"):
        plan_daemon("running", None, None, "f")
