#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: ovirt_host_enroll
short_description: Add hypervisor hosts to an oVirt cluster and wait until they are up
version_added: 0.1.0
description:
  - Adds each host in O(hosts) that the engine does not have yet (by name or address) to its cluster,
    with the root password or the engine's SSH public key, and optionally a fence agent.
  - Waits until every listed host is C(up) (C(maintenance) when O(hosts[].activate=false)).
    A host that reaches C(install_failed), C(non_operational), C(non_responsive) or C(error), or does not come up
    within O(timeout), fails the task with the engine's own event messages about it.
  - Idempotent. A host that is already there and up is left alone. A host that exists in another cluster or
    under another address is refused, not moved.
  - Check mode reports the hosts that would be added and does not wait.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes
options:
  ca_file:
    description: The engine's CA certificate (C(/etc/pki/ovirt-engine/ca.pem) on the engine).
    type: path
  hosts:
    description: The hosts to enroll.
    type: list
    elements: dict
    required: true
    suboptions:
      activate:
        description: Activate the host after installation (false leaves it in maintenance).
        type: bool
        default: true
      address:
        description: The FQDN or IP address the engine reaches the host at. It must resolve on the engine.
        type: str
        required: true
      cluster:
        description: The name of the cluster the host joins.
        type: str
        required: true
      name:
        description: The host's name in the engine.
        type: str
        required: true
      password:
        description: The host's root password, used once by the engine to deploy it.
        type: str
      power_management:
        description: A fence agent to add and enable power management with.
        type: dict
        suboptions:
          address:
            description: The address of the BMC.
            type: str
            required: true
          options:
            description: Agent options, such as C(lanplus=1).
            type: dict
          password:
            description: The BMC password.
            type: str
          port:
            description: The BMC port.
            type: int
          type:
            description: The fence agent type, for example V(ipmilan), V(redfish) or V(idrac).
            type: str
            required: true
          username:
            description: The BMC user.
            type: str
      public_key:
        description:
          - Authenticate with the engine's SSH public key instead of a password. The key must already be in the host's
            C(/root/.ssh/authorized_keys) (the P(hypercloud.builder.ovirt_node#role) role installs it).
        type: bool
        default: false
      ssh_port:
        description: The host's SSH port.
        type: int
        default: 22
  insecure:
    description: Do not verify the engine's TLS certificate. For labs only.
    type: bool
    default: false
  password:
    description: The password of O(username).
    type: str
    required: true
  poll_interval:
    description: Seconds between status checks while waiting.
    type: float
    default: 10
  timeout:
    description: Seconds to wait for all hosts to come up.
    type: int
    default: 1800
  url:
    description: The API URL, C(https://ENGINE_FQDN/ovirt-engine/api).
    type: str
    required: true
  username:
    description: The engine user.
    type: str
    default: admin@internal
  wait:
    description: Wait for the hosts to come up (false returns right after the add).
    type: bool
    default: true
requirements:
  - ovirt-engine-sdk-python (ovirtsdk4) 4.6, which needs libxml2 and libcurl to build.
notes:
  - Tested against a fake engine (tests/testbed/fake_ovirt.py) that serves XML shaped like the oVirt 4.5 REST API;
    see docs/ovirt.md for what was not exercised against a real engine.
"""

EXAMPLES = r"""
- name: Enroll two nodes into the Default cluster
  hypercloud.builder.ovirt_host_enroll:
    url: https://engine.lab.example/ovirt-engine/api
    password: "{{ vault_ovirt_admin_password }}"
    ca_file: /etc/pki/ovirt-engine/ca.pem
    hosts:
      - {name: node1, address: node1.lab.example, cluster: Default, password: "{{ vault_root_password }}"}
      - name: node2
        address: node2.lab.example
        cluster: Default
        public_key: true
        power_management: {type: ipmilan, address: node2-bmc.lab.example, username: admin,
                           password: "{{ vault_bmc_password }}", options: {lanplus: 1}}
"""

RETURN = r"""
hosts:
  description: Every listed host as the engine has it at the end (no passwords).
  returned: always
  type: list
  elements: dict
  sample: [{"name": "node1", "address": "node1.lab.example", "cluster": "Default", "id": "a1b2",
            "status": "up", "added": true}]
added:
  description: The names of the hosts added (or, in check mode, that would be added).
  returned: always
  type: list
  elements: str
  sample: ["node1"]
"""

import time

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import ovirt as ovirt_adapter
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc import ovirt_host
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError


class OvirtHostEnroll(HypercloudModule):
    supports_check_mode = True
    argument_spec = dict(
        ca_file=dict(type="path"),
        hosts=dict(type="list", elements="dict", required=True, options=dict(
            activate=dict(type="bool", default=True),
            address=dict(type="str", required=True),
            cluster=dict(type="str", required=True),
            name=dict(type="str", required=True),
            password=dict(type="str", no_log=True),
            power_management=dict(type="dict", options=dict(
                address=dict(type="str", required=True),
                options=dict(type="dict"),
                password=dict(type="str", no_log=True),
                port=dict(type="int"),
                type=dict(type="str", required=True),
                username=dict(type="str"),
            )),
            public_key=dict(type="bool", default=False),
            ssh_port=dict(type="int", default=22),
        )),
        insecure=dict(type="bool", default=False),
        password=dict(type="str", required=True, no_log=True),
        poll_interval=dict(type="float", default=10),
        timeout=dict(type="int", default=1800),
        url=dict(type="str", required=True),
        username=dict(type="str", default="admin@internal"),
        wait=dict(type="bool", default=True),
    )

    def run(self):
        self.require("ovirt-engine-sdk-python", ovirt_adapter.IMPORT_ERROR)
        p = self.params
        ovirt_host.check_wait(p["timeout"], p["poll_interval"])
        api = ovirt_adapter.Ovirt(p["url"], p["username"], p["password"], p["ca_file"], p["insecure"])
        try:
            return self.enroll(api, p["hosts"])
        finally:
            api.close()

    def enroll(self, api, desired):
        existing = api.hosts()
        to_add = ovirt_host.plan(existing, desired)
        known = set(api.cluster_names().values())
        unknown = sorted({h["cluster"] for h in to_add} - known)
        if unknown:
            raise PlanError("cluster %s does not exist in the engine (it has: %s)"
                            % (", ".join(unknown), ", ".join(sorted(known)) or "none"))
        ids = {h["name"]: h["id"] for h in existing}
        status = {h["name"]: h["status"] for h in existing}
        if not self.check_mode:
            for host in to_add:
                ids[host["name"]] = api.add_host(host)
                status[host["name"]] = "installing"
            if self.params["wait"]:
                self.wait(api, desired, ids, status)
        added = [h["name"] for h in to_add]
        out = [dict(name=h["name"], address=h["address"], cluster=h["cluster"], id=ids.get(h["name"]),
                    status=status.get(h["name"]), added=h["name"] in added) for h in desired]
        return self.result(changed=bool(to_add), before=dict(hosts=sorted(h["name"] for h in existing)),
                           after=dict(hosts=sorted({h["name"] for h in existing} | set(added))),
                           hosts=out, added=added)

    def wait(self, api, desired, ids, status):
        start = time.monotonic()
        targets = {h["name"]: "up" if h["activate"] else "maintenance" for h in desired}
        while True:
            waiting = []
            for name, target in targets.items():
                verdict = ovirt_host.state(status[name], target)
                if verdict == "failed":
                    raise PlanError(ovirt_host.failure_message(name, status[name], api.host_events(name)))
                if verdict == "waiting":
                    waiting.append(name)
            elapsed = time.monotonic() - start
            if not waiting:
                return
            if elapsed >= self.params["timeout"]:
                name = waiting[0]
                raise PlanError(ovirt_host.failure_message(name, status[name], api.host_events(name),
                                                           waited=self.params["timeout"]))
            time.sleep(self.params["poll_interval"])
            for name in waiting:
                status[name] = api.host_status(ids[name])


def main():
    OvirtHostEnroll().execute()


if __name__ == "__main__":
    main()
