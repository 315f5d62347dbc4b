#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mtu_path_check
short_description: Verify the path MTU from this host to a list of peers, and name the bottleneck hop
version_added: 0.2.0
description:
  - For each peer, finds the largest frame that crosses the path with C(ping -M do -s SIZE)
    (SIZE is the MTU less 28 bytes on IPv4, 48 on IPv6). It tries the expected MTU first, so a
    healthy path costs one probe, then bisects with at most O(max_probes) probes.
  - When a peer falls short of O(expected_mtu), names the hop that stops the frames. That is a router
    that answers "fragmentation needed" (by address, with its hop number from C(tracepath -n)), this
    host's own route or interface, or, when frames vanish without an answer as they do at a switch
    port or bridge, the L2 segment between the last router that passes full-size frames and the next.
  - Works from inside a network namespace with O(namespace), or inside a libvirt guest with O(guest);
    there the same probes run through the QEMU guest agent (C(guest-exec) and C(guest-exec-status)),
    so the path is measured from the guest's own interface. Never changes anything.
  - Fails only when O(fail_on_mismatch=true), with every bottleneck named in the message.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes.INFO_MODULE
  - hypercloud.builder._attributes.LINUX
options:
  expected_mtu:
    description: The MTU the path should carry end to end, such as V(9000), or V(8950) on a VXLAN overlay.
    type: int
    required: true
  fail_on_mismatch:
    description: Fail when any peer's path carries less than O(expected_mtu), naming the bottleneck.
    type: bool
    default: false
  guest:
    description:
      - A libvirt domain to run the checks from, through its QEMU guest agent. The guest needs
        qemu-guest-agent running with C(guest-exec) allowed, the agent's virtio-serial channel
        C(org.qemu.guest_agent.0), and iputils C(ping) and C(tracepath) in its PATH.
      - The module itself runs on the libvirt host (needs libvirt-python there).
    type: str
  guest_timeout:
    description: Seconds one command may run in O(guest) before the module gives up.
    type: float
    default: 60
  label:
    description: How this host is named in the result table. Defaults to O(namespace), O(guest), or the host name.
    type: str
  libvirt_uri:
    description: The libvirt connection O(guest) is found on.
    type: str
    default: qemu:///system
  max_hops:
    description: The most hops C(tracepath) follows when looking for the bottleneck.
    type: int
    default: 8
  max_probes:
    description: The most pings spent per peer on the search (at least 2).
    type: int
    default: 12
  namespace:
    description: A network namespace (as listed by C(ip netns)) to run the checks from.
    type: str
  peers:
    description: IPv4 or IPv6 addresses to check. An address with a colon is checked with IPv6.
    type: list
    elements: str
    required: true
  timeout:
    description: Seconds to wait for each ping's answer (C(ping -W)).
    type: float
    default: 1.0
notes:
  - Without the guest agent, run the module on the guest itself.
requirements:
  - iputils C(ping) and C(tracepath) (in the guest with O(guest)); C(ip) for O(namespace).
  - libvirt-python (C(libvirt_qemu)) for O(guest).
"""

EXAMPLES = r"""
- name: Jumbo frames from this host to its peers, failing with the hop named
  hypercloud.builder.mtu_path_check:
    peers: [10.250.0.2, 10.250.0.3, "fd00:250::2"]
    expected_mtu: 9000
    fail_on_mismatch: true

- name: The overlay, from inside a namespace
  hypercloud.builder.mtu_path_check:
    namespace: hc-hv1
    peers: [10.251.0.2]
    expected_mtu: 8950
  register: overlay

- name: From inside a libvirt guest on the MTU 9000 network, through its guest agent
  hypercloud.builder.mtu_path_check:
    guest: web1
    peers: [10.252.0.1]
    expected_mtu: 9000
"""

RETURN = r"""
all_match:
  description: Whether every peer's path carries O(expected_mtu).
  returned: always
  type: bool
  sample: false
mismatches:
  description: One line per peer that falls short, naming the bottleneck.
  returned: always
  type: list
  elements: str
  sample: ["hv1 -> 10.250.0.2: largest MTU 1500, expected 9000: frames above the working size vanish ..."]
peers:
  description: Per peer, the search result, the hops and the bottleneck (C(null) when the path matches).
  returned: always
  type: list
  elements: dict
  sample: [{"source": "hv1", "peer": "10.250.0.2", "family": 4, "expected_mtu": 9000, "largest_mtu": 1500,
            "largest_payload": 1472, "matches": false, "exact": true, "probes": 12,
            "hops": [{"hop": 1, "address": "10.250.0.2", "pmtu": null, "reached": true}],
            "bottleneck": {"hop": 1, "address": "10.250.0.2", "pmtu": null, "kind": "l2",
                           "description": "frames above the working size vanish ..."}}]
