# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""approval_request driven through main() on a real SQLite store in tmp_path."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.modules import approval_request

GROUPS = {"finance": ["carol"], "cloud_admins": ["alice", "bob"]}
BIG = {"vcpus": 8, "memory_gb": 32, "flavor": "m1.xlarge", "image": "debian-12", "project": "research"}


@pytest.fixture
def store(tmp_path):
    return str(tmp_path / "state" / "approvals.sqlite")


def run_module(args, capsys):
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        approval_request.main()
    return exc.value.code, json.loads(capsys.readouterr().out)


def count(store):
    return sqlite3.connect(store).execute("SELECT count(*) FROM audit").fetchone()[0]


def submit_args(store, **extra):
    return dict(dict(request_id="REQ-1", requester="dave", request=BIG, approver_groups=GROUPS, store=store), **extra)


def decide(store, approver, action="approve", **extra):
    return dict(dict(request_id="REQ-1", store=store, decision=dict(action=action, approver=approver, reason="reason of " + approver)),
                **extra)


def test_submit_is_idempotent_and_diff_shows_the_new_request(store, capsys):
    rc, result = run_module(submit_args(store, _ansible_diff=True), capsys)
    assert rc == 0 and result["changed"] is True
    assert [e["kind"] for e in result["events"]] == ["submitted", "evaluated"]
    assert [e["seq"] for e in result["events"]] == [1, 2]
    req = result["request"]
    assert (req["state"], req["stage"], req["stage_name"], req["awaiting_group"]) == ("awaiting_stage_1", 1, "finance", "finance")
    assert [s["approvers"] for s in req["chain"]] == [["carol"], ["alice", "bob"]]
    assert result["diff"]["before"] == {} and result["diff"]["after"] == req
    rc, again = run_module(submit_args(store, request={k: v for k, v in dict(BIG, memory_mb=32768).items() if k != "memory_gb"}), capsys)
    assert rc == 0 and again["changed"] is False and again["events"] == [] and again["request"] == req
    assert count(store) == 2


def test_check_mode_writes_nothing_not_even_the_store(store, capsys):
    rc, result = run_module(submit_args(store, _ansible_check_mode=True, _ansible_diff=True), capsys)
    assert rc == 0 and result["changed"] is True
    assert [e["kind"] for e in result["events"]] == ["submitted", "evaluated"]
    assert result["request"]["state"] == "awaiting_stage_1"
    assert not os.path.exists(store)
    run_module(submit_args(store), capsys)
    rc, result = run_module(decide(store, "carol", _ansible_check_mode=True), capsys)
    assert rc == 0 and result["changed"] is True and result["request"]["state"] == "awaiting_stage_2"
    assert result["events"][0]["seq"] == 3 and count(store) == 2


def test_the_whole_way_finance_admin_provisioned(store, capsys):
    run_module(submit_args(store), capsys)
    states = []
    for args in (decide(store, "carol"), decide(store, "bob"),
                 dict(request_id="REQ-1", store=store, state="provisioned", actor="awx", details={"server_id": "s-1"})):
        rc, result = run_module(args, capsys)
        assert rc == 0 and result["changed"] is True, result
        states.append(result["request"]["state"])
        rc, again = run_module(args, capsys)
        assert rc == 0 and again["changed"] is False, "re-running the same step changes nothing"
    assert states == ["awaiting_stage_2", "approved", "provisioned"]
    final = result["request"]
    assert [(d["approver"], d["stage_name"], d["reason"]) for d in final["decisions"]] == [
        ("carol", "finance", "reason of carol"), ("bob", "cloud_admin", "reason of bob")]
    assert final["outcome"]["details"] == {"server_id": "s-1"} and final["outcome"]["actor"] == "awx"
    assert final["closed"] is True and count(store) == 5


def test_submit_and_decide_in_one_task_and_no_approval_needed(store, capsys):
    rc, result = run_module(dict(request_id="small", requester="dave", request={"vcpus": 1, "memory_gb": 4}, store=store), capsys)
    assert rc == 0 and result["request"]["state"] == "approved" and result["request"]["chain"] == []
    rc, result = run_module(dict(submit_args(store, request={"vcpus": 4, "memory_gb": 4}),
                                 decision=dict(action="reject", approver="alice", reason="no quota")), capsys)
    assert rc == 0 and [e["kind"] for e in result["events"]] == ["submitted", "evaluated", "stage_rejected"]
    assert result["request"]["state"] == "rejected"


def test_expire(store, capsys):
    run_module(submit_args(store), capsys)
    rc, result = run_module(dict(request_id="REQ-1", store=store, state="expired", reason="no answer in 72h"), capsys)
    assert rc == 0 and result["request"]["state"] == "expired" and result["request"]["outcome"]["reason"] == "no answer in 72h"


