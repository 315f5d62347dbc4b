#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: libvirt_cputune
short_description: Set vCPU pinning, CFS shares and quotas, numatune and CPU features of a libvirt domain, live
version_added: 0.1.0
description:
  - Sets the CPU tuning of a running and/or persistent libvirt domain without restarting it, through
    libvirt-python (C(pinVcpuFlags), C(pinEmulator), C(setSchedulerParametersFlags), C(setNumaParameters)).
  - The C(<features>) knobs (O(hint_dedicated), O(pvspinlock), O(hyperv_spinlocks)) exist only in the
    persistent definition; they are written with C(defineXML) and take effect at the next start.
  - Reads the live and/or config state, plans the difference with a pure calculator, and applies only
    that plan. Check mode and diff mode use the same plan.
  - Refuses, before changing anything, a pCPU that does not exist, a quota neither in range nor -1,
    shares out of the range of the host's cgroup version, a vCPU index beyond the domain's vCPUs, and a
    live change libvirt refuses (the message names the parts that can only go to config).
  - O(policy=spread) pins vCPUs 1:1 to free pCPUs of one NUMA node, avoiding pCPUs pinned by other running
    domains; O(policy=cap) sets O(period)/O(quota) so each vCPU gets at most O(cap_percent) of a pCPU.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes
  - hypercloud.builder._attributes.LINUX
options:
  apply:
    description:
      - C(live) changes the running domain only, C(config) the persistent definition only, C(both) both.
      - With C(both), a domain that is not running gets the config part only.
    type: str
    choices: [live, config, both]
    default: both
  cap_percent:
    description: With O(policy=cap), the share of one pCPU each vCPU may use, in percent (1-100).
    type: int
  emulator_period:
    description: CFS period of the emulator threads, in microseconds (1000-1000000).
    type: int
  emulator_quota:
    description: CFS quota of the emulator threads, in microseconds (1000-17592186044415), or -1 for no limit.
    type: int
  emulatorpin:
    description: pCPUs the emulator threads may run on, in cpuset syntax (C(0-3,^2)); C(all) unpins.
    type: str
  global_period:
    description: CFS period of the whole domain, in microseconds (1000-1000000).
    type: int
  global_quota:
    description: CFS quota of the whole domain, in microseconds (1000-17592186044415), or -1 for no limit.
    type: int
  hint_dedicated:
    description:
      - C(<features><kvm><hint-dedicated>) tells the guest its vCPUs are dedicated. Config only.
        libvirt requires C(host-passthrough) CPU mode when the domain starts.
    type: bool
  hyperv_spinlocks:
    description:
      - C(<features><hyperv><spinlocks>) retries (at least 4095); C(0) turns them off. Config only.
    type: int
  name:
    description: The domain's name.
    type: str
    required: true
  numa_mode:
    description:
      - numatune memory mode. libvirt cannot change the mode of a running domain, so this needs O(apply=config)
        on a running domain.
    type: str
    choices: [strict, preferred, interleave, restrictive]
  numa_node:
    description: With O(policy=spread), the NUMA node to take pCPUs from; by default the first with enough free.
    type: int
  numa_nodeset:
    description:
      - numatune memory nodeset (C(0), C(0-1), C(0,2)); live changes need the cpuset cgroup controller.
      - Compared as a set of nodes, so C(0,1) matches the C(0-1) libvirt reports. Every node must exist on
        the host; otherwise the task fails before anything is changed.
    type: str
  period:
    description: CFS period of each vCPU, in microseconds (1000-1000000).
    type: int
  policy:
    description:
      - C(spread) pins each vCPU to its own free pCPU of one NUMA node (not together with O(vcpupin)).
      - C(cap) computes O(quota) from O(cap_percent) and O(period) (100000 when not given).
    type: str
    choices: [spread, cap]
  pvspinlock:
    description: C(<features><pvspinlock>) on or off. Config only.
    type: bool
  quota:
    description: CFS quota of each vCPU, in microseconds (1000-17592186044415), or -1 for no limit.
    type: int
  shares:
    description:
      - Relative CPU weight of the domain (C(cpu_shares)). 2-262144 on cgroup v1, 1-10000 on cgroup v2.
    type: int
  uri:
    description: libvirt connection URI.
    type: str
    default: qemu:///system
  vcpupin:
    description: Pinning per vCPU. A vCPU not listed is left as it is.
    type: list
    elements: dict
    suboptions:
      cpuset:
        description: pCPUs in libvirt cpuset syntax (C(0-3,^2,6)); C(all) unpins.
        type: str
        required: true
      vcpu:
        description: The vCPU index, from 0.
        type: int
        required: true
