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


def test_an_assignment_uses_keystones_spelling_of_an_existing_role():
    wanted = Identity(roles=("Admin",), assignments=(("admin", "admin", "Admin"),))
    assert plan_identity(BOOTSTRAPPED, wanted) == []
    new_user = Identity(users={"u": ""}, assignments=(("u", "admin", "ADMIN"),))
    steps = plan_identity(BOOTSTRAPPED, new_user)
    assert steps[-1].data == {"user": "u", "project": "admin", "role": "admin"}
    assert plan_identity(apply_steps(BOOTSTRAPPED, steps), new_user) == []


def test_a_new_role_is_created_once_in_the_tasks_first_spelling():
    wanted = Identity(roles=("Ops", "OPS"), users={"u": ""}, projects=("p",),
                      assignments=(("u", "p", "ops"), ("u", "p", "Ops")))
    steps = plan_identity(Identity(), wanted)
    assert [(s.kind, s.name) for s in steps] == [("role", "Ops"), ("project", "p"), ("user", "u"),
                                                 ("assignment", "u/p/Ops")]
    assert plan_identity(apply_steps(Identity(), steps), wanted) == []


def test_an_exact_spelling_wins_when_a_case_sensitive_backend_holds_two():
    current = Identity(roles=("member", "Member"), users={"u": ""}, projects=("p",))
    steps = plan_identity(current, Identity(assignments=(("u", "p", "Member"),)))
    assert [s.data["role"] for s in steps] == ["Member"]


@pytest.mark.parametrize("desired, message", [
    (Identity(endpoints={("nova", "public", "RegionOne"): "http://x"}), "service 'nova'"),
    (Identity(services={"s": "t"}, endpoints={("s", "private", "RegionOne"): "http://x"}), "interface"),
    (Identity(services={"s": "t"}, endpoints={("s", "public", ""): "http://x"}), "no region"),
    (Identity(services={"s": "t"}, endpoints={("s", "public", "R"): "ftp://x"}), "not http"),
    (Identity(users={"u": "nowhere"}), "default project nowhere"),
    (Identity(users={"u": ""}, projects=("p",), assignments=(("u", "p", "ghost"),)), "role ghost"),
    (Identity(projects=("p",), roles=("r",), assignments=(("nobody", "p", "r"),)), "user nobody"),
    (Identity(roles=("r", "")), "role name '' is blank"),
    (Identity(roles=("r",), projects=(" ",)), "project name ' ' is blank"),
    (Identity(services={"": "object-store"}), "service name '' is blank"),
    (Identity(services={"swift": "\t"}), "service type .* is blank"),
    (Identity(projects=("p",), users={"": "p"}), "user name '' is blank"),
])
def test_refused(desired, message):
    with pytest.raises(PlanError, match=message):
        plan_identity(Identity(), desired)


def test_service_type_clash_is_refused():
    with pytest.raises(PlanError, match="exists with type"):
        plan_identity(Identity(services={"swift": "volume"}), Identity(services={"swift": "object-store"}))


def test_a_project_listed_twice_is_created_once():
    wanted = Identity(projects=("p", "q", "p"))
    steps = plan_identity(Identity(), wanted)
    assert [(s.kind, s.name) for s in steps] == [("project", "p"), ("project", "q")]
    assert plan_identity(apply_steps(Identity(), steps), wanted) == []


def test_an_existing_users_changed_default_project_is_updated():
    current = Identity(projects=("p", "q"), users={"u": "p", "v": ""})
    wanted = Identity(users={"u": "q", "v": "p"})
    steps = plan_identity(current, wanted)
    assert [(s.action, s.kind, s.name, dict(s.data)) for s in steps] == [
        ("update", "user", "u", {"default_project": "q"}), ("update", "user", "v", {"default_project": "p"})]
    assert plan_identity(apply_steps(current, steps), wanted) == []


def test_an_existing_users_default_project_is_kept_when_none_is_given():
    assert plan_identity(Identity(projects=("p",), users={"u": "p"}), Identity(users={"u": ""})) == []
