#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: approval_request
short_description: Submit a provisioning request, record approval decisions and its outcome
version_added: 0.2.0
description:
  - Keeps the state of a provisioning request in an approval store on the controller (SQLite), or in a
    PostgreSQL database shared by several controllers (O(store_url)).
  - With O(request), submits the request. The approval chain is evaluated with the same rules as
    M(hypercloud.builder.provision_policy) and frozen into the request. Submitting the same request id
    again with the same request changes nothing; a different request under a used id is refused.
  - With O(decision), records an approver's decision on the stage that awaits one, with the time and the reason.
  - Refuses self-approval, an approver outside the group of the awaiting stage, a decision out of
    order, one approver deciding two stages, and any decision on a closed request.
  - With O(escalate=true), escalates the stage that awaits a decision to its escalation group once it has
    waited as long as the rules say. From then on that group's members may decide the stage too.
  - With O(state=expired), O(state=provisioned) or O(state=failed), records the request's outcome.
  - "States: V(requested), V(awaiting_stage_N), V(approved), V(rejected), V(expired), V(provisioned), V(failed)."
  - Every change is an event in an append-only, hash-chained audit log;
    M(hypercloud.builder.approval_request_info) shows it and verifies the chain.
  - Check mode computes the same events and writes nothing, not even a new store file. A first run
    that fails does not create the store file either.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes
  - hypercloud.builder._provision_request
