# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Is this host really a Xen dom0?  Parsers for what a dom0 shows, and the verdict.

Shapes: ``/proc/xen/capabilities`` holds ``control_d`` only in the control domain (Linux
``drivers/xen/xenfs/super.c``); ``xl info`` prints ``key<padding> : value`` lines (Xen 4.17
``tools/xl/xl_info.c``, keys such as ``xen_version``, ``total_memory``, ``free_memory``,
``xen_commandline``); ``xl list`` prints a ``Name ID Mem VCPUs State Time(s)`` table with
``Domain-0`` as id 0; grub.cfg ``menuentry``/``submenu`` lines and ``set default=`` as written
by grub-mkconfig (``00_header``, ``20_linux_xen``), grubenv ``saved_entry=``.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.xen_grub import XEN_TITLE_SUFFIX

# dom0 memory as xl reports it may be a little under the dom0_mem request (pages kept by Xen).
MEM_TOLERANCE_MB = 64
_ENTRY = re.compile(r"""^(menuentry|submenu)\s+(['"])(.*?)\2""")
_ENTRY_ID = re.compile(r"""\$menuentry_id_option\s+(['"])(.*?)\1""")


def parse_capabilities(text: Optional[str]) -> List[str]:
    """``control_d`` (dom0) or nothing (a domU, or not under Xen)."""
    return [] if not text else [item for item in re.split(r"[\s,]+", text.strip()) if item]


def parse_xl_info(text: str) -> Dict[str, Any]:
    """``xl info`` into a dict; whole numbers become ints, everything else stays a string."""
    info: Dict[str, Any] = {}
    key = None
    for line in text.splitlines():
        match = re.match(r"^([a-z0-9_]+)\s*:\s?(.*)$", line)
        if match:
            key, value = match.group(1), match.group(2).strip()
            info[key] = int(value) if re.match(r"^\d+$", value) else value
        elif key and line.strip():
            info[key] = "%s %s" % (info[key], line.strip())
    return info


def parse_xl_list(text: str) -> Dict[str, Dict[str, Any]]:
    """``xl list`` into {name: {id, mem_mb, vcpus, state}}."""
    domains = {}
    for line in text.splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 5 and parts[1].isdigit():
            domains[parts[0]] = dict(id=int(parts[1]), mem_mb=int(parts[2]), vcpus=int(parts[3]), state=parts[4])
    return domains


def grub_default(grub_cfg: str, grubenv: str = "") -> Dict[str, Any]:
    """The entry grub will boot by default and the Xen entries, from grub.cfg (and grubenv)."""
    top: List[str] = []
    xen: List[str] = []
    titles: Dict[str, str] = {}  # entry id -> title; GRUB takes the first entry with an id
    default = None
    for line in grub_cfg.splitlines():
        match = _ENTRY.match(line)  # top level entries start in column 0
        if match:
            top.append(match.group(3))
        inner = _ENTRY.match(line.strip())
        ident = _ENTRY_ID.search(line) if inner else None
        if ident:
            titles.setdefault(ident.group(2), inner.group(3))
        if inner and inner.group(1) == "menuentry" and XEN_TITLE_SUFFIX.strip(", ") in inner.group(3):
            xen.append(inner.group(3))
        setting = re.match(r"""^\s*set default=(["']?)(.*?)\1\s*$""", line)
        if setting and default is None and "next_entry" not in setting.group(2):
            default = setting.group(2)
    if default is not None and default.replace("{", "").startswith("$saved_entry"):
        saved = re.search(r"^saved_entry=(.*)$", grubenv or "", re.M)
        default = saved.group(1).strip() if saved else "0"
    title = default
    if default is not None and default.isdigit():
        title = top[int(default)] if int(default) < len(top) else None
    elif default is not None:
        # GRUB_DEFAULT and grub-set-default also name entries by id, at each level of a submenu path.
        title = ">".join(titles.get(part, part) for part in default.split(">"))
    first = title.split(">", 1)[0] if title else None
    return dict(default=default, default_title=title, xen_entries=xen,
                default_is_xen=bool(first and first in top and XEN_TITLE_SUFFIX.strip(", ") in title))


def verdict(capabilities: Optional[str], xl_info: Optional[str], xl_list: Optional[str],
            expect_dom0_mem_mb: Optional[int] = None,
            capabilities_path: str = "/proc/xen/capabilities") -> Dict[str, Any]:
    """Facts and a list of problems; no problem means this host is a working dom0 as requested.

    ``capabilities_path`` is where ``capabilities`` was read from; the problems name it.
    """
    caps = parse_capabilities(capabilities)
    info = parse_xl_info(xl_info) if xl_info else {}
    domains = parse_xl_list(xl_list) if xl_list else {}
    dom0 = next((dom for dom in domains.values() if dom["id"] == 0), None)
    problems = []
    if capabilities is None:
        problems.append("%s does not exist: the plain Linux kernel is running, not Xen "
                        "(or xenfs is not mounted on /proc/xen). Check that grub booted the "
                        "'..., with Xen hypervisor' entry." % capabilities_path)
    elif "control_d" not in caps:
        problems.append("%s has no control_d (%r): this kernel runs under Xen but as a "
                        "guest (domU), not as dom0" % (capabilities_path, capabilities.strip()))
    if not info:
        problems.append("'xl info' did not answer: xenstored/xencommons is not running or this is not dom0")
    if expect_dom0_mem_mb is not None:
        if dom0 is None:
            problems.append("'xl list' shows no Domain-0, so dom0 memory cannot be checked")
        elif not expect_dom0_mem_mb - MEM_TOLERANCE_MB <= dom0["mem_mb"] <= expect_dom0_mem_mb:
            problems.append("dom0 has %d MiB but dom0_mem asks for %d MiB: the running Xen was booted with "
                            "another command line (%s); run update-grub and reboot"
                            % (dom0["mem_mb"], expect_dom0_mem_mb, info.get("xen_commandline", "unknown")))
    return dict(is_dom0="control_d" in caps, capabilities=caps, xl_info=info, dom0=dom0,
                xen_version=info.get("xen_version"), problems=problems)
