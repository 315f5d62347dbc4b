# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tables for the CloudStack host-maintenance calculator."""

from __future__ import annotations

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc import host_maintenance as hm
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError


def host(resource, state="Up", name="kvm-1"):
    return dict(id="id-" + name, name=name, resourcestate=resource, state=state, clustername="cluster-a", version="4.20.1.0")


@pytest.mark.parametrize("resource, desired, call", [
    ("Enabled", "maintenance", hm.PREPARE),
    ("Disabled", "maintenance", hm.PREPARE),
    ("ErrorInMaintenance", "maintenance", hm.PREPARE),
    ("ErrorInPrepareForMaintenance", "maintenance", hm.PREPARE),
    ("PrepareForMaintenance", "maintenance", None),
    ("Maintenance", "maintenance", None),
    ("Maintenance", "enabled", hm.CANCEL),
    ("PrepareForMaintenance", "enabled", hm.CANCEL),
    ("ErrorInMaintenance", "enabled", hm.CANCEL),
    ("Enabled", "enabled", None),
])
def test_plan(resource, desired, call):
    assert hm.plan(host(resource), desired) == call


@pytest.mark.parametrize("resource, desired, text", [
    ("Disabled", "enabled", "Disabled by an administrator"),
    ("Creating", "enabled", "cannot be enabled from resource state Creating"),
    ("Error", "maintenance", "cannot be put into maintenance from resource state Error"),
    ("Enabled", "drained", "state must be one of"),
])
def test_plan_refusals(resource, desired, text):
    with pytest.raises(PlanError, match=text):
        hm.plan(host(resource), desired)


@pytest.mark.parametrize("resource, state, vms, desired, done", [
    ("Maintenance", "Up", [], "maintenance", True),
    ("Maintenance", "Disconnected", [], "maintenance", True),
    ("Maintenance", "Up", [{"name": "vm-1"}], "maintenance", False),
    ("PrepareForMaintenance", "Up", [], "maintenance", False),
    ("Enabled", "Up", [], "enabled", True),
    ("Enabled", "Connecting", [], "enabled", False),
    ("Enabled", "Disconnected", [], "enabled", False),
    ("Maintenance", "Up", [], "enabled", False),
])
def test_reached(resource, state, vms, desired, done):
    assert hm.reached(host(resource, state), vms, desired) is done


def test_applying_the_plan_leaves_nothing_to_do():
    for resource in ("Enabled", "Disabled", "ErrorInMaintenance", "Maintenance", "PrepareForMaintenance"):
        for desired in hm.STATES:
            try:
                hm.plan(host(resource), desired)
            except PlanError:
                continue
            after = hm.predicted(host(resource), desired)
            assert hm.plan(after, desired) is None
            assert hm.reached(after, [], desired)


def test_find_host_is_exact_and_explains():
    rows = [host("Enabled", name="kvm-1"), host("Enabled", name="kvm-10")]
    assert hm.find_host(rows, "kvm-1")["name"] == "kvm-1"
    assert hm.find_host(rows, "id-kvm-10")["name"] == "kvm-10"
    with pytest.raises(PlanError, match="no CloudStack host is named kvm-2 .similar: kvm-1, kvm-10"):
        hm.find_host(rows, "kvm-2")
    with pytest.raises(PlanError, match="2 CloudStack hosts are named kvm-1"):
        hm.find_host(rows + [dict(rows[0], id="other")], "kvm-1")


def test_error_state_stops_the_wait():
    with pytest.raises(PlanError, match="ErrorInPrepareForMaintenance: CloudStack could not migrate"):
        hm.check_progress(host("ErrorInPrepareForMaintenance"), "maintenance")
    hm.check_progress(host("PrepareForMaintenance"), "maintenance")


def test_describe():
    assert hm.describe(host("PrepareForMaintenance"), [{"name": "vm-1"}, {"name": "s-1-VM"}]) == \
        "PrepareForMaintenance/Up, 2 VMs (vm-1, s-1-VM)"
    assert hm.describe(host("Maintenance"), []) == "Maintenance/Up, 0 VMs"


@pytest.mark.parametrize("version, minimum, ok", [
    ("4.20.1.0", "4.20.1", True), ("4.20.1.0", "4.20.1.0", True), ("4.20.0.0", "4.20.1", False),
    ("4.19.3.0", "4.20", False), ("4.21.0.0-SNAPSHOT", "4.20.1", True), ("4.20", "4.20.0.0", True),
])
def test_version_at_least(version, minimum, ok):
    assert hm.version_at_least(version, minimum) is ok


def test_bad_version():
    with pytest.raises(PlanError, match="not a CloudStack version"):
        hm.version_at_least("4.x", "4.20")


def peer(name, resource="Enabled", state="Up", cluster="c-a"):
    return dict(host(resource, state, name), clusterid=cluster)


@pytest.mark.parametrize("peers, limit, refused", [
    ([], 1, None),
    ([peer("kvm-2"), peer("kvm-3")], 1, None),
    ([peer("kvm-2", "PrepareForMaintenance")], 1, "kvm-2 PrepareForMaintenance/Up"),
    ([peer("kvm-2", "Maintenance")], 1, "1 other host(s) of cluster cluster-a already out of service"),
    ([peer("kvm-2", "ErrorInMaintenance")], 1, "kvm-2 ErrorInMaintenance/Up"),
    ([peer("kvm-2", state="Disconnected")], 1, "kvm-2 Enabled/Disconnected"),
    ([peer("kvm-2", state="Connecting")], 1, "kvm-2 Enabled/Connecting"),
    ([peer("kvm-2", "Disabled")], 1, None),  # an administrator's Disabled host still runs its VMs
    ([peer("kvm-2", "Maintenance", cluster="c-b")], 1, None),  # another cluster
    ([peer("kvm-2", "Maintenance")], 2, None),
    ([peer("kvm-3", "Maintenance"), peer("kvm-2", state="Down")], 2, "kvm-2 Enabled/Down, kvm-3 Maintenance/Up"),
])
def test_check_unavailable(peers, limit, refused):
    me = peer("kvm-1")
    rows = [me, dict(me)] + peers  # the host itself (listed again) never counts
    if refused is None:
        hm.check_unavailable(rows, me, limit)
        return
    with pytest.raises(PlanError) as err:
        hm.check_unavailable(rows, me, limit)
    assert refused in str(err.value) and "Nothing was changed" in str(err.value)
    with pytest.raises(PlanError, match="went out of service at the same time; this host's maintenance was cancelled"):
        hm.check_unavailable(rows, me, limit, raced=True)


@pytest.mark.parametrize("value, ok", [(None, True), (1, True), (3, True), (0, False), (-1, False)])
def test_valid_limit(value, ok):
    if ok:
        assert hm.valid_limit(value) == value
    else:
        with pytest.raises(PlanError, match="max_unavailable must be 1 or more"):
            hm.valid_limit(value)
