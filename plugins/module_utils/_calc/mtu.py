# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Plan MTU changes on a stack of Linux links (NIC, bond, VLAN, bridge, veth, tap).

Pure: the caller reads the links (iproute2) and applies the returned steps in order.

Kernel rules the plan follows (docs/architecture.md, "MTU ordering"):
* a VLAN (macvlan, ipvlan) may not exceed its lower device: ``vlan_dev_change_mtu`` answers -ERANGE;
* a VXLAN device may not exceed its lower device less the encapsulation (``headroom``: 50 bytes
  over IPv4, 70 over IPv6), or ``vxlan_change_mtu`` answers -EINVAL;
* a bond pushes its MTU to every slave, so a slave always ends equal to its bond;
* a bridge should not exceed any of its ports, or frames it forwards do not fit;
* so a parent is raised before its children, and children are lowered before their parents.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

IPV4_MIN_MTU = 68
IPV6_MIN_MTU = 1280
# Kinds whose "link" attribute names the lower device they send through.
STACKED_KINDS = frozenset({"vlan", "macvlan", "macvtap", "ipvlan", "ipvtap", "vxlan", "geneve"})
# Encapsulation added by an overlay on top of its lower device's IP header (domain reference 4.5).
VXLAN_HEADROOM = {4: 50, 6: 70}
MASTER_KINDS_PUSHING_MTU = frozenset({"bond", "team"})


@dataclass(frozen=True)
class Link:
    """One network link as the kernel reports it."""

    name: str
    mtu: int
    kind: str = "device"
    lower: Optional[str] = None
    master: Optional[str] = None
    min_mtu: int = IPV4_MIN_MTU
    max_mtu: int = 65535
    ipv6: bool = False
    headroom: int = 0


@dataclass(frozen=True)
class Step:
    """Set ``name`` from ``before`` to ``after``; ``implied`` lists links the kernel moves with it."""

    name: str
    before: int
    after: int
    implied: Tuple[str, ...] = field(default=())


def parents(links: Mapping[str, Link], name: str) -> List[str]:
    """The links ``name`` must not exceed: its lower device, or the ports of a bridge."""
    link = links[name]
    found: List[str] = []
    if link.kind in STACKED_KINDS and link.lower and link.lower in links:
        found.append(link.lower)
    if link.kind == "bridge":
        found.extend(sorted(n for n, other in links.items() if other.master == name))
    return found


def _depth(links: Mapping[str, Link], name: str, seen: Tuple[str, ...] = ()) -> int:
    if name in seen:
        raise PlanError("links form a loop: %s" % " -> ".join(seen + (name,)))
    ups = parents(links, name)
    return 1 + max((_depth(links, p, seen + (name,)) for p in ups), default=-1)


def _floor(link: Link) -> Tuple[int, str]:
    if link.ipv6 and max(link.min_mtu, IPV4_MIN_MTU) < IPV6_MIN_MTU:
        return IPV6_MIN_MTU, "the IPv6 minimum (%s has IPv6 addresses)" % link.name
    if link.min_mtu > IPV4_MIN_MTU:
        return link.min_mtu, "the driver's minimum"
    return IPV4_MIN_MTU, "the IPv4 minimum"


def _check_range(link: Link, mtu: int) -> None:
    floor, why = _floor(link)
    if mtu < floor:
        raise PlanError("MTU %d for %s is below %d, %s" % (mtu, link.name, floor, why))
    if mtu > link.max_mtu:
        raise PlanError("MTU %d for %s is above the maximum %d of its driver (%s)"
                        % (mtu, link.name, link.max_mtu, link.kind))


def merge_requests(requests: Sequence[Tuple[str, int]]) -> Dict[str, int]:
    """Fold (name, mtu) pairs into one mapping; the same name twice must ask for the same MTU."""
    desired: Dict[str, int] = {}
    for name, mtu in requests:
        if not name.strip():
            raise PlanError("an interface name must not be empty")
        if name in desired and desired[name] != mtu:
            raise PlanError("conflicting MTUs for %s: %d and %d" % (name, desired[name], mtu))
        desired[name] = mtu
    return desired


