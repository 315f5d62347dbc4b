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


def test_pick_one():
    assert pick_one([], "cid", "R1") is None
    assert pick_one([{"cid": "R2"}], "cid", "R1") is None
    assert pick_one([{"cid": "R1", "id": 3}], "cid", "R1") == {"cid": "R1", "id": 3}
    with pytest.raises(PlanError, match="2 records carry cid=R1; merge them"):
        pick_one([{"cid": "R1"}, {"cid": "R1"}], "cid", "R1")


@pytest.mark.parametrize("retries, base, cap, delays", [
    (0, 1.0, 10.0, []), (3, 1.0, 10.0, [1.0, 2.0, 4.0]), (5, 1.0, 5.0, [1.0, 2.0, 4.0, 5.0, 5.0]),
    (2, 0.0, 1.0, [0.0, 0.0]),
])
def test_backoff_delays(retries, base, cap, delays):
    assert backoff_delays(retries, base, cap) == delays


def test_backoff_refuses_negative():
    with pytest.raises(PlanError, match="must not be negative"):
        backoff_delays(-1, 1, 1)


@pytest.mark.parametrize("status, answer", [(None, True), (429, True), (503, True), (500, True), (400, False),
                                            (401, False), (404, False), (409, False)])
def test_retryable(status, answer):
    assert retryable(status) is answer
