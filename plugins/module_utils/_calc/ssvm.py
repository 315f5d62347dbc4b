# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""CloudStack secondary-storage VM (SSVM) scaling: the scale-out rule, settings plan, template check.

Pure: the caller reads the settings, offerings and system VMs through the CloudStack adapter and
applies what the plan returns. Domain reference section 3 (docs/cloudstack-ssvm.md):

* CloudStack's own rule (PremiumSecondaryStorageManagerImpl.scanPool): with R running SSVMs and A
  active commands, a new SSVM is started when ``R * secstorage.session.max - A <
  secstorage.capacity.standby``. So at a steady load A the zone settles on the smallest R >= 1 with
  ``R * session_max - A >= standby``.
* ``listConfigurations name=`` is a substring match: the adapter returns candidates, the plan
  takes the exact name only.
* The API's ``isdynamic`` flag says whether a new value is used without a management-server restart.
* System VM templates are 64-bit only from CloudStack 4.6; a template older than the running
  version is flagged.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

DEFAULT_SESSION_MAX = 50
DEFAULT_STANDBY = 10
SSVM_TYPE = "secondarystoragevm"
OFFERING_SETTING = "secstorage.service.offering"
MTU_SETTING = "secstorage.vm.mtu.size"
AUTO_RESERVE_SETTING = "system.vm.auto.reserve.capacity"


@dataclass(frozen=True)
class SettingSpec:
    """One module option and the CloudStack setting it sets, with the bounds the collection enforces."""

    option: str
    name: str
    kind: str  # "int", "bool" or "str"
    minimum: Optional[int] = None
    maximum: Optional[int] = None
    unit: str = ""


SPECS: Tuple[SettingSpec, ...] = (
    SettingSpec("auto_scale_down", "secstorage.vm.auto.scale.down", "bool"),
    SettingSpec("capacity_standby", "secstorage.capacity.standby", "int", 0, 10000, "sessions"),
    SettingSpec("capacityscan_interval", "secstorage.capacityscan.interval", "int", 1000, 3600000, "ms"),
    SettingSpec("cmd_execution_time_max", "secstorage.cmd.execution.time.max", "int", 1, 1440, "minutes"),
    SettingSpec("max_migrate_sessions", "secstorage.max.migrate.sessions", "int", 1, 100, "sessions"),
    SettingSpec("max_ssvm_count", "max.ssvm.count", "int", 1, 100, "SSVMs"),
    SettingSpec("mtu", MTU_SETTING, "int", 68, 9000, "bytes"),
    SettingSpec("service_offering", OFFERING_SETTING, "str"),
    SettingSpec("session_max", "secstorage.session.max", "int", 1, 10000, "sessions"),
    SettingSpec("use_local_storage", "system.vm.use.local.storage", "bool"),
)
SPEC_BY_OPTION: Dict[str, SettingSpec] = {spec.option: spec for spec in SPECS}
# Settings that only new SSVMs pick up: the running ones must be recreated (domain reference 3.1).
RECREATE_SETTINGS = frozenset({OFFERING_SETTING, MTU_SETTING})


@dataclass(frozen=True)
class Setting:
    """A setting as listConfigurations returns it, at the scope it was read."""

    name: str
    value: Optional[str]
    dynamic: bool
    scope: str = "global"


@dataclass(frozen=True)
class Change:
    """Set ``name`` from ``before`` to ``after``; ``dynamic`` False means a restart is needed."""

    name: str
    before: Optional[str]
    after: str
    dynamic: bool

    def as_dict(self) -> Dict[str, Any]:
        return dict(name=self.name, before=self.before, after=self.after, dynamic=self.dynamic)


@dataclass(frozen=True)
class Sizing:
    """Settings derived from targets, the SSVM count CloudStack will settle on, and why."""

    session_max: int
    capacity_standby: int
    ssvms: int
    explanation: str


# --- the scale-out rule ---------------------------------------------------------------------------

def scales_out(running: int, session_max: int, active: int, standby: int) -> bool:
    """CloudStack's rule: True when the zone gets one more SSVM at the next capacity scan."""
    return running * session_max - active < standby


