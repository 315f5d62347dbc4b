# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Placement resource provider inventories: validation, the plan of one provider, the usage guard.

Pure: the caller reads inventories and usages through the placement API and applies the plan with
one ``PUT /resource_providers/{uuid}/inventories`` carrying every class and the generation it read.

Rules (domain reference 1.4, placement ``placement/schemas/inventory.py`` and
``placement/objects/inventory.py``):
* ``capacity = int((total - reserved) x allocation_ratio)``;
* every value is a finite number (``inf``/``nan`` are refused);
* ``total`` >= 1, ``reserved`` >= 0 and at most ``total``, ``min_unit`` >= 1, ``max_unit`` >= 1 and
  >= ``min_unit``, ``step_size`` >= 1, ``allocation_ratio`` > 0;
* placement fills an omitted field with its default, so the plan always carries every field;
* a ratio that differs by less than RATIO_TOLERANCE (relative) is unchanged: on MySQL, placement keeps
  ratios in single precision;
* placement accepts an inventory whose capacity falls below what is already allocated (the
  provider is then over capacity); the plan refuses that unless forced.
"""

from __future__ import annotations

import fnmatch
import math
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

FIELDS = ("allocation_ratio", "max_unit", "min_unit", "reserved", "step_size", "total")
SETTABLE = tuple(f for f in FIELDS if f != "total")
MAX_INT = 2147483647
# Placement's own defaults for a field left out of a PUT.
DEFAULTS: Dict[str, Any] = dict(allocation_ratio=1.0, max_unit=MAX_INT, min_unit=1, reserved=0, step_size=1)
# Standard classes (os-resource-classes: VCPU, MEMORY_MB, DISK_GB, PCPU, ...) and CUSTOM_* share this form.
_CLASS_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")

Inventory = Dict[str, Any]


def capacity(inv: Mapping[str, Any]) -> int:
    """What placement lets consumers allocate from one inventory."""
    return int((int(inv["total"]) - int(inv.get("reserved", 0))) * float(inv.get("allocation_ratio", 1.0)))


def _value(rc: str, key: str, value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        raise PlanError("%s: %s must be a number, not %r" % (rc, key, value))
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise PlanError("%s: %s must be a number, not %r" % (rc, key, value)) from None
    if not math.isfinite(number):
        raise PlanError("%s: %s must be a finite number, not %r" % (rc, key, value))
    if key == "allocation_ratio":
        if number <= 0:
            raise PlanError("%s: allocation_ratio must be above 0, not %s" % (rc, value))
        return number
    if number != int(number):
        raise PlanError("%s: %s must be a whole number, not %s" % (rc, key, value))
    number = int(number)
    low = 0 if key == "reserved" else 1
    if not low <= number <= MAX_INT:
        raise PlanError("%s: %s must be between %d and %d, not %d" % (rc, key, low, MAX_INT, number))
    return number


def desired_from_dict(data: Mapping[str, Any]) -> Dict[str, Inventory]:
    """Validate the wanted inventories: {resource class: {field: value}}; only the given fields are managed."""
    if not data:
        raise PlanError("inventories: give at least one resource class, for example VCPU: {allocation_ratio: 4.0}")
    out: Dict[str, Inventory] = {}
    for rc, fields in data.items():
        rc = str(rc)
        if not _CLASS_RE.fullmatch(rc):  # not match: its $ also matches before a trailing line break
            raise PlanError("inventories: %r is not a resource class name (upper case, digits and _; custom ones "
                            "start with CUSTOM_)" % rc)
        if not isinstance(fields, Mapping) or not fields:
            raise PlanError("inventories.%s: give a dict of fields (%s)" % (rc, ", ".join(FIELDS)))
        unknown = sorted(set(fields) - set(FIELDS))
        if unknown:
            raise PlanError("inventories.%s: unknown field(s) %s; the fields are %s" % (rc, ", ".join(unknown), ", ".join(FIELDS)))
        out[rc] = {key: _value(rc, key, value) for key, value in fields.items() if value is not None}
        if not out[rc]:
            raise PlanError("inventories.%s: every field is null" % rc)
    return out


def check_inventory(rc: str, inv: Mapping[str, Any]) -> None:
    """The cross-field rules placement enforces, checked before anything is sent."""
    if inv["reserved"] > inv["total"]:
        raise PlanError("%s: reserved (%d) is above total (%d)" % (rc, inv["reserved"], inv["total"]))
    if inv["min_unit"] > inv["max_unit"]:
        raise PlanError("%s: min_unit (%d) is above max_unit (%d)" % (rc, inv["min_unit"], inv["max_unit"]))


def check_selectors(**selectors: Optional[str]) -> None:
    """Refuse an empty or blank selector: an empty aggregate filter is no filter at all, so it would select every provider."""
    for key in sorted(selectors):
        value = selectors[key]
        if value is not None and not value.strip():
            raise PlanError("%s must not be empty: give a provider, a name pattern or an aggregate UUID" % key)


def select(providers: Sequence[Mapping[str, Any]], provider: Optional[str] = None,
           name_pattern: Optional[str] = None) -> List[Mapping[str, Any]]:
    """Providers by exact name or uuid, or by a shell-style name pattern (fnmatch), sorted by name."""
    if provider is not None:
        chosen = [p for p in providers if provider in (p["uuid"], p["name"])]
    elif name_pattern is not None:
        chosen = [p for p in providers if fnmatch.fnmatchcase(p["name"], name_pattern)]
    else:
        chosen = list(providers)
    return sorted(chosen, key=lambda p: (p["name"], p["uuid"]))


@dataclass
class ProviderPlan:
    """The plan of one provider: the full inventory set to PUT, and what changes in it."""

    uuid: str
    name: str
    generation: int
    inventories: Dict[str, Inventory]
    changes: Dict[str, Dict[str, Dict[str, Any]]] = field(default_factory=dict)
    capacity: Dict[str, Dict[str, int]] = field(default_factory=dict)
    shrinking: List[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    @property
    def new_custom_classes(self) -> List[str]:
        """Custom classes this plan creates on the provider (they may not exist in Placement yet)."""
        return sorted(rc for rc, fields in self.changes.items()
                      if rc.startswith("CUSTOM_") and fields.get("total", {}).get("before", 0) is None)


def plan_provider(uuid: str, name: str, generation: int, current: Mapping[str, Inventory],
                  desired: Mapping[str, Inventory]) -> ProviderPlan:
    """Merge ``desired`` into ``current`` (every class of the provider is kept and fully spelled out)."""
    full: Dict[str, Inventory] = {}
    for rc, inv in current.items():
        full[rc] = dict(DEFAULTS, **{k: v for k, v in inv.items() if k in FIELDS})
    plan = ProviderPlan(uuid=uuid, name=name, generation=generation, inventories=full)
    for rc, want in desired.items():
        if rc in full:
            before: Optional[Inventory] = dict(full[rc])
        elif "total" in want:
            before = None
        else:
            raise PlanError("resource provider %s has no %s inventory; give inventories.%s.total to create it"
                            % (name, rc, rc))
        after = dict(before or DEFAULTS, **want)
        check_inventory("%s on %s" % (rc, name), after)
        changes = {k: {"before": None if before is None else before.get(k), "after": after[k]}
                   for k in FIELDS if before is None or _differs(before.get(k), after[k])}
        full[rc] = after
        if changes:
            plan.changes[rc] = changes
            old_cap = 0 if before is None else capacity(before)
            new_cap = capacity(after)
            plan.capacity[rc] = {"before": old_cap, "after": new_cap}
            if new_cap < old_cap:
                plan.shrinking.append(rc)
    return plan


# Placement keeps allocation_ratio in a Float column: a 4-byte FLOAT on MySQL, which gives a ratio back
# with about 6 significant digits (1.333333 comes back as 1.33333). Ratios within this relative
# difference are the same ratio; anything closer is below what the database keeps.
RATIO_TOLERANCE = 1e-5


def _differs(old: Any, new: Any) -> bool:
    if isinstance(new, float) or isinstance(old, float):
        return old is None or not math.isclose(float(old), float(new), rel_tol=RATIO_TOLERANCE, abs_tol=1e-9)
    return old != new


def check_usages(plan: ProviderPlan, usages: Mapping[str, int], force: bool) -> List[str]:
    """Refuse (PlanError) a plan that leaves allocations above capacity; with force, return warnings."""
    problems = []
    for rc in plan.shrinking:
        used = int(usages.get(rc, 0))
        new_cap = plan.capacity[rc]["after"]
        if used > new_cap:
            problems.append("%s on %s: %d in use, capacity would drop from %d to %d"
                            % (rc, plan.name, used, plan.capacity[rc]["before"], new_cap))
    if problems and not force:
        raise PlanError("refusing to leave allocations above capacity (force: true to do it anyway): "
                        + "; ".join(problems))
    return problems


def report(plan: ProviderPlan, retries: int = 0) -> Dict[str, Any]:
    """The per-provider entry of the module result."""
    return dict(uuid=plan.uuid, name=plan.name, generation=plan.generation, changed=plan.changed,
                changes=plan.changes, capacity=plan.capacity, retries=retries)


def describe(inventories: Mapping[str, Inventory], usages: Optional[Mapping[str, int]] = None) -> Dict[str, Inventory]:
    """Inventories with their capacity (and usage when known), as the info module returns them."""
    out: Dict[str, Inventory] = {}
    for rc, inv in sorted(inventories.items()):
        entry = dict(DEFAULTS, **{k: v for k, v in inv.items() if k in FIELDS})
        entry["capacity"] = capacity(entry)
        if usages is not None:
            entry["used"] = int(usages.get(rc, 0))
        out[rc] = entry
    return out
