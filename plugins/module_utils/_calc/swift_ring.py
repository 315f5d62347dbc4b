# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Plan the swift-ring-builder commands that take a ring builder to the wanted devices.

Pure: the caller reads the builder (part power, replicas, min_part_hours, devices, the seconds
left before partitions may move again, whether devices changed since the last rebalance, and
whether the ``.ring.gz`` is current), and runs the returned commands in order.

Rules (swift ``doc/source/overview_ring.rst``, ``swift-ring-builder`` help):
* the part power is fixed when the builder is created; changing it is a partition-power
  increase, a cluster operation this planner refuses;
* a rebalance only after a change (devices, weights, replicas): an unchanged ring is never
  rebalanced, so its partitions never move for nothing;
* ``min_part_hours``: while the builder says partitions moved too recently, the device changes
  are recorded in the builder but the rebalance waits; the plan says how long;
* a device is keyed by ip, port and name; a different region or zone is changed in place
  (``set_region`` / ``set_zone``), as a weight is (``set_weight``);
* a removed device stays in the builder (weight 0, marked for removal) until the next rebalance:
  it counts as absent, and swift-ring-builder refuses to add its ip:port/name again before that
  rebalance, so a re-added device is added right after one;
* the rebalance is ``rebalance --force``: without it swift-ring-builder does not save a rebalance
  that moved no partition (a zone change in a one-replica ring, say), so the builder would stay
  "changed" and the ring file would keep the old zone. It never overrides ``min_part_hours``: the
  planner only rebalances once the builder says partitions may move.
"""

from __future__ import annotations

import math
import re
import socket
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

MAX_PART_POWER = 32
# No "_": in an add value swift-ring-builder reads what follows "_" as the device's metadata.
DEVICE_NAME = re.compile(r"^[A-Za-z0-9.-]+$")
WEIGHT_TOLERANCE = 1e-6
REBALANCE = ("rebalance", "--force")


@dataclass(frozen=True)
class Device:
    """One ring device; ``id`` is the builder's device id (only for devices read from a builder)."""

    ip: str
    port: int
    device: str
    weight: float = 100.0
    region: int = 1
    zone: int = 1
    id: Optional[int] = None

    @property
    def key(self) -> Tuple[str, int, str]:
        return (self.ip, self.port, self.device)

    @property
    def search(self) -> str:
        return "r%dz%d-%s:%d/%s" % (self.region, self.zone, self.ip, self.port, self.device)


@dataclass(frozen=True)
class RingSpec:
    """What the operator asks for."""

    part_power: int
    replicas: float
    min_part_hours: int
    devices: Tuple[Device, ...]


@dataclass(frozen=True)
class RingState:
    """What the builder holds now."""

    part_power: int
    replicas: float
    min_part_hours: int
    devices: Tuple[Device, ...]
    min_part_seconds_left: int = 0
    devs_changed: bool = False
    ring_current: bool = True
    removing: Tuple[Device, ...] = ()  # marked for removal (weight 0), gone at the next rebalance


@dataclass(frozen=True)
class RingPlan:
    """Commands (arguments after the builder file), in order; ``wait_seconds`` > 0 when the rebalance waits."""

    commands: Tuple[Tuple[str, ...], ...] = field(default=())
    changes: Tuple[str, ...] = field(default=())
    rebalance: bool = False
    wait_seconds: int = 0


def _num(value: float) -> str:
    return ("%f" % value).rstrip("0").rstrip(".")


