#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: placement_inventory
short_description: Set allocation ratios, reservations and unit limits of Placement inventories
version_added: 0.1.0
description:
  - Sets C(allocation_ratio), C(reserved), C(min_unit), C(max_unit), C(step_size) (and C(total)) of
    resource provider inventories (V(VCPU), V(MEMORY_MB), V(DISK_GB), custom classes) through
    openstacksdk's placement proxy.
  - One provider by name or UUID, or every provider whose name matches a pattern and/or that is a
    member of an aggregate, in one task.
  - Only the fields given are managed; the others keep their value. Every class of the provider and
    every field, C(total) included, is sent in one PUT with the generation read, so nothing falls
    back to Placement's defaults.
  - A generation conflict (HTTP 409, someone else changed the provider in between) is handled by
    re-reading the provider, planning again and retrying.
  - Every provider is read and planned before anything is written. A change that would leave the
    current usage of a class above its new capacity, C((total - reserved) x allocation_ratio), is
    refused for all providers unless O(force=true).
  - When nothing changes, one GET per provider (its inventories) plus one GET listing the providers.
  - An C(allocation_ratio) within 1 part in 100,000 of the current one counts as unchanged. Placement on
    MySQL keeps ratios in a single-precision column and gives back about 6 significant digits, so a
    ratio such as 1.333333 would otherwise be written again on every run.
  - A ratio set in nova.conf (C(cpu_allocation_ratio) and so on) overwrites the Placement value on
    every periodic update of nova-compute; unset it with M(hypercloud.builder.nova_scheduler) first.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes
  - hypercloud.builder._openstack
options:
  aggregate:
    description: Select the providers that are members of this aggregate (UUID).
    type: str
  force:
    description: Apply a change even when it leaves current usage above the new capacity.
    type: bool
    default: false
  inventories:
    description:
      - "The wanted fields per resource class, for example C({VCPU: {allocation_ratio: 4.0}, MEMORY_MB:
        {allocation_ratio: 1.0, reserved: 4096}})."
      - Fields are C(allocation_ratio) (above 0), C(reserved) (0 to C(total)), C(min_unit), C(max_unit),
        C(step_size) and C(total), each a finite number (V(inf) and V(nan) are refused). A class the
        provider does not have is created when C(total) is given,
        and refused otherwise. A custom class (C(CUSTOM_*)) missing from Placement is created first.
    type: dict
    required: true
  name_pattern:
    description: Select the providers whose name matches this shell-style pattern, for example V(compute-*).
    type: str
  provider:
    description: One resource provider, by name or UUID. It must exist.
    type: str
  retries:
    description: How many times to re-read and retry one provider after a generation conflict.
    type: int
    default: 5
notes:
  - Placement itself accepts a capacity below what is allocated (the provider is then over capacity);
    this module refuses it unless O(force=true).
seealso:
  - module: hypercloud.builder.placement_inventory_info
  - module: hypercloud.builder.capacity_plan
requirements:
  - openstacksdk with the placement proxy's bulk inventory PUT and usages (tested with 4.22.0)
"""

EXAMPLES = r"""
- name: Same ratios on every compute node of an aggregate
  hypercloud.builder.placement_inventory:
    cloud: prod
    aggregate: 2b0f1c84-4f7b-4f0e-9d55-0c1b2c4a6a10
    inventories:
      VCPU: {allocation_ratio: 4.0}
      MEMORY_MB: {allocation_ratio: 1.0, reserved: 4096}

- name: One provider, on a Placement without Keystone (noauth2)
  hypercloud.builder.placement_inventory:
    auth_type: admin_token
    auth: {token: admin, endpoint: "http://127.0.0.1:18710"}
    endpoint_override: http://127.0.0.1:18710
    provider: vc01-cluster01
    inventories:
      VCPU: {allocation_ratio: "{{ plan.settings.cpu_allocation_ratio }}", reserved: "{{ plan.settings.reserved_host_cpus }}"}
