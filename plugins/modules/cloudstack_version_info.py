#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cloudstack_version_info
short_description: The version a CloudStack API answers with, waiting for it to answer after a restart
version_added: 0.1.0
description:
  - Calls C(listCapabilities) and returns C(cloudstackversion) and the capabilities.
  - With O(wait_timeout) it keeps asking while the API cannot be reached or answers with an HTTP error other
    than 401 (a management server that is starting, or upgrading its database schema), and fails after
    that many seconds with the last error. A 401 (wrong key, secret or signature) fails at once.
  - With O(min_version) it fails unless the version is at least that (for example after an upgrade).
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._cloudstack
  - hypercloud.builder._attributes.INFO_MODULE
options:
  min_version:
    description: Fail unless the API reports at least this version (compared number by number, V(4.20) < V(4.20.1.0)).
    type: str
  poll_interval:
    description: Seconds between two tries while waiting.
    type: float
    default: 5.0
  wait_timeout:
    description: Seconds to keep trying while the API does not answer; V(0) tries once.
    type: int
    default: 0
notes:
  - Tested against a fake CloudStack API (payloads shaped like CloudStack 4.20's), not against a live CloudStack.
"""

EXAMPLES = r"""
- name: Wait for the upgraded management server's API
  hypercloud.builder.cloudstack_version_info:
    api_url: http://127.0.0.1:8080/client/api
    api_key: "{{ cs_key }}"
    api_secret: "{{ cs_secret }}"
    wait_timeout: 900
    min_version: 4.20.1
  register: cs_version
"""

RETURN = r"""
capabilities:
  description: The C(capability) object of C(listCapabilities).
  returned: always
  type: dict
  sample: {"cloudstackversion": "4.20.1.0", "kvmsnapshotenabled": true, "apilimitmax": 1000}
tries:
  description: How many calls it took until the API answered.
  returned: always
  type: int
  sample: 1
version:
  description: The C(cloudstackversion) the API reports.
  returned: always
  type: str
  sample: 4.20.1.0
"""

import time

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.cloudstack import AUTH_SPEC, CloudStackApi, CloudStackAuthError
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.host_maintenance import version_at_least


class CloudStackVersionInfo(HypercloudModule):
    supports_check_mode = True
    shared_spec = AUTH_SPEC
    argument_spec = dict(
        min_version=dict(type="str"),
        poll_interval=dict(type="float", default=5.0),
        wait_timeout=dict(type="int", default=0),
    )

    def run(self):
        p = self.params
        api = CloudStackApi.from_params(p)
        deadline = time.monotonic() + max(p["wait_timeout"], 0)
        tries = 0
        while True:
            tries += 1
            try:
                capabilities = api.call("listCapabilities").get("capability") or {}
                break
            except CloudStackAuthError:
                raise
            except AdapterError as err:
                if time.monotonic() >= deadline:
                    if p["wait_timeout"] > 0:
                        raise AdapterError("the CloudStack API did not answer within %ss (%d tries): %s"
                                           % (p["wait_timeout"], tries, err)) from None
                    raise
                time.sleep(p["poll_interval"])
        version = capabilities.get("cloudstackversion")
        if not version:
            raise AdapterError("listCapabilities at %s answered without cloudstackversion" % api.url)
        if p["min_version"] and not version_at_least(version, p["min_version"]):
            raise AdapterError("CloudStack at %s reports version %s, older than the %s expected"
                               % (api.url, version, p["min_version"]))
        return self.result(changed=False, capabilities=capabilities, tries=tries, version=version)


def main():
    CloudStackVersionInfo().execute()


if __name__ == "__main__":
    main()