def validate(spec: RingSpec) -> None:
    """Refuse what swift-ring-builder would refuse, or accept and regret, before anything changes."""
    if not 1 <= spec.part_power <= MAX_PART_POWER:
        raise PlanError("part power %d is outside 1..%d" % (spec.part_power, MAX_PART_POWER))
    if not math.isfinite(spec.replicas) or spec.replicas < 1:
        raise PlanError("replicas must be at least 1, not %s" % _num(spec.replicas))
    if spec.min_part_hours < 0:
        raise PlanError("min_part_hours must be 0 or more, not %d" % spec.min_part_hours)
    if not spec.devices:
        raise PlanError("a ring needs at least one device")
    seen = set()
    for dev in spec.devices:
        if not DEVICE_NAME.match(dev.device) or dev.device in (".", ".."):
            raise PlanError("device name %r: use letters, digits, '.' and '-' only (swift-ring-builder reads what "
                            "follows '_' as metadata)" % dev.device)
        if dev.key in seen:
            raise PlanError("device %s:%d/%s is listed twice" % dev.key)
        seen.add(dev.key)
        if not math.isfinite(dev.weight) or dev.weight <= 0:
            raise PlanError("device %s has weight %s: weights must be positive" % (dev.device, _num(dev.weight)))
        if not 1 <= dev.port <= 65535:
            raise PlanError("device %s has port %d, outside 1..65535" % (dev.device, dev.port))
        if dev.region < 0 or dev.zone < 0:
            raise PlanError("device %s has region %d and zone %d: both must be 0 or more"
                            % (dev.device, dev.region, dev.zone))
    if spec.replicas > len(spec.devices):
        raise PlanError("%s replicas need at least as many devices, %d given: replicas of one partition "
                        "would share a device" % (_num(spec.replicas), len(spec.devices)))


def plan_ring(current: Optional[RingState], spec: RingSpec) -> RingPlan:
    """The commands that take ``current`` (None: no builder yet) to ``spec``."""
    validate(spec)
    commands: List[Tuple[str, ...]] = []
    changes: List[str] = []
    if current is None:
        commands.append(("create", str(spec.part_power), _num(spec.replicas), str(spec.min_part_hours)))
        changes.append("create part_power=%d replicas=%s min_part_hours=%d"
                       % (spec.part_power, _num(spec.replicas), spec.min_part_hours))
        current = RingState(spec.part_power, spec.replicas, spec.min_part_hours, (), ring_current=False)
    elif current.part_power != spec.part_power:
        raise PlanError("the builder has part power %d and %d was asked: the part power is fixed at creation "
                        "(increasing it is a cluster operation, swift-ring-builder prepare_increase_partition_power)"
                        % (current.part_power, spec.part_power))
    ring_moves = False
    if abs(current.replicas - spec.replicas) > WEIGHT_TOLERANCE:
        commands.append(("set_replicas", _num(spec.replicas)))
        changes.append("replicas %s -> %s" % (_num(current.replicas), _num(spec.replicas)))
        ring_moves = True
    if current.min_part_hours != spec.min_part_hours:
        commands.append(("set_min_part_hours", str(spec.min_part_hours)))
        changes.append("min_part_hours %d -> %d" % (current.min_part_hours, spec.min_part_hours))

    wanted: Dict[Tuple[str, int, str], Device] = {dev.key: dev for dev in spec.devices}
    have: Dict[Tuple[str, int, str], Device] = {dev.key: dev for dev in current.devices}
    removing = {dev.key for dev in current.removing}
    for key, dev in sorted(have.items()):
        want = wanted.get(key)
        if want is None:
            commands.append(("remove", "d%d" % dev.id))
            changes.append("remove %s" % dev.search)
            ring_moves = True
            continue
        for what, old, new in (("region", dev.region, want.region), ("zone", dev.zone, want.zone)):
            if old != new:
                commands.append(("set_%s" % what, "d%d" % dev.id, str(new)))
                changes.append("%s %s %d -> %d" % (what, dev.search, old, new))
                ring_moves = True
        if abs(want.weight - dev.weight) > WEIGHT_TOLERANCE:
            commands.append(("set_weight", "d%d" % dev.id, _num(want.weight)))
            changes.append("weight %s %s -> %s" % (dev.search, _num(dev.weight), _num(want.weight)))
            ring_moves = True
    new_devs = [dev for dev in spec.devices if dev.key not in have and dev.key not in removing]
    readd = [dev for dev in spec.devices if dev.key not in have and dev.key in removing]
    commands += [("add", dev.search, _num(dev.weight)) for dev in new_devs]
    changes += ["add %s weight %s" % (dev.search, _num(dev.weight)) for dev in new_devs]
    ring_moves = ring_moves or bool(new_devs)

    pending = ring_moves or current.devs_changed or bool(readd)
    wait = 0
    rebalance = False
    if pending:
        if current.min_part_seconds_left > 0:
            # A re-added device waits with the rest: its old entry leaves only at the rebalance.
            wait = current.min_part_seconds_left
        else:
            commands.append(REBALANCE)
            rebalance = True
            if current.devs_changed or current.removing:  # recorded by an earlier run (or by hand)
                leaving = ", ".join(dev.search for dev in current.removing)
                changes.append("rebalance the device changes already in the builder"
                               + (" (dropping %s)" % leaving if leaving else ""))
            if readd:
                commands += [("add", dev.search, _num(dev.weight)) for dev in readd]
                changes += ["add %s weight %s (again, after its removal was rebalanced)"
                            % (dev.search, _num(dev.weight)) for dev in readd]
                if spec.min_part_hours == 0:
                    commands.append(REBALANCE)
                else:
                    wait = spec.min_part_hours * 3600
    if not rebalance and not current.ring_current and not (pending and wait):
        commands.append(("write_ring",))
        changes.append("write the ring file")
    return RingPlan(tuple(commands), tuple(changes), rebalance, wait)


