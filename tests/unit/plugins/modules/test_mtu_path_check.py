# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""mtu_path_check through main() with a fake ping/tracepath: a path whose MTU the test chooses.

The output shapes are those of iputils 20221126 (Debian 12) seen in the integration target.
"""

from __future__ import annotations

import base64
import json

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.modules import mtu_path_check


class FakePath:
    """Peers behind a switched segment (silent drop) or a router (frag needed) of a given MTU."""

    def __init__(self):
        self.path_mtu = {"10.0.0.2": 9000, "10.0.0.3": 1500, "10.9.0.2": 1500, "fd00::2": 9000}
        self.router = {"10.9.0.2": "10.0.0.254"}
        self.calls = []

    def __call__(self, cmd, **_kwargs):
        self.calls.append(cmd)
        if cmd[:3] == ["/bin/ip", "netns", "exec"]:
            cmd = cmd[4:]
        peer = cmd[-1]
        if cmd[0] == "/bin/tracepath":
            lines = [" 1?: [LOCALHOST]                      pmtu 9000"]
            if peer in self.router:
                lines.append(" 1:  %s                                          0.080ms" % self.router[peer])
            lines.append(" %d:  %s                                            0.074ms reached" % (len(lines), peer))
            return 0, "\n".join(lines) + "\n", ""
        if peer not in self.path_mtu and peer not in self.router.values():
            return 1, "1 packets transmitted, 0 received, 100% packet loss\n", ""
        version = 6 if ":" in peer else 4
        mtu = int(cmd[cmd.index("-s") + 1]) + (48 if version == 6 else 28)
        limit = self.path_mtu.get(peer, 9000)
        if mtu <= limit:
            return 0, "1 packets transmitted, 1 received\n", ""
        if peer in self.router:
            return 1, "From %s icmp_seq=1 Frag needed and DF set (mtu = %d)\n" % (self.router[peer], limit), ""
        return 1, "1 packets transmitted, 0 received, 100% packet loss\n", ""


@pytest.fixture
def fake(monkeypatch):
    fake_path = FakePath()
    original = mtu_path_check.HypercloudModule.__init__

    def init(self):
        original(self)
        self.module.run_command = fake_path
        self.module.get_bin_path = lambda name, *_a, **_k: "/bin/%s" % name
    monkeypatch.setattr(mtu_path_check.HypercloudModule, "__init__", init)
    return fake_path


def run_module(args, capsys):
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        mtu_path_check.main()
    return exc.value.code, json.loads(capsys.readouterr().out)


def test_healthy_paths_cost_one_probe_each(fake, capsys):
    rc, result = run_module({"peers": ["10.0.0.2", "fd00::2"], "expected_mtu": 9000, "label": "hv1"}, capsys)
    assert rc == 0 and result["changed"] is False and result["all_match"] is True
    assert [p["probes"] for p in result["peers"]] == [1, 1]
    assert result["peers"][1]["family"] == 6 and result["peers"][1]["largest_payload"] == 8952
    assert "-s" in fake.calls[1] and fake.calls[1][fake.calls[1].index("-s") + 1] == "8952"
    assert result["table"][1].split() == ["hv1", "10.0.0.2", "9000", "9000", "1", "ok"]


def test_l2_and_router_bottlenecks_named(fake, capsys):
    rc, result = run_module({"peers": ["10.0.0.3", "10.9.0.2"], "expected_mtu": 9000, "namespace": "ns1"}, capsys)
    assert rc == 0 and result["all_match"] is False
    l2, l3 = result["peers"]
    assert l2["largest_mtu"] == 1500 and l2["exact"] and l2["bottleneck"]["kind"] == "l2"
    assert "between this host and 10.0.0.3" in l2["bottleneck"]["description"]
    assert l3["bottleneck"] == {"hop": 1, "address": "10.0.0.254", "pmtu": 1500, "kind": "l3",
                                "description": "hop 1 (10.0.0.254) answers 'fragmentation needed' with MTU 1500, "
                                               "below 9000"}
    assert all(call[:4] == ["/bin/ip", "netns", "exec", "ns1"] for call in fake.calls)
    assert result["mismatches"][0].startswith("ns1 -> 10.0.0.3: largest MTU 1500, expected 9000")


def test_fail_on_mismatch_names_the_hop(fake, capsys):
    rc, result = run_module({"peers": ["10.9.0.2"], "expected_mtu": 9000, "fail_on_mismatch": True}, capsys)
    assert rc == 1 and result["changed"] is False
    assert "path MTU check failed" in result["msg"] and "hop 1 (10.0.0.254)" in result["msg"]
    assert result["peers"][0]["largest_mtu"] == 1500


def test_unreachable_peer(fake, capsys):
    rc, result = run_module({"peers": ["10.0.0.99"], "expected_mtu": 1500}, capsys)
    assert rc == 0 and result["peers"][0]["largest_mtu"] is None
    assert result["peers"][0]["bottleneck"]["kind"] == "unreachable"


@pytest.mark.parametrize("args,message", [
    ({"peers": ["fd00::2"], "expected_mtu": 1200}, "expected_mtu 1200 is below the IPv6 minimum 1280"),
    ({"peers": ["10.0.0.2"], "expected_mtu": 9000, "max_probes": 1}, "max_probes must be at least 2"),
    ({"peers": ["10.0.0.2"], "expected_mtu": 9000, "timeout": 0}, "timeout above 0"),
    ({"peers": ["10.0.0.2"]}, "missing required arguments: expected_mtu"),
    ({"peers": ["10.0.0.2"], "expected_mtu": 70000}, "expected_mtu 70000 is above 65535, the largest IP packet"),
    ({"peers": ["fd00::2"], "expected_mtu": 65536}, "expected_mtu 65536 is above 65535, the largest IP packet"),
    ({"peers": ["10.0.0.2"], "expected_mtu": 9000, "namespace": ""}, "namespace is blank"),
])
def test_bad_input(fake, capsys, args, message):
    rc, result = run_module(args, capsys)
    assert rc == 1 and message in result["msg"] and "exception" not in result
    assert fake.calls == []


class FakeGuest:
    """A guest agent (guest-exec / guest-exec-status, shaped as qemu-ga answers) in front of FakePath."""

    def __init__(self, path):
        self.path = path
        self.results = {}
        self.opened = []

    def transport(self, uri, name, timeout):
        self.opened.append((uri, name, timeout))
        return self.send

    def send(self, payload):
        request = json.loads(payload)
        if request["execute"] == "guest-exec":
            args = request["arguments"]
            pid = len(self.results) + 1
            self.results[pid] = self.path(["/bin/" + args["path"]] + args["arg"])
            return {"return": {"pid": pid}}
        rc, out, err = self.results[request["arguments"]["pid"]]
        return {"return": {"exited": True, "exitcode": rc, "out-data": base64.b64encode(out.encode()).decode(),
                           "out-truncated": False}}


def test_guest_runs_the_same_search_through_the_agent(fake, capsys, monkeypatch):
    guest = FakeGuest(fake)
    monkeypatch.setattr(mtu_path_check.guest_agent, "libvirt_transport", guest.transport)
    monkeypatch.setattr(mtu_path_check.guest_agent, "GUEST_AGENT_IMPORT_ERROR", None)
    rc, result = run_module({"peers": ["10.0.0.2", "10.0.0.3"], "expected_mtu": 9000, "guest": "vm1"}, capsys)
    assert rc == 0 and result["changed"] is False
    assert guest.opened == [("qemu:///system", "vm1", 65)]
    healthy, short = result["peers"]
    assert healthy["matches"] and healthy["probes"] == 1 and healthy["source"] == "vm1"
    assert short["largest_mtu"] == 1500 and short["exact"] and short["bottleneck"]["kind"] == "l2"
    # every command ran in the guest by name (the agent searches the guest's PATH), none on this host
    assert {call[0] for call in fake.calls} == {"/bin/ping", "/bin/tracepath"}
    assert len(guest.results) == len(fake.calls)


def test_guest_and_namespace_exclude_each_other(fake, capsys):
    rc, result = run_module({"peers": ["10.0.0.2"], "expected_mtu": 9000, "guest": "vm1", "namespace": "ns1"},
                            capsys)
    assert rc == 1 and "mutually exclusive: guest|namespace" in result["msg"] and fake.calls == []
