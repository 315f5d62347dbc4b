# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What vSphere HA admission control lets start, what Nova promises, and the Nova settings that agree.

Pure: the caller reads the cluster (pyvmomi) or takes it from the operator. All arithmetic is exact:
integer MHz and MB, and every non-integral quantity (a share, a target) kept as an integer numerator
and denominator, rounded once, at the end (ratios down to RATIO_PLACES decimals, reservations up).
So a worked example comes out to the digit. The inputs' percentages and ratios are read as exact
decimals (``fractions.Fraction``: 0.1 is 1/10), once per cluster.

Speed: a cluster's hosts are read once and grouped by model and state (a cluster holds a few host
models), so every sum and check is taken once per group; only a few passes over the hosts (their
names, a comparison with the first host, and the slot and failover-host policies) remain per host,
in the interpreter's builtins (docs/capacity-planning.md has the measurements).

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
from itertools import compress
from operator import add, itemgetter
from typing import Any, Dict, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

VM_CPU_MIN_MHZ = 32  # das.vmcpuminmhz default since vSphere 5.0
POLICIES = ("percentage", "failover_hosts", "slots", "disabled")
MODES = ("full", "overcommit")
METHODS = ("ratio", "reserved")
VCPU_UNITS = ("cores", "threads")
RATIO_PLACES = 4
_SCALE = 10 ** RATIO_PLACES

Number = Union[int, float]
Rational = Tuple[int, int]  # (numerator, denominator > 0), not necessarily reduced


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


class Policy(NamedTuple):
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


class NovaView(NamedTuple):
    """How the compute node sees the cluster (vmwareapi: one provider per cluster)."""

    vcpu_unit: str = "threads"
    cpu_allocation_ratio: Fraction = Fraction(4)
    ram_allocation_ratio: Fraction = Fraction(1)
    reserved_host_cpus: int = 0
    reserved_host_memory_mb: int = 0


class Plan(NamedTuple):
    settings: Dict[str, Any]
    alternatives: Dict[str, Optional[Dict[str, Any]]]
    before: Dict[str, Any]
    after: Dict[str, Any]
    explanation: List[str]


# ---------------------------------------------------------------------------------------------
# Input: plain dicts (module options, or what vsphere_ha_capacity_info returns) to value objects.

_PARSED: Dict[Tuple[type, Any], Fraction] = {}  # the same few inputs (25.0, 1.5, ...) recur across clusters


def _remember(cache: Dict[Any, Any], key: Any, value: Any) -> Any:
    """Store ``value`` under ``key`` in one of this module's caches, which stay small (emptied at 4096 entries)."""
    if len(cache) >= 4096:
        cache.clear()
    cache[key] = value
    return value


_CACHED = {int, float, str}
_INT_NONE = {int, type(None)}
_INT = {int}


def _fraction(value: Any) -> Fraction:
    """``value`` as an exact number; a float or a string by its decimal text (0.1 is 1/10)."""
    kind = type(value)
    if kind is Fraction:
        return value
    if kind is not int and kind is not float and kind is not str:
        return Fraction(str(value).strip())
    number = _PARSED.get((kind, value))
    if number is None:
        number = _remember(_PARSED, (kind, value), Fraction(str(value).strip()))
    return number


_ABOVE_0: Dict[Tuple[type, Any], Fraction] = {}  # inputs already read as numbers above 0 (valid for every check)


_ZERO, _ONE, _FOUR = Fraction(0), Fraction(1), Fraction(4)  # defaults


def _number(data: Mapping[str, Any], key: str, what: str, default: Optional[Fraction] = None,
            positive: bool = False) -> Fraction:
    """``data[key]`` as an exact number, 0 or more (above 0 if ``positive``); unset: ``default`` (valid)."""
    value = data.get(key)
    if value is None:
        if default is None:
            raise PlanError("%s: %s is required" % (what, key))
        return default
    kind = type(value)
    number = _ABOVE_0.get((kind, value)) if kind in _CACHED else None
    if number is not None:
        return number
    if isinstance(value, bool):
        raise PlanError("%s: %s must be a number, not %r" % (what, key, value))
    try:
        number = _fraction(value)
    except (ValueError, ZeroDivisionError):
        raise PlanError("%s: %s must be a number, not %r" % (what, key, value)) from None
    numerator = number.numerator
    if numerator < 0 or (positive and not numerator):
        raise PlanError("%s: %s must be %s, not %s" % (what, key, "above 0" if positive else "0 or more", value))
    if numerator and kind in _CACHED:
        _remember(_ABOVE_0, (kind, value), number)
    return number


def _rational(value: Any, key: str, default: Rational, positive: bool = False) -> Rational:
    """A plan option (None: ``default``) as (numerator, denominator), checked like the readers' numbers."""
    if value is None:
        return default
    return _number({key: value}, key, "plan", positive=positive).as_integer_ratio()


