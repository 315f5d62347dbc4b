# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A vSphere cluster as read from vCenter, turned into the input of ``_calc.capacity``.

Pure: the adapter (``_adapters.vsphere``) reads hosts, VMs and ``configurationEx.dasConfig`` as plain
values in vSphere's own units (bytes, MHz, managed object ids); this module converts them to the
``hosts`` / ``vms`` / ``policy`` shape that ``capacity_plan`` takes (MB, MHz, host names).

Policy mapping (domain reference 2.1): HA off or admission control off -> ``disabled``;
``FailoverResourcesAdmissionControlPolicy`` -> ``percentage`` (with ``autoComputePercentages`` the
percentages are ``failoverLevel / counted hosts``, exact for equal hosts); ``FailoverLevel...`` ->
``slots`` (a ``FixedSizeSlotPolicy`` gives the slot; ``das.vmcpuminmhz`` the CPU floor);
``FailoverHost...`` -> ``failover_hosts`` (names of the listed hosts).
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

MIB = 1024 * 1024
KINDS = {"FailoverResources": "percentage", "FailoverLevel": "slots", "FailoverHost": "failover_hosts"}
SLOT_CAP_OPTIONS = ("das.slotcpuinmhz", "das.slotmeminmb")


def _mb(value: Optional[int], up: bool = False) -> int:
    if not value:
        return 0
    return -(-int(value) // MIB) if up else int(value) // MIB


def hosts_view(hosts: Sequence[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """Hosts as capacity_plan takes them; ``memory_size`` in bytes, ``cpu_mhz`` per core."""
    out = []
    for h in sorted(hosts, key=lambda h: h["name"]):
        out.append(dict(name=h["name"], cores=int(h.get("cores") or 0), cpu_mhz=int(h.get("cpu_mhz") or 0),
                        threads=int(h.get("threads") or h.get("cores") or 0), memory_mb=_mb(h.get("memory_size")),
                        connection_state=h.get("connection_state") or "connected",
                        maintenance=bool(h.get("maintenance"))))
    return out


def vms_view(vms: Sequence[Mapping[str, Any]], powered_on_only: bool = True) -> List[Dict[str, Any]]:
    """VMs with their reservations; a reservation of -1 or none counts as 0, overhead is rounded up to MB."""
    out = []
    for vm in sorted(vms, key=lambda v: v["name"]):
        state = vm.get("power_state") or "poweredOff"
        if powered_on_only and state != "poweredOn":
            continue
        out.append(dict(name=vm["name"], power_state=state,
                        cpu_reservation_mhz=max(int(vm.get("cpu_reservation_mhz") or 0), 0),
                        memory_reservation_mb=max(int(vm.get("memory_reservation_mb") or 0), 0),
                        memory_overhead_mb=_mb(vm.get("memory_overhead"), up=True)))
    return out


def policy_view(das: Mapping[str, Any], hosts: Sequence[Mapping[str, Any]],
                host_names: Mapping[str, str]) -> Dict[str, Any]:
    """The policy dict of capacity_plan from the raw dasConfig (``kind`` is the policy class without suffix)."""
    options = das.get("options") or {}
    if not das.get("enabled") or not das.get("admission_control_enabled") or not das.get("kind"):
        return dict(type="disabled")
    kind = KINDS.get(das["kind"])
    if kind is None:
        raise PlanError("admission-control policy %sAdmissionControlPolicy is not supported; the supported ones are %s"
                        % (das["kind"], ", ".join("%sAdmissionControlPolicy" % k for k in sorted(KINDS))))
    if kind == "percentage":
        if das.get("auto_compute_percentages"):
            counted = [h for h in hosts if (h.get("connection_state") or "connected") == "connected" and not h.get("maintenance")]
            if not counted:
                raise PlanError("automatic failover percentages need at least one connected host out of maintenance")
            level = int(das.get("failover_level") or 1)
            share = min(100.0, round(100.0 * level / len(counted), 4))
            return dict(type=kind, cpu_percent=share, memory_percent=share, auto_compute=True, failover_level=level)
        return dict(type=kind, cpu_percent=float(das.get("cpu_percent") or 0), memory_percent=float(das.get("memory_percent") or 0))
    if kind == "failover_hosts":
        ids = das.get("failover_host_ids") or []
        unknown = [i for i in ids if i not in host_names]
        if unknown:
            raise PlanError("failover host(s) %s are not hosts of this cluster" % ", ".join(unknown))
        return dict(type=kind, failover_hosts=sorted(host_names[i] for i in ids))
    policy: Dict[str, Any] = dict(type=kind, failover_level=int(das.get("failover_level") or 1))
    if das.get("slot_cpu_mhz") or das.get("slot_memory_mb"):
        policy.update(slot_cpu_mhz=int(das.get("slot_cpu_mhz") or 0), slot_memory_mb=int(das.get("slot_memory_mb") or 0))
    if options.get("das.vmcpuminmhz") not in (None, ""):
        try:
            policy["vm_cpu_min_mhz"] = int(str(options["das.vmcpuminmhz"]))
        except ValueError:
            raise PlanError("das.vmcpuminmhz must be a whole number of MHz, not %r" % options["das.vmcpuminmhz"]) from None
    return policy


def cluster_view(name: str, hosts: Sequence[Mapping[str, Any]], vms: Sequence[Mapping[str, Any]],
                 das: Mapping[str, Any]) -> Dict[str, Any]:
    """hosts, vms, policy (capacity_plan's input), the raw HA settings and warnings."""
    host_names = {h["id"]: h["name"] for h in hosts if h.get("id")}
    policy = policy_view(das, hosts, host_names)
    warnings = []
    capped = [o for o in SLOT_CAP_OPTIONS if (das.get("options") or {}).get(o) not in (None, "")]
    if capped and policy["type"] == "slots":
        warnings.append("advanced option(s) %s cap the slot size; the plan uses the uncapped slot, which usually admits "
                        "fewer VMs (safe side)" % ", ".join(capped))
    ha = dict(enabled=bool(das.get("enabled")), admission_control_enabled=bool(das.get("admission_control_enabled")),
              policy_class=("%sAdmissionControlPolicy" % das["kind"]) if das.get("kind") else None,
              host_monitoring=das.get("host_monitoring"))
    return dict(cluster=name, ha=ha, hosts=hosts_view(hosts), vms=vms_view(vms), policy=policy, warnings=warnings)
