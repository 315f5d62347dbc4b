# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A minimal Nova compute API (and the Keystone token call in front of it) on loopback. A stand-in: it is not Nova.

The lab has no Nova (a real one needs the whole control plane; see the testbed notes), so the
provisioning step of ``playbooks/provision_request.yml`` runs openstacksdk against this stdlib
``http.server``. It implements only what that step calls:

* Keystone v3: ``GET /`` and ``GET /v3`` (version discovery) and ``POST /v3/auth/tokens``
  (password method; ``X-Subject-Token`` header, a ``token`` body with a one-entry ``catalog`` whose
  compute endpoint is this server's ``/v2.1``). Shapes from the Keystone Identity API v3 reference
  (docs.openstack.org/api-ref/identity/v3, "Password authentication with scoped authorization").
* Compute API 2.1: version discovery (``GET /v2.1/``: ``version`` with ``min_version`` 2.1 and
  ``version`` 2.96), ``GET /v2.1/flavors[/detail|/{id}]``, ``GET /v2.1/images[/detail|/{id}]``,
  ``POST /v2.1/servers`` (202, ``server`` with ``id``, ``links``, ``adminPass``,
  ``OS-DCF:diskConfig``, ``security_groups``), ``GET /v2.1/servers[/detail]`` (``name`` filter as a
  regular expression, as Nova applies it), ``GET /v2.1/servers/{id}`` (``status`` BUILD then ACTIVE,
  ``OS-EXT-STS:*``, ``flavor`` as the 2.47+ embedded flavor, ``image`` with ``id`` and ``links``,
  ``fault`` in ERROR) and ``DELETE /v2.1/servers/{id}`` (204). Shapes from the Compute API
  reference (docs.openstack.org/api-ref/compute, "Servers", "Flavors", "Images", "API Versions").
* Failure on purpose: a server booted from image ``hq-broken`` goes to ERROR with the fault Nova
  gives when scheduling fails (code 500, "No valid host was found. There are not enough hosts
  available."), so the failure path of the playbook is exercised.

No networking, volumes, quotas or policy. Any user name with password ``hq-secret`` logs in.
Run: ``python tests/testbed/fake_nova.py --port 18602 [--state DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional
from urllib.parse import parse_qs, urlsplit

PASSWORD = "hq-secret"
PROJECT_ID = "9a7c1e3f5b2d4c6e8f0a1b2c3d4e5f60"
USER_ID = "3f1e5d7c9b0a4e2c8d6f1a3b5c7e9d20"
FLAVORS = [  # id, name, vcpus, ram MB, disk GB
    ("1", "hq.small", 1, 4096, 10),
    ("2", "hq.medium", 4, 4096, 20),
    ("3", "hq.large", 8, 32768, 40),
]
IMAGES = [("6b1a3c5e-7d9f-4b2a-8c4e-1f3a5b7c9d01", "debian-12"), ("0e2c4a6b-8d1f-4e3a-9b5c-7d9f1a3c5e02", "hq-broken")]
BUILD_SECONDS = 0.3


def _iso(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


class NovaState:
    def __init__(self, path: Optional[str] = None) -> None:
        self.path, self.lock = path, threading.Lock()
        self.servers: Dict[str, Dict[str, Any]] = {}
        self.calls: List[Dict[str, Any]] = []
        if path and os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                self.servers = json.load(handle)

    def save(self) -> None:
        if self.path:
            with open(self.path + ".tmp", "w", encoding="utf-8") as handle:
                json.dump(self.servers, handle, indent=1, sort_keys=True)
            os.replace(self.path + ".tmp", self.path)


class Handler(BaseHTTPRequestHandler):
    server_version = "fake-nova/1"
    state: NovaState

    def log_message(self, format, *args):  # noqa: A002
        pass

    @property
    def base(self) -> str:
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def _send(self, status: int, body: Any = None, headers: Optional[Dict[str, str]] = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _fault(self, status: int, kind: str, message: str) -> None:
        self._send(status, {kind: {"code": status, "message": message}})

    def _version(self) -> Dict[str, Any]:
        return {"id": "v2.1", "status": "CURRENT", "version": "2.96", "min_version": "2.1",
                "updated": "2013-07-23T11:33:21Z",
                "links": [{"rel": "self", "href": self.base + "/v2.1/"}],
                "media-types": [{"base": "application/json", "type": "application/vnd.openstack.compute+json;version=2.1"}]}

    def _identity(self) -> Dict[str, Any]:
        return {"id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
                "links": [{"rel": "self", "href": self.base + "/v3/"}],
                "media-types": [{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}]}

    def _token(self, body: Any) -> None:
        try:
            user = body["auth"]["identity"]["password"]["user"]
        except (KeyError, TypeError):
            return self._fault(400, "error", "only the password method is implemented")
        if user.get("password") != PASSWORD:
            return self._send(401, {"error": {"code": 401, "title": "Unauthorized",
                                              "message": "The request you have made requires authentication."}})
        now = time.time()
        endpoint = {"id": "e0c1", "interface": "public", "region": "RegionOne", "region_id": "RegionOne",
                    "url": self.base + "/v2.1"}
        token = {"methods": ["password"], "issued_at": _iso(now), "expires_at": _iso(now + 3600),
                 "user": {"id": USER_ID, "name": user.get("name"), "domain": {"id": "default", "name": "Default"},
                          "password_expires_at": None},
                 "project": {"id": PROJECT_ID, "name": "hq-lab", "domain": {"id": "default", "name": "Default"}},
                 "roles": [{"id": "r1", "name": "member"}], "is_domain": False,
                 "catalog": [{"id": "c0", "type": "compute", "name": "nova",
                              "endpoints": [dict(endpoint), dict(endpoint, id="e0c2", interface="internal")]}]}
        return self._send(201, {"token": token}, {"X-Subject-Token": uuid.uuid4().hex})

    def _flavor(self, row) -> Dict[str, Any]:
        fid, name, vcpus, ram, disk = row
        return {"id": fid, "name": name, "vcpus": vcpus, "ram": ram, "disk": disk, "swap": 0,
                "OS-FLV-EXT-DATA:ephemeral": 0, "OS-FLV-DISABLED:disabled": False, "rxtx_factor": 1.0,
                "os-flavor-access:is_public": True, "description": None, "extra_specs": {},
                "links": [{"rel": "self", "href": "%s/v2.1/%s/flavors/%s" % (self.base, PROJECT_ID, fid)}]}

    def _image(self, row) -> Dict[str, Any]:
        iid, name = row
        return {"id": iid, "name": name, "status": "ACTIVE", "progress": 100, "minDisk": 0, "minRam": 0,
                "created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z", "metadata": {},
                "OS-EXT-IMG-SIZE:size": 2147483648,
                "links": [{"rel": "self", "href": "%s/v2.1/%s/images/%s" % (self.base, PROJECT_ID, iid)}]}

    def _server(self, srv: Dict[str, Any]) -> Dict[str, Any]:
        out = dict(srv)
        if out["status"] == "BUILD" and time.time() - out.pop("_t") >= BUILD_SECONDS:
            out["status"] = "ERROR" if out["image"]["id"] == IMAGES[1][0] else "ACTIVE"
        out.pop("_t", None)
        out["OS-EXT-STS:vm_state"] = {"BUILD": "building", "ACTIVE": "active", "ERROR": "error"}[out["status"]]
        out["OS-EXT-STS:task_state"] = "spawning" if out["status"] == "BUILD" else None
        out["OS-EXT-STS:power_state"] = 1 if out["status"] == "ACTIVE" else 0
        if out["status"] == "ERROR":
            out["fault"] = {"code": 500, "created": out["created"],
                            "message": "No valid host was found. There are not enough hosts available."}
        return out

    def _compute(self, method: str, rest: str, query: Dict[str, List[str]], body: Any) -> None:
        st = self.state
        if rest in ("", "/"):
            return self._send(200, {"version": self._version()})
        if method == "GET" and rest in ("/flavors", "/flavors/detail"):
            return self._send(200, {"flavors": [self._flavor(f) for f in FLAVORS]})
        match = re.fullmatch(r"/flavors/([^/]+)", rest)
        if method == "GET" and match:
            found = [f for f in FLAVORS if f[0] == match.group(1)]
            return self._send(200, {"flavor": self._flavor(found[0])}) if found else \
                self._fault(404, "itemNotFound", "Flavor %s could not be found." % match.group(1))
        if method == "GET" and rest in ("/images", "/images/detail"):
            return self._send(200, {"images": [self._image(i) for i in IMAGES]})
        match = re.fullmatch(r"/images/([^/]+)", rest)
        if method == "GET" and match:
            found = [i for i in IMAGES if i[0] == match.group(1)]
            return self._send(200, {"image": self._image(found[0])}) if found else \
                self._fault(404, "itemNotFound", "Image not found.")
        with st.lock:
            if method == "GET" and rest in ("/servers", "/servers/detail"):
                pattern = query.get("name", [""])[0]
                found = [self._server(s) for s in st.servers.values() if re.search(pattern, s["name"])]
                if rest == "/servers":
                    found = [{k: s[k] for k in ("id", "name", "links")} for s in found]
                return self._send(200, {"servers": found})
            if method == "POST" and rest == "/servers":
                return self._create(body)
            match = re.fullmatch(r"/servers/([^/]+)", rest)
            if match and match.group(1) not in st.servers:
                return self._fault(404, "itemNotFound", "Instance %s could not be found." % match.group(1))
            if match and method == "GET":
                return self._send(200, {"server": self._server(st.servers[match.group(1)])})
            if match and method == "DELETE":
                del st.servers[match.group(1)]
                st.save()
                return self._send(204)
        return self._fault(404, "itemNotFound", "The resource could not be found.")

    def _create(self, body: Any) -> None:
        srv = (body or {}).get("server") or {}
        flavor = [f for f in FLAVORS if f[0] == str(srv.get("flavorRef"))]
        image = [i for i in IMAGES if i[0] == srv.get("imageRef")]
        if not srv.get("name") or not flavor or not image:
            return self._fault(400, "badRequest", "Invalid flavorRef, imageRef or name provided.")
        sid, now = str(uuid.uuid4()), time.time()
        fid, fname, vcpus, ram, disk = flavor[0]
        links = [{"rel": "self", "href": "%s/v2.1/%s/servers/%s" % (self.base, PROJECT_ID, sid)}]
        self.state.servers[sid] = {
            "id": sid, "name": srv["name"], "status": "BUILD", "_t": now, "created": _iso(now), "updated": _iso(now),
            "tenant_id": PROJECT_ID, "user_id": USER_ID, "addresses": {}, "metadata": srv.get("metadata") or {},
            "flavor": {"original_name": fname, "vcpus": vcpus, "ram": ram, "disk": disk, "ephemeral": 0, "swap": 0,
                       "extra_specs": {}},
            "image": {"id": image[0][0], "links": [{"rel": "bookmark", "href": "%s/images/%s" % (self.base, image[0][0])}]},
            "hostId": "", "key_name": None, "OS-DCF:diskConfig": "AUTO", "links": links,
        }
        self.state.save()
        answer = {"id": sid, "links": links, "OS-DCF:diskConfig": "AUTO", "adminPass": "hq-" + sid[:8],
                  "security_groups": [{"name": "default"}]}
        return self._send(202, {"server": answer})

    def _handle(self, method: str) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        with self.state.lock:
            self.state.calls.append(dict(method=method, path=url.path, query=url.query))
        path = url.path.rstrip("/")
        if path == "" and method == "GET":
            return self._send(300, {"versions": {"values": [self._identity()]}})
        if path == "/v3" and method == "GET":
            return self._send(200, {"version": self._identity()})
        if path == "/v3/auth/tokens" and method == "POST":
            return self._token(body)
        if path.startswith("/v2.1"):
            if not self.headers.get("X-Auth-Token"):
                return self._send(401, {"error": {"code": 401, "message": "The request you have made requires authentication."}})
            rest = path[len("/v2.1"):]
            rest = re.sub(r"^/%s" % PROJECT_ID, "", rest)
            return self._compute(method, rest, parse_qs(url.query), body)
        return self._fault(404, "itemNotFound", "The resource could not be found.")

    def do_GET(self):  # noqa: N802
        self._handle("GET")

    def do_POST(self):  # noqa: N802
        self._handle("POST")

    def do_DELETE(self):  # noqa: N802
        self._handle("DELETE")


def serve(port: int = 0, state_path: Optional[str] = None):
    """Start in a daemon thread on 127.0.0.1; returns (server, state, auth URL)."""
    state = NovaState(state_path)
    server = ThreadingHTTPServer(("127.0.0.1", port), type("BoundHandler", (Handler,), {"state": state}))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, state, "http://127.0.0.1:%d/v3" % server.server_address[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18602)
    parser.add_argument("--state", help="directory for nova.json")
    args = parser.parse_args()
    state = NovaState(os.path.join(args.state, "nova.json") if args.state else None)
    ThreadingHTTPServer(("127.0.0.1", args.port), type("BoundHandler", (Handler,), {"state": state})).serve_forever()


if __name__ == "__main__":
    main()
