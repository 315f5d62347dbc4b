#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cloudstack_ssvm_scaling
short_description: Size CloudStack secondary-storage VMs (SSVMs) with CloudStack's own scale-out rule
version_added: 0.1.0
description:
  - Sets the CloudStack settings that decide how many secondary-storage VMs (SSVMs) a zone runs and how
    big they are, C(secstorage.capacity.standby), C(secstorage.session.max), C(secstorage.service.offering),
    C(secstorage.vm.mtu.size) and the related ones, either given directly in O(settings) or derived from
    O(targets).
  - From targets it applies CloudStack's rule (a new SSVM when running x session.max - active < standby) and
    explains the result, for example V(with 120 concurrent commands, session.max 50 and standby 10 you will run 3 SSVMs).
  - Creates or reuses a system service offering for SSVMs (C(systemvmtype=secondarystoragevm)) to scale them up.
  - Reports in RV(restart_required) the changed settings that the management server reads only at startup
    (C(isdynamic) false in the API). It never restarts the management server; do that in a handler.
  - With O(recreate=true) it destroys the zone's SSVMs one at a time, waiting for each replacement to be
    Running with its agent Up before the next, so that a new offering or MTU takes effect.
  - Warns when a system VM template is 32-bit or older than the running CloudStack version.
  - Refuses, before changing anything, an unknown zone or offering, a value out of range, and a setting
    that cannot be set at the requested scope.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._cloudstack
  - hypercloud.builder._attributes
options:
  poll_interval:
    description: Seconds between two polls of an async job or of the SSVM states.
    type: float
    default: 2.0
  recreate:
    description:
      - Destroy the SSVMs of O(zone) one at a time and wait for each replacement (Running, agent Up).
      - Like a service's C(restarted) state this acts on every run where it is set; run it after the
        management server has restarted when RV(restart_required) was true.
      - Refused unless every SSVM of the zone is Running with its agent Up.
    type: bool
    default: false
  recreate_timeout:
    description: Seconds to wait for each destroy job and for each replacement SSVM; the roll stops when one does not come up.
    type: int
    default: 600
  scope:
    description:
      - Where the settings are set. V(zone) needs O(zone); CloudStack keeps the C(secstorage.*) settings
        at global scope only, so with V(zone) they are refused.
    type: str
    choices: [global, zone]
    default: global
  service_offering:
    description:
      - The system service offering SSVMs use, by name or id; set as C(secstorage.service.offering).
      - An existing SSVM offering is reused. When none matches and O(service_offering.cpu_number),
        O(service_offering.cpu_speed) and O(service_offering.memory) are given, it is created.
    type: dict
    suboptions:
      cpu_number:
        description: Number of vCPUs.
        type: int
      cpu_speed:
        description: CPU speed in MHz.
        type: int
      memory:
        description: Memory in MiB.
        type: int
      name:
        description: Name (or id) of the offering.
        type: str
        required: true
  settings:
    description: Settings to set directly. Options left out are not changed.
    type: dict
    suboptions:
      auto_scale_down:
        description: C(secstorage.vm.auto.scale.down), destroy idle extra SSVMs.
        type: bool
      capacity_standby:
        description: C(secstorage.capacity.standby), command sessions kept free (0 to 10000). Not with O(targets).
        type: int
      capacityscan_interval:
        description: C(secstorage.capacityscan.interval), milliseconds between two load scans (1000 to 3600000).
        type: int
      cmd_execution_time_max:
        description: C(secstorage.cmd.execution.time.max), minutes a command counts as active (1 to 1440).
        type: int
      max_migrate_sessions:
        description: C(secstorage.max.migrate.sessions), copy sessions per SSVM during image-store migration (1 to 100).
        type: int
      max_ssvm_count:
        description: C(max.ssvm.count), extra SSVMs allowed for migration (1 to 100).
        type: int
      mtu:
        description: C(secstorage.vm.mtu.size), MTU of the SSVM storage NIC in bytes (68 to 9000).
        type: int
      session_max:
        description: C(secstorage.session.max), command sessions one SSVM handles (1 to 10000). Not with O(targets).
        type: int
      use_local_storage:
        description: C(system.vm.use.local.storage), put system VMs on local storage; the one zone-scoped setting here.
        type: bool
  targets:
    description: Derive C(secstorage.capacity.standby) and C(secstorage.session.max) from the load of a zone.
    type: dict
    suboptions:
      headroom_ssvms:
        description: SSVMs to keep spare at the peak; standby becomes O(targets.headroom_ssvms) x O(targets.session_max).
        type: int
        default: 1
      peak_commands:
        description: Peak concurrent copy and snapshot commands in the zone.
        type: int
        required: true
      session_max:
        description: Command sessions one SSVM handles.
        type: int
        default: 50
  zone:
    description: Zone (name or id) whose SSVMs are checked and recreated, and where O(scope=zone) settings are set.
    type: str
notes:
  - Tested against a fake CloudStack API (tests/testbed/fake_cloudstack.py), not against a live CloudStack.
  - See docs/cloudstack-ssvm.md for the rule, the settings and a worked example.
