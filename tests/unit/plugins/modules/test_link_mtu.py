# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""link_mtu driven through main() with a fake ``ip`` that keeps link state in memory."""

from __future__ import annotations

import json
import pathlib

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.modules import link_mtu


class FakeIp:
    """Answers the ip commands the iproute2 adapter sends, like iproute2's JSON output."""

    def __init__(self):
        self.links = {
            "eth0": {"ifname": "eth0", "mtu": 1500, "min_mtu": 68, "max_mtu": 9216},
            "vx100": {"ifname": "vx100", "mtu": 1450, "min_mtu": 68, "max_mtu": 65535, "master": "br-vm",
                      "linkinfo": {"info_kind": "vxlan", "info_data": {"link": "eth0", "local": "10.0.0.1"}}},
            "br-vm": {"ifname": "br-vm", "mtu": 1450, "min_mtu": 68, "max_mtu": 65535,
                      "linkinfo": {"info_kind": "bridge"}},
        }
        self.calls = []

    def __call__(self, cmd, **_kwargs):
        args = cmd[1:]
        if args[:2] == ["-n", "ns1"]:
            args = args[2:]
        if args == ["-d", "-j", "link", "show"]:
            return 0, json.dumps(list(self.links.values())), ""
        if args == ["-j", "-6", "addr", "show"]:
            return 0, "[]", ""
        if args[:3] == ["link", "set", "dev"]:
            self.calls.append((args[3], int(args[5])))
            self.links[args[3]]["mtu"] = int(args[5])
            return 0, "", ""
        return 1, "", "unexpected command %s" % cmd


@pytest.fixture
def fake_ip(monkeypatch):
    fake = FakeIp()
    monkeypatch.setattr(link_mtu.HypercloudModule, "__init__", _init_with(fake), raising=True)
    return fake


def _init_with(fake):
    original = link_mtu.HypercloudModule.__init__

    def init(self):
        original(self)
        self.module.run_command = fake
        self.module.get_bin_path = lambda *_a, **_k: "/sbin/ip"
    return init


def run_module(args, capsys):
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        link_mtu.main()
    result = json.loads(capsys.readouterr().out)
    return exc.value.code, result


JUMBO = {"links": [{"name": "br-vm", "mtu": 8950}, {"name": "vx100", "mtu": 8950}, {"name": "eth0", "mtu": 9000}]}


def test_apply_orders_parents_first_and_is_idempotent(fake_ip, capsys):
    rc, result = run_module(dict(JUMBO, _ansible_diff=True), capsys)
    assert rc == 0 and result["changed"] is True
    assert fake_ip.calls == [("eth0", 9000), ("vx100", 8950), ("br-vm", 8950)]
    assert [s["name"] for s in result["plan"]] == ["eth0", "vx100", "br-vm"]
    assert result["diff"] == {"before": {"br-vm": 1450, "vx100": 1450, "eth0": 1500},
                              "after": {"br-vm": 8950, "vx100": 8950, "eth0": 9000}}
    assert result["links"]["eth0"] == {"kind": "device", "before": 1500, "after": 9000}
    rc, again = run_module(JUMBO, capsys)
    assert rc == 0 and again["changed"] is False and again["plan"] == [] and "diff" not in again
    assert len(fake_ip.calls) == 3


def test_check_mode_plans_without_applying(fake_ip, capsys):
    rc, result = run_module(dict(JUMBO, _ansible_check_mode=True, _ansible_diff=True), capsys)
    assert rc == 0 and result["changed"] is True
    assert fake_ip.calls == []
    assert result["diff"]["after"]["eth0"] == 9000


def test_single_interface_in_namespace(fake_ip, capsys):
    rc, result = run_module({"name": "eth0", "mtu": 9000, "namespace": "ns1"}, capsys)
    assert rc == 0 and result["changed"] is True and fake_ip.calls == [("eth0", 9000)]


@pytest.mark.parametrize("args,message", [
    ({"name": "eth9", "mtu": 9000}, "interface eth9 does not exist"),
    ({"name": "eth0", "mtu": 9300}, "above the maximum 9216"),
    ({"name": "eth0", "mtu": 60}, "below 68"),
    ({"name": "vx100", "mtu": 8950}, "which is not in the request: add eth0 with MTU >= 9000"),
    ({"links": [{"name": "eth0", "mtu": 9000}, {"name": "eth0", "mtu": 1500}]}, "conflicting MTUs for eth0"),
    ({"name": "eth0"}, "parameters are required together: name, mtu"),
    ({"name": "eth0", "mtu": 9000, "links": [{"name": "eth0", "mtu": 9000}]}, "mutually exclusive"),
    ({"name": "", "mtu": 9000}, "an interface name must not be empty"),
    ({"name": " ", "mtu": 9000}, "an interface name must not be empty"),
    ({"links": [{"name": "", "mtu": 9000}]}, "an interface name must not be empty"),
    ({"name": "eth0", "mtu": 9000, "namespace": ""}, "namespace is blank"),
    ({"name": "eth0", "mtu": 9000, "namespace": "  "}, "namespace is blank"),
])
def test_bad_input_fails_cleanly_and_changes_nothing(fake_ip, capsys, args, message):
    rc, result = run_module(args, capsys)
    assert rc == 1 and result["failed"] is True
    assert message in result["msg"]
    assert "exception" not in result
    assert fake_ip.calls == []


