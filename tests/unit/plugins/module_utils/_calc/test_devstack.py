# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Table tests for the devstack local.conf renderer, stack guard and log reader."""

from __future__ import annotations

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.devstack import (
    parse_log,
    plan_stack,
    render_local_conf,
)
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError


def test_render_swift_keystone_box():
    text = render_local_conf(
        {"ADMIN_PASSWORD": "pw", "SWIFT_REPLICAS": 1, "SWIFT_DATA_DIR": "/opt/stack/data/swift", "SKIP": None,
         "ENABLE_X": True, "LIST": ["a", "b"], "SPACED": "a b", "QUOTE": "it's"},
        ["disable_all_services", "enable_service key mysql s-proxy s-object s-container s-account"],
        [{"phase": "post-config", "file": "$SWIFT_CONFIG_PROXY_SERVER",
          "sections": {"DEFAULT": {"workers": 1, "debug": False}, "filter:x": {"l": ["a", "b"]}}},
         {"phase": "test-config", "file": "$TEMPEST_CONFIG", "sections": {}}],
        header="# managed")
    assert text == (
        "# managed\n[[local|localrc]]\nADMIN_PASSWORD=pw\nSWIFT_REPLICAS=1\nSWIFT_DATA_DIR=/opt/stack/data/swift\n"
        "ENABLE_X=True\nLIST='a b'\nSPACED='a b'\nQUOTE='it'\"'\"'s'\n"
        "disable_all_services\nenable_service key mysql s-proxy s-object s-container s-account\n\n"
        "[[post-config|$SWIFT_CONFIG_PROXY_SERVER]]\n[DEFAULT]\nworkers = 1\ndebug = False\n[filter:x]\nl = a,b\n\n"
        "[[test-config|$TEMPEST_CONFIG]]\n")


@pytest.mark.parametrize("localrc, commands, post, message", [
    ({"1BAD": "x"}, [], [], "not a shell variable name"),
    ({"A-B": "x"}, [], [], "not a shell variable name"),
    ({}, ["a\nb"], [], "spans lines"),
    ({}, [], [{"phase": "local", "file": "localrc"}], "phase"),
    ({}, [], [{"phase": "post-config", "file": ""}], "must be a path"),
    ({}, [], [{"phase": "post-config", "file": "a]]b"}], "must be a path"),
    ({}, [], [{"file": "$NOVA_CONF", "sections": {"bad]": {}}}], "ini section"),
])
def test_render_refused(localrc, commands, post, message):
    with pytest.raises(PlanError, match=message):
        render_local_conf(localrc, commands, post)


@pytest.mark.parametrize("marker, checksum, ok, action", [
    (None, "c1", False, "stack"),
    ({"checksum": "c1", "result": "ok"}, "c1", False, "skip"),
    ({"checksum": "c1", "result": "ok"}, "c1", True, "skip"),
    ({"checksum": "c1", "result": "ok"}, "c2", False, "hold"),
    ({"checksum": "c1", "result": "ok"}, "c2", True, "restack"),
    ({"checksum": "c1", "result": "failed"}, "c1", False, "hold"),
    ({"checksum": "c1", "result": "failed"}, "c1", True, "restack"),
])
def test_guard(marker, checksum, ok, action):
    assert plan_stack(marker, checksum, ok).action == action


LOG_OK = """2026-11-21 22:00:00.001 | +./stack.sh:main:240  echo_summary 'stack.sh log /opt/stack/logs/stack.sh.log'
2026-11-21 22:00:00.002 | Linux host 6.1
2026-11-21 22:00:01.003 | +./stack.sh:main:800  echo_summary 'Installing package prerequisites'
2026-11-21 22:00:02.004 | +./stack.sh:main:776  sudo apt-get install -y bridge-utils
2026-11-21 22:00:03.005 | +./stack.sh:main:840  echo_summary "Starting Keystone"
2026-11-21 22:00:04.006 | stack.sh completed in 4 seconds.
""".splitlines(True)

LOG_FAILED = """2026-11-21 22:00:01.003 | +./stack.sh:main:800  echo_summary 'Configuring Swift'
2026-11-21 22:00:02.004 | ++lib/swift:init_swift:648  swift-ring-builder /etc/swift/object.builder create 9 1 1
2026-11-21 22:00:02.005 | [ERROR] lib/swift:648 Configuring Swift failed
2026-11-21 22:00:02.006 | stack.sh failed: full log in /opt/stack/logs/stack.sh.log
2026-11-21 22:00:02.007 | Error on exit
""".splitlines(True)


def test_log_completed():
    status = parse_log(LOG_OK)
    assert status.phase == "Starting Keystone" and status.completed and not status.failed
    assert status.seconds == 4 and len(status.tail) == 6 and status.tail[-1] == "stack.sh completed in 4 seconds."


def test_log_failed_names_the_command():
    status = parse_log(LOG_FAILED, tail=2)
    assert status.failed and not status.completed and status.phase == "Configuring Swift"
    assert status.failing_command == "lib/swift:init_swift:648 swift-ring-builder /etc/swift/object.builder create 9 1 1"
    assert status.errors == ("[ERROR] lib/swift:648 Configuring Swift failed",)
    assert status.tail == ("stack.sh failed: full log in /opt/stack/logs/stack.sh.log", "Error on exit")


def test_log_in_progress_and_empty():
    status = parse_log(LOG_OK[:4])
    assert status.phase == "Installing package prerequisites" and not status.completed and not status.failed
    assert parse_log([]).phase == "" and parse_log([], tail=0).tail == ()
