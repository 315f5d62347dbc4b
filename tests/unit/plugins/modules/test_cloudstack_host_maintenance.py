# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""cloudstack_host_maintenance and cloudstack_version_info through main() against the fake API on port 0."""

from __future__ import annotations

import json
import os
import re
import sys
import time
import types

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.modules import cloudstack_host_maintenance, cloudstack_version_info

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "testbed"))
import fake_cloudstack  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture
def fake():
    server = fake_cloudstack.FakeCloudStack(maintenance_delay=0.15, up_delay=0.05, never_up=["kvm-2"]).start()
    yield server
    server.stop()


def run(module, fake, args, capsys, **auth):
    merged = dict(api_url=fake.url, api_key=fake.api_key, api_secret=fake.secret, poll_interval=0.01)
    merged.update(auth)
    merged.update(args)
    with patch_module_args(merged), pytest.raises(SystemExit) as exc:
        module.main()
    return exc.value.code, json.loads(capsys.readouterr().out)


def host(fake, name):
    return next(h for h in fake.hosts if h["name"] == name)


def test_maintenance_drains_then_enabled_brings_back(fake, capsys):
    rc, result = run(cloudstack_host_maintenance, fake, dict(name="kvm-1", state="maintenance", _ansible_diff=True), capsys)
    assert rc == 0 and result["changed"] is True and result["action"] == "prepareHostForMaintenance"
    assert result["host"]["resourcestate"] == "Maintenance" and result["vms"] == []
    assert result["transitions"][0].startswith("Enabled/Up, 4 VMs")
    assert result["transitions"][-1] == "Maintenance/Up, 0 VMs"
    assert result["diff"]["before"]["resourcestate"] == "Enabled"
    assert all(vm["hostname"] == "kvm-2" for vm in fake.user_vms)
    assert all(fake._vm_view(vm)["hostname"] == "kvm-2" for vm in fake.vms)

    rc, again = run(cloudstack_host_maintenance, fake, dict(name="kvm-1", state="maintenance"), capsys)
    assert rc == 0 and again["changed"] is False and again["action"] is None

    rc, back = run(cloudstack_host_maintenance, fake, dict(name="kvm-1", state="enabled"), capsys)
    assert rc == 0 and back["changed"] is True and back["action"] == "cancelHostMaintenance"
    assert back["host"]["state"] == "Up" and back["host"]["resourcestate"] == "Enabled"
    rc, again = run(cloudstack_host_maintenance, fake, dict(name="kvm-1", state="enabled"), capsys)
    assert rc == 0 and again["changed"] is False
    order = [(e["event"], e.get("value")) for e in fake.events if e["host"] == "kvm-1" and e["event"] != "migrated"]
    assert order == [("prepareHostForMaintenance", None), ("resourcestate", "PrepareForMaintenance"),
                     ("resourcestate", "Maintenance"), ("cancelHostMaintenance", None), ("resourcestate", "Enabled"),
                     ("state", "Connecting"), ("state", "Up")]


def test_check_mode_calls_nothing(fake, capsys):
    rc, result = run(cloudstack_host_maintenance, fake, dict(name="kvm-1", state="maintenance", _ansible_check_mode=True,
                                                             _ansible_diff=True), capsys)
    assert rc == 0 and result["changed"] is True and result["action"] == "prepareHostForMaintenance"
    assert result["diff"]["after"]["resourcestate"] == "Maintenance"
    assert fake.writes() == [] and host(fake, "kvm-1")["resourcestate"] == "Enabled"


def test_a_host_that_never_comes_up_times_out(fake, capsys):
    run(cloudstack_host_maintenance, fake, dict(name="kvm-2", state="maintenance"), capsys)
    rc, result = run(cloudstack_host_maintenance, fake, dict(name="kvm-2", state="enabled", timeout=1), capsys)
    assert rc == 1 and "timed out after 1s waiting for host kvm-2 to reach resource state Enabled and agent Up" in result["msg"]
    assert "last seen: Enabled/Disconnected" in result["msg"]


def test_no_other_host_to_take_the_vms_fails_fast(capsys):
    server = fake_cloudstack.FakeCloudStack(hosts=1, maintenance_delay=0.05).start()
    try:
        rc, result = run(cloudstack_host_maintenance, server, dict(name="kvm-1", state="maintenance", timeout=60), capsys)
    finally:
        server.stop()
    assert rc == 1 and "went to ErrorInPrepareForMaintenance" in result["msg"]


