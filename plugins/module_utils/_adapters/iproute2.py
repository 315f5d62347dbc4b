# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Thin iproute2 adapter: read links as JSON, set an MTU. No decisions are made here."""

from __future__ import annotations

import json
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.mtu import VXLAN_HEADROOM, Link


def check_namespace(namespace: Optional[str]) -> None:
    """A blank namespace is a mistake (an empty variable), not a wish to work on the host's own links."""
    if namespace is not None and not namespace.strip():
        raise AdapterError("namespace is blank: name a network namespace, or leave namespace out to work in the host's own")


RunCommand = Callable[..., Tuple[int, str, str]]


def _headroom(kind: Optional[str], data: dict) -> int:
    """Encapsulation bytes an overlay adds on top of its lower device."""
    if kind not in ("vxlan", "geneve"):
        return 0
    family = 6 if any(key in data for key in ("local6", "remote6", "group6")) else 4
    return VXLAN_HEADROOM[family]


class Iproute2:
    """Runs ``ip`` (optionally inside a network namespace) through the module's run_command."""

    def __init__(self, run_command: RunCommand, ip_bin: str = "ip", namespace: Optional[str] = None):
        check_namespace(namespace)
        self._run = run_command
        self._ip = ip_bin
        self.namespace = namespace

    def _cmd(self, args: Sequence[str]) -> List[str]:
        prefix = [self._ip]
        if self.namespace:
            prefix += ["-n", self.namespace]
        return prefix + list(args)

    def _call(self, args: Sequence[str]) -> str:
        cmd = self._cmd(args)
        rc, out, err = self._run(cmd)
        if rc != 0:
            where = " in network namespace %s" % self.namespace if self.namespace else ""
            raise AdapterError("'%s' failed%s: %s" % (" ".join(cmd), where, (err or out).strip()))
        return out

    def links(self) -> Dict[str, Link]:
        """Every link with its MTU range, kind, lower device and master."""
        raw = json.loads(self._call(["-d", "-j", "link", "show"]) or "[]")
        with_ipv6 = {
            entry["ifname"] for entry in json.loads(self._call(["-j", "-6", "addr", "show"]) or "[]")
            if entry.get("addr_info")
        }
        found = {}
        for entry in raw:
            info = entry.get("linkinfo") or {}
            data = info.get("info_data") or {}
            name = entry["ifname"]
            found[name] = Link(
                name=name,
                mtu=int(entry["mtu"]),
                kind=info.get("info_kind") or ("loopback" if entry.get("link_type") == "loopback" else "device"),
                lower=data.get("link") or entry.get("link"),
                master=entry.get("master"),
                min_mtu=int(entry.get("min_mtu", 68)),
                max_mtu=int(entry.get("max_mtu", 65535) or 65535),
                ipv6=name in with_ipv6,
                headroom=_headroom(info.get("info_kind"), data),
            )
        return found

    def set_mtu(self, name: str, mtu: int) -> None:
        self._call(["link", "set", "dev", name, "mtu", str(mtu)])
