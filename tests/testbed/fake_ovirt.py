# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A fake oVirt engine REST API on loopback, for tests and the lab. It is not oVirt.

No oVirt engine can be installed here (testbed notes, section 6: not packaged for Debian, no EL
repositories reachable), so ``ovirt_host_enroll`` is tested through the real ovirtsdk4 4.6.3
against this stdlib ``http.server``. What it copies, and from where:

* Authentication as ovirtsdk4 ``Connection._get_access_token`` does it: ``POST
  /ovirt-engine/sso/oauth/token`` with ``grant_type=password``, ``scope=ovirt-app-api``, user and
  password form-encoded; a JSON answer ``{"access_token": ..., "token_type": "bearer", "exp": ...}``
  or ``{"error_code": "access_denied", "error": "Cannot authenticate user ..."}``; then
  ``Authorization: Bearer``. Logout: ``POST /ovirt-engine/services/sso-logout``.
* Payload shapes of the oVirt 4.5 REST API (ovirt-engine-api-model ``types/Host.java``,
  ``types/Cluster.java``, ``types/Event.java``, ``types/Agent.java``, ``types/Fault.java``; the element
  names are those ovirtsdk4's generated ``readers.py``/``writers.py`` read and write):
  collections ``<hosts><host href=".../hosts/ID" id="ID">...</host></hosts>``; a host has ``name``,
  ``address``, ``status`` (lower case ``types/HostStatus.java``), ``cluster`` as a link with ``id``;
  events have ``code``, ``severity`` (normal/warning/error/alert), ``time`` (xs:dateTime),
  ``description`` and a ``host`` link; errors are ``<fault><reason/><detail/></fault>`` with 400/404.
* Behaviour: an added host goes through the statuses scripted for its name (default
  installing -> initializing -> up, one step per read); a failing script ends in
  ``install_failed`` or ``non_operational`` and logs the events the engine would (the texts follow
  AuditLogMessages.properties: VDS_INSTALL_FAILED "Host ${VdsName} installation failed.
  ${FailedInstallMessage}.", and the CPU-level Non-Operational message). ``search=`` on events
  understands ``host.name=NAME`` only; ``max`` is honoured.

Run as a script for the lab and the ``ovirt_roles`` integration target:
``python tests/testbed/fake_ovirt.py --port 18900 [--script node3=installing,install_failed]``.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import threading
import uuid
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import parse_qs, unquote, urlsplit

API = "/ovirt-engine/api"
UP = ["installing", "initializing", "up"]
INSTALL_FAILED = ["installing", "install_failed"]
NON_OPERATIONAL = ["installing", "initializing", "non_operational"]
MESSAGES = {
    "install_failed": (505, "error", "Host {name} installation failed. Command returned failure code 1 during "
                                     "SSH session 'root@{address}'."),
    "non_operational": (9000, "error", "Host {name} moved to Non-Operational state as host does not meet the "
                                       "cluster's minimum CPU level. Missing CPU features : model_Skylake-Server"),
}


class FakeOvirt:
    """One engine with clusters, hosts, events and fence agents, all in memory."""

    def __init__(self, username: str = "admin@internal", password: str = "fake-admin-password", port: int = 0,
                 clusters: Optional[List[str]] = None, scripts: Optional[Dict[str, List[str]]] = None) -> None:
        self.username, self.password, self.port = username, password, port
        self.token = uuid.uuid4().hex
        self.clusters = {str(uuid.uuid4()): name for name in (clusters or ["Default"])}
        self.scripts = dict(scripts or {})
        self.hosts: Dict[str, Dict[str, Any]] = {}
        self.events: List[Dict[str, Any]] = []
        self.agents: Dict[str, List[Dict[str, str]]] = {}
        self.requests: List[Tuple[str, str]] = []
        self.bodies: List[str] = []
        self._ids = itertools.count(1000)
        self.lock = threading.Lock()
        self.httpd = None

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d%s" % (self.port, API)

    def add_existing(self, name: str, address: str, cluster: str = "Default", status: str = "up") -> str:
        cluster_id = next(cid for cid, cname in self.clusters.items() if cname == cluster)
        host_id = str(uuid.uuid4())
        self.hosts[host_id] = dict(id=host_id, name=name, address=address, cluster=cluster_id, steps=[status])
        return host_id

    def start(self) -> "FakeOvirt":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                self._answer("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._answer("POST")

            def _answer(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8") if length else ""
                status, ctype, data = fake.handle(method, self.path, self.headers.get("Authorization", ""), body)
                raw = data.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *_args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, kwargs=dict(poll_interval=0.02), daemon=True).start()
        return self

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()

    # --- dispatch --------------------------------------------------------------------------------

    def handle(self, method: str, path: str, auth: str, body: str) -> Tuple[int, str, str]:
        parts = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        with self.lock:
            self.requests.append((method, parts.path))
            if parts.path == "/ovirt-engine/sso/oauth/token" and method == "POST":
                return self._token(body)
            if parts.path == "/ovirt-engine/services/sso-logout":
                return 200, "application/json", "{}"
            if auth != "Bearer %s" % self.token:
                return 401, "application/xml", self._fault("Unauthorized", "A valid bearer token is required.")
            if body:
                self.bodies.append(body)
            return self._api(method, parts.path[len(API):].strip("/").split("/"), query, body)

    def _token(self, body: str) -> Tuple[int, str, str]:
        form = {k: v[0] for k, v in parse_qs(body).items()}
        if form.get("grant_type") != "password" or form.get("scope") != "ovirt-app-api":
            return 400, "application/json", json.dumps({"error_code": "invalid_grant", "error": "bad grant"})
        if form.get("username") != self.username or form.get("password") != self.password:
            return 401, "application/json", json.dumps({
                "error_code": "access_denied",
                "error": "Cannot authenticate user '%s': The username or password is incorrect." % form.get("username")})
        return 200, "application/json", json.dumps({"access_token": self.token, "scope": "ovirt-app-api",
                                                    "exp": "9999999999999", "token_type": "bearer"})

    def _api(self, method: str, segs: List[str], query: Dict[str, str], body: str) -> Tuple[int, str, str]:
        xml = "application/xml"
        if segs == ["clusters"] and method == "GET":
            return 200, xml, self._collection("clusters", [self._cluster_xml(cid) for cid in self.clusters])
        if segs == ["hosts"] and method == "GET":
            return 200, xml, self._collection("hosts", [self._host_xml(h, advance=False) for h in self.hosts.values()])
        if segs == ["hosts"] and method == "POST":
            return self._add_host(body)
        if len(segs) == 2 and segs[0] == "hosts" and method == "GET":
            host = self.hosts.get(segs[1])
            if host is None:
                return 404, xml, self._fault("Not Found", "Entity not found: %s" % segs[1])
            return 200, xml, ET.tostring(self._host_xml(host, advance=True), encoding="unicode")
        if len(segs) == 3 and segs[0] == "hosts" and segs[2] == "fenceagents" and method == "POST":
            agent = ET.fromstring(body)
            row = {child.tag: child.text or "" for child in agent if len(child) == 0}
            self.agents.setdefault(segs[1], []).append(row)
            out = ET.Element("agent", id=str(uuid.uuid4()))
            for key in ("address", "type", "username", "order"):
                if key in row:
                    ET.SubElement(out, key).text = row[key]
            return 201, xml, ET.tostring(out, encoding="unicode")
        if segs == ["events"] and method == "GET":
            return 200, xml, self._events(query)
        return 404, xml, self._fault("Not Found", "No such resource %s %s" % (method, "/".join(segs)))

    # --- model -----------------------------------------------------------------------------------

    def _add_host(self, body: str) -> Tuple[int, str, str]:
        xml = "application/xml"
        doc = ET.fromstring(body)
        name, address = doc.findtext("name"), doc.findtext("address")
        cluster = doc.find("cluster")
        if not name or not address or cluster is None:
            return 400, xml, self._fault("Incomplete parameters", "Host [name|address|cluster] required for add")
        cname = cluster.findtext("name")
        cid = cluster.get("id") or next((k for k, v in self.clusters.items() if v == cname), None)
        if cid not in self.clusters:
            return 404, xml, self._fault("Operation Failed", "Entity not found: Cluster: name=%s" % cname)
        if any(h["name"] == name for h in self.hosts.values()):
            return 409, xml, self._fault("Operation Failed", "[Cannot add Host. The Host name is already in use, "
                                                             "please choose a unique name and try again.]")
        auth = doc.findtext("ssh/authentication_method")
        if not doc.findtext("root_password") and auth != "publickey":
            return 400, xml, self._fault("Operation Failed", "[Cannot add Host. SSH authentication failed, verify "
                                                             "authentication parameters are correct.]")
        host_id = str(uuid.uuid4())
        host = dict(id=host_id, name=name, address=address, cluster=cid, auth=auth or "password",
                    power_management=doc.findtext("power_management/enabled"),
                    steps=list(self.scripts.get(name, UP)))
        self.hosts[host_id] = host
        self._event(host, 42, "normal", "Host {name} was added by %s." % self.username)
        return 201, xml, ET.tostring(self._host_xml(host, advance=False), encoding="unicode")

    def _event(self, host: Dict[str, Any], code: int, severity: str, text: str) -> None:
        self.events.append(dict(id=str(next(self._ids)), code=code, severity=severity, host=host["id"],
                                description=text.format(name=host["name"], address=host["address"]),
                                time=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")))

    def _host_xml(self, host: Dict[str, Any], advance: bool) -> ET.Element:
        if advance and len(host["steps"]) > 1:
            host["steps"].pop(0)
            if len(host["steps"]) == 1 and host["steps"][0] in MESSAGES:
                code, severity, text = MESSAGES[host["steps"][0]]
                self._event(host, code, severity, text)
        elem = ET.Element("host", href="%s/hosts/%s" % (API, host["id"]), id=host["id"])
        ET.SubElement(elem, "name").text = host["name"]
        ET.SubElement(elem, "address").text = host["address"]
        ET.SubElement(elem, "status").text = host["steps"][0]
        ET.SubElement(elem, "type").text = "rhel"
        ET.SubElement(elem, "cluster", href="%s/clusters/%s" % (API, host["cluster"]), id=host["cluster"])
        return elem

    def _cluster_xml(self, cid: str) -> ET.Element:
        elem = ET.Element("cluster", href="%s/clusters/%s" % (API, cid), id=cid)
        ET.SubElement(elem, "name").text = self.clusters[cid]
        version = ET.SubElement(elem, "version")
        ET.SubElement(version, "major").text = "4"
        ET.SubElement(version, "minor").text = "7"
        return elem

    def _events(self, query: Dict[str, str]) -> str:
        rows = list(reversed(self.events))
        search = unquote(query.get("search", ""))
        if search.startswith("host.name="):
            ids = {h["id"] for h in self.hosts.values() if h["name"] == search.split("=", 1)[1]}
            rows = [row for row in rows if row["host"] in ids]
        rows = rows[:int(query.get("max", "100"))]
        elems = []
        for row in rows:
            elem = ET.Element("event", href="%s/events/%s" % (API, row["id"]), id=row["id"])
            for key in ("code", "severity", "time", "description"):
                ET.SubElement(elem, key).text = str(row[key])
            ET.SubElement(elem, "host", href="%s/hosts/%s" % (API, row["host"]), id=row["host"])
            elems.append(elem)
        return self._collection("events", elems)

    @staticmethod
    def _collection(tag: str, items: List[ET.Element]) -> str:
        root = ET.Element(tag)
        root.extend(items)
        return ET.tostring(root, encoding="unicode")

    @staticmethod
    def _fault(reason: str, detail: str) -> str:
        root = ET.Element("fault")
        ET.SubElement(root, "reason").text = reason
        ET.SubElement(root, "detail").text = detail
        return ET.tostring(root, encoding="unicode")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18900)
    parser.add_argument("--password", default="fake-admin-password")
    parser.add_argument("--script", action="append", default=[], metavar="NAME=STATUS,STATUS...",
                        help="statuses a host added under NAME goes through, one per read (default "
                             "installing,initializing,up); e.g. node3=installing,install_failed")
    args = parser.parse_args()
    scripts = {}
    for item in args.script:
        name, _sep, steps = item.partition("=")
        statuses = [s.strip() for s in steps.split(",") if s.strip()]
        if not name or not statuses:
            parser.error("--script wants NAME=STATUS[,STATUS...], got %r" % item)
        scripts[name] = statuses
    server = FakeOvirt(password=args.password, port=args.port, scripts=scripts).start()
    print("fake oVirt engine on %s" % server.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
