#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: keystone_identity
short_description: Keystone roles, projects, services, endpoints, users and role assignments in one task
version_added: 0.1.0
description:
  - Makes Keystone hold every listed role, project, service, endpoint, user and role assignment,
    matched by name in one domain. Missing ones are created, an endpoint with another URL is
    updated; nothing that is not listed is deleted.
  - A user's password is set when the user is created; Keystone cannot be asked for it, so later
    runs leave it alone. An existing user's default project is set to O(users[].default_project)
    when that names another project; a user listed without one keeps the default project it has.
  - Role names are case-insensitive, as in Keystone (which answers C(409 Conflict) to a role that differs
    from an existing one only in case). A role or an assignment naming C(Admin) uses Keystone's C(admin),
    and a new role listed in two spellings is created once, in the first.
  - Refuses, before changing anything, an endpoint of an unknown service, an assignment naming an
    unknown user, project or role, a default project that does not exist, a blank name or service type.
    A project listed twice is created once.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes
  - hypercloud.builder._keystone
options:
  assignments:
    description: Project role assignments.
    type: list
    elements: dict
    default: []
    suboptions:
      project:
        description: The project name.
        type: str
        required: true
      role:
        description: The role name.
        type: str
        required: true
      user:
        description: The user name.
        type: str
        required: true
  domain_id:
    description: The domain of the projects and users.
    type: str
    default: default
  endpoints:
    description: Service endpoints.
    type: list
    elements: dict
    default: []
    suboptions:
      interface:
        description: The interface.
        type: str
        required: true
        choices: [public, internal, admin]
      region:
        description: The region id.
        type: str
        default: RegionOne
      service:
        description: The service name.
        type: str
        required: true
      url:
        description: The URL.
        type: str
        required: true
  projects:
    description: Project names.
    type: list
    elements: str
    default: []
  roles:
    description: Role names.
    type: list
    elements: str
    default: []
  services:
    description: Services of the catalog.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The service name.
        type: str
        required: true
      type:
        description: The service type, for example C(object-store).
        type: str
        required: true
  users:
    description: Users.
    type: list
    elements: dict
    default: []
    suboptions:
      default_project:
        description:
          - The default project name, set on a new user and on an existing user whose default project
            is another one. When not given, an existing user's default project is left as it is.
        type: str
      name:
        description: The user name.
        type: str
        required: true
      password:
        description: The password, set when the user is created.
        type: str
        required: true
"""

EXAMPLES = r"""
- name: Swift in the catalog and a user who may use it
  hypercloud.builder.keystone_identity:
    auth: {auth_url: "http://127.0.0.1:5000/v3", username: admin, password: "{{ admin_pw }}", project_name: admin}
    roles: [swiftoperator]
    projects: [demo]
    services: [{name: swift, type: object-store}]
    endpoints:
      - {service: swift, interface: public, url: "http://127.0.0.1:8080/v1/AUTH_%(project_id)s"}
    users: [{name: demo, password: "{{ demo_pw }}", default_project: demo}]
    assignments: [{user: demo, project: demo, role: swiftoperator}]
"""

RETURN = r"""
steps:
  description:
    - The changes made (or in check mode that would be made), in order. Never holds a password.
    - An existing user whose default project changes gets an C(update) step of kind C(user).
  returned: always
  type: list
  elements: dict
  sample: [{"action": "create", "kind": "user", "name": "demo", "data": {"default_project": "demo"}}]
"""

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import openstack_sdk
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.keystone_identity import Identity, plan_identity
from ansible_collections.hypercloud.builder.plugins.module_utils._keystone_spec import KEYSTONE_AUTH_SPEC


class KeystoneIdentityModule(HypercloudModule):
    supports_check_mode = True
    shared_spec = KEYSTONE_AUTH_SPEC
    argument_spec = dict(
        assignments=dict(type="list", elements="dict", default=[], options=dict(
            project=dict(type="str", required=True), role=dict(type="str", required=True),
            user=dict(type="str", required=True))),
        domain_id=dict(type="str", default="default"),
        endpoints=dict(type="list", elements="dict", default=[], options=dict(
            interface=dict(type="str", required=True, choices=["public", "internal", "admin"]),
            region=dict(type="str", default="RegionOne"), service=dict(type="str", required=True),
            url=dict(type="str", required=True))),
        projects=dict(type="list", elements="str", default=[]),
        roles=dict(type="list", elements="str", default=[]),
        services=dict(type="list", elements="dict", default=[], options=dict(
            name=dict(type="str", required=True), type=dict(type="str", required=True))),
        users=dict(type="list", elements="dict", default=[], options=dict(
            default_project=dict(type="str"), name=dict(type="str", required=True),
            password=dict(type="str", required=True, no_log=True))),
    )

    def run(self):
        p = self.params
        self.require("openstacksdk", openstack_sdk.SDK_ERROR)
        desired = Identity(
            roles=tuple(p["roles"]), projects=tuple(p["projects"]),
            services={s["name"]: s["type"] for s in p["services"]},
            endpoints={(e["service"], e["interface"], e["region"]): e["url"] for e in p["endpoints"]},
            users={u["name"]: u["default_project"] or "" for u in p["users"]},
            assignments=tuple((a["user"], a["project"], a["role"]) for a in p["assignments"]))
        keystone = openstack_sdk.KeystoneIdentity(openstack_sdk.connect(p["auth"]), p["domain_id"])
        plan = plan_identity(keystone.read(), desired)
        if not self.check_mode:
            passwords = {u["name"]: u["password"] for u in p["users"]}
            for step in plan:
                keystone.apply(step, passwords)
        steps = [s.as_dict() for s in plan]
        return self.result(changed=bool(plan), before=None, after={"steps": steps}, steps=steps)


def main():
    KeystoneIdentityModule().execute()


if __name__ == "__main__":
    main()
