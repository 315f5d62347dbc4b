# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""CloudStack host maintenance: which call moves a host toward the wanted state, and when it is there.

A host has two states in the API: ``state`` (the agent connection: Up, Connecting, Disconnected,
Down, Alert, ...) and ``resourcestate`` (the administrator's intent: Enabled, Disabled,
PrepareForMaintenance, Maintenance, ErrorInPrepareForMaintenance, ErrorInMaintenance, ...; enum
``com.cloud.resource.ResourceState``). prepareHostForMaintenance is accepted from Enabled,
Disabled and the two error states; cancelHostMaintenance from the maintenance states. A host is in
maintenance when its resourcestate is Maintenance and no VM is left on it; it is back when its
resourcestate is Enabled and its agent is Up.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

PREPARE = "prepareHostForMaintenance"
CANCEL = "cancelHostMaintenance"
MAINTENANCE_STATES = ("PrepareForMaintenance", "Maintenance", "ErrorInPrepareForMaintenance", "ErrorInMaintenance")
ERROR_STATES = ("ErrorInPrepareForMaintenance", "ErrorInMaintenance")
STATES = ("maintenance", "enabled")


def find_host(rows: Sequence[Mapping[str, Any]], name: str) -> Dict[str, Any]:
    """The one host whose name or id is ``name`` (listHosts name= matches substrings)."""
    found = [dict(row) for row in rows if name in (row.get("name"), row.get("id"))]
    if len(found) == 1:
        return found[0]
    if not found:
        known = sorted(str(row.get("name")) for row in rows)
        raise PlanError("no CloudStack host is named %s%s" % (name, " (similar: %s)" % ", ".join(known) if known else ""))
    raise PlanError("%d CloudStack hosts are named %s (ids %s): give the id" % (len(found), name, ", ".join(h["id"] for h in found)))


def plan(host: Mapping[str, Any], desired: str) -> Optional[str]:
    """The API call that moves ``host`` toward ``desired`` (None: nothing to call)."""
    if desired not in STATES:
        raise PlanError("state must be one of %s, not %s" % (", ".join(STATES), desired))
    resource = host.get("resourcestate")
    name = host.get("name")
    if desired == "maintenance":
        if resource in ("Maintenance", "PrepareForMaintenance"):
            return None
        if resource in ("Enabled", "Disabled") + ERROR_STATES:
            return PREPARE
        raise PlanError("host %s cannot be put into maintenance from resource state %s" % (name, resource))
    if resource == "Enabled":
        return None
    if resource in MAINTENANCE_STATES:
        return CANCEL
    if resource == "Disabled":
        raise PlanError("host %s is Disabled by an administrator, not in maintenance: enable it with updateHost "
                        "allocationstate=Enable, cancelling maintenance would not" % name)
    raise PlanError("host %s cannot be enabled from resource state %s" % (name, resource))


def reached(host: Mapping[str, Any], vms: Sequence[Mapping[str, Any]], desired: str) -> bool:
    """Whether ``host`` (with ``vms`` still on it) is where ``desired`` wants it."""
    if desired == "maintenance":
        return host.get("resourcestate") == "Maintenance" and not vms
    return host.get("resourcestate") == "Enabled" and host.get("state") == "Up"


def check_progress(host: Mapping[str, Any], desired: str) -> None:
    """Stop waiting at once when CloudStack has given up (rather than waiting out the timeout)."""
    if desired == "maintenance" and host.get("resourcestate") in ERROR_STATES:
        raise PlanError("host %s went to %s: CloudStack could not migrate its VMs away (look at the VMs still on it "
                        "and the capacity of the other hosts of cluster %s)"
                        % (host.get("name"), host.get("resourcestate"), host.get("clustername")))


def out_of_service(host: Mapping[str, Any]) -> bool:
    """In a maintenance state, or its agent not Up (Disconnected, Down, Alert, Connecting, ...)."""
    return host.get("resourcestate") in MAINTENANCE_STATES or host.get("state") != "Up"


def valid_limit(max_unavailable: Optional[int]) -> Optional[int]:
    if max_unavailable is not None and max_unavailable < 1:
        raise PlanError("max_unavailable must be 1 or more (or unset: no limit), not %d" % max_unavailable)
    return max_unavailable


def check_unavailable(rows: Sequence[Mapping[str, Any]], host: Mapping[str, Any], max_unavailable: int,
                      raced: bool = False) -> None:
    """Refuse to drain ``host`` when its cluster would have more than ``max_unavailable`` hosts out of
    service. ``raced``: checked again right after the call, when the other host went out meanwhile."""
    others = sorted((h for h in rows if h.get("clusterid") == host.get("clusterid") and h.get("id") != host.get("id")
                     and out_of_service(h)), key=lambda h: str(h.get("name")))
    if len(others) < max_unavailable:
        return
    seen = ", ".join("%s %s/%s" % (h.get("name"), h.get("resourcestate"), h.get("state")) for h in others)
    if raced:
        raise PlanError("host %s: %s of cluster %s went out of service at the same time; this host's maintenance was "
                        "cancelled (max_unavailable %d). Run one roll at a time: do not slice it or start it twice"
                        % (host.get("name"), seen, host.get("clustername"), max_unavailable))
    raise PlanError("host %s: %d other host(s) of cluster %s already out of service (%s), and max_unavailable %d "
                    "allows %d: another roll may be under way, or a host needs attention. Nothing was changed"
                    % (host.get("name"), len(others), host.get("clustername"), seen, max_unavailable,
                       max_unavailable - 1))


def predicted(host: Mapping[str, Any], desired: str) -> Dict[str, Any]:
    """The host as it will be once ``desired`` is reached (for check mode and the diff)."""
    after = summary(host)
    if desired == "maintenance":
        after["resourcestate"] = "Maintenance"
    else:
        after.update(resourcestate="Enabled", state="Up")
    return after


def summary(host: Mapping[str, Any]) -> Dict[str, Any]:
    return {key: host.get(key) for key in ("id", "name", "state", "resourcestate", "clustername", "version")}


def describe(host: Mapping[str, Any], vms: Sequence[Mapping[str, Any]]) -> str:
    """One line for the transitions log: ``PrepareForMaintenance/Up, 2 VMs (vm-1, s-1-VM)``."""
    names: List[str] = [str(vm.get("name")) for vm in vms]
    text = "%s/%s, %d VM%s" % (host.get("resourcestate"), host.get("state"), len(names), "" if len(names) == 1 else "s")
    return text + (" (%s)" % ", ".join(names) if names else "")


def version_tuple(text: str) -> List[int]:
    """``4.20.1.0`` -> [4, 20, 1, 0]; a suffix such as ``-SNAPSHOT`` is ignored."""
    numbers: List[int] = []
    for part in str(text).split("-", maxsplit=1)[0].split("."):
        if not part.isdigit():
            raise PlanError("%s is not a CloudStack version (numbers separated by dots, like 4.20.1.0)" % text)
        numbers.append(int(part))
    return numbers


def version_at_least(version: str, minimum: str) -> bool:
    """Whether ``version`` is ``minimum`` or newer, missing trailing numbers counting as 0."""
    have, want = version_tuple(version), version_tuple(minimum)
    width = max(len(have), len(want))
    return have + [0] * (width - len(have)) >= want + [0] * (width - len(want))
