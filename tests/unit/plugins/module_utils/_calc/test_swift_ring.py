# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Table tests for the Swift ring planner."""

from __future__ import annotations

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.swift_ring import (
    Device,
    RingSpec,
    RingState,
    apply_plan,
    devices_from,
    plan_ring,
    ring_view,
)


REBALANCE = ("rebalance", "--force")


def dev(name, weight=100.0, zone=1, port=6200, id=None, region=1):
    return Device("127.0.0.1", port, name, weight, region, zone, id)


def spec(*devs, part_power=10, replicas=1, mph=1):
    return RingSpec(part_power, replicas, mph, tuple(devs))


def state(*devs, part_power=10, replicas=1, mph=1, left=0, changed=False, current=True, removing=()):
    """Builder ids in order: the listed devices first, then those marked for removal (weight 0)."""
    devs = tuple(Device(d.ip, d.port, d.device, d.weight, d.region, d.zone, i) for i, d in enumerate(devs))
    gone = tuple(Device(d.ip, d.port, d.device, 0.0, d.region, d.zone, len(devs) + i) for i, d in enumerate(removing))
    return RingState(part_power, replicas, mph, devs, left, changed or bool(gone), current, gone)


def test_new_builder_is_created_filled_and_rebalanced():
    plan = plan_ring(None, spec(dev("d1"), dev("d2"), replicas=2))
    assert plan.commands == (("create", "10", "2", "1"), ("add", "r1z1-127.0.0.1:6200/d1", "100"),
                             ("add", "r1z1-127.0.0.1:6200/d2", "100"), REBALANCE)
    assert plan.rebalance and plan.wait_seconds == 0


def test_unchanged_ring_is_not_rebalanced_even_when_partitions_may_move():
    plan = plan_ring(state(dev("d1"), left=0), spec(dev("d1")))
    assert plan.commands == () and not plan.rebalance


@pytest.mark.parametrize("current, wanted, expected", [
    (state(dev("d1")), spec(dev("d1"), dev("d2")), [("add", "r1z1-127.0.0.1:6200/d2", "100"), REBALANCE]),
    (state(dev("d1"), dev("d2")), spec(dev("d1")), [("remove", "d1"), REBALANCE]),
    (state(dev("d1")), spec(dev("d1", weight=50)), [("set_weight", "d0", "50"), REBALANCE]),
    # a region or zone change is made in place: the builder would refuse to add the same ip:port/name
    (state(dev("d1")), spec(dev("d1", zone=2)), [("set_zone", "d0", "2"), REBALANCE]),
    (state(dev("d1"), dev("d2")), spec(dev("d1"), dev("d2", region=3, zone=4, weight=7)),
     [("set_region", "d1", "3"), ("set_zone", "d1", "4"), ("set_weight", "d1", "7"), REBALANCE]),
    (state(dev("d1"), dev("d2")), spec(dev("d1"), dev("d2"), replicas=2), [("set_replicas", "2"), REBALANCE]),
    (state(dev("d1")), spec(dev("d1"), mph=0), [("set_min_part_hours", "0")]),
    (state(dev("d1"), current=False), spec(dev("d1")), [("write_ring",)]),
    (state(dev("d1"), changed=True), spec(dev("d1")), [REBALANCE]),
    # a device marked for removal is absent: nothing to remove again, the pending removal is rebalanced
    (state(dev("d1"), removing=[dev("d2")]), spec(dev("d1")), [REBALANCE]),
    (state(dev("d1"), removing=[dev("d2")], left=60), spec(dev("d1")), []),
    # listed again: added only after the rebalance that drops its old entry
    (state(dev("d1"), removing=[dev("d2")]), spec(dev("d1"), dev("d2", zone=2)),
     [REBALANCE, ("add", "r1z2-127.0.0.1:6200/d2", "100")]),
    (state(dev("d1"), removing=[dev("d2")], mph=0), spec(dev("d1"), dev("d2"), mph=0),
     [REBALANCE, ("add", "r1z1-127.0.0.1:6200/d2", "100"), REBALANCE]),
    (state(dev("d1"), removing=[dev("d2")], left=60), spec(dev("d1"), dev("d2")), []),
])
def test_changes(current, wanted, expected):
    assert list(plan_ring(current, wanted).commands) == expected


def test_rebalance_waits_for_min_part_hours_and_says_how_long():
    plan = plan_ring(state(dev("d1"), dev("d2"), left=1800), spec(dev("d1"), dev("d2"), dev("d3")))
    assert plan.commands == (("add", "r1z1-127.0.0.1:6200/d3", "100"),)
    assert plan.wait_seconds == 1800 and not plan.rebalance


def test_pending_change_waits_without_commands_then_rebalances():
    waiting = plan_ring(state(dev("d1"), changed=True, left=60), spec(dev("d1")))
    assert waiting.commands == () and waiting.wait_seconds == 60
    later = plan_ring(state(dev("d1"), changed=True, left=0), spec(dev("d1")))
    assert later.commands == (REBALANCE,)


