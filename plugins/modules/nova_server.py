#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: nova_server
short_description: Create or delete a Nova server by name, from a flavor and an image
version_added: 0.2.0
description:
  - Makes a server of the given name exist (booted from O(image) with O(flavor), no network) or not exist,
    and waits until it is C(ACTIVE) or gone.
  - The server is found by its exact name. A server of that name with another flavor is refused,
    not resized. A server in C(ERROR) is reported with Nova's fault message, not re-created.
  - A small module for the provisioning playbook; use C(openstack.cloud.server) for networks, volumes and keys.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes
options:
  auth:
    description: Keystone authentication for openstacksdk (C(auth_url), C(username), C(password), C(project_name), ...). Never logged.
    type: dict
    required: true
  auth_type:
    description: The keystoneauth plugin.
    type: str
    default: password
  flavor:
    description: Flavor name or id. Required with O(state=present).
    type: str
  image:
    description: Image name or id. Required with O(state=present).
    type: str
  interface:
    description: The endpoint interface to pick from the service catalog.
    type: str
    choices: [admin, internal, public]
    default: public
  metadata:
    description: Metadata set on the server when it is created.
    type: dict
  name:
    description: The server's name.
    type: str
    required: true
  region_name:
    description: The region whose endpoint is used.
    type: str
  state:
    description: Whether the server exists.
    type: str
    choices: [absent, present]
    default: present
  timeout:
    description: How long to wait for C(ACTIVE) or for the deletion, in seconds (1 or more).
    type: int
    default: 300
  validate_certs:
    description: Check the API's TLS certificate.
    type: bool
    default: true
requirements:
  - openstacksdk (tested with 4.22.0)
"""

EXAMPLES = r"""
- name: Build the approved server
  hypercloud.builder.nova_server:
    auth: "{{ openstack_auth }}"
    name: req-1001
    flavor: m1.large
    image: debian-12
    metadata: {request_id: REQ-1001}
"""

RETURN = r"""
server:
  description: The server after the task; empty when it does not exist.
  returned: always
  type: dict
  sample: {"id": "8f17cc55-5210-487b-a9ef-4e0fcc8efabb", "name": "req-1001", "status": "ACTIVE", "flavor": "m1.large",
           "vcpus": 8, "ram_mb": 32768, "image_id": "6b1a3c5e-7d9f-4b2a-8c4e-1f3a5b7c9d01", "fault": {},
           "created": "2026-03-02T10:20:00Z"}
"""

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import nova
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError


class NovaServer(HypercloudModule):
    supports_check_mode = True
    argument_spec = dict(
        auth=dict(type="dict", required=True, no_log=True),
        auth_type=dict(type="str", default="password"),
        flavor=dict(type="str"),
        image=dict(type="str"),
        interface=dict(type="str", choices=["admin", "internal", "public"], default="public"),
        metadata=dict(type="dict"),
        name=dict(type="str", required=True),
        region_name=dict(type="str"),
        state=dict(type="str", choices=["absent", "present"], default="present"),
        timeout=dict(type="int", default=300),
        validate_certs=dict(type="bool", default=True),
    )
    module_kwargs = dict(required_if=[("state", "present", ("flavor", "image"))])

    def run(self):
        self.require("openstacksdk", nova.SDK_ERROR)
        p = self.params
        if p["timeout"] < 1:
            raise PlanError("timeout must be 1 or more seconds, not %d" % p["timeout"])
        api = nova.Nova(p["auth"], p["auth_type"], p["region_name"], p["interface"], p["validate_certs"])
        server = api.find(p["name"])
        before = nova.server_dict(server) if server else {}
        if p["state"] == "absent":
            if server and not self.check_mode:
                api.delete(server, p["timeout"])
            return self.result(changed=bool(server), before=before, after={}, server={})
        if server is None:
            after = {} if self.check_mode else nova.server_dict(
                api.create(p["name"], p["flavor"], p["image"], {k: str(v) for k, v in (p["metadata"] or {}).items()}, p["timeout"]))
            return self.result(changed=True, before={}, after=after or dict(name=p["name"], flavor=p["flavor"]), server=after)
        if before["flavor"] not in (None, p["flavor"]) and before["flavor"] not in api.flavor_names(p["flavor"]):
            raise PlanError("server %s exists with flavor %s, not %s; it is not resized, delete it first"
                            % (p["name"], before["flavor"], p["flavor"]))
        if before["status"] == "BUILD" and not self.check_mode:
            before = nova.server_dict(api.wait(server, p["timeout"]))
        if before["status"] == "ERROR":
            raise PlanError("server %s (%s) is in ERROR: %s" % (p["name"], before["id"], before["fault"].get("message", "no fault recorded")))
        return self.result(changed=False, before=before, after=before, server=before)


def main():
    NovaServer().execute()


if __name__ == "__main__":
    main()
