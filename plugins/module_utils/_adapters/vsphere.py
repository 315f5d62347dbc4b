# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Thin vSphere adapter over pyVmomi: log in, find a cluster, read its hosts, VMs and HA settings.

Hosts and VMs are read with one PropertyCollector call each (a container view), so a large cluster
costs a few round trips. Everything is returned as plain values in vSphere's units; the
conversion to capacity_plan's shape is ``_calc.hacluster``.
"""

from __future__ import annotations

import socket
import ssl
from typing import Any, Dict, List, Optional, Sequence

from ansible.module_utils.basic import env_fallback
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError

try:
    from pyVim.connect import Disconnect, SmartConnect
    from pyVmomi import vim, vmodl
except ImportError as err:  # pragma: no cover - reported by the module through missing_required_lib
    vim = vmodl = SmartConnect = Disconnect = None
    PYVMOMI_IMPORT_ERROR: Optional[BaseException] = err
else:
    PYVMOMI_IMPORT_ERROR = None

# The options of doc fragment hypercloud.builder._vsphere; modules use it as their shared_spec.
VSPHERE_SPEC: Dict[str, Any] = dict(
    hostname=dict(type="str", required=True, fallback=(env_fallback, ["VMWARE_HOST"])),
    password=dict(type="str", required=True, no_log=True, aliases=["pass", "pwd"], fallback=(env_fallback, ["VMWARE_PASSWORD"])),
    port=dict(type="int", default=443, fallback=(env_fallback, ["VMWARE_PORT"])),
    username=dict(type="str", required=True, aliases=["admin", "user"], fallback=(env_fallback, ["VMWARE_USER"])),
    validate_certs=dict(type="bool", default=True, fallback=(env_fallback, ["VMWARE_VALIDATE_CERTS"])),
)

HOST_PATHS = ["name", "summary.hardware", "runtime.connectionState", "runtime.inMaintenanceMode"]
VM_PATHS = ["name", "runtime.powerState", "runtime.memoryOverhead", "config.cpuAllocation", "config.memoryAllocation"]


class VsphereApi:
    """One vCenter session; use as a context manager so it logs out."""

    def __init__(self, hostname: str, username: str, password: str, port: int = 443, validate_certs: bool = True):
        try:
            self.si = SmartConnect(host=hostname, user=username, pwd=password, port=port,
                                   disableSslCertValidation=not validate_certs)
        except vim.fault.InvalidLogin:
            raise AdapterError("vCenter %s:%s refused the login of %s" % (hostname, port, username)) from None
        except ssl.SSLError as exc:
            raise AdapterError("TLS with %s:%s failed (validate_certs: false for a self-signed test vCenter): %s"
                               % (hostname, port, exc)) from None
        except (socket.error, OSError, vmodl.MethodFault) as exc:
            raise AdapterError("cannot reach vCenter %s:%s: %s" % (hostname, port, exc)) from None
        self.content = self.si.RetrieveContent()

    def __enter__(self) -> "VsphereApi":
        return self

    def __exit__(self, *exc: Any) -> None:
        Disconnect(self.si)

    def _collect(self, container: Any, kind: Any, paths: Sequence[str]) -> List[Dict[str, Any]]:
        """Properties of every ``kind`` object under ``container``, in one PropertyCollector call (paged)."""
        view = self.content.viewManager.CreateContainerView(container, [kind], True)
        try:
            pc = vmodl.query.PropertyCollector
            spec = pc.FilterSpec(
                objectSet=[pc.ObjectSpec(obj=view, skip=True, selectSet=[
                    pc.TraversalSpec(name="view", path="view", skip=False, type=vim.view.ContainerView)])],
                propSet=[pc.PropertySpec(type=kind, pathSet=list(paths), all=False)])
            collector = self.content.propertyCollector
            page = collector.RetrievePropertiesEx([spec], pc.RetrieveOptions())
            out = []
            while page:
                for obj in page.objects:
                    item = {prop.name: prop.val for prop in obj.propSet}
                    item["_id"] = obj.obj._moId  # pylint: disable=protected-access
                    out.append(item)
                page = collector.ContinueRetrievePropertiesEx(page.token) if page.token else None
            return out
        finally:
            view.Destroy()

    def find_cluster(self, name: str, datacenter: Optional[str] = None) -> Any:
        """The cluster object, or None; with two of the same name in different datacenters, name the datacenter."""
        root = self.content.rootFolder
        if datacenter:
            found = [dc for dc in self._collect(root, vim.Datacenter, ["name"]) if dc["name"] == datacenter]
            if not found:
                return None
            root = vim.Datacenter(found[0]["_id"], self.si._stub)  # pylint: disable=protected-access
        matches = [c for c in self._collect(root, vim.ClusterComputeResource, ["name"]) if c["name"] == name]
        if len(matches) > 1:
            raise AdapterError("%d clusters are named %s: give the datacenter" % (len(matches), name))
        return vim.ClusterComputeResource(matches[0]["_id"], self.si._stub) if matches else None  # pylint: disable=protected-access

    def read_cluster(self, cluster: Any) -> Dict[str, Any]:
        """hosts, vms (vSphere units) and das (plain dasConfig) of one cluster."""
        try:
            hosts = [dict(id=h["_id"], name=h["name"], cpu_mhz=h["summary.hardware"].cpuMhz,
                          cores=h["summary.hardware"].numCpuCores, threads=h["summary.hardware"].numCpuThreads,
                          memory_size=h["summary.hardware"].memorySize,
                          connection_state=str(h.get("runtime.connectionState") or "connected"),
                          maintenance=bool(h.get("runtime.inMaintenanceMode")))
                     for h in self._collect(cluster, vim.HostSystem, HOST_PATHS) if h.get("summary.hardware")]
            vms = []
            for vm in self._collect(cluster.resourcePool, vim.VirtualMachine, VM_PATHS):
                cpu, mem = vm.get("config.cpuAllocation"), vm.get("config.memoryAllocation")
                vms.append(dict(name=vm["name"], power_state=str(vm.get("runtime.powerState") or "poweredOff"),
                                cpu_reservation_mhz=getattr(cpu, "reservation", 0) or 0,
                                memory_reservation_mb=getattr(mem, "reservation", 0) or 0,
                                memory_overhead=vm.get("runtime.memoryOverhead") or 0))
            das = cluster.configurationEx.dasConfig
        except vmodl.MethodFault as exc:
            raise AdapterError("reading cluster %s failed: %s" % (getattr(cluster, "name", "?"), exc.msg)) from None
        return dict(hosts=hosts, vms=vms, das=das_dict(das))


def das_dict(das: Any) -> Dict[str, Any]:
    """ClusterDasConfigInfo as plain values."""
    policy = das.admissionControlPolicy
    out: Dict[str, Any] = dict(enabled=bool(das.enabled), admission_control_enabled=bool(das.admissionControlEnabled),
                               host_monitoring=das.hostMonitoring, kind=None,
                               options={o.key: o.value for o in (das.option or [])})
    if policy is None:
        return out
    kind = type(policy).__name__.split(".")[-1]
    out["kind"] = kind.replace("AdmissionControlPolicy", "")
    if isinstance(policy, vim.cluster.FailoverResourcesAdmissionControlPolicy):
        out.update(cpu_percent=policy.cpuFailoverResourcesPercent, memory_percent=policy.memoryFailoverResourcesPercent,
                   auto_compute_percentages=bool(getattr(policy, "autoComputePercentages", False)),
                   failover_level=getattr(policy, "failoverLevel", None) or das.failoverLevel)
    elif isinstance(policy, vim.cluster.FailoverLevelAdmissionControlPolicy):
        slot = policy.slotPolicy
        out["failover_level"] = policy.failoverLevel
        if isinstance(slot, vim.cluster.FixedSizeSlotPolicy):
            out.update(slot_cpu_mhz=slot.cpu, slot_memory_mb=slot.memory)
    elif isinstance(policy, vim.cluster.FailoverHostAdmissionControlPolicy):
        out["failover_host_ids"] = [h._moId for h in (policy.failoverHosts or [])]  # pylint: disable=protected-access
    return out
