# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Path MTU verification: a bounded binary search over ping sizes, tracepath parsing, the bottleneck.

Pure: the search takes a ``probe(mtu) -> bool`` callback (the adapter runs ``ping -M do``); the
parser takes tracepath's text. Domain reference 4.3: the ICMP payload is MTU-28 on IPv4 and
MTU-48 on IPv6; ``-M do`` forbids fragmentation, so a size above the path MTU fails, either
locally ("message too long") or on the path (ICMP "frag needed" from a router, or a silent drop
at a switch port or bridge, which no tool can see from the ends).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

PING_OVERHEAD = {4: 28, 6: 48}
FLOOR = {4: 68, 6: 1280}
# The largest IP packet (IPv4 total length, IPv6 without jumbograms); ping cannot send more.
CEILING = 65535
# MTUs a hop is commonly left at: the Ethernet default and the VXLAN overlay on it.
COMMON_MTUS = (1500, 1450)
HOP_RE = re.compile(r"^\s*(\d+)(\??):\s+(\S+)(.*)$")


@dataclass(frozen=True)
class Search:
    """Outcome of the search: ``largest`` working MTU (None when even the floor fails)."""

    largest: Optional[int]
    probes: int
    exact: bool


def family(address: str) -> int:
    return 6 if ":" in address else 4


def payload(mtu: int, version: int) -> int:
    return mtu - PING_OVERHEAD[version]


def search(probe: Callable[[int], bool], floor: int, ceiling: int, max_probes: int,
           hints: Sequence[int] = COMMON_MTUS) -> Search:
    """Largest MTU in [floor, ceiling] that ``probe`` accepts, in at most ``max_probes`` probes.

    The ceiling (the expected MTU) is tried first, so a healthy path costs one probe; then the
    floor, to tell "unreachable" from "too small"; then the common MTUs in ``hints`` (a hop left at
    1500 is the usual culprit, found exactly with two more probes: 1500 works, 1501 does not); then
    bisection. When the budget runs out, ``largest`` is the biggest size known to work and
    ``exact`` is False.
    """
    if floor > ceiling:
        raise PlanError("the expected MTU %d is below the smallest MTU %d that can be probed" % (ceiling, floor))
    if max_probes < 2:
        raise PlanError("max_probes must be at least 2 (the expected size and the floor), not %d" % max_probes)
    if probe(ceiling):
        return Search(largest=ceiling, probes=1, exact=True)
    if not probe(floor):
        return Search(largest=None, probes=2, exact=True)
    good, bad, used = floor, ceiling, 2
    for hint in sorted(hints, reverse=True):
        for size in (hint, hint + 1):
            if good < size < bad and used < max_probes:
                used += 1
                if probe(size):
                    good = size
                else:
                    bad = size
    while bad - good > 1 and used < max_probes:
        middle = (good + bad) // 2
        used += 1
        if probe(middle):
            good = middle
        else:
            bad = middle
    return Search(largest=good, probes=used, exact=bad - good <= 1)


@dataclass(frozen=True)
class Hop:
    """One tracepath line: hop number, the address that answered (None: no reply), its PMTU report."""

    hop: int
    address: Optional[str]
    pmtu: Optional[int] = None
    reached: bool = False


def parse_tracepath(text: str) -> List[Hop]:
    """Hops from ``tracepath -n`` output (iputils); ``[LOCALHOST]`` lines become hop 0."""
    hops: List[Hop] = []
    for line in text.splitlines():
        match = HOP_RE.match(line)
        if not match:
            continue
        number, _probe, address, rest = match.groups()
        pmtu = re.search(r"pmtu (\d+)", rest)
        if address == "[LOCALHOST]":
            hops.append(Hop(0, "localhost", int(pmtu.group(1)) if pmtu else None))
            continue
        if address == "no":
            hops.append(Hop(int(number), None))
            continue
        hops.append(Hop(int(number), address, int(pmtu.group(1)) if pmtu else None, "reached" in rest))
    return hops


