#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: libvirt_cputune_info
short_description: Read the vCPU pinning, CFS shares and quotas, numatune and CPU features of libvirt domains
version_added: 0.1.0
description:
  - Returns, for one domain or every domain, the CPU tuning of the running domain (C(live)) and of its
    persistent definition (C(config)), read with libvirt-python, in the shapes M(hypercloud.builder.libvirt_cputune)
    takes and returns.
  - A domain that does not exist gives an empty list, not a failure.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes.INFO_MODULE
  - hypercloud.builder._attributes.LINUX
options:
  name:
    description: The domain to read; all domains when omitted. A blank name is refused.
    type: str
  uri:
    description: libvirt connection URI.
    type: str
    default: qemu:///system
requirements:
  - libvirt-python
"""

EXAMPLES = r"""
- name: Read one guest's CPU tuning
  hypercloud.builder.libvirt_cputune_info:
    name: web01
  register: tune

- name: Show its pinning
  ansible.builtin.debug:
    msg: "{{ tune.domains[0].live.vcpupin }}"
"""

RETURN = r"""
domains:
  description: One entry per domain read.
  returned: always
  type: list
  elements: dict
  sample: [{"name": "web01", "running": true, "persistent": true,
            "live": {"vcpus": 2, "vcpupin": {"0": "0", "1": "1"}, "emulatorpin": "0-1", "shares": 1024,
                     "period": 100000, "quota": -1, "global_period": 100000, "global_quota": -1,
                     "emulator_period": 100000, "emulator_quota": -1, "numa_mode": "strict",
                     "numa_nodeset": "0", "features": {}},
            "config": {"vcpus": 2, "vcpupin": {"0": "0-1", "1": "0-1"}, "emulatorpin": "0-1", "shares": 0,
                       "period": 0, "quota": -1, "global_period": 0, "global_quota": -1, "emulator_period": 0,
                       "emulator_quota": -1, "numa_mode": "strict", "numa_nodeset": "",
                       "features": {"hint_dedicated": null, "pvspinlock": null, "hyperv_spinlocks": null}}}]
host:
  description: The host's pCPUs as libvirt sees them, and the cgroup version.
  returned: always
  type: dict
  sample: {"cpus": 2, "online": "0-1", "numa_nodes": {"0": "0-1"}, "cgroup": 1}
"""

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import libvirt as adapter
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc import cputune as calc
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError


class LibvirtCputuneInfo(HypercloudModule):
    supports_check_mode = True
    argument_spec = dict(
        name=dict(type="str"),
        uri=dict(type="str", default="qemu:///system"),
    )

    def run(self):
        self.require("libvirt-python", adapter.LIBVIRT_IMPORT_ERROR)
        if self.params["name"] is not None and not self.params["name"].strip():
            raise PlanError("name must not be blank: omit it to read every domain")
        lv = adapter.Libvirt(self.params["uri"])
        host = lv.host()
        if self.params["name"]:
            dom = lv.domain(self.params["name"])
            doms = [dom] if dom is not None else []
        else:
            doms = sorted(lv.conn.listAllDomains(0), key=lambda d: d.name())
        out = []
        for dom in doms:
            running, persistent = bool(dom.isActive()), bool(dom.isPersistent())
            out.append(dict(
                name=dom.name(), running=running, persistent=persistent,
                live=calc.summary(lv.view(dom, "live")) if running else None,
                config=calc.summary(lv.view(dom, "config")) if persistent else None,
            ))
        return dict(changed=False, domains=out, host=dict(
            cpus=host.cpus, online=calc.format_cpuset(host.online), cgroup=host.cgroup,
            numa_nodes={str(node): calc.format_cpuset(cpus) for node, cpus in host.nodes.items()}))


def main():
    LibvirtCputuneInfo().execute()


if __name__ == "__main__":
    main()
