#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: approval_request_info
short_description: Show where provisioning requests stand, their history, and verify the audit chain
version_added: 0.2.0
description:
  - Reads the approval store kept by M(hypercloud.builder.approval_request), SQLite or PostgreSQL.
  - With O(request_id), returns that request, folded from its audit records, with its history.
    Without it, returns every request (or those in O(states)) as last recorded, without history.
  - Returns an empty list, not a failure, when the request or the store does not exist.
  - With O(verify_chain=true), checks the hash chain of the whole audit log. It names the first record
    that was changed, removed or moved. Records removed from the end of the log leave a shorter, valid chain.
    Compare RV(chain.head) with a copy kept elsewhere to detect that.
  - Never writes, and never creates the store.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes.INFO_MODULE
options:
  request_id:
    description: The request to show. All requests when omitted.
    type: str
  states:
    description: Show only requests in these states, such as V(awaiting_stage_1) or V(approved).
    type: list
    elements: str
  store:
    description: Path of the SQLite approval store on the controller. Not used when O(store_url) is given.
    type: path
    default: ~/.local/share/hypercloud/approvals.sqlite
  store_url:
    description:
      - The PostgreSQL URL or libpq keyword string of a shared approval store, as for M(hypercloud.builder.approval_request).
      - It may carry a password, so it is never logged.
    type: str
  verify_chain:
    description: Verify the hash chain of the whole audit log and return the verdict in RV(chain).
    type: bool
    default: false
requirements:
  - psycopg 3 (only with O(store_url))
"""

EXAMPLES = r"""
- name: Where does REQ-1001 stand?
  hypercloud.builder.approval_request_info:
    request_id: REQ-1001
  register: req

- name: Requests waiting for their first approval, and an audit check
  hypercloud.builder.approval_request_info:
    states: [awaiting_stage_1]
    verify_chain: true
  register: pending

- name: Fail when the audit log was tampered with
  ansible.builtin.assert:
    that: pending.chain.valid
    fail_msg: "{{ pending.chain.message }}"
"""

RETURN = r"""
chain:
  description:
    - The verdict on the audit log's hash chain when O(verify_chain=true), otherwise empty.
    - RV(chain.records) counts the good records before the first bad one. RV(chain.head) is the last good hash.
  returned: always
  type: dict
  contains:
    first_bad:
      description: The seq of the first bad record; null when the chain is intact.
      type: int
      sample: 5
    head:
      description: The hash of the last good record; 64 zeros for an empty log. Keep it elsewhere to detect truncation.
      type: str
      sample: 41ab0c5e0f0d9f1a3c1e2b7d8e9f00112233445566778899aabbccddeeff0011
    message:
      description: The verdict in words, naming the first bad record and what happened to it.
      type: str
      sample: 8 records, chain intact
    records:
      description: The number of good records before the first bad one (all of them when the chain is intact).
      type: int
      sample: 4
    valid:
      description: Whether the whole chain is intact.
      type: bool
      sample: false
  sample: {"valid": false, "records": 4, "head": "41ab...", "first_bad": 5,
           "message": "record 5 (request REQ-1001, stage_approved): its hash does not match its contents: the record was changed"}
requests:
  description:
    - The requests found, as returned by M(hypercloud.builder.approval_request); empty when none is found.
    - With O(request_id), each has its C(history), the audit records oldest first.
    - A request whose records no longer replay (a tampered log) has state C(inconsistent) and an C(error).
  returned: always
  type: list
  elements: dict
  sample: [{"request_id": "REQ-1001", "state": "approved", "requester": "dave", "stage": null, "closed": false,
            "decisions": [{"stage": 1, "decision": "approve", "approver": "carol", "reason": "budget line 42"}],
            "history": [{"seq": 1, "kind": "submitted", "actor": "dave", "at": "2026-03-02T10:00:00.000000Z",
                         "data": {}, "prev_hash": "0000...", "hash": "9f2c..."}]}]
"""

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import approval_store_pg
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.approval_store import DEFAULT_PATH, open_store
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.approval import replay, verify_chain
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError


class ApprovalRequestInfo(HypercloudModule):
    supports_check_mode = True
    argument_spec = dict(
        request_id=dict(type="str"),
        states=dict(type="list", elements="str"),
        store=dict(type="path", default=DEFAULT_PATH),
        store_url=dict(type="str", no_log=True),
        verify_chain=dict(type="bool", default=False),
    )

    def run(self):
        rid, states, url = self.params["request_id"], self.params["states"], self.params["store_url"]
        if url:
            self.require("psycopg", approval_store_pg.PSYCOPG_ERROR)
        with open_store(self.params["store"], url).transaction(write=False) as tx:
            if rid is not None:
                history = tx.history(rid)
                try:
                    state = replay(rid, history)
                    requests = [dict(state.to_dict(), history=history)] if state else []
                except PlanError as err:  # a tampered log may not replay: show it, do not hide it
                    requests = [dict(request_id=rid, state="inconsistent", error=str(err), history=history)]
            else:
                requests = tx.requests()
            chain = verify_chain(tx.records()).to_dict() if self.params["verify_chain"] else {}
        if states:
            requests = [r for r in requests if r["state"] in states]
        return dict(changed=False, requests=requests, chain=chain)


def main():
    ApprovalRequestInfo().execute()


if __name__ == "__main__":
    main()
