# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A recording stand-in for the AWX 24.6 REST API on loopback. It is not AWX: nothing runs, nothing is checked for RBAC.

AWX cannot run here (it needs Kubernetes or containers and PostgreSQL; no Docker engine, no
registry), so ``playbooks/awx_workflow.yml`` runs the ``awx.awx`` modules (24.6.1, from PyPI's
``ansible`` package) against this stdlib ``http.server`` and the tests assert on the calls it records.

What it copies, and from where:

* The request paths and query conventions the awx.awx modules use (read from
  ``awx_collection/plugins/module_utils/controller_api.py`` and the modules ``organization``, ``team``,
  ``inventory``, ``project``, ``job_template``, ``workflow_job_template`` and ``role``): lists as
  ``{"count", "next", "previous", "results"}`` filtered by ``field=value`` and ``or__id``/``or__name``;
  create by ``POST`` (201), update by ``PATCH`` (200), ``DELETE`` (204); associations by ``POST
  {"id": N}`` / ``{"id": N, "disassociate": true}`` to a related list (204); ``X-API-Product-Name``
  and ``X-API-Product-Version`` headers on every answer.
* AWX's own API (ansible/awx 24.6.1 ``awx/api/urls/*.py`` and ``serializers.py``; domain reference
  10.1): ``/api/v2/ping/`` and ``/api/v2/config/``; ``unified_job_templates`` as the union of job,
  workflow and approval templates with ``type``; ``workflow_job_template_nodes`` with
  ``success_nodes``/``failure_nodes``/``always_nodes`` and ``create_approval_template`` (which makes a
  ``workflow_approval_template`` with only ``name``, ``description`` and ``timeout`` writable, and
  links it as the node's ``unified_job_template``); ``survey_spec`` (POST answers 200 with no body);
  ``summary_fields.object_roles`` with the role names AWX gives each type (a workflow job template
  has ``admin_role``, ``execute_role``, ``read_role`` and ``approval_role``) and ``/roles/{id}/teams/``.
* Like DRF, a write ignores fields the type does not have, so a module that compares its input with
  the answer sees what AWX would show it.

Not copied: launching, jobs, approvals at run time, validation of playbooks or paths, RBAC.
``GET /_hq/calls`` (not an AWX path) returns the recorded calls; ``--state DIR`` writes
``DIR/awx-calls.json`` and ``DIR/awx-objects.json`` after every call.
Run: ``python tests/testbed/fake_awx.py --port 18603 --state DIR``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional
from urllib.parse import parse_qs, urlsplit

VERSION = "24.6.1"
TOKEN = "hq-awx-token"
ROLES = {
    "organizations": ["admin", "execute", "project_admin", "inventory_admin", "credential_admin", "workflow_admin",
                      "notification_admin", "job_template_admin", "execution_environment_admin", "auditor", "member",
                      "read", "approval"],
    "teams": ["admin", "member", "read"],
    "inventories": ["admin", "update", "adhoc", "use", "read"],
    "projects": ["admin", "use", "update", "read"],
    "job_templates": ["admin", "execute", "read"],
    "workflow_job_templates": ["admin", "execute", "read", "approval"],
}
TYPES = {"organizations": "organization", "teams": "team", "inventories": "inventory", "projects": "project",
         "job_templates": "job_template", "workflow_job_templates": "workflow_job_template",
         "workflow_job_template_nodes": "workflow_job_template_node", "workflow_approval_templates": "workflow_approval_template",
         "labels": "label", "credentials": "credential", "execution_environments": "execution_environment",
         "instance_groups": "instance_group", "notification_templates": "notification_template", "users": "user"}
WRITABLE = {"workflow_approval_templates": ("name", "description", "timeout")}
NODE_LINKS = ("success_nodes", "failure_nodes", "always_nodes")
UJT = ("job_templates", "workflow_job_templates", "workflow_approval_templates", "projects")


class AwxState:
    def __init__(self, state_dir: Optional[str] = None) -> None:
        self.dir, self.lock = state_dir, threading.Lock()
        self.ids = itertools.count(1)
        self.objects: Dict[str, Dict[int, Dict[str, Any]]] = {name: {} for name in TYPES}
        self.roles: Dict[int, Dict[str, Any]] = {}
        self.links: Dict[str, List[int]] = {}   # "<path of a related list>" -> ids
        self.surveys: Dict[str, Any] = {}      # "<survey_spec path>" -> spec
        self.calls: List[Dict[str, Any]] = []
        if state_dir and os.path.exists(os.path.join(state_dir, "awx-objects.json")):
            with open(os.path.join(state_dir, "awx-objects.json"), encoding="utf-8") as handle:
                saved = json.load(handle)
            self.objects = {k: {int(i): o for i, o in v.items()} for k, v in saved["objects"].items()}
            self.roles = {int(i): r for i, r in saved["roles"].items()}
            self.links = saved["links"]
            self.surveys = saved["surveys"]
            self.calls = saved.get("calls", [])
            self.ids = itertools.count(saved["next_id"])

    def save(self) -> None:
        if not self.dir:
            return
        next_id = next(self.ids)
        self.ids = itertools.count(next_id)
        objects = dict(objects=self.objects, roles=self.roles, links=self.links, surveys=self.surveys,
                       next_id=next_id, calls=self.calls)
        for name, data in (("awx-objects.json", objects), ("awx-calls.json", self.calls)):
            path = os.path.join(self.dir, name)
            with open(path + ".tmp", "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=1, sort_keys=True)
            os.replace(path + ".tmp", path)


def _url(kind: str, oid: int) -> str:
    return "/api/v2/%s/%d/" % (kind, oid)


class Handler(BaseHTTPRequestHandler):
    server_version = "fake-awx/1"
    state: AwxState

    def log_message(self, format, *args):  # noqa: A002
        pass

    def _send(self, status: int, body: Any = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("X-API-Product-Name", "AWX")
        self.send_header("X-API-Product-Version", VERSION)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _new(self, kind: str, fields: Dict[str, Any]) -> Dict[str, Any]:
        st = self.state
        oid = next(st.ids)
        allowed = WRITABLE.get(kind)
        obj = {k: v for k, v in fields.items() if allowed is None or k in allowed}
        obj.update(id=oid, type=TYPES[kind], url=_url(kind, oid), related={}, summary_fields={})
        base = _url(kind, oid)
        if kind in ROLES:
            roles = {}
            for role in ROLES[kind]:
                rid = next(st.ids)
                st.roles[rid] = {"id": rid, "name": role.title(), "resource": base}
                roles[role + "_role"] = {"id": rid, "name": role.title(), "description": "Can %s the %s" % (role, TYPES[kind])}
            obj["summary_fields"]["object_roles"] = roles
        if kind == "workflow_job_templates":
            obj["related"].update(workflow_nodes=base + "workflow_nodes/", survey_spec=base + "survey_spec/",
                                  copy=base + "copy/", launch=base + "launch/")
        if kind == "job_templates":
            obj["related"].update(survey_spec=base + "survey_spec/", launch=base + "launch/")
        if kind == "workflow_job_template_nodes":
            obj.setdefault("all_parents_must_converge", False)
            obj["related"].update({k: base + k + "/" for k in NODE_LINKS})
            obj["related"]["create_approval_template"] = base + "create_approval_template/"
            obj["related"]["workflow_job_template"] = _url("workflow_job_templates", obj["workflow_job_template"])
            if obj.get("unified_job_template"):
                obj["related"]["unified_job_template"] = self._ujt_url(obj["unified_job_template"])
        if kind == "workflow_approval_templates":
            obj.setdefault("timeout", 0)
            obj["related"]["approvals"] = base + "approvals/"
        st.objects[kind][oid] = obj
        return obj

    def _ujt_url(self, oid: int) -> Optional[str]:
        for kind in UJT:
            if oid in self.state.objects[kind]:
                return _url(kind, oid)
        return None

    def _list(self, items: List[Dict[str, Any]], query: Dict[str, List[str]]) -> None:
        ors = {k[4:]: v[0] for k, v in query.items() if k.startswith("or__")}
        ands = {k: v[0] for k, v in query.items() if not k.startswith("or__") and k not in ("page", "page_size", "order_by")}
        found = [o for o in items
                 if all(str(o.get(k)) == v for k, v in ands.items())
                 and (not ors or any(str(o.get(k)) == v for k, v in ors.items()))]
        found.sort(key=lambda o: o["id"])
        self._send(200, {"count": len(found), "next": None, "previous": None, "results": found})

    def _handle(self, method: str) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        st = self.state
        with st.lock:
            if url.path == "/_hq/calls":
                return self._send(200, st.calls)
            st.calls.append(dict(method=method, path=url.path, query=url.query, body=body))
            try:
                return self._route(method, url.path, parse_qs(url.query), body or {})
            finally:
                st.save()

    def _route(self, method: str, path: str, query: Dict[str, List[str]], body: Dict[str, Any]) -> None:
        st = self.state
        if path == "/api/v2/ping/":
            return self._send(200, {"ha": False, "version": VERSION, "active_node": "awx-hq", "install_uuid": "00000000-hq",
                                    "instances": [{"node": "awx-hq", "node_type": "hybrid", "heartbeat": None, "capacity": 0,
                                                   "version": VERSION}],
                                    "instance_groups": [{"name": "default", "capacity": 0, "instances": ["awx-hq"]}]})
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            return self._send(401, {"detail": "Authentication credentials were not provided."})
        if path == "/api/v2/config/":
            return self._send(200, {"version": VERSION, "time_zone": "UTC", "license_info": {"license_type": "open"},
                                    "ansible_version": "2.15.12", "project_local_paths": []})
        match = re.fullmatch(r"/api/v2/roles/(\d+)/(teams|users)/", path)
        if match:
            return self._links(method, path, int(match.group(1)), match.group(2), body)
        if path == "/api/v2/unified_job_templates/" and method == "GET":
            return self._list([o for k in UJT for o in st.objects[k].values()], query)
        match = re.fullmatch(r"/api/v2/(\w+)/(?:(\d+)/(?:(\w+)/)?)?", path)
        if not match or match.group(1) not in TYPES:
            return self._send(404, {"detail": "Not found."})
        kind, oid, sub = match.group(1), match.group(2), match.group(3)
        if oid is None:
            if method == "GET":
                return self._list(list(st.objects[kind].values()), query)
            if method == "POST":
                if kind in ("workflow_job_template_nodes",) and not body.get("workflow_job_template"):
                    return self._send(400, {"workflow_job_template": ["This field is required."]})
                if kind != "workflow_job_template_nodes" and not body.get("name"):
                    return self._send(400, {"name": ["This field is required."]})
                return self._send(201, self._new(kind, body))
            return self._send(405, {"detail": 'Method "%s" not allowed.' % method})
        oid = int(oid)
        obj = st.objects[kind].get(oid)
        if obj is None:
            return self._send(404, {"detail": "Not found."})
        if sub is None:
            if method == "GET":
                return self._send(200, obj)
            if method == "PATCH":
                allowed = WRITABLE.get(kind)
                obj.update({k: v for k, v in body.items() if allowed is None or k in allowed})
                if kind == "workflow_job_template_nodes" and obj.get("unified_job_template"):
                    obj["related"]["unified_job_template"] = self._ujt_url(obj["unified_job_template"])
                return self._send(200, obj)
            if method == "DELETE":
                del st.objects[kind][oid]
                return self._send(204)
        if sub == "survey_spec":
            if method == "GET":
                return self._send(200, st.surveys.get(path, {}))
            if method == "POST":
                st.surveys[path] = body
                return self._send(200)
            if method == "DELETE":
                st.surveys.pop(path, None)
                return self._send(200)
        if sub == "workflow_nodes" and method == "GET":
            return self._list([n for n in st.objects["workflow_job_template_nodes"].values() if n["workflow_job_template"] == oid], query)
        if sub == "create_approval_template" and kind == "workflow_job_template_nodes" and method == "POST":
            if not body.get("name"):
                return self._send(400, {"name": ["This field is required."]})
            template = self._new("workflow_approval_templates", body)
            obj["unified_job_template"] = template["id"]
            obj["related"]["unified_job_template"] = template["url"]
            return self._send(201, template)
        if sub in NODE_LINKS + ("labels", "credentials", "instance_groups") or (sub or "").startswith("notification_templates"):
            return self._links(method, path, oid, "workflow_job_template_nodes" if sub in NODE_LINKS else sub, body)
        return self._send(404, {"detail": "Not found."})

    def _links(self, method: str, path: str, _oid: int, target: str, body: Dict[str, Any]) -> None:
        st = self.state
        ids = st.links.setdefault(path, [])
        pool = st.objects.get(target, {})
        if method == "GET":
            return self._list([pool[i] for i in ids if i in pool], {})
        if method != "POST":
            return self._send(405, {"detail": 'Method "%s" not allowed.' % method})
        item = body.get("id")
        if item not in pool:
            return self._send(400, {"msg": "Related object %s not found." % item})
        if body.get("disassociate"):
            if item in ids:
                ids.remove(item)
        elif item not in ids:
            ids.append(item)
        return self._send(204)

    def do_GET(self):  # noqa: N802
        self._handle("GET")

    def do_POST(self):  # noqa: N802
        self._handle("POST")

    def do_PATCH(self):  # noqa: N802
        self._handle("PATCH")

    def do_DELETE(self):  # noqa: N802
        self._handle("DELETE")


def serve(port: int = 0, state_dir: Optional[str] = None):
    """Start in a daemon thread on 127.0.0.1; returns (server, state, base URL)."""
    state = AwxState(state_dir)
    server = ThreadingHTTPServer(("127.0.0.1", port), type("BoundHandler", (Handler,), {"state": state}))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, state, "http://127.0.0.1:%d" % server.server_address[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18603)
    parser.add_argument("--state", help="directory for awx-calls.json and awx-objects.json")
    args = parser.parse_args()
    state = AwxState(args.state)
    ThreadingHTTPServer(("127.0.0.1", args.port), type("BoundHandler", (Handler,), {"state": state})).serve_forever()


if __name__ == "__main__":
    main()
