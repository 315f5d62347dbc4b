# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tables for the cputune calculator: cpusets, ranges, policies, plans, features XML."""

from __future__ import annotations

import re

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc import cputune as c
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

HOST = c.Host(cpus=8, online=frozenset(range(8)), nodes={0: (0, 1, 2, 3), 1: (4, 5, 6, 7)}, cgroup=1)
HOST_V2 = c.Host(cpus=8, online=frozenset(range(8)), nodes={0: tuple(range(8))}, cgroup=2)
ALL = frozenset(range(8))


def view(**kw):
    base = dict(vcpus=2, vcpupin={0: ALL, 1: ALL}, emulatorpin=ALL,
                sched={"cpu_shares": 1024, "vcpu_period": 100000, "vcpu_quota": -1}, features={})
    base.update(kw)
    return c.View(**base)


@pytest.mark.parametrize("text, expected", [
    ("0", {0}), ("0-3", {0, 1, 2, 3}), ("0-3,^2", {0, 1, 3}), ("1,5-6", {1, 5, 6}), (" 7 ", {7}),
    ("all", set(range(8))), ("*", set(range(8))),
])
def test_parse_cpuset(text, expected):
    assert c.parse_cpuset(text, HOST) == frozenset(expected)


@pytest.mark.parametrize("text, message", [
    ("8", "pCPU 8 of cpuset '8' does not exist on this host (online pCPUs: 0-7)"),
    ("6-9", "pCPU 8-9 of cpuset '6-9' does not exist"),
    ("a-b", "is not in libvirt's syntax"),
    ("1,^1", "selects no pCPU"),
])
def test_parse_cpuset_refuses(text, message):
    with pytest.raises(PlanError, match=message.replace("(", r"\(").replace(")", r"\)")):
        c.parse_cpuset(text, HOST)


@pytest.mark.parametrize("text", ["0-3000000", "0-1" + "0" * 30, "1,^0-99999999"])
def test_a_huge_number_is_refused_before_the_range_is_expanded(text):
    """A typo such as 0-3000000 took seconds per million (and a huge one all memory) before it was refused."""
    with pytest.raises(PlanError, match="above %d" % c.MAX_INDEX):
        c.parse_cpuset(text, HOST)
    with pytest.raises(PlanError, match="above %d" % c.MAX_INDEX):
        c.parse_nodeset(text, HOST)


def test_offline_cpu_does_not_exist():
    host = c.Host(cpus=4, online=frozenset({0, 1, 3}), nodes={0: (0, 1, 2, 3)})
    with pytest.raises(PlanError, match="pCPU 2 "):
        c.parse_cpuset("2", host)


@pytest.mark.parametrize("cpus, text", [({0}, "0"), ({0, 1, 2, 5}, "0-2,5"), ({1, 3, 4, 5, 7}, "1,3-5,7"), (set(), "")])
def test_format_cpuset(cpus, text):
    assert c.format_cpuset(cpus) == text


@pytest.mark.parametrize("host, request_, message", [
    (HOST, c.Request(vcpupin={2: frozenset({0})}), "vCPU 2 does not exist: the domain has 2 vCPU"),
    (HOST, c.Request(vcpupin={-1: frozenset({0})}), "vCPU -1 does not exist"),
    (HOST, c.Request(sched={"cpu_shares": 1}), "shares 1 is out of range for cgroup v1: use 2..262144"),
    (HOST, c.Request(sched={"cpu_shares": 262145}), "shares 262145 is out of range for cgroup v1"),
    (HOST_V2, c.Request(sched={"cpu_shares": 10001}), "shares 10001 is out of range for cgroup v2: use 1..10000"),
    (HOST_V2, c.Request(sched={"cpu_shares": 0}), "out of range for cgroup v2"),
    (HOST, c.Request(sched={"vcpu_quota": 999}), "vcpu_quota 999 is out of range: use 1000..17592186044415 us, or -1"),
    (HOST, c.Request(sched={"global_quota": -2}), "global_quota -2 is out of range"),
    (HOST, c.Request(sched={"emulator_quota": 17592186044416}), "emulator_quota 17592186044416 is out of range"),
    (HOST, c.Request(sched={"vcpu_period": 999}), "vcpu_period 999 is out of range: use 1000..1000000"),
    (HOST, c.Request(sched={"global_period": 1000001}), "global_period 1000001 is out of range"),
    (HOST, c.Request(numa_mode="bogus"), "numa_mode 'bogus' is not one of"),
    (HOST, c.Request(features={"hyperv_spinlocks": 100}), "hyperv_spinlocks 100 is too low"),
])
def test_validate_refuses(host, request_, message):
    with pytest.raises(PlanError, match=message.replace("(", r"\(").replace(".", r"\.")):
        c.validate(request_, host, 2)


