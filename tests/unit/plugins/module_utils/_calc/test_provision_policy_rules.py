# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Table tests for the provisioning policy engine: the default rules, custom rules, malformed rules."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.provision_policy import (
    DEFAULT_RULES,
    evaluate,
    normalize_request,
    validate_rules,
    with_approvers,
    with_escalation,
)

ADMIN, FINANCE = "cloud_admin", "finance"

DEFAULT_CASES = [
    # (case, request, expected stage names)
    ("1 vCPU / 4 GB: none", {"vcpus": 1, "memory_gb": 4}, []),
    ("3 vCPU: none (v < 4)", {"vcpus": 3, "memory_mb": 16384}, []),
    ("4 vCPU / 4 GB: admin (v >= 4)", {"vcpus": 4, "memory_gb": 4}, [ADMIN]),
    ("5 vCPU / 31.99 GB: admin only", {"vcpus": 5, "memory_mb": 32767}, [ADMIN]),
    ("8 vCPU / 32 GB: finance then admin", {"vcpus": 8, "memory_gb": 32}, [FINANCE, ADMIN]),
    ("5 vCPU / 32768 MB: finance then admin (r >= 32, v > 4)", {"vcpus": 5, "memory_mb": 32768}, [FINANCE, ADMIN]),
    ("64 vCPU / 512 GB: finance then admin", {"vcpus": 64, "memory_gb": 512, "disk_gb": 2000}, [FINANCE, ADMIN]),
    # Corner case 1: 32 GB or more with 4 vCPUs or fewer needs only what the vCPU rule says.
    ("corner: 3 vCPU / 32 GB: none", {"vcpus": 3, "memory_gb": 32}, []),
    ("corner: 1 vCPU / 256 GB: none", {"vcpus": 1, "memory_gb": 256}, []),
    # Corner case 2: exactly 4 vCPUs with 32 GB needs the admin only (">4" is strict).
    ("corner: 4 vCPU / 32 GB: admin only", {"vcpus": 4, "memory_gb": 32}, [ADMIN]),
    ("corner: 4 vCPU / 128 GB: admin only", {"vcpus": 4, "memory_gb": 128}, [ADMIN]),
]


@pytest.mark.parametrize("case,request_,expected", DEFAULT_CASES, ids=[c[0] for c in DEFAULT_CASES])
def test_default_rules(case, request_, expected):
    result = evaluate(request_)
    assert [s.name for s in result.chain] == expected, case
    assert result.approval_required is bool(expected)
    assert [s.number for s in result.chain] == list(range(1, len(expected) + 1))
    out = result.to_dict()
    assert out["summary"] == "no approval needed" if not expected else out["summary"].startswith("approval needed: " + expected[0])


def test_default_chain_carries_groups_members_and_reasons():
    result = evaluate({"vcpus": 8, "memory_gb": 32})
    finance, admin = result.chain
    assert (finance.group, finance.approvers, finance.rules) == ("finance", ("finance-approver",), ("large_memory",))
    assert finance.reasons == ("32 GB of memory or more and more than 4 vCPUs",)
    assert admin.group == "cloud_admins" and admin.rules == ("large_memory", "many_vcpus")
    assert admin.reasons == ("32 GB of memory or more and more than 4 vCPUs", "4 vCPUs or more")
    assert result.matched_rules == ("large_memory", "many_vcpus")


def test_approver_groups_replace_members_only():
    rules = with_approvers(DEFAULT_RULES, {"finance": ["carol"], "cloud_admins": ["alice", "bob"]})
    finance, admin = evaluate({"vcpus": 8, "memory_gb": 32}, rules).chain
    assert finance.approvers == ("carol",) and admin.approvers == ("alice", "bob")
    assert DEFAULT_RULES["approver_groups"]["finance"] == ["finance-approver"]
    with pytest.raises(PlanError, match="members of 'finance' must be a list"):
        with_approvers(DEFAULT_RULES, {"finance": "carol"})


