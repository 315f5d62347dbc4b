# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Thin adapter for persistent network configuration: read and write files under a config root
(atomically, with a backup), and talk to NetworkManager through nmcli. No decisions are made here."""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.textfile import backup_path

RunCommand = Callable[..., Tuple[int, str, str]]

NETWORKD_DIR = "etc/systemd/network"
IFUPDOWN_MAIN = "etc/network/interfaces"
NETPLAN_DIR = "etc/netplan"
RELOAD = {
    "systemd-networkd": [["networkctl", "reload"]],
    "netplan": [["netplan", "apply"]],
}


class NetConfig:
    """Files below ``root`` (``/`` on a real host, a temporary directory in tests) and nmcli."""

    def __init__(self, root: str, run_command: RunCommand, nmcli: Optional[str] = None):
        self.root = root
        self._run = run_command
        self._nmcli = nmcli

    def path(self, relative: str) -> str:
        return os.path.join(self.root, relative)

    def _read(self, path: str) -> str:
        try:
            with open(path, encoding="utf-8") as handle:
                return handle.read()
        except OSError as err:
            raise AdapterError("cannot read %s: %s" % (path, err)) from err

    def facts(self) -> Dict[str, bool]:
        """What exists below the root, for ``persist: auto``."""
        return dict(
            netplan=bool(glob.glob(self.path(NETPLAN_DIR + "/*.yaml"))),
            networkmanager=self.nm_running(),
            networkd=bool(glob.glob(self.path(NETWORKD_DIR + "/*.network"))
                          + glob.glob(self.path(NETWORKD_DIR + "/*.netdev"))),
            ifupdown=os.path.isfile(self.path(IFUPDOWN_MAIN)),
        )

    def files(self, backend: str) -> Dict[str, str]:
        """The configuration files ``backend`` reads, by path, with their text."""
        if backend == "systemd-networkd":
            paths = glob.glob(self.path(NETWORKD_DIR + "/*.network")) + glob.glob(self.path(NETWORKD_DIR + "/*.netdev"))
        elif backend == "netplan":
            paths = glob.glob(self.path(NETPLAN_DIR + "/*.yaml"))
        else:
            main = self.path(IFUPDOWN_MAIN)
            paths = ([main] if os.path.isfile(main) else []) + [
                p for p in glob.glob(self.path(IFUPDOWN_MAIN + ".d/*"))
                if os.path.isfile(p) and not os.path.basename(p).startswith(".")]
        return {path: self._read(path) for path in sorted(paths)}

    def write(self, path: str, text: str) -> Optional[str]:
        """Write atomically (temporary file in the same directory, then rename), keeping a backup.

        The backup is a dot file (``.NAME.<time>.bak``) so that no backend reads it: ifupdown's
        ``source interfaces.d/*`` would otherwise load it as a second copy of the stanzas. A symbolic
        link is followed: the file it points to is written, and the link stays a link.
        """
        path = os.path.realpath(path)
        directory = os.path.dirname(path)
        backup = None
        try:
            os.makedirs(directory, exist_ok=True)
            if os.path.exists(path):
                backup = backup_path(path)
                shutil.copy2(path, backup)
            fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), dir=directory)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            if backup:
                shutil.copymode(backup, tmp)
            else:
                os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except OSError as err:
            raise AdapterError("cannot write %s: %s" % (path, err)) from err
        return backup

    def _call(self, cmd: Sequence[str]) -> str:
        rc, out, err = self._run(list(cmd))
        if rc != 0:
            raise AdapterError("'%s' failed: %s" % (" ".join(cmd), (err or out).strip()))
        return out

    def nm_running(self) -> bool:
        if not self._nmcli:
            return False
        rc, out, _err = self._run([self._nmcli, "-t", "-f", "RUNNING", "general"])
        return rc == 0 and out.strip() == "running"

    def nm_connections(self, names: Sequence[str]) -> Dict[str, Tuple[Optional[str], str]]:
        """Each interface's active connection profile and that profile's ``802-3-ethernet.mtu``."""
        if not self._nmcli:
            raise AdapterError("persist=networkmanager needs nmcli, which is not installed")
        found: Dict[str, Tuple[Optional[str], str]] = {}
        for name in names:
            con = self._call([self._nmcli, "-g", "GENERAL.CONNECTION", "device", "show", name]).strip()
            mtu = self._call([self._nmcli, "-g", "802-3-ethernet.mtu", "connection", "show", con]) if con else ""
            found[name] = (con or None, mtu.strip())
        return found

    def nm_set_mtu(self, connection: str, mtu: int) -> None:
        self._call([self._nmcli, "connection", "modify", connection, "802-3-ethernet.mtu", str(mtu)])

    def reload(self, backend: str, names: List[str], connections: Sequence[str]) -> List[List[str]]:
        """Make the network service load the new configuration; only with allow_network_restart."""
        if backend == "networkmanager":
            cmds = [[self._nmcli or "nmcli", "connection", "up", con] for con in connections]
        elif backend == "ifupdown":
            cmds = [c for name in names for c in (["ifdown", "--force", name], ["ifup", name])]
        else:
            cmds = RELOAD[backend] + ([["networkctl", "reconfigure"] + names] if backend == "systemd-networkd" else [])
        for cmd in cmds:
            self._call(cmd)
        return cmds
