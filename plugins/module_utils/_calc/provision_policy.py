# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Which approvals a provisioning request needs: a policy engine whose rules are data.

Pure: the caller passes the rule set (a dict, as loaded from YAML) and the request; the result is
the ordered approval chain, each stage with its approver group and the reasons it is needed.

A rule set (docs/provisioning-approvals.md)::

    approver_groups: {finance: [carol], cloud_admins: [alice, bob]}
    stages:                       # the order approvals are asked in
      - {name: finance, group: finance, escalate_to: finance_leads, escalate_after: 3600}
      - {name: cloud_admin, group: cloud_admins}
    rules:                        # every matching rule adds its stages
      - name: large
        reason: 32 GB of memory or more and more than 4 vCPUs
        when: {all: [{field: memory_gb, op: '>=', value: 32}, {field: vcpus, op: '>', value: 4}]}
        stages: [finance, cloud_admin]

The default rule set is the business rule as written (domain reference 10.2), read literally:

* 4 vCPUs or more: the cloud administrator approves;
* 32 GB or more AND more than 4 vCPUs: finance approves first, then the cloud administrator.

Two corner cases follow from the letter of the rule and are kept on purpose:

* 32 GB or more with 4 vCPUs or fewer: only the vCPU rule applies (admin at exactly 4 vCPUs,
  nothing below 4), because the finance rule also asks for more than 4 vCPUs;
* exactly 4 vCPUs with 32 GB or more: the cloud administrator only, because ">4" is strict.

