#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmdb_record
short_description: Create or update a configuration item in an external CMDB
version_added: 0.2.0
description:
  - Finds a configuration item (CI) by its correlation id, compares it with O(fields), and writes only the
    fields that differ. It creates the CI when no record carries the correlation id.
  - "Two backends: V(rest), a generic REST/JSON collection, and V(servicenow), the ServiceNow Table API
    (C(/api/now/table/<table>), looked up with C(sysparm_query), updated with C(PATCH) by C(sys_id))."
  - Retries connection errors and HTTP 408, 425, 429, 500, 502, 503 and 504 answers with a bounded exponential backoff.
    A create whose answer was lost is looked up again before it is re-sent, so a retry cannot make a second CI.
  - More than one record with the correlation id is refused; merge them in the CMDB first.
  - "With V(servicenow), a C(^) in O(correlation_id) or O(correlation_field) is refused: an encoded query reads C(^)
    as the start of another condition (C(^OR), C(^NQ)) and has no escape for it, so the lookup would match other records."
  - Check mode reads and compares, and writes nothing.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes
options:
  api_token:
    description: A bearer token. Give it, or O(username) and O(password).
    type: str
  backend:
    description: The CMDB API.
    type: str
    choices: [rest, servicenow]
    default: rest
  correlation_field:
    description: The CI field that holds the correlation id.
    type: str
    default: correlation_id
  correlation_id:
    description: Our id of the CI, for example the provisioning request id. It finds the CI and is written to O(correlation_field).
    type: str
    required: true
  field_map:
    description:
      - "Our field names to the backend's, for example C({hostname: name, vcpus: cpu_count})."
      - Unmapped fields keep their name.
    type: dict
  fields:
    description: The CI's fields, by our names. Fields not given are left as they are.
    type: dict
    required: true
  id_field:
    description: The field of a record that holds its id, used in the update URL (V(rest) only; V(servicenow) uses C(sys_id)).
    type: str
    default: id
  password:
    description: Password for HTTP basic authentication.
    type: str
  retries:
    description: How many times a failed call is retried, from 0 to 100.
    type: int
    default: 3
  retry_delay:
    description: The wait before the first retry, in seconds; it doubles for each retry.
    type: float
    default: 1.0
  retry_max_delay:
    description: The longest wait between two retries, in seconds.
    type: float
    default: 10.0
  table:
    description: The ServiceNow table (V(servicenow) only).
    type: str
    default: cmdb_ci_server
  timeout:
    description: The timeout of one HTTP request, in seconds.
    type: float
    default: 30
  url:
    description:
      - For V(rest), the collection URL, for example V(https://cmdb.example.com/api/cis).
      - For V(servicenow), the instance URL, for example V(https://example.service-now.com).
    type: str
    required: true
  username:
    description: User for HTTP basic authentication.
    type: str
  validate_certs:
    description: Check the API's TLS certificate.
    type: bool
    default: true
notes:
  - The tests run against a local stand-in for both APIs (C(tests/testbed/fake_cmdb.py)), not a real ServiceNow instance.
"""

EXAMPLES = r"""
- name: Record the server in ServiceNow
  hypercloud.builder.cmdb_record:
    backend: servicenow
    url: https://example.service-now.com
    username: ansible
    password: "{{ snow_password }}"
    correlation_id: REQ-1001
    fields: {hostname: web-1, vcpus: 8, state: provisioned}
    field_map: {hostname: name, vcpus: cpu_count, state: install_status_text}

- name: Record the server in a REST CMDB
  hypercloud.builder.cmdb_record:
    url: https://cmdb.example.com/api/cis
    api_token: "{{ cmdb_token }}"
    correlation_id: REQ-1001
    fields: {hostname: web-1, state: provisioned}
"""

RETURN = r"""
attempts:
  description: The HTTP requests sent, retries included.
  returned: always
  type: int
  sample: 2
changes:
  description: The backend fields written (in check mode, that would be written); empty when the CI was up to date.
  returned: always
  type: dict
  sample: {"cpu_count": "8"}
created:
  description: Whether the CI was (or, in check mode, would be) created.
  returned: always
  type: bool
  sample: false
record:
  description: The CI as the CMDB returned it after the write (as read, when nothing was written; empty in check mode before a create).
  returned: always
  type: dict
  sample: {"sys_id": "6d3f0c1e9a8b4c7d8e9f0a1b2c3d4e5f", "name": "web-1", "cpu_count": "8", "correlation_id": "REQ-1001"}
record_id:
  description: The CI's id in the CMDB (C(sys_id) for ServiceNow); null in check mode before a create.
  returned: always
  type: str
  sample: 6d3f0c1e9a8b4c7d8e9f0a1b2c3d4e5f
"""

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.cmdb import Http, RestBackend, ServiceNowBackend
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.cmdb import backoff_delays, map_fields, pick_one, plan_record


class CmdbRecord(HypercloudModule):
    supports_check_mode = True
    argument_spec = dict(
        api_token=dict(type="str", no_log=True),
        backend=dict(type="str", choices=["rest", "servicenow"], default="rest"),
        correlation_field=dict(type="str", default="correlation_id"),
        correlation_id=dict(type="str", required=True),
        field_map=dict(type="dict"),
        fields=dict(type="dict", required=True),
        id_field=dict(type="str", default="id"),
        password=dict(type="str", no_log=True),
        retries=dict(type="int", default=3),
        retry_delay=dict(type="float", default=1.0),
        retry_max_delay=dict(type="float", default=10.0),
        table=dict(type="str", default="cmdb_ci_server"),
        timeout=dict(type="float", default=30),
        url=dict(type="str", required=True),
        username=dict(type="str"),
        validate_certs=dict(type="bool", default=True),
    )
    module_kwargs = dict(
        mutually_exclusive=[("api_token", "username")],
        required_one_of=[("api_token", "username")],
        required_together=[("username", "password")],
    )

    def backend(self, http):
        p = self.params
        if p["backend"] == "servicenow":
            return ServiceNowBackend(http, p["url"], p["correlation_field"], p["table"])
        return RestBackend(http, p["url"], p["correlation_field"], p["id_field"])

    def run(self):
        p = self.params
        desired = map_fields(p["fields"], p["field_map"])
        http = Http(token=p["api_token"], username=p["username"], password=p["password"],
                    validate_certs=p["validate_certs"], timeout=p["timeout"],
                    delays=backoff_delays(p["retries"], p["retry_delay"], p["retry_max_delay"]))
        backend = self.backend(http)
        current = pick_one(backend.find(p["correlation_id"]), p["correlation_field"], p["correlation_id"])
        plan = plan_record(current, desired, p["correlation_field"], p["correlation_id"], backend.string_values)
        record = dict(current or {})
        if plan and not self.check_mode:
            record = backend.create(plan.changes, p["correlation_id"]) if plan.create else backend.update(current, plan.changes)
        record_id = record.get(backend.id_field)
        return self.result(changed=bool(plan), before=plan.before, after=plan.after, attempts=http.attempts,
                           changes=plan.changes, created=plan.create, record=record,
                           record_id=None if record_id is None else str(record_id))


def main():
    CmdbRecord().execute()


if __name__ == "__main__":
    main()
