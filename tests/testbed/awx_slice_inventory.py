#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Inventory script: one slice of an inventory, as AWX/Tower job slicing hands it to a slice job.

With job_slice_count N > 1, AWX runs N jobs, each with an inventory of only its own hosts: the
inventory's hosts sorted by name, slice K taking every N-th host from the K-th (AWX's
``Inventory.get_sliced_hosts``, served by the inventory script view as ``?subset=sliceKofN``).
Groups and their variables stay; the other slices' hosts, their variables and facts are absent,
and the slices may run at the same time.

Environment: HC_SLICE_SOURCE, the whole inventory (anything ansible-inventory reads), and
HC_SLICE, "K/N". Usage: ``ansible-playbook -i tests/testbed/awx_slice_inventory.py ...``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any, Dict, List, Tuple


def wanted_slice() -> Tuple[int, int]:
    text = os.environ.get("HC_SLICE", "")
    try:
        number, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise SystemExit("HC_SLICE must be K/N (for example 2/3), not %r" % text) from None
    if not 1 <= number <= count:
        raise SystemExit("HC_SLICE: K must be between 1 and N, not %r" % text)
    return number, count


def sliced(inventory: Dict[str, Any], number: int, count: int) -> Dict[str, Any]:
    """``inventory`` (ansible-inventory --list --export) restricted to slice ``number`` of ``count``."""
    meta = inventory.get("_meta", {})
    hosts: List[str] = sorted(set(meta.get("hostvars", {})).union(
        *(group.get("hosts", []) for name, group in inventory.items() if name != "_meta")))
    keep = set(hosts[number - 1::count])
    out: Dict[str, Any] = {"_meta": {"hostvars": {h: v for h, v in meta.get("hostvars", {}).items() if h in keep}}}
    for name, group in inventory.items():
        if name == "_meta":
            continue
        group = dict(group)
        if "hosts" in group:
            group["hosts"] = [h for h in group["hosts"] if h in keep]
        out[name] = group
    return out


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--host":
        print("{}")  # every host's variables are in _meta
        return
    source = os.environ.get("HC_SLICE_SOURCE")
    if not source:
        raise SystemExit("HC_SLICE_SOURCE must name the inventory to slice")
    number, count = wanted_slice()
    listed = subprocess.run(["ansible-inventory", "-i", source, "--list", "--export"], check=True,
                            capture_output=True, text=True).stdout
    print(json.dumps(sliced(json.loads(listed), number, count), indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
