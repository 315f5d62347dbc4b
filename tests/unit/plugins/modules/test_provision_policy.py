# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""provision_policy driven through main(): the default and given rules, clean failures."""

from __future__ import annotations

import json

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.modules import provision_policy


def run_module(args, capsys):
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        provision_policy.main()
    return exc.value.code, json.loads(capsys.readouterr().out)


CASES = [
    ("1 vCPU / 4 GB", {"vcpus": 1, "memory_gb": 4}, []),
    ("4 vCPU / 4 GB", {"vcpus": 4, "memory_mb": 4096}, ["cloud_admin"]),
    ("8 vCPU / 32 GB", {"vcpus": 8, "memory_gb": 32}, ["finance", "cloud_admin"]),
    ("corner: 4 vCPU / 32 GB", {"vcpus": 4, "memory_gb": 32}, ["cloud_admin"]),
    ("corner: 2 vCPU / 64 GB", {"vcpus": 2, "memory_gb": 64}, []),
]


@pytest.mark.parametrize("case,request_,stages", CASES, ids=[c[0] for c in CASES])
def test_default_rules(capsys, case, request_, stages):
    rc, result = run_module({"request": request_, "_ansible_check_mode": case.startswith("corner")}, capsys)
    assert rc == 0 and result["changed"] is False, case
    assert [s["name"] for s in result["chain"]] == stages
    assert result["approval_required"] is bool(stages) and result["rules_source"] == "default"
    assert set(result) >= {"approval_required", "chain", "matched_rules", "request", "rules_source", "summary"}


def test_members_from_approver_groups_and_the_request_in_both_units(capsys):
    rc, result = run_module({"request": {"vcpus": 8, "memory_gb": 32},
                             "approver_groups": {"finance": ["carol"], "cloud_admins": ["alice", "bob"]}}, capsys)
    assert rc == 0
    assert [s["approvers"] for s in result["chain"]] == [["carol"], ["alice", "bob"]]
    assert result["request"] == {"vcpus": 8, "memory_mb": 32768, "memory_gb": 32.0, "disk_gb": 0}
    assert result["summary"].startswith("approval needed: finance (32 GB of memory or more and more than 4 vCPUs), then cloud_admin")


RULES = {
    "approver_groups": {"ml": ["gina"]},
    "stages": [{"name": "gpu", "group": "ml"}],
    "rules": [{"name": "gpu", "reason": "GPU flavor", "when": {"field": "flavor", "op": "glob", "value": "g*"},
               "stages": ["gpu"]}],
}


def test_given_rules(capsys):
    rc, result = run_module({"request": {"vcpus": 1, "memory_gb": 2, "flavor": "g1.small"}, "rules": RULES}, capsys)
    assert rc == 0 and result["rules_source"] == "custom"
    assert result["chain"] == [{"number": 1, "name": "gpu", "group": "ml", "approvers": ["gina"],
                                "reasons": ["GPU flavor"], "rules": ["gpu"]}]


@pytest.mark.parametrize("args,message", [
    ({"request": {"vcpus": 1, "memory_gb": 2}, "rules": dict(RULES, approver_groups={"ml": []})}, "approver group 'ml' has no members"),
    ({"request": {"vcpus": 1, "memory_gb": 2}, "rules": dict(RULES, stages=RULES["stages"] + [{"name": "x", "group": "ml"}])},
     "stage 'x' cannot be reached"),
    ({"request": {"vcpus": 1, "memory_gb": 2}, "rules": dict(RULES, rule=[])}, "rule set: unknown field 'rule'"),
    ({"request": {"vcpus": 0, "memory_gb": 2}}, "vcpus must be a whole number of 1 or more"),
    ({"request": {"vcpus": 1}}, "one of the following is required: memory_gb, memory_mb"),
    ({"request": {"vcpus": 1, "memory_gb": 2, "memory_mb": 2048}}, "mutually exclusive: memory_gb|memory_mb"),
    ({"request": {"vcpus": 1, "memory_gb": 2}, "approver_groups": {"finance": "carol"}}, "members of 'finance' must be a list"),
    ({"request": {"vcpus": 1, "memory_gb": 2, "flavor": "g1"}, "rules": dict(RULES, rules=[dict(RULES["rules"][0], reason=32)])},
     "rule 'gpu'.reason must be a string, not 32"),
    ({"request": {"vcpus": 1, "memory_gb": 2}, "rules": dict(RULES, stages=[{"name": "gpu", "group": ["ml"]}])},
     "stages[0].group must be a non-empty string"),
    ({"request": {"vcpus": 8, "memory_gb": "nan"}}, "memory must be a positive number, not nan"),
    ({"request": {"vcpus": 8, "memory_gb": "inf"}}, "memory must be a positive number, not inf"),
    ({"request": {"vcpus": 8, "memory_gb": 2}, "rules": dict(RULES, rules=[dict(RULES["rules"][0], when={
        "field": "memory_gb", "op": ">=", "value": float("nan")})])}, "memory_gb compares with a number, not nan"),
])
def test_bad_input_fails_cleanly(capsys, args, message):
    rc, result = run_module(args, capsys)
    assert rc == 1 and result["failed"] is True
    assert message in result["msg"]
    assert "exception" not in result