table:
  description: The verification table, one aligned line per peer after a header line.
  returned: always
  type: list
  elements: str
  sample: ["from  peer        expected  largest  probes  result", "hv1   10.250.0.2  9000      9000     1       ok"]
"""

import socket
from dataclasses import asdict

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import guest_agent
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.iputils import Iputils
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc import mtu_path
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError


class MtuPathCheck(HypercloudModule):
    supports_check_mode = True
    argument_spec = dict(
        expected_mtu=dict(type="int", required=True),
        fail_on_mismatch=dict(type="bool", default=False),
        guest=dict(type="str"),
        guest_timeout=dict(type="float", default=60.0),
        label=dict(type="str"),
        libvirt_uri=dict(type="str", default="qemu:///system"),
        max_hops=dict(type="int", default=8),
        max_probes=dict(type="int", default=12),
        namespace=dict(type="str"),
        peers=dict(type="list", elements="str", required=True),
        timeout=dict(type="float", default=1.0),
    )
    module_kwargs = dict(mutually_exclusive=[("guest", "namespace")])

    def run(self):
        expected = self.params["expected_mtu"]
        if self.params["max_hops"] < 1 or self.params["timeout"] <= 0 or self.params["guest_timeout"] <= 0:
            raise PlanError("max_hops must be at least 1, and timeout and guest_timeout above 0")
        if expected > mtu_path.CEILING:
            raise PlanError("expected_mtu %d is above %d, the largest IP packet" % (expected, mtu_path.CEILING))
        for peer in self.params["peers"]:
            if expected < mtu_path.FLOOR[mtu_path.family(peer)]:
                raise PlanError("expected_mtu %d is below the IPv%d minimum %d (peer %s)"
                                % (expected, mtu_path.family(peer), mtu_path.FLOOR[mtu_path.family(peer)], peer))
        tools = self.tools()
        label = self.params["label"] or self.params["namespace"] or self.params["guest"] or socket.gethostname()
        rows = [self.check(tools, label, peer, expected) for peer in self.params["peers"]]
        mismatches = ["%s -> %s: largest MTU %s, expected %d: %s"
                      % (label, row["peer"], row["largest_mtu"], expected, row["bottleneck"]["description"])
                      for row in rows if not row["matches"]]
        result = dict(changed=False, all_match=not mismatches, mismatches=mismatches, peers=rows,
                      table=mtu_path.table(rows))
        if mismatches and self.params["fail_on_mismatch"]:
            self.module.fail_json(msg="path MTU check failed: " + "; ".join(mismatches), **result)
        return result

    def tools(self):
        """ping and tracepath here (or in a namespace), or in the guest through its agent."""
        p = self.params
        if p["guest"]:
            self.require("libvirt-python", guest_agent.GUEST_AGENT_IMPORT_ERROR)
            send = guest_agent.libvirt_transport(p["libvirt_uri"], p["guest"], int(p["guest_timeout"]) + 5)
            agent = guest_agent.GuestAgent(p["guest"], send, timeout=p["guest_timeout"])
            return Iputils(agent.run, "ping", "tracepath", None, timeout=p["timeout"])
        bin_path = self.module.get_bin_path
        return Iputils(self.module.run_command, bin_path("ping", required=True), bin_path("tracepath"),
                       bin_path("ip"), namespace=p["namespace"], timeout=p["timeout"])

    def check(self, tools, label, peer, expected):
        version = mtu_path.family(peer)
        outputs = []

        def probe(mtu):
            answered = tools.probe(peer, version, mtu)
            outputs.append(tools.last_output)
            return answered

        found = mtu_path.search(probe, mtu_path.FLOOR[version], expected, self.params["max_probes"])
        row = dict(source=label, peer=peer, family=version, expected_mtu=expected, largest_mtu=found.largest,
                   largest_payload=None if found.largest is None else mtu_path.payload(found.largest, version),
                   matches=found.largest == expected, exact=found.exact, probes=found.probes, hops=[],
                   bottleneck=None)
        if found.largest == expected:
            return row
        if found.largest is None:
            row["bottleneck"] = dict(hop=None, address=peer, pmtu=None, kind="unreachable",
                                     description="%s does not answer even %d-byte pings" % (peer, mtu_path.FLOOR[version]))
            return row
        hops = mtu_path.parse_tracepath(tools.tracepath(peer, version, found.largest, self.params["max_hops"]))
        routers = list(dict.fromkeys(h.address for h in hops if h.address and not h.reached and h.address != peer))
        hop_ok = {address: tools.probe(address, version, expected) for address in routers}
        row["hops"] = [asdict(hop) for hop in hops]
        row["bottleneck"] = mtu_path.bottleneck(expected, peer, mtu_path.parse_ping_failure(outputs[0]), hops, hop_ok)
        return row


def main():
    MtuPathCheck().execute()


if __name__ == "__main__":
    main()