def custom_rules():
    """Three stages; AND/OR over every field; a rule with no reason."""
    return {
        "version": 1,
        "approver_groups": {"security": ["sam"], "gpu_owners": ["gina"], "ops": ["olga", "oscar"]},
        "stages": [
            {"name": "security", "group": "security", "description": "outside images"},
            {"name": "gpu", "group": "gpu_owners"},
            {"name": "ops", "group": "ops"},
        ],
        "rules": [
            {"name": "untrusted_image", "reason": "image not from the golden set",
             "when": {"all": [{"field": "image", "op": "not_in", "value": ["debian-12", "rhel-9"]},
                              {"field": "project", "op": "!=", "value": "sandbox"}]},
             "stages": ["security", "ops"]},
            {"name": "gpu_or_big_disk",
             "when": {"any": [{"field": "flavor", "op": "glob", "value": "g*.*"},
                              {"all": [{"field": "disk_gb", "op": ">", "value": 500},
                                       {"field": "project", "op": "in", "value": ["research", "ml"]}]}]},
             "stages": ["gpu"]},
            {"name": "memory_in_mb", "reason": "over 64 GB", "when": {"field": "memory_mb", "op": ">", "value": 65536},
             "stages": ["ops"]},
            {"name": "exact_vcpus", "reason": "odd size", "when": {"field": "vcpus", "op": "==", "value": 3},
             "stages": ["ops"]},
        ],
    }


CUSTOM_CASES = [
    ("golden image, small: none", {"vcpus": 2, "memory_gb": 4, "image": "debian-12", "project": "web"}, [], []),
    ("other image: security then ops", {"vcpus": 2, "memory_gb": 4, "image": "win-2022", "project": "web"},
     ["security", "ops"], ["image not from the golden set"]),
    ("other image in sandbox: none (AND)", {"vcpus": 2, "memory_gb": 4, "image": "win-2022", "project": "sandbox"}, [], []),
    ("no image given: not_in holds", {"vcpus": 2, "memory_gb": 4, "project": "web"}, ["security", "ops"], None),
    ("gpu flavor by glob (OR)", {"vcpus": 2, "memory_gb": 4, "image": "rhel-9", "flavor": "g1.large"},
     ["gpu"], ["rule gpu_or_big_disk"]),
    ("big disk in research (nested AND in OR)", {"vcpus": 2, "memory_gb": 4, "image": "rhel-9", "disk_gb": 501,
                                                 "project": "research"}, ["gpu"], None),
    ("big disk elsewhere: none", {"vcpus": 2, "memory_gb": 4, "image": "rhel-9", "disk_gb": 501, "project": "web"}, [], []),
    ("no flavor given: glob does not match", {"vcpus": 2, "memory_gb": 4, "image": "rhel-9"}, [], []),
    ("memory in MB rule, order follows stages", {"vcpus": 2, "memory_gb": 65, "image": "x", "flavor": "g2.huge", "project": "p"},
     ["security", "gpu", "ops"], None),
    ("exact vCPUs", {"vcpus": 3, "memory_gb": 4, "image": "rhel-9"}, ["ops"], ["odd size"]),
]


@pytest.mark.parametrize("case,request_,stages,first_reasons", CUSTOM_CASES, ids=[c[0] for c in CUSTOM_CASES])
def test_custom_rules(case, request_, stages, first_reasons):
    result = evaluate(request_, custom_rules())
    assert [s.name for s in result.chain] == stages, case
    if first_reasons is not None and stages:
        assert list(result.chain[0].reasons) == first_reasons


def test_a_stage_asked_by_two_rules_appears_once_with_both_reasons():
    result = evaluate({"vcpus": 3, "memory_gb": 65, "image": "rhel-9"}, custom_rules())
    assert [s.name for s in result.chain] == ["ops"]
    assert result.chain[0].reasons == ("over 64 GB", "odd size")


def broken(path, value=None, delete=False):
    """The custom rule set with one thing changed at ``path`` (a list of keys and indexes)."""
    rules = custom_rules()
    target = rules
    for key in path[:-1]:
        target = target[key]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return rules


def vcpus(*bounds):
    """An ``all`` of bounds on vcpus: vcpus((">=", 8), ("<", 4))."""
    return {"all": [{"field": "vcpus", "op": op, "value": value} for op, value in bounds]}


