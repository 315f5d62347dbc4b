# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""vsphere_ha_capacity_info through main() with a fake adapter (values shaped as _adapters.vsphere
returns them from pyVmomi; the real reading is exercised against vcsim by the integration target)."""

from __future__ import annotations

import json

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import vsphere
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.modules import vsphere_ha_capacity_info

GIB = 1024 ** 3
RAW = dict(
    hosts=[dict(id="host-%d" % i, name="esx%02d" % i, cpu_mhz=2200, cores=32, threads=64, memory_size=256 * GIB,
                connection_state="connected", maintenance=i == 16) for i in range(17)],
    vms=[dict(name="db", power_state="poweredOn", cpu_reservation_mhz=4400, memory_reservation_mb=8192, memory_overhead=0)],
    das=dict(enabled=True, admission_control_enabled=True, kind="FailoverResources", cpu_percent=25, memory_percent=25, options={}),
)


class FakeVsphere:
    def __init__(self, *args):
        if args[3] == 1:
            raise AdapterError("cannot reach vCenter vc:1: refused")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def find_cluster(self, name, datacenter):
        return "cluster" if name == "c1" else None

    def read_cluster(self, cluster):
        return RAW


@pytest.fixture(autouse=True)
def fake(monkeypatch):
    monkeypatch.setattr(vsphere, "VsphereApi", FakeVsphere)


def run(args, capsys):
    with patch_module_args(dict(dict(hostname="vc", username="u", password="hp-vc-secret"), **args)), pytest.raises(SystemExit) as exc:
        vsphere_ha_capacity_info.main()
    return exc.value.code, json.loads(capsys.readouterr().out)


def test_worked_example_shape_and_capacity(capsys):
    rc, result = run(dict(cluster="c1"), capsys)
    assert rc == 0 and result["changed"] is False and result["found"] is True
    assert set(result) >= {"cluster", "ha", "hosts", "vms", "policy", "usable"}
    assert result["usable"]["cpu_ghz"] == 844.8 and result["usable"]["memory_gb"] == 3072
    assert result["usable"]["ignored_hosts"] == ["esx16"]
    assert result["policy"] == {"type": "percentage", "cpu_percent": 25.0, "memory_percent": 25.0}
    assert "hp-vc-secret" not in json.dumps(result)


def test_not_found_is_empty(capsys):
    rc, result = run(dict(cluster="nope"), capsys)
    assert rc == 0 and result["found"] is False and result["hosts"] == [] and result["usable"] == {}


def test_unreachable_is_a_clean_failure(capsys):
    rc, result = run(dict(cluster="c1", port=1), capsys)
    assert rc == 1 and result["msg"] == "cannot reach vCenter vc:1: refused"


def test_missing_password_is_refused(capsys, monkeypatch):
    monkeypatch.delenv("VMWARE_PASSWORD", raising=False)
    with patch_module_args(dict(hostname="vc", username="u", cluster="c1")), pytest.raises(SystemExit) as exc:
        vsphere_ha_capacity_info.main()
    assert exc.value.code == 1 and "password" in json.loads(capsys.readouterr().out)["msg"]