"""

RETURN = r"""
providers:
  description: One entry per selected provider, sorted by name, with what changed (or would change in check mode).
  returned: always
  type: list
  elements: dict
  contains:
    capacity:
      description: Capacity before and after, per changed class.
      type: dict
      sample: {"VCPU": {"before": 128, "after": 96}}
    changed:
      description: Whether this provider changed.
      type: bool
      sample: true
    changes:
      description: Per changed class, each changed field with its value before and after.
      type: dict
      sample: {"VCPU": {"allocation_ratio": {"before": 4.0, "after": 3.0}}}
    generation:
      description: The provider generation after the change (as read when nothing changed).
      type: int
      sample: 7
    name:
      description: The provider name.
      type: str
      sample: compute-01
    retries:
      description: Generation conflicts met and retried for this provider.
      type: int
      sample: 0
    uuid:
      description: The provider UUID.
      type: str
      sample: 5a5f6a6b-3ff1-4e40-a1aa-0685cdf513ab
  sample: [{"uuid": "5a5f6a6b-3ff1-4e40-a1aa-0685cdf513ab", "name": "compute-01", "generation": 7, "changed": true,
            "changes": {"VCPU": {"allocation_ratio": {"before": 4.0, "after": 3.0}}},
            "capacity": {"VCPU": {"before": 128, "after": 96}}, "retries": 0}]
"""

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import placement as api
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc import placement as calc
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError


class PlacementInventory(HypercloudModule):
    supports_check_mode = True
    shared_spec = api.OPENSTACK_SPEC
    argument_spec = dict(
        aggregate=dict(type="str"),
        force=dict(type="bool", default=False),
        inventories=dict(type="dict", required=True),
        name_pattern=dict(type="str"),
        provider=dict(type="str"),
        retries=dict(type="int", default=5),
    )
    module_kwargs = dict(
        required_one_of=[("provider", "name_pattern", "aggregate")],
        mutually_exclusive=[("provider", "name_pattern"), ("provider", "aggregate")],
    )

    def plan(self, placement, desired, provider):
        """Read one provider (1 GET, +1 for usages when a capacity drops) and plan it."""
        generation, current = placement.inventories(provider["uuid"])
        plan = calc.plan_provider(provider["uuid"], provider["name"], generation, current, desired)
        if plan.shrinking:
            for warning in calc.check_usages(plan, placement.usages(plan.uuid), self.params["force"]):
                self.module.warn("forced: " + warning)
        return plan, current

    def run(self):
        self.require("openstacksdk", api.SDK_IMPORT_ERROR)
        if self.params["retries"] < 0:
            raise PlanError("retries must be 0 or more")
        calc.check_selectors(provider=self.params["provider"], name_pattern=self.params["name_pattern"],
                             aggregate=self.params["aggregate"])
        desired = calc.desired_from_dict(self.params["inventories"])
        placement = api.PlacementApi(api.connect(self.params))
        wanted = self.params["provider"]
        listed = placement.providers(member_of=self.params["aggregate"])
        selected = calc.select(listed, provider=wanted, name_pattern=self.params["name_pattern"])
        if wanted is not None and not selected:
            raise PlanError("no resource provider named or with UUID %s" % wanted)

        # Read and plan every provider before writing anything: a refusal changes nothing.
        plans = [self.plan(placement, desired, p) for p in selected]
        reports, before, after = [], {}, {}
        if not self.check_mode:
            for name in sorted({rc for plan, _current in plans for rc in plan.new_custom_classes}):
                placement.ensure_resource_class(name)
        for plan, current in plans:
            retries = 0
            while plan.changed and not self.check_mode:
                try:
                    plan.generation = placement.set_inventories(plan.uuid, plan.generation, plan.inventories)
                    break
                except api.GenerationConflict as exc:
                    retries += 1
                    if retries > self.params["retries"]:
                        raise AdapterError("%s: still conflicting after %d retries: %s"
                                           % (plan.name, self.params["retries"], exc)) from None
                    plan, current = self.plan(placement, desired, {"uuid": plan.uuid, "name": plan.name})
            reports.append(calc.report(plan, retries))
            if plan.changed:
                before[plan.name] = calc.describe(current)
                after[plan.name] = calc.describe(plan.inventories)
        return self.result(any(r["changed"] for r in reports), before=before, after=after, providers=reports)


def main():
    PlacementInventory().execute()


if __name__ == "__main__":
    main()