def ssvm_count(active: int, session_max: int, standby: int) -> int:
    """How many SSVMs a zone settles on at ``active`` concurrent commands (at least the one primary)."""
    if session_max < 1:
        raise PlanError("secstorage.session.max must be at least 1, not %d" % session_max)
    if active < 0 or standby < 0:
        raise PlanError("active commands and secstorage.capacity.standby cannot be negative")
    return max(1, int(math.ceil((active + standby) / float(session_max))))


def _ssvms(count: int) -> str:
    return "1 SSVM" if count == 1 else "%d SSVMs" % count


def explain(active: int, session_max: int, standby: int) -> str:
    """One sentence: the load, the two settings, and the SSVM count the rule gives."""
    return "with %d concurrent commands, session.max %d and standby %d you will run %s" % (
        active, session_max, standby, _ssvms(ssvm_count(active, session_max, standby)))


def thresholds(session_max: int, standby: int, upto: int = 3) -> str:
    """When the 2nd, 3rd, ... SSVM starts: above ``R * session_max - standby`` active commands."""
    parts = []
    for running in range(1, upto):
        parts.append("SSVM %d starts above %d active commands" % (running + 1, running * session_max - standby))
    return "with session.max %d and standby %d: %s" % (session_max, standby, ", ".join(parts))


def size_from_targets(peak_commands: int, headroom_ssvms: int, session_max: int = DEFAULT_SESSION_MAX) -> Sizing:
    """Derive standby and session.max from peak concurrent commands and spare SSVMs wanted.

    ``standby = headroom_ssvms * session_max`` keeps that many SSVMs' worth of sessions free, so the
    zone runs ``ceil(peak / session_max) + headroom_ssvms`` SSVMs at the peak.
    """
    if peak_commands < 0:
        raise PlanError("peak_commands cannot be negative, not %d" % peak_commands)
    if headroom_ssvms < 0:
        raise PlanError("headroom_ssvms cannot be negative, not %d" % headroom_ssvms)
    check_value(SPEC_BY_OPTION["session_max"], session_max)
    standby = headroom_ssvms * session_max
    check_value(SPEC_BY_OPTION["capacity_standby"], standby)
    count = ssvm_count(peak_commands, session_max, standby)
    return Sizing(session_max=session_max, capacity_standby=standby, ssvms=count,
                  explanation=explain(peak_commands, session_max, standby))


# --- the settings plan ----------------------------------------------------------------------------

def check_value(spec: SettingSpec, value: Any) -> str:
    """Range-check one value and render it the way CloudStack stores it (a string)."""
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise PlanError("%s (%s) must be true or false, not %r" % (spec.option, spec.name, value))
        return "true" if value else "false"
    if spec.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise PlanError("%s (%s) must be an integer, not %r" % (spec.option, spec.name, value))
        if (spec.minimum is not None and value < spec.minimum) or (spec.maximum is not None and value > spec.maximum):
            raise PlanError("%s (%s) is %d %s, out of the range %d to %d" % (
                spec.option, spec.name, value, spec.unit, spec.minimum, spec.maximum))
        return str(value)
    return str(value)


def desired_settings(settings: Optional[Mapping[str, Any]], sizing: Optional[Sizing] = None) -> Dict[str, str]:
    """Map module options (None = leave alone) to CloudStack names and values, range-checked."""
    settings = {k: v for k, v in (settings or {}).items() if v is not None}
    if sizing is not None:
        clash = sorted(set(settings) & {"capacity_standby", "session_max"})
        if clash:
            raise PlanError("targets derive capacity_standby and session_max; leave %s out of settings"
                            % " and ".join(clash))
        settings.update(capacity_standby=sizing.capacity_standby, session_max=sizing.session_max)
    desired: Dict[str, str] = {}
    for option in sorted(settings):
        if option not in SPEC_BY_OPTION:
            raise PlanError("unknown SSVM setting %s" % option)
        spec = SPEC_BY_OPTION[option]
        desired[spec.name] = check_value(spec, settings[option])
    return desired


def exact(candidates: Sequence[Mapping[str, Any]], name: str) -> Optional[Mapping[str, Any]]:
    """The entry named exactly ``name`` among listConfigurations' substring matches."""
    found = [entry for entry in candidates if entry.get("name") == name]
    return found[0] if found else None


