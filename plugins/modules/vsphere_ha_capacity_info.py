#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: vsphere_ha_capacity_info
short_description: Read a vSphere cluster's HA admission control and the capacity it lets VMs reserve
version_added: 0.1.0
description:
  - Reads with pyVmomi a cluster's HA configuration (HA and admission control enabled, the policy and
    its parameters), its hosts (CPU MHz per core, cores, threads, memory, connection state,
    maintenance mode) and its powered-on VMs' CPU and memory reservations and memory overhead.
  - Returns them in exactly the shape M(hypercloud.builder.capacity_plan) takes as O(hypercloud.builder.capacity_plan#module:ha_capacity),
    plus RV(usable), the capacity HA admission control lets powered-on VMs reserve.
  - Policies; cluster resource percentage (V(percentage); with automatic percentages, the failover
    level divided by the counted hosts), host failures the cluster tolerates (V(slots), with a fixed
    slot and C(das.vmcpuminmhz) when set), dedicated failover hosts (V(failover_hosts)); HA or
    admission control off gives V(disabled).
  - A cluster that does not exist gives RV(found=false) and empty values, not a failure.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes.INFO_MODULE
  - hypercloud.builder._vsphere
options:
  cluster:
    description: The cluster name.
    type: str
    required: true
  datacenter:
    description: The datacenter of the cluster, needed when two datacenters have a cluster of that name.
    type: str
notes:
  - A host's capacity is its raw hardware (cores x MHz, memory); C(cpu_capacity_mhz) and
    C(memory_capacity_mb) are not returned, so capacity_plan uses the raw figures.
seealso:
  - module: hypercloud.builder.capacity_plan
"""

EXAMPLES = r"""
- name: Read HA admission control of a cluster
  hypercloud.builder.vsphere_ha_capacity_info:
    hostname: vcenter.example.com
    username: readonly@vsphere.local
    password: "{{ vcenter_password }}"
    cluster: cluster01
  register: ha

- name: Plan Nova ratios from it
  hypercloud.builder.capacity_plan:
    ha_capacity: "{{ ha }}"
    nova: {vcpu_unit: threads, cpu_allocation_ratio: 4, ram_allocation_ratio: 1}
"""

RETURN = r"""
cluster:
  description: The cluster name.
  returned: always
  type: str
  sample: cluster01
found:
  description: Whether the cluster exists.
  returned: always
  type: bool
  sample: true
ha:
  description: HA as configured.
  returned: always
  type: dict
  sample: {"enabled": true, "admission_control_enabled": true, "host_monitoring": "enabled",
           "policy_class": "FailoverResourcesAdmissionControlPolicy"}
hosts:
  description: Every host of the cluster, in capacity_plan's shape (memory in MB, C(cpu_mhz) per core).
  returned: always
  type: list
  elements: dict
  sample: [{"name": "esx01", "cores": 16, "cpu_mhz": 2000, "threads": 32, "memory_mb": 131072,
            "connection_state": "connected", "maintenance": false}]
policy:
  description: The admission-control policy in capacity_plan's shape; C({}) when the cluster is not found.
  returned: always
  type: dict
  sample: {"type": "percentage", "cpu_percent": 25.0, "memory_percent": 25.0}
usable:
  description:
    - The capacity HA admission control lets powered-on VMs reserve (C(cpu_mhz), C(memory_mb)), the
      physical capacity of the counted hosts, and C(slots) with the slot policy.
    - C({}) when the cluster is not found, or when the capacity cannot be computed (no connected host out of
      maintenance, a failover level not below the number of hosts, no dedicated failover host named, ...);
      a warning then gives the reason.
  returned: always
  type: dict
  sample: {"policy": "percentage", "hosts": 4, "cores": 64, "threads": 128, "cpu_mhz": 96000, "cpu_ghz": 96,
           "memory_mb": 393216, "memory_gb": 384, "physical_cpu_mhz": 128000, "physical_memory_mb": 524288,
           "cpu_fraction": 0.75, "memory_fraction": 0.75, "ignored_hosts": ["esx05"]}
vms:
  description: The powered-on VMs with their reservations (MHz, MB) and memory overhead (MB, rounded up).
  returned: always
  type: list
  elements: dict
  sample: [{"name": "db01", "power_state": "poweredOn", "cpu_reservation_mhz": 4000, "memory_reservation_mb": 16384,
            "memory_overhead_mb": 64}]
"""

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import vsphere
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc import capacity, hacluster
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError


class VsphereHaCapacityInfo(HypercloudModule):
    supports_check_mode = True
    shared_spec = vsphere.VSPHERE_SPEC
    argument_spec = dict(
        cluster=dict(type="str", required=True),
        datacenter=dict(type="str"),
    )

    def run(self):
        self.require("pyVmomi", vsphere.PYVMOMI_IMPORT_ERROR)
        p = self.params
        with vsphere.VsphereApi(p["hostname"], p["username"], p["password"], p["port"], p["validate_certs"]) as api:
            obj = api.find_cluster(p["cluster"], p["datacenter"])
            if obj is None:
                return dict(changed=False, found=False, cluster=p["cluster"], ha={}, hosts=[], vms=[], policy={}, usable={})
            raw = api.read_cluster(obj)
        view = hacluster.cluster_view(p["cluster"], raw["hosts"], raw["vms"], raw["das"])
        for warning in view.pop("warnings"):
            self.module.warn(warning)
        try:
            ha = capacity.ha_capacity([capacity.host_from_dict(h) for h in view["hosts"]],
                                      [capacity.vm_from_dict(v) for v in view["vms"]],
                                      capacity.policy_from_dict(view["policy"]))
        except PlanError as err:
            # The cluster is read all the same (capacity_plan refuses it with the same reason).
            self.module.warn("HA-usable capacity not computed, usable is empty: %s" % err)
            return dict(changed=False, found=True, usable={}, **view)
        return dict(changed=False, found=True, usable=capacity.ha_summary(ha), **view)


def main():
    VsphereHaCapacityInfo().execute()


if __name__ == "__main__":
    main()
