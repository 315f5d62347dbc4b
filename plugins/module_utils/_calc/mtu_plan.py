# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The MTU budget of a stack of layers, from the physical link up, and the reverse question.

Overheads (domain reference 4.5; neutron ``type_vxlan``/``type_geneve``/``type_gre`` and
neutron-lib constants): every overlay costs its outer IP header (20 bytes IPv4, 40 IPv6) plus

* VXLAN: 30 (UDP 8 + VXLAN 8 + inner Ethernet 14) -> 50 over IPv4, 70 over IPv6;
* GENEVE: ``header_size`` (neutron ``max_header_size``, default 30) -> 50 over IPv4;
* GENEVE for OVN: at least 38 (OVN's option TLVs) -> 58 over IPv4, 78 over IPv6;
* GRE (gretap with a key, as neutron counts it): 22 -> 42 over IPv4, 62 over IPv6.

A VLAN (802.1Q) tag, a bond and a bridge take nothing from the MTU: the tag travels in the L2
header (the NIC must accept 4 more bytes per frame), bonds and bridges forward frames unchanged.
Verification payloads: ``ping -M do -s MTU-28`` for IPv4 (20 IP + 8 ICMP), ``MTU-48`` for IPv6.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

IP_HEADER = {4: 20, 6: 40}
ENCAP = {"vxlan": 30, "geneve": 30, "geneve_ovn": 38, "gre": 22}
ZERO_COST = frozenset({"vlan", "bond", "bridge"})
LAYER_TYPES = tuple(sorted(ENCAP)) + tuple(sorted(ZERO_COST))
PING_OVERHEAD = {4: 28, 6: 48}
MIN_MTU = {4: 68, 6: 1280}
MAX_MTU = 65535


@dataclass(frozen=True)
class Layer:
    """One layer of the stack, above the one before it."""

    type: str
    name: str = ""
    ip_version: int = 4
    header_size: Optional[int] = None

    def overhead(self) -> int:
        if self.type in ZERO_COST:
            return 0
        header = ENCAP[self.type] if self.header_size is None else self.header_size
        return IP_HEADER[self.ip_version] + header


def layer(entry: Mapping[str, object]) -> Layer:
    """A Layer from a plain dict (module input), with the checks the argspec cannot make."""
    kind = str(entry.get("type", ""))
    if kind not in LAYER_TYPES:
        raise PlanError("unknown layer type %r: use one of %s" % (kind, ", ".join(LAYER_TYPES)))
    version = int(str(entry.get("ip_version") or 4))
    if version not in IP_HEADER:
        raise PlanError("ip_version of layer %s must be 4 or 6, not %s" % (kind, version))
    header = entry.get("header_size")
    if header is not None:
        if kind not in ("geneve", "geneve_ovn"):
            raise PlanError("header_size applies to GENEVE layers only, not %s" % kind)
        if int(str(header)) < ENCAP[kind]:
            raise PlanError("header_size %s is below the %d bytes a %s layer needs" % (header, ENCAP[kind], kind))
    return Layer(type=kind, name=str(entry.get("name") or kind), ip_version=version,
                 header_size=None if header is None else int(str(header)))


def ping_sizes(mtu: int) -> Dict[str, int]:
    return {"ipv4": mtu - PING_OVERHEAD[4], "ipv6": mtu - PING_OVERHEAD[6]}


def plan_layers(physical_mtu: int, layers: Sequence[Layer]) -> List[Dict[str, object]]:
    """Every layer's usable MTU, from the physical link up, with the ping payloads to verify it."""
    if not MIN_MTU[4] <= physical_mtu <= MAX_MTU:
        raise PlanError("physical MTU %d is outside %d..%d" % (physical_mtu, MIN_MTU[4], MAX_MTU))
    rows: List[Dict[str, object]] = [dict(name="physical", type="physical", overhead=0, mtu=physical_mtu,
                                          ping=ping_sizes(physical_mtu))]
    mtu = physical_mtu
    for item in layers:
        if item.overhead() and mtu < MIN_MTU[item.ip_version]:
            raise PlanError("%s needs an IPv%d underlay of at least %d bytes, but the layer below has %d"
                            % (item.name, item.ip_version, MIN_MTU[item.ip_version], mtu))
        mtu -= item.overhead()
        if mtu < MIN_MTU[4]:
            raise PlanError("%s would be left with MTU %d, below the IPv4 minimum of 68" % (item.name, mtu))
        rows.append(dict(name=item.name, type=item.type, overhead=item.overhead(), mtu=mtu, ping=ping_sizes(mtu)))
    return rows


def physical_for(guest_mtu: int, layers: Sequence[Layer]) -> int:
    """The physical MTU that leaves ``guest_mtu`` on top of ``layers`` (the reverse question)."""
    if not MIN_MTU[4] <= guest_mtu <= MAX_MTU:
        raise PlanError("guest MTU %d is outside %d..%d" % (guest_mtu, MIN_MTU[4], MAX_MTU))
    physical = guest_mtu + sum(item.overhead() for item in layers)
    if physical > MAX_MTU:
        raise PlanError("a guest MTU of %d needs a physical MTU of %d, above %d" % (guest_mtu, physical, MAX_MTU))
    return physical
