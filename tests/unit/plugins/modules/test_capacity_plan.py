# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""capacity_plan driven through main(): pure planning, never changed."""

from __future__ import annotations

import json

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.modules import capacity_plan

HOSTS = [{"name": "esx%02d" % i, "cores": 32, "cpu_mhz": 2200, "memory_mb": 262144, "threads": 64} for i in range(16)]
WORKED = {"hosts": HOSTS, "policy": {"type": "percentage", "cpu_percent": 25, "memory_percent": 25},
          "nova": {"vcpu_unit": "cores", "cpu_allocation_ratio": 10, "ram_allocation_ratio": 1.5}}


def run_module(args, capsys):
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        capacity_plan.main()
    return exc.value.code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("extra,settings", [
    ({}, {"cpu_allocation_ratio": 0.75, "ram_allocation_ratio": 0.75, "reserved_host_cpus": 0, "reserved_host_memory_mb": 0}),
    ({"method": "reserved"},
     {"cpu_allocation_ratio": 1.0, "ram_allocation_ratio": 1.0, "reserved_host_cpus": 128, "reserved_host_memory_mb": 1048576}),
    ({"mode": "overcommit"},
     {"cpu_allocation_ratio": 7.5, "ram_allocation_ratio": 1.125, "reserved_host_cpus": 0, "reserved_host_memory_mb": 0}),
    ({"mode": "overcommit", "method": "reserved"},
     {"cpu_allocation_ratio": 10.0, "ram_allocation_ratio": 1.5, "reserved_host_cpus": 128, "reserved_host_memory_mb": 1048576}),
    ({"mode": "overcommit", "cpu_overcommit": 4, "ram_overcommit": 1},
     {"cpu_allocation_ratio": 3.0, "ram_allocation_ratio": 0.75, "reserved_host_cpus": 0, "reserved_host_memory_mb": 0}),
])
def test_worked_example(capsys, extra, settings):
    rc, result = run_module(dict(WORKED, **extra), capsys)
    assert rc == 0 and result["changed"] is False
    assert result["settings"] == settings
    assert result["before"]["ha"]["cpu_ghz"] == 844.8 and result["before"]["ha"]["memory_gb"] == 3072
    assert result["before"]["nova"]["cpu_ghz"] == 11264 and result["before"]["nova"]["memory_gb"] == 6144
    assert set(result["alternatives"]) == {"ratio", "reserved"}
    assert result["explanation"] and all(isinstance(line, str) for line in result["explanation"])
    assert "diff" not in result


def test_diff_shows_nova_settings(capsys):
    rc, result = run_module(dict(WORKED, _ansible_diff=True, _ansible_check_mode=True), capsys)
    assert rc == 0 and result["changed"] is False
    assert result["diff"]["before"]["cpu_allocation_ratio"] == 10.0
    assert result["diff"]["after"]["cpu_allocation_ratio"] == 0.75


def test_ha_capacity_dict_as_the_info_module_returns_it(capsys):
    ha = {"cluster": "c1", "hosts": HOSTS[:4] + [dict(HOSTS[4], maintenance=True)],
          "vms": [{"name": "db", "cpu_reservation_mhz": 4400, "memory_reservation_mb": 8192, "memory_overhead_mb": 100},
                  {"name": "off", "cpu_reservation_mhz": 60000, "power_state": "poweredOff"}],
          "policy": {"type": "slots", "failover_level": 1}, "usable": {"ignored": True}}
    rc, result = run_module({"ha_capacity": ha, "nova": {"vcpu_unit": "cores", "cpu_allocation_ratio": 1, "ram_allocation_ratio": 1}},
                            capsys)
    assert rc == 0, result
    slots = result["before"]["ha"]["slots"]
    assert (slots["cpu_mhz"], slots["memory_mb"], slots["usable"], slots["used"]) == (4400, 8292, 48, 1)
    assert result["before"]["ha"]["ignored_hosts"] == ["esx04"]
    assert result["before"]["ha"]["cpu_mhz"] == 48 * 4400


def test_manual_slots_and_failover_hosts(capsys):
    rc, result = run_module({"hosts": HOSTS, "policy": {"type": "failover_hosts", "failover_hosts": ["esx00", "esx01"]},
                             "nova": {"vcpu_unit": "threads", "cpu_allocation_ratio": 1, "ram_allocation_ratio": 1},
                             "method": "reserved"}, capsys)
    assert rc == 0 and result["settings"]["reserved_host_memory_mb"] == 524288


@pytest.mark.parametrize("args,message", [
    (dict(WORKED, policy={"type": "percentage", "cpu_percent": 120, "memory_percent": 0}), "cpu_percent must be between 0 and 100"),
    (dict(WORKED, policy={"type": "slots", "failover_level": 16}), "cannot tolerate 16 host failure(s) with 16"),
    (dict(WORKED, policy={"type": "percentage", "cpu_percent": 100, "memory_percent": 100}), "use method reserved"),
    (dict(WORKED, headroom_percent=150), "headroom_percent must be below 100"),
    ({"hosts": HOSTS}, "parameters are required together: hosts, policy"),
    ({"nova": {"vcpu_unit": "cores"}}, "one of the following is required: ha_capacity, hosts"),
    ({"ha_capacity": {"hosts": HOSTS}, "hosts": HOSTS}, "mutually exclusive"),
    ({"ha_capacity": {"hosts": "esx01"}}, "ha_capacity.hosts must be a list"),
    ({"ha_capacity": {"hosts": ["esx01"], "policy": {"type": "disabled"}}}, "every host must be a dict, not 'esx01'"),
    ({"ha_capacity": {"hosts": [{"name": "a", "cores": "many", "cpu_mhz": 1, "memory_mb": 1}], "policy": {"type": "disabled"}}},
     "host a: cores must be a number"),
])
def test_bad_input_fails_cleanly(capsys, args, message):
    rc, result = run_module(args, capsys)
    assert rc == 1 and result["failed"] is True
    assert message in result["msg"]
    assert "exception" not in result