@pytest.mark.parametrize("current, wanted, message", [
    (state(dev("d1")), spec(dev("d1"), part_power=12), "part power is fixed"),
    (None, spec(dev("d1"), replicas=3), "3 replicas need at least as many devices"),
    (None, spec(), "at least one device"),
    (None, spec(dev("d1"), dev("d1")), "listed twice"),
    (None, spec(dev("d1", weight=0)), "weights must be positive"),
    (None, spec(dev("../etc")), "device name"),
    (None, spec(dev("d1"), part_power=33), "outside 1..32"),
    (None, spec(dev("d1"), replicas=0.5), "at least 1"),
    (None, spec(dev("d1"), mph=-1), "0 or more"),
    (None, spec(dev("d1", port=70000)), "outside 1..65535"),
    (None, spec(dev("sdb_1")), "follows '_' as metadata"),
    (None, spec(dev("d1"), replicas=float("nan")), "at least 1"),
    (None, spec(dev("d1", weight=float("inf"))), "weights must be positive"),
    (None, spec(dev("d1", zone=-1)), "0 or more"),
    (None, spec(dev("d1", region=-1)), "0 or more"),
])
def test_refused(current, wanted, message):
    with pytest.raises(PlanError, match=message):
        plan_ring(current, wanted)


@pytest.mark.parametrize("current, wanted", [
    (None, spec(dev("d1"), dev("d2"), replicas=2)),
    (state(dev("d1")), spec(dev("d1"), dev("d2", weight=30))),
    (state(dev("d1"), dev("d2")), spec(dev("d2", zone=3))),
    (state(dev("d1"), left=100), spec(dev("d1"), dev("d2"))),
    (state(dev("d1"), dev("d2"), left=100), spec(dev("d1"))),
    (state(dev("d1"), dev("d2")), spec(dev("d1", region=2), dev("d2", zone=5))),
    (state(dev("d1"), removing=[dev("d2")]), spec(dev("d1"))),
    (state(dev("d1"), removing=[dev("d2")]), spec(dev("d1"), dev("d2"))),
    (state(dev("d1"), removing=[dev("d2")], mph=0), spec(dev("d1"), dev("d2"), mph=0)),
    (state(dev("d1"), removing=[dev("d2")], left=100), spec(dev("d1"), dev("d2"))),
])
def test_applying_the_plan_leaves_nothing_to_do(current, wanted):
    plan = plan_ring(current, wanted)
    after = apply_plan(current, wanted, plan)
    again = plan_ring(after, wanted)
    assert again.commands == ()
    assert again.wait_seconds == plan.wait_seconds


def test_re_added_device_waits_for_min_part_hours_after_its_rebalance():
    plan = plan_ring(state(dev("d1"), removing=[dev("d2")], mph=2), spec(dev("d1"), dev("d2"), mph=2))
    assert plan.rebalance and plan.wait_seconds == 7200


def test_devices_from_option_dicts():
    devs = devices_from([{"device": "d1"}, {"device": "d2", "ip": "10.0.0.2", "port": 6300, "weight": 5,
                                            "region": 2, "zone": 3}], "127.0.0.1", 6200)
    assert devs[0] == Device("127.0.0.1", 6200, "d1", 100.0, 1, 1)
    assert devs[1].search == "r2z3-10.0.0.2:6300/d2"


def test_devices_from_keeps_a_0_and_writes_the_ip_as_the_builder_stores_it():
    devs = devices_from([{"device": "d1", "region": 0, "zone": 0, "port": 0},
                         {"device": "d2", "ip": "FE80:0:0::1"}, {"device": "d3", "ip": "[::1]"}], "127.0.0.1", 6200)
    assert (devs[0].region, devs[0].zone, devs[0].port) == (0, 0, 0)
    assert [d.ip for d in devs[1:]] == ["fe80::1", "::1"]


def test_ring_view_shows_settings_and_weights():
    assert ring_view(None) == {"devices": None}
    assert ring_view(spec(dev("d2", weight=0.5), dev("d1"), replicas=1.5)) == {
        "part_power": 10, "replicas": "1.5", "min_part_hours": 1,
        "devices": ["r1z1-127.0.0.1:6200/d1 weight 100", "r1z1-127.0.0.1:6200/d2 weight 0.5"]}


@pytest.mark.parametrize("current, wanted, expected", [
    (state(dev("d1"), removing=[dev("d2")]), spec(dev("d1")),
     ["rebalance the device changes already in the builder (dropping r1z1-127.0.0.1:6200/d2)"]),
    (state(dev("d1"), changed=True), spec(dev("d1")), ["rebalance the device changes already in the builder"]),
    (state(dev("d1"), removing=[dev("d2")], mph=0), spec(dev("d1"), dev("d2"), mph=0),
     ["rebalance the device changes already in the builder (dropping r1z1-127.0.0.1:6200/d2)",
      "add r1z1-127.0.0.1:6200/d2 weight 100 (again, after its removal was rebalanced)"]),
    (state(dev("d1"), removing=[dev("d2")], left=60), spec(dev("d1")), []),
])
def test_a_deferred_rebalance_is_named_in_the_changes(current, wanted, expected):
    assert list(plan_ring(current, wanted).changes) == expected
