# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What vSphere HA admission control lets start, what Nova promises, and the Nova settings that agree.

Pure: the caller reads the cluster (pyvmomi) or takes it from the operator. All arithmetic is exact
(integer MHz and MB, ``fractions.Fraction``), so a worked example comes out to the digit.

Rules it follows (docs/capacity-planning.md, domain reference 2.2 and 2.3):
* only connected hosts out of maintenance count, for HA and for the vmwareapi driver alike;
* percentage policy: HA-usable = (1 - P) x capacity, CPU and memory separately;
* dedicated failover hosts: HA-usable = the capacity of the other hosts;
* host failures tolerated (slot policy): slot CPU = largest CPU reservation of a powered-on VM, at
  least 32 MHz; slot memory = largest memory reservation + overhead (or a fixed slot); slots per
  host = min(CPU / slot CPU, memory / slot memory); the N hosts with the most slots are removed;
  HA-usable = remaining slots x slot size;
* Nova capacity = (total - reserved) x ratio, in vCPUs (cores or threads) and MB; a vCPU counts as
  one core's MHz, so a fully reserved VM reserves vCPUs x core MHz.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

VM_CPU_MIN_MHZ = 32  # das.vmcpuminmhz default since vSphere 5.0
POLICIES = ("percentage", "failover_hosts", "slots", "disabled")
MODES = ("full", "overcommit")
METHODS = ("ratio", "reserved")
VCPU_UNITS = ("cores", "threads")
RATIO_PLACES = 4


@dataclass(frozen=True)
class Host:
    """One ESXi host: ``cpu_mhz`` is per core; capacities default to the raw hardware."""

    name: str
    cores: int
    cpu_mhz: int
    memory_mb: int
    threads: int = 0
    connected: bool = True
    maintenance: bool = False
    cpu_capacity_mhz: int = 0
    memory_capacity_mb: int = 0

    @property
    def counted(self) -> bool:
        return self.connected and not self.maintenance

    @property
    def raw_cpu_mhz(self) -> int:
        return self.cores * self.cpu_mhz

    @property
    def ha_cpu_mhz(self) -> int:
        return self.cpu_capacity_mhz or self.raw_cpu_mhz

    @property
    def ha_memory_mb(self) -> int:
        return self.memory_capacity_mb or self.memory_mb

    def vcpus(self, unit: str) -> int:
        return (self.threads or self.cores) if unit == "threads" else self.cores


@dataclass(frozen=True)
class Vm:
    name: str
    cpu_reservation_mhz: int = 0
    memory_reservation_mb: int = 0
    memory_overhead_mb: int = 0
    powered_on: bool = True


@dataclass(frozen=True)
class Policy:
    """An admission-control policy; ``type`` is one of POLICIES."""

    type: str
    cpu_percent: Fraction = Fraction(0)
    memory_percent: Fraction = Fraction(0)
    failover_hosts: Tuple[str, ...] = ()
    failover_level: int = 1
    slot_cpu_mhz: int = 0
    slot_memory_mb: int = 0
    vm_cpu_min_mhz: int = VM_CPU_MIN_MHZ


@dataclass(frozen=True)
class HaCapacity:
    """Capacity of the counted hosts and the share HA admission control lets VMs reserve."""

    policy: str
    hosts: int
    cores: int
    threads: int
    cpu_mhz: int
    memory_mb: int
    usable_cpu_mhz: Fraction
    usable_memory_mb: Fraction
    ignored_hosts: Tuple[str, ...] = ()
    slots: Dict[str, Any] = field(default_factory=dict)

    @property
    def cpu_fraction(self) -> Fraction:
        return self.usable_cpu_mhz / self.cpu_mhz

    @property
    def memory_fraction(self) -> Fraction:
        return self.usable_memory_mb / self.memory_mb


@dataclass(frozen=True)
class NovaView:
    """How the compute node sees the cluster (vmwareapi: one provider per cluster)."""

    vcpu_unit: str = "threads"
    cpu_allocation_ratio: Fraction = Fraction(4)
    ram_allocation_ratio: Fraction = Fraction(1)
    reserved_host_cpus: int = 0
    reserved_host_memory_mb: int = 0


