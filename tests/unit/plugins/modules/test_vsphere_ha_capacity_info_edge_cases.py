# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""vsphere_ha_capacity_info reads a cluster whose HA capacity cannot be planned instead of failing."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.hypercloud.builder.tests.unit.plugins.modules import test_vsphere_ha_capacity_info as base

FAILOVER_LEVEL_1 = dict(enabled=True, admission_control_enabled=True, kind="FailoverLevel", failover_level=1, options={})


def _all_in_maintenance(raw):
    for host in raw["hosts"]:
        host["maintenance"] = True


def _no_host(raw):
    raw["hosts"] = []


def _one_host_tolerating_one_failure(raw):
    raw["hosts"] = raw["hosts"][:1]
    raw["das"] = dict(FAILOVER_LEVEL_1)


def _no_failover_host_named(raw):
    raw["das"] = dict(enabled=True, admission_control_enabled=True, kind="FailoverHost", failover_host_ids=[], options={})


@pytest.mark.parametrize("shape,reason", [
    (_all_in_maintenance, "no connected host out of maintenance mode"),
    (_no_host, "no connected host out of maintenance mode"),
    (_one_host_tolerating_one_failure, "cannot tolerate 1 host failure(s) with 1 connected host(s)"),
    (_no_failover_host_named, "name at least one dedicated failover host"),
])
def test_a_cluster_whose_capacity_cannot_be_planned_is_still_read(capsys, monkeypatch, shape, reason):
    monkeypatch.setattr(base.vsphere, "VsphereApi", base.FakeVsphere)
    raw = copy.deepcopy(base.RAW)
    shape(raw)
    monkeypatch.setattr(base, "RAW", raw)
    warnings = []
    monkeypatch.setattr(base.vsphere_ha_capacity_info.HypercloudModule, "__init__", _recording(warnings))
    rc, result = base.run(dict(cluster="c1"), capsys)
    assert rc == 0 and result["found"] is True and result["changed"] is False
    assert result["usable"] == {}
    assert len(result["hosts"]) == len(raw["hosts"]) and result["policy"]["type"]
    assert any(reason in w and "usable" in w for w in warnings), warnings


def _recording(seen):
    original = base.vsphere_ha_capacity_info.HypercloudModule.__init__

    def init(self):
        original(self)
        self.module.warn = seen.append
    return init
