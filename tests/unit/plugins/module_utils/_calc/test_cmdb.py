# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tables for the CMDB calculator: mapping, the difference, the retry schedule."""

from __future__ import annotations

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.cmdb import (
    as_text,
    backoff_delays,
    map_fields,
    pick_one,
    plan_record,
    retryable,
    servicenow_query,
)
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError


@pytest.mark.parametrize("value, text", [
    (None, ""), (True, "true"), (False, "false"), (4, "4"), (4.0, "4"), (4.5, "4.5"),
    ("x", "x"), ([1, 2], "[1, 2]"), ({"b": 1, "a": 2}, '{"a": 2, "b": 1}'),
])
def test_as_text(value, text):
    assert as_text(value) == text


def test_map_fields_renames_and_keeps_unmapped():
    assert map_fields({"hostname": "a", "vcpus": 2}, {"hostname": "name"}) == {"name": "a", "vcpus": 2}
    assert map_fields({"a": 1}, None) == {"a": 1}


@pytest.mark.parametrize("fields, mapping, message", [
    ({"a": 1, "b": 2}, {"a": "x", "b": "x"}, "'a' and 'b' both map to backend field 'x'"),
    ({"a": 1, "x": 2}, {"a": "x"}, "both map to backend field 'x'"),
    ({"a": 1}, {"a": ""}, "target of 'a' must be a non-empty string"),
])
def test_map_fields_refuses_collisions(fields, mapping, message):
    with pytest.raises(PlanError, match=message):
        map_fields(fields, mapping)


@pytest.mark.parametrize("current, desired, strings, create, changes", [
    (None, {"name": "a"}, False, True, {"name": "a", "cid": "R1"}),
    (None, {"cpu": 4}, True, True, {"cpu": "4", "cid": "R1"}),
    ({"id": 1, "cid": "R1", "name": "a"}, {"name": "a"}, False, False, {}),
    ({"id": 1, "cid": "R1", "name": "a"}, {"name": "b"}, False, False, {"name": "b"}),
    ({"id": 1, "cid": "R1", "cpu": 4}, {"cpu": "4"}, False, False, {"cpu": "4"}),   # typed API: 4 != "4"
    ({"sys_id": "x", "cid": "R1", "cpu": "4"}, {"cpu": 4}, True, False, {}),         # string API: same
    ({"sys_id": "x", "cid": "R1", "ok": "true"}, {"ok": True}, True, False, {}),
    ({"sys_id": "x", "cid": "R1"}, {"cpu": 4}, True, False, {"cpu": "4"}),            # missing field
    ({"id": 1, "cid": "R1", "other": 9}, {"name": "a"}, False, False, {"name": "a"}),  # others untouched
])
def test_plan_record(current, desired, strings, create, changes):
    plan = plan_record(current, desired, "cid", "R1", strings)
    assert (plan.create, plan.changes, bool(plan)) == (create, changes, bool(create or changes))
    # applying the plan leaves nothing to do
    applied = dict(current or {}, **plan.changes)
    assert not plan_record(applied, desired, "cid", "R1", strings)


def test_plan_record_diff_holds_only_managed_fields():
    plan = plan_record({"id": 1, "cid": "R1", "name": "a", "secret": "s"}, {"name": "b"}, "cid", "R1")
    assert plan.before == {"cid": "R1", "name": "a"} and plan.after == {"cid": "R1", "name": "b"}


@pytest.mark.parametrize("desired, cid, message", [
    ({"cid": "R2"}, "R1", "'cid' is the correlation field"),
    ({}, "", "correlation_id must be a non-empty string"),
])
def test_plan_record_refuses(desired, cid, message):
    with pytest.raises(PlanError, match=message):
        plan_record(None, desired, "cid", cid)


def test_plan_record_refuses_an_empty_correlation_field():
    with pytest.raises(PlanError, match="correlation_field must be a non-empty string"):
        plan_record(None, {"name": "a"}, "", "R1")


def test_pick_one():
    assert pick_one([], "cid", "R1") is None
    assert pick_one([{"cid": "R2"}], "cid", "R1") is None
    assert pick_one([{"cid": "R1", "id": 3}], "cid", "R1") == {"cid": "R1", "id": 3}
    with pytest.raises(PlanError, match="2 records carry cid=R1; merge them"):
        pick_one([{"cid": "R1"}, {"cid": "R1"}], "cid", "R1")


@pytest.mark.parametrize("retries, base, cap, delays", [
    (0, 1.0, 10.0, []), (3, 1.0, 10.0, [1.0, 2.0, 4.0]), (5, 1.0, 5.0, [1.0, 2.0, 4.0, 5.0, 5.0]),
    (2, 0.0, 1.0, [0.0, 0.0]), (3, 8.0, 3.0, [3.0, 3.0, 3.0]),
])
def test_backoff_delays(retries, base, cap, delays):
    assert backoff_delays(retries, base, cap) == delays


def test_backoff_refuses_negative():
    with pytest.raises(PlanError, match="must not be negative"):
        backoff_delays(-1, 1, 1)


def test_backoff_many_retries_do_not_overflow():
    delays = backoff_delays(100, 1.0, 10.0)
    assert len(delays) == 100 and delays[:5] == [1.0, 2.0, 4.0, 8.0, 10.0] and delays[-1] == 10.0
    assert backoff_delays(100, 1e308, 1.7e308)[-1] == 1.7e308


@pytest.mark.parametrize("retries", [101, 10 ** 9])
def test_backoff_refuses_more_retries_than_the_maximum(retries):
    with pytest.raises(PlanError, match="retries must be at most 100, not %d" % retries):
        backoff_delays(retries, 1.0, 10.0)


@pytest.mark.parametrize("base, cap", [(float("nan"), 10.0), (1.0, float("nan")), (1.0, float("inf")), (float("inf"), 10.0)])
def test_backoff_refuses_delays_that_are_not_finite(base, cap):
    with pytest.raises(PlanError, match="finite numbers of seconds"):
        backoff_delays(3, base, cap)


@pytest.mark.parametrize("status, answer", [(None, True), (429, True), (503, True), (500, True), (400, False),
                                            (401, False), (404, False), (409, False)])
def test_retryable(status, answer):
    assert retryable(status) is answer


def test_servicenow_query():
    assert servicenow_query("correlation_id", "REQ-1") == "correlation_id=REQ-1"
    assert servicenow_query("u_ref", "a=b c") == "u_ref=a=b c"


@pytest.mark.parametrize("field, cid", [("correlation_id", "REQ-1^name=web-1"), ("correlation_id", "X^ORsys_id!="),
                                        ("correlation_id", "X^NQname=y"), ("a^ORb", "REQ-1")])
def test_servicenow_query_refuses_a_caret(field, cid):
    with pytest.raises(PlanError, match="contains '\\^'"):
        servicenow_query(field, cid)