@pytest.mark.parametrize("host, request_", [
    (HOST, c.Request(sched={"cpu_shares": 2, "vcpu_quota": -1, "vcpu_period": 1000})),
    (HOST, c.Request(sched={"cpu_shares": 262144, "vcpu_quota": 17592186044415, "vcpu_period": 1000000})),
    (HOST_V2, c.Request(sched={"cpu_shares": 1})),
    (HOST_V2, c.Request(sched={"cpu_shares": 10000})),
    (HOST, c.Request(vcpupin={1: frozenset({0})}, features={"hyperv_spinlocks": 0})),
    (HOST, c.Request(features={"hyperv_spinlocks": 4095})),
])
def test_validate_accepts_bounds(host, request_):
    c.validate(request_, host, 2)


@pytest.mark.parametrize("percent, period, expected", [
    (50, 100000, (100000, 50000)), (100, 100000, (100000, 100000)), (1, 100000, (100000, 1000)),
    (25, 1000000, (1000000, 250000)),
])
def test_cap_quota(percent, period, expected):
    assert c.cap_quota(percent, period) == expected


@pytest.mark.parametrize("percent, period, message", [
    (0, 100000, "cap_percent 0 is out of range"), (101, 100000, "cap_percent 101 is out of range"),
    (1, 50000, "below libvirt's minimum 1000"),
])
def test_cap_quota_refuses(percent, period, message):
    with pytest.raises(PlanError, match=message):
        c.cap_quota(percent, period)


F = frozenset


@pytest.mark.parametrize("vcpus, current, taken, node, expected", [
    (2, {}, F(), None, {0: F({0}), 1: F({1})}),
    (2, {}, F({0, 1}), None, {0: F({2}), 1: F({3})}),
    (3, {}, F({0, 1}), None, {0: F({4}), 1: F({5}), 2: F({6})}),       # node 0 has only 2 free
    (2, {}, F(), 1, {0: F({4}), 1: F({5})}),
    (2, {0: F({3}), 1: ALL}, F(), None, {0: F({3}), 1: F({0})}),      # keeps a valid pin
    (2, {0: F({3}), 1: F({3})}, F(), None, {0: F({3}), 1: F({0})}),   # two on one pCPU: one moves
    (2, {0: F({2}), 1: F({1})}, F({1}), None, {0: F({2}), 1: F({0})}),  # pCPU taken by another domain
])
def test_spread(vcpus, current, taken, node, expected):
    assert c.spread(HOST, vcpus, current, taken, node) == expected


@pytest.mark.parametrize("vcpus, taken, node, message", [
    (5, F(), None, "policy spread needs 5 free pCPU"),
    (3, F({0, 1, 4, 5}), None, "pinned by other domains: 0-1,4-5"),
    (1, F(), 7, "NUMA node 7 does not exist"),
])
def test_spread_refuses(vcpus, taken, node, message):
    with pytest.raises(PlanError, match=message):
        c.spread(HOST, vcpus, {}, taken, node)


def test_plan_then_nothing_left():
    config = view(sched={"cpu_shares": 0, "vcpu_period": 0, "vcpu_quota": 0}, features=dict.fromkeys(c.FEATURE_KEYS))
    views = {"live": view(), "config": config}
    req = c.Request(vcpupin={0: F({2}), 1: ALL}, emulatorpin=F({7}), sched={"cpu_shares": 512, "vcpu_quota": 50000},
                    numa_nodeset="0", features={"pvspinlock": True, "hyperv_spinlocks": 8191})
    steps = c.plan(views, req, HOST, running=True)
    parts = [(s.scope, s.part, s.key) for s in steps]
    assert parts == [
        ("live", "vcpupin", "0"), ("live", "emulatorpin", "emulator"), ("live", "sched", "cpu_shares"),
        ("live", "sched", "vcpu_quota"), ("live", "numa", "numa_nodeset"),
        ("config", "vcpupin", "0"), ("config", "emulatorpin", "emulator"), ("config", "sched", "cpu_shares"),
        ("config", "sched", "vcpu_quota"), ("config", "numa", "numa_nodeset"),
        ("config", "features", "hyperv_spinlocks"), ("config", "features", "pvspinlock")]
    assert steps[0].as_dict() == dict(scope="live", part="vcpupin", key="0", before="0-7", after="2")
    done = {scope: c.apply_steps(v, steps, scope) for scope, v in views.items()}
    assert c.plan(done, req, HOST, running=True) == []


