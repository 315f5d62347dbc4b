# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ovirt_host_enroll through main(), with the real ovirtsdk4, against the fake engine on 127.0.0.1 port 0."""

from __future__ import annotations

import json
import os
import sys

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.modules import ovirt_host_enroll

pytest.importorskip("ovirtsdk4")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "testbed"))
import fake_ovirt  # noqa: E402  pylint: disable=wrong-import-position

ROOT_PW = "node-root-secret"
BMC_PW = "bmc-secret"


@pytest.fixture
def fake(monkeypatch):
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    server = fake_ovirt.FakeOvirt(clusters=["Default", "Gold"], scripts={
        "bad": list(fake_ovirt.INSTALL_FAILED), "cpu": list(fake_ovirt.NON_OPERATIONAL),
        "slow": ["installing"] * 1000}).start()
    yield server
    server.stop()


def run(fake, capsys, hosts, check=False, **extra):
    args = dict(url=fake.url, password=fake.password, poll_interval=0.01, hosts=hosts, _ansible_check_mode=check,
                _ansible_diff=True)
    args.update(extra)
    with patch_module_args(args), pytest.raises(SystemExit):
        ovirt_host_enroll.main()
    out = capsys.readouterr().out
    assert ROOT_PW not in out and BMC_PW not in out and fake.password not in out
    return json.loads(out)


NODE1 = dict(name="node1", address="node1.lab.example", cluster="Default", password=ROOT_PW)
NODE2 = dict(name="node2", address="node2.lab.example", cluster="Default", public_key=True,
             power_management=dict(type="ipmilan", address="node2-bmc.lab.example", username="admin",
                                   password=BMC_PW, options=dict(lanplus=1)))


def test_check_mode_adds_nothing(fake, capsys):
    result = run(fake, capsys, [NODE1, NODE2], check=True)
    assert result["changed"] is True and result["added"] == ["node1", "node2"]
    assert fake.hosts == {} and not any(m == "POST" and p.endswith("/hosts") for m, p in fake.requests)


def test_add_wait_up_then_idempotent(fake, capsys):
    result = run(fake, capsys, [NODE1, NODE2])
    assert result["changed"] is True and result["added"] == ["node1", "node2"]
    assert [(h["name"], h["status"], h["added"]) for h in result["hosts"]] == \
        [("node1", "up", True), ("node2", "up", True)]
    assert set(result["hosts"][0]) == {"name", "address", "cluster", "id", "status", "added"}
    assert result["diff"]["after"] == {"hosts": ["node1", "node2"]}
    by_name = {h["name"]: h for h in fake.hosts.values()}
    assert by_name["node2"]["auth"] == "publickey" and by_name["node1"]["auth"] == "password"
    assert by_name["node2"]["power_management"] == "true"
    agent = fake.agents[by_name["node2"]["id"]][0]
    assert agent["type"] == "ipmilan" and agent["address"] == "node2-bmc.lab.example" and agent["password"] == BMC_PW
    again = run(fake, capsys, [NODE1, NODE2])
    assert again["changed"] is False and again["added"] == []
    assert [h["status"] for h in again["hosts"]] == ["up", "up"]
    assert len(fake.hosts) == 2


@pytest.mark.parametrize("name, status, words", [
    ("bad", "INSTALL_FAILED", "Host bad installation failed. Command returned failure code 1 during SSH session"),
    ("cpu", "NON_OPERATIONAL", "does not meet the cluster's minimum CPU level"),
])
def test_terminal_failures_carry_engine_events(fake, capsys, name, status, words):
    result = run(fake, capsys, [dict(name=name, address=name + ".lab", cluster="Default", password=ROOT_PW)])
    assert result["failed"] is True
    assert result["msg"].startswith("host %s is %s. Engine events: " % (name, status))
    assert words in result["msg"]


def test_timeout(fake, capsys):
    result = run(fake, capsys, [dict(name="slow", address="slow.lab", cluster="Default", password=ROOT_PW)], timeout=0)
    assert result["failed"] is True
    assert "host slow did not come up within 0 s (status installing)" in result["msg"]


def test_existing_host_elsewhere_is_refused_and_nothing_added(fake, capsys):
    fake.add_existing("node1", "node1.lab.example", cluster="Gold")
    result = run(fake, capsys, [NODE1, NODE2])
    assert result["failed"] is True and "is in cluster Gold, not Default" in result["msg"]
    assert len(fake.hosts) == 1


def test_unknown_cluster(fake, capsys):
    result = run(fake, capsys, [dict(NODE1, cluster="Nope")])
    assert result["failed"] is True
    assert result["msg"] == "cluster Nope does not exist in the engine (it has: Default, Gold)"


def test_bad_credentials(fake, capsys):
    result = run(fake, capsys, [NODE1], password="wrong-password")
    assert result["failed"] is True and "Cannot authenticate user 'admin@internal'" in result["msg"]
    assert "wrong-password" not in result["msg"]


def test_missing_credentials_for_a_host(fake, capsys):
    result = run(fake, capsys, [dict(name="n", address="n.lab", cluster="Default")])
    assert result["failed"] is True and "give a root password or public_key: true" in result["msg"]


def test_one_address_under_two_names_is_refused_and_nothing_added(fake, capsys):
    result = run(fake, capsys, [NODE1, dict(NODE2, address=NODE1["address"])])
    assert result["failed"] is True and "a host address is listed twice" in result["msg"]
    assert fake.hosts == {}


@pytest.mark.parametrize("extra, message", [
    (dict(poll_interval=-1), "poll_interval must be a number of seconds, 0 or more, not -1.0"),
    (dict(timeout=-5), "timeout must be 0 or more seconds, not -5"),
])
def test_bad_wait_times_fail_before_any_host_is_added(fake, capsys, extra, message):
    result = run(fake, capsys, [NODE1], **extra)
    assert result["failed"] is True and result["msg"] == message and fake.hosts == {}


@pytest.mark.parametrize("port", [0, -1, 65536])
def test_a_port_out_of_range_is_refused_and_nothing_added(fake, capsys, port):
    result = run(fake, capsys, [NODE1, dict(NODE2, ssh_port=port)])
    assert result["failed"] is True and "host node2: ssh_port %d is not a TCP port" % port in result["msg"]
    assert fake.hosts == {}
