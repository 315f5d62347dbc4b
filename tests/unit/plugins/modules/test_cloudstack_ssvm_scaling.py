# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""cloudstack_ssvm_scaling driven through main() against the fake CloudStack API on port 0."""

from __future__ import annotations

import json
import os
import sys

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.modules import cloudstack_ssvm_scaling

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "testbed"))
import fake_cloudstack  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture
def fake():
    server = fake_cloudstack.FakeCloudStack(job_delay=0.02, boot_delay=0.05).start()
    yield server
    server.stop()


def run_module(fake, args, capsys, **auth):
    merged = dict(api_url=fake.url, api_key=fake.api_key, api_secret=fake.secret, poll_interval=0.01)
    merged.update(auth)
    merged.update(args)
    with patch_module_args(merged), pytest.raises(SystemExit) as exc:
        cloudstack_ssvm_scaling.main()
    return exc.value.code, json.loads(capsys.readouterr().out)


def warned(result, text):
    """ansible-core 2.19 returns warnings as structured events; older ones as strings."""
    return text in json.dumps(result.get("warnings", []))


def value(fake, name):
    return fake.settings[name]["value"]


SCALE = {"zone": "zone-a", "targets": {"peak_commands": 120, "headroom_ssvms": 1}, "settings": {"mtu": 9000},
         "service_offering": {"name": "ssvm-2c-4g", "cpu_number": 2, "cpu_speed": 2000, "memory": 4096}}


def test_apply_then_rerun_is_idempotent(fake, capsys):
    rc, result = run_module(fake, dict(SCALE, _ansible_diff=True), capsys)
    assert rc == 0 and result["changed"] is True
    offering = next(o for o in fake.offerings if o["name"] == "ssvm-2c-4g")
    assert (offering["cpunumber"], offering["cpuspeed"], offering["memory"], offering["systemvmtype"]) == (2, 2000, 4096, "secondarystoragevm")
    assert value(fake, "secstorage.capacity.standby") == "50"
    assert value(fake, "secstorage.session.max") == "50"
    assert value(fake, "secstorage.vm.mtu.size") == "9000"
    assert value(fake, "secstorage.service.offering") == offering["id"]
    assert result["ssvm_count"] == 4
    assert result["explanation"] == "with 120 concurrent commands, session.max 50 and standby 50 you will run 4 SSVMs"
    assert result["service_offering"] == dict(id=offering["id"], name="ssvm-2c-4g", cpunumber=2, cpuspeed=2000,
                                              memory=4096, created=True)
    assert [c["name"] for c in result["changes"]] == ["secstorage.capacity.standby", "secstorage.service.offering",
                                                      "secstorage.vm.mtu.size"]
    assert result["restart_required"] is True
    assert result["restart_settings"] == [c["name"] for c in result["changes"]]
    assert result["diff"]["before"]["settings"] == {"secstorage.capacity.standby": "10", "secstorage.service.offering": "",
                                                    "secstorage.session.max": "50", "secstorage.vm.mtu.size": "1500"}
    assert result["diff"]["after"]["settings"]["secstorage.service.offering"] == offering["id"]
    assert result["settings"] == result["diff"]["after"]["settings"]
    assert result["recreated"] == [] and fake.destroyed == []
    assert warned(result, "keep the old value until they are recreated")
    assert {"changes", "explanation", "recreated", "restart_required", "restart_settings", "service_offering",
            "settings", "ssvm_count", "ssvms", "template_warnings"} <= set(result)
    writes = fake.writes()

    rc, again = run_module(fake, SCALE, capsys)
    assert rc == 0 and again["changed"] is False
    assert again["changes"] == [] and again["restart_required"] is False
    assert again["service_offering"]["created"] is False and "diff" not in again
    assert fake.writes() == writes


def test_check_mode_changes_nothing_on_the_server(fake, capsys):
    before = {name: row["value"] for name, row in fake.settings.items()}
    offerings = len(fake.offerings)
    rc, result = run_module(fake, dict(SCALE, recreate=True, _ansible_check_mode=True, _ansible_diff=True), capsys)
    assert rc == 0 and result["changed"] is True
    assert fake.writes() == []
    assert {name: row["value"] for name, row in fake.settings.items()} == before
    assert len(fake.offerings) == offerings
    assert result["diff"]["after"]["settings"]["secstorage.service.offering"] == "(new offering ssvm-2c-4g)"
    assert result["diff"]["after"]["ssvms"] == ["(replacement of s-1-VM)", "(replacement of s-2-VM)"]
    assert result["service_offering"]["created"] is True and result["service_offering"]["id"] is None
    assert result["restart_required"] is True