@pytest.mark.parametrize("current, wanted, changes", [
    (-1, -1, False), (0, -1, False), (-5, -1, False), (50000, -1, True), (-1, 50000, True), (50000, 50000, False),
])
def test_quota_unset_means_unlimited(current, wanted, changes):
    views = {"config": view(sched={"vcpu_quota": current})}
    assert bool(c.plan(views, c.Request(sched={"vcpu_quota": wanted}), HOST, running=False)) is changes


def test_numa_mode_live_is_refused_with_config_only_parts():
    with pytest.raises(PlanError, match="cannot change the numatune mode of a running domain.*only go to config"):
        c.plan({"live": view()}, c.Request(numa_mode="interleave"), HOST, running=True)
    steps = c.plan({"config": view()}, c.Request(numa_mode="interleave"), HOST, running=True)
    assert [(s.key, s.before, s.after) for s in steps] == [("numa_mode", "strict", "interleave")]


@pytest.mark.parametrize("current, wanted, step", [
    ("0-1", "0,1", None), ("0-1", "1,0", None), ("0", " 0 ", None), ("0-1", "0-1,^1", ("0-1", "0")),
    ("", "0", ("", "0")), ("0", "1,0", ("0", "0-1")), ("0,1", "0-1", None),
])
def test_nodeset_compares_nodes_not_text(current, wanted, step):
    # libvirt prints the nodeset its own way (virBitmapFormat: "0-1" for "0,1"); the plan writes that form.
    steps = c.plan({"live": view(numa_nodeset=current)}, c.Request(numa_nodeset=wanted), HOST, running=True)
    assert [(s.before, s.after) for s in steps] == ([step] if step else [])


@pytest.mark.parametrize("wanted, message", [
    ("7", "NUMA node 7 of numa_nodeset '7' does not exist on this host (nodes: 0-1)"),
    ("0-3", "NUMA node 2-3 of numa_nodeset '0-3' does not exist on this host (nodes: 0-1)"),
    ("x", "numa_nodeset 'x' is not in libvirt's syntax (for example 0, 0-1 or 0,2)"),
    ("", "numa_nodeset '' is not in libvirt's syntax"),
    ("1,^1", "numa_nodeset '1,^1' selects no NUMA node"),
])
def test_nodeset_refused_before_any_step(wanted, message):
    # Refused whole: the vCPU pin asked with it is not planned (so never applied live before libvirt objects).
    req = c.Request(vcpupin={0: F({1})}, numa_nodeset=wanted)
    with pytest.raises(PlanError, match=re.escape(message)):
        c.plan({"live": view(numa_nodeset="0"), "config": view(numa_nodeset="0")}, req, HOST, running=True)


def test_features_refused_live_only():
    with pytest.raises(PlanError, match="pvspinlock can only go to config"):
        c.refuse_live_features(c.Request(features={"pvspinlock": True}), ("live",))
    c.refuse_live_features(c.Request(features={"pvspinlock": True}), ("live", "config"))
    assert c.plan({"live": view()}, c.Request(features={"pvspinlock": True}), HOST, running=True) == []


DOMAIN = """<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'><name>x</name>
<os><type>hvm</type></os><devices/><qemu:commandline><qemu:arg value='-S'/></qemu:commandline></domain>"""


def test_features_round_trip():
    assert c.read_features(DOMAIN) == dict.fromkeys(c.FEATURE_KEYS)
    wanted = {"hint_dedicated": True, "pvspinlock": False, "hyperv_spinlocks": 8191}
    xml = c.write_features(DOMAIN, wanted)
    assert c.read_features(xml) == wanted
    assert xml.index("<features>") > xml.index("</os>")
    assert "qemu:commandline" in xml
    off = c.write_features(xml, {"hyperv_spinlocks": 0})
    assert c.read_features(off) == dict(wanted, hyperv_spinlocks=0)
    assert "retries" not in off


def test_numa_nodes_from_capabilities():
    caps = """<capabilities><host><topology><cells num='2'>
      <cell id='0'><cpus num='2'><cpu id='0'/><cpu id='1'/></cpus></cell>
      <cell id='1'><cpus num='2'><cpu id='3'/><cpu id='2'/></cpus></cell></cells></topology></host></capabilities>"""
    assert c.numa_nodes(caps) == {0: (0, 1), 1: (2, 3)}


def test_cpumap_round_trip():
    assert c.cpumap(F({1, 3}), c.Host(cpus=4, online=F(range(4)), nodes={})) == (False, True, False, True)
    assert c.from_cpumap((False, True, False, True)) == F({1, 3})
