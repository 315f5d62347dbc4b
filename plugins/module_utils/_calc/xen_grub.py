# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Xen hypervisor command line and the GRUB files that carry it, from structured values.

Sources: Xen ``docs/misc/xen-command-line.pandoc`` (``dom0_mem`` x86 syntax ``<sz>,max:<sz>``,
``dom0_max_vcpus=<n>|<min>-<max>``, boolean ``dom0_vcpus_pin``); Debian 12's
``/etc/default/grub.d/xen.cfg`` (xen-hypervisor-common 4.17.7: ``GRUB_CMDLINE_XEN_DEFAULT``,
``GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT``, ``XEN_OVERRIDE_GRUB_DEFAULT``); xl.conf(5)
(``autoballoon`` should be off when ``dom0_mem`` fixes dom0's memory).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

# Below this dom0 (a Debian kernel plus xenstored and the toolstack) does not come up reliably.
MIN_DOM0_MEM_MB = 512
MANAGED_KEYS = ("dom0_mem", "dom0_max_vcpus", "dom0_vcpus_pin")
XEN_TITLE_SUFFIX = ", with Xen hypervisor"
_SIZE = re.compile(r"^\s*(\d+)\s*([kKmMgGtT]?)\s*$")
_UNSAFE = re.compile(r"[\s\"'`$\\;]")
_KIB = {"k": 1, "": 1024, "m": 1024, "g": 1024 ** 2, "t": 1024 ** 3}


@dataclass
class XenCmdline:
    """What the operator asked for; sizes in MiB, ``None`` meaning "leave Xen's default"."""

    dom0_mem_mb: Optional[int] = None
    dom0_mem_max_mb: Optional[int] = None
    dom0_max_vcpus: Optional[str] = None
    dom0_vcpus_pin: bool = False
    extra: List[str] = field(default_factory=list)


def size_mb(value, what: str) -> Optional[int]:
    """``4096``, ``"4096M"``, ``"4G"`` -> MiB (a bare number is MiB); ``None``/``""`` -> None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise PlanError("%s: %r is not a size (use MiB, or a number with K/M/G/T)" % (what, value))
    match = _SIZE.match(str(value))
    if not match:
        raise PlanError("%s: %r is not a size (use MiB, or a number with K/M/G/T)" % (what, value))
    # In KiB and integers only: a float would overflow on a huge value and round a large one.
    kib = int(match.group(1)) * _KIB[match.group(2).lower()]
    if kib % 1024:
        raise PlanError("%s: %r is not a whole number of MiB" % (what, value))
    return kib // 1024


def vcpus(value) -> Optional[str]:
    """``4`` or ``"1-4"``, validated; returned as Xen writes it."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    match = re.match(r"^([0-9]+)(?:-([0-9]+))?$", text)
    if isinstance(value, bool) or not match:
        raise PlanError("dom0_max_vcpus: %r is not <n> or <min>-<max>" % (value,))
    low, high = int(match.group(1)), int(match.group(2) or match.group(1))
    if low < 1 or high < low:
        raise PlanError("dom0_max_vcpus: %r needs 1 <= min <= max" % (value,))
    return text if match.group(2) else str(low)


def build(dom0_mem=None, dom0_mem_max=None, dom0_max_vcpus=None, dom0_vcpus_pin=False,
          extra: Optional[List[str]] = None) -> XenCmdline:
    """Validate the structured values; every problem raises PlanError before anything is written."""
    mem = size_mb(dom0_mem, "dom0_mem")
    mem_max = size_mb(dom0_mem_max, "dom0_mem_max")
    if mem_max is not None and mem is None:
        raise PlanError("dom0_mem_max needs dom0_mem: Xen would start dom0 with all memory and let it grow to max")
    if mem is not None and mem < MIN_DOM0_MEM_MB:
        raise PlanError("dom0_mem: %d MiB is below the %d MiB a dom0 needs" % (mem, MIN_DOM0_MEM_MB))
    if mem is not None and mem_max is None:
        mem_max = mem
    if mem is not None and mem_max is not None and mem_max < mem:
        raise PlanError("dom0_mem_max (%d MiB) is below dom0_mem (%d MiB)" % (mem_max, mem))
    options = []
    for option in extra or []:
        text = str(option)
        if not text or _UNSAFE.search(text):
            raise PlanError("extra Xen option %r: one option per item, no spaces, quotes, $, ` or ;" % (option,))
        if text.split("=", 1)[0] in MANAGED_KEYS:
            raise PlanError("extra Xen option %r: set %s through its own variable" % (text, text.split("=", 1)[0]))
        options.append(text)
    if len({o.split("=", 1)[0] for o in options}) != len(options):
        raise PlanError("extra Xen options name one key twice: %s" % " ".join(options))
    return XenCmdline(mem, mem_max, vcpus(dom0_max_vcpus), bool(dom0_vcpus_pin), options)


def cmdline(req: XenCmdline) -> str:
    """``dom0_mem=4096M,max:4096M dom0_max_vcpus=1-4 dom0_vcpus_pin ucode=scan``."""
    parts = []
    if req.dom0_mem_mb is not None:
        parts.append("dom0_mem=%dM,max:%dM" % (req.dom0_mem_mb, req.dom0_mem_max_mb))
    if req.dom0_max_vcpus is not None:
        parts.append("dom0_max_vcpus=%s" % req.dom0_max_vcpus)
    if req.dom0_vcpus_pin:
        parts.append("dom0_vcpus_pin")
    return " ".join(parts + req.extra)


def autoballoon(req: XenCmdline) -> str:
    """xl.conf ``autoballoon``: ``off`` when dom0's memory is fixed, else ``auto`` (xl's own default)."""
    return "off" if req.dom0_mem_mb is not None else "auto"


def grub_default_is_saved(default_grub_text: str) -> bool:
    """Whether /etc/default/grub (shell) ends up with GRUB_DEFAULT=saved (the last assignment wins)."""
    value = None
    for line in default_grub_text.splitlines():
        match = re.match(r"""^\s*(?:export\s+)?GRUB_DEFAULT=(["']?)([^"'#]*)\1\s*(?:#.*)?$""", line)
        if match:
            value = match.group(2).strip()
    return value == "saved"


def xen_cfg(header: str, req: XenCmdline, make_default: bool, saved: bool,
            linux_replace_default: Optional[str] = None) -> Tuple[str, bool]:
    """Debian's /etc/default/grub.d/xen.cfg; returns (text, whether grub-set-default must name the entry).

    With ``make_default`` the Xen entry becomes the default: through GRUB_DEFAULT (the shipped
    XEN_OVERRIDE_GRUB_DEFAULT=1 logic) unless the operator uses GRUB_DEFAULT=saved, which that
    logic would silently replace; then XEN_OVERRIDE_GRUB_DEFAULT=0 and the saved entry is set.
    """
    if linux_replace_default is not None and re.search(r"[\"`$\\\r\n]", linux_replace_default):
        raise PlanError("dom0 kernel options %r: no quotes, $, `, backslashes or line breaks" % linux_replace_default)
    if any(line.strip() and not line.lstrip().startswith("#") for line in header.splitlines()):
        raise PlanError("header %r: comment lines only (update-grub runs any other line as a command)" % header)
    override = make_default and not saved
    lines = [header.rstrip("\n"), "# Xen hypervisor options for the default Xen entry.",
             'GRUB_CMDLINE_XEN_DEFAULT="%s"' % cmdline(req)]
    if linux_replace_default is not None:
        lines += ["# dom0 kernel options (replace GRUB_CMDLINE_LINUX_DEFAULT in Xen entries).",
                  'GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="%s"' % linux_replace_default]
    lines += [
        "# 1: boot the Xen entry by default; 0: leave GRUB_DEFAULT alone%s." % (
            " (GRUB_DEFAULT=saved is in use: the saved entry names Xen)" if make_default and saved else ""),
        "XEN_OVERRIDE_GRUB_DEFAULT=%d" % (1 if override else 0),
        'if [ "$XEN_OVERRIDE_GRUB_DEFAULT" = "1" ]; then',
        "\t# the title 20_linux_xen gives the entry (plain GNU/Linux when GRUB_DISTRIBUTOR is empty)",
        '\tif [ -z "$GRUB_DISTRIBUTOR" ]; then xen_os="GNU/Linux"; else xen_os="$GRUB_DISTRIBUTOR GNU/Linux"; fi',
        '\tGRUB_DEFAULT=$(printf "$(gettext "%s, with Xen hypervisor")" "$xen_os")',
        "fi", ""]
    return "\n".join(lines), make_default and saved


def default_grub_key(text: str, key: str, value: str) -> str:
    """Set ``KEY="value"`` in /etc/default/grub (EL/Fedora: no grub.d), keeping every other line."""
    line = '%s="%s"' % (key, value)
    out, done = [], False
    for current in text.splitlines():
        if re.match(r"^\s*%s=" % re.escape(key), current):
            if not done:
                out.append(line)
                done = True
            continue
        out.append(current)
    if not done:
        out.append(line)
    return "\n".join(out) + "\n"
