#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: link_mtu
short_description: Set the MTU of Linux links, a whole stack in one task
version_added: 0.1.0
description:
  - Sets the MTU of one interface, or of a stack of interfaces (physical NIC, bond, VLAN, bridge,
    veth, tap), live with iproute2.
  - Orders the changes the way the kernel needs them. A parent is raised before its children, and
    children are lowered before their parents. A bond pushes its MTU to its slaves.
  - Refuses, before changing anything, an interface that does not exist, an MTU outside the driver's
    range (C(min_mtu)/C(max_mtu) from C(ip -d -j link)) or below 68 (1280 on an interface with IPv6
    addresses), two different MTUs for one interface, and a child left above its parent.
  - Check mode and diff mode report every interface's MTU before and after, from the same plan
    that is applied.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes
  - hypercloud.builder._attributes.LINUX
options:
  links:
    description:
      - The interfaces to set, each with its MTU. Use either O(links) or O(name) and O(mtu).
    type: list
    elements: dict
    suboptions:
      mtu:
        description: The MTU, in bytes.
        type: int
        required: true
      name:
        description: The interface name.
        type: str
        required: true
  mtu:
    description: The MTU of O(name), in bytes.
    type: int
  name:
    description: One interface to set. Use either O(name) and O(mtu), or O(links).
    type: str
  namespace:
    description:
      - A network namespace (as listed by C(ip netns)) to work in, instead of the host's own.
    type: str
notes:
  - Changes are live only. Persisting them in the host's network configuration is planned for a
    later release.
requirements:
  - iproute2 with JSON output (C(ip -j)).
"""

EXAMPLES = r"""
- name: Jumbo frames on a bond, the VLAN on it and the bridge on the VLAN
  hypercloud.builder.link_mtu:
    links:
      - {name: bond0, mtu: 9000}
      - {name: bond0.100, mtu: 9000}
      - {name: br-storage, mtu: 9000}

- name: One interface inside a network namespace
  hypercloud.builder.link_mtu:
    name: eth0
    mtu: 9000
    namespace: tenant-a
"""

RETURN = r"""
links:
  description: Each interface the change touches (requested, or moved by its bond), with its MTU before and after.
  returned: always
  type: dict
  sample: {"bond0": {"kind": "bond", "before": 1500, "after": 9000}, "eth1": {"kind": "device", "before": 1500, "after": 9000}}
plan:
  description: The C(ip link set) steps in the order they are (or in check mode would be) applied.
  returned: always
  type: list
  elements: dict
  sample: [{"name": "bond0", "before": 1500, "after": 9000, "implied": ["eth1", "eth2"]}]
"""

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.iproute2 import Iproute2
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.mtu import merge_requests, plan_mtu


class LinkMtu(HypercloudModule):
    argument_spec = dict(
        links=dict(type="list", elements="dict", options=dict(
            name=dict(type="str", required=True),
            mtu=dict(type="int", required=True),
        )),
        mtu=dict(type="int"),
        name=dict(type="str"),
        namespace=dict(type="str"),
    )
    module_kwargs = dict(
        mutually_exclusive=[("links", "name")],
        required_one_of=[("links", "name")],
        required_together=[("name", "mtu")],
    )

    def run(self):
        requests = [(self.params["name"], self.params["mtu"])] if self.params["name"] else \
            [(entry["name"], entry["mtu"]) for entry in self.params["links"]]
        ip = Iproute2(self.module.run_command, self.module.get_bin_path("ip", required=True),
                      namespace=self.params["namespace"])
        current = ip.links()
        plan = plan_mtu(current, merge_requests(requests))
        if not self.check_mode:
            for step in plan:
                ip.set_mtu(step.name, step.after)

        touched = {}
        for name, _mtu in requests:
            touched[name] = dict(kind=current[name].kind, before=current[name].mtu, after=current[name].mtu)
        for step in plan:
            for name in (step.name,) + step.implied:
                touched[name] = dict(kind=current[name].kind, before=current[name].mtu, after=step.after)
        return self.result(
            changed=bool(plan),
            before={name: link["before"] for name, link in touched.items()},
            after={name: link["after"] for name, link in touched.items()},
            links=touched,
            plan=[dict(name=s.name, before=s.before, after=s.after, implied=list(s.implied)) for s in plan],
        )


def main():
    LinkMtu().execute()


if __name__ == "__main__":
    main()
