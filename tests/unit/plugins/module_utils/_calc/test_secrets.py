# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Table tests for the secrets planner."""

from __future__ import annotations

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.secrets import plan_secrets


def gen(name):
    return "gen-" + name


@pytest.mark.parametrize("stored, given, values, generated, updated", [
    ({}, {}, {"a": "gen-a", "b": "gen-b"}, ("a", "b"), ()),
    ({"a": "x", "b": "y"}, {}, {"a": "x", "b": "y"}, (), ()),
    ({"a": "x"}, {"b": ""}, {"a": "x", "b": "gen-b"}, ("b",), ()),
    ({"a": "x", "b": "y"}, {"a": "z"}, {"a": "z", "b": "y"}, (), ("a",)),
    ({"a": "x", "b": "y"}, {"a": "x"}, {"a": "x", "b": "y"}, (), ()),
    ({}, {"a": "z"}, {"a": "z", "b": "gen-b"}, ("b",), ("a",)),
    ({"a": "x", "b": "y", "old": "o"}, {}, {"a": "x", "b": "y", "old": "o"}, (), ()),
])
def test_plan(stored, given, values, generated, updated):
    plan = plan_secrets(stored, ["a", "b"], given, [], gen)
    assert plan.values == values
    assert plan.generated == generated and plan.updated == updated
    assert plan.changed == bool(generated or updated)


def test_second_run_changes_nothing():
    first = plan_secrets({}, ["a", "b"], {}, [], gen)
    assert not plan_secrets(first.values, ["a", "b"], {}, [], lambda n: "other").changed


@pytest.mark.parametrize("stored, names, given, message", [
    ({"hash": "x"}, ["hash"], {"hash": "y"}, "immutable"),
    ({}, ["a"], {"b": "y"}, "not listed"),
    ({}, ["bad name"], {}, "secret name"),
])
def test_refused(stored, names, given, message):
    with pytest.raises(PlanError, match=message):
        plan_secrets(stored, names, given, ["hash"], gen)


def test_empty_generator_is_refused():
    with pytest.raises(PlanError, match="empty"):
        plan_secrets({}, ["a"], {}, [], lambda n: "")


@pytest.mark.parametrize("names, given", [
    (["admin\n"], {}),
    (["admin"], {"admin\n": "x"}),
])
def test_a_name_with_a_trailing_line_break_is_refused(names, given):
    with pytest.raises(PlanError, match="secret name"):
        plan_secrets({}, names, given, [], gen)


def test_a_name_listed_twice_is_generated_once():
    plan = plan_secrets({}, ["a", "b", "a"], {}, [], gen)
    assert plan.generated == ("a", "b") and plan.values == {"a": "gen-a", "b": "gen-b"}
