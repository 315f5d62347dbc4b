# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What to write to a CMDB configuration item: the field mapping, the difference, the retry schedule.

Pure. A CI is found by its correlation id; the plan is the set of backend fields whose value
differs from the record as read (all of them when there is no record), so writing the plan and
planning again gives nothing to do. A backend that returns every value as a string (ServiceNow's
Table API does, unless display values are asked for) is compared as strings: ``4`` and ``"4"``
are the same value there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

RETRYABLE_STATUS = (408, 425, 429, 500, 502, 503, 504)


def as_text(value: Any) -> str:
    """A value as a string-typed API stores it: booleans as true/false, lists and dicts as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def map_fields(fields: Mapping[str, Any], field_map: Optional[Mapping[str, str]]) -> Dict[str, Any]:
    """Our field names to the backend's; an unmapped field keeps its name. Two fields on one target are refused."""
    out: Dict[str, Any] = {}
    source: Dict[str, str] = {}
    for name in sorted(fields):
        target = (field_map or {}).get(name, name)
        if not isinstance(target, str) or not target:
            raise PlanError("field_map: the target of '%s' must be a non-empty string, not %r" % (name, target))
        if target in source:
            raise PlanError("field_map: '%s' and '%s' both map to backend field '%s'" % (source[target], name, target))
        source[target] = name
        out[target] = fields[name]
    return out


@dataclass(frozen=True)
class RecordPlan:
    """``create`` when no record carries the correlation id; ``changes`` are the fields to write."""

    create: bool
    changes: Dict[str, Any] = field(default_factory=dict)
    before: Dict[str, Any] = field(default_factory=dict)
    after: Dict[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.create or bool(self.changes)


def plan_record(current: Optional[Mapping[str, Any]], desired: Mapping[str, Any], correlation_field: str,
                correlation_id: str, string_values: bool = False) -> RecordPlan:
    """The write that makes ``current`` (None: no record) carry ``desired`` and the correlation id.

    ``before``/``after`` hold only the fields we manage, for the diff.
    """
    if not correlation_id:
        raise PlanError("correlation_id must be a non-empty string")
    if not correlation_field:
        raise PlanError("correlation_field must be a non-empty string")
    if correlation_field in desired and as_text(desired[correlation_field]) != correlation_id:
        raise PlanError("fields: '%s' is the correlation field; it is set from correlation_id (%s), not %r"
                        % (correlation_field, correlation_id, desired[correlation_field]))
    want = dict(desired)
    want[correlation_field] = correlation_id
    if string_values:
        want = {k: as_text(v) for k, v in want.items()}
    if current is None:
        return RecordPlan(create=True, changes=want, before={}, after=want)
    same = (lambda a, b: as_text(a) == as_text(b)) if string_values else (lambda a, b: a == b)
    changes = {k: v for k, v in want.items() if k not in current or not same(current[k], v)}
    before = {k: current.get(k) for k in want if k in current}
    return RecordPlan(create=False, changes=changes, before=before, after=dict(before, **changes))


def pick_one(records: List[Mapping[str, Any]], correlation_field: str, correlation_id: str) -> Optional[Mapping[str, Any]]:
    """The one record with the correlation id; several are refused (the CMDB needs cleaning first)."""
    found = [r for r in records if as_text(r.get(correlation_field)) == correlation_id]
    if len(found) > 1:
        raise PlanError("%d records carry %s=%s; merge them in the CMDB first, this module updates exactly one"
                        % (len(found), correlation_field, correlation_id))
    return found[0] if found else None


def servicenow_query(correlation_field: str, correlation_id: str) -> str:
    """The encoded query (``sysparm_query``) that finds the CI: ``<correlation_field>=<correlation_id>``.

    In an encoded query ``^`` starts a new condition (``^OR``, ``^NQ``) and there is no escape for it, so
    a ``^`` in either part would change which records the query matches; such values are refused.
    """
    for name, value in (("correlation_field", correlation_field), ("correlation_id", correlation_id)):
        if "^" in value:
            raise PlanError("%s %r contains '^', which a ServiceNow encoded query reads as the start of another "
                            "condition and cannot escape; use a value without '^'" % (name, value))
    return "%s=%s" % (correlation_field, correlation_id)


MAX_RETRIES = 100


def backoff_delays(retries: int, base: float, cap: float) -> List[float]:
    """The waits before each retry: base, 2*base, 4*base, ... each at most ``cap`` (bounded, no jitter).

    Doubled step by step and capped at each step, so many retries do not overflow a float. At most
    ``MAX_RETRIES`` retries.
    """
    if retries < 0 or not 0 <= base < float("inf") or not 0 <= cap < float("inf"):
        raise PlanError("retries, retry_delay and retry_max_delay must not be negative (and the delays must be "
                        "finite numbers of seconds)")
    if retries > MAX_RETRIES:  # the list of waits is built up front, one entry a retry
        raise PlanError("retries must be at most %d, not %d" % (MAX_RETRIES, retries))
    delays: List[float] = []
    delay = min(cap, base)
    for _attempt in range(retries):
        delays.append(delay)
        delay = min(cap, delay * 2)
    return delays


def retryable(status: Optional[int]) -> bool:
    """Connection errors (no status) and overload or gateway answers are worth another try; 4xx are not."""
    return status is None or status in RETRYABLE_STATUS
