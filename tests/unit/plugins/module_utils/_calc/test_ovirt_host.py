# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Which hosts to add, and what a status means."""

from __future__ import annotations

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc import ovirt_host
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

NODE1 = dict(name="node1", address="node1.lab", cluster="Default", password="pw")
NODE2 = dict(name="node2", address="node2.lab", cluster="Default", public_key=True)


@pytest.mark.parametrize("existing, desired, added", [
    ([], [NODE1, NODE2], ["node1", "node2"]),
    ([dict(name="node1", address="node1.lab", cluster="Default")], [NODE1, NODE2], ["node2"]),
    ([dict(name="node1", address="node1.lab", cluster="Default"),
      dict(name="node2", address="node2.lab", cluster="Default")], [NODE1, NODE2], []),
])
def test_plan(existing, desired, added):
    assert [h["name"] for h in ovirt_host.plan(existing, desired)] == added


@pytest.mark.parametrize("existing, desired, message", [
    ([], [NODE1, NODE1], "listed twice"),
    ([], [NODE1, dict(NODE2, address="node1.lab")], "a host address is listed twice .*: node1.lab"),
    ([], [dict(NODE1, password=None)], "give a root password or public_key"),
    ([], [NODE2, dict(NODE1, ssh_port=0)], "host node1: ssh_port 0 is not a TCP port"),
    ([], [dict(NODE1, ssh_port=65536)], "host node1: ssh_port 65536 is not a TCP port"),
    ([], [dict(NODE1, power_management=dict(type="ipmilan", address="bmc", port=-1))],
     "host node1: power_management.port -1 is not a TCP port"),
    ([dict(name="node1", address="node1.lab", cluster="Other")], [NODE1], "is in cluster Other, not Default"),
    ([dict(name="old", address="node1.lab", cluster="Default")], [NODE1], "already has old at node1.lab"),
    ([dict(name="node1", address="10.0.0.9", cluster="Default")], [NODE1], "already has node1 at 10.0.0.9"),
])
def test_plan_refusals(existing, desired, message):
    with pytest.raises(PlanError, match=message):
        ovirt_host.plan(existing, desired)


@pytest.mark.parametrize("status, target, verdict", [
    ("up", "up", "done"), ("installing", "up", "waiting"), ("initializing", "up", "waiting"),
    ("install_failed", "up", "failed"), ("non_operational", "up", "failed"), ("non_responsive", "up", "failed"),
    ("error", "up", "failed"), ("maintenance", "maintenance", "done"), ("maintenance", "up", "waiting"),
])
def test_state(status, target, verdict):
    assert ovirt_host.state(status, target) == verdict


def test_failure_message_prefers_newest_errors():
    events = [dict(id="1", severity="normal", description="Host node2 was added", time="2026-01-01T10:00:00"),
              dict(id="2", severity="warning", description="slow", time="2026-01-01T10:00:01"),
              dict(id="3", severity="error", description="Host node2 installation failed. boom.",
                   time="2026-01-01T10:00:02")]
    assert ovirt_host.failure_message("node2", "install_failed", events) == \
        "host node2 is INSTALL_FAILED. Engine events: Host node2 installation failed. boom."
    assert "within 60 s (status installing). Engine events: slow" in \
        ovirt_host.failure_message("node2", "installing", events[:2], waited=60)
    assert ovirt_host.failure_message("n", "error", []).endswith("none recorded for this host")


@pytest.mark.parametrize("timeout, poll, message", [
    (-1, 10.0, "timeout must be 0 or more seconds, not -1"),
    (60, -0.5, "poll_interval must be a number of seconds, 0 or more, not -0.5"),
    (60, float("nan"), "poll_interval must be a number of seconds, 0 or more, not nan"),
    (60, float("inf"), "poll_interval must be a number of seconds, 0 or more, not inf"),
])
def test_check_wait_refuses(timeout, poll, message):
    with pytest.raises(PlanError, match=message):
        ovirt_host.check_wait(timeout, poll)


def test_check_wait_accepts_zero():
    ovirt_host.check_wait(0, 0.0)