"""

EXAMPLES = r"""
- name: Size SSVMs for 120 concurrent commands with one spare SSVM
  hypercloud.builder.cloudstack_ssvm_scaling:
    api_url: https://cloud.example.com/client/api
    api_key: "{{ cs_api_key }}"
    api_secret: "{{ cs_api_secret }}"
    zone: zone-a
    targets:
      peak_commands: 120
      headroom_ssvms: 1
    settings:
      mtu: 9000
    service_offering:
      name: ssvm-2c-4g
      cpu_number: 2
      cpu_speed: 2000
      memory: 4096
  register: ssvm
  notify: Restart cloudstack-management

- name: After the restart, recreate the SSVMs one at a time
  hypercloud.builder.cloudstack_ssvm_scaling:
    zone: zone-a
    recreate: true
    recreate_timeout: 900
"""

RETURN = r"""
changes:
  description: The settings changed (or in check mode to change), with the old and new value and whether the change is dynamic.
  returned: always
  type: list
  elements: dict
  sample: [{"name": "secstorage.session.max", "before": "50", "after": "60", "dynamic": false}]
explanation:
  description: How many SSVMs the rule gives at the target load, or when the next SSVMs start with the given settings.
  returned: always
  type: str
  sample: with 120 concurrent commands, session.max 50 and standby 50 you will run 4 SSVMs
recreated:
  description: The SSVMs destroyed, in order, each with the replacement that came up.
  returned: always
  type: list
  elements: dict
  sample: [{"destroyed": "s-1-VM", "replacement": "s-3-VM"}]
restart_required:
  description: True when a changed setting is read only at management-server startup (C(isdynamic) false).
  returned: always
  type: bool
  sample: true
restart_settings:
  description: The changed settings that need the management-server restart.
  returned: always
  type: list
  elements: str
  sample: ["secstorage.capacity.standby", "secstorage.session.max"]
service_offering:
  description: The SSVM service offering used, and whether this run created it (in check mode, would create it).
  returned: when O(service_offering) is given
  type: dict
  sample: {"id": "0b6e4c1e-5c2d-4f0b-9a51-1f0f3c0b2f6a", "name": "ssvm-2c-4g", "cpunumber": 2, "cpuspeed": 2000, "memory": 4096, "created": true}
settings:
  description: Each requested setting with its value after the run.
  returned: always
  type: dict
  sample: {"secstorage.capacity.standby": "50", "secstorage.session.max": "50", "secstorage.vm.mtu.size": "9000"}
ssvm_count:
  description: The number of SSVMs CloudStack's rule settles on at O(targets.peak_commands).
  returned: when O(targets) is given
  type: int
  sample: 4
ssvms:
  description: The SSVMs of O(zone) (of all zones without it) as listed before any change.
  returned: always
  type: list
  elements: dict
  sample: [{"name": "s-1-VM", "state": "Running", "agentstate": "Up", "templatename": "systemvm-kvm-4.20.1-x86_64"}]
template_warnings:
  description: System VM template problems found (32-bit, or older than the running CloudStack); also issued as warnings.
  returned: always
  type: list
  elements: str
  sample: ["system VM template systemvm-kvm-4.18.0 is for 4.18, older than CloudStack 4.20.1.0: register the 4.20 template"]
