# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Plan the scheduler settings of a nova.conf: new text, every other line and comment kept.

Pure: the caller reads the file and writes the returned text. Rules (domain reference 1.1, 1.2):
* a ratio must be a number above 0 (0.0 means "unset" to Nova: remove the key with ``absent``);
* ``reserved_host_cpus`` above 0 must not be set together with ``cpu_shared_set``/``cpu_dedicated_set``;
* the shared and dedicated CPU sets must not overlap, and parse as Nova parses them
  (``4-12,^8,15``: CPUs, ranges, and ``^`` exclusions from earlier items);
* a filter Nova removed makes the scheduler fail to start: it is refused, naming the release and
  what replaces it;
* none of these options reloads on SIGHUP: any change needs a restart of the service that reads it;
* ``available_filters`` needs at least one entry: with no line Nova uses its default (all filters),
  so an empty list cannot be written; ``absent`` removes the lines;
* every line keeps its own line ending (``\r\n`` stays ``\r\n``); new lines take the file's first one.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Set, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

ABSENT = "absent"
RATIOS = ("cpu_allocation_ratio", "ram_allocation_ratio", "disk_allocation_ratio",
          "initial_cpu_allocation_ratio", "initial_ram_allocation_ratio", "initial_disk_allocation_ratio")
PLACEMENT_OVERRIDING = ("cpu_allocation_ratio", "ram_allocation_ratio", "disk_allocation_ratio")
RESERVED = ("reserved_host_memory_mb", "reserved_host_cpus", "reserved_host_disk_mb")
CPU_SETS = ("cpu_shared_set", "cpu_dedicated_set")
FILTERS = ("enabled_filters", "available_filters")
SECTIONS: Dict[str, str] = dict([(k, "DEFAULT") for k in RATIOS + RESERVED] + [(k, "compute") for k in CPU_SETS]
                                + [(k, "filter_scheduler") for k in FILTERS])
MULTI = frozenset({"available_filters"})  # MultiStrOpt: one line per value
# Which service reads the option; none of them is mutable, so a change always needs a restart.
RESTART: Dict[str, str] = {k: ("nova-scheduler" if k in FILTERS else "nova-compute") for k in SECTIONS}

REMOVED_FILTERS: Dict[str, Tuple[str, str]] = {
    "CoreFilter": ("20.0.0 Train", "placement filters VCPU natively with the inventory allocation_ratio and reserved"),
    "RamFilter": ("20.0.0 Train", "placement filters MEMORY_MB natively with the inventory allocation_ratio and reserved"),
    "DiskFilter": ("20.0.0 Train", "placement filters DISK_GB natively with the inventory allocation_ratio and reserved"),
    "AggregateCoreFilter": ("22.0.0 Victoria", "per-provider VCPU allocation ratios set in placement"),
    "AggregateRamFilter": ("22.0.0 Victoria", "per-provider MEMORY_MB allocation ratios set in placement"),
    "AggregateDiskFilter": ("22.0.0 Victoria", "per-provider DISK_GB allocation ratios set in placement"),
    "RetryFilter": ("22.0.0 Victoria", "nothing: alternate hosts do its work since Queens"),
    "AvailabilityZoneFilter": ("28.0.0 (2023.2 Bobcat)", "the always-on map_az_to_placement_aggregate pre-filter"),
}

_SECTION = re.compile(r"^\s*\[([^\]]+)\]\s*$")
_KEY = re.compile(r"^([A-Za-z0-9_.-]+)\s*[=:]\s?(.*)$")
_COMMENTED_KEY = re.compile(r"^[#;]\s*([A-Za-z0-9_.-]+)\s*[=:]")
_WHOLE = re.compile(r"^[0-9]+$")  # ASCII only: str.isdigit() also takes "\u00b2", which int() refuses
_NEWLINE = re.compile(r"(\r\n|\n|\r)")  # the line breaks Python's universal newlines (and so oslo.config) honour


@dataclass(frozen=True)
class Change:
    key: str
    before: Any
    after: Any