@pytest.mark.parametrize("args, text", [
    (dict(name="kvm-9", state="maintenance"), "no CloudStack host is named kvm-9 (similar: kvm-1, kvm-2)"),
    (dict(name="kvm", state="maintenance"), "no CloudStack host is named kvm "),
    (dict(name="kvm-1", state="enabled", api_secret="wrong"), "HTTP 401"),
    (dict(name="kvm-1", state="maintenance", poll_interval=-1), "poll_interval must be a number of seconds, 0 or more, not -1.0"),
    (dict(name="kvm-1", state="maintenance", poll_interval="inf"), "poll_interval must be a number of seconds, 0 or more, not inf"),
    (dict(name="kvm-1", state="maintenance", timeout=-5), "timeout must be a number of seconds, 0 or more, not -5"),
    (dict(name="kvm-1", state="maintenance", api_timeout=0), "api_timeout must be 1 second or more, not 0"),
])
def test_bad_input_changes_nothing(fake, capsys, args, text):
    rc, result = run(cloudstack_host_maintenance, fake, args, capsys)
    assert rc == 1 and text in result["msg"] and fake.writes() == []


def test_disabled_host_is_refused(fake, capsys):
    host(fake, "kvm-1")["resourcestate"] = "Disabled"
    rc, result = run(cloudstack_host_maintenance, fake, dict(name="kvm-1", state="enabled"), capsys)
    assert rc == 1 and "Disabled by an administrator" in result["msg"] and fake.writes() == []


def test_version_info(fake, capsys):
    rc, result = run(cloudstack_version_info, fake, dict(min_version="4.20.1"), capsys)
    assert rc == 0 and result["changed"] is False and result["version"] == fake_cloudstack.VERSION and result["tries"] == 1
    assert result["capabilities"]["cloudstackversion"] == fake_cloudstack.VERSION
    rc, result = run(cloudstack_version_info, fake, dict(min_version="4.21"), capsys)
    assert rc == 1 and "older than the 4.21 expected" in result["msg"]
    rc, result = run(cloudstack_version_info, fake, dict(wait_timeout=5), capsys, api_secret="wrong")
    assert rc == 1 and "HTTP 401" in result["msg"]


@pytest.mark.parametrize("args, text", [
    (dict(wait_timeout=1, poll_interval=-1), "poll_interval must be a number of seconds, 0 or more, not -1.0"),
    (dict(wait_timeout=1, poll_interval="nan"), "poll_interval must be a number of seconds, 0 or more, not nan"),
    (dict(api_timeout=-1), "api_timeout must be 1 second or more, not -1"),
])
def test_version_info_bad_times_fail_cleanly(fake, capsys, args, text):
    rc, result = run(cloudstack_version_info, fake, args, capsys, api_url="http://127.0.0.1:1/client/api")
    assert rc == 1 and result["msg"] == text and "exception" not in result


def test_version_info_waits_for_the_api(fake, capsys):
    dead = "http://127.0.0.1:1/client/api"
    rc, result = run(cloudstack_version_info, fake, dict(wait_timeout=1, poll_interval=0.2), capsys, api_url=dead)
    assert rc == 1 and "did not answer within 1s" in result["msg"] and "network error" in result["msg"]
    assert "tries" in result["msg"]


def test_max_unavailable_refuses_a_second_host_out(fake, capsys):
    host(fake, "kvm-2")["resourcestate"] = "PrepareForMaintenance"
    for extra in (dict(), dict(_ansible_check_mode=True)):
        rc, result = run(cloudstack_host_maintenance, fake, dict(name="kvm-1", state="maintenance", max_unavailable=1, **extra),
                         capsys)
        assert rc == 1 and "kvm-2 PrepareForMaintenance/Up" in result["msg"] and fake.writes() == []
    rc, result = run(cloudstack_host_maintenance, fake, dict(name="kvm-1", state="maintenance", max_unavailable=0), capsys)
    assert rc == 1 and "max_unavailable must be 1 or more" in result["msg"] and fake.writes() == []


def test_max_unavailable_backs_off_from_a_concurrent_roll(capsys):
    """Another roll drains kvm-2 between this module's check and its call: kvm-1 is put back and the module fails."""
    server = fake_cloudstack.FakeCloudStack(hosts=3, maintenance_delay=0.1, up_delay=0.05).start()
    prepare = server.cmd_prepareHostForMaintenance

    def with_a_concurrent_roll(params):
        answer = prepare(params)
        other = host(server, "kvm-2")
        if other["resourcestate"] == "Enabled":
            prepare(dict(id=other["id"]))
        return answer

    server.cmd_prepareHostForMaintenance = with_a_concurrent_roll
    try:
        rc, result = run(cloudstack_host_maintenance, server, dict(name="kvm-1", state="maintenance", max_unavailable=1), capsys)
        # kvm-2 is PrepareForMaintenance, or already Maintenance on a slow machine (maintenance_delay is 0.1 s).
        assert rc == 1 and re.search(r"kvm-2 (PrepareFor)?Maintenance/Up of cluster cluster-a went out of service",
                                     result["msg"]), result["msg"]
        calls = [e["event"] for e in server.events if e["host"] == "kvm-1" and e["event"].endswith("Maintenance")]
        assert calls == ["prepareHostForMaintenance", "cancelHostMaintenance"]
        assert host(server, "kvm-1")["resourcestate"] == "Enabled"
        # Once kvm-1's agent is Up again, only kvm-2 is out: a limit of 1 refuses kvm-3, a limit of 2 drains it.
        rc, result = run(cloudstack_host_maintenance, server, dict(name="kvm-1", state="enabled", timeout=30), capsys)
        assert rc == 0 and not result["changed"] and result["host"]["state"] == "Up"
        rc, result = run(cloudstack_host_maintenance, server, dict(name="kvm-3", state="maintenance", max_unavailable=1), capsys)
        assert rc == 1 and re.search(r"\(kvm-2 (PrepareFor)?Maintenance/Up\)", result["msg"]), result["msg"]
        rc, result = run(cloudstack_host_maintenance, server, dict(name="kvm-3", state="maintenance", max_unavailable=2,
                                                                   timeout=30), capsys)
        assert rc == 0, result["msg"]
        assert result["changed"] and host(server, "kvm-3")["resourcestate"] == "Maintenance"
    finally:
        server.stop()


