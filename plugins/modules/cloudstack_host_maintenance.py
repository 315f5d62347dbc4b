#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cloudstack_host_maintenance
short_description: Put a CloudStack host into maintenance, or bring it back, and wait until it is there
version_added: 0.1.0
description:
  - With O(state=maintenance) calls C(prepareHostForMaintenance) unless the host is already in (or on its way
    to) maintenance, then waits until its resource state is C(Maintenance) and no VM, user or system, is left
    on it (CloudStack migrates them to the other hosts of the cluster).
  - With O(state=enabled) calls C(cancelHostMaintenance) unless the host is already C(Enabled), then waits until
    its resource state is C(Enabled) and its agent is C(Up) again.
  - Stops at once with a clear message when CloudStack gives up migrating (C(ErrorInPrepareForMaintenance)),
    and after O(timeout) seconds when the host does not get there, saying what it saw last.
  - Refuses a host that was C(Disabled) by an administrator (cancelling maintenance would not enable it), an
    unknown host, and a name shared by several hosts.
  - Meant for rolling upgrades one host at a time, see the hypercloud.builder.cloudstack_upgrade role.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._cloudstack
  - hypercloud.builder._attributes
options:
  max_unavailable:
    description:
      - With O(state=maintenance), how many hosts of the host's cluster may be out of service at once, this one
        included; a host counts when it is in a maintenance state or its agent is not C(Up). V(1) drains a host
        only when every other host of its cluster is in service, so a second roll (a concurrent or sliced job)
        stops instead of draining a second host.
      - Checked before the call and again right after it; when another host went out of service in between, the
        module cancels this host's maintenance and fails, so two rolls started together never both drain.
      - Unset, no limit.
    type: int
  name:
    description:
      - Name or id of the host (a routing host, that is a hypervisor). C(listHosts name=) matches substrings;
        the module picks the exact name.
    type: str
    required: true
  poll_interval:
    description: Seconds between two polls of the host, its VMs or an async job.
    type: float
    default: 5.0
  state:
    description: V(maintenance) (no VM left on it) or V(enabled) (back in service with its agent Up).
    type: str
    choices: [maintenance, enabled]
    required: true
  timeout:
    description: Seconds to wait for the async job and then for the host to reach O(state).
    type: int
    default: 1800
  wait:
    description:
      - Wait until the host has reached O(state). Without it the module returns once the API accepted the call.
    type: bool
    default: true
notes:
  - Tested against a fake CloudStack API (payloads shaped like CloudStack 4.20's), not against a live CloudStack.
"""

EXAMPLES = r"""
- name: Drain the hypervisor before upgrading its agent
  hypercloud.builder.cloudstack_host_maintenance:
    api_url: https://cloud.example.com/client/api
    api_key: "{{ cs_key }}"
    api_secret: "{{ cs_secret }}"
    name: kvm-07
    state: maintenance
    timeout: 3600

- name: Back in service once the agent is Up
  hypercloud.builder.cloudstack_host_maintenance:
    api_url: https://cloud.example.com/client/api
    api_key: "{{ cs_key }}"
    api_secret: "{{ cs_secret }}"
    name: kvm-07
    state: enabled
"""

RETURN = r"""
action:
  description: The API call made (or that would be made in check mode), or null when none was needed.
  returned: always
  type: str
  sample: prepareHostForMaintenance
host:
  description: The host at the end (in check mode, as it would be).
  returned: always
  type: dict
  sample: {"id": "00000000-0000-0000-0000-000000000003", "name": "kvm-1", "state": "Up",
           "resourcestate": "Maintenance", "clustername": "cluster-a", "version": "4.20.1.0"}
transitions:
  description: What the module saw while waiting, each distinct observation once, in order.
  returned: always
  type: list
  elements: str
  sample: ["PrepareForMaintenance/Up, 2 VMs (vm-1, vm-2)", "PrepareForMaintenance/Up, 1 VM (vm-2)",
           "Maintenance/Up, 0 VMs"]
vms:
  description: Names of the VMs still on the host at the end (with O(state=maintenance) and O(wait), none).
  returned: always
  type: list
  elements: str
  sample: []
"""

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.cloudstack import AUTH_SPEC, CloudStackApi, check_seconds
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc import host_maintenance as hm
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError


class CloudStackHostMaintenance(HypercloudModule):
    supports_check_mode = True
    shared_spec = AUTH_SPEC
    argument_spec = dict(
        max_unavailable=dict(type="int"),
        name=dict(type="str", required=True),
        poll_interval=dict(type="float", default=5.0),
        state=dict(type="str", required=True, choices=list(hm.STATES)),
        timeout=dict(type="int", default=1800),
        wait=dict(type="bool", default=True),
    )

    def run(self):
        p = self.params
        desired = p["state"]
        limit = hm.valid_limit(p["max_unavailable"])
        check_seconds(timeout=p["timeout"])
        api = CloudStackApi.from_params(p, poll_interval=p["poll_interval"])
        rows = api.hosts()
        host = hm.find_host(rows, p["name"])
        action = hm.plan(host, desired)
        guard = limit if action == hm.PREPARE else None
        if guard is not None:
            hm.check_unavailable(rows, host, guard)
        vms = api.vms_on_host(host["id"]) if desired == "maintenance" else []
        before = hm.summary(host)
        transitions = [hm.describe(host, vms)]

        if self.check_mode:
            after = hm.predicted(host, desired) if action else before
            return self._done(action, before, after, transitions, [] if action else vms)

        if action:
            api.host_job(action, host["id"], p["timeout"])
            if guard is not None:
                try:
                    hm.check_unavailable(api.hosts(), host, guard, raced=True)
                except PlanError:
                    api.host_job(hm.CANCEL, host["id"], p["timeout"])
                    raise
        if p["wait"]:
            seen = dict(host=host, vms=vms)

            def there():
                seen["host"] = hm.find_host(api.hosts(host_id=host["id"]), host["id"])
                seen["vms"] = api.vms_on_host(host["id"]) if desired == "maintenance" else []
                line = hm.describe(seen["host"], seen["vms"])
                if line != transitions[-1]:
                    transitions.append(line)
                hm.check_progress(seen["host"], desired)
                return hm.reached(seen["host"], seen["vms"], desired)

            want = "no VM left and resource state Maintenance" if desired == "maintenance" else "resource state Enabled and agent Up"
            api.wait_until(there, p["timeout"], "host %s to reach %s" % (host["name"], want), last=lambda: transitions[-1])
            host, vms = seen["host"], seen["vms"]
        elif action:
            host = hm.find_host(api.hosts(host_id=host["id"]), host["id"])
            transitions.append(hm.describe(host, vms))
        return self._done(action, before, hm.summary(host), transitions, vms)

    def _done(self, action, before, after, transitions, vms):
        return self.result(changed=bool(action), before=before, after=after, action=action, host=after,
                           transitions=transitions, vms=[str(vm.get("name")) for vm in vms])


def main():
    CloudStackHostMaintenance().execute()


if __name__ == "__main__":
    main()
