# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Thin iputils adapter: ``ping -M do`` probes and ``tracepath -n``, optionally in a network namespace."""

from __future__ import annotations

from typing import Callable, List, Optional, Sequence, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.iproute2 import check_namespace
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.mtu_path import payload

RunCommand = Callable[..., Tuple[int, str, str]]


class Iputils:
    """Runs ping and tracepath through the module's run_command; records the last ping's output."""

    def __init__(self, run_command: RunCommand, ping: str, tracepath: Optional[str], ip_bin: Optional[str],
                 namespace: Optional[str] = None, timeout: float = 1.0):
        check_namespace(namespace)
        self._run = run_command
        self._ping = ping
        self._tracepath = tracepath
        self._ip = ip_bin
        self.namespace = namespace
        self.timeout = timeout
        self.last_output = ""

    def _cmd(self, args: Sequence[str]) -> List[str]:
        if not self.namespace:
            return list(args)
        if not self._ip:
            raise AdapterError("running inside network namespace %s needs the ip command" % self.namespace)
        return [self._ip, "netns", "exec", self.namespace] + list(args)

    def probe(self, peer: str, version: int, mtu: int) -> bool:
        """One ``ping -M do`` of a frame of ``mtu`` bytes; True when the peer answered."""
        cmd = self._cmd([self._ping, "-%d" % version, "-n", "-c", "1", "-W", "%g" % self.timeout, "-M", "do",
                         "-s", str(payload(mtu, version)), peer])
        rc, out, err = self._run(cmd)
        self.last_output = out + err
        if rc not in (0, 1):
            raise AdapterError("'%s' failed: %s" % (" ".join(cmd), (err or out).strip()))
        return rc == 0

    def tracepath(self, peer: str, version: int, mtu: int, max_hops: int) -> str:
        """``tracepath -n`` starting at a frame size of ``mtu`` (one that passes, so it is quick)."""
        if not self._tracepath:
            raise AdapterError("tracepath is not installed (Debian: iputils-tracepath)")
        cmd = self._cmd([self._tracepath, "-%d" % version, "-n", "-l", str(mtu), "-m", str(max_hops), peer])
        rc, out, err = self._run(cmd)
        if rc != 0 and not out:
            raise AdapterError("'%s' failed: %s" % (" ".join(cmd), err.strip()))
        return out
