# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Thin libvirt-python adapter: read a domain's CPU tuning, apply live/config changes.

Every libvirt error comes back as AdapterError naming the call. The cpumaps passed to libvirt are
tuples of bools, one per host pCPU (a list raises TypeError in libvirt-python).
"""

from __future__ import annotations

import os
from typing import Dict, FrozenSet, Optional

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc import cputune as calc

try:
    import libvirt
except ImportError as exc:  # pragma: no cover - reported by the module with missing_required_lib
    libvirt = None
    LIBVIRT_IMPORT_ERROR: Optional[ImportError] = exc
else:
    LIBVIRT_IMPORT_ERROR = None

SCOPE_FLAGS = {"live": 1, "config": 2}  # VIR_DOMAIN_AFFECT_LIVE, VIR_DOMAIN_AFFECT_CONFIG
XML_INACTIVE = 2  # VIR_DOMAIN_XML_INACTIVE


def cgroup_version(root: str = "/sys/fs/cgroup") -> int:
    """2 when the cpu controller is on the unified hierarchy, 1 when it is a v1 (or hybrid) mount."""
    if os.path.isdir(os.path.join(root, "cpu")) or os.path.isdir(os.path.join(root, "cpu,cpuacct")):
        return 1
    try:
        with open(os.path.join(root, "cgroup.controllers"), encoding="ascii") as handle:
            return 2 if "cpu" in handle.read().split() else 1
    except OSError:
        return 1


class Libvirt:
    """One connection to a libvirt URI and the domain calls the cputune module needs."""

    def __init__(self, uri: str) -> None:
        libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
        self.conn = self._call("open(%s)" % uri, libvirt.open, uri)

    @staticmethod
    def _call(what, func, *args):
        try:
            return func(*args)
        except libvirt.libvirtError as err:
            raise AdapterError("libvirt %s failed: %s" % (what, err.get_error_message() or err)) from None

    def host(self) -> calc.Host:
        count, online, _online_count = self._call("getCPUMap", self.conn.getCPUMap)
        nodes = calc.numa_nodes(self._call("getCapabilities", self.conn.getCapabilities))
        return calc.Host(cpus=count, online=calc.from_cpumap(online), nodes=nodes or {0: tuple(range(count))},
                         cgroup=cgroup_version())

    def domain(self, name: str):
        try:
            return self.conn.lookupByName(name)
        except libvirt.libvirtError:
            return None

    def view(self, dom, scope: str) -> calc.View:
        flags = SCOPE_FLAGS[scope]
        name = dom.name()
        pins = self._call("vcpuPinInfo(%s)" % name, dom.vcpuPinInfo, flags)
        numa = self._call("numaParameters(%s)" % name, dom.numaParameters, flags)
        xml = self._call("XMLDesc(%s)" % name, dom.XMLDesc, XML_INACTIVE if scope == "config" else 0)
        mode = numa.get("numa_mode", 0)
        return calc.View(
            vcpus=len(pins),
            vcpupin={vcpu: calc.from_cpumap(bits) for vcpu, bits in enumerate(pins)},
            emulatorpin=calc.from_cpumap(self._call("emulatorPinInfo(%s)" % name, dom.emulatorPinInfo, flags)),
            sched=dict(self._call("schedulerParametersFlags(%s)" % name, dom.schedulerParametersFlags, flags)),
            numa_mode=calc.NUMA_MODES[mode] if 0 <= mode < len(calc.NUMA_MODES) else str(mode),
            numa_nodeset=numa.get("numa_nodeset", ""),
            features=calc.read_features(xml) if scope == "config" else {},
        )

    def pinned_by_others(self, name: str, host: calc.Host) -> FrozenSet[int]:
        """pCPUs that vCPUs of other running domains are pinned to (unpinned vCPUs do not count)."""
        taken = set()
        everything = frozenset(range(host.cpus))
        for dom in self._call("listAllDomains", self.conn.listAllDomains, 1):  # ACTIVE
            if dom.name() == name:
                continue
            for bits in self._call("vcpuPinInfo(%s)" % dom.name(), dom.vcpuPinInfo, 1):
                cpus = calc.from_cpumap(bits)
                if cpus != everything:
                    taken.update(cpus)
        return frozenset(taken)

    def apply(self, dom, scope: str, steps, host: calc.Host) -> None:
        """Apply the steps of one scope, grouped into as few libvirt calls as possible."""
        flags = SCOPE_FLAGS[scope]
        name = dom.name()
        sched: Dict[str, int] = {}
        numa: Dict[str, object] = {}
        features: Dict[str, object] = {}
        for step in steps:
            if step.part == "vcpupin":
                self._call("pinVcpuFlags(%s, vcpu %s)" % (name, step.key), dom.pinVcpuFlags,
                           int(step.key), calc.cpumap(step.after, host), flags)
            elif step.part == "emulatorpin":
                self._call("pinEmulator(%s)" % name, dom.pinEmulator, calc.cpumap(step.after, host), flags)
            elif step.part == "sched":
                sched[step.key] = step.after
            elif step.part == "numa":
                numa[step.key] = calc.NUMA_MODES.index(step.after) if step.key == "numa_mode" else step.after
            elif step.part == "features":
                features[step.key] = step.after
        if sched:
            self._call("setSchedulerParametersFlags(%s, %s)" % (name, sched),
                       dom.setSchedulerParametersFlags, sched, flags)
        if numa:
            self._call("setNumaParameters(%s, %s)" % (name, numa), dom.setNumaParameters, numa, flags)
        if features:
            xml = self._call("XMLDesc(%s)" % name, dom.XMLDesc, XML_INACTIVE)
            self._call("defineXML(%s)" % name, self.conn.defineXML, calc.write_features(xml, features))
