# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Render persistent MTU settings into network configuration text (text in, text out).

Pure: the adapter reads the files, these functions return the new text of each file that must
change, preserving every other line (comments, order, indentation). Domain reference 4.1:

* systemd-networkd: ``[NetDev] MTUBytes=`` in the ``.netdev`` of a virtual device, otherwise
  ``[Link] MTUBytes=`` in the first ``.network`` (by file name) whose ``[Match] Name=`` matches;
* ifupdown: ``mtu N`` in ``static``/``manual``/``tunnel`` stanzas; ``mtu`` is not an option of
  ``dhcp`` (and other automatic methods), so those get ``post-up ip link set dev $IFACE mtu N``;
* netplan: ``mtu: N`` in the device's block (ethernets, bonds, bridges, vlans, ...).
"""

from __future__ import annotations

import fnmatch
import os
import re
from typing import Dict, List, Mapping, Optional, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

BACKENDS = ("systemd-networkd", "ifupdown", "networkmanager", "netplan")
IFUPDOWN_MTU_METHODS = frozenset({"static", "manual", "tunnel", "v4tunnel", "6to4"})
IFUPDOWN_STANZAS = frozenset({"iface", "auto", "mapping", "source", "source-directory", "rename"})
POST_UP_RE = re.compile(r"^\s*post-up\s+ip\s+link\s+set\s+(dev\s+)?\S+\s+mtu\s+\d+\s*$")


def detect_backend(facts: Mapping[str, bool]) -> str:
    """Choose the backend that owns the host's network configuration.

    ``facts`` (read by the adapter): ``netplan`` (YAML files in /etc/netplan), ``networkmanager``
    (NetworkManager answers nmcli), ``networkd`` (.network/.netdev files), ``ifupdown``
    (/etc/network/interfaces). Netplan comes first because it generates the networkd or
    NetworkManager configuration: an edit below it would be overwritten.
    """
    for fact, backend in (("netplan", "netplan"), ("networkmanager", "networkmanager"),
                          ("networkd", "systemd-networkd"), ("ifupdown", "ifupdown")):
        if facts.get(fact):
            return backend
    raise PlanError("persist=auto found no network configuration to edit (no netplan YAML, no running "
                    "NetworkManager, no systemd-networkd .network file, no /etc/network/interfaces); "
                    "choose a backend with persist, or persist=none")


# --- systemd-networkd -----------------------------------------------------------------------------

def _ini_sections(lines: List[str]) -> List[Tuple[str, int, int]]:
    """(section, first line, end line exclusive) for each ``[Section]`` of a unit-style file."""
    found: List[Tuple[str, int, int]] = []
    for index, line in enumerate(lines):
        match = re.match(r"^\s*\[([^\]]+)\]\s*$", line)
        if match:
            if found:
                found[-1] = (found[-1][0], found[-1][1], index)
            found.append((match.group(1).strip(), index, len(lines)))
    return found


def _ini_values(lines: List[str], section: str, key: str) -> List[str]:
    values: List[str] = []
    for name, start, end in _ini_sections(lines):
        if name != section:
            continue
        for line in lines[start + 1:end]:
            match = re.match(r"^\s*%s\s*=\s*(.*?)\s*$" % re.escape(key), line)
            if match:
                values.append(match.group(1))
    return values


def networkd_matches(text: str, iface: str, netdev: bool) -> bool:
    """Whether a .netdev defines ``iface``, or a .network's ``[Match] Name=`` globs match it."""
    lines = text.splitlines()
    if netdev:
        return iface in _ini_values(lines, "NetDev", "Name")
    globs = " ".join(_ini_values(lines, "Match", "Name")).split()
    return any(fnmatch.fnmatchcase(iface, pattern) for pattern in globs)


def networkd_set_mtu(text: str, section: str, mtu: int) -> str:
    """Set ``MTUBytes=`` in ``[section]``: replace the last one, or add it to the first section."""
    lines = text.splitlines()
    sections = [s for s in _ini_sections(lines) if s[0] == section]
    setting = "MTUBytes=%d" % mtu
    for _name, start, end in reversed(sections):
        for index in range(end - 1, start, -1):
            if re.match(r"^\s*MTUBytes\s*=", lines[index]):
                lines[index] = setting
                return "\n".join(lines) + "\n"
    if sections:
        _name, start, end = sections[0]
        last = end
        while last - 1 > start and not lines[last - 1].strip():
            last -= 1
        lines.insert(last, setting)
    else:
        if lines and lines[-1].strip():
            lines.append("")
        lines += ["[%s]" % section, setting]
    return "\n".join(lines) + "\n"