def parse_ping_failure(text: str) -> Optional[Dict[str, object]]:
    """An MTU answer in ``ping -M do`` output: a router's ICMP or this host's own refusal."""
    remote = re.search(r"From (\S+?):? icmp_seq=\d+ (?:Frag needed and DF set \(mtu = (\d+)\)|"
                       r"Packet too big: mtu=(\d+))", text)
    if remote:
        return dict(address=remote.group(1), pmtu=int(remote.group(2) or remote.group(3)))
    local = re.search(r"local error: message too long, mtu[=:] ?(\d+)", text)
    if local:
        return dict(address=None, pmtu=int(local.group(1)))
    return None


def bottleneck(expected: int, peer: str, ping_failure: Optional[Dict[str, object]], hops: Sequence[Hop],
               hop_ok: Dict[str, bool]) -> Dict[str, object]:
    """Name the hop that stops frames of ``expected`` bytes.

    * a router that answered the full-size ping with ICMP "frag needed"/"packet too big": that
      router, by address (its hop number from tracepath when it is listed);
    * this host refusing the size itself: its route or interface MTU (a PMTU learned earlier from a
      router is cached in the route; ``ip route get PEER`` shows it);
    * otherwise the frames vanished without an answer, which is what an L2 device does (a switch
      port, bridge or veth below the MTU). ``hops`` lists the routers on the way (tracepath at a
      size that passes) and ``hop_ok`` says which of them answered a full-size ping: the segment
      ends at the first that did not, or at the peer.
    """
    if ping_failure and ping_failure.get("address"):
        address = ping_failure["address"]
        number = next((hop.hop for hop in hops if hop.address == address), None)
        where = "hop %s (%s)" % (number, address) if number else "router %s" % address
        return dict(hop=number, address=address, pmtu=ping_failure["pmtu"], kind="l3",
                    description="%s answers 'fragmentation needed' with MTU %s, below %d"
                                % (where, ping_failure["pmtu"], expected))
    if ping_failure:
        return dict(hop=0, address=None, pmtu=ping_failure["pmtu"], kind="local",
                    description="this host's route to %s allows only MTU %s, below %d (interface MTU, or a "
                                "PMTU cached from a router: see 'ip route get %s')"
                                % (peer, ping_failure["pmtu"], expected, peer))
    previous = "this host"
    for hop in (hop for hop in hops if hop.hop > 0):
        if hop.address is None or hop.reached or hop.address == peer:
            break
        if not hop_ok.get(hop.address, True):
            return _l2(hop.hop, hop.address, previous, "hop %d (%s)" % (hop.hop, hop.address), expected)
        previous = "hop %d (%s)" % (hop.hop, hop.address)
    last = max((hop.hop for hop in hops if hop.address), default=1)
    return _l2(last, peer, previous, peer, expected)


def _l2(number: int, address: str, start: str, end: str, expected: int) -> Dict[str, object]:
    return dict(hop=number, address=address, pmtu=None, kind="l2",
                description="frames above the working size vanish without an ICMP answer between %s and %s: "
                            "an L2 hop there (switch port, bridge or veth) is below %d" % (start, end, expected))


def table(rows: Sequence[Dict[str, object]]) -> List[str]:
    """One aligned line per checked pair, for the play's verification table."""
    head = ("from", "peer", "expected", "largest", "probes", "result")
    keys = ("source", "peer", "expected_mtu", "largest_mtu", "probes")
    lines = []
    for row in rows:
        cells = tuple("-" if row.get(key) is None else str(row.get(key)) for key in keys)
        neck = row.get("bottleneck")
        why = neck.get("description", "unreachable") if isinstance(neck, dict) else "unreachable"
        lines.append(cells + ("ok" if row.get("matches") else "MISMATCH: %s" % why,))
    widths = [max(len(head[i]), *(len(line[i]) for line in lines)) if lines else len(head[i]) for i in range(5)]
    fmt = "  ".join("%%-%ds" % w for w in widths) + "  %s"
    return [fmt % head] + [fmt % line for line in lines]
