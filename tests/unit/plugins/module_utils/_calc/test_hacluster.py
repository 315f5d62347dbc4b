# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tables for _calc.hacluster: vCenter's raw reading to capacity_plan's input."""

from __future__ import annotations

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc import capacity, hacluster
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

GIB = 1024 ** 3
HOSTS = [dict(id="host-%d" % i, name="esx%02d" % i, cpu_mhz=2200, cores=32, threads=64, memory_size=256 * GIB,
              connection_state="connected", maintenance=False) for i in range(16)]
VMS = [dict(name="db", power_state="poweredOn", cpu_reservation_mhz=4400, memory_reservation_mb=8192, memory_overhead=100 * 2 ** 20 + 1),
       dict(name="web", power_state="poweredOn", cpu_reservation_mhz=-1, memory_reservation_mb=None, memory_overhead=0),
       dict(name="off", power_state="poweredOff", cpu_reservation_mhz=60000, memory_reservation_mb=0)]


def das(kind=None, **extra):
    return dict(dict(enabled=True, admission_control_enabled=True, kind=kind, options={}), **extra)


def test_hosts_and_vms_in_capacity_plan_units():
    view = hacluster.cluster_view("c1", HOSTS, VMS, das("FailoverResources", cpu_percent=25, memory_percent=25))
    assert view["hosts"][0] == dict(name="esx00", cores=32, cpu_mhz=2200, threads=64, memory_mb=262144,
                                    connection_state="connected", maintenance=False)
    assert [vm["name"] for vm in view["vms"]] == ["db", "web"]
    assert view["vms"][0]["memory_overhead_mb"] == 101          # bytes rounded up to MB
    assert view["vms"][1] == dict(name="web", power_state="poweredOn", cpu_reservation_mhz=0, memory_reservation_mb=0,
                                  memory_overhead_mb=0)


def test_worked_example_through_the_calculator():
    view = hacluster.cluster_view("c1", HOSTS, VMS, das("FailoverResources", cpu_percent=25, memory_percent=25))
    ha = capacity.ha_capacity([capacity.host_from_dict(h) for h in view["hosts"]],
                              [capacity.vm_from_dict(v) for v in view["vms"]], capacity.policy_from_dict(view["policy"]))
    assert capacity.ha_summary(ha)["cpu_ghz"] == 844.8 and capacity.ha_summary(ha)["memory_gb"] == 3072


@pytest.mark.parametrize("raw,policy", [
    (das(None), {"type": "disabled"}),
    (dict(das("FailoverResources", cpu_percent=25, memory_percent=25), enabled=False), {"type": "disabled"}),
    (dict(das("FailoverLevel", failover_level=1), admission_control_enabled=False), {"type": "disabled"}),
    (das("FailoverResources", cpu_percent=25, memory_percent=30), {"type": "percentage", "cpu_percent": 25.0, "memory_percent": 30.0}),
    (das("FailoverResources", cpu_percent=50, memory_percent=50, auto_compute_percentages=True, failover_level=2),
     {"type": "percentage", "cpu_percent": 12.5, "memory_percent": 12.5, "auto_compute": True, "failover_level": 2}),
    (das("FailoverLevel", failover_level=2), {"type": "slots", "failover_level": 2}),
    (das("FailoverLevel", failover_level=1, slot_cpu_mhz=500, slot_memory_mb=1024),
     {"type": "slots", "failover_level": 1, "slot_cpu_mhz": 500, "slot_memory_mb": 1024}),
    (das("FailoverLevel", failover_level=1, options={"das.vmcpuminmhz": "256"}),
     {"type": "slots", "failover_level": 1, "vm_cpu_min_mhz": 256}),
    (das("FailoverHost", failover_host_ids=["host-3", "host-1"]), {"type": "failover_hosts", "failover_hosts": ["esx01", "esx03"]}),
])
def test_policy(raw, policy):
    assert hacluster.cluster_view("c1", HOSTS, VMS, raw)["policy"] == policy


def test_auto_percentages_count_only_good_hosts():
    hosts = [dict(h, maintenance=i >= 8) for i, h in enumerate(HOSTS)]
    view = hacluster.cluster_view("c1", hosts, [], das("FailoverResources", auto_compute_percentages=True, failover_level=1))
    assert view["policy"]["cpu_percent"] == 12.5


@pytest.mark.parametrize("raw,message", [
    (das("FailoverHost", failover_host_ids=["host-99"]), "host-99 are not hosts of this cluster"),
    (das("Vsan"), "VsanAdmissionControlPolicy is not supported"),
    (das("FailoverLevel", failover_level=1, options={"das.vmcpuminmhz": "lots"}), "das.vmcpuminmhz must be a whole number"),
])
def test_refused(raw, message):
    with pytest.raises(PlanError) as err:
        hacluster.cluster_view("c1", HOSTS, VMS, raw)
    assert message in str(err.value)


def test_slot_caps_are_warned():
    view = hacluster.cluster_view("c1", HOSTS, VMS, das("FailoverLevel", failover_level=1, options={"das.slotcpuinmhz": "1000"}))
    assert "das.slotcpuinmhz" in view["warnings"][0]


def test_ha_block():
    view = hacluster.cluster_view("c1", HOSTS, VMS, das("FailoverLevel", failover_level=1, host_monitoring="enabled"))
    assert view["ha"] == dict(enabled=True, admission_control_enabled=True, policy_class="FailoverLevelAdmissionControlPolicy",
                              host_monitoring="enabled")