def test_ip_failure_is_reported(fake_ip, capsys):
    rc, result = run_module({"name": "eth0", "mtu": 9000, "namespace": "nowhere"}, capsys)
    assert rc == 1 and "in network namespace nowhere" in result["msg"]


# --- persistence --------------------------------------------------------------------------------

def test_persist_ifupdown_in_check_mode_then_apply(fake_ip, capsys, tmp_path):
    interfaces = tmp_path / "etc" / "network" / "interfaces"
    interfaces.parent.mkdir(parents=True)
    interfaces.write_text("auto eth0\niface eth0 inet dhcp\n")
    args = {"name": "eth0", "mtu": 9000, "persist": "auto", "config_root": str(tmp_path)}
    rc, result = run_module(dict(args, _ansible_check_mode=True, _ansible_diff=True), capsys)
    assert rc == 0 and result["changed"] is True and fake_ip.calls == []
    assert interfaces.read_text() == "auto eth0\niface eth0 inet dhcp\n"
    assert result["persisted"]["backend"] == "ifupdown"
    assert result["diff"][0] == {"before": {"eth0": 1500}, "after": {"eth0": 9000}}
    assert result["diff"][1]["after"].endswith("post-up ip link set dev $IFACE mtu 9000\n")

    rc, result = run_module(args, capsys)
    assert rc == 0 and result["changed"] is True and fake_ip.calls == [("eth0", 9000)]
    assert "post-up ip link set dev $IFACE mtu 9000" in interfaces.read_text()
    backup = result["persisted"]["files"][0]["backup"]
    assert pathlib.Path(backup).read_text() == "auto eth0\niface eth0 inet dhcp\n"
    assert backup.startswith(str(interfaces.parent) + "/.interfaces.")

    rc, result = run_module(args, capsys)
    assert rc == 0 and result["changed"] is False and result["persisted"]["files"] == []


def test_persist_when_only_the_file_differs(fake_ip, capsys, tmp_path):
    network = tmp_path / "etc" / "systemd" / "network" / "10-eth0.network"
    network.parent.mkdir(parents=True)
    network.write_text("[Match]\nName=eth0\n")
    rc, result = run_module({"name": "eth0", "mtu": 1500, "persist": "systemd-networkd",
                             "config_root": str(tmp_path)}, capsys)
    assert rc == 0 and result["changed"] is True and result["plan"] == [] and fake_ip.calls == []
    assert network.read_text() == "[Match]\nName=eth0\n\n[Link]\nMTUBytes=1500\n"


def test_persist_refusal_changes_nothing_live(fake_ip, capsys, tmp_path):
    (tmp_path / "etc" / "netplan").mkdir(parents=True)
    (tmp_path / "etc" / "netplan" / "50.yaml").write_text("network:\n  ethernets:\n    eth1:\n      dhcp4: true\n")
    rc, result = run_module({"name": "eth0", "mtu": 9000, "persist": "auto", "config_root": str(tmp_path)}, capsys)
    assert rc == 1 and "eth0 is not defined in any netplan file" in result["msg"] and fake_ip.calls == []


def test_persist_networkmanager_and_restart(fake_ip, capsys, monkeypatch):
    nm_calls = []

    def nmcli(cmd, **kwargs):
        if cmd[0] != "/usr/bin/nmcli":
            return fake_ip(cmd, **kwargs)
        nm_calls.append(cmd[1:])
        if cmd[1:3] == ["-t", "-f"]:
            return 0, "running\n", ""
        if cmd[1:3] == ["-g", "GENERAL.CONNECTION"]:
            return 0, "Wired connection 1\n", ""
        if cmd[1:3] == ["-g", "802-3-ethernet.mtu"]:
            return 0, "auto\n", ""
        return 0, "", ""

    original = link_mtu.HypercloudModule.__init__

    def init(self):
        original(self)
        self.module.run_command = nmcli
        self.module.get_bin_path = lambda name, *_a, **_k: "/usr/bin/nmcli" if name == "nmcli" else "/sbin/ip"
    monkeypatch.setattr(link_mtu.HypercloudModule, "__init__", init)
    rc, result = run_module({"name": "eth0", "mtu": 9000, "persist": "auto", "config_root": "/nonexistent",
                             "allow_network_restart": True, "_ansible_diff": True}, capsys)
    assert rc == 0 and result["changed"] is True
    assert result["persisted"] == {"backend": "networkmanager", "files": [], "connections": ["Wired connection 1"],
                                   "reloaded": ["/usr/bin/nmcli connection up Wired connection 1"]}
    assert ["connection", "modify", "Wired connection 1", "802-3-ethernet.mtu", "9000"] in nm_calls
    assert result["diff"][1]["after"] == "802-3-ethernet.mtu 9000\n"


def test_persist_auto_with_nothing_to_edit(fake_ip, capsys, tmp_path):
    rc, result = run_module({"name": "eth0", "mtu": 9000, "persist": "auto", "config_root": str(tmp_path)}, capsys)
    assert rc == 1 and "persist=auto found no network configuration" in result["msg"] and fake_ip.calls == []
