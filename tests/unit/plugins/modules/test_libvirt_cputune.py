# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""libvirt_cputune(_info) through main() with a fake libvirt adapter that keeps state in memory.

The fake's views have the shapes libvirt-python 12.8 returns against libvirt 9.0 (probed on the
lab machine: schedulerParametersFlags gives 0 for unset config values, -1 for an unlimited quota).
"""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc import cputune as calc
from ansible_collections.hypercloud.builder.plugins.modules import libvirt_cputune, libvirt_cputune_info

ALL = frozenset({0, 1, 2, 3})
HOST = calc.Host(cpus=4, online=ALL, nodes={0: (0, 1, 2, 3)}, cgroup=1)


class FakeDom:
    def __init__(self, name, running=True):
        self._name, self.running = name, running

    def name(self):
        return self._name

    def isActive(self):
        return self.running

    def isPersistent(self):
        return True


class FakeLibvirt:
    refuse_live = False

    def __init__(self, uri):
        self.uri = uri
        FakeLibvirt.instance = self

    def host(self):
        return HOST

    def domain(self, name):
        return STATE["doms"].get(name)

    def view(self, dom, scope):
        return copy.deepcopy(STATE["views"][dom.name()][scope])

    def pinned_by_others(self, name, host):
        return STATE["taken"]

    def apply(self, dom, scope, steps, host):
        if scope == "live" and self.refuse_live and steps:
            raise AdapterError("libvirt setSchedulerParametersFlags(x) failed: Operation not supported")
        STATE["applied"].extend(steps)
        views = STATE["views"][dom.name()]
        views[scope] = calc.apply_steps(views[scope], steps, scope)

    @property
    def conn(self):
        class Conn:
            @staticmethod
            def listAllDomains(_flags):
                return list(STATE["doms"].values())
        return Conn()


STATE = {}


def fresh_view(config=False):
    return calc.View(vcpus=2, vcpupin={0: ALL, 1: ALL}, emulatorpin=ALL,
                     sched={"cpu_shares": 0 if config else 1024, "vcpu_period": 0 if config else 100000,
                            "vcpu_quota": 0 if config else -1},
                     features=dict.fromkeys(calc.FEATURE_KEYS) if config else {})


@pytest.fixture(autouse=True)
def fake(monkeypatch):
    STATE.clear()
    STATE.update(doms={"hk-a": FakeDom("hk-a")}, taken=frozenset({0}), applied=[],
                 views={"hk-a": {"live": fresh_view(), "config": fresh_view(config=True)}})
    FakeLibvirt.refuse_live = False
    monkeypatch.setattr(libvirt_cputune.adapter, "Libvirt", FakeLibvirt)
    monkeypatch.setattr(libvirt_cputune.adapter, "LIBVIRT_IMPORT_ERROR", None)
    return STATE


def run(module, args, capsys):
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        module.main()
    return exc.value.code, json.loads(capsys.readouterr().out)


def test_apply_diff_then_idempotent(capsys):
    args = dict(name="hk-a", vcpupin=[{"vcpu": 1, "cpuset": "3"}], shares=512, quota=50000, _ansible_diff=True)
    rc, result = run(libvirt_cputune, args, capsys)
    assert rc == 0 and result["changed"] is True
    assert [(s["scope"], s["key"]) for s in result["plan"]] == [
        ("live", "1"), ("live", "cpu_shares"), ("live", "vcpu_quota"),
        ("config", "1"), ("config", "cpu_shares"), ("config", "vcpu_quota")]
    assert result["live"]["vcpupin"] == {"0": "0-3", "1": "3"} and result["live"]["quota"] == 50000
    assert result["diff"]["before"]["live"]["shares"] == 1024 and result["diff"]["after"]["live"]["shares"] == 512
    assert result["host"] == {"cpus": 4, "online": "0-3", "cgroup": 1, "numa_nodes": {"0": "0-3"}}
    rc, again = run(libvirt_cputune, args, capsys)
    assert again["changed"] is False and again["plan"] == []


def test_check_mode_applies_nothing(capsys):
    rc, result = run(libvirt_cputune, dict(name="hk-a", shares=300, _ansible_check_mode=True), capsys)
    assert result["changed"] is True and STATE["applied"] == []
    assert result["live"]["shares"] == 300


@pytest.mark.parametrize("args, message", [
    (dict(vcpupin=[{"vcpu": 0, "cpuset": "9"}]), "pCPU 9 of cpuset '9' does not exist on this host"),
    (dict(vcpupin=[{"vcpu": 5, "cpuset": "1"}]), "vCPU 5 does not exist: the domain has 2 vCPU"),
    (dict(quota=10), "vcpu_quota 10 is out of range"),
    (dict(shares=1), "shares 1 is out of range for cgroup v1"),
    (dict(apply="live", pvspinlock=True), "pvspinlock can only go to config"),
    (dict(numa_mode="interleave"), "cannot change the numatune mode of a running domain"),
    (dict(policy="cap", cap_percent=0), "cap_percent 0 is out of range"),
    (dict(policy="spread", numa_node=0, name="hk-a"), None),
])
def test_bad_input_changes_nothing(args, message, capsys):
    STATE["taken"] = frozenset({0, 1, 2})  # spread: only pCPU 3 free for 2 vCPUs
    rc, result = run(libvirt_cputune, dict(dict(name="hk-a"), **args), capsys)
    assert rc == 1 and result["failed"] is True and "Traceback" not in result["msg"]
    assert (message or "policy spread needs 2 free pCPU") in result["msg"]
    assert STATE["applied"] == []


def test_missing_domain(capsys):
    rc, result = run(libvirt_cputune, dict(name="hk-none", shares=512), capsys)
    assert rc == 1 and "domain hk-none is not defined" in result["msg"]


def test_live_refusal_names_config_only_parts(capsys):
    FakeLibvirt.refuse_live = True
    rc, result = run(libvirt_cputune, dict(name="hk-a", shares=512), capsys)
    assert rc == 1 and "libvirt refused a live change; parts that can only go to config" in result["msg"]
    assert STATE["applied"] == []


def test_policies(capsys):
    rc, result = run(libvirt_cputune, dict(name="hk-a", policy="spread"), capsys)
    assert result["live"]["vcpupin"] == {"0": "1", "1": "2"} and result["config"]["vcpupin"] == {"0": "1", "1": "2"}
    rc, result = run(libvirt_cputune, dict(name="hk-a", policy="cap", cap_percent=25, apply="live"), capsys)
    assert result["live"]["quota"] == 25000 and result["live"]["period"] == 100000 and result["config"] is None
    rc, again = run(libvirt_cputune, dict(name="hk-a", policy="spread"), capsys)
    assert again["changed"] is False


def test_config_only_features_and_stopped_domain(capsys):
    STATE["doms"]["hk-a"].running = False
    rc, result = run(libvirt_cputune, dict(name="hk-a", apply="live", shares=512), capsys)
    assert rc == 1 and "is not running" in result["msg"]
    rc, result = run(libvirt_cputune, dict(name="hk-a", hint_dedicated=True, hyperv_spinlocks=8191), capsys)
    assert result["changed"] is True and result["live"] is None
    assert result["config"]["features"] == {"hint_dedicated": True, "pvspinlock": None, "hyperv_spinlocks": 8191}


def test_info(monkeypatch, capsys):
    monkeypatch.setattr(libvirt_cputune_info.adapter, "Libvirt", FakeLibvirt)
    rc, result = run(libvirt_cputune_info, dict(name="hk-a"), capsys)
    assert rc == 0 and result["changed"] is False
    assert result["domains"][0]["name"] == "hk-a" and result["domains"][0]["live"]["shares"] == 1024
    rc, result = run(libvirt_cputune_info, dict(name="hk-none"), capsys)
    assert result["domains"] == []
    rc, result = run(libvirt_cputune_info, dict(), capsys)
    assert [d["name"] for d in result["domains"]] == ["hk-a"]


@pytest.mark.parametrize("args, message", [
    (dict(vcpupin=[{"vcpu": 0, "cpuset": "1"}, {"vcpu": 0, "cpuset": "2"}]), "vCPU 0 is pinned twice: 1 and 2"),
    (dict(cap_percent=25), "cap_percent needs policy: cap"),
    (dict(policy="spread", cap_percent=25), "cap_percent needs policy: cap"),
    (dict(numa_node=0), "numa_node needs policy: spread"),
    (dict(policy="cap", cap_percent=25, numa_node=0), "numa_node needs policy: spread"),
])
def test_options_that_would_be_ignored_or_overridden_are_refused(args, message, capsys):
    """A second pin of one vCPU silently won, and cap_percent or numa_node without its policy did nothing."""
    for check in (True, False):
        rc, result = run(libvirt_cputune, dict(dict(name="hk-a", _ansible_check_mode=check), **args), capsys)
        assert rc == 1 and result["msg"] == message
    assert STATE["applied"] == []


def test_the_same_pin_twice_is_one_pin(capsys):
    rc, result = run(libvirt_cputune, dict(name="hk-a", vcpupin=[{"vcpu": 0, "cpuset": "1"}, {"vcpu": 0, "cpuset": "1"}]),
                     capsys)
    assert rc == 0 and result["live"]["vcpupin"]["0"] == "1"


@pytest.mark.parametrize("name", ["", "  "])
def test_info_refuses_a_blank_name(name, monkeypatch, capsys):
    """A blank name read every domain, as if it had been omitted."""
    monkeypatch.setattr(libvirt_cputune_info.adapter, "Libvirt", FakeLibvirt)
    rc, result = run(libvirt_cputune_info, dict(name=name), capsys)
    assert rc == 1 and result["msg"] == "name must not be blank: omit it to read every domain"
    assert "domains" not in result


@pytest.mark.parametrize("apply, running, null", [("live", True, "config"), ("config", True, "live"),
                                                  ("both", False, "live")])
def test_return_docs_say_when_live_and_config_are_null(apply, running, null, capsys):
    """RETURN documented config as always a dict, but it is null with apply: live."""
    docs = yaml.safe_load(libvirt_cputune.RETURN)
    STATE["doms"]["hk-a"].running = running
    rc, result = run(libvirt_cputune, dict(name="hk-a", apply=apply, shares=512), capsys)
    assert rc == 0 and result[null] is None
    description = " ".join(docs[null]["description"]) if isinstance(docs[null]["description"], list) \
        else docs[null]["description"]
    assert "null) when" in description or "null when" in description
    assert ("apply=%s" % apply if apply != "both" else "not running") in description