@dataclass(frozen=True)
class Plan:
    settings: Dict[str, Any]
    alternatives: Dict[str, Optional[Dict[str, Any]]]
    before: Dict[str, Any]
    after: Dict[str, Any]
    explanation: List[str]


# ---------------------------------------------------------------------------------------------
# Input: plain dicts (module options, or what vsphere_ha_capacity_info returns) to value objects.

def _number(data: Mapping[str, Any], key: str, what: str, default: Any = None, positive: bool = False) -> Fraction:
    value = data.get(key)
    if value is None:
        if default is None:
            raise PlanError("%s: %s is required" % (what, key))
        value = default
    if isinstance(value, bool):
        raise PlanError("%s: %s must be a number, not %r" % (what, key, value))
    try:
        number = Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        raise PlanError("%s: %s must be a number, not %r" % (what, key, value)) from None
    if number < 0 or (positive and number == 0):
        raise PlanError("%s: %s must be %s, not %s" % (what, key, "above 0" if positive else "0 or more", value))
    return number


def _int(data: Mapping[str, Any], key: str, what: str, default: Any = None, positive: bool = False) -> int:
    number = _number(data, key, what, default, positive)
    if number.denominator != 1:
        raise PlanError("%s: %s must be a whole number, not %s" % (what, key, data.get(key)))
    return int(number)


def host_from_dict(data: Mapping[str, Any]) -> Host:
    name = str(data.get("name") or "")
    if not name:
        raise PlanError("every host needs a name")
    what = "host %s" % name
    state = str(data.get("connection_state") or "connected")
    return Host(
        name=name,
        cores=_int(data, "cores", what, positive=True),
        cpu_mhz=_int(data, "cpu_mhz", what, positive=True),
        memory_mb=_int(data, "memory_mb", what, positive=True),
        threads=_int(data, "threads", what, default=0),
        connected=state == "connected",
        maintenance=bool(data.get("maintenance")),
        cpu_capacity_mhz=_int(data, "cpu_capacity_mhz", what, default=0),
        memory_capacity_mb=_int(data, "memory_capacity_mb", what, default=0),
    )


def vm_from_dict(data: Mapping[str, Any]) -> Vm:
    what = "VM %s" % (data.get("name") or "?")
    return Vm(
        name=str(data.get("name") or ""),
        cpu_reservation_mhz=_int(data, "cpu_reservation_mhz", what, default=0),
        memory_reservation_mb=_int(data, "memory_reservation_mb", what, default=0),
        memory_overhead_mb=_int(data, "memory_overhead_mb", what, default=0),
        powered_on=str(data.get("power_state") or "poweredOn") == "poweredOn",
    )


def policy_from_dict(data: Mapping[str, Any]) -> Policy:
    kind = data.get("type")
    if kind not in POLICIES:
        raise PlanError("admission-control policy type must be one of %s, not %r" % (", ".join(POLICIES), kind))
    what = "%s policy" % kind
    cpu = _number(data, "cpu_percent", what, default=0 if kind != "percentage" else None)
    memory = _number(data, "memory_percent", what, default=0 if kind != "percentage" else None)
    for key, value in (("cpu_percent", cpu), ("memory_percent", memory)):
        if value > 100:
            raise PlanError("%s: %s must be between 0 and 100, not %s" % (what, key, data.get(key)))
    return Policy(
        type=kind,
        cpu_percent=cpu,
        memory_percent=memory,
        failover_hosts=tuple(str(h) for h in data.get("failover_hosts") or ()),
        failover_level=_int(data, "failover_level", what, default=1),
        slot_cpu_mhz=_int(data, "slot_cpu_mhz", what, default=0),
        slot_memory_mb=_int(data, "slot_memory_mb", what, default=0),
        vm_cpu_min_mhz=_int(data, "vm_cpu_min_mhz", what, default=VM_CPU_MIN_MHZ),
    )


def nova_from_dict(data: Mapping[str, Any]) -> NovaView:
    unit = data.get("vcpu_unit") or "threads"
    if unit not in VCPU_UNITS:
        raise PlanError("nova: vcpu_unit must be cores or threads, not %r" % unit)
    return NovaView(
        vcpu_unit=unit,
        cpu_allocation_ratio=_number(data, "cpu_allocation_ratio", "nova", default=4, positive=True),
        ram_allocation_ratio=_number(data, "ram_allocation_ratio", "nova", default=1, positive=True),
        reserved_host_cpus=_int(data, "reserved_host_cpus", "nova", default=0),
        reserved_host_memory_mb=_int(data, "reserved_host_memory_mb", "nova", default=0),
    )