def _final_state(links: Mapping[str, Link], desired: Mapping[str, int]) -> Dict[str, int]:
    final = {name: link.mtu for name, link in links.items()}
    final.update(desired)
    for name, link in links.items():
        master = links.get(link.master or "")
        if master is None or master.kind not in MASTER_KINDS_PUSHING_MTU:
            continue
        if name in desired and master.name in desired and desired[name] != desired[master.name]:
            raise PlanError("%s is a slave of %s: a slave always takes its bond's MTU (%d), not %d"
                            % (name, master.name, desired[master.name], desired[name]))
        if name in desired and master.name not in desired and desired[name] != final[master.name]:
            raise PlanError("%s is a slave of %s: set the MTU on %s, which pushes it to its slaves"
                            % (name, master.name, master.name))
        final[name] = final[master.name]
    return final


def _check_edges(links: Mapping[str, Link], desired: Mapping[str, int], final: Mapping[str, int]) -> None:
    for child in sorted(links):
        for parent in parents(links, child):
            need = final[child] + links[child].headroom
            if need <= final[parent]:
                continue
            rel = "its port" if links[child].kind == "bridge" else "its lower device"
            if links[child].headroom:
                rel += " less %d bytes of encapsulation" % links[child].headroom
            if child in desired and parent in desired:
                raise PlanError("%s (MTU %d) would be above %s (MTU %d), %s"
                                % (child, final[child], parent, final[parent], rel))
            if child in desired:
                raise PlanError("%s (MTU %d) would be above %s (MTU %d), %s, which is not in the "
                                "request: add %s with MTU >= %d"
                                % (child, final[child], parent, final[parent], rel, parent, need))
            raise PlanError("lowering %s to %d would leave %s (MTU %d) above it, and %s is not in the "
                            "request: add %s with MTU <= %d"
                            % (parent, final[parent], child, final[child], child, child,
                               final[parent] - links[child].headroom))


def plan_mtu(links: Mapping[str, Link], desired: Mapping[str, int]) -> List[Step]:
    """Return the ordered steps that bring ``links`` to ``desired``; ``[]`` when nothing is to do.

    Raises PlanError, before any step is returned, for an unknown link, an MTU out of range, a bond
    slave at odds with its bond, or a child left above its parent.
    """
    for name in sorted(desired):
        if name not in links:
            raise PlanError("interface %s does not exist" % name)
        _check_range(links[name], desired[name])
    final = _final_state(links, desired)
    for name in sorted(final):
        if final[name] != links[name].mtu and name not in desired:
            _check_range(links[name], final[name])
    _check_edges(links, desired, final)

    pushed = {name: link.master for name, link in links.items()
              if link.master in links and links[link.master].kind in MASTER_KINDS_PUSHING_MTU}
    changed = [name for name in desired if final[name] != links[name].mtu]
    # A slave moves with its bond; it needs its own step only when its bond does not change.
    changed = [name for name in changed if pushed.get(name) not in changed]
    depth = {name: _depth(links, name) for name in changed}
    lowering = sorted((n for n in changed if final[n] < links[n].mtu), key=lambda n: (-depth[n], n))
    raising = sorted((n for n in changed if final[n] > links[n].mtu), key=lambda n: (depth[n], n))
    steps = []
    for name in lowering + raising:
        implied = tuple(sorted(s for s, m in pushed.items() if m == name and final[s] != links[s].mtu))
        steps.append(Step(name=name, before=links[name].mtu, after=final[name], implied=implied))
    return steps


def apply_steps(links: Mapping[str, Link], steps: Sequence[Step]) -> Dict[str, Link]:
    """What the kernel holds after ``steps``: used by tests to prove a plan leaves nothing to do."""
    state = dict(links)
    for step in steps:
        for name in (step.name,) + step.implied:
            state[name] = replace(state[name], mtu=step.after)
    return state
