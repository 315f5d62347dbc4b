# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Table tests for the HA / Nova capacity calculator."""

from __future__ import annotations

from fractions import Fraction

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.capacity import (
    Host,
    NovaView,
    Policy,
    Vm,
    ha_capacity,
    host_from_dict,
    nova_capacity,
    nova_from_dict,
    plan_capacity,
    plan_cluster,
    policy_from_dict,
    slot_size,
    vm_from_dict,
)
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

GB = 1024


def cluster(n=16, cores=32, mhz=2200, memory_gb=256, threads=64, **kwargs):
    return [Host("esx%02d" % i, cores, mhz, memory_gb * GB, threads=threads, **kwargs) for i in range(n)]


def pct(cpu, mem):
    return Policy("percentage", cpu_percent=Fraction(cpu), memory_percent=Fraction(mem))


CORES_10_15 = NovaView("cores", Fraction(10), Fraction(3, 2))

# The worked example of issue 3 and docs/capacity-planning.md, to the digit.
WORKED = [
    # (mode, method, settings, nova after: (vcpus, ghz, gb))
    ("full", "ratio", dict(cpu_allocation_ratio=0.75, ram_allocation_ratio=0.75, reserved_host_cpus=0, reserved_host_memory_mb=0),
     (384, 844.8, 3072)),
    ("full", "reserved", dict(cpu_allocation_ratio=1.0, ram_allocation_ratio=1.0, reserved_host_cpus=128, reserved_host_memory_mb=1048576),
     (384, 844.8, 3072)),
    ("overcommit", "ratio", dict(cpu_allocation_ratio=7.5, ram_allocation_ratio=1.125, reserved_host_cpus=0, reserved_host_memory_mb=0),
     (3840, 8448, 4608)),
    ("overcommit", "reserved", dict(cpu_allocation_ratio=10.0, ram_allocation_ratio=1.5, reserved_host_cpus=128,
                                    reserved_host_memory_mb=1048576), (3840, 8448, 4608)),
]


@pytest.mark.parametrize("mode,method,settings,after", WORKED, ids=["%s-%s" % (w[0], w[1]) for w in WORKED])
def test_worked_example(mode, method, settings, after):
    plan = plan_capacity(cluster(), [], pct(25, 25), CORES_10_15, mode=mode, method=method)
    ha = plan.before["ha"]
    assert (ha["cpu_ghz"], ha["memory_gb"], ha["cpu_mhz"], ha["memory_mb"]) == (844.8, 3072, 844800, 3145728)
    assert (ha["physical_cpu_mhz"], ha["physical_memory_mb"]) == (1126400, 4096 * GB)
    nova = plan.before["nova"]
    assert (nova["vcpus"], nova["cpu_ghz"], nova["memory_gb"]) == (5120, 11264, 6144)
    assert plan.settings == settings
    assert (plan.after["nova"]["vcpus"], plan.after["nova"]["cpu_ghz"], plan.after["nova"]["memory_gb"]) == after
    assert set(plan.alternatives) == {"ratio", "reserved"}
    assert plan.alternatives[method] == settings
    assert any("844.8 GHz (75%) and 3072 GB (75%)" in line for line in plan.explanation)


def test_worked_example_with_threads_counts_a_vcpu_at_core_mhz():
    nova = NovaView("threads", Fraction(10), Fraction(3, 2))
    plan = plan_capacity(cluster(), [], pct(25, 25), nova, mode="full")
    assert plan.before["nova"]["vcpus"] == 10240 and plan.before["nova"]["cpu_ghz"] == 22528
    # 1024 threads, a fully reserved vCPU takes a core's 2.2 GHz: 384 vCPUs fit in 844.8 GHz.
    assert plan.settings["cpu_allocation_ratio"] == 0.375
    assert plan.after["nova"]["vcpus"] == 384 and plan.after["nova"]["cpu_ghz"] == 844.8
    overcommit = plan_capacity(cluster(), [], pct(25, 25), nova, mode="overcommit")
    assert overcommit.settings["cpu_allocation_ratio"] == 7.5