class Stepped:
    """The stand-in driven by hand on a clock that moves only when told: no HTTP, no module, no timing luck."""

    def __init__(self, monkeypatch, **options):
        self.now = 0.0
        monkeypatch.setattr(fake_cloudstack, "time", types.SimpleNamespace(monotonic=lambda: self.now, time=time.time))
        self.server = fake_cloudstack.FakeCloudStack(maintenance_delay=1.0, up_delay=0.1, **options)

    def at(self, now, command=None, name=None):
        """Settle what is due at ``now`` (as every request does), then call ``command`` on host ``name``."""
        self.now = now
        with self.server.lock:
            self.server._settle_jobs()
            if command:
                getattr(self.server, "cmd_" + command)(dict(id=host(self.server, name)["id"]))

    def on(self, name):
        """Names of the user and system VMs listed on host ``name``, as the module lists them."""
        hostid = host(self.server, name)["id"]
        rows = (self.server.cmd_listVirtualMachines(dict(hostid=hostid)).get("virtualmachine", [])
                + self.server.cmd_listSystemVms(dict(hostid=hostid)).get("systemvm", []))
        return sorted(row["name"] for row in rows)


def test_no_vm_lands_on_a_host_preparing_for_maintenance(monkeypatch):
    """Moves scheduled by one drain land after another host of the cluster began its own: they go elsewhere."""
    fake = Stepped(monkeypatch, hosts=3)
    fake.at(0.0, "prepareHostForMaintenance", "kvm-1")  # vm-1 to kvm-2 at 0.2, vm-2 to kvm-3 at 0.4, ...
    fake.at(0.0, "prepareHostForMaintenance", "kvm-2")  # vm-3 and vm-4 to kvm-3 at 0.33 and 0.67
    fake.at(0.3, "cancelHostMaintenance", "kvm-1")      # vm-1's move (0.2) found kvm-2 preparing; kvm-1 Up at 0.4
    fake.at(0.5, "prepareHostForMaintenance", "kvm-3")  # vm-4 is still on its way to kvm-3
    fake.at(5.0)
    states = {h["name"]: h["resourcestate"] for h in fake.server.hosts}
    assert states == {"kvm-1": "Enabled", "kvm-2": "Maintenance", "kvm-3": "Maintenance"}
    assert fake.on("kvm-2") == [] and fake.on("kvm-3") == []
    assert fake.on("kvm-1") == ["s-1-VM", "s-2-VM", "vm-1", "vm-2", "vm-3", "vm-4", "vm-5", "vm-6"]
    moved = [(e["host"], e["vm"], e["to"]) for e in fake.server.events if e["event"] == "migrated"]
    assert ("kvm-1", "vm-1", "kvm-3") in moved and ("kvm-2", "vm-4", "kvm-1") in moved
    assert all(vm["state"] == "Running" for vm in fake.server.user_vms)


def test_a_vm_with_nowhere_to_go_stays_and_its_host_does_not_reach_maintenance(monkeypatch):
    """kvm-2, the only host that could take kvm-1's VMs, is drained before they move: they stay on kvm-1."""
    fake = Stepped(monkeypatch, hosts=2)
    fake.at(0.0, "prepareHostForMaintenance", "kvm-1")
    fake.at(0.1, "prepareHostForMaintenance", "kvm-2")
    fake.at(5.0)
    assert [(h["name"], h["resourcestate"]) for h in fake.server.hosts] == [
        ("kvm-1", "ErrorInPrepareForMaintenance"), ("kvm-2", "ErrorInPrepareForMaintenance")]
    assert fake.on("kvm-1") == ["s-1-VM", "s-2-VM", "vm-1", "vm-2"] and fake.on("kvm-2") == ["vm-3", "vm-4"]
    assert all(vm["state"] == "Running" for vm in fake.server.user_vms)
    assert not [e for e in fake.server.events if e["event"] == "migrated"]