@dataclass(frozen=True)
class ConfPlan:
    text: str
    changes: List[Change]
    restart_services: List[str]

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def parse_cpu_spec(spec: str, key: str = "CPU set") -> Set[int]:
    """A CPU set as Nova parses it (nova.virt.hardware): ``0-3,^2,8`` is {0, 1, 3, 8}."""
    include: Set[int] = set()
    exclude: Set[int] = set()
    for item in str(spec).split(","):
        rule = item.strip()
        if not rule:
            continue
        reject = rule.startswith("^")
        body = rule[1:] if reject else rule
        match = re.match(r"^(\d+)(?:\s*-\s*(\d+))?$", body.strip())
        if not match:
            raise PlanError("%s: %r is not a CPU, a range like 4-12, or an exclusion like ^8 (in %r)" % (key, rule, spec))
        start = int(match.group(1))
        end = int(match.group(2)) if match.group(2) is not None else start
        if start > end:
            raise PlanError("%s: range %r runs backwards (in %r)" % (key, rule, spec))
        (exclude if reject else include).update(range(start, end + 1))
    cpus = include - exclude
    if not cpus:
        raise PlanError("%s: %r leaves no CPU" % (key, spec))
    return cpus


def _filters(value: Any, multi: bool = False) -> List[str]:
    """Names from a list or a comma-separated string; a ListOpt list item is split at commas, as Nova reads the line."""
    if not isinstance(value, (list, tuple)):
        items = str(value).split(",")
    elif multi:
        items = [str(item) for item in value]
    else:
        items = [part for item in value for part in str(item).split(",")]
    return [item.strip() for item in items if item.strip()]


def _one_line(key: str, text: str) -> str:
    """``text``, or PlanError when it holds a line break (it would end the line and break the file)."""
    if _NEWLINE.search(text):
        raise PlanError("%s: %r holds a line break; a nova.conf value must fit on its one line" % (key, text))
    return text


def normalise(key: str, value: Any) -> Any:
    """The canonical form of a desired value (for comparing and writing), or PlanError."""
    if key not in SECTIONS:
        raise PlanError("%s is not a scheduler setting this module manages (%s)" % (key, ", ".join(sorted(SECTIONS))))
    if isinstance(value, str) and value.strip() == ABSENT:
        return ABSENT
    if key in RATIOS:
        try:
            number = float(str(value).strip())
        except ValueError:
            raise PlanError("%s must be a number, not %r" % (key, value)) from None
        if isinstance(value, bool) or not math.isfinite(number) or number <= 0:
            raise PlanError("%s must be a number above 0, not %r (0.0 means unset to Nova: use %s to remove it)"
                            % (key, value, ABSENT))
        return number
    if key in RESERVED:
        text = str(value).strip()
        if isinstance(value, bool) or not _WHOLE.match(text):
            raise PlanError("%s must be a whole number 0 or above, not %r" % (key, value))
        return int(text)
    if key in CPU_SETS:
        text = _one_line(key, str(value).strip())
        parse_cpu_spec(text, key)
        return text
    filters = [_one_line(key, name) for name in _filters(value, key in MULTI)]
    if key in MULTI and not filters:
        raise PlanError("%s: give at least one entry, or %s to remove the lines (with no line Nova uses its default, "
                        "nova.scheduler.filters.all_filters, so an empty list cannot be written)" % (key, ABSENT))
    if key == "enabled_filters":
        for name in filters:
            if name in REMOVED_FILTERS:
                release, instead = REMOVED_FILTERS[name]
                raise PlanError("enabled_filters: %s was removed in Nova %s and the scheduler will not start with it; "
                                "remove it (replaced by %s)" % (name, release, instead))
    return filters


def _render(key: str, value: Any) -> List[str]:
    if key in MULTI:
        return ["%s = %s" % (key, v) for v in value]
    if key in FILTERS:
        return ["%s = %s" % (key, ",".join(value))]
    return ["%s = %s" % (key, repr(value) if isinstance(value, float) else value)]


def _comparable(key: str, raw: List[str]) -> Any:
    """The value a file holds for ``key`` (last line wins, all lines for a multi-valued key)."""
    if not raw:
        return ABSENT
    if key in MULTI:
        return [v.strip() for v in raw]
    text = raw[-1].strip()
    if key in FILTERS:
        return _filters(text)
    if key in RATIOS:
        try:
            return float(text)
        except ValueError:
            return text
    if key in RESERVED and _WHOLE.match(text):
        return int(text)
    return text


