# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""approval_request_info driven through main(): where requests stand, their history, the chain verdict."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.modules import approval_request, approval_request_info

GROUPS = {"finance": ["carol"], "cloud_admins": ["alice"]}


def run(module, args, capsys):
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        module.main()
    return exc.value.code, json.loads(capsys.readouterr().out)


@pytest.fixture
def store(tmp_path, capsys):
    """Three requests: REQ-1 awaiting finance, REQ-2 approved (no approval needed), REQ-3 awaiting the admin."""
    path = str(tmp_path / "approvals.sqlite")
    for rid, size in (("REQ-1", (8, 32)), ("REQ-2", (1, 4)), ("REQ-3", (8, 64))):
        run(approval_request, dict(request_id=rid, requester="dave", store=path, approver_groups=GROUPS,
                                   request=dict(vcpus=size[0], memory_gb=size[1])), capsys)
    run(approval_request, dict(request_id="REQ-3", store=path,
                               decision=dict(action="approve", approver="carol", reason="budget ok")), capsys)
    return path


def test_missing_store_and_missing_request_give_empty_answers(tmp_path, store, capsys):
    missing = str(tmp_path / "none" / "approvals.sqlite")
    rc, result = run(approval_request_info, dict(store=missing, verify_chain=True), capsys)
    assert rc == 0 and result["changed"] is False and result["requests"] == []
    assert result["chain"]["valid"] is True and result["chain"]["records"] == 0
    assert not os.path.exists(os.path.dirname(missing))
    rc, result = run(approval_request_info, dict(store=store, request_id="REQ-404"), capsys)
    assert rc == 0 and result == dict(changed=False, requests=[], chain={}, invocation=result["invocation"])


def test_one_request_with_its_history(store, capsys):
    rc, result = run(approval_request_info, dict(store=store, request_id="REQ-3"), capsys)
    assert rc == 0
    (req,) = result["requests"]
    assert (req["state"], req["stage_name"], req["awaiting_group"]) == ("awaiting_stage_2", "cloud_admin", "cloud_admins")
    assert [(h["kind"], h["actor"]) for h in req["history"]] == [("submitted", "dave"), ("evaluated", "policy"), ("stage_approved", "carol")]
    assert req["history"][2]["data"]["reason"] == "budget ok"


@pytest.mark.parametrize("states,expected", [
    (None, ["REQ-1", "REQ-2", "REQ-3"]),
    (["awaiting_stage_1"], ["REQ-1"]),
    (["approved", "awaiting_stage_2"], ["REQ-2", "REQ-3"]),
    (["rejected"], []),
])
def test_list_requests_by_state(store, capsys, states, expected):
    rc, result = run(approval_request_info, dict(store=store, states=states), capsys)
    assert rc == 0 and [r["request_id"] for r in result["requests"]] == expected
    assert all("history" not in r for r in result["requests"])


def test_verify_chain_intact_then_tampered(store, capsys):
    rc, result = run(approval_request_info, dict(store=store, verify_chain=True, _ansible_check_mode=True), capsys)
    assert rc == 0 and result["chain"]["valid"] is True and result["chain"]["records"] == 7
    conn = sqlite3.connect(store, isolation_level=None)
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit SET data = replace(data, 'budget ok', 'approved by phone') WHERE seq = 7")
    rc, result = run(approval_request_info, dict(store=store, verify_chain=True), capsys)
    assert rc == 0 and result["chain"]["valid"] is False and result["chain"]["first_bad"] == 7
    assert result["chain"]["message"] == ("record 7 (request REQ-3, stage_approved): its hash does not match its contents: "
                                          "the record was changed")


def test_a_log_that_no_longer_replays_is_shown_not_hidden(store, capsys):
    conn = sqlite3.connect(store, isolation_level=None)
    conn.execute("DROP TRIGGER audit_no_delete")
    conn.execute("DELETE FROM audit WHERE seq = 1")
    rc, result = run(approval_request_info, dict(store=store, request_id="REQ-1", verify_chain=True), capsys)
    assert rc == 0 and result["requests"][0]["state"] == "inconsistent"
    assert "REQ-1" in result["requests"][0]["error"]
    assert result["chain"]["first_bad"] == 2 and "record 1 is missing before it" in result["chain"]["message"]


def test_bad_input_fails_cleanly(capsys):
    rc, result = run(approval_request_info, dict(verify_chain="maybe"), capsys)
    assert rc == 1 and "verify_chain" in result["msg"] and "exception" not in result