def test_dynamic_change_needs_no_restart(fake, capsys):
    rc, result = run_module(fake, {"settings": {"auto_scale_down": True, "max_ssvm_count": 8}}, capsys)
    assert rc == 0 and result["changed"] is True
    assert result["restart_required"] is False and result["restart_settings"] == []
    assert value(fake, "secstorage.vm.auto.scale.down") == "true" and value(fake, "max.ssvm.count") == "8"


def test_static_and_dynamic_mixed(fake, capsys):
    rc, result = run_module(fake, {"settings": {"auto_scale_down": True, "session_max": 60, "capacity_standby": 20}}, capsys)
    assert rc == 0 and result["restart_settings"] == ["secstorage.capacity.standby", "secstorage.session.max"]
    assert result["explanation"].startswith("with session.max 60 and standby 20: SSVM 2 starts above 40 active commands")


def test_reuse_existing_offering_by_name(fake, capsys):
    rc, result = run_module(fake, {"service_offering": {"name": "ssvm-large"}}, capsys)
    large = next(o for o in fake.offerings if o["name"] == "ssvm-large")
    assert rc == 0 and result["changed"] is True and result["service_offering"]["created"] is False
    assert value(fake, "secstorage.service.offering") == large["id"]
    assert fake.writes() == ["updateConfiguration"]


def test_zone_scope_setting(fake, capsys):
    args = {"zone": "zone-a", "scope": "zone", "settings": {"use_local_storage": True}}
    rc, result = run_module(fake, args, capsys)
    assert rc == 0 and result["changed"] is True
    assert fake.zone_values[(fake_cloudstack.ZONE_ID, "system.vm.use.local.storage")] == "true"
    assert value(fake, "system.vm.use.local.storage") == "false"
    rc, again = run_module(fake, args, capsys)
    assert rc == 0 and again["changed"] is False


def test_recreate_rolls_one_at_a_time(fake, capsys):
    rc, result = run_module(fake, {"zone": "zone-a", "recreate": True, "_ansible_diff": True}, capsys)
    assert rc == 0 and result["changed"] is True
    assert result["recreated"] == [{"destroyed": "s-1-VM", "replacement": "s-3-VM"},
                                   {"destroyed": "s-2-VM", "replacement": "s-4-VM"}]
    # both SSVMs were Running with agent Up at each destroy: never two down at once
    assert fake.running_at_destroy == [2, 2]
    assert [vm["name"] for vm in fake.vms] == ["s-3-VM", "s-4-VM"]
    assert result["diff"] == {"before": {"settings": {}, "ssvms": ["s-1-VM", "s-2-VM"]},
                              "after": {"settings": {}, "ssvms": ["s-3-VM", "s-4-VM"]}}


def test_recreate_timeout_stops_the_roll(fake, capsys):
    fake.boot_delay = None  # replacements never come up
    rc, result = run_module(fake, {"zone": "zone-a", "recreate": True, "recreate_timeout": 1}, capsys)
    assert rc == 1 and "exception" not in result
    assert result["msg"].startswith("recreating SSVMs in zone zone-a stopped at s-1-VM (recreated before it: none; "
                                    "not touched: s-2-VM): timed out after 1s waiting for a replacement for s-1-VM")
    assert "last seen: s-2-VM Running (agent Up), s-3-VM Starting (agent none)" in result["msg"]
    assert fake.writes() == ["destroySystemVm"]


def test_recreate_refused_when_a_ssvm_is_not_up(fake, capsys):
    fake.vms[1]["_ready_at"] = None
    rc, result = run_module(fake, {"zone": "zone-a", "recreate": True}, capsys)
    assert rc == 1 and "s-2-VM in zone zone-a is Starting" in result["msg"]
    assert fake.writes() == []


def test_old_template_and_suspended_scale_out_warn(fake, capsys):
    fake.vms[0]["templatename"] = "systemvmtemplate-4.5-kvm"
    fake.settings["system.vm.auto.reserve.capacity"]["value"] = "false"
    rc, result = run_module(fake, {"settings": {"mtu": 1500}}, capsys)
    assert rc == 0 and result["changed"] is False
    assert len(result["template_warnings"]) == 2 and "is 32-bit" in result["template_warnings"][0]
    assert warned(result, "does not add SSVMs automatically")