HA = [
    # (case, hosts, vms, policy, (usable cpu MHz, usable memory MB), hosts counted)
    ("percentage 0", cluster(4), [], pct(0, 0), (4 * 70400, 4 * 262144), 4),
    ("percentage 100", cluster(4), [], pct(100, 100), (0, 0), 4),
    ("percentage cpu and memory apart", cluster(4), [], pct(50, 25), (2 * 70400, 3 * 262144), 4),
    ("admission control disabled", cluster(2), [], Policy("disabled"), (2 * 70400, 2 * 262144), 2),
    ("maintenance and disconnected hosts do not count",
     cluster(2) + [Host("m", 32, 2200, 262144, maintenance=True), Host("d", 32, 2200, 262144, connected=False)],
     [], pct(50, 50), (70400, 262144), 2),
    ("dedicated failover hosts", cluster(16), [], Policy("failover_hosts", failover_hosts=("esx00", "esx01")),
     (14 * 70400, 14 * 262144), 16),
    ("mixed hosts, the big one is the failover host",
     cluster(2) + [Host("big", 64, 3000, 1024 * GB)], [], Policy("failover_hosts", failover_hosts=("big",)),
     (2 * 70400, 2 * 262144), 3),
    ("root resource pool below the raw hardware", [Host("a", 10, 1000, 1000, cpu_capacity_mhz=9000, memory_capacity_mb=900)] * 1
     + [Host("b", 10, 1000, 1000)], [], pct(0, 0), (19000, 1900), 2),
    # Slot: largest CPU reservation 4400 MHz, memory 8192 + 100 MB: host slots min(16, 31) = 16; 3 hosts left.
    ("slots from reservations", cluster(4),
     [Vm("a", 4400, 4096, 50), Vm("b", 0, 8192, 100), Vm("off", 60000, 200000, 0, powered_on=False)],
     Policy("slots", failover_level=1), (48 * 4400, 48 * 8292), 4),
    # Zero VMs: slot 32 MHz and no memory: 2200 slots a host by CPU; memory of the hosts left.
    ("slots, zero VMs", cluster(3), [], Policy("slots", failover_level=1), (2 * 2200 * 32, 2 * 262144), 3),
    # No reservations: 32 MHz floor, memory from the overhead alone.
    ("slots, no reservations", cluster(2, cores=2, mhz=1000, memory_gb=1), [Vm("a", 0, 0, 100), Vm("b", 0, 0, 20)],
     Policy("slots", failover_level=1), (10 * 32, 10 * 100), 2),
    ("fixed slot", cluster(3), [Vm("huge", 50000, 100000, 0)],
     Policy("slots", failover_level=1, slot_cpu_mhz=2200, slot_memory_mb=8192), (2 * 32 * 2200, 2 * 32 * 8192), 3),
    # Mixed sizes: the host with the most slots goes first.
    # A host in maintenance has no slots and is not removed, however large.
    ("slots ignore hosts in maintenance", [Host("big", 64, 3000, 1024 * GB, maintenance=True)] + cluster(3),
     [Vm("a", 2200, 8192, 0)], Policy("slots", failover_level=1), (64 * 2200, 64 * 8192), 3),
    ("a failover host in maintenance holds nothing back", cluster(3) + [Host("m", 64, 3000, 1024 * GB, maintenance=True)],
     [], Policy("failover_hosts", failover_hosts=("m",)), (3 * 70400, 3 * 262144), 3),
    ("slots, mixed hosts remove the largest", [Host("small", 8, 2000, 32 * GB), Host("large", 32, 2000, 128 * GB),
                                               Host("mid", 16, 2000, 64 * GB)],
     [Vm("a", 2000, 8192, 0)], Policy("slots", failover_level=1), ((8 + 4) * 2000, (8 + 4) * 8192), 3),
]


@pytest.mark.parametrize("case,hosts,vms,policy,usable,counted", HA, ids=[h[0] for h in HA])
def test_ha_capacity(case, hosts, vms, policy, usable, counted):
    ha = ha_capacity(hosts, vms, policy)
    assert (ha.usable_cpu_mhz, ha.usable_memory_mb) == usable, case
    assert ha.hosts == counted


