# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""cmdb_record through main() against tests/testbed/fake_cmdb.py, started in-process on 127.0.0.1 port 0.

The stand-in serves a generic REST store and a ServiceNow-Table-API-shaped one; it is not ServiceNow.
"""

from __future__ import annotations

import json
import os
import sys

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.modules import cmdb_record

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "testbed"))
import fake_cmdb  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture
def cmdb():
    server, state, url = fake_cmdb.serve(0)
    yield state, url
    server.shutdown()
    server.server_close()


def run(args, capsys):
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        cmdb_record.main()
    return exc.value.code, json.loads(capsys.readouterr().out)


def snow(url, **extra):
    args = dict(backend="servicenow", url=url, username=fake_cmdb.USER, password=fake_cmdb.PASSWORD,
                correlation_id="REQ-1", fields={"hostname": "web-1", "vcpus": 4, "state": "requested"},
                field_map={"hostname": "name", "vcpus": "cpu_count"}, retry_delay=0.0)
    args.update(extra)
    return args


def rest(url, **extra):
    args = dict(url=url + "/rest/cis", api_token=fake_cmdb.TOKEN, correlation_id="REQ-1",
                fields={"hostname": "web-1", "vcpus": 4}, retry_delay=0.0)
    args.update(extra)
    return args


def writes(state):
    return [(c["method"], c["path"], c["body"]) for c in state.calls if c["method"] != "GET"]


@pytest.mark.parametrize("make", [snow, rest])
def test_check_create_idempotent_update(cmdb, capsys, make):
    state, url = cmdb
    rc, res = run(make(url, _ansible_check_mode=True, _ansible_diff=True), capsys)
    assert rc == 0 and res["changed"] and res["created"] and res["record_id"] is None
    assert res["diff"]["before"] == {} and writes(state) == []
    rc, res = run(make(url), capsys)
    assert rc == 0 and res["changed"] and res["created"] and res["record_id"]
    assert res["record"]["correlation_id"] == "REQ-1"
    rid = res["record_id"]
    assert len(writes(state)) == 1 and writes(state)[0][0] == "POST"
    rc, res = run(make(url), capsys)
    assert rc == 0 and not res["changed"] and res["changes"] == {} and res["record_id"] == rid
    assert len(writes(state)) == 1
    fields = dict(make(url)["fields"], vcpus=8)
    rc, res = run(make(url, fields=fields, _ansible_check_mode=True), capsys)
    assert res["changed"] and len(writes(state)) == 1
    rc, res = run(make(url, fields=fields, _ansible_diff=True), capsys)
    key = "cpu_count" if make is snow else "vcpus"
    assert res["changed"] and not res["created"] and res["record_id"] == rid
    assert res["changes"] == {key: "8" if make is snow else 8}
    assert res["diff"]["before"][key] == "4" if make is snow else 4
    method, path, body = writes(state)[-1]
    assert method == "PATCH" and path.endswith("/" + rid) and body == res["changes"]


def test_writes_answered_without_a_body_read_the_record_back(cmdb, capsys):
    state, url = cmdb
    state.bodiless = True
    rc, made = run(rest(url), capsys)
    assert rc == 0 and made["changed"] and made["created"] and made["record"]["hostname"] == "web-1"
    rid = made["record_id"]
    assert rid and made["record"]["id"] == rid
    rc, res = run(rest(url, fields={"hostname": "web-1", "vcpus": 8}), capsys)
    assert rc == 0 and res["changed"] and res["record_id"] == rid and res["record"]["vcpus"] == 8
    assert [m for m, _p, _b in writes(state)] == ["POST", "PATCH"]
    rc, res = run(rest(url, fields={"hostname": "web-1", "vcpus": 8}), capsys)
    assert rc == 0 and not res["changed"]


def test_servicenow_shapes(cmdb, capsys):
    state, url = cmdb
    run(snow(url, table="cmdb_ci_linux_server"), capsys)
    get = state.calls[0]
    assert get["path"] == "/api/now/table/cmdb_ci_linux_server"
    assert "sysparm_query=correlation_id%3DREQ-1" in get["query"]
    assert state.tables["snow:cmdb_ci_linux_server"]
    record = list(state.tables["snow:cmdb_ci_linux_server"].values())[0]
    assert record["name"] == "web-1" and record["cpu_count"] == "4" and len(record["sys_id"]) == 32


def test_retries_with_backoff_then_succeeds(cmdb, capsys):
    state, url = cmdb
    state.fail_next = 2
    rc, res = run(rest(url, retries=3), capsys)
    assert rc == 0 and res["changed"] and res["attempts"] == 4   # 2 x 503, GET, POST
    assert len([c for c in state.calls if c["method"] == "POST"]) == 1


def test_retries_are_bounded(cmdb, capsys):
    state, url = cmdb
    state.fail_next = 10
    rc, res = run(rest(url, retries=2), capsys)
    assert rc == 1 and "after 3 attempts: HTTP 503 Service Unavailable (injected failure)" in res["msg"]
    assert "Traceback" not in res["msg"] and writes(state) == []


def test_lost_create_answer_is_not_resent(cmdb, capsys, monkeypatch):
    """The POST reaches the CMDB but its answer is lost: the retry finds the CI instead of making a second one."""
    state, url = cmdb
    real = cmdb_record.Http.once
    lost = []

    def once(self, method, target, body=None):
        answer = real(self, method, target, body)
        if method == "POST" and not lost:
            lost.append(True)
            raise OSError("connection reset by peer")
        return answer

    monkeypatch.setattr(cmdb_record.Http, "once", once)
    rc, res = run(rest(url), capsys)
    assert rc == 0 and res["changed"] and res["record"]["correlation_id"] == "REQ-1"
    assert len(state.tables["rest:cis"]) == 1 and len([c for c in state.calls if c["method"] == "POST"]) == 1


@pytest.mark.parametrize("make, extra, message", [
    (rest, dict(api_token="wrong"), "HTTP 401"),
    (snow, dict(password="wrong"), "HTTP 401 User Not Authenticated"),
    (rest, dict(field_map={"hostname": "x", "vcpus": "x"}), "both map to backend field 'x'"),
    (rest, dict(fields={"correlation_id": "other"}), "'correlation_id' is the correlation field"),
    (rest, dict(url="http://127.0.0.1:1/rest/cis", retries=1), "Connection refused"),
    (rest, dict(retry_max_delay="nan"), "finite numbers of seconds"),
    (snow, dict(retry_delay="inf"), "finite numbers of seconds"),
    (snow, dict(correlation_field=""), "correlation_field must be a non-empty string"),
    (rest, dict(correlation_field=""), "correlation_field must be a non-empty string"),
])
def test_bad_input_fails_cleanly_and_writes_nothing(cmdb, capsys, make, extra, message):
    state, url = cmdb
    args = make(url)
    args.update(extra)
    rc, res = run(args, capsys)
    assert rc == 1 and message in res["msg"] and writes(state) == []


def test_two_records_with_one_correlation_id_are_refused(cmdb, capsys):
    state, url = cmdb
    state.tables["rest:cis"] = {"a": {"id": "a", "correlation_id": "REQ-1"}, "b": {"id": "b", "correlation_id": "REQ-1"}}
    rc, res = run(rest(url), capsys)
    assert rc == 1 and "2 records carry correlation_id=REQ-1" in res["msg"]


def test_secrets_are_not_returned(cmdb, capsys):
    _state, url = cmdb
    _rc, res = run(snow(url), capsys)
    assert fake_cmdb.PASSWORD not in json.dumps(res)


@pytest.mark.parametrize("extra", [
    dict(correlation_id="REQ-1^name=web-1"),
    dict(correlation_id="REQ-9^ORsys_idISNOTEMPTY"),
    dict(correlation_field="correlation_id^ORname"),
])
def test_servicenow_refuses_a_caret_in_the_lookup(cmdb, capsys, extra):
    """'^' would add conditions to sysparm_query: each run would miss its own CI and create another."""
    state, url = cmdb
    assert run(snow(url), capsys)[0] == 0
    for check_mode in (True, False):
        rc, res = run(snow(url, fields={"hostname": "web-2"}, _ansible_check_mode=check_mode, **extra), capsys)
        assert rc == 1 and "contains '^'" in res["msg"] and "Traceback" not in res["msg"]
    assert len(state.tables["snow:cmdb_ci_server"]) == 1 and len(writes(state)) == 1


def test_rest_takes_a_caret_in_the_correlation_id(cmdb, capsys):
    state, url = cmdb
    for _run in range(2):
        rc, res = run(rest(url, correlation_id="REQ-1^name=web-1"), capsys)
    assert rc == 0 and not res["changed"] and len(state.tables["rest:cis"]) == 1


def test_many_retries_are_accepted(cmdb, capsys):
    state, url = cmdb
    state.fail_next = 1
    rc, res = run(rest(url, retries=100), capsys)
    assert rc == 0 and res["changed"] and res["attempts"] == 3


@pytest.mark.parametrize("retries", [101, 10 ** 9])
def test_more_retries_than_the_maximum_are_refused_before_any_request(cmdb, capsys, retries):
    state, url = cmdb
    rc, res = run(rest(url, retries=retries), capsys)
    assert rc == 1 and res["msg"] == "retries must be at most 100, not %d" % retries and state.calls == []