MALFORMED = [
    ("not a mapping", ["x"], "rule set must be a mapping, not list"),
    ("unknown top-level field", broken(["approvers"], {}), "rule set: unknown field 'approvers'"),
    ("missing stages", broken(["stages"], delete=True), "rule set: missing field 'stages'"),
    ("unsupported version", broken(["version"], 2), "version 2 is not supported"),
    ("group with no members", broken(["approver_groups", "gpu_owners"], []), "approver group 'gpu_owners' has no members"),
    ("group member not a name", broken(["approver_groups", "ops"], ["olga", ""]), "approver group 'ops': member must be"),
    ("no groups", broken(["approver_groups"], {}), "approver_groups must be a non-empty mapping"),
    ("no stages", broken(["stages"], []), "stages must be a non-empty list"),
    ("unknown stage field", broken(["stages", 1, "timeout"], 3600),
     "stages[1]: unknown field 'timeout' (known: description, escalate_after, escalate_to, group, name)"),
    ("stage with undefined group", broken(["stages", 2, "group"], "operators"),
     "stages[2]: stage 'ops' names approver group 'operators', which is not defined (defined: gpu_owners, ops, security)"),
    ("stage twice", broken(["stages", 1, "name"], "security"), "stages[1]: stage 'security' is defined twice"),
    ("escalation to an undefined group", broken(["stages", 2], {"name": "ops", "group": "ops", "escalate_to": "leads", "escalate_after": 60}),
     "stages[2]: stage 'ops' escalates to approver group 'leads', which is not defined (defined: gpu_owners, ops, security)"),
    ("escalation to its own group", broken(["stages", 2], {"name": "ops", "group": "ops", "escalate_to": "ops", "escalate_after": 60}),
     "stages[2]: stage 'ops' escalates to its own group 'ops'; name another group"),
    ("escalation without a time", broken(["stages", 2], {"name": "ops", "group": "ops", "escalate_to": "security"}),
     "stages[2]: stage 'ops' escalates to 'security' but has no escalate_after (seconds)"),
    ("escalation time without a group", broken(["stages", 2], {"name": "ops", "group": "ops", "escalate_after": 60}),
     "stages[2]: stage 'ops' has escalate_after but no escalate_to group"),
    ("negative escalation time", broken(["stages", 2], {"name": "ops", "group": "ops", "escalate_to": "security", "escalate_after": -1}),
     "stage 'ops': escalate_after must be a number of seconds, 0 or more, not -1"),
    ("infinite escalation time", broken(["stages", 2], {"name": "ops", "group": "ops", "escalate_to": "security",
                                                        "escalate_after": float("inf")}),
     "escalate_after must be a number of seconds, 0 or more, not inf"),
    ("a bound that is not a number", broken(["rules", 0, "when"], {"field": "vcpus", "op": ">=", "value": float("nan")}),
     "vcpus compares with a number, not nan"),
    ("a reason that is not text", broken(["rules", 2, "reason"], 64), "rule 'memory_in_mb'.reason must be a string, not 64"),
    ("a group that is a list", broken(["stages", 2, "group"], ["ops"]), "stages[2].group must be a non-empty string"),
    ("an escalation group that is a list", broken(["stages", 2], {"name": "ops", "group": "ops", "escalate_to": ["security"],
                                                                  "escalate_after": 60}),
     "stages[2].escalate_to must be a non-empty string"),
    ("escalation time as text", broken(["stages", 2], {"name": "ops", "group": "ops", "escalate_to": "security", "escalate_after": "1h"}),
     "escalate_after must be a number of seconds, 0 or more, not '1h'"),
    ("unreachable stage", broken(["rules", 1, "stages"], ["ops"]), "stage 'gpu' cannot be reached: no rule that can match asks for it"),
    ("unknown rule field", broken(["rules", 0, "priority"], 1), "rules[0]: unknown field 'priority'"),
    ("rule without when", broken(["rules", 2, "when"], delete=True), "rules[2]: missing field 'when'"),
    ("rule twice", broken(["rules", 3, "name"], "memory_in_mb"), "rules[3]: rule 'memory_in_mb' is defined twice"),
    ("rule names undefined stage", broken(["rules", 3, "stages"], ["ops", "legal"]),
     "rule 'exact_vcpus' names stage 'legal', which is not defined (defined: security, gpu, ops)"),
    ("rule names a stage twice", broken(["rules", 3, "stages"], ["ops", "ops"]), "rule 'exact_vcpus' names a stage twice"),
    ("rule with no stages", broken(["rules", 3, "stages"], []), "rule 'exact_vcpus'.stages must be a non-empty list"),
    ("unknown condition field", broken(["rules", 2, "when", "field"], "ram"),
     "rule 'memory_in_mb'.when: unknown field 'ram' (known: disk_gb, memory_gb, memory_mb, vcpus, flavor, image, project)"),
    ("unknown operator", broken(["rules", 2, "when", "op"], "=>"), "rule 'memory_in_mb'.when: unknown operator '=>' for memory_mb"),
    ("ordering on a text field", broken(["rules", 0, "when", "all", 1, "op"], ">"),
     "rule 'untrusted_image'.when.all[1]: unknown operator '>' for project (known: ==, !=, in, not_in, glob)"),
    ("extra key in a leaf", broken(["rules", 2, "when", "unit"], "GB"), "rule 'memory_in_mb'.when: unknown field 'unit'"),
    ("leaf without value", broken(["rules", 2, "when", "value"], delete=True), "rule 'memory_in_mb'.when: missing field 'value'"),
    ("number compared with text", broken(["rules", 2, "when", "value"], "64G"), "memory_mb compares with a number, not '64G'"),
    ("text compared with number", broken(["rules", 1, "when", "any", 0, "value"], 1), "flavor compares with a string, not 1"),
    ("in without a list", broken(["rules", 0, "when", "all", 0, "value"], "debian-12"), "operator 'not_in' needs a non-empty list"),
    ("and with or in one mapping", broken(["rules", 1, "when", "all"], []),
     "rule 'gpu_or_big_disk'.when: a condition has either 'all' (AND) or 'any' (OR), not both"),
    ("group with a leaf key", broken(["rules", 1, "when", "field"], "vcpus"), "rule 'gpu_or_big_disk'.when: unknown field 'field' (known: any)"),
    ("empty all", broken(["rules", 0, "when", "all"], []), "rule 'untrusted_image'.when.all must be a non-empty list"),
    ("condition not a mapping", broken(["rules", 3, "when"], "vcpus == 3"), "rule 'exact_vcpus'.when must be a mapping, not str"),
    ("rule that can never match", broken(["rules", 3, "when"], vcpus((">=", 8), ("<", 4))),
     "rule 'exact_vcpus' can never match: vcpus >= 8 and vcpus < 4"),
    ("strict bounds that meet", broken(["rules", 3, "when"], vcpus((">", 4), ("<=", 4))),
     "can never match: vcpus > 4 and vcpus <= 4"),
    ("equality outside a bound", broken(["rules", 3, "when"], vcpus(("==", 2), (">", 2))),
     "can never match: vcpus == 2 and vcpus > 2"),
]


