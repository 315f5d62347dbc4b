#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mtu_plan
short_description: The MTU of every layer of a network stack, and the ping sizes to verify it
version_added: 0.2.0
description:
  - A pure calculator. From a physical MTU and a stack of layers (VLAN, bond, bridge, VXLAN, GENEVE,
    OVN's GENEVE, GRE, over IPv4 or IPv6), returns every layer's usable MTU and the C(ping -M do -s)
    payload sizes that verify it (MTU-28 for IPv4, MTU-48 for IPv6).
  - Answers the reverse question too. Given O(guest_mtu), returns the physical MTU that leaves the
    guest that MTU on top of the stack (1550 for a guest at 1500 over VXLAN on IPv4).
  - Overheads are an outer IP header (20 bytes over IPv4, 40 over IPv6) plus 30 bytes for VXLAN
    and GENEVE, 38 for GENEVE as OVN uses it, and 22 for GRE. VLAN tags, bonds and bridges cost nothing.
  - Never changes anything.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes.INFO_MODULE
  - hypercloud.builder._attributes.LINUX
options:
  guest_mtu:
    description: The MTU wanted at the top of the stack; the module returns the physical MTU it needs.
    type: int
  layers:
    description: The layers above the physical link, from the bottom up.
    type: list
    elements: dict
    default: []
    suboptions:
      header_size:
        description: GENEVE header budget (neutron C(max_header_size)); at least 30, or 38 for V(geneve_ovn).
        type: int
      ip_version:
        description: The IP version of an overlay's underlay.
        type: int
        choices: [4, 6]
        default: 4
      name:
        description: A name for the layer in the result, such as V(vx100). Defaults to its type.
        type: str
      type:
        description: The kind of layer.
        type: str
        required: true
        choices: [bond, bridge, geneve, geneve_ovn, gre, vlan, vxlan]
  physical_mtu:
    description: The MTU of the physical link. Use either O(physical_mtu) or O(guest_mtu).
    type: int
"""

EXAMPLES = r"""
- name: Jumbo frames under a VXLAN overlay on a VLAN
  hypercloud.builder.mtu_plan:
    physical_mtu: 9000
    layers:
      - {type: vlan, name: bond0.100}
      - {type: vxlan, name: vx100}
      - {type: bridge, name: br-vm}
  register: plan

- name: Which physical MTU gives a guest 1500 over VXLAN on IPv6?
  hypercloud.builder.mtu_plan:
    guest_mtu: 1500
    layers:
      - {type: vxlan, ip_version: 6}
"""

RETURN = r"""
guest_mtu:
  description: The MTU left at the top of the stack.
  returned: always
  type: int
  sample: 8950
layers:
  description: Every layer from the physical link up, with its overhead, usable MTU and verification ping payloads.
  returned: always
  type: list
  elements: dict
  sample: [{"name": "physical", "type": "physical", "overhead": 0, "mtu": 9000, "ping": {"ipv4": 8972, "ipv6": 8952}},
           {"name": "vx100", "type": "vxlan", "overhead": 50, "mtu": 8950, "ping": {"ipv4": 8922, "ipv6": 8902}}]
physical_mtu:
  description: The physical MTU, given or (with O(guest_mtu)) computed.
  returned: always
  type: int
  sample: 9000
total_overhead:
  description: The bytes all layers take together.
  returned: always
  type: int
  sample: 50
"""

from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.mtu_plan import (
    layer,
    physical_for,
    plan_layers,
)


class MtuPlan(HypercloudModule):
    supports_check_mode = True
    argument_spec = dict(
        guest_mtu=dict(type="int"),
        layers=dict(type="list", elements="dict", default=[], options=dict(
            header_size=dict(type="int"),
            ip_version=dict(type="int", choices=[4, 6], default=4),
            name=dict(type="str"),
            type=dict(type="str", required=True,
                      choices=["bond", "bridge", "geneve", "geneve_ovn", "gre", "vlan", "vxlan"]),
        )),
        physical_mtu=dict(type="int"),
    )
    module_kwargs = dict(
        mutually_exclusive=[("guest_mtu", "physical_mtu")],
        required_one_of=[("guest_mtu", "physical_mtu")],
    )

    def run(self):
        layers = [layer(entry) for entry in self.params["layers"]]
        physical = self.params["physical_mtu"]
        if physical is None:
            physical = physical_for(self.params["guest_mtu"], layers)
        rows = plan_layers(physical, layers)
        return dict(changed=False, physical_mtu=physical, guest_mtu=rows[-1]["mtu"], layers=rows,
                    total_overhead=physical - rows[-1]["mtu"])


def main():
    MtuPlan().execute()


if __name__ == "__main__":
    main()