notes:
  - The cgroup version that decides the O(shares) range is read on the machine the module runs on; use a
    local URI (or run the module on the hypervisor).
requirements:
  - libvirt-python
"""

EXAMPLES = r"""
- name: Pin two vCPUs and cap each at half a pCPU, live and in the definition
  hypercloud.builder.libvirt_cputune:
    name: web01
    vcpupin:
      - {vcpu: 0, cpuset: "2"}
      - {vcpu: 1, cpuset: "3"}
    period: 100000
    quota: 50000
    shares: 2048

- name: Spread the vCPUs over free pCPUs of NUMA node 0
  hypercloud.builder.libvirt_cputune:
    name: db01
    policy: spread
    numa_node: 0

- name: Dedicated-vCPU hints for the next start
  hypercloud.builder.libvirt_cputune:
    name: db01
    apply: config
    hint_dedicated: true
    pvspinlock: false
"""

RETURN = r"""
config:
  description:
    - The persistent definition's CPU tuning after the change (as planned in check mode).
    - V(null) when O(apply=live).
  returned: always
  type: dict
  sample: {"vcpus": 2, "vcpupin": {"0": "0", "1": "1"}, "emulatorpin": "0-1", "shares": 2048, "period": 100000,
           "quota": 50000, "global_period": 0, "global_quota": -1, "emulator_period": 0, "emulator_quota": -1,
           "numa_mode": "strict", "numa_nodeset": "", "features": {"hint_dedicated": null, "pvspinlock": false,
           "hyperv_spinlocks": null}}
host:
  description: The host's pCPUs as libvirt sees them and the cgroup version used for the shares range.
  returned: always
  type: dict
  sample: {"cpus": 2, "online": "0-1", "numa_nodes": {"0": "0-1"}, "cgroup": 1}
live:
  description:
    - The running domain's CPU tuning after the change (as planned in check mode).
    - V(null) when the domain is not running or O(apply=config).
  returned: always
  type: dict
  sample: {"vcpus": 2, "vcpupin": {"0": "0", "1": "1"}, "emulatorpin": "0-1", "shares": 2048, "period": 100000,
           "quota": 50000, "global_period": 100000, "global_quota": -1, "emulator_period": 100000,
           "emulator_quota": -1, "numa_mode": "strict", "numa_nodeset": "0", "features": {}}
plan:
  description: The changes, in the order they are (or in check mode would be) applied.
  returned: always
  type: list
  elements: dict
  sample: [{"scope": "live", "part": "sched", "key": "vcpu_quota", "before": -1, "after": 50000}]