def apply_plan(current: Optional[RingState], spec: RingSpec, plan: RingPlan) -> RingState:
    """The state the builder is in after ``plan`` (for the property "applying leaves nothing to do")."""
    waiting = plan.wait_seconds > 0
    wanted = {dev.key for dev in spec.devices}
    if plan.rebalance:
        removing: Tuple[Device, ...] = ()
    else:
        removed = tuple(d for d in (current.devices if current else ()) if d.key not in wanted)
        removing = (current.removing if current else ()) + tuple(
            Device(d.ip, d.port, d.device, 0.0, d.region, d.zone, d.id) for d in removed)
    gone = {dev.key for dev in removing}
    devices = tuple(Device(d.ip, d.port, d.device, d.weight, d.region, d.zone, index)
                    for index, d in enumerate(spec.devices) if d.key not in gone)
    return RingState(
        spec.part_power, spec.replicas, spec.min_part_hours, devices,
        min_part_seconds_left=plan.wait_seconds if waiting else (spec.min_part_hours * 3600 if plan.rebalance else
                                                                 (current.min_part_seconds_left if current else 0)),
        devs_changed=waiting,
        ring_current=not waiting or bool(current and current.ring_current),
        removing=removing,
    )


def normal_ip(ip: str) -> str:
    """The IP as swift-ring-builder stores it: lower case, an IPv6 address compressed and without brackets."""
    ip = ip.lower()
    if ip.startswith("[") and ip.endswith("]"):
        ip = ip[1:-1]
    try:
        return socket.inet_ntop(socket.AF_INET6, socket.inet_pton(socket.AF_INET6, ip))
    except (OSError, ValueError):
        return ip


def ring_view(ring: Union[RingState, RingSpec, None]) -> Dict[str, Any]:
    """The ring as a diff shows it: its settings and every device with its weight (no builder: no devices)."""
    if ring is None:
        return {"devices": None}
    return {"part_power": ring.part_power, "replicas": _num(ring.replicas), "min_part_hours": ring.min_part_hours,
            "devices": sorted("%s weight %s" % (d.search, _num(d.weight)) for d in ring.devices)}


def devices_from(entries: Sequence[dict], default_ip: str, default_port: int) -> Tuple[Device, ...]:
    """Devices from the module's option list (plain dicts); a 0 is a value, only a missing option takes the default."""
    def given(entry: dict, name: str, default: Any) -> Any:
        return default if entry.get(name) is None else entry[name]
    return tuple(Device(
        ip=normal_ip(entry.get("ip") or default_ip), port=int(given(entry, "port", default_port)),
        device=entry["device"], weight=float(given(entry, "weight", 100.0)),
        region=int(given(entry, "region", 1)), zone=int(given(entry, "zone", 1))) for entry in entries)