REFUSED = [
    ("self-approval", dict(request_id="REQ-1", requester="carol", request=BIG, approver_groups=GROUPS),
     decide, "carol", "carol is its requester and cannot approve or reject it (no self-approval)"),
    ("outside the group", None, decide, "mallory", "mallory is not in approver group finance"),
    ("out of order", None, decide, "alice", "alice approves stage 2 (cloud_admin), which comes after stage 1 (finance)"),
]


@pytest.mark.parametrize("case,submit,make,who,message", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_decisions_fail_cleanly_and_write_nothing(store, capsys, case, submit, make, who, message):
    run_module(dict(submit or submit_args(store), store=store), capsys)
    rc, result = run_module(make(store, who), capsys)
    assert rc == 1 and message in result["msg"], case
    assert "exception" not in result and count(store) == 2


BAD = [
    ("nothing to do", dict(request_id="REQ-1"), "state is present but any of the following are missing: request, decision, escalate"),
    ("request without requester", dict(request_id="REQ-1", request=BIG), "missing parameter(s) required by 'request': requester"),
    ("decision without reason", dict(request_id="REQ-1", decision=dict(action="approve", approver="carol")),
     "missing required arguments: reason found in decision"),
    ("unknown request", dict(request_id="nope", decision=dict(action="approve", approver="carol", reason="x")), "request nope does not exist"),
    ("different request, same id", dict(request_id="REQ-1", requester="dave", request={"vcpus": 2, "memory_gb": 2}),
     "request REQ-1 was already submitted by dave"),
    ("provisioned before approval", dict(request_id="REQ-1", state="provisioned"), "cannot be provisioned before it is approved"),
    ("escalation before its time (the default rules: an hour)", dict(request_id="REQ-1", escalate=True),
     "s; it is escalated to cloud_leads after 3600 s"),
    ("escalation with an outcome", dict(request_id="REQ-1", state="expired", escalate=True),
     "a decision or an escalation is recorded with state=present, not state=expired"),
    ("decision with an outcome", dict(request_id="REQ-1", state="failed", decision=dict(action="approve", approver="carol", reason="x")),
     "a decision or an escalation is recorded with state=present, not state=failed"),
    ("malformed rules", dict(request_id="REQ-2", requester="dave", request=BIG, rules={"stages": []}), "rule set: missing field"),
    ("bad state", dict(request_id="REQ-1", state="approved"), "value of state must be one of"),
    ("empty request id", dict(request_id="", requester="dave", request=BIG), "request_id must be a non-empty string, not ''"),
    ("blank requester", dict(request_id="REQ-2", requester="  ", request=BIG), "request REQ-2: the requester is required"),
    ("details not JSON", dict(request_id="REQ-1", state="expired", details={"waited_h": float("nan")}),
     "request REQ-1: details cannot be recorded in the audit log: Out of range float values are not JSON compliant"),
    ("infinite memory", dict(request_id="REQ-2", requester="dave", request=dict(BIG, memory_gb="inf")),
     "memory must be a positive number, not inf"),
    ("memory not a number", dict(request_id="REQ-2", requester="dave", request=dict(BIG, memory_gb="nan")),
     "memory must be a positive number, not nan"),
    ("infinite escalation time", dict(request_id="REQ-2", requester="dave", request=BIG, escalation=dict(after_seconds="inf")),
     "escalate_after must be a number of seconds, 0 or more, not inf"),
    ("misspelled approver group", dict(request_id="REQ-2", requester="dave", request=BIG, approver_groups={"Finance": ["carol"]}),
     "approver_groups names Finance, which no stage decides or escalates to (the stages use: cloud_admins, cloud_leads, finance)"),
]


@pytest.mark.parametrize("case,args,message", BAD, ids=[b[0] for b in BAD])
def test_bad_input_fails_cleanly_and_changes_nothing(store, capsys, case, args, message):
    run_module(submit_args(store), capsys)
    rc, result = run_module(dict(args, store=store), capsys)
    assert rc == 1 and result["failed"] is True, case
    assert message in result["msg"]
    assert "exception" not in result and count(store) == 2


@pytest.mark.parametrize("case,args,message", [b for b in BAD if "REQ-2" in str(b[1]) or "nope" in str(b[1])],
                         ids=[b[0] for b in BAD if "REQ-2" in str(b[1]) or "nope" in str(b[1])])
def test_a_failed_first_run_creates_no_store(tmp_path, capsys, case, args, message):
    path = tmp_path / "new" / "approvals.sqlite"
    rc, result = run_module(dict(args, store=str(path)), capsys)
    assert rc == 1 and message in result["msg"], case
    assert not path.exists() and not path.parent.exists()


def test_an_unusable_store_is_a_clean_failure(tmp_path, capsys):
    (tmp_path / "f").write_text("x")
    rc, result = run_module(submit_args(str(tmp_path / "f" / "a.sqlite")), capsys)
    assert rc == 1 and "cannot open" in result["msg"] and "exception" not in result


def test_escalation_lets_the_escalation_group_decide_and_is_audited(store, capsys):
    groups = dict(GROUPS, duty=["lena"])
    run_module(submit_args(store, approver_groups=groups, escalation=dict(group="duty", after_seconds=0)), capsys)
    rc, early = run_module(decide(store, "lena"), capsys)
    assert rc == 1 and "lena is in escalation group duty, which decides stage 1 (finance) only once it is escalated" in early["msg"]
    rc, check = run_module(dict(request_id="REQ-1", store=store, escalate=True, _ansible_check_mode=True), capsys)
    assert rc == 0 and check["changed"] is True and count(store) == 2
    args = dict(request_id="REQ-1", store=store, escalate=True, actor="timer", reason="no decision in time", _ansible_diff=True)
    rc, result = run_module(args, capsys)
    assert rc == 0 and result["changed"] is True
    (event,) = result["events"]
    assert (event["kind"], event["actor"], event["seq"]) == ("escalated", "timer", 3)
    assert (event["data"]["group"], event["data"]["approvers"], event["data"]["from_group"]) == ("duty", ["lena"], "finance")
    req = result["request"]
    assert (req["state"], req["escalated"], req["escalation"]["group"]) == ("awaiting_stage_1", True, "duty")
    assert result["diff"]["before"]["escalated"] is False and result["diff"]["after"]["escalated"] is True
    rc, again = run_module(args, capsys)
    assert rc == 0 and again["changed"] is False and count(store) == 3
    rc, result = run_module(decide(store, "lena"), capsys)
    assert rc == 0 and result["request"]["state"] == "awaiting_stage_2"
    assert result["events"][0]["data"] == {"stage": 1, "stage_name": "finance", "group": "duty", "decision": "approve",
                                           "reason": "reason of lena", "escalated": True}
    args = decide(store, "lena")
    args["decision"]["stage"] = "cloud_admin"
    rc, result = run_module(args, capsys)
    assert rc == 1 and "lena is in escalation group duty, which decides stage 2 (cloud_admin) only once" in result["msg"]
    assert count(store) == 4


@pytest.mark.parametrize("stage", ["1", "finance"])
def test_an_escalation_of_a_named_stage_is_done_once_even_after_the_stage_is_decided(store, capsys, stage):
    groups = dict(GROUPS, duty=["lena"])
    run_module(submit_args(store, approver_groups=groups, escalation=dict(group="duty", after_seconds=0)), capsys)
    args = dict(request_id="REQ-1", store=store, escalate=True, escalate_stage=stage, actor="timer", reason="late")
    rc, result = run_module(args, capsys)
    assert rc == 0 and result["changed"] is True and result["events"][0]["data"]["stage"] == 1
    rc, result = run_module(decide(store, "lena"), capsys)
    assert rc == 0 and result["request"]["state"] == "awaiting_stage_2" and count(store) == 4
    for check_mode in (True, False):  # the same task again: stage 1 was escalated, stage 2 is left alone
        rc, again = run_module(dict(args, _ansible_check_mode=check_mode), capsys)
        assert rc == 0 and again["changed"] is False and again["request"]["escalated"] is False
    assert count(store) == 4
    rc, other = run_module(dict(args, escalate_stage="cloud_admin", _ansible_check_mode=True), capsys)
    assert rc == 0 and other["changed"] is True
    rc, none = run_module(dict(args, escalate_stage="nope"), capsys)
    assert rc == 1 and none["msg"] == "request REQ-1 has no stage nope (stages: finance, cloud_admin)"


def test_an_escalation_of_a_stage_that_never_awaited_is_refused(store, capsys):
    run_module(submit_args(store, escalation=dict(after_seconds=0)), capsys)
    rc, result = run_module(dict(request_id="REQ-1", store=store, escalate=True, escalate_stage="2"), capsys)
    assert rc == 1 and "stage 2 does not await a decision and was not escalated" in result["msg"] and count(store) == 2
    rc, result = run_module(dict(request_id="REQ-1", store=store, escalate=False, escalate_stage="1"), capsys)
    assert rc == 1 and result["msg"] == "escalate_stage names the stage to escalate: it goes with escalate=true"
    assert count(store) == 2


def test_a_postgresql_store_that_does_not_answer_fails_cleanly_without_its_password(store, capsys):
    url = "postgresql://hq:s3cret-pw@127.0.0.1:1/approvals"
    rc, result = run_module(submit_args(store, store_url=url), capsys)
    assert rc == 1 and "exception" not in result
    assert result["msg"].startswith("approval store postgresql://hq:***@127.0.0.1:1/approvals: cannot open:")
    assert "s3cret-pw" not in json.dumps(result) and not os.path.exists(store)


def test_a_postgresql_store_without_psycopg_names_the_library(store, capsys, monkeypatch):
    monkeypatch.setattr(approval_request.approval_store_pg, "PSYCOPG_ERROR", ImportError("No module named 'psycopg'"))
    rc, result = run_module(submit_args(store, store_url="postgresql://hq@127.0.0.1/approvals"), capsys)
    assert rc == 1 and "Failed to import the required Python library (psycopg)" in result["msg"]
