# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Plan the Keystone resources a small cloud needs: roles, projects, services, endpoints, users
and role assignments.

Pure: the caller lists what Keystone has (by name) and applies the returned steps in order:
roles, projects, services, endpoints, users, then assignments, so every name a step refers to
exists when it runs. Nothing the plan does not manage is ever deleted. A user's password is set
when the user is created; Keystone cannot be asked for it, so later runs do not touch it. An
existing user's default project is updated when the task names another one.

Role names are case-insensitive in Keystone (a second role differing only in case is a
``409 Conflict``; keystone ``doc/source/admin/case-insensitive.rst``) and case-preserving: a
role named ``Admin`` in a task is Keystone's ``admin``. Every role name the plan compares or
emits, in the role list and in assignments, is Keystone's own spelling when the role exists, and
the first spelling the task gives when the plan creates it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, List, Mapping, Sequence, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

INTERFACES = ("public", "internal", "admin")


@dataclass(frozen=True)
class Identity:
    """Names only: what exists (read) or what is wanted (desired)."""

    roles: Tuple[str, ...] = field(default=())
    projects: Tuple[str, ...] = field(default=())
    services: Mapping[str, str] = field(default_factory=dict)  # name -> type
    endpoints: Mapping[Tuple[str, str, str], str] = field(default_factory=dict)  # (service, interface, region) -> url
    users: Mapping[str, str] = field(default_factory=dict)  # name -> default project ('' for none)
    assignments: Tuple[Tuple[str, str, str], ...] = field(default=())  # (user, project, role)


@dataclass(frozen=True)
class Step:
    action: str  # create or update
    kind: str
    name: str
    data: Mapping[str, str] = field(default_factory=dict)

    def as_dict(self) -> Dict[str, object]:
        return {"action": self.action, "kind": self.kind, "name": self.name, "data": dict(self.data)}


def role_names(desired: Identity, current: Identity) -> Callable[[str], str]:
    """The name to use for a role: Keystone's spelling when it holds the role (the exact one first,
    should a case-sensitive backend hold several), else the task's first spelling."""
    exact = set(current.roles)
    names: Dict[str, str] = {}
    for role in desired.roles + tuple(a[2] for a in desired.assignments):
        names.setdefault(role.lower(), role)
    names.update({role.lower(): role for role in current.roles})
    return lambda role: role if role in exact else names[role.lower()]


def canonical(desired: Identity, current: Identity) -> Identity:
    """``desired`` with every role name spelled as ``role_names`` says (duplicates by case dropped)."""
    name = role_names(desired, current)
    roles = tuple(dict.fromkeys(name(r) for r in desired.roles))
    projects = tuple(dict.fromkeys(desired.projects))  # a project listed twice is created once
    assignments = tuple(dict.fromkeys((u, p, name(r)) for u, p, r in desired.assignments))
    return Identity(roles, projects, desired.services, desired.endpoints, desired.users, assignments)


def validate(desired: Identity, current: Identity) -> None:
    # Keystone refuses a blank name (400) only when its step runs, after the steps before it.
    for what, names in (("role name", desired.roles), ("project name", desired.projects),
                        ("service name", desired.services), ("service type", desired.services.values()),
                        ("user name", desired.users)):
        for name in names:
            if not name.strip():
                raise PlanError("%s %r is blank" % (what, name))
    services = set(desired.services) | set(current.services)
    roles = set(desired.roles) | set(current.roles)  # both spelled alike by canonical()
    projects = set(desired.projects) | set(current.projects)
    users = set(desired.users) | set(current.users)
    for (service, interface, region), url in desired.endpoints.items():
        if service not in services:
            raise PlanError("endpoint for service %r, which is neither listed nor in Keystone" % service)
        if interface not in INTERFACES:
            raise PlanError("endpoint interface %r is not one of %s" % (interface, ", ".join(INTERFACES)))
        if not region:
            raise PlanError("endpoint %s/%s has no region" % (service, interface))
        if not url.startswith(("http://", "https://")):
            raise PlanError("endpoint %s/%s URL %r is not http(s)" % (service, interface, url))
    for user, project in desired.users.items():
        if project and project not in projects:
            raise PlanError("user %s: default project %s is neither listed nor in Keystone" % (user, project))
    for user, project, role in desired.assignments:
        for kind, name, known in (("user", user, users), ("project", project, projects), ("role", role, roles)):
            if name not in known:
                raise PlanError("assignment %s/%s/%s: %s %s is neither listed nor in Keystone"
                                % (user, project, role, kind, name))


def plan_identity(current: Identity, desired: Identity) -> List[Step]:
    """Steps that make Keystone hold everything in ``desired``."""
    desired = canonical(desired, current)
    validate(desired, current)
    steps: List[Step] = []
    steps += [Step("create", "role", r) for r in desired.roles if r not in current.roles]
    steps += [Step("create", "project", p) for p in desired.projects if p not in current.projects]
    for name, stype in sorted(desired.services.items()):
        if name not in current.services:
            steps.append(Step("create", "service", name, {"type": stype}))
        elif current.services[name] != stype:
            raise PlanError("service %s exists with type %s, not %s" % (name, current.services[name], stype))
    for key, url in sorted(desired.endpoints.items()):
        service, interface, region = key
        data = {"service": service, "interface": interface, "region": region, "url": url}
        if key not in current.endpoints:
            steps.append(Step("create", "endpoint", "%s/%s" % (service, interface), data))
        elif current.endpoints[key] != url:
            steps.append(Step("update", "endpoint", "%s/%s" % (service, interface), data))
    for name, project in sorted(desired.users.items()):
        if name not in current.users:
            steps.append(Step("create", "user", name, {"default_project": project}))
        elif project and current.users[name] != project:  # none given: the user's own is kept
            steps.append(Step("update", "user", name, {"default_project": project}))
    have = set(current.assignments)
    steps += [Step("create", "assignment", "%s/%s/%s" % a, {"user": a[0], "project": a[1], "role": a[2]})
              for a in desired.assignments if a not in have]
    return steps


def apply_steps(current: Identity, steps: Sequence[Step]) -> Identity:
    """The state after ``steps`` (for the property "applying leaves nothing to do")."""
    roles = list(current.roles)
    projects = list(current.projects)
    services = dict(current.services)
    endpoints = dict(current.endpoints)
    users = dict(current.users)
    assignments = list(current.assignments)
    for step in steps:
        d = step.data
        if step.kind == "role":
            roles.append(step.name)
        elif step.kind == "project":
            projects.append(step.name)
        elif step.kind == "service":
            services[step.name] = d["type"]
        elif step.kind == "endpoint":
            endpoints[(d["service"], d["interface"], d["region"])] = d["url"]
        elif step.kind == "user":
            users[step.name] = d["default_project"]
        elif step.kind == "assignment":
            assignments.append((d["user"], d["project"], d["role"]))
    return Identity(tuple(roles), tuple(projects), services, endpoints, users, tuple(assignments))
