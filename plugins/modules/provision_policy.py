#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: provision_policy
short_description: Evaluate a provisioning request against the approval rules
version_added: 0.2.0
description:
  - Says which approvals a provisioning request (vCPUs, memory, disk, flavor, project, image) needs
    before it is provisioned, in order, with the reason for each stage, or that no approval is needed.
  - The rules are data, so they change without code. Rules have AND/OR conditions
    on the request and ordered approval stages, each with a named approver group.
    See C(docs/provisioning-approvals.md) for the format.
  - The default rule set asks the cloud administrator to approve 4 vCPUs or more. It asks finance
    first, then the cloud administrator, for 32 GB of memory or more with more than 4 vCPUs.
  - "Two corner cases of the default rules follow from their letter: 32 GB or more with 4 vCPUs or fewer
    needs only what the vCPU rule says, and exactly 4 vCPUs with 32 GB needs the cloud administrator only."
  - Refuses a malformed rule set, naming the problem and where it is. Examples are an unknown field
    or operator, an undefined or unreachable stage, and an approver group with no members.
  - Never changes anything.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes
  - hypercloud.builder._provision_request
options:
  approver_groups:
    description:
      - Members of approver groups, replacing those the rule set names for the same groups.
      - Use it to put your own people on the default rules.
    type: dict
  request:
    # type and suboptions: the hypercloud.builder._provision_request fragment
    required: true
  rules:
    description:
      - The rule set, as loaded from YAML, with C(approver_groups), C(stages) and C(rules).
      - When omitted, the default rule set applies.
    type: dict
"""

EXAMPLES = r"""
- name: Which approvals does an 8 vCPU / 32 GB server need?
  hypercloud.builder.provision_policy:
    request:
      vcpus: 8
      memory_gb: 32
    approver_groups:
      cloud_admins: [alice, bob]
      finance: [carol]
  register: policy

- name: Custom rules kept next to the playbook
  hypercloud.builder.provision_policy:
    request:
      vcpus: 2
      memory_mb: 4096
      project: research
      flavor: g1.large
    rules: "{{ lookup('ansible.builtin.file', 'approval-rules.yml') | from_yaml }}"
"""

RETURN = r"""
approval_required:
  description: Whether any approval is needed.
  returned: always
  type: bool
  sample: true
chain:
  description:
    - The approval stages, in the order they are asked; empty when no approval is needed.
    - A stage whose rules name C(escalate_to) carries C(escalation) (group, approvers, after_seconds), the group
      that may decide the stage once it has waited that long and been escalated.
  returned: always
  type: list
  elements: dict
  sample: [{"number": 1, "name": "finance", "group": "finance", "approvers": ["carol"],
            "reasons": ["32 GB of memory or more and more than 4 vCPUs"], "rules": ["large_memory"],
            "escalation": {"group": "cloud_leads", "approvers": ["cloud-lead"], "after_seconds": 3600}},
           {"number": 2, "name": "cloud_admin", "group": "cloud_admins", "approvers": ["alice", "bob"],
            "reasons": ["32 GB of memory or more and more than 4 vCPUs", "4 vCPUs or more"],
            "rules": ["large_memory", "many_vcpus"],
            "escalation": {"group": "cloud_leads", "approvers": ["cloud-lead"], "after_seconds": 3600}}]
matched_rules:
  description: The names of the rules the request matched, in rule set order.
  returned: always
  type: list
  elements: str
  sample: ["large_memory", "many_vcpus"]
request:
  description: The request as evaluated, with memory in both MB and GB.
  returned: always
  type: dict
  sample: {"vcpus": 8, "memory_mb": 32768, "memory_gb": 32.0, "disk_gb": 0}
rules_source:
  description: Whether the default rule set or the given one was used.
  returned: always
  type: str
  sample: default
summary:
  description: The chain in one line.
  returned: always
  type: str
  sample: "approval needed: finance (32 GB of memory or more and more than 4 vCPUs), then cloud_admin (4 vCPUs or more)"
"""

from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.provision_policy import (
    DEFAULT_RULES,
    evaluate,
    normalize_request,
    with_approvers,
)
from ansible_collections.hypercloud.builder.plugins.module_utils._request_spec import request_spec


class ProvisionPolicy(HypercloudModule):
    supports_check_mode = True
    argument_spec = dict(
        approver_groups=dict(type="dict"),
        request=request_spec(required=True),
        rules=dict(type="dict"),
    )

    def run(self):
        rules = with_approvers(self.params["rules"] or DEFAULT_RULES, self.params["approver_groups"])
        request = {k: v for k, v in self.params["request"].items() if v is not None}
        evaluation = evaluate(request, rules).to_dict()
        return self.result(
            changed=False,
            request=normalize_request(request),
            rules_source="custom" if self.params["rules"] else "default",
            **evaluation
        )


def main():
    ProvisionPolicy().execute()


if __name__ == "__main__":
    main()