def test_credentials_from_environment(fake, capsys, monkeypatch):
    monkeypatch.setenv("CLOUDSTACK_ENDPOINT", fake.url)
    monkeypatch.setenv("CLOUDSTACK_KEY", fake.api_key)
    monkeypatch.setenv("CLOUDSTACK_SECRET", fake.secret)
    monkeypatch.setenv("CLOUDSTACK_METHOD", "post")
    with patch_module_args({"settings": {"mtu": 1500}, "poll_interval": 0.01}), pytest.raises(SystemExit) as exc:
        cloudstack_ssvm_scaling.main()
    result = json.loads(capsys.readouterr().out)
    assert exc.value.code == 0 and result["changed"] is False
    assert fake.secret not in json.dumps(result)


BAD = [
    ({"zone": "zone-x", "settings": {"mtu": 9000}}, {}, "unknown zone zone-x (known: zone-a)"),
    ({"service_offering": {"name": "no-such"}}, {}, "unknown SSVM service offering no-such: to create it give cpu_number, cpu_speed, memory"),
    ({"service_offering": {"name": "ssvm-large", "memory": 8192}}, {}, "offerings cannot be resized"),
    ({"settings": {"mtu": 9600}}, {}, "mtu (secstorage.vm.mtu.size) is 9600 bytes, out of the range 68 to 9000"),
    ({"targets": {"peak_commands": 100, "session_max": 0}}, {}, "out of the range 1 to 10000"),
    ({"targets": {"peak_commands": 100}, "settings": {"session_max": 60}}, {}, "leave session_max out of settings"),
    ({"zone": "zone-a", "scope": "zone", "settings": {"mtu": 9000}}, {},
     "secstorage.vm.mtu.size cannot be set per zone: CloudStack lists it at global scope only"),
    ({"settings": {"mtu": 9000}}, {"api_secret": "not-the-secret"},
     "unable to verify user credentials and/or request signature (HTTP 401)"),
    ({"settings": {"mtu": 9000}}, {"api_url": "http://127.0.0.1:9/client/api", "api_timeout": 2},
     "cannot reach CloudStack at http://127.0.0.1:9/client/api for listConfigurations"),
    ({"scope": "zone", "settings": {"mtu": 9000}}, {}, "scope is zone but all of the following are missing: zone"),
    ({"recreate": True}, {}, "recreate is True but all of the following are missing: zone"),
    ({}, {}, "nothing to do: give settings, targets, service_offering or recreate: true"),
    ({"service_offering": {"name": " ", "cpu_number": 1, "cpu_speed": 500, "memory": 512}}, {},
     "service_offering: the name must be a non-empty string, not ' '"),
    ({"service_offering": {"name": "", "cpu_number": 1, "cpu_speed": 500, "memory": 512}}, {},
     "service_offering: the name must be a non-empty string, not ''"),
    ({"zone": "zone-a", "recreate": True, "poll_interval": -1}, {}, "poll_interval must be a number of seconds, 0 or more, not -1.0"),
    ({"zone": "zone-a", "recreate": True, "poll_interval": "nan"}, {}, "poll_interval must be a number of seconds, 0 or more, not nan"),
    ({"zone": "zone-a", "recreate": True, "recreate_timeout": -1}, {}, "recreate_timeout must be a number of seconds, 0 or more, not -1"),
    ({"settings": {"mtu": 9000}}, {"api_timeout": -1}, "api_timeout must be 1 second or more, not -1"),
]


@pytest.mark.parametrize("args,auth,message", BAD, ids=[b[2][:40] for b in BAD])
def test_bad_input_fails_cleanly_and_changes_nothing(fake, capsys, args, auth, message):
    before = {name: row["value"] for name, row in fake.settings.items()}
    rc, result = run_module(fake, args, capsys, **auth)
    assert rc == 1 and result["failed"] is True
    assert message in result["msg"]
    assert "exception" not in result
    assert fake.writes() == []
    assert {name: row["value"] for name, row in fake.settings.items()} == before


def test_signature_error_and_network_error_read_differently(fake, capsys):
    _rc, bad_secret = run_module(fake, {"settings": {"mtu": 9000}}, capsys, api_secret="nope")
    _rc, unreachable = run_module(fake, {"settings": {"mtu": 9000}}, capsys, api_url="http://127.0.0.1:9/client/api")
    assert "check api_key and api_secret" in bad_secret["msg"] and "network error" not in bad_secret["msg"]
    assert "network error" in unreachable["msg"] and "check api_key" not in unreachable["msg"]
    assert "nope" not in bad_secret["msg"]