def _split(text: str) -> List[Tuple[str, str]]:
    """The lines of ``text`` as (content, line ending); the last ending is ``""`` when unterminated."""
    parts = _NEWLINE.split(text)
    pairs = [(parts[i], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]
    if parts[-1]:
        pairs.append((parts[-1], ""))
    return pairs


def _group(header: str) -> str:
    """The option group a section header opens, as oslo.config reads it: DEFAULT as written, any
    other name in lower case (``[Filter_Scheduler]`` is ``[filter_scheduler]``; ``[default]`` is not DEFAULT)."""
    name = header.strip()
    return name if name == "DEFAULT" else name.lower()


def read_settings(text: str) -> Dict[str, Any]:
    """The managed keys' current values (``absent`` when not set)."""
    found: Dict[str, List[str]] = {k: [] for k in SECTIONS}
    section = None
    for line, _end in _split(text):
        head = _SECTION.match(line)
        if head:
            section = _group(head.group(1))
            continue
        match = _KEY.match(line)
        if match and match.group(1) in SECTIONS and SECTIONS[match.group(1)] == section:
            found[match.group(1)].append(match.group(2))
    return {k: _comparable(k, v) for k, v in found.items()}


def _check_final(final: Mapping[str, Any]) -> None:
    sets = {k: final[k] for k in CPU_SETS if final[k] != ABSENT}
    # The libvirt driver tests ``if CONF.reserved_host_cpus``: 0 (capacity_plan's value) goes with the sets.
    if sets and final["reserved_host_cpus"] not in (ABSENT, 0):
        raise PlanError("reserved_host_cpus must not be set together with %s (the libvirt driver refuses to start): "
                        "remove reserved_host_cpus, or leave host CPUs out of the sets instead" % " / ".join(sorted(sets)))
    parsed = {k: parse_cpu_spec(str(v), k) for k, v in sets.items()}
    if len(parsed) == 2:
        both = sorted(parsed["cpu_shared_set"] & parsed["cpu_dedicated_set"])
        if both:
            raise PlanError("cpu_shared_set and cpu_dedicated_set overlap on CPU(s) %s" % ",".join(str(c) for c in both))
    if final["enabled_filters"] != ABSENT:
        normalise("enabled_filters", final["enabled_filters"])


def plan_conf(text: str, desired: Mapping[str, Any]) -> ConfPlan:
    """New text bringing ``desired`` (key -> value or ``absent``) into ``text``; nothing else moves."""
    wanted = {k: normalise(k, v) for k, v in desired.items() if v is not None}
    current = read_settings(text)
    final = dict(current)
    final.update(wanted)
    _check_final(final)
    todo = {k: v for k, v in wanted.items() if current[k] != v}
    if not todo:
        return ConfPlan(text=text, changes=[], restart_services=[])

    split = _split(text)
    lines = [line for line, _end in split]
    newline = next((end for _line, end in split if end), "\n")
    out: List[Optional[str]] = list(lines)
    section = None
    placed: Dict[str, int] = {}  # key -> index of the line replaced by the new value
    hint: Dict[str, int] = {}  # key -> index of a commented-out default to write under
    ends: Dict[str, int] = {}  # section -> index of its last non-blank line
    for i, line in enumerate(lines):
        head = _SECTION.match(line)
        if head:
            section = _group(head.group(1))
            ends[section] = i
            continue
        if section is not None and line.strip():
            ends[section] = i
        match = _KEY.match(line)
        if match and match.group(1) in todo and SECTIONS[match.group(1)] == section:
            key = match.group(1)
            if key not in placed:
                placed[key] = i
            out[i] = None
            continue
        commented = _COMMENTED_KEY.match(line.strip())
        if commented and commented.group(1) in todo and SECTIONS[commented.group(1)] == section:
            hint.setdefault(commented.group(1), i)

    inserts: Dict[int, List[str]] = {}
    appended: Dict[str, List[str]] = {}
    for key in sorted(todo):
        value = todo[key]
        if value == ABSENT:
            continue
        new = _render(key, value)
        if key in placed:
            inserts.setdefault(placed[key], []).extend(new)
        elif key in hint:
            inserts.setdefault(hint[key] + 1, []).extend(new)
        elif SECTIONS[key] in ends:
            inserts.setdefault(ends[SECTIONS[key]] + 1, []).extend(new)
        else:
            appended.setdefault(SECTIONS[key], []).extend(new)

    result: List[Tuple[str, str]] = []  # (line, its ending): kept lines keep theirs, new ones take the file's
    for i in range(len(lines) + 1):
        result.extend((line, newline) for line in inserts.get(i, []))
        if i < len(lines) and out[i] is not None:
            result.append((lines[i], split[i][1] or newline))  # type: ignore[arg-type]
    for name in sorted(appended):
        if result and result[-1][0].strip():
            result.append(("", newline))
        result.extend((line, newline) for line in ["[%s]" % name] + appended[name])
    new_text = "".join(line + end for line, end in result)
    changes = [Change(key=k, before=current[k], after=todo[k]) for k in sorted(todo)]
    return ConfPlan(text=new_text, changes=changes, restart_services=sorted({RESTART[k] for k in todo}))