def setting_from(entry: Optional[Mapping[str, Any]]) -> Optional[Setting]:
    """A listConfigurations entry as a Setting (None stays None)."""
    if entry is None:
        return None
    return Setting(str(entry["name"]), entry.get("value"), bool(entry.get("isdynamic")), str(entry.get("scope") or "global"))


def plan_settings(current: Mapping[str, Optional[Setting]], desired: Mapping[str, str], scope: str = "global") -> List[Change]:
    """The updateConfiguration calls needed, in name order; ``[]`` when nothing is to do.

    ``current`` maps every desired name to what the server lists at ``scope`` (None: not listed).
    """
    changes = []
    for name in sorted(desired):
        setting = current.get(name)
        if setting is None:
            if scope == "zone":
                raise PlanError("%s cannot be set per zone: CloudStack lists it at global scope only "
                                "(use scope: global)" % name)
            raise PlanError("setting %s does not exist on this CloudStack" % name)
        if (setting.value or "") != desired[name]:
            changes.append(Change(name=name, before=setting.value, after=desired[name], dynamic=setting.dynamic))
    return changes


def resolve_offering(changes: Sequence[Change], offering_id: str) -> List[Change]:
    """Put the id of a just-created offering in place of the placeholder the plan was made with."""
    return [replace(c, after=offering_id) if c.name == OFFERING_SETTING else c for c in changes]


def restart_settings(changes: Sequence[Change]) -> List[str]:
    """Changed settings that the management server reads only at startup (``isdynamic`` false)."""
    return [change.name for change in changes if not change.dynamic]


def needs_recreate(changes: Sequence[Change]) -> List[str]:
    """Changed settings that running SSVMs do not pick up until they are recreated."""
    return [change.name for change in changes if change.name in RECREATE_SETTINGS]


def apply_changes(current: Mapping[str, Optional[Setting]], changes: Sequence[Change]) -> Dict[str, Optional[Setting]]:
    """What the server holds after ``changes``: used by tests to prove a plan leaves nothing to do."""
    after = dict(current)
    for change in changes:
        old = after[change.name]
        after[change.name] = Setting(change.name, change.after, change.dynamic, old.scope if old else "global")
    return after


def scale_out_warnings(auto_reserve: Optional[Setting]) -> List[str]:
    """CloudStack suspends automatic SSVM scale-out unless system.vm.auto.reserve.capacity is true."""
    if auto_reserve is not None and (auto_reserve.value or "").lower() != "true":
        return ["%s is %s: CloudStack does not add SSVMs automatically, so the count above is not reached"
                % (AUTO_RESERVE_SETTING, auto_reserve.value)]
    return []


# --- lookups --------------------------------------------------------------------------------------

def find_one(items: Sequence[Mapping[str, Any]], wanted: str, kind: str) -> Mapping[str, Any]:
    """The item whose id or name is ``wanted``; PlanError when none or several match."""
    by_id = [item for item in items if item.get("id") == wanted]
    if by_id:
        return by_id[0]
    by_name = [item for item in items if item.get("name") == wanted]
    if not by_name:
        known = ", ".join(sorted(str(item.get("name")) for item in items)) or "none"
        raise PlanError("unknown %s %s (known: %s)" % (kind, wanted, known))
    if len(by_name) > 1:
        raise PlanError("%d %ss are named %s: give the id" % (len(by_name), kind, wanted))
    return by_name[0]


def _create_check(offerings: Sequence[Mapping[str, Any]], name: str, sizes: Mapping[str, Optional[int]]) -> None:
    wrong_type = [o for o in offerings if name in (o.get("id"), o.get("name"))]
    if wrong_type:
        raise PlanError("service offering %s is for system VM type %s, not %s"
                        % (name, wrong_type[0].get("systemvmtype"), SSVM_TYPE))
    missing = sorted(key for key, value in sizes.items() if value is None)
    if missing:
        raise PlanError("unknown SSVM service offering %s: to create it give %s" % (name, ", ".join(missing)))
    for key, low in (("cpu_number", 1), ("cpu_speed", 100), ("memory", 256)):
        if sizes[key] < low:  # type: ignore[operator]
            raise PlanError("service offering %s: %s %d is below %d" % (name, key, sizes[key], low))


