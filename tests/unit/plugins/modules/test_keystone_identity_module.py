# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""keystone_identity through main() and the real adapter, with a fake openstacksdk identity proxy that
treats role names as Keystone does: case-insensitive (409 on a second spelling) and case-preserving."""

from __future__ import annotations

import json
from types import SimpleNamespace as NS

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.modules import keystone_identity as mod


class Conflict(Exception):
    pass


class FakeIdentity:
    def __init__(self):
        self.roles_ = [NS(id="r-admin", name="admin")]
        self.projects_ = [NS(id="p-demo", name="demo")]
        self.users_ = [NS(id="u-demo", name="demo", default_project_id=None)]
        self.grants = set()
        self.user_updates = []

    def roles(self):
        return list(self.roles_)

    def projects(self, domain_id):
        return list(self.projects_)

    def services(self):
        return []

    def users(self, domain_id):
        return list(self.users_)

    def endpoints(self):
        return []

    def role_assignments(self):
        return [NS(user={"id": u}, scope={"project": {"id": p}}, role={"id": r}) for u, p, r in sorted(self.grants)]

    def create_role(self, name):
        if any(r.name.lower() == name.lower() for r in self.roles_):
            raise Conflict("409 Conflict: Duplicate entry found with name %s" % name)
        role = NS(id="r-%s" % name, name=name)
        self.roles_.append(role)
        return role

    def create_project(self, name, domain_id):
        if any(p.name == name for p in self.projects_):
            raise Conflict("409 Conflict: Duplicate entry found with name %s" % name)
        project = NS(id="p-%s" % name, name=name)
        self.projects_.append(project)
        return project

    def update_user(self, user, **attrs):
        user = next(u for u in self.users_ if u.id == getattr(user, "id", user))
        self.user_updates.append((user.id, attrs))
        for key, value in attrs.items():
            setattr(user, key, value)
        return user

    def assign_project_role_to_user(self, project, user, role):
        self.grants.add((user.id if hasattr(user, "id") else user, project, role))


@pytest.fixture
def keystone(sdk_connect):
    idn = FakeIdentity()
    sdk_connect(lambda _auth: NS(identity=idn))
    return idn


AUTH = {"auth_url": "http://127.0.0.1:5000/v3", "username": "admin", "password": "pw", "project_name": "admin"}


def run(args, capsys, check=False):
    with patch_module_args(dict(args, auth=AUTH, _ansible_check_mode=check)), pytest.raises(SystemExit) as exc:
        mod.main()
    return exc.value.code, json.loads(capsys.readouterr().out)


def test_a_role_named_in_another_case_is_keystones_role_in_plan_and_apply(keystone, capsys):
    args = {"roles": ["Admin"], "assignments": [{"user": "demo", "project": "demo", "role": "ADMIN"}]}
    rc, check = run(args, capsys, check=True)
    assert rc == 0 and check["changed"]
    assert check["steps"] == [{"action": "create", "kind": "assignment", "name": "demo/demo/admin",
                               "data": {"user": "demo", "project": "demo", "role": "admin"}}]
    assert keystone.grants == set()
    rc, real = run(args, capsys)
    assert rc == 0 and real["changed"] and real["steps"] == check["steps"]
    assert keystone.grants == {("u-demo", "p-demo", "r-admin")} and len(keystone.roles_) == 1
    for check_mode in (True, False):
        rc, again = run(args, capsys, check=check_mode)
        assert rc == 0 and not again["changed"] and again["steps"] == []


def test_a_new_role_given_in_two_spellings_is_created_once(keystone, capsys):
    args = {"roles": ["SwiftOperator", "swiftoperator"],
            "assignments": [{"user": "demo", "project": "demo", "role": "swiftoperator"}]}
    rc, real = run(args, capsys)
    assert rc == 0 and real["changed"]
    assert [(s["kind"], s["name"]) for s in real["steps"]] == [("role", "SwiftOperator"),
                                                               ("assignment", "demo/demo/SwiftOperator")]
    assert [r.name for r in keystone.roles_] == ["admin", "SwiftOperator"]
    rc, again = run(args, capsys)
    assert rc == 0 and not again["changed"]


def test_a_project_listed_twice_is_created_once_in_check_and_real_mode(keystone, capsys):
    args = {"projects": ["service", "service"]}
    rc, check = run(args, capsys, check=True)
    assert rc == 0 and [s["name"] for s in check["steps"]] == ["service"]
    rc, real = run(args, capsys)
    assert rc == 0 and real["changed"] and real["steps"] == check["steps"]
    assert [p.name for p in keystone.projects_] == ["demo", "service"]
    rc, again = run(args, capsys)
    assert rc == 0 and not again["changed"]


@pytest.mark.parametrize("args", [{"roles": ["swiftoperator", ""]}, {"projects": ["service", "  "]}])
def test_a_blank_name_is_refused_before_anything_is_created(keystone, capsys, args):
    rc, out = run(args, capsys)
    assert rc == 1 and "is blank" in out["msg"]
    assert [r.name for r in keystone.roles_] == ["admin"] and [p.name for p in keystone.projects_] == ["demo"]


def test_an_existing_users_changed_default_project_is_updated_and_the_password_left_alone(keystone, capsys):
    keystone.projects_.append(NS(id="p-service", name="service"))
    keystone.users_[0].default_project_id = "p-service"
    args = {"users": [{"name": "demo", "password": "new-pw", "default_project": "demo"}]}
    rc, check = run(args, capsys, check=True)
    assert rc == 0 and check["changed"]
    assert check["steps"] == [{"action": "update", "kind": "user", "name": "demo", "data": {"default_project": "demo"}}]
    assert keystone.user_updates == [] and keystone.users_[0].default_project_id == "p-service"
    rc, real = run(args, capsys)
    assert rc == 0 and real["changed"] and real["steps"] == check["steps"]
    assert keystone.user_updates == [("u-demo", {"default_project_id": "p-demo"})]
    assert "new-pw" not in json.dumps(real)
    for check_mode in (True, False):
        rc, again = run(args, capsys, check=check_mode)
        assert rc == 0 and not again["changed"] and again["steps"] == []