# ---------------------------------------------------------------------------------------------
# HA side.

def slot_size(vms: Sequence[Vm], policy: Policy) -> Tuple[int, int]:
    """vSphere's slot: (CPU MHz, memory MB), fixed or from the largest powered-on reservations."""
    if policy.slot_cpu_mhz or policy.slot_memory_mb:
        if not (policy.slot_cpu_mhz > 0 and policy.slot_memory_mb > 0):
            raise PlanError("a fixed slot needs both slot_cpu_mhz and slot_memory_mb above 0")
        return policy.slot_cpu_mhz, policy.slot_memory_mb
    running = [vm for vm in vms if vm.powered_on]
    cpu = max([policy.vm_cpu_min_mhz] + [vm.cpu_reservation_mhz for vm in running])
    memory = max([0] + [vm.memory_reservation_mb + vm.memory_overhead_mb for vm in running])
    return cpu, memory


def _slots_of(host: Host, cpu: int, memory: int) -> int:
    by_cpu = host.ha_cpu_mhz // cpu
    return min(by_cpu, host.ha_memory_mb // memory) if memory else by_cpu


def _vm_slots(vm: Vm, cpu: int, memory: int) -> int:
    """A VM above a fixed slot takes several slots."""
    need = -(-max(vm.cpu_reservation_mhz, 1) // cpu)
    if memory:
        need = max(need, -(-(vm.memory_reservation_mb + vm.memory_overhead_mb) // memory))
    return max(need, 1)


def ha_capacity(hosts: Sequence[Host], vms: Sequence[Vm], policy: Policy) -> HaCapacity:
    """The capacity HA admission control lets powered-on VMs reserve, for ``policy``."""
    names = [h.name for h in hosts]
    if len(set(names)) != len(names):
        raise PlanError("host names must be unique")
    good = [h for h in hosts if h.counted]
    ignored = tuple(sorted(h.name for h in hosts if not h.counted))
    if not good:
        raise PlanError("no connected host out of maintenance mode: HA has no capacity to plan with")
    total_cpu = sum(h.ha_cpu_mhz for h in good)
    total_mem = sum(h.ha_memory_mb for h in good)
    slots: Dict[str, Any] = {}

    if policy.type == "disabled":
        usable_cpu, usable_mem = Fraction(total_cpu), Fraction(total_mem)
    elif policy.type == "percentage":
        usable_cpu = total_cpu * (1 - policy.cpu_percent / 100)
        usable_mem = total_mem * (1 - policy.memory_percent / 100)
    elif policy.type == "failover_hosts":
        if not policy.failover_hosts:
            raise PlanError("failover_hosts policy: name at least one dedicated failover host")
        unknown = sorted(set(policy.failover_hosts) - set(names))
        if unknown:
            raise PlanError("failover_hosts policy: unknown host(s) %s" % ", ".join(unknown))
        spare = [h for h in good if h.name in policy.failover_hosts]
        if len(spare) >= len(good):
            raise PlanError("failover_hosts policy: all %d counted hosts are failover hosts, none is left for VMs"
                            % len(good))
        usable_cpu = Fraction(total_cpu - sum(h.ha_cpu_mhz for h in spare))
        usable_mem = Fraction(total_mem - sum(h.ha_memory_mb for h in spare))
    else:
        level = policy.failover_level
        if level < 1:
            raise PlanError("slots policy: failover_level must be 1 or more, not %d" % level)
        if level >= len(good):
            raise PlanError("slots policy: cannot tolerate %d host failure(s) with %d connected host(s) out of "
                            "maintenance; failover_level must be below the number of hosts" % (level, len(good)))
        cpu, memory = slot_size(vms, policy)
        per_host = sorted(((_slots_of(h, cpu, memory), h.name) for h in good), key=lambda s: (-s[0], s[1]))
        removed, kept = per_host[:level], per_host[level:]
        remaining = sum(n for n, _name in kept)
        used = sum(_vm_slots(vm, cpu, memory) for vm in vms if vm.powered_on)
        tolerated, left = 0, sum(n for n, _name in per_host)
        for n, _name in per_host[:-1]:
            if left - n < used:
                break
            left -= n
            tolerated += 1
        usable_cpu = Fraction(remaining * cpu)
        kept_mem = sum(h.ha_memory_mb for h in good if h.name in {name for _n, name in kept})
        usable_mem = Fraction(remaining * memory if memory else kept_mem)
        slots = dict(cpu_mhz=cpu, memory_mb=memory, per_host={name: n for n, name in per_host},
                     removed_hosts=[name for _n, name in removed], total=sum(n for n, _name in per_host),
                     usable=remaining, used=used, unreserved=max(remaining - used, 0),
                     current_failover_level=tolerated)

    raw_cpu = sum(h.raw_cpu_mhz for h in good)
    raw_mem = sum(h.memory_mb for h in good)
    return HaCapacity(policy=policy.type, hosts=len(good), cores=sum(h.cores for h in good),
                      threads=sum(h.vcpus("threads") for h in good), cpu_mhz=raw_cpu, memory_mb=raw_mem,
                      usable_cpu_mhz=usable_cpu, usable_memory_mb=usable_mem, ignored_hosts=ignored, slots=slots)


# ---------------------------------------------------------------------------------------------
# Nova side and the plan.

def _num(value: Fraction) -> Any:
    """An exact value as int when whole, else float (for JSON)."""
    return int(value) if value.denominator == 1 else float(value)


def _ratio(value: Fraction) -> float:
    """A ratio rounded down to RATIO_PLACES decimals: never promise more than planned."""
    scale = 10 ** RATIO_PLACES
    return float(Fraction((value * scale).numerator // (value * scale).denominator, scale))


def nova_capacity(hosts: Sequence[Host], nova: NovaView) -> Dict[str, Any]:
    """What placement offers: (total - reserved) x ratio, truncated like placement does."""
    good = [h for h in hosts if h.counted]
    vcpus = sum(h.vcpus(nova.vcpu_unit) for h in good)
    memory = sum(h.memory_mb for h in good)
    # A vCPU is worth its host's core MHz; a reserved vCPU the average of them.
    mhz_per_vcpu = Fraction(sum(h.vcpus(nova.vcpu_unit) * h.cpu_mhz for h in good), vcpus)
    cap_vcpus = int(max(vcpus - nova.reserved_host_cpus, 0) * nova.cpu_allocation_ratio)
    cap_mem = int(max(memory - nova.reserved_host_memory_mb, 0) * nova.ram_allocation_ratio)
    cpu_mhz = cap_vcpus * mhz_per_vcpu
    return dict(vcpu_unit=nova.vcpu_unit, vcpus_total=vcpus, memory_mb_total=memory,
                cpu_allocation_ratio=float(nova.cpu_allocation_ratio), ram_allocation_ratio=float(nova.ram_allocation_ratio),
                reserved_host_cpus=nova.reserved_host_cpus, reserved_host_memory_mb=nova.reserved_host_memory_mb,
                vcpus=cap_vcpus, cpu_mhz=_num(cpu_mhz), cpu_ghz=_num(cpu_mhz / 1000),
                memory_mb=cap_mem, memory_gb=_num(Fraction(cap_mem, 1024)))


def ha_summary(ha: HaCapacity) -> Dict[str, Any]:
    out = dict(policy=ha.policy, hosts=ha.hosts, ignored_hosts=list(ha.ignored_hosts), cores=ha.cores,
               threads=ha.threads, physical_cpu_mhz=ha.cpu_mhz, physical_memory_mb=ha.memory_mb,
               cpu_mhz=_num(ha.usable_cpu_mhz), cpu_ghz=_num(ha.usable_cpu_mhz / 1000),
               memory_mb=_num(ha.usable_memory_mb), memory_gb=_num(ha.usable_memory_mb / 1024),
               cpu_fraction=float(ha.cpu_fraction), memory_fraction=float(ha.memory_fraction))
    if ha.slots:
        out["slots"] = ha.slots
    return out


def _settings(hosts: Sequence[Host], nova: NovaView, target_vcpus: Fraction, target_mem: Fraction,
              method: str, keep_cpu: Fraction, keep_ram: Fraction) -> Optional[Dict[str, Any]]:
    good = [h for h in hosts if h.counted]
    vcpus = sum(h.vcpus(nova.vcpu_unit) for h in good)
    memory = sum(h.memory_mb for h in good)
    if method == "ratio":
        if nova.reserved_host_cpus >= vcpus or nova.reserved_host_memory_mb >= memory:
            raise PlanError("nova: reserved_host_cpus/reserved_host_memory_mb leave nothing to schedule on")
        cpu = _ratio(target_vcpus / (vcpus - nova.reserved_host_cpus))
        ram = _ratio(target_mem / (memory - nova.reserved_host_memory_mb))
        if cpu <= 0 or ram <= 0:
            return None  # Nova reads a ratio of 0.0 as "unset"
        return dict(cpu_allocation_ratio=cpu, ram_allocation_ratio=ram,
                    reserved_host_cpus=nova.reserved_host_cpus, reserved_host_memory_mb=nova.reserved_host_memory_mb)
    # Round the reservation up: holding back a little more never promises too much.
    res_cpus = max(vcpus - target_vcpus / keep_cpu, Fraction(0))
    res_mem = max(memory - target_mem / keep_ram, Fraction(0))
    return dict(cpu_allocation_ratio=float(keep_cpu), ram_allocation_ratio=float(keep_ram),
                reserved_host_cpus=-(-res_cpus.numerator // res_cpus.denominator),
                reserved_host_memory_mb=-(-res_mem.numerator // res_mem.denominator))


def plan_capacity(hosts: Sequence[Host], vms: Sequence[Vm], policy: Policy, nova: NovaView, mode: str = "full",
                  method: str = "ratio", headroom_percent: Any = 0, cpu_overcommit: Any = None,
                  ram_overcommit: Any = None) -> Plan:
    """Nova settings that make placement promise no more than HA admits (less ``headroom_percent``).

    ``full``: every VM reserves all its vCPUs (at core MHz) and memory, so Nova's capacity must fit in
    the HA-usable capacity. ``overcommit``: the desired overcommit (default: Nova's current ratios)
    applies on top of the HA-usable share. ``method`` ratio scales the ratios and keeps the current
    reservations; ``reserved`` keeps ratio 1.0 (full) or the overcommit and holds back the rest.
    """
    if mode not in MODES:
        raise PlanError("mode must be full or overcommit, not %r" % mode)
    if method not in METHODS:
        raise PlanError("method must be ratio or reserved, not %r" % method)
    headroom = _number({"headroom_percent": headroom_percent}, "headroom_percent", "plan", default=0)
    if headroom >= 100:
        raise PlanError("plan: headroom_percent must be below 100, not %s" % headroom_percent)
    over_cpu = _number({"cpu_overcommit": cpu_overcommit}, "cpu_overcommit", "plan",
                       default=nova.cpu_allocation_ratio, positive=True)
    over_ram = _number({"ram_overcommit": ram_overcommit}, "ram_overcommit", "plan",
                       default=nova.ram_allocation_ratio, positive=True)
    ha = ha_capacity(hosts, vms, policy)
    good = [h for h in hosts if h.counted]
    keep = 1 - headroom / 100
    vcpus = sum(h.vcpus(nova.vcpu_unit) for h in good)
    nova_mhz = sum(h.vcpus(nova.vcpu_unit) * h.cpu_mhz for h in good)
    if mode == "full":
        target_vcpus = ha.usable_cpu_mhz * keep * vcpus / nova_mhz
        target_mem = ha.usable_memory_mb * keep
        keep_cpu, keep_ram = Fraction(1), Fraction(1)
    else:
        target_vcpus = over_cpu * vcpus * ha.cpu_fraction * keep
        target_mem = over_ram * ha.memory_mb * ha.memory_fraction * keep
        keep_cpu, keep_ram = over_cpu, over_ram

    alternatives = {m: _settings(hosts, nova, target_vcpus, target_mem, m, keep_cpu, keep_ram) for m in METHODS}
    chosen = alternatives[method]
    if chosen is None:
        raise PlanError("HA admits no capacity (%s%% CPU, %s%% memory usable): a ratio of 0.0 means 'unset' to "
                        "Nova, so use method reserved to hold back the whole cluster"
                        % (_num(ha.cpu_fraction * 100), _num(ha.memory_fraction * 100)))
    new = NovaView(vcpu_unit=nova.vcpu_unit, cpu_allocation_ratio=Fraction(str(chosen["cpu_allocation_ratio"])),
                   ram_allocation_ratio=Fraction(str(chosen["ram_allocation_ratio"])),
                   reserved_host_cpus=chosen["reserved_host_cpus"], reserved_host_memory_mb=chosen["reserved_host_memory_mb"])
    summary = ha_summary(ha)
    before = dict(ha=summary, nova=nova_capacity(hosts, nova))
    after = dict(ha=summary, nova=nova_capacity(hosts, new))
    return Plan(settings=chosen, alternatives=alternatives, before=before, after=after,
                explanation=explain(ha, nova, mode, method, headroom, over_cpu, over_ram, before, after, chosen))


def _fmt(value: Any) -> str:
    return ("%.4f" % value).rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def explain(ha: HaCapacity, nova: NovaView, mode: str, method: str, headroom: Fraction, over_cpu: Fraction,
            over_ram: Fraction, before: Dict[str, Any], after: Dict[str, Any], chosen: Dict[str, Any]) -> List[str]:
    """The plan in sentences, for the operator reading the task output."""
    lines = ["%d host(s) counted (%d cores, %d threads, %s GHz, %s GB)%s." % (
        ha.hosts, ha.cores, ha.threads, _fmt(_num(Fraction(ha.cpu_mhz, 1000))), _fmt(_num(Fraction(ha.memory_mb, 1024))),
        "; not counted (disconnected or in maintenance): %s" % ", ".join(ha.ignored_hosts) if ha.ignored_hosts else "")]
    if ha.policy == "disabled":
        lines.append("HA admission control is disabled: it holds nothing back.")
    elif ha.policy == "slots":
        s = ha.slots
        lines.append("Slot policy: slot %d MHz / %d MB, %d slot(s) in the cluster; removing the %d host(s) with the most "
                     "slots (%s) leaves %d slot(s), %d used by powered-on VMs." % (
                         s["cpu_mhz"], s["memory_mb"], s["total"], len(s["removed_hosts"]), ", ".join(s["removed_hosts"]),
                         s["usable"], s["used"]))
    lines.append("HA-usable capacity (%s policy): %s GHz (%s%%) and %s GB (%s%%)." % (
        ha.policy, _fmt(before["ha"]["cpu_ghz"]), _fmt(_num(ha.cpu_fraction * 100)), _fmt(before["ha"]["memory_gb"]),
        _fmt(_num(ha.memory_fraction * 100))))
    nb, na = before["nova"], after["nova"]
    lines.append("Nova now (%s as vCPUs, ratios %s / %s, reserved %d vCPU / %d MB) promises %d vCPU = %s GHz and %s GB." % (
        nova.vcpu_unit, _fmt(nb["cpu_allocation_ratio"]), _fmt(nb["ram_allocation_ratio"]), nb["reserved_host_cpus"],
        nb["reserved_host_memory_mb"], nb["vcpus"], _fmt(nb["cpu_ghz"]), _fmt(nb["memory_gb"])))
    if mode == "full":
        lines.append("Mode full: every VM reserves all its vCPUs and memory, so Nova must promise no more than HA admits"
                     "%s." % (" less %s%% headroom" % _fmt(_num(headroom)) if headroom else ""))
    else:
        lines.append("Mode overcommit: %s x CPU and %s x memory on top of the HA-usable share%s." % (
            _fmt(float(over_cpu)), _fmt(float(over_ram)), " less %s%% headroom" % _fmt(_num(headroom)) if headroom else ""))
    lines.append("Plan (%s): cpu_allocation_ratio %s, ram_allocation_ratio %s, reserved_host_cpus %d, "
                 "reserved_host_memory_mb %d; Nova then promises %d vCPU = %s GHz and %s GB." % (
                     method, _fmt(chosen["cpu_allocation_ratio"]), _fmt(chosen["ram_allocation_ratio"]),
                     chosen["reserved_host_cpus"], chosen["reserved_host_memory_mb"], na["vcpus"], _fmt(na["cpu_ghz"]),
                     _fmt(na["memory_gb"])))
    return lines