def render_networkd(files: Mapping[str, str], desired: Mapping[str, int]) -> Dict[str, str]:
    """New text of each .network/.netdev file that must change; networkd reads files by name order."""
    out = dict(files)
    by_name = sorted(files, key=os.path.basename)
    for iface in sorted(desired):
        netdevs = [p for p in by_name if p.endswith(".netdev") and networkd_matches(out[p], iface, True)]
        networks = [p for p in by_name if p.endswith(".network") and networkd_matches(out[p], iface, False)]
        if netdevs:
            out[netdevs[0]] = networkd_set_mtu(out[netdevs[0]], "NetDev", desired[iface])
        elif networks:
            out[networks[0]] = networkd_set_mtu(out[networks[0]], "Link", desired[iface])
        else:
            raise PlanError("no systemd-networkd .network file matches %s ([Match] Name=) and no .netdev "
                            "defines it: add one first (networkd applies only the first matching file)" % iface)
    return {path: text for path, text in out.items() if text != files[path]}


# --- ifupdown ----------------------------------------------------------------------------------------

def _ifupdown_stanzas(lines: List[str], iface: str) -> List[Tuple[int, int, str]]:
    """(iface line, end exclusive, method) of every ``iface IFACE FAMILY METHOD`` stanza."""
    found: List[Tuple[int, int, str]] = []
    for index, line in enumerate(lines):
        words = line.split()
        if len(words) >= 4 and words[0] == "iface" and words[1] == iface:
            end = index + 1
            while end < len(lines) and (not lines[end].split() or lines[end].split()[0] not in IFUPDOWN_STANZAS
                                        and not lines[end].split()[0].startswith("allow-")):
                end += 1
            while end - 1 > index and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
                end -= 1
            found.append((index, end, words[3]))
    return found


def ifupdown_has_iface(text: str, iface: str) -> bool:
    return bool(_ifupdown_stanzas(text.splitlines(), iface))


def ifupdown_set_mtu(text: str, iface: str, mtu: int, append: bool = False) -> str:
    """Set the MTU in every stanza of ``iface``; with ``append``, add a ``manual`` stanza if none."""
    lines = text.splitlines()
    stanzas = _ifupdown_stanzas(lines, iface)
    if not stanzas:
        if not append:
            raise PlanError("no 'iface %s' stanza in /etc/network/interfaces" % iface)
        if lines and lines[-1].strip():
            lines.append("")
        lines += ["iface %s inet manual" % iface, "    mtu %d" % mtu]
        return "\n".join(lines) + "\n"
    for start, end, method in reversed(stanzas):
        options = [i for i in range(start + 1, end) if lines[i].strip() and not lines[i].lstrip().startswith("#")]
        indent = re.match(r"^(\s*)", lines[options[0]]).group(1) if options else "    "
        indent = indent or "    "
        if method in IFUPDOWN_MTU_METHODS:
            wanted, pattern = "%smtu %d" % (indent, mtu), re.compile(r"^\s*mtu\s+\S+\s*$")
        else:
            wanted, pattern = "%spost-up ip link set dev $IFACE mtu %d" % (indent, mtu), POST_UP_RE
        hits = [i for i in options if pattern.match(lines[i])]
        if hits:
            lines[hits[-1]] = wanted
        else:
            lines.insert(end, wanted)
    return "\n".join(lines) + "\n"


def render_ifupdown(files: Mapping[str, str], main: str, desired: Mapping[str, int]) -> Dict[str, str]:
    """Edit the file holding each interface's stanzas (main file or interfaces.d); else append to main."""
    out = dict(files)
    order = [main] + sorted(p for p in files if p != main)
    for iface in sorted(desired):
        holders = [p for p in order if ifupdown_has_iface(out[p], iface)]
        for path in holders or [main]:
            out[path] = ifupdown_set_mtu(out.get(path, ""), iface, desired[iface], append=not holders)
    return {path: text for path, text in out.items() if text != files.get(path)}


