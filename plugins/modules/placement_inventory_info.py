#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: placement_inventory_info
short_description: Read Placement resource provider inventories, capacity and usage
version_added: 0.1.0
description:
  - Reads the inventories of resource providers through openstacksdk's placement proxy, with each
    class's capacity C((total - reserved) x allocation_ratio) and, optionally, its current usage.
  - All providers, one by name or UUID, or those whose name matches a pattern and/or that are members
    of an aggregate. Returns an empty list when none matches.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes.INFO_MODULE
  - hypercloud.builder._openstack
options:
  aggregate:
    description: Only the providers that are members of this aggregate (UUID).
    type: str
  name_pattern:
    description: Only the providers whose name matches this shell-style pattern.
    type: str
  provider:
    description: Only this provider, by name or UUID.
    type: str
  usages:
    description: Also read each provider's usages (one more GET per provider).
    type: bool
    default: true
seealso:
  - module: hypercloud.builder.placement_inventory
requirements:
  - openstacksdk with the placement proxy's bulk inventory PUT and usages (tested with 4.22.0)
"""

EXAMPLES = r"""
- name: Inventories of the compute nodes
  hypercloud.builder.placement_inventory_info:
    cloud: prod
    name_pattern: "compute-*"
  register: inv

- name: VCPU capacity per provider
  ansible.builtin.debug:
    msg: "{{ inv.providers | items2dict(key_name='name', value_name='inventories') }}"
"""

RETURN = r"""
providers:
  description: The selected providers, sorted by name; empty when none matches.
  returned: always
  type: list
  elements: dict
  contains:
    generation:
      description: The provider generation.
      type: int
      sample: 3
    inventories:
      description: Per resource class, every field with C(capacity), and C(used) with O(usages=true).
      type: dict
      sample: {"VCPU": {"total": 32, "reserved": 0, "min_unit": 1, "max_unit": 32, "step_size": 1,
               "allocation_ratio": 4.0, "capacity": 128, "used": 6}}
    name:
      description: The provider name.
      type: str
      sample: compute-01
    uuid:
      description: The provider UUID.
      type: str
      sample: 5a5f6a6b-3ff1-4e40-a1aa-0685cdf513ab
  sample: [{"uuid": "5a5f6a6b-3ff1-4e40-a1aa-0685cdf513ab", "name": "compute-01", "generation": 3,
            "inventories": {"VCPU": {"total": 32, "reserved": 0, "min_unit": 1, "max_unit": 32, "step_size": 1,
                                     "allocation_ratio": 4.0, "capacity": 128, "used": 6}}}]
"""

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import placement as api
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc import placement as calc


class PlacementInventoryInfo(HypercloudModule):
    supports_check_mode = True
    shared_spec = api.OPENSTACK_SPEC
    argument_spec = dict(
        aggregate=dict(type="str"),
        name_pattern=dict(type="str"),
        provider=dict(type="str"),
        usages=dict(type="bool", default=True),
    )
    module_kwargs = dict(mutually_exclusive=[("provider", "name_pattern"), ("provider", "aggregate")])

    def run(self):
        self.require("openstacksdk", api.SDK_IMPORT_ERROR)
        calc.check_selectors(provider=self.params["provider"], name_pattern=self.params["name_pattern"],
                             aggregate=self.params["aggregate"])
        placement = api.PlacementApi(api.connect(self.params))
        listed = placement.providers(member_of=self.params["aggregate"])
        out = []
        for provider in calc.select(listed, provider=self.params["provider"], name_pattern=self.params["name_pattern"]):
            generation, inventories = placement.inventories(provider["uuid"])
            usages = placement.usages(provider["uuid"]) if self.params["usages"] else None
            out.append(dict(uuid=provider["uuid"], name=provider["name"], generation=generation,
                            inventories=calc.describe(inventories, usages)))
        return dict(changed=False, providers=out)


def main():
    PlacementInventoryInfo().execute()


if __name__ == "__main__":
    main()
