#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: swift_ring
short_description: Build a Swift ring to a wanted set of devices, rebalancing only when something changed
version_added: 0.1.0
description:
  - Creates a Swift ring builder (account, container or object) with a part power, a replica count
    and C(min_part_hours), and brings its devices to the list given. Devices are keyed by IP, port
    and name; weight, region and zone are changed in place (C(set_weight), C(set_region), C(set_zone)).
  - A removed device stays in the builder, marked for removal, until the next rebalance; it counts as
    absent (see RV(pending_removal)). Listing it again re-adds it right after that rebalance, because
    C(swift-ring-builder) refuses to add an IP, port and name that the builder still holds.
  - Rebalances only after a change, so an unchanged ring is never rebalanced. When partitions moved
    less than C(min_part_hours) ago, the device changes are saved in the builder and the module
    reports RV(wait_seconds) instead of forcing a rebalance; a later run rebalances.
  - The rebalance is C(rebalance --force), so that a change that moves no partition (a zone change in
    a one-replica ring, say) is still saved and written to the ring file; it never overrides
    C(min_part_hours).
  - Refuses a part power change (a partition-power increase is a cluster operation), more replicas
    than devices, duplicate devices, non-positive weights, before anything changes.
  - The commands run on a copy of the builder; only when all of them succeed do the new builder and
    ring replace the old ones (the previous builder is kept in C(backups/)), so a failure leaves both
    untouched. Check mode runs the same commands on a throw-away copy, so it fails where the real run
    would.
  - Reads the builder with Swift's own C(RingBuilder) (in O(python)), and changes it with
    C(swift-ring-builder).
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes
  - hypercloud.builder._attributes.LINUX
options:
  builder_bin:
    description: The C(swift-ring-builder) command.
    type: str
    default: swift-ring-builder
  devices:
    description: The devices of the ring.
    type: list
    elements: dict
    required: true
    suboptions:
      device:
        description:
          - The device name (the directory under the servers' C(devices) root).
          - Letters, digits, C(.) and C(-); C(swift-ring-builder) reads what follows a C(_) as metadata.
        type: str
        required: true
      ip:
        description: The storage server's IP; defaults to O(ip).
        type: str
      port:
        description: The storage server's port; defaults to O(port).
        type: int
      region:
        description: The region.
        type: int
        default: 1
      weight:
        description: The relative weight.
        type: float
        default: 100.0
      zone:
        description: The zone.
        type: int
        default: 1
  ip:
    description: The IP of devices that do not name one.
    type: str
    default: 127.0.0.1
  min_part_hours:
    description: Hours before a partition may move again after a rebalance.
    type: int
    default: 1
  part_power:
    description: The partition power (2^part_power partitions); fixed once the builder exists.
    type: int
    required: true
  port:
    description: The port of devices that do not name one.
    type: int
    required: true
  python:
    description: The Python interpreter that can import C(swift), used to read the builder.
    type: str
    default: /usr/bin/python3
  replicas:
    description: The replica count.
    type: float
    default: 1
  ring:
    description: Which ring.
    type: str
    required: true
    choices: [account, container, object]
  swift_dir:
    description: The directory holding C(<ring>.builder) and C(<ring>.ring.gz).
    type: path
    default: /etc/swift
requirements:
  - Swift (C(swift-ring-builder) and the C(swift) Python package).
"""

EXAMPLES = r"""
- name: Object ring on two loop-backed devices
  hypercloud.builder.swift_ring:
    ring: object
    part_power: 10
    replicas: 2
    port: 6200
    devices:
      - {device: d1}
      - {device: d2, weight: 50}
"""

RETURN = r"""
changes:
  description: What changed in the builder, in the operator's terms.
  returned: always
  type: list
  elements: str
  sample: ["add r1z1-127.0.0.1:6200/d2 weight 100"]
commands:
  description: The swift-ring-builder arguments run (or in check mode that would run), in order.
  returned: always
  type: list
  elements: list
  sample: [["add", "r1z1-127.0.0.1:6200/d2", "100"], ["rebalance", "--force"]]
pending_removal:
  description: Devices marked for removal in the builder (weight 0) after this run (in check mode, that
    would be), which leave it at the next rebalance.
  returned: always
  type: list
  elements: str
  sample: ["r1z1-127.0.0.1:6200/d1"]
rebalanced:
  description: Whether the ring was (or in check mode would be) rebalanced.
  returned: always
  type: bool
  sample: true
wait_seconds:
  description: Seconds before min_part_hours allows the pending rebalance; 0 when nothing waits.
  returned: always
  type: int
  sample: 0
"""

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.swift_ring_builder import SwiftRingBuilder
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.swift_ring import (
    RingSpec,
    apply_plan,
    devices_from,
    plan_ring,
    ring_view,
)


class SwiftRing(HypercloudModule):
    supports_check_mode = True
    argument_spec = dict(
        builder_bin=dict(type="str", default="swift-ring-builder"),
        devices=dict(type="list", elements="dict", required=True, options=dict(
            device=dict(type="str", required=True),
            ip=dict(type="str"),
            port=dict(type="int"),
            region=dict(type="int", default=1),
            weight=dict(type="float", default=100.0),
            zone=dict(type="int", default=1),
        )),
        ip=dict(type="str", default="127.0.0.1"),
        min_part_hours=dict(type="int", default=1),
        part_power=dict(type="int", required=True),
        port=dict(type="int", required=True),
        python=dict(type="str", default="/usr/bin/python3"),
        replicas=dict(type="float", default=1),
        ring=dict(type="str", required=True, choices=["account", "container", "object"]),
        swift_dir=dict(type="path", default="/etc/swift"),
    )

    def run(self):
        p = self.params
        spec = RingSpec(p["part_power"], p["replicas"], p["min_part_hours"],
                        devices_from(p["devices"], p["ip"], p["port"]))
        builder = SwiftRingBuilder(self.module.run_command, self.module.get_bin_path(p["builder_bin"], required=True),
                                   p["python"], p["swift_dir"], p["ring"])
        current = builder.read()
        plan = plan_ring(current, spec)
        builder.apply(plan.commands, commit=not self.check_mode)
        removing = sorted(d.search for d in apply_plan(current, spec, plan).removing)
        return self.result(
            changed=bool(plan.commands), before=ring_view(current), after=ring_view(spec),
            changes=list(plan.changes), commands=[list(c) for c in plan.commands],
            rebalanced=plan.rebalance, wait_seconds=plan.wait_seconds, pending_removal=removing,
        )


def main():
    SwiftRing().execute()


if __name__ == "__main__":
    main()
