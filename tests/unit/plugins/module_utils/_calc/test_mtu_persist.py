# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Table tests for the persistence renderers: text in, text out, everything else preserved."""

from __future__ import annotations

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.mtu_persist import (
    detect_backend,
    nm_changes,
    render_ifupdown,
    render_netplan,
    render_networkd,
)

IFACES = """\
# The loopback network interface
auto lo
iface lo inet loopback

auto eth0
iface eth0 inet dhcp
\thostname hv1

auto eth1
iface eth1 inet static
    address 10.0.0.1/24
    mtu 1500
    # storage network

iface eth1 inet6 manual

source /etc/network/interfaces.d/*
"""

IFACES_AFTER = """\
# The loopback network interface
auto lo
iface lo inet loopback

auto eth0
iface eth0 inet dhcp
\thostname hv1
\tpost-up ip link set dev $IFACE mtu 9000

auto eth1
iface eth1 inet static
    address 10.0.0.1/24
    mtu 9000
    # storage network

iface eth1 inet6 manual
    mtu 9000

source /etc/network/interfaces.d/*
"""


def test_ifupdown_static_dhcp_and_inet6_stanzas():
    out = render_ifupdown({"/e/interfaces": IFACES}, "/e/interfaces", {"eth0": 9000, "eth1": 9000})
    assert out == {"/e/interfaces": IFACES_AFTER}
    # Applying again leaves nothing to do.
    assert render_ifupdown(out, "/e/interfaces", {"eth0": 9000, "eth1": 9000}) == {}


def test_ifupdown_replaces_an_existing_post_up():
    text = "iface eth0 inet dhcp\n  post-up ip link set dev $IFACE mtu 1500\n"
    out = render_ifupdown({"/i": text}, "/i", {"eth0": 9000})
    assert out == {"/i": "iface eth0 inet dhcp\n  post-up ip link set dev $IFACE mtu 9000\n"}


def test_ifupdown_edits_the_file_in_interfaces_d_that_holds_the_stanza():
    files = {"/i": "source /i.d/*\n", "/i.d/br0": "auto br0\niface br0 inet manual\n  bridge_ports eth1\n"}
    out = render_ifupdown(files, "/i", {"br0": 9000})
    assert out == {"/i.d/br0": "auto br0\niface br0 inet manual\n  bridge_ports eth1\n  mtu 9000\n"}


def test_ifupdown_appends_a_manual_stanza_for_an_unknown_interface():
    out = render_ifupdown({"/i": "auto lo\niface lo inet loopback\n"}, "/i", {"vx100": 8950})
    assert out == {"/i": "auto lo\niface lo inet loopback\n\niface vx100 inet manual\n    mtu 8950\n"}


NETWORK = """\
# managed by hand
[Match]
Name=en* eth1

[Network]
DHCP=yes
"""


@pytest.mark.parametrize("files,desired,expected", [
    ({"/n/10-eth.network": NETWORK}, {"eth1": 9000},
     {"/n/10-eth.network": NETWORK + "\n[Link]\nMTUBytes=9000\n"}),
    ({"/n/10-eth.network": NETWORK + "\n[Link]\nMTUBytes=1500\nRequiredForOnline=no\n"}, {"eno1": 9000},
     {"/n/10-eth.network": NETWORK + "\n[Link]\nMTUBytes=9000\nRequiredForOnline=no\n"}),
    # The first matching file by name wins, as in networkd.
    ({"/n/20-b.network": "[Match]\nName=eth1\n", "/n/10-a.network": "[Match]\nName=eth*\n[Link]\nARP=yes\n\n"},
     {"eth1": 9000}, {"/n/10-a.network": "[Match]\nName=eth*\n[Link]\nARP=yes\nMTUBytes=9000\n\n"}),
    # A virtual device gets its MTU in its .netdev.
    ({"/n/vx.netdev": "[NetDev]\nName=vx100\nKind=vxlan\n", "/n/vx.network": "[Match]\nName=vx100\n"},
     {"vx100": 8950}, {"/n/vx.netdev": "[NetDev]\nName=vx100\nKind=vxlan\nMTUBytes=8950\n"}),
    ({"/n/10-eth.network": NETWORK + "[Link]\nMTUBytes=9000\n"}, {"eth1": 9000}, {}),
])
def test_networkd(files, desired, expected):
    assert render_networkd(files, desired) == expected


def test_networkd_without_a_matching_file_is_refused():
    with pytest.raises(PlanError, match="no systemd-networkd .network file matches br0"):
        render_networkd({"/n/a.network": NETWORK}, {"br0": 9000})


NETPLAN = """\
# This file describes the network interfaces
network:
  version: 2
  renderer: networkd
  ethernets:
    eth0:
      dhcp4: true   # from the installer
    "eth1":
      addresses: [10.0.0.1/24]
      mtu: 1500 # old
  bridges:
    br0:
      interfaces: [eth1]
"""


def test_netplan_adds_and_replaces_mtu_keeping_comments():
    out = render_netplan({"/p/50.yaml": NETPLAN}, {"eth0": 9000, "eth1": 9000, "br0": 9000})
    assert out["/p/50.yaml"] == NETPLAN.replace(
        "    eth0:\n", "    eth0:\n      mtu: 9000\n").replace(
        "mtu: 1500 # old", "mtu: 9000 # old").replace("    br0:\n", "    br0:\n      mtu: 9000\n")
    assert render_netplan(out, {"eth0": 9000, "eth1": 9000, "br0": 9000}) == {}


@pytest.mark.parametrize("text,iface,message", [
    (NETPLAN, "eth9", "eth9 is not defined in any netplan file"),
    ("network:\n  ethernets:\n    eth0: {dhcp4: true}\n", "eth0", "flow style"),
    ("network:\n  ethernets:\n    eth0:\n      dhcp4: true\n", "dhcp4", "not defined in any netplan file"),
])
def test_netplan_refusals(text, iface, message):
    with pytest.raises(PlanError, match=message):
        render_netplan({"/p/a.yaml": text}, {iface: 9000})


@pytest.mark.parametrize("facts,backend", [
    ({"netplan": True, "networkd": True, "ifupdown": True}, "netplan"),
    ({"networkmanager": True, "ifupdown": True}, "networkmanager"),
    ({"networkd": True, "ifupdown": True}, "systemd-networkd"),
    ({"ifupdown": True}, "ifupdown"),
])
def test_detect_backend(facts, backend):
    assert detect_backend(facts) == backend


def test_detect_backend_finds_nothing():
    with pytest.raises(PlanError, match="persist=auto found no network configuration"):
        detect_backend({})


def test_nm_changes():
    cons = {"eth0": ("Wired 1", "auto"), "eth1": ("storage", "9000")}
    assert nm_changes(cons, {"eth0": 9000, "eth1": 9000}) == [("eth0", "Wired 1", "auto", 9000)]
    with pytest.raises(PlanError, match="no connection profile active on eth2"):
        nm_changes({"eth2": (None, "")}, {"eth2": 9000})
