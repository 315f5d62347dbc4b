#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: swift_object_roundtrip_info
short_description: Prove a Swift endpoint works - token, container, upload, download, compare, delete
version_added: 0.1.0
description:
  - Gets a Keystone token for a user, finds the object-store endpoint in the catalog, creates a
    container, uploads an object, downloads it and compares the bytes, then deletes the object and
    the container. Leaves nothing behind, so it never reports a change.
  - Fails with the step that failed (authentication, container, upload, download, delete).
  - In check mode it only authenticates.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes.INFO_MODULE
  - hypercloud.builder._keystone
options:
  container:
    description: The container created and deleted again.
    type: str
    default: hypercloud-roundtrip
  object_name:
    description: The object uploaded and deleted again.
    type: str
    default: roundtrip.bin
  size:
    description: Bytes of random payload, from 0 to 67108864 (64 MiB); the payload is built in memory.
    type: int
    default: 65536
"""

EXAMPLES = r"""
- name: PUT/GET round trip as the swiftbox user
  hypercloud.builder.swift_object_roundtrip_info:
    auth: {auth_url: "http://127.0.0.1:5000/v3", username: swiftbox, password: "{{ pw }}", project_name: swiftbox}
"""

RETURN = r"""
roundtrip:
  description: What was seen; never the token. In check mode only the key C(authenticated), true.
  returned: always
  type: dict
  sample: {"storage_url": "http://127.0.0.1:8080/v1/AUTH_0123", "created": true, "uploaded": true,
           "downloaded_equal": true, "deleted": true, "bytes": 65536, "seconds": 0.21}
"""

import os
import time

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import openstack_sdk
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError
from ansible_collections.hypercloud.builder.plugins.module_utils._keystone_spec import KEYSTONE_AUTH_SPEC

MAX_SIZE = 64 * 1024 * 1024  # the payload and its downloaded copy are both held in memory


class SwiftRoundtrip(HypercloudModule):
    supports_check_mode = True
    shared_spec = KEYSTONE_AUTH_SPEC
    argument_spec = dict(
        container=dict(type="str", default="hypercloud-roundtrip"),
        object_name=dict(type="str", default="roundtrip.bin"),
        size=dict(type="int", default=65536),
    )

    def run(self):
        p = self.params
        self.require("openstacksdk", openstack_sdk.SDK_ERROR)
        # Refused before logging in, so that check mode fails where the real run would.
        if p["size"] < 0:
            raise PlanError("size is the payload's bytes: 0 or more, not %d" % p["size"])
        if p["size"] > MAX_SIZE:
            raise PlanError("size %d is more than the %d bytes (64 MiB) a probe may upload; the payload is built"
                            " in memory" % (p["size"], MAX_SIZE))
        if not p["container"].strip() or "/" in p["container"]:
            raise PlanError("container %r must be a name without '/'" % p["container"])
        if not p["object_name"].strip():
            raise PlanError("object_name must not be blank")
        started = time.monotonic()
        conn = openstack_sdk.connect(p["auth"])
        if self.check_mode:
            return self.result(changed=False, roundtrip={"authenticated": True})
        payload = os.urandom(p["size"])
        seen = openstack_sdk.object_roundtrip(conn, p["container"], p["object_name"], payload)
        if not seen["downloaded_equal"]:
            raise AdapterError("the object downloaded from %s differs from the one uploaded" % seen["storage_url"])
        seen.update(bytes=p["size"], seconds=round(time.monotonic() - started, 3))
        return self.result(changed=False, roundtrip=seen)


def main():
    SwiftRoundtrip().execute()


if __name__ == "__main__":
    main()