"""

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import libvirt as adapter
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc import cputune as calc
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

SCHED_OPTIONS = dict(shares="cpu_shares", period="vcpu_period", quota="vcpu_quota", global_period="global_period",
                     global_quota="global_quota", emulator_period="emulator_period", emulator_quota="emulator_quota")


class LibvirtCputune(HypercloudModule):
    supports_check_mode = True
    argument_spec = dict(
        apply=dict(type="str", choices=["live", "config", "both"], default="both"),
        cap_percent=dict(type="int"),
        emulatorpin=dict(type="str"),
        hint_dedicated=dict(type="bool"),
        hyperv_spinlocks=dict(type="int"),
        name=dict(type="str", required=True),
        numa_mode=dict(type="str", choices=list(calc.NUMA_MODES)),
        numa_node=dict(type="int"),
        numa_nodeset=dict(type="str"),
        policy=dict(type="str", choices=["spread", "cap"]),
        pvspinlock=dict(type="bool"),
        uri=dict(type="str", default="qemu:///system"),
        vcpupin=dict(type="list", elements="dict", options=dict(
            cpuset=dict(type="str", required=True), vcpu=dict(type="int", required=True))),
        **{option: dict(type="int") for option in SCHED_OPTIONS}
    )
    module_kwargs = dict(
        mutually_exclusive=[("cap_percent", "quota")],
        required_if=[("policy", "cap", ["cap_percent"])],
    )

    def request(self, host, views):
        p = self.params
        # Given without their policy these did nothing, silently.
        if p["cap_percent"] is not None and p["policy"] != "cap":
            raise PlanError("cap_percent needs policy: cap")
        if p["numa_node"] is not None and p["policy"] != "spread":
            raise PlanError("numa_node needs policy: spread")
        vcpupin = {}
        for entry in p["vcpupin"] or []:
            cpus = calc.parse_cpuset(entry["cpuset"], host)
            if vcpupin.setdefault(entry["vcpu"], cpus) != cpus:
                raise PlanError("vCPU %d is pinned twice: %s and %s" % (
                    entry["vcpu"], calc.format_cpuset(vcpupin[entry["vcpu"]]), calc.format_cpuset(cpus)))
        req = calc.Request(
            vcpupin=vcpupin,
            emulatorpin=calc.parse_cpuset(p["emulatorpin"], host) if p["emulatorpin"] is not None else None,
            sched={key: p[option] for option, key in SCHED_OPTIONS.items() if p[option] is not None},
            numa_mode=p["numa_mode"], numa_nodeset=p["numa_nodeset"],
            features={key: p[key] for key in calc.FEATURE_KEYS if p[key] is not None},
        )
        if p["policy"] == "cap":
            req.sched["vcpu_period"], req.sched["vcpu_quota"] = calc.cap_quota(
                p["cap_percent"], p["period"] or calc.DEFAULT_PERIOD)
        elif p["policy"] == "spread":
            if p["vcpupin"]:
                raise PlanError("policy spread computes the pinning: give either policy: spread or vcpupin")
            view = views.get("live") or views["config"]
            req.vcpupin = calc.spread(host, view.vcpus, view.vcpupin, self.lv.pinned_by_others(p["name"], host),
                                      p["numa_node"])
        return req

    def run(self):
        self.require("libvirt-python", adapter.LIBVIRT_IMPORT_ERROR)
        p = self.params
        self.lv = adapter.Libvirt(p["uri"])
        dom = self.lv.domain(p["name"])
        if dom is None:
            raise PlanError("domain %s is not defined on %s" % (p["name"], p["uri"]))
        running, persistent = bool(dom.isActive()), bool(dom.isPersistent())
        scopes = {"live": ("live",), "config": ("config",), "both": ("live", "config")}[p["apply"]]
        if "live" in scopes and not running and p["apply"] == "live":
            raise PlanError("domain %s is not running: live changes need a running domain; use apply: config" % p["name"])
        if "config" in scopes and not persistent:
            raise PlanError("domain %s is transient: it has no config to change; use apply: live" % p["name"])
        scopes = tuple(scope for scope in scopes if scope != "live" or running)
        host = self.lv.host()
        views = {scope: self.lv.view(dom, scope) for scope in scopes}
        req = self.request(host, views)
        calc.refuse_live_features(req, scopes)
        steps = calc.plan(views, req, host, running)
        if not self.check_mode:
            for scope in scopes:
                try:
                    self.lv.apply(dom, scope, [s for s in steps if s.scope == scope], host)
                except AdapterError as err:
                    if scope != "live":
                        raise
                    raise AdapterError("%s. libvirt refused a live change; parts that can only go to config: %s"
                                       % (err, ", ".join(calc.CONFIG_ONLY))) from None
        before = {scope: calc.summary(view) for scope, view in views.items()}
        after = {scope: calc.summary(calc.apply_steps(view, steps, scope)) for scope, view in views.items()}
        return self.result(
            changed=bool(steps), before=before, after=after,
            plan=[step.as_dict() for step in steps],
            live=after.get("live"), config=after.get("config"),
            host=dict(cpus=host.cpus, online=calc.format_cpuset(host.online), cgroup=host.cgroup,
                      numa_nodes={str(node): calc.format_cpuset(cpus) for node, cpus in host.nodes.items()}),
        )


def main():
    LibvirtCputune().execute()


if __name__ == "__main__":
    main()
