# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Table tests for the MTU budget calculator (domain reference 4.5 figures)."""

from __future__ import annotations

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.mtu_plan import (
    layer,
    physical_for,
    plan_layers,
)

BUDGETS = [
    # (stack, physical, top MTU)
    ([], 9000, 9000),
    ([{"type": "vxlan"}], 9000, 8950),
    ([{"type": "vxlan", "ip_version": 6}], 9000, 8930),
    ([{"type": "geneve"}], 9000, 8950),
    ([{"type": "geneve_ovn"}], 9000, 8942),
    ([{"type": "geneve_ovn", "ip_version": 6}], 9000, 8922),
    ([{"type": "geneve", "header_size": 38}], 9000, 8942),
    ([{"type": "gre"}], 9000, 8958),
    ([{"type": "gre", "ip_version": 6}], 1500, 1438),
    ([{"type": "bond"}, {"type": "vlan"}, {"type": "bridge"}], 9000, 9000),
    ([{"type": "vlan"}, {"type": "vxlan"}, {"type": "bridge"}], 1500, 1450),
]


@pytest.mark.parametrize("stack,physical,top", BUDGETS)
def test_budget_and_its_reverse(stack, physical, top):
    layers = [layer(entry) for entry in stack]
    rows = plan_layers(physical, layers)
    assert rows[0]["mtu"] == physical and rows[-1]["mtu"] == top
    assert rows[-1]["ping"] == {"ipv4": top - 28, "ipv6": top - 48}
    assert physical_for(top, layers) == physical


def test_guest_1500_over_vxlan():
    assert physical_for(1500, [layer({"type": "vxlan"})]) == 1550
    assert physical_for(1500, [layer({"type": "vxlan", "ip_version": 6})]) == 1570


def test_rows_name_each_layer():
    rows = plan_layers(9000, [layer({"type": "vxlan", "name": "vx100"})])
    assert rows == [
        {"name": "physical", "type": "physical", "overhead": 0, "mtu": 9000, "ping": {"ipv4": 8972, "ipv6": 8952}},
        {"name": "vx100", "type": "vxlan", "overhead": 50, "mtu": 8950, "ping": {"ipv4": 8922, "ipv6": 8902}},
    ]


@pytest.mark.parametrize("physical,stack,message", [
    (60, [], "physical MTU 60 is outside 68..65535"),
    (70000, [], "outside 68..65535"),
    (1000, [{"type": "vxlan", "ip_version": 6}], "needs an IPv6 underlay of at least 1280"),
    (100, [{"type": "vxlan"}], "left with MTU 50, below the IPv4 minimum"),
])
def test_budget_refusals(physical, stack, message):
    with pytest.raises(PlanError, match=message):
        plan_layers(physical, [layer(entry) for entry in stack])


@pytest.mark.parametrize("entry,message", [
    ({"type": "mpls"}, "unknown layer type 'mpls'"),
    ({"type": "vxlan", "ip_version": 5}, "must be 4 or 6"),
    ({"type": "vxlan", "header_size": 40}, "header_size applies to GENEVE layers only"),
    ({"type": "geneve_ovn", "header_size": 30}, "below the 38 bytes"),
])
def test_layer_refusals(entry, message):
    with pytest.raises(PlanError, match=message):
        layer(entry)


def test_reverse_refusals():
    with pytest.raises(PlanError, match="above 65535"):
        physical_for(65535, [layer({"type": "vxlan"})])
    with pytest.raises(PlanError, match="guest MTU 10 is outside"):
        physical_for(10, [])
