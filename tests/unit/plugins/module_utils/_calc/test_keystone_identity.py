# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Table tests for the Keystone identity planner."""

from __future__ import annotations

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.keystone_identity import (
    Identity,
    apply_steps,
    plan_identity,
)

URL = "http://127.0.0.1:8080/v1/AUTH_%(project_id)s"
BOOTSTRAPPED = Identity(roles=("admin", "member", "reader"), projects=("admin",), services={"keystone": "identity"},
                        users={"admin": ""}, assignments=(("admin", "admin", "admin"),))
WANTED = Identity(
    roles=("swiftoperator",), projects=("service", "swiftbox"), services={"swift": "object-store"},
    endpoints={("swift", i, "RegionOne"): URL for i in ("public", "internal", "admin")},
    users={"swift": "service", "swiftbox": "swiftbox"},
    assignments=(("swift", "service", "admin"), ("swiftbox", "swiftbox", "swiftoperator")))


def test_fresh_keystone_gets_everything_in_dependency_order():
    steps = plan_identity(BOOTSTRAPPED, WANTED)
    kinds = [s.kind for s in steps]
    assert kinds == ["role", "project", "project", "service", "endpoint", "endpoint", "endpoint", "user", "user",
                     "assignment", "assignment"]
    assert all(s.action == "create" for s in steps)
    assert "password" not in str([s.as_dict() for s in steps])


def test_applying_leaves_nothing_to_do():
    after = apply_steps(BOOTSTRAPPED, plan_identity(BOOTSTRAPPED, WANTED))
    assert plan_identity(after, WANTED) == []


def test_changed_endpoint_url_is_updated_not_duplicated():
    after = apply_steps(BOOTSTRAPPED, plan_identity(BOOTSTRAPPED, WANTED))
    moved = Identity(**{**WANTED.__dict__, "endpoints": {("swift", "public", "RegionOne"): "http://h:1/v1/AUTH_%(project_id)s"}})
    steps = plan_identity(after, moved)
    assert [(s.action, s.kind, s.name) for s in steps] == [("update", "endpoint", "swift/public")]


def test_role_names_are_case_insensitive():
    assert plan_identity(Identity(roles=("SwiftOperator",)), Identity(roles=("swiftoperator",))) == []


@pytest.mark.parametrize("desired, message", [
    (Identity(endpoints={("nova", "public", "RegionOne"): "http://x"}), "service 'nova'"),
    (Identity(services={"s": "t"}, endpoints={("s", "private", "RegionOne"): "http://x"}), "interface"),
    (Identity(services={"s": "t"}, endpoints={("s", "public", ""): "http://x"}), "no region"),
    (Identity(services={"s": "t"}, endpoints={("s", "public", "R"): "ftp://x"}), "not http"),
    (Identity(users={"u": "nowhere"}), "default project nowhere"),
    (Identity(users={"u": ""}, projects=("p",), assignments=(("u", "p", "ghost"),)), "role ghost"),
    (Identity(projects=("p",), roles=("r",), assignments=(("nobody", "p", "r"),)), "user nobody"),
])
def test_refused(desired, message):
    with pytest.raises(PlanError, match=message):
        plan_identity(Identity(), desired)


def test_service_type_clash_is_refused():
    with pytest.raises(PlanError, match="exists with type"):
        plan_identity(Identity(services={"swift": "volume"}), Identity(services={"swift": "object-store"}))
