# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Which hosts to add to oVirt, and what a host's status means while the engine deploys it.

Statuses from ovirt-engine-api-model ``types/HostStatus.java`` (lower case on the wire). Terminal
failures follow oVirt's own add_host example and ovirt.ovirt's ``ovirt_host`` module:
``install_failed``, ``non_operational``, ``non_responsive`` and ``error`` do not turn into ``up``
without an operator.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

TERMINAL = ("install_failed", "non_operational", "non_responsive", "error")
PENDING = ("installing", "initializing", "connecting", "reboot", "unassigned", "preparing_for_maintenance",
           "pending_approval", "installing_os", "kdumping", "down")


def plan(existing: Sequence[Mapping[str, Any]], desired: Sequence[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """The desired hosts that are not in the engine yet, in order; a host that is there elsewhere fails.

    ``existing`` items: name, address, cluster (name). ``desired`` items: name, address, cluster.
    """
    names = [host["name"] for host in desired]
    if len(set(names)) != len(names):
        raise PlanError("a host name is listed twice: %s" % ", ".join(sorted(n for n in set(names) if names.count(n) > 1)))
    addresses = [host["address"] for host in desired]
    if len(set(addresses)) != len(addresses):
        raise PlanError("a host address is listed twice (one machine would be added under two names): %s"
                        % ", ".join(sorted(a for a in set(addresses) if addresses.count(a) > 1)))
    by_name = {host["name"]: host for host in existing}
    by_address = {host["address"]: host for host in existing}
    to_add = []
    for host in desired:
        if not host.get("password") and not host.get("public_key"):
            raise PlanError("host %s: give a root password or public_key: true (the engine's SSH key)" % host["name"])
        ports = [("ssh_port", host.get("ssh_port")), ("power_management.port", (host.get("power_management") or {}).get("port"))]
        for option, port in ports:
            if port is not None and not 1 <= port <= 65535:
                raise PlanError("host %s: %s %d is not a TCP port (1 to 65535)" % (host["name"], option, port))
        current = by_name.get(host["name"]) or by_address.get(host["address"])
        if current is None:
            to_add.append(dict(host))
            continue
        if current["name"] != host["name"] or current["address"] != host["address"]:
            raise PlanError("host %s (%s): the engine already has %s at %s; rename or remove it in the engine first"
                            % (host["name"], host["address"], current["name"], current["address"]))
        if current.get("cluster") != host["cluster"]:
            raise PlanError("host %s is in cluster %s, not %s; moving hosts between clusters is not done by this "
                            "module (put it in maintenance and edit it in the engine)"
                            % (host["name"], current.get("cluster"), host["cluster"]))
    return to_add


def check_wait(timeout: int, poll_interval: float) -> None:
    """Refuse wait times time.sleep would stop on once hosts were added: checked before any change."""
    if timeout < 0:
        raise PlanError("timeout must be 0 or more seconds, not %d" % timeout)
    if not 0 <= poll_interval < float("inf"):
        raise PlanError("poll_interval must be a number of seconds, 0 or more, not %s" % poll_interval)


def state(status: str, target: str = "up") -> str:
    """``done``, ``failed`` or ``waiting``."""
    if status == target:
        return "done"
    if status in TERMINAL:
        return "failed"
    return "waiting"


def failure_message(name: str, status: str, events: Sequence[Mapping[str, Any]], waited: Optional[int] = None) -> str:
    """The engine's own words: the newest error/alert events about the host, else its warnings."""
    ranked = [e for e in events if e.get("severity") in ("error", "alert")] or \
        [e for e in events if e.get("severity") == "warning"]
    ranked = sorted(ranked, key=lambda e: (e.get("time") or "", int(e.get("id") or 0)), reverse=True)[:3]
    said = "; ".join(e.get("description", "").strip() for e in ranked if e.get("description"))
    head = "host %s did not come up within %d s (status %s)" % (name, waited, status) if waited is not None else "host %s is %s" % (name, status.upper())
    return "%s. Engine events: %s" % (head, said or "none recorded for this host")