@pytest.mark.parametrize("case,rules,message", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_rules_are_refused_precisely(case, rules, message):
    with pytest.raises(PlanError) as err:
        validate_rules(rules)
    assert message in str(err.value), case


def test_bounds_that_can_meet_are_accepted():
    rules = broken(["rules", 3, "when"], vcpus((">=", 4), ("<=", 4)))
    assert [s.name for s in evaluate({"vcpus": 4, "memory_gb": 1, "image": "rhel-9"}, rules).chain] == ["ops"]


@pytest.mark.parametrize("field, value", [("flavor", "m1.big"), ("project", "research"), ("image", "rhel-9")])
def test_a_text_equality_beside_numeric_bounds_is_accepted(field, value):
    # A text field has no bounds: its == sits in the same all as vcpus bounds (docs/provisioning-approvals.md).
    when = {"all": [{"field": field, "op": "==", "value": value}, {"field": "vcpus", "op": ">", "value": 4}]}
    rules = broken(["rules", 3, "when"], when)
    validate_rules(rules)
    request_ = {"vcpus": 8, "memory_gb": 1, "image": "rhel-9", "flavor": "m1.big", "project": "research"}
    assert [s.name for s in evaluate(request_, rules).chain] == ["ops"]
    assert evaluate(dict(request_, vcpus=4), rules).chain == ()


def test_the_default_rules_are_valid_and_not_changed_by_evaluation():
    before = copy.deepcopy(DEFAULT_RULES)
    validate_rules(DEFAULT_RULES)
    evaluate({"vcpus": 8, "memory_gb": 64})
    assert before == DEFAULT_RULES


BAD_REQUESTS = [
    ("no vcpus", {"memory_gb": 4}, "vcpus must be a whole number of 1 or more, not None"),
    ("zero vcpus", {"vcpus": 0, "memory_gb": 4}, "not 0"),
    ("bool vcpus", {"vcpus": True, "memory_gb": 4}, "not True"),
    ("no memory", {"vcpus": 2}, "memory_mb or memory_gb is required"),
    ("memory disagrees", {"vcpus": 2, "memory_mb": 1024, "memory_gb": 2}, "memory_mb 1024 and memory_gb 2 disagree"),
    ("negative memory", {"vcpus": 2, "memory_gb": -1}, "memory must be a positive number"),
    ("memory not a number", {"vcpus": 8, "memory_gb": float("nan")}, "memory must be a positive number, not nan"),
    ("infinite memory", {"vcpus": 8, "memory_gb": float("inf")}, "memory must be a positive number, not inf"),
    ("infinite disk", {"vcpus": 2, "memory_gb": 1, "disk_gb": float("inf")}, "disk_gb must be a number of 0 or more, not inf"),
    ("negative disk", {"vcpus": 2, "memory_gb": 1, "disk_gb": -5}, "disk_gb must be a number of 0 or more"),
    ("text field not text", {"vcpus": 2, "memory_gb": 1, "flavor": 3}, "flavor must be a string"),
    ("unknown request field", {"vcpus": 2, "memory_gb": 1, "gpus": 1}, "request: unknown field 'gpus'"),
]


@pytest.mark.parametrize("case,request_,message", BAD_REQUESTS, ids=[b[0] for b in BAD_REQUESTS])
def test_bad_requests_are_refused(case, request_, message):
    with pytest.raises(PlanError) as err:
        evaluate(request_)
    assert message in str(err.value), case


def test_memory_is_given_in_both_units():
    assert normalize_request({"vcpus": 1, "memory_gb": 1.5}) == {"vcpus": 1, "memory_mb": 1536, "memory_gb": 1.5, "disk_gb": 0}
    assert normalize_request({"vcpus": 1, "memory_mb": 512, "memory_gb": 0.5, "flavor": None})["memory_mb"] == 512


def test_default_rules_escalate_both_stages_to_the_cloud_leads_after_an_hour():
    finance, admin = evaluate({"vcpus": 8, "memory_gb": 32}).chain
    for stage in (finance, admin):
        assert stage.to_dict()["escalation"] == {"group": "cloud_leads", "approvers": ["cloud-lead"], "after_seconds": 3600}


def test_a_stage_without_escalation_has_none_in_its_chain_entry():
    chain = evaluate({"vcpus": 3, "memory_gb": 1, "image": "rhel-9"}, custom_rules()).to_dict()["chain"]
    assert [s["name"] for s in chain] == ["ops"] and "escalation" not in chain[0]


def test_escalation_is_data_with_its_members_frozen_in_the_chain():
    rules = custom_rules()
    rules["stages"][2].update(escalate_to="security", escalate_after=90)
    (ops,) = evaluate({"vcpus": 3, "memory_gb": 1, "image": "rhel-9"}, rules).chain
    assert (ops.escalate_to, ops.escalation_approvers, ops.escalate_after) == ("security", ("sam",), 90)


ESCALATION_OVERRIDES = [
    # (case, group, after_seconds, expected escalation of the default chain's two stages)
    ("nothing given: as the rules say", None, None, ("cloud_leads", ["cloud-lead"], 3600)),
    ("another group and its members", "duty", None, ("duty", ["dora"], 3600)),
    ("another time", None, 0, ("cloud_leads", ["cloud-lead"], 0)),
    ("both", "duty", 120.5, ("duty", ["dora"], 120.5)),
]


@pytest.mark.parametrize("case,group,after,expected", ESCALATION_OVERRIDES, ids=[e[0] for e in ESCALATION_OVERRIDES])
def test_with_escalation_sets_every_stage(case, group, after, expected):
    rules = with_escalation(with_approvers(DEFAULT_RULES, {"duty": ["dora"]}), group, after)
    for stage in evaluate({"vcpus": 8, "memory_gb": 32}, rules).to_dict()["chain"]:
        esc = stage["escalation"]
        assert (esc["group"], esc["approvers"], esc["after_seconds"]) == expected, case
    assert DEFAULT_RULES["stages"][0]["escalate_after"] == 3600


def test_with_escalation_time_leaves_stages_without_escalation_alone_and_a_group_needs_a_time():
    rules = with_escalation(custom_rules(), after_seconds=60)
    assert all("escalate_after" not in s for s in rules["stages"])
    validate_rules(rules)
    with pytest.raises(PlanError, match="stage 'security' escalates to 'ops' but has no escalate_after"):
        validate_rules(with_escalation(custom_rules(), group="ops"))
