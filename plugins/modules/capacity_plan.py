#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: capacity_plan
short_description: Nova allocation ratios and reservations that match vSphere HA admission control
version_added: 0.1.0
description:
  - Pure planning, no I/O. From the capacity vSphere HA admission control admits on a cluster and the
    Nova view of the same cluster, computes the C(cpu_allocation_ratio), C(ram_allocation_ratio) and/or
    C(reserved_host_cpus)/C(reserved_host_memory_mb) that make Nova promise no more than HA admits.
  - Supports the three admission-control policies. V(percentage) holds back a share of CPU and of
    memory. V(failover_hosts) holds back dedicated failover hosts. V(slots) (host failures the
    cluster tolerates) follows vSphere's slot-size algorithm; the N hosts with the most slots are
    removed and the usable capacity is the remaining slots times the slot size.
  - Only connected hosts out of maintenance mode count, for HA and for the VMware driver alike.
  - Returns the plan (ready for M(hypercloud.builder.nova_scheduler)), the before and after capacity of
    both views, and an explanation in sentences. Never changes anything.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes
options:
  cpu_overcommit:
    description:
      - With O(mode=overcommit), the vCPU overcommit wanted on top of the HA-usable share, in Nova's
        vCPU unit. Defaults to the current O(nova.cpu_allocation_ratio).
    type: float
  ha_capacity:
    description:
      - The cluster as C(hypercloud.builder.vsphere_ha_capacity_info) returns it, a dict with the keys
        C(hosts), C(vms) and C(policy) shaped like O(hosts), O(vms) and O(policy); other keys are ignored.
      - Use either O(ha_capacity), or O(hosts) and O(policy) (and O(vms)).
    type: dict
  headroom_percent:
    description: Share of the HA-usable capacity to keep free for churn (for example 25).
    type: float
    default: 0
  hosts:
    description: The cluster's hosts, given by hand.
    type: list
    elements: dict
    suboptions:
      connection_state:
        description: The host's connection state; only V(connected) hosts count.
        type: str
        choices: [connected, disconnected, notResponding]
        default: connected
      cores:
        description: Physical CPU cores.
        type: int
        required: true
      cpu_capacity_mhz:
        description: The root resource pool's CPU capacity, if below the raw C(cores x cpu_mhz).
        type: int
      cpu_mhz:
        description: MHz per core.
        type: int
        required: true
      maintenance:
        description: Whether the host is in maintenance mode (then it does not count).
        type: bool
        default: false
      memory_capacity_mb:
        description: The root resource pool's memory capacity, if below O(hosts[].memory_mb).
        type: int
      memory_mb:
        description: Memory in MB (MiB).
        type: int
        required: true
      name:
        description: The host name.
        type: str
        required: true
      threads:
        description: Hardware threads; defaults to O(hosts[].cores).
        type: int
  method:
    description:
      - V(ratio) scales the allocation ratios and keeps the current reservations.
      - V(reserved) keeps ratio 1.0 (O(mode=full)) or the overcommit (O(mode=overcommit)) and sets
        C(reserved_host_cpus) and C(reserved_host_memory_mb) to the held-back share.
      - Both are returned in RV(alternatives); this chooses RV(settings).
    type: str
    choices: [ratio, reserved]
    default: ratio
  mode:
    description:
      - V(full) when every VM reserves all its vCPUs and memory; Nova must then promise no more than HA
        admits. A vCPU counts as one core's MHz.
      - V(overcommit) applies the wanted overcommit on top of the HA-usable share.
    type: str
    choices: [full, overcommit]
    default: full
  nova:
    description: How Nova sees the cluster now (the VMware driver has one resource provider per cluster).
    type: dict
    default: {}
    suboptions:
      cpu_allocation_ratio:
        description: The current VCPU allocation ratio.
        type: float
        default: 4.0
      ram_allocation_ratio:
        description: The current MEMORY_MB allocation ratio.
        type: float
        default: 1.0
      reserved_host_cpus:
        description: The current C(reserved_host_cpus).
        type: int
        default: 0
      reserved_host_memory_mb:
        description: The current C(reserved_host_memory_mb) (Nova's own default is 512 when nova.conf leaves it unset).
        type: int
        default: 0
      vcpu_unit:
        description:
          - What one Nova VCPU is. The VMware driver counts V(threads) of connected hosts out of maintenance.
        type: str
        choices: [cores, threads]
        default: threads
  policy:
    description: The HA admission-control policy, given by hand.
    type: dict
    suboptions:
      cpu_percent:
        description: With O(policy.type=percentage), the CPU share reserved for failover, 0 to 100.
        type: float
      failover_hosts:
        description: With O(policy.type=failover_hosts), the names of the dedicated failover hosts.
        type: list
        elements: str
      failover_level:
        description: With O(policy.type=slots), the number of host failures the cluster tolerates.
        type: int
        default: 1
      memory_percent:
        description: With O(policy.type=percentage), the memory share reserved for failover, 0 to 100.
        type: float
      slot_cpu_mhz:
        description: A fixed slot's CPU size (FixedSizeSlotPolicy), with O(policy.slot_memory_mb).
        type: int
      slot_memory_mb:
        description: A fixed slot's memory size, with O(policy.slot_cpu_mhz).
        type: int
      type:
        description: The policy. V(disabled) means admission control is off.
        type: str
        required: true
        choices: [percentage, failover_hosts, slots, disabled]
      vm_cpu_min_mhz:
        description: The CPU a VM without reservation counts for in a slot (C(das.vmcpuminmhz)).
        type: int
        default: 32
  ram_overcommit:
    description:
      - With O(mode=overcommit), the memory overcommit wanted on top of the HA-usable share. Defaults to
        the current O(nova.ram_allocation_ratio).
    type: float
  vms:
    description:
      - The cluster's VMs, given by hand; only powered-on VMs count.
      - Not with O(ha_capacity), which carries its own C(vms).
    type: list
    elements: dict
    default: []
    suboptions:
      cpu_reservation_mhz:
        description: CPU reservation.
        type: int
        default: 0
      memory_overhead_mb:
        description: Memory overhead.
        type: int
        default: 0
      memory_reservation_mb:
        description: Memory reservation.
        type: int
        default: 0
      name:
        description: The VM name.
        type: str
      power_state:
        description: The power state.
        type: str
        choices: [poweredOn, poweredOff, suspended]
        default: poweredOn
notes:
  - Ratios are rounded down to 4 decimals and reservations up, so Nova never promises more than planned.
  - A ratio of 0.0 means "unset" to Nova. When HA admits nothing, use O(method=reserved).
seealso:
  - module: hypercloud.builder.nova_scheduler
"""

EXAMPLES = r"""
- name: Hosts given by hand, 25% CPU and memory reserved for failover, Nova at 10x / 1.5x on cores
  hypercloud.builder.capacity_plan:
    hosts:
      - {name: esx01, cores: 32, cpu_mhz: 2200, memory_mb: 262144}
      - {name: esx02, cores: 32, cpu_mhz: 2200, memory_mb: 262144}
      - {name: esx03, cores: 32, cpu_mhz: 2200, memory_mb: 262144, maintenance: true}
    policy: {type: percentage, cpu_percent: 25, memory_percent: 25}
    nova: {vcpu_unit: cores, cpu_allocation_ratio: 10, ram_allocation_ratio: 1.5}
    mode: overcommit
  register: plan

- name: Slot policy read from vCenter, 20% headroom kept free, as reservations
  hypercloud.builder.capacity_plan:
    ha_capacity: "{{ ha }}"
    nova: {vcpu_unit: threads, cpu_allocation_ratio: 4, ram_allocation_ratio: 1}
    mode: full
    method: reserved
    headroom_percent: 20

- name: Apply the plan to nova.conf
  hypercloud.builder.nova_scheduler:
    path: /etc/nova/nova.conf
    settings: "{{ plan.settings }}"
"""

RETURN = r"""
after:
  description: The capacity of both views once the plan is applied (HA does not change).
  returned: always
  type: dict
  sample: {"ha": {"cpu_ghz": 844.8, "memory_gb": 3072}, "nova": {"vcpus": 384, "cpu_ghz": 844.8, "memory_gb": 3072}}
alternatives:
  description:
    - The plan for each method; C(null) for V(ratio) when HA admits nothing, or when, with O(method=reserved),
      the current reservations in O(nova) leave nothing to schedule on.
  returned: always
  type: dict
  sample: {"ratio": {"cpu_allocation_ratio": 0.75, "ram_allocation_ratio": 0.75, "reserved_host_cpus": 0, "reserved_host_memory_mb": 0},
           "reserved": {"cpu_allocation_ratio": 1.0, "ram_allocation_ratio": 1.0, "reserved_host_cpus": 128, "reserved_host_memory_mb": 1048576}}
before:
  description: The HA-usable capacity and what Nova promises now, in MHz/GHz, MB/GB and vCPUs; C(ha.slots) with the slot policy.
  returned: always
  type: dict
  sample: {"ha": {"policy": "percentage", "hosts": 16, "cpu_mhz": 844800, "cpu_ghz": 844.8, "memory_mb": 3145728, "memory_gb": 3072},
           "nova": {"vcpus": 5120, "cpu_ghz": 11264, "memory_gb": 6144}}
explanation:
  description: The plan in sentences.
  returned: always
  type: list
  elements: str
  sample: ["HA-usable capacity (percentage policy): 844.8 GHz (75%) and 3072 GB (75%)."]
settings:
  description: The Nova settings of the chosen O(method), ready for M(hypercloud.builder.nova_scheduler).
  returned: always
  type: dict
  sample: {"cpu_allocation_ratio": 0.75, "ram_allocation_ratio": 0.75, "reserved_host_cpus": 0, "reserved_host_memory_mb": 0}
"""

from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.capacity import plan_cluster
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError


class CapacityPlan(HypercloudModule):
    supports_check_mode = True
    argument_spec = dict(
        cpu_overcommit=dict(type="float"),
        ha_capacity=dict(type="dict"),
        headroom_percent=dict(type="float", default=0),
        hosts=dict(type="list", elements="dict", options=dict(
            connection_state=dict(type="str", default="connected", choices=["connected", "disconnected", "notResponding"]),
            cores=dict(type="int", required=True),
            cpu_capacity_mhz=dict(type="int"),
            cpu_mhz=dict(type="int", required=True),
            maintenance=dict(type="bool", default=False),
            memory_capacity_mb=dict(type="int"),
            memory_mb=dict(type="int", required=True),
            name=dict(type="str", required=True),
            threads=dict(type="int"),
        )),
        method=dict(type="str", default="ratio", choices=["ratio", "reserved"]),
        mode=dict(type="str", default="full", choices=["full", "overcommit"]),
        nova=dict(type="dict", default={}, options=dict(
            cpu_allocation_ratio=dict(type="float", default=4.0),
            ram_allocation_ratio=dict(type="float", default=1.0),
            reserved_host_cpus=dict(type="int", default=0),
            reserved_host_memory_mb=dict(type="int", default=0),
            vcpu_unit=dict(type="str", default="threads", choices=["cores", "threads"]),
        )),
        policy=dict(type="dict", options=dict(
            cpu_percent=dict(type="float"),
            failover_hosts=dict(type="list", elements="str"),
            failover_level=dict(type="int", default=1),
            memory_percent=dict(type="float"),
            slot_cpu_mhz=dict(type="int"),
            slot_memory_mb=dict(type="int"),
            type=dict(type="str", required=True, choices=["percentage", "failover_hosts", "slots", "disabled"]),
            vm_cpu_min_mhz=dict(type="int", default=32),
        )),
        ram_overcommit=dict(type="float"),
        vms=dict(type="list", elements="dict", default=[], options=dict(
            cpu_reservation_mhz=dict(type="int", default=0),
            memory_overhead_mb=dict(type="int", default=0),
            memory_reservation_mb=dict(type="int", default=0),
            name=dict(type="str"),
            power_state=dict(type="str", default="poweredOn", choices=["poweredOn", "poweredOff", "suspended"]),
        )),
    )
    module_kwargs = dict(
        mutually_exclusive=[("ha_capacity", "hosts"), ("ha_capacity", "policy")],
        required_one_of=[("ha_capacity", "hosts")],
        required_together=[("hosts", "policy")],
    )

    def cluster(self):
        """(hosts, vms, policy) as plain dicts, from O(ha_capacity) or from the options given by hand."""
        given = self.params["ha_capacity"]
        if given is None:
            return self.params["hosts"], self.params["vms"] or [], self.params["policy"]
        if self.params["vms"]:
            raise PlanError("vms goes with hosts and policy: with ha_capacity, the VMs are those of ha_capacity.vms")
        for key, kind in (("hosts", list), ("vms", list), ("policy", dict)):
            if not isinstance(given.get(key, [] if key == "vms" else None), kind):
                raise PlanError("ha_capacity.%s must be a %s" % (key, kind.__name__))
        return given["hosts"], given.get("vms") or [], given["policy"]

    def run(self):
        hosts, vms, policy = self.cluster()
        plan = plan_cluster(
            hosts,
            vms,
            policy,
            self.params["nova"] or {},
            mode=self.params["mode"],
            method=self.params["method"],
            headroom_percent=self.params["headroom_percent"],
            cpu_overcommit=self.params["cpu_overcommit"],
            ram_overcommit=self.params["ram_overcommit"],
        )
        nova = plan.before["nova"]
        result = self.result(
            changed=False,
            before={key: nova[key] for key in plan.settings},
            after=plan.settings,
            settings=plan.settings,
            alternatives=plan.alternatives,
            explanation=plan.explanation,
        )
        # Planning only: the diff shows the Nova settings; before/after carry both views' capacity.
        result.update(before=plan.before, after=plan.after)
        return result


def main():
    CapacityPlan().execute()


if __name__ == "__main__":
    main()