def _int(data: Mapping[str, Any], key: str, what: str, default: Any = None, positive: bool = False) -> int:
    value = data.get(key)
    if value is None:
        if isinstance(default, int):  # the defaults are all valid
            return default
    elif isinstance(value, int) and not isinstance(value, bool) and (value > 0 or (value == 0 and not positive)):
        return value
    number = _number(data, key, what, positive=positive)  # unset here only when required
    if number.denominator != 1:
        raise PlanError("%s: %s must be a whole number, not %s" % (what, key, data.get(key)))
    return int(number)


def _mapping(data: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(data, (dict, Mapping)):
        raise PlanError("every %s must be a dict, not %r" % (what, data))
    return data


def host_from_dict(data: Mapping[str, Any]) -> Host:
    data = _mapping(data, "host")
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
    data = _mapping(data, "VM")
    what = "VM %s" % (data.get("name") or "?")
    return Vm(
        name=str(data.get("name") or ""),
        cpu_reservation_mhz=_int(data, "cpu_reservation_mhz", what, default=0),
        memory_reservation_mb=_int(data, "memory_reservation_mb", what, default=0),
        memory_overhead_mb=_int(data, "memory_overhead_mb", what, default=0),
        powered_on=str(data.get("power_state") or "poweredOn") == "poweredOn",
    )


def policy_from_dict(data: Mapping[str, Any]) -> Policy:
    data = _mapping(data, "policy")
    kind = data.get("type")
    if kind not in POLICIES:
        raise PlanError("admission-control policy type must be one of %s, not %r" % (", ".join(POLICIES), kind))
    what = "%s policy" % kind
    default = _ZERO if kind != "percentage" else None  # a percentage policy names both percentages
    cpu, memory = _number(data, "cpu_percent", what, default), _number(data, "memory_percent", what, default)
    for key, value in (("cpu_percent", cpu), ("memory_percent", memory)):
        if value is not _ZERO:  # the default is in range
            numerator, denominator = value.as_integer_ratio()
            if numerator > 100 * denominator:
                raise PlanError("%s: %s must be between 0 and 100, not %s" % (what, key, data.get(key)))
    spares = data.get("failover_hosts") or ()
    if not isinstance(spares, (list, tuple)):
        raise PlanError("%s: failover_hosts must be a list of host names, not %r" % (what, spares))
    # Positional, in the fields' order (type, percentages, failover hosts, level, fixed slot, CPU floor).
    return Policy(kind, cpu, memory, tuple(map(str, spares)), _int(data, "failover_level", what, default=1),
                  _int(data, "slot_cpu_mhz", what, default=0), _int(data, "slot_memory_mb", what, default=0),
                  _int(data, "vm_cpu_min_mhz", what, default=VM_CPU_MIN_MHZ))


def nova_from_dict(data: Mapping[str, Any]) -> NovaView:
    data = _mapping(data, "nova view")
    unit = data.get("vcpu_unit") or "threads"
    if unit not in VCPU_UNITS:
        raise PlanError("nova: vcpu_unit must be cores or threads, not %r" % unit)
    return NovaView(unit, _number(data, "cpu_allocation_ratio", "nova", _FOUR, positive=True),
                    _number(data, "ram_allocation_ratio", "nova", _ONE, positive=True),
                    _int(data, "reserved_host_cpus", "nova", default=0),
                    _int(data, "reserved_host_memory_mb", "nova", default=0))


# ---------------------------------------------------------------------------------------------
# A cluster's hosts grouped by model and state, and its VMs as columns, read once.

# What a host's share of the sums depends on: whether it counts (maintenance, connection state) and
# its model (cores, MHz, memory, threads, HA capacities). A cluster holds a few such groups. The state
# comes first: two groups then mostly differ in their first item, and compare fast.
_SPEC_KEYS = ("maintenance", "connection_state", "cores", "cpu_mhz", "memory_mb", "threads", "cpu_capacity_mhz",
              "memory_capacity_mb")
_HOST_KEYS = ("name",) + _SPEC_KEYS
_NAME = itemgetter("name")
_VM_KEYS = ("cpu_reservation_mhz", "memory_reservation_mb", "memory_overhead_mb", "power_state")
Spec = Tuple[Any, ...]
Grouped = Tuple[Dict[Spec, int], List[int]]  # each group's number of hosts; where the hosts outside the first host's group are


class _Hosts:
    """A cluster's hosts as groups of equal hosts, with the sums both views need over the counted ones.

    Per host only its name and its group (``specs``) are kept; ``groups`` holds, per counted group,
    its number of hosts and one host's HA CPU MHz and HA memory MB. Sums are taken over the groups, and
    the per-host work (slot and failover-host policies only) looks each host's group up.
    """

    __slots__ = ("all_names", "name_set", "specs", "groups", "unique", "ignored", "count", "cores", "threads", "raw_cpu", "raw_mem",
                 "ha_cpu_total", "ha_mem_total", "thread_mhz")

    def __init__(self, names: Sequence[str], specs: Sequence[Spec], grouped: Grouped) -> None:
        """``specs`` per host: (maintenance, state, cores, MHz, memory, threads, CPU capacity, memory capacity);
        0 or None threads / capacities fall back to cores / raw hardware. ``grouped``: as _count gives it."""
        kinds, elsewhere = grouped
        self.all_names, self.specs, self.name_set = names, specs, set(names)
        self.unique = len(self.name_set) == len(names)
        groups: Dict[Spec, Tuple[int, int, int]] = {}
        count = cores = threads = raw_cpu = raw_mem = ha_cpu = ha_mem = thread_mhz = 0
        for spec, n in kinds.items():
            maintenance, state, c, mhz, mem, thr, cpu_cap, mem_cap = spec
            if maintenance or str(state or "connected") != "connected":
                continue
            thr, cpu = thr or c, c * mhz
            groups[spec] = (n, cpu_cap or cpu, mem_cap or mem)
            count += n
            cores += n * c
            threads += n * thr
            raw_cpu += n * cpu
            raw_mem += n * mem
            ha_cpu += n * (cpu_cap or cpu)
            ha_mem += n * (mem_cap or mem)
            thread_mhz += n * thr * mhz
        self.groups, self.count, self.cores, self.threads = groups, count, cores, threads
        self.raw_cpu, self.raw_mem, self.ha_cpu_total, self.ha_mem_total = raw_cpu, raw_mem, ha_cpu, ha_mem
        self.thread_mhz = thread_mhz
        ignored: List[str] = []
        if count < len(names):  # a few hosts do not count: mostly some of those outside the first host's group
            if specs[0] in groups:
                ignored = [names[at] for at in elsewhere if specs[at] not in groups]
            else:
                ignored = [name for name, spec in zip(names, specs) if spec not in groups]
        self.ignored = sorted(ignored)

    def vcpus(self, unit: str) -> Tuple[int, int]:
        """Nova's VCPU total in ``unit`` and their MHz (a vCPU at its host's core MHz)."""
        return (self.threads, self.thread_mhz) if unit == "threads" else (self.cores, self.raw_cpu)


def _count(specs: List[Spec]) -> Grouped:
    """How many hosts each group has (as collections.Counter), and where the hosts outside the first
    host's group are. Mostly all hosts, or all but a few, are of the first host's group: comparing
    with it is cheaper than hashing every host's spec."""
    if not specs:
        return {}, []
    first = specs[0]
    elsewhere = [at for at, spec in enumerate(specs) if spec != first]
    kinds = {first: len(specs) - len(elsewhere)}
    if elsewhere:
        others = [specs[at] for at in elsewhere]
        for spec in dict.fromkeys(others):
            kinds[spec] = others.count(spec)
    return kinds, elsewhere


def _host_spec(h: Host) -> Spec:
    return (h.maintenance, "connected" if h.connected else "disconnected", h.cores, h.cpu_mhz, h.memory_mb, h.threads,
            h.cpu_capacity_mhz, h.memory_capacity_mb)


def _hosts_of(hosts: Sequence[Host]) -> _Hosts:
    specs = list(map(_host_spec, hosts))
    return _Hosts([h.name for h in hosts], specs, _count(specs))


def _rows(items: Sequence[Any], keys: Tuple[str, ...]) -> Optional[List[Tuple[Any, ...]]]:
    """The values of ``keys`` in each dict (None when absent); None when an item is not a dict."""
    try:
        return list(map(itemgetter(*keys), items))
    except (KeyError, TypeError):
        pass
    try:
        return [tuple(map(item.get, keys)) for item in items]
    except AttributeError:
        return None


def _spec_ok(spec: Spec) -> bool:
    """Cores, MHz and memory are ints above 0; threads and capacities None or ints, 0 or more."""
    _maintenance, _state, cores, mhz, memory, threads, cpu_cap, mem_cap = spec
    return (type(cores) in _INT and type(mhz) in _INT and type(memory) in _INT and cores > 0 and mhz > 0
            and memory > 0 and type(threads) in _INT_NONE and type(cpu_cap) in _INT_NONE
            and type(mem_cap) in _INT_NONE and (threads or 0) >= 0 and (cpu_cap or 0) >= 0 and (mem_cap or 0) >= 0)


def _hosts_from_dicts(hosts: Sequence[Mapping[str, Any]]) -> _Hosts:
    """Like ``_hosts_of([host_from_dict(h) for h in hosts])`` (same checks, same messages), without an
    object per host: each group of equal hosts is checked once, on its first host. A value equal to
    that host's int (``True`` beside 1, ``32.0`` beside 32) joins its group and is read as the int."""
    try:
        names = list(map(_NAME, hosts))
        specs = _rows(hosts, _SPEC_KEYS)
        if names and specs:
            grouped = _count(specs)
            "".join(names)  # names are strings: join refuses anything else
            if all(map(_spec_ok, grouped[0])):
                columns = _Hosts(names, specs, grouped)
                if "" not in columns.name_set:  # every host has a name
                    return columns
    except (KeyError, TypeError):
        pass
    # Anything unusual (strings, floats, a bad value): the per-host reader, which names the host at fault.
    return _hosts_of([host_from_dict(h) for h in hosts])


def _vms_of(vms: Sequence[Vm]) -> Tuple[List[int], List[int]]:
    """(CPU reservation, memory reservation + overhead) of the powered-on VMs, as two columns."""
    running = [vm for vm in vms if vm.powered_on]
    return ([vm.cpu_reservation_mhz for vm in running],
            [vm.memory_reservation_mb + vm.memory_overhead_mb for vm in running])


def _vms_from_dicts(vms: Sequence[Mapping[str, Any]]) -> Tuple[List[int], List[int]]:
    """Like ``_vms_of([vm_from_dict(v) for v in vms])`` (same checks, same messages)."""
    if not vms:
        return [], []
    rows = _rows(vms, _VM_KEYS)
    if rows:
        cpu, memory, overhead, states = zip(*rows)
        values = cpu + memory + overhead
        types = set(map(type, values))
        if types == _INT and min(values) >= 0 or types <= _INT_NONE and min(filter(None, values), default=0) >= 0:
            if states.count("poweredOn") != len(states) and any(s != "poweredOn" and s for s in states):
                on = [str(s or "poweredOn") == "poweredOn" for s in states]
                cpu, memory, overhead = compress(cpu, on), compress(memory, on), compress(overhead, on)
            if types == _INT:  # no value left unset
                return list(cpu), list(map(add, memory, overhead))
            return [c or 0 for c in cpu], [(m or 0) + (o or 0) for m, o in zip(memory, overhead)]
    return _vms_of([vm_from_dict(v) for v in vms])


# ---------------------------------------------------------------------------------------------
# HA side.

def _slot_size(vm_cpu: Sequence[int], vm_mem: Sequence[int], policy: Policy) -> Tuple[int, int]:
    if policy.slot_cpu_mhz or policy.slot_memory_mb:
        if not (policy.slot_cpu_mhz > 0 and policy.slot_memory_mb > 0):
            raise PlanError("a fixed slot needs both slot_cpu_mhz and slot_memory_mb above 0")
        return policy.slot_cpu_mhz, policy.slot_memory_mb
    cpu = max([policy.vm_cpu_min_mhz, *vm_cpu])
    if cpu < 1:
        raise PlanError("slots policy: the slot has no CPU (no powered-on VM reserves CPU and vm_cpu_min_mhz is 0)")
    return cpu, max(vm_mem, default=0)


def slot_size(vms: Sequence[Vm], policy: Policy) -> Tuple[int, int]:
    """vSphere's slot: (CPU MHz, memory MB), fixed or from the largest powered-on reservations."""
    return _slot_size(*_vms_of(vms), policy)


def _first(count: int, names: Iterable[str]) -> List[str]:
    """The first ``count`` of ``names`` (distinct) in sorted order, like heapq.nsmallest, faster for a few dozen."""
    return [min(names)] if count == 1 else sorted(names)[:count]


def _ha(hosts: _Hosts, vm_cpu: Sequence[int], vm_mem: Sequence[int], policy: Policy) -> Tuple[Rational, Rational, Dict[str, Any]]:
    """(usable CPU MHz, usable memory MB, slot details) that HA admission control admits under ``policy``."""
    if not hosts.unique:
        raise PlanError("host names must be unique")
    if not hosts.count:
        raise PlanError("no connected host out of maintenance mode: HA has no capacity to plan with")
    kind = policy.type
    if kind == "disabled":
        return (hosts.ha_cpu_total, 1), (hosts.ha_mem_total, 1), {}
    if kind == "percentage":
        (cpu_n, cpu_d), (mem_n, mem_d) = policy.cpu_percent.as_integer_ratio(), policy.memory_percent.as_integer_ratio()
        return ((hosts.ha_cpu_total * (100 * cpu_d - cpu_n), 100 * cpu_d),
                (hosts.ha_mem_total * (100 * mem_d - mem_n), 100 * mem_d), {})
    groups = hosts.groups
    if kind == "failover_hosts":
        if not policy.failover_hosts:
            raise PlanError("failover_hosts policy: name at least one dedicated failover host")
        spare = set(policy.failover_hosts)
        unknown = spare.difference(hosts.name_set)
        if unknown:
            raise PlanError("failover_hosts policy: unknown host(s) %s" % ", ".join(sorted(unknown)))
        names, specs = hosts.all_names, hosts.specs
        picked = [groups[specs[at]] for at in map(names.index, spare) if specs[at] in groups]
        if len(picked) >= hosts.count:
            raise PlanError("failover_hosts policy: all %d counted hosts are failover hosts, none is left for VMs"
                            % hosts.count)
        return ((hosts.ha_cpu_total - sum([cpu for _n, cpu, _mem in picked]), 1),
                (hosts.ha_mem_total - sum([mem for _n, _cpu, mem in picked]), 1), {})

    level = policy.failover_level
    if level < 1:
        raise PlanError("slots policy: failover_level must be 1 or more, not %d" % level)
    if level >= hosts.count:
        raise PlanError("slots policy: cannot tolerate %d host failure(s) with %d connected host(s) out of "
                        "maintenance; failover_level must be below the number of hosts" % (level, hosts.count))
    cpu, memory = _slot_size(vm_cpu, vm_mem, policy)
    # Slots per host, once per group: min(CPU / slot CPU, memory / slot memory).
    slots_of = {spec: min(c // cpu, m // memory) if memory else c // cpu for spec, (_n, c, m) in groups.items()}
    names, specs = hosts.all_names, hosts.specs
    values = sorted(set(slots_of.values()), reverse=True)
    # Per counted host (a spec is hashed anew at each look-up: only when the groups differ in slots).
    per_host = dict.fromkeys(names, values[0]) if len(values) == 1 else dict(zip(names, map(slots_of.get, specs)))
    for name in hosts.ignored:
        del per_host[name]
    if not (policy.slot_cpu_mhz or policy.slot_memory_mb):
        used = len(vm_cpu)  # the slot is the largest reservation: every VM fits in one
    else:
        # A VM above a fixed slot takes several slots (ceiling divisions); an unreserved VM one slot.
        used = sum([max(-(-(c or 1) // cpu), -(-m // memory)) for c, m in zip(vm_cpu, vm_mem)])
    total = sum([groups[spec][0] * n for spec, n in slots_of.items()])
    # HA removes the ``level`` hosts with the most slots (ties: by name): from the hosts with the most
    # slots first (with one slot count, every counted host).
    if len(values) == 1:
        removed = _first(level, per_host)
    else:
        removed = []
        for value in values:
            removed += _first(level - len(removed), [name for name, n in per_host.items() if n == value])
            if len(removed) == level:
                break
    remaining = total - values[0] * level if len(values) == 1 else total - sum(map(per_host.__getitem__, removed))
    # Current failover level: hosts removed, most slots first, while the powered-on VMs keep a slot
    # (at most all hosts but one: when the smallest host alone holds them, no need to walk the hosts).
    tolerated = hosts.count - 1
    if values[-1] < used:
        tolerated, left = 0, total
        for n in sorted(per_host.values(), reverse=True)[:-1]:
            if left - n < used:
                break
            left -= n
            tolerated += 1
    # With no memory in the slot, the memory HA keeps is what the removed hosts leave.
    usable_mem = remaining * memory if memory else hosts.ha_mem_total - sum(
        groups[specs[names.index(name)]][2] for name in removed)
    slots = {"cpu_mhz": cpu, "memory_mb": memory, "per_host": per_host, "removed_hosts": removed, "total": total,
             "usable": remaining, "used": used, "unreserved": max(remaining - used, 0), "current_failover_level": tolerated}
    return (remaining * cpu, 1), (usable_mem, 1), slots


def ha_capacity(hosts: Sequence[Host], vms: Sequence[Vm], policy: Policy) -> HaCapacity:
    """The capacity HA admission control lets powered-on VMs reserve, for ``policy``."""
    columns = _hosts_of(hosts)
    (cpu_n, cpu_d), (mem_n, mem_d), slots = _ha(columns, *_vms_of(vms), policy)
    return HaCapacity(policy=policy.type, hosts=columns.count, cores=columns.cores, threads=columns.threads,
                      cpu_mhz=columns.raw_cpu, memory_mb=columns.raw_mem, usable_cpu_mhz=Fraction(cpu_n, cpu_d),
                      usable_memory_mb=Fraction(mem_n, mem_d), ignored_hosts=tuple(columns.ignored), slots=slots)


# ---------------------------------------------------------------------------------------------
# Nova side and the plan. Exact values are (numerator, denominator) pairs; _q is the one rounding.

def _q(numerator: int, denominator: int) -> Number:
    """numerator / denominator as int when whole, else the nearest float (for JSON)."""
    return numerator / denominator if numerator % denominator else numerator // denominator


def _summary(policy: str, count: int, ignored: Sequence[str], cores: int, threads: int, raw_cpu: int, raw_mem: int,
             cpu: Rational, mem: Rational, slots: Dict[str, Any]) -> Dict[str, Any]:
    out = {"policy": policy, "hosts": count, "ignored_hosts": list(ignored), "cores": cores, "threads": threads,
           "physical_cpu_mhz": raw_cpu, "physical_memory_mb": raw_mem, "cpu_mhz": _q(*cpu),
           "cpu_ghz": _q(cpu[0], cpu[1] * 1000), "memory_mb": _q(*mem), "memory_gb": _q(mem[0], mem[1] * 1024),
           "cpu_fraction": cpu[0] / (cpu[1] * raw_cpu), "memory_fraction": mem[0] / (mem[1] * raw_mem)}
    if slots:
        out["slots"] = slots
    return out


def ha_summary(ha: HaCapacity) -> Dict[str, Any]:
    return _summary(ha.policy, ha.hosts, ha.ignored_hosts, ha.cores, ha.threads, ha.cpu_mhz, ha.memory_mb,
                    ha.usable_cpu_mhz.as_integer_ratio(), ha.usable_memory_mb.as_integer_ratio(), ha.slots)


NovaTotals = Tuple[str, int, int, int]  # the vCPU unit, the vCPUs, their MHz, the memory MB


def _nova(totals: NovaTotals, cpu_ratio: Rational, ram_ratio: Rational, reserved_cpus: int,
          reserved_mb: int) -> Dict[str, Any]:
    """What placement offers: (total - reserved) x ratio, truncated like placement does."""
    unit, vcpus, mhz, memory = totals
    cap_vcpus = max(vcpus - reserved_cpus, 0) * cpu_ratio[0] // cpu_ratio[1]
    cap_mem = max(memory - reserved_mb, 0) * ram_ratio[0] // ram_ratio[1]
    # A vCPU is worth its host's core MHz; a reserved vCPU the average of them.
    return {"vcpu_unit": unit, "vcpus_total": vcpus, "memory_mb_total": memory,
            "cpu_allocation_ratio": cpu_ratio[0] / cpu_ratio[1], "ram_allocation_ratio": ram_ratio[0] / ram_ratio[1],
            "reserved_host_cpus": reserved_cpus, "reserved_host_memory_mb": reserved_mb, "vcpus": cap_vcpus,
            "cpu_mhz": _q(cap_vcpus * mhz, vcpus), "cpu_ghz": _q(cap_vcpus * mhz, vcpus * 1000), "memory_mb": cap_mem,
            "memory_gb": _q(cap_mem, 1024)}


def nova_capacity(hosts: Sequence[Host], nova: NovaView) -> Dict[str, Any]:
    """What placement offers: (total - reserved) x ratio, truncated like placement does."""
    columns = _hosts_of(hosts)
    return _nova((nova.vcpu_unit, *columns.vcpus(nova.vcpu_unit), columns.raw_mem), nova.cpu_allocation_ratio.as_integer_ratio(),
                 nova.ram_allocation_ratio.as_integer_ratio(), nova.reserved_host_cpus, nova.reserved_host_memory_mb)


_WRITTEN: Dict[Rational, Tuple[float, Rational]] = {}  # the few overcommits planned with recur


def _written(ratio: Rational) -> Tuple[float, Rational]:
    """The float written to nova.conf for ``ratio``, and the ratio Nova reads back (its decimal text)."""
    pair = _WRITTEN.get(ratio)
    if pair is None:
        value = ratio[0] / ratio[1]
        pair = _remember(_WRITTEN, ratio, (value, _fraction(value).as_integer_ratio()))
    return pair


def _settings(vcpus: int, memory: int, nova: NovaView, target_vcpus: Rational, target_mem: Rational, method: str,
              keep_cpu: Rational, keep_ram: Rational) -> Optional[Tuple[Dict[str, Any], Rational, Rational]]:
    """The settings of ``method``, with the exact ratios Nova then applies; None when a ratio would be 0."""
    if method == "ratio":
        res_cpus, res_mem = nova.reserved_host_cpus, nova.reserved_host_memory_mb
        if res_cpus >= vcpus or res_mem >= memory:
            raise PlanError("nova: reserved_host_cpus/reserved_host_memory_mb leave nothing to schedule on")
        # Rounded down to RATIO_PLACES decimals: never promise more than planned.
        cpu = target_vcpus[0] * _SCALE // (target_vcpus[1] * (vcpus - res_cpus))
        ram = target_mem[0] * _SCALE // (target_mem[1] * (memory - res_mem))
        if cpu <= 0 or ram <= 0:
            return None  # Nova reads a ratio of 0.0 as "unset"
        settings = {"cpu_allocation_ratio": cpu / _SCALE, "ram_allocation_ratio": ram / _SCALE,
                    "reserved_host_cpus": res_cpus, "reserved_host_memory_mb": res_mem}
        if cpu < 2 ** 53 and ram < 2 ** 53:  # the float's decimal text is then exactly n / 10^RATIO_PLACES
            return settings, (cpu, _SCALE), (ram, _SCALE)
        return settings, _written((cpu, _SCALE))[1], _written((ram, _SCALE))[1]
    # Round the reservation up: holding back a little more never promises too much.
    # vcpus - target / keep, as a fraction; 0 when the target needs every vCPU.
    cpu_n = vcpus * target_vcpus[1] * keep_cpu[0] - target_vcpus[0] * keep_cpu[1]
    mem_n = memory * target_mem[1] * keep_ram[0] - target_mem[0] * keep_ram[1]
    (cpu_ratio, cpu_back), (ram_ratio, ram_back) = _written(keep_cpu), _written(keep_ram)
    settings = {"cpu_allocation_ratio": cpu_ratio, "ram_allocation_ratio": ram_ratio,
                "reserved_host_cpus": -(-cpu_n // (target_vcpus[1] * keep_cpu[0])) if cpu_n > 0 else 0,
                "reserved_host_memory_mb": -(-mem_n // (target_mem[1] * keep_ram[0])) if mem_n > 0 else 0}
    return settings, cpu_back, ram_back


def _plan(hosts: _Hosts, vm_cpu: Sequence[int], vm_mem: Sequence[int], policy: Policy, nova: NovaView, mode: str,
          method: str, headroom_percent: Any, cpu_overcommit: Any, ram_overcommit: Any) -> Plan:
    if mode not in MODES:
        raise PlanError("mode must be full or overcommit, not %r" % mode)
    if method not in METHODS:
        raise PlanError("method must be ratio or reserved, not %r" % method)
    headroom = _rational(headroom_percent, "headroom_percent", (0, 1))
    if headroom[0] >= 100 * headroom[1]:
        raise PlanError("plan: headroom_percent must be below 100, not %s" % headroom_percent)
    nova_cpu, nova_ram = nova.cpu_allocation_ratio.as_integer_ratio(), nova.ram_allocation_ratio.as_integer_ratio()
    over_cpu = _rational(cpu_overcommit, "cpu_overcommit", nova_cpu, positive=True)
    over_ram = _rational(ram_overcommit, "ram_overcommit", nova_ram, positive=True)
    usable_cpu, usable_mem, slots = _ha(hosts, vm_cpu, vm_mem, policy)
    # keep = 1 - headroom / 100
    keep_n, keep_d = 100 * headroom[1] - headroom[0], 100 * headroom[1]
    vcpus, nova_mhz = hosts.vcpus(nova.vcpu_unit)
    memory = hosts.raw_mem
    if mode == "full":
        # Every vCPU reserves its core's MHz: the vCPUs that fit in the HA-usable MHz.
        target_vcpus = (usable_cpu[0] * keep_n * vcpus, usable_cpu[1] * keep_d * nova_mhz)
        target_mem = (usable_mem[0] * keep_n, usable_mem[1] * keep_d)
        keep_cpu = keep_ram = (1, 1)
    else:
        # The overcommit x the vCPUs x the HA-usable share of the CPU; the same for memory.
        target_vcpus = (over_cpu[0] * vcpus * usable_cpu[0] * keep_n, over_cpu[1] * hosts.raw_cpu * usable_cpu[1] * keep_d)
        target_mem = (over_ram[0] * usable_mem[0] * keep_n, over_ram[1] * usable_mem[1] * keep_d)
        keep_cpu, keep_ram = over_cpu, over_ram

    # The ratio method keeps the current reservations; when they leave nothing it is refused, unless
    # the reserved method is asked for (it sets new ones), and then it is no alternative.
    by_ratio = (_settings(vcpus, memory, nova, target_vcpus, target_mem, "ratio", keep_cpu, keep_ram)
                if method == "ratio" or (nova.reserved_host_cpus < vcpus and nova.reserved_host_memory_mb < memory)
                else None)
    by_reserved = _settings(vcpus, memory, nova, target_vcpus, target_mem, "reserved", keep_cpu, keep_ram)
    cpu_pct, mem_pct = _q(usable_cpu[0] * 100, usable_cpu[1] * hosts.raw_cpu), _q(usable_mem[0] * 100, usable_mem[1] * memory)
    chosen = by_ratio if method == "ratio" else by_reserved
    if chosen is None:
        raise PlanError("the plan leaves Nova no capacity (HA leaves %s%% CPU and %s%% memory usable, then %s%% "
                        "headroom and the overcommit apply): a ratio of 0.0 means 'unset' to Nova, so use method "
                        "reserved to hold back the whole cluster" % (cpu_pct, mem_pct, _fmt(_q(*headroom))))
    settings, cpu_ratio, ram_ratio = chosen
    summary = _summary(policy.type, hosts.count, hosts.ignored, hosts.cores, hosts.threads, hosts.raw_cpu, memory,
                       usable_cpu, usable_mem, slots)
    totals = (nova.vcpu_unit, vcpus, nova_mhz, memory)
    nova_before = _nova(totals, nova_cpu, nova_ram, nova.reserved_host_cpus, nova.reserved_host_memory_mb)
    nova_after = _nova(totals, cpu_ratio, ram_ratio, settings["reserved_host_cpus"],
                       settings["reserved_host_memory_mb"])
    return Plan(settings, {"ratio": by_ratio[0] if by_ratio else None, "reserved": by_reserved[0]},
                {"ha": summary, "nova": nova_before}, {"ha": summary, "nova": nova_after},
                _explain(hosts, policy.type, slots, summary, cpu_pct, mem_pct, nova, mode, method, headroom,
                         over_cpu, over_ram, nova_before, nova_after, settings))


def plan_capacity(hosts: Sequence[Host], vms: Sequence[Vm], policy: Policy, nova: NovaView, mode: str = "full",
                  method: str = "ratio", headroom_percent: Any = 0, cpu_overcommit: Any = None,
                  ram_overcommit: Any = None) -> Plan:
    """Nova settings that make placement promise no more than HA admits (less ``headroom_percent``).

    ``full``: every VM reserves all its vCPUs (at core MHz) and memory, so Nova's capacity must fit in
    the HA-usable capacity. ``overcommit``: the desired overcommit (default: Nova's current ratios)
    applies on top of the HA-usable share. ``method`` ratio scales the ratios and keeps the current
    reservations; ``reserved`` keeps ratio 1.0 (full) or the overcommit and holds back the rest.
    """
    vm_cpu, vm_mem = _vms_of(vms)
    return _plan(_hosts_of(hosts), vm_cpu, vm_mem, policy, nova, mode, method, headroom_percent, cpu_overcommit,
                 ram_overcommit)


def plan_cluster(hosts: Sequence[Mapping[str, Any]], vms: Sequence[Mapping[str, Any]], policy: Mapping[str, Any],
                 nova: Mapping[str, Any], mode: str = "full", method: str = "ratio", headroom_percent: Any = 0,
                 cpu_overcommit: Any = None, ram_overcommit: Any = None) -> Plan:
    """``plan_capacity`` for one cluster given as plain dicts (capacity_plan's options, or what
    vsphere_ha_capacity_info returns): the entry point of the module. Same checks and messages as
    the ``*_from_dict`` readers, without building an object per host or VM.
    """
    columns = _hosts_from_dicts(hosts)
    vm_cpu, vm_mem = _vms_from_dicts(vms)
    return _plan(columns, vm_cpu, vm_mem, policy_from_dict(policy), nova_from_dict(nova), mode, method,
                 headroom_percent, cpu_overcommit, ram_overcommit)


class _Formatted(Dict[Number, str]):
    """Numbers formatted for the explanation (at most 4 decimals, no trailing zeros), by value: ratios
    and shares recur across clusters. An int and a float of the same value format alike ("2" for 2 and
    2.0), so they may share an entry; the table stays small (emptied at 4096 entries)."""

    def __missing__(self, value: Number) -> str:
        text = f"{value:.4f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
        return _remember(self, value, text)


_FORMATTED = _Formatted()


def _fmt(value: Any) -> str:
    """A number for the explanation: at most 4 decimals, no trailing zeros."""
    return _FORMATTED[value]


def _explain(hosts: _Hosts, policy: str, slots: Dict[str, Any], ha: Dict[str, Any], cpu_pct: Number, mem_pct: Number,
             nova: NovaView, mode: str, method: str, headroom: Rational, over_cpu: Rational, over_ram: Rational,
             nb: Dict[str, Any], na: Dict[str, Any], chosen: Dict[str, Any]) -> List[str]:
    """The plan in sentences, for the operator reading the task output."""
    fmt = _FORMATTED  # fmt[number]: the number's text
    not_counted = f"; not counted (disconnected or in maintenance): {', '.join(hosts.ignored)}" if hosts.ignored else ""
    lines = [f"{hosts.count} host(s) counted ({hosts.cores} cores, {hosts.threads} threads, "
             f"{fmt[_q(hosts.raw_cpu, 1000)]} GHz, {fmt[_q(hosts.raw_mem, 1024)]} GB){not_counted}."]
    if policy == "disabled":
        lines.append("HA admission control is disabled: it holds nothing back.")
    elif policy == "slots":
        removed = slots["removed_hosts"]
        lines.append(f"Slot policy: slot {slots['cpu_mhz']} MHz / {slots['memory_mb']} MB, {slots['total']} slot(s) in the "
                     f"cluster; removing the {len(removed)} host(s) with the most slots ({', '.join(removed)}) leaves "
                     f"{slots['usable']} slot(s), {slots['used']} used by powered-on VMs.")
    lines.append(f"HA-usable capacity ({policy} policy): {fmt[ha['cpu_ghz']]} GHz ({fmt[cpu_pct]}%) and "
                 f"{fmt[ha['memory_gb']]} GB ({fmt[mem_pct]}%).")
    lines.append(f"Nova now ({nova.vcpu_unit} as vCPUs, ratios {fmt[nb['cpu_allocation_ratio']]} / "
                 f"{fmt[nb['ram_allocation_ratio']]}, reserved {nb['reserved_host_cpus']} vCPU / "
                 f"{nb['reserved_host_memory_mb']} MB) promises {nb['vcpus']} vCPU = {fmt[nb['cpu_ghz']]} GHz and "
                 f"{fmt[nb['memory_gb']]} GB.")
    less = f" less {fmt[_q(*headroom)]}% headroom" if headroom[0] else ""
    if mode == "full":
        lines.append(f"Mode full: every VM reserves all its vCPUs and memory, so Nova must promise no more than HA admits"
                     f"{less}.")
    else:
        lines.append(f"Mode overcommit: {fmt[over_cpu[0] / over_cpu[1]]} x CPU and {fmt[over_ram[0] / over_ram[1]]} x "
                     f"memory on top of the HA-usable share{less}.")
    lines.append(f"Plan ({method}): cpu_allocation_ratio {fmt[chosen['cpu_allocation_ratio']]}, ram_allocation_ratio "
                 f"{fmt[chosen['ram_allocation_ratio']]}, reserved_host_cpus {chosen['reserved_host_cpus']}, "
                 f"reserved_host_memory_mb {chosen['reserved_host_memory_mb']}; Nova then promises {na['vcpus']} vCPU = "
                 f"{fmt[na['cpu_ghz']]} GHz and {fmt[na['memory_gb']]} GB.")
    return lines
