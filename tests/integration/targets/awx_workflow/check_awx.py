# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check what playbooks/awx_workflow.yml left in the AWX stand-in, and which calls it made."""

from __future__ import annotations

import json
import os
import re
import sys

state = sys.argv[1]


def read(name):
    with open(os.path.join(state, name), encoding="utf-8") as handle:
        return handle.read()


saved = json.loads(read("awx-objects.json"))
calls = json.loads(read("awx-calls.json"))
objects = saved["objects"]
failures = []


def check(what, ok):
    print("[%s] %s" % ("ok" if ok else "FAILED", what))
    if not ok:
        failures.append(what)


def recap(name):
    line = read(name + ".recap")
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}


def writes(name):
    return int(read(name + ".writes"))


def by_name(kind):
    return {o["name"]: o for o in objects[kind].values()}


create, again, check_mode = recap("create"), recap("again"), recap("check")
check("first run creates (changed=%d, failed=%d)" % (create["changed"], create["failed"]), create["changed"] > 0 and create["failed"] == 0)
check("second run changes nothing (changed=%d)" % again["changed"], again["changed"] == 0 and again["failed"] == 0)
check("second run sends no write", writes("again") == writes("create"))
check("check mode with a new timeout reports changed (changed=%d)" % check_mode["changed"], check_mode["changed"] > 0 and check_mode["failed"] == 0)
check("check mode sends no write", writes("check") == writes("again"))
check("preflight pinged /api/v2/ping/", any(c["path"] == "/api/v2/ping/" for c in calls))

teams, wfjts, jts = by_name("teams"), by_name("workflow_job_templates"), by_name("job_templates")
check("two approver teams", sorted(teams) == ["hq-cloud-admins", "hq-finance-approvers"])
check("gate, build and audit job templates run provision_request.yml with their phase",
      sorted(jts) == ["hq-provision-audit", "hq-provision-build", "hq-provision-gate"]
      and all(j["playbook"] == "provision_request.yml" for j in jts.values())
      and {n: json.loads(j["extra_vars"])["provision_request_phase"] for n, j in jts.items()}
      == {"hq-provision-audit": "audit", "hq-provision-build": "provision", "hq-provision-gate": "gate"})

nodes = list(objects["workflow_job_template_nodes"].values())
approvals = {int(i): a for i, a in objects["workflow_approval_templates"].items()}
for stage, team in (("finance", "hq-finance-approvers"), ("cloud_admin", "hq-cloud-admins")):
    wf = wfjts["hq-provision-approve-" + stage]
    own = [n for n in nodes if n["workflow_job_template"] == wf["id"]]
    check("%s workflow holds exactly one node, an approval with timeout 86400" % stage,
          len(own) == 1 and own[0]["unified_job_template"] in approvals
          and approvals[own[0]["unified_job_template"]]["timeout"] == 86400)
    check("%s approval template made by POST .../create_approval_template/" % stage,
          any(c["method"] == "POST" and c["path"] == "/api/v2/workflow_job_template_nodes/%d/create_approval_template/" % own[0]["id"]
              for c in calls))
    role = wf["summary_fields"]["object_roles"]["approval_role"]["id"]
    check("only %s holds approval_role on the %s workflow" % (team, stage),
          saved["links"].get("/api/v2/roles/%d/teams/" % role) == [teams[team]["id"]])
request = wfjts["hq-provision-request"]
check("no team holds approval_role on the request workflow itself",
      not saved["links"].get("/api/v2/roles/%d/teams/" % request["summary_fields"]["object_roles"]["approval_role"]["id"]))

survey = saved["surveys"].get("/api/v2/workflow_job_templates/%d/survey_spec/" % request["id"], {})
check("survey enabled, with the request form", request.get("survey_enabled") is True and
      [q["variable"] for q in survey.get("spec", [])] ==
      ["request_id", "server_name", "vcpus", "memory_gb", "flavor", "image", "project", "justification"])

own = {n["identifier"]: n for n in nodes if n["workflow_job_template"] == request["id"]}
ujt = {}
for kind in ("job_templates", "workflow_job_templates"):
    ujt.update({int(i): o["name"] for i, o in objects[kind].items()})
check("request workflow nodes run the right templates", {k: ujt.get(n.get("unified_job_template")) for k, n in own.items()} == {
    "policy": "hq-provision-gate", "needs-finance": "hq-provision-gate", "needs-admin": "hq-provision-gate",
    "finance": "hq-provision-approve-finance", "cloud-admin": "hq-provision-approve-cloud_admin",
    "build": "hq-provision-build", "audit": "hq-provision-audit"})
check("gates carry their stage", {k: own[k].get("extra_data", {}).get("provision_gate") for k in ("policy", "needs-finance", "needs-admin")}
      == {"policy": "evaluate", "needs-finance": "finance", "needs-admin": "cloud_admin"})
ident = {n["id"]: k for k, n in own.items()}
edges = sorted((ident[int(m.group(1))], m.group(2), ident[i])
               for path, ids in saved["links"].items()
               for m in [re.fullmatch(r"/api/v2/workflow_job_template_nodes/(\d+)/(\w+)_nodes/", path)] if m and int(m.group(1)) in ident
               for i in ids)
check("edges: finance before admin, every denial/timeout/failure to audit, build always to audit", edges == sorted([
    ("policy", "success", "needs-finance"), ("policy", "failure", "audit"),
    ("needs-finance", "success", "finance"), ("needs-finance", "failure", "needs-admin"),
    ("needs-admin", "success", "cloud-admin"), ("needs-admin", "failure", "build"),
    ("finance", "success", "cloud-admin"), ("finance", "failure", "audit"),
    ("cloud-admin", "success", "build"), ("cloud-admin", "failure", "audit"),
    ("build", "always", "audit")]))
sys.exit(1 if failures else 0)