"""

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.cloudstack import AUTH_SPEC, CloudStackApi, check_seconds
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc import ssvm
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError


class CloudStackSsvmScaling(HypercloudModule):
    supports_check_mode = True
    shared_spec = AUTH_SPEC
    argument_spec = dict(
        poll_interval=dict(type="float", default=2.0),
        recreate=dict(type="bool", default=False),
        recreate_timeout=dict(type="int", default=600),
        scope=dict(type="str", default="global", choices=["global", "zone"]),
        service_offering=dict(type="dict", options=dict(
            cpu_number=dict(type="int"), cpu_speed=dict(type="int"), memory=dict(type="int"),
            name=dict(type="str", required=True))),
        settings=dict(type="dict", options={spec.option: dict(type=spec.kind) for spec in ssvm.SPECS if spec.option != "service_offering"}),
        targets=dict(type="dict", options=dict(
            headroom_ssvms=dict(type="int", default=1), peak_commands=dict(type="int", required=True),
            session_max=dict(type="int", default=ssvm.DEFAULT_SESSION_MAX))),
        zone=dict(type="str"),
    )
    module_kwargs = dict(
        required_if=[("scope", "zone", ("zone",)), ("recreate", True, ("zone",))],
    )

    def run(self):
        p = self.params
        if not (p["settings"] or p["targets"] or p["service_offering"] or p["recreate"]):
            raise PlanError("nothing to do: give settings, targets, service_offering or recreate: true")
        check_seconds(recreate_timeout=p["recreate_timeout"])
        api = CloudStackApi.from_params(p, poll_interval=p["poll_interval"])
        zone = ssvm.find_one(api.zones(), p["zone"], "zone") if p["zone"] else None
        zone_id = zone["id"] if zone else None
        scope_id = zone_id if p["scope"] == "zone" else None
        sizing = ssvm.size_from_targets(**p["targets"]) if p["targets"] else None
        desired = ssvm.desired_settings(p["settings"], sizing)

        offering, create = None, None
        if p["service_offering"]:
            wanted = p["service_offering"]
            offering, create = ssvm.plan_offering(api.system_offerings(), wanted["name"], wanted["cpu_number"],
                                                  wanted["cpu_speed"], wanted["memory"])
            desired[ssvm.OFFERING_SETTING] = offering["id"] if offering else "(new offering %s)" % wanted["name"]
        current = {name: ssvm.setting_from(ssvm.exact(api.configurations(name, scope_id), name)) for name in desired}
        changes = ssvm.plan_settings(current, desired, p["scope"])
        auto_reserve = ssvm.setting_from(ssvm.exact(api.configurations(ssvm.AUTO_RESERVE_SETTING), ssvm.AUTO_RESERVE_SETTING))
        vms = api.system_vms(ssvm.SSVM_TYPE, zone_id)
        if p["recreate"]:
            ssvm.check_rollable(vms, zone["name"])
        template_warnings = self._template_warnings(api, vms)
        for warning in template_warnings + ssvm.scale_out_warnings(auto_reserve):
            self.module.warn(warning)

        recreated = []
        if not self.check_mode:
            if create:
                offering = api.create_service_offering(**create)
                changes = ssvm.resolve_offering(changes, offering["id"])
            for change in changes:
                api.update_configuration(change.name, change.after, scope_id)
            if p["recreate"]:
                recreated = self._roll(api, vms, zone, p["recreate_timeout"])
        else:
            recreated = [dict(destroyed=vm["name"], replacement=None) for vm in vms] if p["recreate"] else []
        pending = ssvm.needs_recreate(changes)
        if pending and not p["recreate"]:
            self.module.warn("%s changed: running SSVMs keep the old value until they are recreated (recreate: true, "
                             "after the management-server restart if one is required)" % ", ".join(pending))

        after = dict(desired)
        after.update({c.name: c.after for c in changes})
        extra = {}
        if sizing:
            extra["ssvm_count"] = sizing.ssvms
        if p["service_offering"]:
            shown = offering or dict(name=create["name"], cpunumber=int(create["cpunumber"]),
                                     cpuspeed=int(create["cpuspeed"]), memory=int(create["memory"]), id=None)
            extra["service_offering"] = dict(id=shown.get("id"), name=shown.get("name"), cpunumber=shown.get("cpunumber"),
                                             cpuspeed=shown.get("cpuspeed"), memory=shown.get("memory"), created=bool(create))
        restart = ssvm.restart_settings(changes)
        return self.result(
            changed=bool(changes or create or recreated),
            before=dict(settings={name: (current[name].value if current[name] else None) for name in desired},
                        ssvms=[vm["name"] for vm in vms] if p["recreate"] else []),
            after=dict(settings=after, ssvms=[r["replacement"] or "(replacement of %s)" % r["destroyed"] for r in recreated]),
            changes=[c.as_dict() for c in changes],
            explanation=self._explain(sizing, p["settings"]),
            recreated=recreated,
            restart_required=bool(restart),
            restart_settings=restart,
            settings=after,
            ssvms=[{k: vm.get(k) for k in ("id", "name", "state", "agentstate", "zonename", "templatename")} for vm in vms],
            template_warnings=template_warnings,
            **extra
        )

    @staticmethod
    def _explain(sizing, settings):
        if sizing:
            return sizing.explanation
        settings = settings or {}
        if settings.get("session_max") is not None and settings.get("capacity_standby") is not None:
            return ssvm.thresholds(settings["session_max"], settings["capacity_standby"])
        return ""

    @staticmethod
    def _template_warnings(api, vms):
        templates = sorted({vm.get("templatename") for vm in vms if vm.get("templatename")})
        version = api.version() if templates else None
        return [w for name in templates for w in ssvm.template_warnings(name, version)]

    @staticmethod
    def _roll(api, vms, zone, timeout):
        """Destroy one SSVM, wait for its replacement Running with agent Up, then the next."""
        done = []
        for index, vm in enumerate(vms):
            known = [v["id"] for v in api.system_vms(ssvm.SSVM_TYPE, zone["id"])]
            try:
                api.destroy_system_vm(vm["id"], timeout)
                new = api.wait_until(lambda known=known: ssvm.replacement(known, api.system_vms(ssvm.SSVM_TYPE, zone["id"])),
                                     timeout, "a replacement for %s to be Running with its agent Up" % vm["name"],
                                     last=lambda: ssvm.vm_states(api.system_vms(ssvm.SSVM_TYPE, zone["id"])))
            except AdapterError as err:
                left = ", ".join(v["name"] for v in vms[index + 1:]) or "none"
                raise AdapterError("recreating SSVMs in zone %s stopped at %s (recreated before it: %s; not touched: %s): %s"
                                   % (zone["name"], vm["name"], ", ".join(d["destroyed"] for d in done) or "none", left, err)) from None
            done.append(dict(destroyed=vm["name"], replacement=new["name"]))
        return done


def main():
    CloudStackSsvmScaling().execute()


if __name__ == "__main__":
    main()
