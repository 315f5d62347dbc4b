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
* a device is keyed by ip, port and name; a different region or zone is a remove plus an add.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

MAX_PART_POWER = 32
DEVICE_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
WEIGHT_TOLERANCE = 1e-6


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
    if spec.replicas < 1:
        raise PlanError("replicas must be at least 1, not %s" % _num(spec.replicas))
    if spec.min_part_hours < 0:
        raise PlanError("min_part_hours must be 0 or more, not %d" % spec.min_part_hours)
    if not spec.devices:
        raise PlanError("a ring needs at least one device")
    seen = set()
    for dev in spec.devices:
        if not DEVICE_NAME.match(dev.device) or dev.device in (".", ".."):
            raise PlanError("device name %r: use letters, digits, '.', '_' and '-' only" % dev.device)
        if dev.key in seen:
            raise PlanError("device %s:%d/%s is listed twice" % dev.key)
        seen.add(dev.key)
        if dev.weight <= 0:
            raise PlanError("device %s has weight %s: weights must be positive" % (dev.device, _num(dev.weight)))
        if not 1 <= dev.port <= 65535:
            raise PlanError("device %s has port %d, outside 1..65535" % (dev.device, dev.port))
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
    for key, dev in sorted(have.items()):
        want = wanted.get(key)
        if want is None or (want.region, want.zone) != (dev.region, dev.zone):
            commands.append(("remove", "d%d" % dev.id))
            changes.append("remove %s" % dev.search)
            ring_moves = True
        elif abs(want.weight - dev.weight) > WEIGHT_TOLERANCE:
            commands.append(("set_weight", "d%d" % dev.id, _num(want.weight)))
            changes.append("weight %s %s -> %s" % (dev.search, _num(dev.weight), _num(want.weight)))
            ring_moves = True
    for dev in spec.devices:
        old = have.get(dev.key)
        if old is None or (old.region, old.zone) != (dev.region, dev.zone):
            commands.append(("add", dev.search, _num(dev.weight)))
            changes.append("add %s weight %s" % (dev.search, _num(dev.weight)))
            ring_moves = True

    pending = ring_moves or current.devs_changed
    wait = 0
    rebalance = False
    if pending:
        if current.min_part_seconds_left > 0:
            wait = current.min_part_seconds_left
        else:
            commands.append(("rebalance",))
            rebalance = True
    if not rebalance and not current.ring_current and not (pending and wait):
        commands.append(("write_ring",))
        changes.append("write the ring file")
    return RingPlan(tuple(commands), tuple(changes), rebalance, wait)


def apply_plan(current: Optional[RingState], spec: RingSpec, plan: RingPlan) -> RingState:
    """The state the builder is in after ``plan`` (for the property "applying leaves nothing to do")."""
    devices = tuple(Device(d.ip, d.port, d.device, d.weight, d.region, d.zone, index)
                    for index, d in enumerate(spec.devices))
    waiting = plan.wait_seconds > 0
    return RingState(
        spec.part_power, spec.replicas, spec.min_part_hours, devices,
        min_part_seconds_left=plan.wait_seconds if waiting else (spec.min_part_hours * 3600 if plan.rebalance else
                                                                 (current.min_part_seconds_left if current else 0)),
        devs_changed=waiting,
        ring_current=not waiting or bool(current and current.ring_current),
    )


def devices_from(entries: Sequence[dict], default_ip: str, default_port: int) -> Tuple[Device, ...]:
    """Devices from the module's option list (plain dicts)."""
    return tuple(Device(
        ip=entry.get("ip") or default_ip, port=int(entry.get("port") or default_port), device=entry["device"],
        weight=float(entry.get("weight") if entry.get("weight") is not None else 100.0),
        region=int(entry.get("region") or 1), zone=int(entry.get("zone") or 1)) for entry in entries)