Escalation is data too: a stage with ``escalate_to`` (an approver group) and ``escalate_after``
(seconds) may also be decided by that group's members once it has waited that long and the request
was escalated (``_calc/approval.py``). The default rules escalate both stages to ``cloud_leads``
after an hour.
"""

from __future__ import annotations

import fnmatch
import math
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

NUMERIC_FIELDS = ("disk_gb", "memory_gb", "memory_mb", "vcpus")
TEXT_FIELDS = ("flavor", "image", "project")
FIELDS = NUMERIC_FIELDS + TEXT_FIELDS
NUMERIC_OPS = ("<", "<=", "==", "!=", ">", ">=", "in", "not_in")
TEXT_OPS = ("==", "!=", "in", "not_in", "glob")
LIST_OPS = ("in", "not_in")

RULESET_KEYS = ("approver_groups", "description", "rules", "stages", "version")
STAGE_KEYS = ("description", "escalate_after", "escalate_to", "group", "name")
RULE_KEYS = ("description", "name", "reason", "stages", "when")
LEAF_KEYS = ("field", "op", "value")
GROUP_KEYS = ("all", "any")
REQUEST_KEYS = ("disk_gb", "flavor", "image", "memory_gb", "memory_mb", "project", "vcpus")

DEFAULT_RULES: Dict[str, Any] = {
    "version": 1,
    "description": "Issue 10: 4 or more vCPUs need the cloud admin; 32 GB or more and more than 4 vCPUs "
                   "need finance first, then the cloud admin.",
    "approver_groups": {
        "cloud_admins": ["cloud-admin"],
        "cloud_leads": ["cloud-lead"],
        "finance": ["finance-approver"],
    },
    "stages": [
        {"name": "finance", "group": "finance", "escalate_to": "cloud_leads", "escalate_after": 3600},
        {"name": "cloud_admin", "group": "cloud_admins", "escalate_to": "cloud_leads", "escalate_after": 3600},
    ],
    "rules": [
        {
            "name": "large_memory",
            "reason": "32 GB of memory or more and more than 4 vCPUs",
            "when": {"all": [
                {"field": "memory_gb", "op": ">=", "value": 32},
                {"field": "vcpus", "op": ">", "value": 4},
            ]},
            "stages": ["finance", "cloud_admin"],
        },
        {
            "name": "many_vcpus",
            "reason": "4 vCPUs or more",
            "when": {"field": "vcpus", "op": ">=", "value": 4},
            "stages": ["cloud_admin"],
        },
    ],
}


@dataclass(frozen=True)
class Stage:
    """One approval stage of a chain: who may approve it and why it is needed."""

    number: int
    name: str
    group: str
    approvers: Tuple[str, ...]
    reasons: Tuple[str, ...] = field(default=())
    rules: Tuple[str, ...] = field(default=())
    escalate_to: Optional[str] = None
    escalation_approvers: Tuple[str, ...] = field(default=())
    escalate_after: Optional[float] = None

    def to_dict(self) -> Dict[str, Any]:
        out = dict(number=self.number, name=self.name, group=self.group, approvers=list(self.approvers),
                   reasons=list(self.reasons), rules=list(self.rules))
        if self.escalate_to:
            out["escalation"] = dict(group=self.escalate_to, approvers=list(self.escalation_approvers),
                                     after_seconds=self.escalate_after)
        return out


@dataclass(frozen=True)
class Evaluation:
    """The approval chain a request needs; an empty chain means no approval is needed."""

    chain: Tuple[Stage, ...]
    matched_rules: Tuple[str, ...]

    @property
    def approval_required(self) -> bool:
        return bool(self.chain)

    def to_dict(self) -> Dict[str, Any]:
        return dict(approval_required=self.approval_required, chain=[s.to_dict() for s in self.chain],
                    matched_rules=list(self.matched_rules),
                    summary=summary(self))


def summary(evaluation: Evaluation) -> str:
    if not evaluation.chain:
        return "no approval needed"
    return "approval needed: " + ", then ".join("%s (%s)" % (s.name, "; ".join(s.reasons)) for s in evaluation.chain)


# --- validation -------------------------------------------------------------------------------

def _is_number(value: Any) -> bool:
    """An int, or a finite float: NaN compares false with everything and neither NaN nor infinity is JSON."""
    return isinstance(value, int) and not isinstance(value, bool) or isinstance(value, float) and math.isfinite(value)


def _keys(where: str, data: Any, allowed: Sequence[str], required: Sequence[str] = ()) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise PlanError("%s must be a mapping, not %s" % (where, type(data).__name__))
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise PlanError("%s: unknown field %s (known: %s)" % (where, ", ".join(repr(k) for k in unknown), ", ".join(allowed)))
    for key in required:
        if key not in data:
            raise PlanError("%s: missing field '%s'" % (where, key))
    return data


def _name(where: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PlanError("%s must be a non-empty string" % where)
    return value


def _list(where: str, value: Any) -> List[Any]:
    if not isinstance(value, list) or not value:
        raise PlanError("%s must be a non-empty list" % where)
    return value


def _check_leaf(where: str, cond: Mapping[str, Any]) -> None:
    _keys(where, cond, LEAF_KEYS, LEAF_KEYS)
    name, op, value = cond["field"], cond["op"], cond["value"]
    if name not in FIELDS:
        raise PlanError("%s: unknown field '%s' (known: %s)" % (where, name, ", ".join(FIELDS)))
    ops = NUMERIC_OPS if name in NUMERIC_FIELDS else TEXT_OPS
    if op not in ops:
        raise PlanError("%s: unknown operator '%s' for %s (known: %s)" % (where, op, name, ", ".join(ops)))
    values = value if op in LIST_OPS else [value]
    if op in LIST_OPS and (not isinstance(value, list) or not value):
        raise PlanError("%s: operator '%s' needs a non-empty list as value" % (where, op))
    for item in values:
        if name in NUMERIC_FIELDS and not _is_number(item):
            raise PlanError("%s: %s compares with a number, not %r" % (where, name, item))
        if name in TEXT_FIELDS and not isinstance(item, str):
            raise PlanError("%s: %s compares with a string, not %r" % (where, name, item))


def _check_condition(where: str, cond: Any) -> None:
    if not isinstance(cond, Mapping):
        raise PlanError("%s must be a mapping, not %s" % (where, type(cond).__name__))
    groups = [k for k in GROUP_KEYS if k in cond]
    if not groups:
        _check_leaf(where, cond)
        return
    if len(groups) > 1:
        raise PlanError("%s: a condition has either 'all' (AND) or 'any' (OR), not both; nest one in the other" % where)
    _keys(where, cond, (groups[0],))
    for index, sub in enumerate(_list("%s.%s" % (where, groups[0]), cond[groups[0]])):
        _check_condition("%s.%s[%d]" % (where, groups[0], index), sub)


_BOUND_OPS = {">": (True, False), ">=": (True, True), "<": (False, False), "<=": (False, True)}


def _unsatisfiable(cond: Mapping[str, Any]) -> Optional[str]:
    """For an ``all`` of numeric bounds on one field that no value can meet, say which ones."""
    if "all" not in cond:
        return None
    by_field: Dict[str, List[Mapping[str, Any]]] = {}
    for sub in cond["all"]:
        # Only numeric fields have bounds: a text field's == (project == research) bounds nothing.
        if sub.get("field") in NUMERIC_FIELDS and (sub["op"] in _BOUND_OPS or sub["op"] == "=="):
            by_field.setdefault(sub["field"], []).append(sub)
    for name, leaves in sorted(by_field.items()):
        low, low_incl, high, high_incl = float("-inf"), True, float("inf"), True
        for leaf in leaves:
            bounds = [(True, True), (False, True)] if leaf["op"] == "==" else [_BOUND_OPS[leaf["op"]]]
            for is_low, inclusive in bounds:
                value = leaf["value"]
                if is_low and (value > low or (value == low and not inclusive)):
                    low, low_incl = value, inclusive
                if not is_low and (value < high or (value == high and not inclusive)):
                    high, high_incl = value, inclusive
        if low > high or (low == high and not (low_incl and high_incl)):
            return " and ".join("%s %s %s" % (name, leaf["op"], leaf["value"]) for leaf in leaves)
    return None


def _check_escalation(where: str, stage: Mapping[str, Any], groups: Mapping[str, Any]) -> None:
    """``escalate_to`` names another defined group; ``escalate_after`` (seconds, 0 or more) goes with it."""
    target, after = stage.get("escalate_to"), stage.get("escalate_after")
    if target is None and after is None:
        return
    if target is None:
        raise PlanError("%s: stage '%s' has escalate_after but no escalate_to group" % (where, stage["name"]))
    if after is None:
        raise PlanError("%s: stage '%s' escalates to '%s' but has no escalate_after (seconds)" % (where, stage["name"], target))
    _name("%s.escalate_to" % where, target)
    if target not in groups:
        raise PlanError("%s: stage '%s' escalates to approver group '%s', which is not defined (defined: %s)"
                        % (where, stage["name"], target, ", ".join(sorted(groups))))
    if target == stage["group"]:
        raise PlanError("%s: stage '%s' escalates to its own group '%s'; name another group" % (where, stage["name"], target))
    if not _is_number(after) or after < 0:
        raise PlanError("%s: stage '%s': escalate_after must be a number of seconds, 0 or more, not %r"
                        % (where, stage["name"], after))


def validate_rules(rules: Any) -> Mapping[str, Any]:
    """Check a rule set; raise PlanError naming the first problem, where it is and what is known."""
    _keys("rule set", rules, RULESET_KEYS, ("approver_groups", "rules", "stages"))
    if rules.get("version", 1) != 1:
        raise PlanError("rule set: version %r is not supported (known: 1)" % rules.get("version"))
    groups = rules["approver_groups"]
    if not isinstance(groups, Mapping) or not groups:
        raise PlanError("approver_groups must be a non-empty mapping of group name to members")
    for group, members in groups.items():
        if not isinstance(members, list) or not members:
            raise PlanError("approver group '%s' has no members" % group)
        for member in members:
            _name("approver group '%s': member" % group, member)

    stage_names: List[str] = []
    for index, stage in enumerate(_list("stages", rules["stages"])):
        where = "stages[%d]" % index
        _keys(where, stage, STAGE_KEYS, ("name", "group"))
        name = _name(where + ".name", stage["name"])
        if name in stage_names:
            raise PlanError("%s: stage '%s' is defined twice" % (where, name))
        _name(where + ".group", stage["group"])
        if stage["group"] not in groups:
            raise PlanError("%s: stage '%s' names approver group '%s', which is not defined (defined: %s)"
                            % (where, name, stage["group"], ", ".join(sorted(groups))))
        _check_escalation(where, stage, groups)
        stage_names.append(name)

    reachable = set()
    rule_names: List[str] = []
    for index, rule in enumerate(_list("rules", rules["rules"])):
        where = "rules[%d]" % index
        _keys(where, rule, RULE_KEYS, ("name", "when", "stages"))
        name = _name(where + ".name", rule["name"])
        if name in rule_names:
            raise PlanError("%s: rule '%s' is defined twice" % (where, name))
        rule_names.append(name)
        where = "rule '%s'" % name
        if rule.get("reason") is not None and not isinstance(rule["reason"], str):
            raise PlanError("%s.reason must be a string, not %r" % (where, rule["reason"]))
        _check_condition(where + ".when", rule["when"])
        for stage in _list(where + ".stages", rule["stages"]):
            if stage not in stage_names:
                raise PlanError("%s names stage '%s', which is not defined (defined: %s)"
                                % (where, stage, ", ".join(stage_names)))
        if len(set(rule["stages"])) != len(rule["stages"]):
            raise PlanError("%s names a stage twice: %s" % (where, ", ".join(rule["stages"])))
        never = _unsatisfiable(rule["when"])
        if never:
            raise PlanError("%s can never match: %s" % (where, never))
        reachable.update(rule["stages"])
    for stage in stage_names:
        if stage not in reachable:
            raise PlanError("stage '%s' cannot be reached: no rule that can match asks for it" % stage)
    return rules


def with_approvers(rules: Mapping[str, Any], approver_groups: Optional[Mapping[str, Sequence[str]]]) -> Dict[str, Any]:
    """The rule set with the members of the named groups replaced (the default rules, your people)."""
    merged = dict(rules)
    if approver_groups:
        groups = dict(rules.get("approver_groups") or {})
        for name, members in approver_groups.items():
            if not isinstance(members, (list, tuple)):
                raise PlanError("approver_groups: the members of '%s' must be a list of names, not %r" % (name, members))
            groups[name] = list(members)
        merged["approver_groups"] = groups
    return merged


def check_approver_groups_used(rules: Mapping[str, Any], names: Optional[Iterable[str]]) -> None:
    """Refuse a group of the approver_groups option that no stage of ``rules`` decides or escalates to.

    Such a name is a typo (``Finance`` for ``finance``): the real group would keep the rule set's
    members, and the people meant to approve would be refused later.
    """
    used = set()
    for stage in rules.get("stages") or ():
        if isinstance(stage, Mapping):
            used.update(v for v in (stage.get("group"), stage.get("escalate_to")) if isinstance(v, str))
    unused = sorted(str(name) for name in names or () if name not in used)
    if unused:
        raise PlanError("approver_groups names %s, which no stage decides or escalates to (the stages use: %s)"
                        % (", ".join(unused), ", ".join(sorted(used))))


def with_escalation(rules: Mapping[str, Any], group: Optional[str] = None,
                    after_seconds: Optional[float] = None) -> Dict[str, Any]:
    """The rule set with every stage escalating to ``group``, and every escalating stage after ``after_seconds``.

    Either may be None (keep what the rules say). This is how the playbook's escalation settings
    reach the default rules, as ``with_approvers`` gives them their people.
    """
    merged = dict(rules)
    if group is None and after_seconds is None:
        return merged
    stages = []
    for stage in rules.get("stages") or []:
        stage = dict(stage) if isinstance(stage, Mapping) else stage
        if isinstance(stage, dict):
            if group is not None:
                stage["escalate_to"] = group
            if after_seconds is not None and stage.get("escalate_to") is not None:
                stage["escalate_after"] = after_seconds
        stages.append(stage)
    merged["stages"] = stages
    return merged


# --- evaluation -------------------------------------------------------------------------------

def normalize_request(request: Mapping[str, Any]) -> Dict[str, Any]:
    """Check a request and give it both memory_mb and memory_gb (1 GB = 1024 MB)."""
    _keys("request", request, REQUEST_KEYS)
    out = {k: v for k, v in request.items() if v is not None}
    vcpus = out.get("vcpus")
    if not isinstance(vcpus, int) or isinstance(vcpus, bool) or vcpus < 1:
        raise PlanError("request: vcpus must be a whole number of 1 or more, not %r" % (vcpus,))
    if "memory_mb" in out and "memory_gb" in out and out["memory_mb"] != out["memory_gb"] * 1024:
        raise PlanError("request: memory_mb %s and memory_gb %s disagree; give one of them"
                        % (out["memory_mb"], out["memory_gb"]))
    if "memory_mb" not in out and "memory_gb" not in out:
        raise PlanError("request: memory_mb or memory_gb is required")
    memory_mb = out["memory_mb"] if "memory_mb" in out else out["memory_gb"] * 1024
    if not _is_number(memory_mb) or memory_mb <= 0:
        raise PlanError("request: memory must be a positive number, not %r" % (memory_mb,))
    out["memory_mb"] = int(memory_mb) if float(memory_mb).is_integer() else memory_mb
    out["memory_gb"] = out["memory_mb"] / 1024
    disk = out.setdefault("disk_gb", 0)
    if not _is_number(disk) or disk < 0:
        raise PlanError("request: disk_gb must be a number of 0 or more, not %r" % (disk,))
    for name in TEXT_FIELDS:
        if name in out and not isinstance(out[name], str):
            raise PlanError("request: %s must be a string, not %r" % (name, out[name]))
    return out


def _leaf(cond: Mapping[str, Any], request: Mapping[str, Any]) -> bool:
    op, want = cond["op"], cond["value"]
    have = request.get(cond["field"])
    if have is None:  # a text field the request does not give: only the negative operators hold
        return op in ("!=", "not_in")
    if op == "in":
        return have in want
    if op == "not_in":
        return have not in want
    if op == "glob":
        return fnmatch.fnmatchcase(have, want)
    return {
        "<": have < want, "<=": have <= want, "==": have == want,
        "!=": have != want, ">": have > want, ">=": have >= want,
    }[op]


def matches(cond: Mapping[str, Any], request: Mapping[str, Any]) -> bool:
    """Evaluate a (validated) condition: a leaf, ``all`` (AND) or ``any`` (OR)."""
    if "all" in cond:
        return all(matches(sub, request) for sub in cond["all"])
    if "any" in cond:
        return any(matches(sub, request) for sub in cond["any"])
    return _leaf(cond, request)


def evaluate(request: Mapping[str, Any], rules: Optional[Mapping[str, Any]] = None) -> Evaluation:
    """The approval chain ``request`` needs under ``rules`` (the default rule set when None).

    Every matching rule adds its stages; the chain holds each needed stage once, in the order of
    the rule set's ``stages``, with the reasons of every rule that asked for it.
    """
    ruleset = validate_rules(DEFAULT_RULES if rules is None else rules)
    req = normalize_request(request)
    reasons: Dict[str, List[str]] = {}
    by: Dict[str, List[str]] = {}
    matched = []
    for rule in ruleset["rules"]:
        if not matches(rule["when"], req):
            continue
        matched.append(rule["name"])
        for stage in rule["stages"]:
            reasons.setdefault(stage, []).append(rule.get("reason") or "rule %s" % rule["name"])
            by.setdefault(stage, []).append(rule["name"])
    chain = []
    for stage in ruleset["stages"]:
        if stage["name"] in reasons:
            target = stage.get("escalate_to")
            chain.append(Stage(number=len(chain) + 1, name=stage["name"], group=stage["group"],
                               approvers=tuple(ruleset["approver_groups"][stage["group"]]),
                               reasons=tuple(reasons[stage["name"]]), rules=tuple(by[stage["name"]]),
                               escalate_to=target,
                               escalation_approvers=tuple(ruleset["approver_groups"][target]) if target else (),
                               escalate_after=stage.get("escalate_after")))
    return Evaluation(chain=tuple(chain), matched_rules=tuple(matched))