def test_slot_details():
    hosts = [Host("small", 8, 2000, 32 * GB), Host("large", 32, 2000, 128 * GB), Host("mid", 16, 2000, 64 * GB)]
    ha = ha_capacity(hosts, [Vm("a", 2000, 8192, 0), Vm("b", 0, 0, 0)], Policy("slots", failover_level=1))
    assert ha.slots["per_host"] == {"large": 16, "mid": 8, "small": 4}
    assert ha.slots["removed_hosts"] == ["large"]
    assert (ha.slots["total"], ha.slots["usable"], ha.slots["used"], ha.slots["unreserved"]) == (28, 12, 2, 10)
    assert ha.slots["current_failover_level"] == 2


def reference_slots(hosts, vms, level):
    """vSphere's slot algorithm host by host, written plainly (the calculator works group by group)."""
    cpu, memory = slot_size(vms, Policy("slots"))
    per_host = {}
    for h in hosts:
        if h.connected and not h.maintenance:
            ha_cpu, ha_mem = h.cpu_capacity_mhz or h.cores * h.cpu_mhz, h.memory_capacity_mb or h.memory_mb
            per_host[h.name] = min(ha_cpu // cpu, ha_mem // memory) if memory else ha_cpu // cpu
    removed = sorted(per_host, key=lambda name: (-per_host[name], name))[:level]
    total = sum(per_host.values())
    usable = total - sum(per_host[name] for name in removed)
    used = sum(1 for vm in vms if vm.powered_on)
    tolerated, left = 0, total
    for n in sorted(per_host.values(), reverse=True)[:-1]:
        if left - n < used:
            break
        left, tolerated = left - n, tolerated + 1
    if memory:
        usable_mem = usable * memory
    else:
        kept = [h for h in hosts if h.name in per_host and h.name not in removed]
        usable_mem = sum(h.memory_capacity_mb or h.memory_mb for h in kept)
    return dict(per_host=per_host, removed_hosts=removed, total=total, usable=usable, used=used,
                current_failover_level=tolerated), (usable * cpu, usable_mem)


def hosts_of(*groups):
    """Hosts named h00, h01, ... from (how many, Host keyword arguments) groups, interleaved by name."""
    out = []
    for count, kwargs in groups:
        for _i in range(count):
            out.append(Host("h%02d" % (len(out) * 7 % 23), **kwargs))
    return out


MODEL_A = dict(cores=16, cpu_mhz=2000, memory_mb=64 * GB)
MODEL_B = dict(cores=8, cpu_mhz=4000, memory_mb=64 * GB)  # the same MHz and memory as A: as many slots
MODEL_BIG = dict(cores=64, cpu_mhz=3000, memory_mb=1024 * GB)
SLOT_GROUPS = [
    # (case, hosts, vms, failover level)
    ("two models with as many slots: ties broken by name", hosts_of((3, MODEL_A), (3, MODEL_B)),
     [Vm("a", 2000, 8192, 0)], 2),
    ("the removed hosts span two groups", hosts_of((1, MODEL_BIG), (4, MODEL_A)), [Vm("a", 2000, 8192, 0)], 2),
    ("no memory in the slot: the removed hosts' memory, group by group", hosts_of((1, MODEL_BIG), (3, MODEL_A)), [], 2),
    ("hosts out of count in every group",
     hosts_of((3, MODEL_A), (2, dict(MODEL_A, maintenance=True)), (2, MODEL_BIG), (1, dict(MODEL_BIG, connected=False))),
     [Vm("a", 1000, 4096, 64)], 1),
    ("more VMs than the smallest host holds: the current failover level walks the hosts",
     hosts_of((1, MODEL_BIG), (3, dict(cores=4, cpu_mhz=2000, memory_mb=16 * GB))),
     [Vm("v%d" % i, 2000, 4096, 0) for i in range(30)], 1),
    ("HA capacities below the hardware in one group",
     hosts_of((2, MODEL_A), (2, dict(MODEL_A, cpu_capacity_mhz=20000, memory_capacity_mb=32 * GB))),
     [Vm("a", 3000, 2048, 0)], 1),
]


@pytest.mark.parametrize("case,hosts,vms,level", SLOT_GROUPS, ids=[g[0] for g in SLOT_GROUPS])
def test_slots_by_group_match_the_host_by_host_algorithm(case, hosts, vms, level):
    expected, usable = reference_slots(hosts, vms, level)
    for given in (hosts, as_dicts(hosts)):  # the value objects and the module's dicts take one path each
        if given is hosts:
            ha = ha_capacity(hosts, vms, Policy("slots", failover_level=level))
            slots, got = ha.slots, (ha.usable_cpu_mhz, ha.usable_memory_mb)
        else:
            plan = plan_cluster(given, vm_dicts(vms), dict(type="slots", failover_level=level), dict(vcpu_unit="cores"))
            slots, got = plan.before["ha"]["slots"], (plan.before["ha"]["cpu_mhz"], plan.before["ha"]["memory_mb"])
        assert {key: slots[key] for key in expected} == expected, case
        assert list(slots["per_host"]) == list(expected["per_host"]), "per_host keeps the hosts' order"
        assert got == usable, case


@pytest.mark.parametrize("vms,policy,expected", [
    ([], Policy("slots"), (32, 0)),
    ([Vm("a", 10, 0, 0)], Policy("slots"), (32, 0)),
    ([Vm("a", 500, 1024, 30), Vm("b", 100, 2048, 10)], Policy("slots"), (500, 2058)),
    ([Vm("a", 500, 1024, 30, powered_on=False)], Policy("slots"), (32, 0)),
    ([Vm("a", 10, 0, 0)], Policy("slots", vm_cpu_min_mhz=256), (256, 0)),
    ([Vm("a", 9999, 9999, 0)], Policy("slots", slot_cpu_mhz=100, slot_memory_mb=200), (100, 200)),
])
def test_slot_size(vms, policy, expected):
    assert slot_size(vms, policy) == expected


def test_percentage_100_plans_with_reservations_only():
    plan = plan_capacity(cluster(2), [], pct(100, 100), CORES_10_15, mode="full", method="reserved")
    assert plan.settings == dict(cpu_allocation_ratio=1.0, ram_allocation_ratio=1.0, reserved_host_cpus=64,
                                 reserved_host_memory_mb=2 * 262144)
    assert plan.alternatives["ratio"] is None
    assert plan.after["nova"]["vcpus"] == 0
    with pytest.raises(PlanError, match="a ratio of 0.0 means 'unset' to Nova, so use method reserved"):
        plan_capacity(cluster(2), [], pct(100, 100), CORES_10_15, mode="full", method="ratio")


def test_percentage_0_full_mode_is_ratio_one():
    plan = plan_capacity(cluster(2), [], pct(0, 0), CORES_10_15, mode="full")
    assert plan.settings["cpu_allocation_ratio"] == 1.0 and plan.settings["ram_allocation_ratio"] == 1.0


def test_failover_hosts_reserve_their_memory():
    plan = plan_capacity(cluster(16), [], Policy("failover_hosts", failover_hosts=("esx00", "esx01")),
                         NovaView("cores", Fraction(1), Fraction(1)), mode="full", method="reserved")
    assert plan.settings["reserved_host_memory_mb"] == 524288
    assert plan.settings["reserved_host_cpus"] == 64


def test_headroom_and_current_reservations():
    nova = NovaView("cores", Fraction(4), Fraction(1), reserved_host_cpus=0, reserved_host_memory_mb=512)
    plan = plan_capacity(cluster(1, memory_gb=1), [], pct(0, 0), nova, mode="full", headroom_percent=25)
    # 1024 MB, 512 reserved: 768 MB wanted out of 512 schedulable -> ratio 1.5, reservation kept.
    assert plan.settings == dict(cpu_allocation_ratio=0.75, ram_allocation_ratio=1.5, reserved_host_cpus=0, reserved_host_memory_mb=512)
    assert plan.after["nova"]["memory_mb"] == 768


def test_ratios_round_down_reservations_up():
    plan = plan_capacity(cluster(3), [], pct(0, 0), CORES_10_15, mode="full", headroom_percent=Fraction(100, 3))
    assert plan.settings["cpu_allocation_ratio"] == 0.6666
    reserved = plan.alternatives["reserved"]
    assert reserved["reserved_host_cpus"] == 32 and reserved["reserved_host_memory_mb"] == 262144
    assert nova_capacity(cluster(3), NovaView("cores", Fraction(1), Fraction(1), 32, 262144))["vcpus"] == 64


ERRORS = [
    ("N equal to hosts", dict(policy=Policy("slots", failover_level=3)), "cannot tolerate 3 host failure(s) with 3"),
    ("N above hosts", dict(policy=Policy("slots", failover_level=5)), "failover_level must be below the number of hosts"),
    ("N counts only good hosts", dict(hosts=cluster(2) + [Host("m", 1, 1, 1, maintenance=True)], policy=Policy("slots", failover_level=2)),
     "with 2 connected host(s)"),
    ("N zero", dict(policy=Policy("slots", failover_level=0)), "failover_level must be 1 or more"),
    ("half a fixed slot", dict(policy=Policy("slots", slot_cpu_mhz=100)), "a fixed slot needs both"),
    ("every host a failover host", dict(policy=Policy("failover_hosts", failover_hosts=("esx00", "esx01", "esx02"))),
     "none is left for VMs"),
    ("unknown failover host", dict(policy=Policy("failover_hosts", failover_hosts=("nope",))), "unknown host(s) nope"),
    ("no failover host named", dict(policy=Policy("failover_hosts")), "name at least one"),
    ("no good host", dict(hosts=[Host("m", 1, 1, 1, maintenance=True)]), "no connected host out of maintenance mode"),
    ("duplicate host", dict(hosts=cluster(1) * 2), "host names must be unique"),
    ("bad mode", dict(mode="yolo"), "mode must be full or overcommit"),
    ("bad method", dict(method="both"), "method must be ratio or reserved"),
    ("headroom 100", dict(headroom_percent=100), "headroom_percent must be below 100"),
    ("negative headroom", dict(headroom_percent=-1), "headroom_percent must be 0 or more"),
    ("zero overcommit", dict(mode="overcommit", cpu_overcommit=0), "cpu_overcommit must be above 0"),
    ("reservation eats the cluster", dict(nova=NovaView("cores", Fraction(1), Fraction(1), reserved_host_cpus=96)),
     "leave nothing to schedule on"),
    ("headroom leaves nothing, HA does", dict(headroom_percent=99.9999),
     "the plan leaves Nova no capacity (HA leaves 75% CPU and 75% memory usable, then 99.9999% headroom"),
]


@pytest.mark.parametrize("case,kwargs,message", ERRORS, ids=[e[0] for e in ERRORS])
def test_plan_refuses(case, kwargs, message):
    args = dict(hosts=cluster(3), vms=[], policy=pct(25, 25), nova=CORES_10_15)
    args.update(kwargs)
    with pytest.raises(PlanError) as err:
        plan_capacity(**args)
    assert message in str(err.value), case


DICT_ERRORS = [
    (policy_from_dict, dict(type="percentage", cpu_percent=101, memory_percent=0), "cpu_percent must be between 0 and 100"),
    (policy_from_dict, dict(type="percentage", cpu_percent=-1, memory_percent=0), "cpu_percent must be 0 or more"),
    (policy_from_dict, dict(type="percentage", cpu_percent=20), "memory_percent is required"),
    (policy_from_dict, dict(type="magic"), "policy type must be one of"),
    (policy_from_dict, dict(type="slots", failover_level="two"), "failover_level must be a number"),
    (host_from_dict, dict(name="a", cores=0, cpu_mhz=1, memory_mb=1), "host a: cores must be above 0"),
    (host_from_dict, dict(name="a", cores=1.5, cpu_mhz=1, memory_mb=1), "cores must be a whole number"),
    (host_from_dict, dict(cores=1, cpu_mhz=1, memory_mb=1), "every host needs a name"),
    (host_from_dict, dict(name="a", cores=True, cpu_mhz=1, memory_mb=1), "cores must be a number"),
    (vm_from_dict, dict(name="v", cpu_reservation_mhz=-5), "VM v: cpu_reservation_mhz must be 0 or more"),
    (nova_from_dict, dict(vcpu_unit="sockets"), "vcpu_unit must be cores or threads"),
    (nova_from_dict, dict(cpu_allocation_ratio=0), "cpu_allocation_ratio must be above 0"),
]


@pytest.mark.parametrize("parse,data,message", DICT_ERRORS)
def test_dict_input_refuses(parse, data, message):
    with pytest.raises(PlanError) as err:
        parse(data)
    assert message in str(err.value)


def test_dict_input():
    host = host_from_dict(dict(name="a", cores=32, cpu_mhz=2200, memory_mb=262144, threads=64,
                               connection_state="notResponding", maintenance=False))
    assert host == Host("a", 32, 2200, 262144, threads=64, connected=False)
    assert vm_from_dict(dict(name="v", power_state="poweredOff")).powered_on is False
    assert policy_from_dict(dict(type="percentage", cpu_percent="25", memory_percent=25.0)).cpu_percent == 25
    assert nova_from_dict({}) == NovaView("threads", Fraction(4), Fraction(1), 0, 0)
    assert nova_from_dict(dict(cpu_allocation_ratio=1.5)).cpu_allocation_ratio == Fraction(3, 2)


# plan_cluster: the module's entry point, one cluster as plain dicts, read without an object per host.

def as_dicts(hosts):
    """Hosts as the module passes them after argument validation (unset sub-options are None)."""
    return [dict(name=h.name, cores=h.cores, cpu_mhz=h.cpu_mhz, memory_mb=h.memory_mb, threads=h.threads or None,
                 connection_state="connected" if h.connected else "disconnected", maintenance=h.maintenance,
                 cpu_capacity_mhz=h.cpu_capacity_mhz or None, memory_capacity_mb=h.memory_capacity_mb or None)
            for h in hosts]


def vm_dicts(vms):
    return [dict(name=v.name, cpu_reservation_mhz=v.cpu_reservation_mhz, memory_reservation_mb=v.memory_reservation_mb,
                 memory_overhead_mb=v.memory_overhead_mb, power_state="poweredOn" if v.powered_on else "poweredOff")
            for v in vms]


MIXED = [Host("a", 16, 2000, 65536, threads=32), Host("b", 32, 2200, 262144, cpu_capacity_mhz=60000),
         Host("c", 8, 3000, 32768, memory_capacity_mb=30000), Host("d", 32, 2200, 262144, maintenance=True),
         Host("e", 32, 2200, 262144, connected=False), Host("f", 16, 2000, 65536, threads=32)]
MIXED_VMS = [Vm("v1", 2000, 4096, 64), Vm("v2", 0, 0, 30), Vm("off", 99999, 99999, 0, powered_on=False)]


def test_nova_counts_the_threads_of_counted_hosts():
    # a (32 threads at 2000), b (32 cores, no threads given, 2200), c (8 cores, 3000), f (32 threads at 2000);
    # d in maintenance and e disconnected do not count.
    view = nova_capacity(MIXED, NovaView("threads", Fraction(1), Fraction(1)))
    assert (view["vcpus_total"], view["cpu_mhz"]) == (104, 32 * 2000 + 32 * 2200 + 8 * 3000 + 32 * 2000)
    assert view["memory_mb_total"] == 65536 + 262144 + 32768 + 65536


SAME = [
    # (case, hosts, vms, policy, nova, mode, method, headroom)
    ("worked example, overcommit", cluster(), [], dict(type="percentage", cpu_percent=25.0, memory_percent=25.0),
     dict(vcpu_unit="cores", cpu_allocation_ratio=10.0, ram_allocation_ratio=1.5), "overcommit", "ratio", 0.0),
    ("mixed hosts, threads, percentage with odd shares", MIXED, MIXED_VMS,
     dict(type="percentage", cpu_percent=33.3, memory_percent=12.5), dict(vcpu_unit="threads"), "full", "reserved", 10.0),
    ("mixed hosts, slots", MIXED, MIXED_VMS, dict(type="slots", failover_level=1),
     dict(vcpu_unit="cores", cpu_allocation_ratio=4.0, reserved_host_memory_mb=512), "overcommit", "ratio", 25.0),
    ("mixed hosts, fixed slot", MIXED, MIXED_VMS, dict(type="slots", failover_level=2, slot_cpu_mhz=1000, slot_memory_mb=3000),
     dict(vcpu_unit="threads", cpu_allocation_ratio=2.5), "full", "ratio", 0.0),
    ("mixed hosts, failover host", MIXED, MIXED_VMS, dict(type="failover_hosts", failover_hosts=["b"]),
     dict(vcpu_unit="threads", ram_allocation_ratio=1.1), "overcommit", "reserved", 33.3),
    ("admission control disabled", MIXED, [], dict(type="disabled"), {}, "full", "ratio", 0),
    ("all connected, one in maintenance", MIXED[:4] + MIXED[5:], MIXED_VMS, dict(type="slots", failover_level=1),
     dict(vcpu_unit="threads"), "full", "ratio", 0),
    # The reader compares every host with the first one: the first host out of count, and hosts out of
    # count before, among and after the hosts of its group.
    ("the first host in maintenance", [MIXED[3]] + MIXED[:3] + MIXED[4:], MIXED_VMS, dict(type="slots", failover_level=2),
     dict(vcpu_unit="cores"), "overcommit", "ratio", 0),
    ("one model, hosts out of count around the first host's group",
     [Host("m%d" % i, 16, 2000, 65536, maintenance=i in (0, 3), connected=i != 6) for i in range(7)], MIXED_VMS,
     dict(type="failover_hosts", failover_hosts=["m2", "m3"]), dict(vcpu_unit="threads"), "full", "reserved", 10.0),
]


@pytest.mark.parametrize("case,hosts,vms,policy,nova,mode,method,headroom", SAME, ids=[s[0] for s in SAME])
def test_plan_cluster_is_plan_capacity(case, hosts, vms, policy, nova, mode, method, headroom):
    """The dict reader gives the plan the value objects give, to the last float."""
    by_dicts = plan_cluster(as_dicts(hosts), vm_dicts(vms), policy, nova, mode=mode, method=method, headroom_percent=headroom)
    by_objects = plan_capacity(hosts, vms, policy_from_dict(policy), nova_from_dict(nova), mode=mode, method=method,
                               headroom_percent=headroom)
    assert by_dicts == by_objects, case
    counted = [h.name for h in hosts if h.connected and not h.maintenance]
    assert by_dicts.before["ha"]["hosts"] == len(counted)
    assert by_dicts.before["ha"]["ignored_hosts"] == sorted({h.name for h in hosts} - set(counted))


def test_plan_cluster_reads_unusual_values_like_the_dict_readers():
    """Numbers as text or whole floats, missing keys, other states: the per-host reader's answer."""
    hosts = [dict(name="a", cores="16", cpu_mhz=2000.0, memory_mb=65536),
             dict(name="b", cores=16, cpu_mhz=2000, memory_mb=65536, connection_state="notResponding"),
             dict(name="c", cores=16, cpu_mhz=2000, memory_mb=65536, threads=0, connection_state=None)]
    vms = [dict(name="v", cpu_reservation_mhz="500"), dict(name="w", power_state="suspended", memory_reservation_mb=1.0)]
    policy = dict(type="slots", failover_level=1)
    plan = plan_cluster(hosts, vms, policy, {})
    expected = plan_capacity([host_from_dict(h) for h in hosts], [vm_from_dict(v) for v in vms], policy_from_dict(policy),
                             nova_from_dict({}))
    assert plan == expected
    assert plan.before["ha"]["ignored_hosts"] == ["b"] and plan.before["ha"]["slots"]["cpu_mhz"] == 500


# Exact arithmetic: the expected values are worked out here with fractions.Fraction, the calculator's own
# arithmetic being integers. Shares that are not round (33.3 %, 12.5 %, 99.99 %) and a headroom of 1/3.
EXACT = [
    # (cpu percent, memory percent, headroom, mode)
    ("33.3", "12.5", Fraction(0), "full"),
    ("99.99", "0.1", Fraction(100, 3), "full"),
    ("1", "66.67", Fraction(25, 2), "overcommit"),
    ("0", "100", Fraction(0), "overcommit"),
]


@pytest.mark.parametrize("cpu,memory,headroom,mode", EXACT)
def test_exact_shares(cpu, memory, headroom, mode):
    hosts = cluster(5, cores=24, mhz=2100, memory_gb=384, threads=48)
    nova = NovaView("threads", Fraction(4), Fraction(3, 2))
    plan = plan_capacity(hosts, [], pct(Fraction(cpu), Fraction(memory)), nova, mode=mode, method="reserved",
                         headroom_percent=headroom)
    total_mhz, total_mb, threads = 5 * 24 * 2100, 5 * 384 * GB, 5 * 48
    usable_mhz = total_mhz * (1 - Fraction(cpu) / 100)
    usable_mb = total_mb * (1 - Fraction(memory) / 100)
    ha = plan.before["ha"]
    assert ha["cpu_mhz"] == float(usable_mhz) and ha["memory_gb"] == float(usable_mb / 1024)
    assert ha["cpu_fraction"] == float(usable_mhz / total_mhz)
    keep = 1 - headroom / 100
    if mode == "full":  # a vCPU at its host's core MHz
        target_vcpus, target_mb, over_cpu, over_ram = usable_mhz * keep / 2100, usable_mb * keep, 1, 1
    else:
        over_cpu, over_ram = Fraction(4), Fraction(3, 2)
        target_vcpus, target_mb = over_cpu * threads * usable_mhz / total_mhz * keep, over_ram * usable_mb * keep
    reserved_cpus = max(threads - target_vcpus / over_cpu, 0)
    reserved_mb = max(total_mb - target_mb / over_ram, 0)
    assert plan.settings["reserved_host_cpus"] == -(-reserved_cpus.numerator // reserved_cpus.denominator)
    assert plan.settings["reserved_host_memory_mb"] == -(-reserved_mb.numerator // reserved_mb.denominator)
    ratio = plan.alternatives["ratio"]
    if ratio is not None:
        assert ratio["cpu_allocation_ratio"] == float(Fraction(int(target_vcpus / threads * 10000), 10000))
        assert ratio["ram_allocation_ratio"] == float(Fraction(int(target_mb / total_mb * 10000), 10000))
    else:
        assert int(target_mb / total_mb * 10000) == 0 or int(target_vcpus / threads * 10000) == 0


CLUSTER_ERRORS = [
    # Same messages as the per-host readers, naming the host or VM at fault.
    (dict(hosts=[dict(name="a", cores=1, cpu_mhz=1, memory_mb=1), dict(name="b", cores=0, cpu_mhz=1, memory_mb=1)]),
     "host b: cores must be above 0"),
    (dict(hosts=[dict(name="a", cores=1, cpu_mhz=1, memory_mb=1, threads=-2)]), "host a: threads must be 0 or more"),
    (dict(hosts=[dict(name="a", cores=True, cpu_mhz=1, memory_mb=1)]), "host a: cores must be a number"),
    (dict(hosts=[dict(name="", cores=1, cpu_mhz=1, memory_mb=1)]), "every host needs a name"),
    (dict(hosts=["esx01"]), "every host must be a dict, not 'esx01'"),
    (dict(hosts=[]), "no connected host out of maintenance mode"),
    (dict(vms=[dict(name="v", memory_overhead_mb=-1)]), "VM v: memory_overhead_mb must be 0 or more"),
    (dict(vms=[7]), "every VM must be a dict, not 7"),
    (dict(policy=dict(type="slots", vm_cpu_min_mhz=0)), "the slot has no CPU"),
    (dict(policy="slots"), "every policy must be a dict"),
]


@pytest.mark.parametrize("kwargs,message", CLUSTER_ERRORS, ids=[e[1] for e in CLUSTER_ERRORS])
def test_plan_cluster_refuses(kwargs, message):
    args = dict(hosts=as_dicts(cluster(3)), vms=[], policy=dict(type="percentage", cpu_percent=25, memory_percent=25), nova={})
    args.update(kwargs)
    with pytest.raises(PlanError) as err:
        plan_cluster(**args)
    assert message in str(err.value)