def plan_offering(offerings: Sequence[Mapping[str, Any]], name: str, cpu_number: Optional[int] = None,
                  cpu_speed: Optional[int] = None, memory: Optional[int] = None) -> Tuple[Optional[Mapping[str, Any]], Optional[Dict[str, Any]]]:
    """Reuse an SSVM system offering by id or name, or say what to create.

    Returns (existing, None) or (None, create-parameters). An offering's size cannot be changed, so an
    existing one with other sizes is an error, as is a missing one without sizes to create it with.
    """
    if not name or not name.strip():
        raise PlanError("service_offering: the name must be a non-empty string, not %r" % (name,))
    sizes = dict(cpunumber=cpu_number, cpuspeed=cpu_speed, memory=memory)
    candidates = [o for o in offerings if o.get("systemvmtype") == SSVM_TYPE]
    if any(name in (o.get("id"), o.get("name")) for o in candidates):
        found = find_one(candidates, name, "SSVM service offering")
    else:
        _create_check(offerings, name, dict(cpu_number=cpu_number, cpu_speed=cpu_speed, memory=memory))
        return None, dict(name=name, displaytext="SSVM offering %s" % name, issystem="true",
                          systemvmtype=SSVM_TYPE, **{k: str(v) for k, v in sizes.items()})
    differ = sorted(k for k, v in sizes.items() if v is not None and int(found.get(k) or 0) != v)
    if differ:
        raise PlanError("service offering %s exists with %s; offerings cannot be resized, choose a new name"
                        % (name, ", ".join("%s %s (not %s)" % (k, found.get(k), sizes[k]) for k in differ)))
    return found, None


def check_rollable(vms: Sequence[Mapping[str, Any]], zone: str) -> None:
    """Recreate only from a healthy zone: every SSVM Running with its agent Up, and at least one."""
    if not vms:
        raise PlanError("zone %s has no SSVM to recreate" % zone)
    for vm in vms:
        if vm.get("state") != "Running" or vm.get("agentstate") != "Up":
            raise PlanError("SSVM %s in zone %s is %s with agent %s: recreate only when every SSVM is Running with agent Up"
                            % (vm.get("name"), zone, vm.get("state"), vm.get("agentstate") or "not connected"))


def vm_states(vms: Sequence[Mapping[str, Any]]) -> str:
    """``s-3-VM Starting (agent none)`` for each VM: what a timeout message shows."""
    return ", ".join("%s %s (agent %s)" % (vm.get("name"), vm.get("state"), vm.get("agentstate") or "none") for vm in vms) or "no SSVM"


def replacement(known_ids: Sequence[str], vms: Sequence[Mapping[str, Any]]) -> Optional[Mapping[str, Any]]:
    """A new SSVM (not in ``known_ids``) that is Running with its agent Up, if there is one yet."""
    for vm in vms:
        if vm.get("id") not in known_ids and vm.get("state") == "Running" and vm.get("agentstate") == "Up":
            return vm
    return None


# --- system VM template bitness -------------------------------------------------------------------

def _version(text: str) -> Optional[Tuple[int, int]]:
    match = re.search(r"(\d+)\.(\d+)", text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def template_warnings(template_name: Optional[str], server_version: Optional[str]) -> List[str]:
    """Warn about a 32-bit system VM template on 4.6+, or a template older than the server.

    Names: ``systemvmtemplate-4.5-kvm`` (32-bit, 4.2-4.5), ``systemvm64template-4.6.0-kvm`` (64-bit),
    ``systemvm-kvm-4.20.0-x86_64`` (later). From 4.6 only 64-bit templates are registered.
    """
    if not template_name or not server_version:
        return []
    server = _version(server_version)
    warnings = []
    name = template_name.lower()
    if name.startswith("systemvmtemplate") and server is not None and server >= (4, 6):
        warnings.append("system VM template %s is 32-bit; CloudStack %s expects a 64-bit template (64-bit only since 4.6)"
                        % (template_name, server_version))
    template = _version(name.replace("systemvm64", "systemvm"))
    if template is not None and server is not None and template < server:
        warnings.append("system VM template %s is for %d.%d, older than CloudStack %s: register the %d.%d template"
                        % (template_name, template[0], template[1], server_version, server[0], server[1]))
    return warnings