options:
  actor:
    description:
      - Who records an outcome (O(state=expired), O(state=provisioned) or O(state=failed)) or an escalation
        (O(escalate=true)), for the audit log.
    type: str
    default: ansible
  approver_groups:
    description:
      - Members of approver groups, replacing those the rule set names, when the request is submitted.
      - A group that no stage decides or escalates to (after O(escalation)) is refused, since it is most likely
        a misspelling that would leave the real group with the rule set's members.
    type: dict
  decision:
    description: A decision on the stage that awaits one. Needs O(state=present).
    type: dict
    suboptions:
      action:
        description: Approve or reject the stage.
        type: str
        required: true
        choices: [approve, reject]
      approver:
        description: Who decides. They must be in the stage's approver group and must not be the requester.
        type: str
        required: true
      reason:
        description: Why, for the audit log.
        type: str
        required: true
      stage:
        description:
          - The stage decided, by number or name. When given, a decision for another stage than the awaiting one is refused.
        type: str
  details:
    description: Details of the outcome, such as the server id or the provisioning error.
    type: dict
  escalate:
    description:
      - Escalate the stage that awaits a decision to the escalation group the rules give it (C(escalate_to)),
        and record it in the audit log. Needs O(state=present).
      - Refused before the stage has waited C(escalate_after) seconds, and for a stage without an escalation.
        Nothing changes when the stage is already escalated.
      - Without O(escalate_stage), the stage awaiting a decision when the task runs is meant, so once an escalated
        stage is decided, running the task again escalates the next one. Give O(escalate_stage) for a task that
        is run again.
    type: bool
  escalate_stage:
    description:
      - With O(escalate=true), the stage to escalate, by number or name. Nothing changes once that stage was
        escalated, even after it was decided; a stage that does not await a decision and was not escalated is
        refused.
    type: str
  escalation:
    description:
      - Escalation settings for every stage of the rule set, applied when the request is submitted (then frozen
        into the request, like the approvers). Stages keep what the rules say for a suboption not given.
    type: dict
    suboptions:
      after_seconds:
        description: How long a stage waits for a decision before it may be escalated, for every stage that escalates.
        type: float
      group:
        description: The approver group every stage escalates to. Its members come from the rule set or O(approver_groups).
        type: str
  reason:
    description: Why the request reached its outcome, or why it was escalated, for the audit log.
    type: str
  request:
    # type and suboptions: the hypercloud.builder._provision_request fragment
    description: The provisioning request to submit, as for M(hypercloud.builder.provision_policy). Needs O(requester).
  request_id:
    description: The request's id, unique in the store.
    type: str
    required: true
  requester:
    description: Who asks for the request. They may not approve it.
    type: str
  rules:
    description: The rule set evaluated when the request is submitted; the default rule set when omitted.
    type: dict
  state:
    description:
      - V(present) submits the request (O(request)) or records a decision (O(decision)), or both.
      - V(expired) closes a request still awaiting approval. V(provisioned) and V(failed) record the outcome of an approved request.
    type: str
    default: present
    choices: [expired, failed, present, provisioned]
  store:
    description:
      - Path of the SQLite approval store on the controller; created, with its directory, on first write.
      - Not used when O(store_url) is given.
    type: path
    default: ~/.local/share/hypercloud/approvals.sqlite
  store_url:
    description:
      - A PostgreSQL URL (C(postgresql://user:password@host:port/database)) or libpq keyword string for an approval
        store shared by several controllers, instead of O(store). The tables are created in the schema
        C(hypercloud_approvals) on the first write. Needs psycopg 3 and PostgreSQL 14 or later.
      - It may carry a password, so it is never logged; libpq's C(PGPASSWORD) and C(~/.pgpass) work as well.
    type: str
requirements:
  - psycopg 3 (only with O(store_url); tested with 3.3.9 and PostgreSQL 15)
"""

EXAMPLES = r"""
- name: Submit a request
  hypercloud.builder.approval_request:
    request_id: REQ-1001
    requester: dave
    request: {vcpus: 8, memory_gb: 32, flavor: m1.xlarge, image: debian-12, project: research}
    approver_groups: {finance: [carol], cloud_admins: [alice, bob]}
  register: submitted

- name: Finance approves
  hypercloud.builder.approval_request:
    request_id: REQ-1001
    decision: {action: approve, approver: carol, reason: budget line 42, stage: finance}

- name: Escalate finance's stage once it has waited as long as the rules say
  hypercloud.builder.approval_request:
    request_id: REQ-1001
    escalate: true
    escalate_stage: finance
    reason: no decision within an hour

- name: Record that the server was built
  hypercloud.builder.approval_request:
    request_id: REQ-1001
    state: provisioned
    details: {server_id: 5b1c0e4e-6f0a-4bde-9a57-3f2f1a0f1d11}
"""

RETURN = r"""
events:
  description: The audit records written by this task (in check mode, those that would be); empty when nothing changed.
  returned: always
  type: list
  elements: dict
  sample: [{"seq": 7, "request_id": "REQ-1001", "kind": "stage_approved", "actor": "carol",
            "at": "2026-03-02T10:15:00.123456Z",
            "data": {"stage": 1, "stage_name": "finance", "group": "finance", "decision": "approve", "reason": "budget line 42"},
            "prev_hash": "9f2c...", "hash": "41ab..."}]
request:
  description:
    - Where the request stands after the task.
    - C(stage_since) is when the awaiting stage began to wait; C(escalation) is that stage's escalation (group,
      members, after_seconds) or null; C(escalated) says whether it was escalated; C(escalations) lists every
      escalation recorded. A decision made through an escalation has C(escalated=true) and the escalation group.
  returned: always
  type: dict
  sample: {"request_id": "REQ-1001", "state": "awaiting_stage_2", "requester": "dave", "stage": 2,
           "stage_name": "cloud_admin", "awaiting_group": "cloud_admins", "closed": false,
           "stage_since": "2026-03-02T10:15:00.123456Z",
           "escalation": {"group": "cloud_leads", "approvers": ["lena"], "after_seconds": 3600},
           "escalated": false, "escalations": [],
           "request": {"vcpus": 8, "memory_mb": 32768, "memory_gb": 32.0, "disk_gb": 0},
           "chain": [{"number": 1, "name": "finance", "group": "finance", "approvers": ["carol"], "reasons": ["..."],
                      "escalation": {"group": "cloud_leads", "approvers": ["lena"], "after_seconds": 3600}}],
           "decisions": [{"stage": 1, "decision": "approve", "approver": "carol", "reason": "budget line 42"}],
           "outcome": {}, "submitted_at": "2026-03-02T10:00:00.000000Z", "updated_at": "2026-03-02T10:15:00.123456Z"}
"""

import os
from datetime import datetime, timezone

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import approval_store_pg
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.approval_store import DEFAULT_PATH, open_store, plan_and_append
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.approval import (
    plan_decision,
    plan_escalate,
    plan_outcome,
    plan_submit,
)
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.provision_policy import (
    DEFAULT_RULES,
    check_approver_groups_used,
    evaluate,
    normalize_request,
    with_approvers,
    with_escalation,
)
from ansible_collections.hypercloud.builder.plugins.module_utils._request_spec import request_spec


def utc_now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class ApprovalRequest(HypercloudModule):
    supports_check_mode = True
    argument_spec = dict(
        actor=dict(type="str", default="ansible"),
        approver_groups=dict(type="dict"),
        decision=dict(type="dict", options=dict(
            action=dict(type="str", required=True, choices=["approve", "reject"]),
            approver=dict(type="str", required=True),
            reason=dict(type="str", required=True),
            stage=dict(type="str"),
        )),
        details=dict(type="dict"),
        escalate=dict(type="bool"),
        escalate_stage=dict(type="str"),
        escalation=dict(type="dict", options=dict(after_seconds=dict(type="float"), group=dict(type="str"))),
        reason=dict(type="str"),
        request=request_spec(required=False),
        request_id=dict(type="str", required=True),
        requester=dict(type="str"),
        rules=dict(type="dict"),
        state=dict(type="str", default="present", choices=["expired", "failed", "present", "provisioned"]),
        store=dict(type="path", default=DEFAULT_PATH),
        store_url=dict(type="str", no_log=True),
    )
    module_kwargs = dict(
        required_by=dict(request=("requester",)),
        required_if=[("state", "present", ("request", "decision", "escalate"), True)],
    )

    def plan(self, history, now):
        """The new (unchained) events, in order; each planner sees the ones planned before it."""
        p, rid = self.params, self.params["request_id"]
        events = []
        if p["request"]:
            request = normalize_request({k: v for k, v in p["request"].items() if v is not None})
            esc = p["escalation"] or {}
            rules = with_escalation(with_approvers(p["rules"] or DEFAULT_RULES, p["approver_groups"]),
                                    esc.get("group"), esc.get("after_seconds"))
            check_approver_groups_used(rules, p["approver_groups"])
            events += plan_submit(history, rid, p["requester"], request, evaluate(request, rules).to_dict(), now)
        if (p["decision"] or p["escalate"]) and p["state"] != "present":
            raise PlanError("a decision or an escalation is recorded with state=present, not state=%s" % p["state"])
        if p["escalate_stage"] is not None and not p["escalate"]:
            raise PlanError("escalate_stage names the stage to escalate: it goes with escalate=true")
        if p["escalate"]:
            events += plan_escalate(history + events, rid, p["actor"], p["reason"], now, p["escalate_stage"])
        if p["decision"]:
            d = p["decision"]
            events += plan_decision(history + events, rid, d["action"], d["approver"], d["reason"], now, d["stage"])
        if p["state"] != "present":
            events += plan_outcome(history + events, rid, p["state"], p["actor"], p["reason"], now, p["details"])
        return events

    def run(self):
        rid, url = self.params["request_id"], self.params["store_url"]
        if url:
            self.require("psycopg", approval_store_pg.PSYCOPG_ERROR)
        store, write = open_store(self.params["store"], url), not self.check_mode

        def planner(history):
            return self.plan(history, utc_now())

        if write and not url and not os.path.exists(store.path):
            # A new SQLite store is made only for a change: bad input leaves no file behind.
            with store.transaction(write=False) as tx:
                write = bool(plan_and_append(tx, rid, planner, apply=False)[2])
        with store.transaction(write=write) as tx:
            before, after, records = plan_and_append(tx, rid, planner, apply=write)
        before = before.to_dict() if before else {}
        after = after.to_dict() if after else {}
        return self.result(changed=bool(records), before=before, after=after, request=after, events=records)


def main():
    ApprovalRequest().execute()


if __name__ == "__main__":
    main()