# --- netplan ----------------------------------------------------------------------------------------

def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _key(line: str) -> Optional[str]:
    match = re.match(r"^\s*(?:\"([^\"]+)\"|'([^']+)'|([^\s#:\"'][^:#]*?))\s*:(\s|$)", line)
    if not match or line.lstrip().startswith(("#", "-")):
        return None
    return next(group for group in match.groups()[:3] if group is not None)


def _block_end(lines: List[str], start: int) -> int:
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end].lstrip().startswith("#")
                                or _indent(lines[end]) > _indent(lines[start])):
        end += 1
    while end - 1 > start and not lines[end - 1].strip():
        end -= 1
    return end


def _netplan_device(lines: List[str], iface: str) -> Optional[int]:
    """Line index of ``iface:`` at depth 2 below ``network:`` (under ethernets, bonds, ...)."""
    for top, line in enumerate(lines):
        if _key(line) != "network" or _indent(line) != 0:
            continue
        end = _block_end(lines, top)
        kinds = [i for i in range(top + 1, end) if _key(lines[i]) and
                 _indent(lines[i]) == min(_indent(lines[j]) for j in range(top + 1, end) if lines[j].strip())]
        for kind in kinds:
            kind_end = _block_end(lines, kind)
            children = [i for i in range(kind + 1, kind_end) if _key(lines[i])]
            depth = min((_indent(lines[i]) for i in children), default=0)
            for child in children:
                if _indent(lines[child]) == depth and _key(lines[child]) == iface:
                    return child
    return None


def netplan_has_device(text: str, iface: str) -> bool:
    return _netplan_device(text.splitlines(), iface) is not None


def netplan_set_mtu(text: str, iface: str, mtu: int) -> str:
    lines = text.splitlines()
    dev = _netplan_device(lines, iface)
    if dev is None:
        raise PlanError("%s is not defined in this netplan file" % iface)
    rest = lines[dev].split(":", 1)[1].strip()
    if rest and not rest.startswith("#"):
        raise PlanError("netplan device %s is written in flow style (%s): write it as a block to let "
                        "link_mtu add 'mtu:'" % (iface, rest))
    end = _block_end(lines, dev)
    keys = [i for i in range(dev + 1, end) if _key(lines[i])]
    depth = min((_indent(lines[i]) for i in keys), default=_indent(lines[dev]) + 2)
    wanted = "%smtu: %d" % (" " * depth, mtu)
    hits = [i for i in keys if _indent(lines[i]) == depth and _key(lines[i]) == "mtu"]
    if hits:
        comment = re.search(r"\s#.*$", lines[hits[0]])
        lines[hits[0]] = wanted + (comment.group(0) if comment else "")
    else:
        lines.insert(dev + 1, wanted)
    return "\n".join(lines) + "\n"


def render_netplan(files: Mapping[str, str], desired: Mapping[str, int]) -> Dict[str, str]:
    """Edit every netplan file that defines the device (netplan merges files, so each one counts)."""
    out = dict(files)
    for iface in sorted(desired):
        holders = [p for p in sorted(files) if netplan_has_device(out[p], iface)]
        if not holders:
            raise PlanError("%s is not defined in any netplan file (%s): define it there first"
                            % (iface, ", ".join(sorted(files)) or "none found"))
        for path in holders:
            out[path] = netplan_set_mtu(out[path], iface, desired[iface])
    return {path: text for path, text in out.items() if text != files[path]}


# --- NetworkManager ---------------------------------------------------------------------------------

def nm_changes(connections: Mapping[str, Tuple[Optional[str], str]],
               desired: Mapping[str, int]) -> List[Tuple[str, str, str, int]]:
    """(interface, connection, current, wanted) for each profile whose ``802-3-ethernet.mtu`` differs.

    ``connections`` maps an interface to (its active connection or None, the profile's MTU as nmcli
    prints it: a number, or ``auto``/``0`` when unset).
    """
    out = []
    for iface in sorted(desired):
        con, current = connections.get(iface, (None, ""))
        if not con:
            raise PlanError("NetworkManager has no connection profile active on %s" % iface)
        if current.strip() != str(desired[iface]):
            out.append((iface, con, current.strip(), desired[iface]))
    return out
