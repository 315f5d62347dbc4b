# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""capacity_plan: inputs that were ignored or crashed instead of being refused with a message."""

from __future__ import annotations

import pytest

from ansible_collections.hypercloud.builder.tests.unit.plugins.modules.test_capacity_plan import HOSTS, run_module

HA = {"hosts": HOSTS[:4], "vms": [], "policy": {"type": "failover_hosts", "failover_hosts": ["esx00"]}}


@pytest.mark.parametrize("spare", [5, "esx00", {"esx00": 1}, True])
def test_failover_hosts_in_ha_capacity_must_be_a_list(capsys, spare):
    ha = dict(HA, policy={"type": "failover_hosts", "failover_hosts": spare})
    rc, result = run_module({"ha_capacity": ha}, capsys)
    assert rc == 1 and "failover_hosts policy: failover_hosts must be a list of host names" in result["msg"]
    assert "exception" not in result


def test_failover_hosts_in_ha_capacity_as_a_list(capsys):
    rc, result = run_module({"ha_capacity": HA, "method": "reserved", "nova": {"vcpu_unit": "cores"}}, capsys)
    assert rc == 0 and result["settings"]["reserved_host_cpus"] == 32


def test_vms_given_with_ha_capacity_are_refused_not_ignored(capsys):
    vms = [{"name": "db", "cpu_reservation_mhz": 60000, "memory_reservation_mb": 200000}]
    rc, result = run_module({"ha_capacity": dict(HA, policy={"type": "slots"}), "vms": vms}, capsys)
    assert rc == 1 and "vms goes with hosts and policy" in result["msg"]


def test_an_empty_vms_list_with_ha_capacity_is_fine(capsys):
    rc, result = run_module({"ha_capacity": HA, "vms": [], "nova": {"vcpu_unit": "cores"}}, capsys)
    assert rc == 0 and result["changed"] is False


@pytest.mark.parametrize("nova", [{"vcpu_unit": "cores", "reserved_host_cpus": 512},
                                  {"vcpu_unit": "cores", "reserved_host_memory_mb": 16 * 262144}])
def test_method_reserved_plans_even_when_the_current_reservations_leave_nothing(capsys, nova):
    """Hosts in maintenance shrink the cluster below an earlier reservation: method reserved still plans."""
    args = {"hosts": HOSTS, "policy": {"type": "percentage", "cpu_percent": 25, "memory_percent": 25}, "nova": nova,
            "method": "reserved"}
    rc, result = run_module(args, capsys)
    assert rc == 0, result["msg"]
    assert result["settings"] == {"cpu_allocation_ratio": 1.0, "ram_allocation_ratio": 1.0, "reserved_host_cpus": 128,
                                  "reserved_host_memory_mb": 1048576}
    assert result["alternatives"]["ratio"] is None
    rc, result = run_module(dict(args, method="ratio"), capsys)
    assert rc == 1 and "leave nothing to schedule on" in result["msg"]
