# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Path MTU search, tracepath parsing and bottleneck naming.

The tracepath and ping texts are copied from iputils 20221126 (Debian 12) runs in the
integration target's namespaces (an L2 drop and a router at 1500).
"""

from __future__ import annotations

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.mtu_path import (
    Hop,
    bottleneck,
    parse_ping_failure,
    parse_tracepath,
    payload,
    search,
    table,
)


def path_of(mtu):
    calls = []

    def probe(size):
        calls.append(size)
        return size <= mtu
    return probe, calls


@pytest.mark.parametrize("path,ceiling,largest,max_probes,exact", [
    (9000, 9000, 9000, 12, True),
    (1500, 9000, 1500, 12, True),
    (1450, 9000, 1450, 12, True),
    (4000, 9000, 4000, 30, True),
    (4000, 9000, None, 12, False),
    (20, 9000, None, 12, True),
    (9000, 8950, 8950, 12, True),
])
def test_search_finds_the_largest_size(path, ceiling, largest, max_probes, exact):
    probe, calls = path_of(path)
    found = search(probe, 68, ceiling, max_probes)
    assert found.exact is exact and found.probes == len(calls) <= max_probes
    if largest is not None or path < 68:
        assert found.largest == largest
    else:
        assert found.largest is not None and found.largest <= path  # a lower bound known to work


def test_search_costs_one_probe_on_a_healthy_path_and_four_for_a_1500_hop():
    probe, calls = path_of(9000)
    assert search(probe, 68, 9000, 12).probes == 1
    probe, calls = path_of(1500)
    assert search(probe, 68, 9000, 12).probes == 4 and calls == [9000, 68, 1500, 1501]


def test_search_refusals():
    with pytest.raises(PlanError, match="below the smallest MTU"):
        search(lambda _s: True, 1280, 1200, 12)
    with pytest.raises(PlanError, match="max_probes must be at least 2"):
        search(lambda _s: True, 68, 9000, 1)


def test_payload():
    assert payload(9000, 4) == 8972 and payload(9000, 6) == 8952


ROUTED = """\
 1?: [LOCALHOST]                      pmtu 1500
 1:  10.252.1.254                                          0.080ms
 1:  10.252.1.254                                          0.052ms
 2:  10.252.2.2                                            0.074ms reached
     Resume: pmtu 1500 hops 2 back 2
"""
SILENT = """\
 1?: [LOCALHOST]                      pmtu 9000
 1:  no reply
 2:  no reply
     Too many hops: pmtu 9000
     Resume: pmtu 9000
"""


def test_parse_tracepath():
    assert parse_tracepath(ROUTED) == [Hop(0, "localhost", 1500), Hop(1, "10.252.1.254"), Hop(1, "10.252.1.254"),
                                       Hop(2, "10.252.2.2", None, True)]
    assert parse_tracepath(SILENT) == [Hop(0, "localhost", 9000), Hop(1, None), Hop(2, None)]
    assert parse_tracepath(" 1:  10.1.1.1   0.1ms pmtu 1400\n") == [Hop(1, "10.1.1.1", 1400)]


@pytest.mark.parametrize("text,expected", [
    ("From 10.252.1.254 icmp_seq=1 Frag needed and DF set (mtu = 1500)", {"address": "10.252.1.254", "pmtu": 1500}),
    ("From fd52:1::fe icmp_seq=1 Packet too big: mtu=1280", {"address": "fd52:1::fe", "pmtu": 1280}),
    ("ping: local error: message too long, mtu=1500", {"address": None, "pmtu": 1500}),
    ("ping: local error: message too long, mtu: 9000", {"address": None, "pmtu": 9000}),
    ("1 packets transmitted, 0 received, 100% packet loss", None),
])
def test_parse_ping_failure(text, expected):
    assert parse_ping_failure(text) == expected


def test_bottleneck_router_named_with_its_hop():
    found = bottleneck(9000, "10.252.2.2", {"address": "10.252.1.254", "pmtu": 1500}, parse_tracepath(ROUTED), {})
    assert found["hop"] == 1 and found["kind"] == "l3" and found["address"] == "10.252.1.254"
    assert "hop 1 (10.252.1.254) answers 'fragmentation needed' with MTU 1500, below 9000" in found["description"]


def test_bottleneck_local():
    found = bottleneck(9000, "10.0.0.2", {"address": None, "pmtu": 1500}, [], {})
    assert found["kind"] == "local" and "this host's route to 10.0.0.2 allows only MTU 1500" in found["description"]


def test_bottleneck_l2_on_a_switched_segment():
    hops = [Hop(1, "10.250.0.2", None, True)]
    found = bottleneck(9000, "10.250.0.2", None, hops, {})
    assert found["kind"] == "l2" and found["hop"] == 1
    assert "between this host and 10.250.0.2" in found["description"]


def test_bottleneck_l2_after_a_router_that_passes_full_frames():
    hops = parse_tracepath(ROUTED)
    found = bottleneck(9000, "10.252.2.2", None, hops, {"10.252.1.254": True})
    assert "between hop 1 (10.252.1.254) and 10.252.2.2" in found["description"]
    found = bottleneck(9000, "10.252.2.2", None, hops, {"10.252.1.254": False})
    assert "between this host and hop 1 (10.252.1.254)" in found["description"]


def test_table_aligns_rows():
    rows = [dict(source="hv1", peer="10.0.0.2", expected_mtu=9000, largest_mtu=9000, probes=1, matches=True),
            dict(source="hv1", peer="10.0.0.3", expected_mtu=9000, largest_mtu=None, probes=2, matches=False,
                 bottleneck={"description": "10.0.0.3 does not answer"})]
    lines = table(rows)
    assert lines[0].split() == ["from", "peer", "expected", "largest", "probes", "result"]
    assert lines[1].split() == ["hv1", "10.0.0.2", "9000", "9000", "1", "ok"]
    assert lines[2].endswith("MISMATCH: 10.0.0.3 does not answer") and " - " in lines[2]
    assert len({line.index("expected") if i == 0 else line.index("9000") for i, line in enumerate(lines)}) == 1
