# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Table tests for the MTU ordering calculator."""

from __future__ import annotations

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.mtu import (
    Link,
    apply_steps,
    merge_requests,
    plan_mtu,
)


def stack(mtu=1500, vlan=None, bridge=None, slave=None):
    """eth1+eth2 enslaved to bond0, bond0.100 on it, br100 on the VLAN, plus a veth."""
    vlan = mtu if vlan is None else vlan
    bridge = vlan if bridge is None else bridge
    slave = mtu if slave is None else slave
    links = [
        Link("eth1", slave, master="bond0", max_mtu=9216),
        Link("eth2", slave, master="bond0", max_mtu=9216),
        Link("bond0", mtu, kind="bond"),
        Link("bond0.100", vlan, kind="vlan", lower="bond0", master="br100"),
        Link("br100", bridge, kind="bridge"),
        Link("veth0", 1500, kind="veth", lower="veth1", max_mtu=65535),
        Link("lo6", 1500, ipv6=True),
    ]
    return {link.name: link for link in links}


PLANS = [
    # (case, links, desired, expected [(name, after, implied)])
    ("nothing to do", stack(9000), {"bond0": 9000, "bond0.100": 9000, "br100": 9000}, []),
    ("raise: parents first", stack(1500), {"br100": 9000, "bond0.100": 9000, "bond0": 9000},
     [("bond0", 9000, ("eth1", "eth2")), ("bond0.100", 9000, ()), ("br100", 9000, ())]),
    ("lower: children first", stack(9000), {"bond0": 1500, "bond0.100": 1500, "br100": 1500},
     [("br100", 1500, ()), ("bond0.100", 1500, ()), ("bond0", 1500, ("eth1", "eth2"))]),
    ("mixed: lower all, then raise", stack(9000, vlan=9000, bridge=1500),
     {"bond0": 9000, "bond0.100": 4000, "br100": 4000},
     [("bond0.100", 4000, ()), ("br100", 4000, ())]),
    ("raise the parent only", stack(1500), {"bond0": 9000}, [("bond0", 9000, ("eth1", "eth2"))]),
    ("slave named with its bond moves with it", stack(1500), {"bond0": 9000, "eth1": 9000},
     [("bond0", 9000, ("eth1", "eth2"))]),
    ("veth peer is not a parent", stack(1500), {"veth0": 9000}, [("veth0", 9000, ())]),
    ("ipv6 floor respected at 1280", stack(1500), {"lo6": 1280}, [("lo6", 1280, ())]),
    ("lowest legal ipv4 mtu", stack(1500), {"veth0": 68}, [("veth0", 68, ())]),
]


@pytest.mark.parametrize("case,links,desired,expected", PLANS, ids=[p[0] for p in PLANS])
def test_plan(case, links, desired, expected):
    steps = plan_mtu(links, desired)
    assert [(s.name, s.after, s.implied) for s in steps] == expected, case
    assert all(s.before == links[s.name].mtu for s in steps)
    # Applying the plan leaves nothing to do.
    assert plan_mtu(apply_steps(links, steps), desired) == []


ERRORS = [
    ("unknown interface", stack(), {"eth9": 9000}, "interface eth9 does not exist"),
    ("above driver max", stack(), {"bond0": 9300}, "MTU 9300 for eth1 is above the maximum 9216"),
    ("above max on the named link", stack(), {"eth1": 9300, "bond0": 9300}, "MTU 9300 for eth1 is above"),
    ("below ipv4 minimum", stack(), {"veth0": 67}, "below 68, the IPv4 minimum"),
    ("below ipv6 minimum", stack(), {"lo6": 1279}, "below 1280, the IPv6 minimum"),
    ("child above parent not requested", stack(1500), {"bond0.100": 9000},
     "bond0.100 (MTU 9000) would be above bond0 (MTU 1500), its lower device, which is not in the request"),
    ("bridge above its port", stack(1500), {"br100": 9000}, "br100 (MTU 9000) would be above bond0.100"),
    ("lowering parent strands child", stack(9000), {"bond0": 1500},
     "lowering bond0 to 1500 would leave bond0.100 (MTU 9000) above it"),
    ("both requested, inconsistent", stack(1500), {"bond0": 4000, "bond0.100": 9000},
     "bond0.100 (MTU 9000) would be above bond0 (MTU 4000)"),
    ("slave against its bond", stack(1500), {"bond0": 9000, "eth1": 4000},
     "eth1 is a slave of bond0: a slave always takes its bond's MTU (9000), not 4000"),
    ("slave alone", stack(1500), {"eth1": 9000}, "set the MTU on bond0"),
]


@pytest.mark.parametrize("case,links,desired,message", ERRORS, ids=[e[0] for e in ERRORS])
def test_plan_refuses(case, links, desired, message):
    with pytest.raises(PlanError) as err:
        plan_mtu(links, desired)
    assert message in str(err.value), case


def test_loop_is_refused():
    links = {
        "a": Link("a", 1500, kind="vlan", lower="b"),
        "b": Link("b", 1500, kind="vlan", lower="a"),
    }
    with pytest.raises(PlanError, match="loop"):
        plan_mtu(links, {"a": 1400, "b": 1400})


@pytest.mark.parametrize("pairs,expected", [
    ([("eth0", 9000)], {"eth0": 9000}),
    ([("eth0", 9000), ("eth0", 9000)], {"eth0": 9000}),
    ([("eth0", 9000), ("eth1", 1500)], {"eth0": 9000, "eth1": 1500}),
])
def test_merge_requests(pairs, expected):
    assert merge_requests(pairs) == expected


def test_merge_requests_conflict():
    with pytest.raises(PlanError, match="conflicting MTUs for eth0: 9000 and 1500"):
        merge_requests([("eth0", 9000), ("eth0", 1500)])
