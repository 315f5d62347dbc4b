# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Plan CPU tuning of a libvirt domain: pinning, CFS shares/period/quota, numatune, features.

Pure: the caller reads the domain's live and/or persistent (config) state with libvirt and applies
the returned steps. Ranges are libvirt 9.0's, as it answers on a cgroup v1 host (domain reference
6.1; probed on Debian 12): period [1000, 1000000] us; quota [1000, 17592186044415] us or -1
(unlimited; libvirt turns 0 and any negative into -1); shares [2, 262144] on cgroup v1 and the
cgroup v2 weight [1, 10000] on v2. Config-only parts: the <features> knobs (hint-dedicated,
pvspinlock, hyperv spinlocks) and the numatune mode of a running domain ("can't change numatune
mode for running domain").
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

PERIOD_RANGE = (1000, 1000000)
QUOTA_RANGE = (1000, 17592186044415)
SHARES_RANGE = {1: (2, 262144), 2: (1, 10000)}
HYPERV_SPINLOCK_MIN_RETRIES = 4095
SCHED_KEYS = ("cpu_shares", "vcpu_period", "vcpu_quota", "global_period", "global_quota",
              "emulator_period", "emulator_quota")
NUMA_MODES = ("strict", "preferred", "interleave", "restrictive")  # virDomainNumatuneMemMode order
FEATURE_KEYS = ("hint_dedicated", "hyperv_spinlocks", "pvspinlock")
CONFIG_ONLY = ("hint_dedicated", "pvspinlock", "hyperv_spinlocks", "numa_mode (of a running domain)")
DEFAULT_PERIOD = 100000
# The largest pCPU or NUMA node number a cpuset may name; a range is checked before it is expanded.
MAX_INDEX = 65535


@dataclass(frozen=True)
class Host:
    """The host's CPUs as libvirt sees them: pCPU count, online set, NUMA nodes, cgroup version."""

    cpus: int
    online: FrozenSet[int]
    nodes: Mapping[int, Tuple[int, ...]]
    cgroup: int = 1


@dataclass
class View:
    """One view of a domain (live or config), in plain values as libvirt reports them."""

    vcpus: int
    vcpupin: Dict[int, FrozenSet[int]]
    emulatorpin: FrozenSet[int]
    sched: Dict[str, int]
    numa_mode: str = "strict"
    numa_nodeset: str = ""
    features: Dict[str, Any] = field(default_factory=dict)


@dataclass
class Request:
    """What the operator asked for; None means "leave as it is"."""

    vcpupin: Dict[int, FrozenSet[int]] = field(default_factory=dict)
    emulatorpin: Optional[FrozenSet[int]] = None
    sched: Dict[str, int] = field(default_factory=dict)
    numa_mode: Optional[str] = None
    numa_nodeset: Optional[str] = None
    features: Dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """Change ``key`` of ``part`` in ``scope`` (live or config) from ``before`` to ``after``."""

    scope: str
    part: str
    key: str
    before: Any
    after: Any

    def as_dict(self) -> Dict[str, Any]:
        def show(value: Any) -> Any:
            return format_cpuset(value) if isinstance(value, frozenset) else value
        return dict(scope=self.scope, part=self.part, key=self.key,
                    before=show(self.before), after=show(self.after))


def _numbers(text: str, what: str, examples: str, unit: str) -> FrozenSet[int]:
    """libvirt's bitmap syntax ("0-3,^2,6") as the numbers it selects (at least one)."""
    ranges = []
    try:
        for item in (part.strip() for part in text.split(",")):
            low, _sep, high = item.lstrip("^").partition("-")
            ranges.append((item.startswith("^"), int(low), int(high or low)))
    except ValueError:
        raise PlanError("%s %r is not in libvirt's syntax (for example %s)" % (what, text, examples)) from None
    # Checked before a range is expanded: a typo such as 0-30000000 would take seconds per million.
    top = max(last for _excluded, _first, last in ranges)
    if top > MAX_INDEX:
        raise PlanError("%s %r names %s %d, above %d" % (what, text, unit, top, MAX_INDEX))
    wanted, excluded = set(), set()
    for exclude, first, last in ranges:
        (excluded if exclude else wanted).update(range(first, last + 1))
    numbers = frozenset(wanted - excluded)
    if not numbers:
        raise PlanError("%s %r selects no %s" % (what, text, unit))
    return numbers


def parse_cpuset(text: str, host: Host) -> FrozenSet[int]:
    """libvirt cpuset syntax ("0-3,^2,6"), or "all" for every host pCPU (that is, unpinned)."""
    text = str(text).strip()
    if text in ("all", "*"):
        return frozenset(range(host.cpus))
    cpus = _numbers(text, "cpuset", "0-3,^2,6 or all", "pCPU")
    missing = sorted(cpu for cpu in cpus if cpu >= host.cpus or cpu not in host.online)
    if missing:
        raise PlanError("pCPU %s of cpuset %r does not exist on this host (online pCPUs: %s)"
                        % (format_cpuset(frozenset(missing)), text, format_cpuset(host.online)))
    return cpus


def parse_nodeset(text: str, host: Host) -> FrozenSet[int]:
    """A numatune nodeset ("0-1", "0,2") as NUMA node numbers, each one a node of the host."""
    text = str(text).strip()
    nodes = _numbers(text, "numa_nodeset", "0, 0-1 or 0,2", "NUMA node")
    missing = sorted(node for node in nodes if host.nodes and node not in host.nodes)
    if missing:
        raise PlanError("NUMA node %s of numa_nodeset %r does not exist on this host (nodes: %s)"
                        % (format_cpuset(missing), text, format_cpuset(host.nodes)))
    return nodes


def _same_nodeset(current: str, wanted: FrozenSet[int]) -> bool:
    """libvirt prints a nodeset in its own form ("0-1" for "0,1"): compare the nodes, not the text."""
    try:
        return _numbers(str(current).strip(), "numa_nodeset", "", "NUMA node") == wanted
    except PlanError:  # none set yet, or a form this reader does not know: not the same
        return False


def format_cpuset(cpus: Iterable[int]) -> str:
    """The shortest libvirt cpuset text: 0-3,6."""
    runs: List[List[int]] = []
    for cpu in sorted(set(cpus)):
        if runs and cpu == runs[-1][1] + 1:
            runs[-1][1] = cpu
        else:
            runs.append([cpu, cpu])
    return ",".join(str(low) if low == high else "%d-%d" % (low, high) for low, high in runs)


def cpumap(cpus: FrozenSet[int], host: Host) -> Tuple[bool, ...]:
    """libvirt-python's cpumap: a tuple of bools, one per host pCPU."""
    return tuple(cpu in cpus for cpu in range(host.cpus))


def from_cpumap(bits: Sequence[bool]) -> FrozenSet[int]:
    return frozenset(index for index, bit in enumerate(bits) if bit)


def validate(request: Request, host: Host, vcpus: int) -> None:
    """Raise PlanError for any value libvirt or the kernel would refuse or silently clamp."""
    for vcpu in request.vcpupin:
        if vcpu < 0 or vcpu >= vcpus:
            raise PlanError("vCPU %d does not exist: the domain has %d vCPU(s), numbered 0-%d"
                            % (vcpu, vcpus, vcpus - 1))
    low, high = SHARES_RANGE[host.cgroup]
    shares = request.sched.get("cpu_shares")
    if shares is not None and not low <= shares <= high:
        raise PlanError("shares %d is out of range for cgroup v%d: use %d..%d"
                        % (shares, host.cgroup, low, high))
    for key, value in request.sched.items():
        if key.endswith("_period") and not PERIOD_RANGE[0] <= value <= PERIOD_RANGE[1]:
            raise PlanError("%s %d is out of range: use %d..%d us" % (key, value, PERIOD_RANGE[0], PERIOD_RANGE[1]))
        if key.endswith("_quota") and value != -1 and not QUOTA_RANGE[0] <= value <= QUOTA_RANGE[1]:
            raise PlanError("%s %d is out of range: use %d..%d us, or -1 for no limit"
                            % (key, value, QUOTA_RANGE[0], QUOTA_RANGE[1]))
    if request.numa_mode is not None and request.numa_mode not in NUMA_MODES:
        raise PlanError("numa_mode %r is not one of %s" % (request.numa_mode, ", ".join(NUMA_MODES)))
    if request.numa_nodeset is not None:
        parse_nodeset(request.numa_nodeset, host)
    retries = request.features.get("hyperv_spinlocks")
    if retries and retries < HYPERV_SPINLOCK_MIN_RETRIES:
        raise PlanError("hyperv_spinlocks %d is too low: 0 turns them off, otherwise at least %d retries"
                        % (retries, HYPERV_SPINLOCK_MIN_RETRIES))


def cap_quota(percent: int, period: int = DEFAULT_PERIOD) -> Tuple[int, int]:
    """Policy cap: each vCPU may use ``percent`` of one pCPU: quota = period * percent / 100."""
    if not 1 <= percent <= 100:
        raise PlanError("cap_percent %d is out of range: use 1..100 (percent of one pCPU per vCPU)" % percent)
    quota = period * percent // 100
    if quota < QUOTA_RANGE[0]:
        raise PlanError("cap_percent %d of a %d us period gives a quota of %d us, below libvirt's minimum %d: "
                        "use a longer period" % (percent, period, quota, QUOTA_RANGE[0]))
    return period, quota


def spread(host: Host, vcpus: int, current: Mapping[int, FrozenSet[int]], taken: FrozenSet[int],
           node: Optional[int] = None) -> Dict[int, FrozenSet[int]]:
    """Policy spread: pin vCPUs 1:1 to free pCPUs of one NUMA node.

    Free means online and not pinned by another domain (``taken``). A vCPU already pinned alone to
    a free pCPU of the node keeps it, so a second run plans nothing; the others get the lowest free
    pCPUs left. Without ``node``, the first node with enough free pCPUs is used.
    """
    nodes = [node] if node is not None else sorted(host.nodes)
    if node is not None and node not in host.nodes:
        raise PlanError("NUMA node %d does not exist on this host (nodes: %s)"
                        % (node, ", ".join(str(n) for n in sorted(host.nodes))))
    for candidate in nodes:
        free = [cpu for cpu in host.nodes[candidate] if cpu in host.online and cpu not in taken]
        if len(free) < vcpus:
            continue
        result: Dict[int, FrozenSet[int]] = {}
        for vcpu in range(vcpus):
            pins = current.get(vcpu, frozenset())
            if len(pins) == 1 and next(iter(pins)) in free and pins not in result.values():
                result[vcpu] = pins
        left = [cpu for cpu in free if frozenset([cpu]) not in result.values()]
        for vcpu in range(vcpus):
            if vcpu not in result:
                result[vcpu] = frozenset([left.pop(0)])
        return result
    where = "NUMA node %d" % node if node is not None else "any NUMA node"
    raise PlanError("policy spread needs %d free pCPU(s) on %s; pCPUs pinned by other domains: %s"
                    % (vcpus, where, format_cpuset(taken) or "none"))


def _norm_sched(key: str, value: int) -> int:
    """libvirt reports an unset or unlimited quota as 0 or a negative number: both mean -1."""
    if key.endswith("_quota") and value <= 0:
        return -1
    return value


def plan(views: Mapping[str, View], request: Request, host: Host, running: bool) -> List[Step]:
    """The steps that bring each view in ``views`` ("live", "config") to the request.

    Raises PlanError, before anything is changed, for a live change libvirt refuses: the
    <features> knobs and a numatune mode change on a running domain can only go to config.
    """
    steps: List[Step] = []
    for scope in ("live", "config"):
        view = views.get(scope)
        if view is None:
            continue
        validate(request, host, view.vcpus)
        for vcpu in sorted(request.vcpupin):
            before = view.vcpupin.get(vcpu, frozenset(range(host.cpus)))
            if before != request.vcpupin[vcpu]:
                steps.append(Step(scope, "vcpupin", str(vcpu), before, request.vcpupin[vcpu]))
        if request.emulatorpin is not None and view.emulatorpin != request.emulatorpin:
            steps.append(Step(scope, "emulatorpin", "emulator", view.emulatorpin, request.emulatorpin))
        for key in SCHED_KEYS:
            if key in request.sched:
                before = _norm_sched(key, view.sched.get(key, 0))
                if before != request.sched[key]:
                    steps.append(Step(scope, "sched", key, before, request.sched[key]))
        if request.numa_mode is not None and request.numa_mode != view.numa_mode:
            if scope == "live" and running:
                raise PlanError("libvirt cannot change the numatune mode of a running domain (%s -> %s); "
                                "parts that can only go to config: %s. Use apply: config"
                                % (view.numa_mode, request.numa_mode, ", ".join(CONFIG_ONLY)))
            steps.append(Step(scope, "numa", "numa_mode", view.numa_mode, request.numa_mode))
        if request.numa_nodeset is not None:
            nodes = parse_nodeset(request.numa_nodeset, host)
            if not _same_nodeset(view.numa_nodeset, nodes):
                steps.append(Step(scope, "numa", "numa_nodeset", view.numa_nodeset, format_cpuset(nodes)))
        if scope == "config":
            for key in FEATURE_KEYS:
                if key in request.features and request.features[key] != view.features.get(key):
                    steps.append(Step(scope, "features", key, view.features.get(key), request.features[key]))
    return steps


def refuse_live_features(request: Request, scopes: Sequence[str]) -> None:
    """The <features> knobs exist only in the persistent definition."""
    if request.features and scopes == ("live",):
        raise PlanError("%s can only go to config (libvirt has no live API for <features>); parts that "
                        "can only go to config: %s. Use apply: config or both"
                        % (", ".join(sorted(request.features)), ", ".join(CONFIG_ONLY)))


def apply_steps(view: View, steps: Iterable[Step], scope: str) -> View:
    """The view as it is after ``steps`` of ``scope``: the diff's "after", and the plan's own test."""
    out = View(vcpus=view.vcpus, vcpupin=dict(view.vcpupin), emulatorpin=view.emulatorpin, sched=dict(view.sched),
               numa_mode=view.numa_mode, numa_nodeset=view.numa_nodeset, features=dict(view.features))
    for step in steps:
        if step.scope != scope:
            continue
        if step.part == "vcpupin":
            out.vcpupin[int(step.key)] = step.after
        elif step.part == "emulatorpin":
            out.emulatorpin = step.after
        elif step.part == "sched":
            out.sched[step.key] = step.after
        elif step.part == "numa":
            setattr(out, step.key, step.after)
        else:
            out.features[step.key] = step.after
    return out


def summary(view: View) -> Dict[str, Any]:
    """A view as plain, readable data (cpusets as text)."""
    return dict(
        vcpus=view.vcpus,
        vcpupin={str(vcpu): format_cpuset(cpus) for vcpu, cpus in sorted(view.vcpupin.items())},
        emulatorpin=format_cpuset(view.emulatorpin),
        shares=view.sched.get("cpu_shares", 0),
        period=view.sched.get("vcpu_period", 0),
        quota=_norm_sched("vcpu_quota", view.sched.get("vcpu_quota", 0)),
        global_period=view.sched.get("global_period", 0),
        global_quota=_norm_sched("global_quota", view.sched.get("global_quota", 0)),
        emulator_period=view.sched.get("emulator_period", 0),
        emulator_quota=_norm_sched("emulator_quota", view.sched.get("emulator_quota", 0)),
        numa_mode=view.numa_mode,
        numa_nodeset=view.numa_nodeset,
        features=dict(view.features),
    )


def numa_nodes(capabilities_xml: str) -> Dict[int, Tuple[int, ...]]:
    """NUMA nodes and their pCPUs from ``virConnectGetCapabilities`` (host/topology/cells)."""
    root = ET.fromstring(capabilities_xml)
    nodes: Dict[int, Tuple[int, ...]] = {}
    for cell in root.iter("cell"):
        nodes[int(cell.get("id", "0"))] = tuple(sorted(int(cpu.get("id", "0")) for cpu in cell.iter("cpu")))
    return nodes


def read_features(domain_xml: str) -> Dict[str, Any]:
    """The config-only knobs of a domain definition; None where the element is absent."""
    feats = ET.fromstring(domain_xml).find("features")
    out: Dict[str, Any] = dict.fromkeys(FEATURE_KEYS)
    if feats is None:
        return out
    hint = feats.find("kvm/hint-dedicated")
    if hint is not None:
        out["hint_dedicated"] = hint.get("state") == "on"
    pvs = feats.find("pvspinlock")
    if pvs is not None:
        out["pvspinlock"] = pvs.get("state", "on") == "on"
    spin = feats.find("hyperv/spinlocks")
    if spin is not None:
        out["hyperv_spinlocks"] = int(spin.get("retries", "0")) if spin.get("state") == "on" else 0
    return out


def write_features(domain_xml: str, features: Mapping[str, Any]) -> str:
    """The domain definition with the requested <features> knobs set (others untouched)."""
    ET.register_namespace("qemu", "http://libvirt.org/schemas/domain/qemu/1.0")
    root = ET.fromstring(domain_xml)
    feats = root.find("features")
    if feats is None:
        feats = ET.Element("features")
        index = [child.tag for child in root].index("os") + 1 if root.find("os") is not None else len(root)
        root.insert(index, feats)

    def child(parent: ET.Element, tag: str) -> ET.Element:
        found = parent.find(tag)
        return found if found is not None else ET.SubElement(parent, tag)

    if features.get("hint_dedicated") is not None:
        child(child(feats, "kvm"), "hint-dedicated").set("state", "on" if features["hint_dedicated"] else "off")
    if features.get("pvspinlock") is not None:
        child(feats, "pvspinlock").set("state", "on" if features["pvspinlock"] else "off")
    if features.get("hyperv_spinlocks") is not None:
        hyperv = feats.find("hyperv")
        if hyperv is None:
            hyperv = ET.SubElement(feats, "hyperv", mode="custom")
        spin = child(hyperv, "spinlocks")
        retries = features["hyperv_spinlocks"]
        spin.set("state", "on" if retries else "off")
        if retries:
            spin.set("retries", str(retries))
        elif "retries" in spin.attrib:
            del spin.attrib["retries"]
    return ET.tostring(root, encoding="unicode")
