# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Two CMDB APIs on loopback, for tests and the lab. A stand-in: it is neither ServiceNow nor any real CMDB.

No CMDB can run here, so ``cmdb_record`` is tested against this stdlib ``http.server``, which
serves two shapes on one port:

* ``/api/now/table/<table>``: shaped after ServiceNow's **Table API** as its public REST API
  reference documents it (developer.servicenow.com, "Table API": ``GET /api/now/table/{tableName}``
  with ``sysparm_query`` and ``sysparm_limit``, ``POST`` to create (201), ``PATCH
  /api/now/table/{tableName}/{sys_id}`` to update; bodies wrapped in ``{"result": ...}``; every
  value returned as a string, as with ``sysparm_display_value=false``; ``sys_id`` (32 hex),
  ``sys_created_on``/``sys_updated_on`` (``YYYY-MM-DD HH:MM:SS``, UTC), ``sys_class_name``; errors as
  ``{"error": {"message", "detail"}, "status": "failure"}``). Only the ``field=value`` and ``^``
  (AND) forms of an encoded query are understood.
* ``/rest/<collection>``: a generic REST/JSON store of our own design (``GET ?field=value`` answers
  a JSON list, ``POST`` creates with an ``id``, ``PATCH /rest/<collection>/<id>`` updates).

Both need ``Authorization``: ``Bearer <token>`` or Basic ``<user>:<password>``. ``fail_next`` makes
the next N requests answer 503 (to test retries); ``bodiless`` makes the REST store answer writes
without a body (201 to a POST, 204 to a PATCH), as many REST APIs do; every request is recorded in
``calls``.

Run as a script for the lab: ``python tests/testbed/fake_cmdb.py --port 18601 --state DIR``
(``--state`` keeps the records in ``DIR/cmdb.json`` across restarts).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional
from urllib.parse import parse_qs, urlsplit

TOKEN = "hq-cmdb-token"
USER, PASSWORD = "cmdb-user", "cmdb-password"


def _now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())


class CmdbState:
    """The records of both APIs, and the calls made (method, path, query, body)."""

    def __init__(self, path: Optional[str] = None) -> None:
        self.path = path
        self.lock = threading.Lock()
        self.tables: Dict[str, Dict[str, Dict[str, Any]]] = {}
        self.calls: List[Dict[str, Any]] = []
        self.fail_next = 0
        self.bodiless = False  # the REST store answers writes with no body: 201 to POST, 204 to PATCH
        if path and os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                self.tables = json.load(handle)

    def save(self) -> None:
        if self.path:
            tmp = self.path + ".tmp"
            with open(tmp, "w", encoding="utf-8") as handle:
                json.dump(self.tables, handle, indent=1, sort_keys=True)
            os.replace(tmp, self.path)


def _text(value: Any) -> str:
    """A value as the Table API stores it (every field a string)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value) if isinstance(value, (dict, list)) else str(value)


def _matches(record: Dict[str, Any], query: str) -> bool:
    for term in filter(None, query.split("^")):
        field, _sep, value = term.partition("=")
        if str(record.get(field, "")) != value:
            return False
    return True


class Handler(BaseHTTPRequestHandler):
    server_version = "fake-cmdb/1"
    state: CmdbState

    def log_message(self, format, *args):  # noqa: A002 - quiet
        pass

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send_empty(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _error(self, status: int, message: str, detail: str = "") -> None:
        self._send(status, {"error": {"message": message, "detail": detail}, "status": "failure"})

    def _authorized(self) -> bool:
        header = self.headers.get("Authorization", "")
        if header == "Bearer " + TOKEN:
            return True
        if header.startswith("Basic "):
            try:
                return base64.b64decode(header[6:]).decode() == "%s:%s" % (USER, PASSWORD)
            except ValueError:
                return False
        return False

    def _handle(self, method: str) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        state = self.state
        with state.lock:
            state.calls.append(dict(method=method, path=url.path, query=url.query,
                                    body=json.loads(raw) if raw else None))
            if state.fail_next > 0:
                state.fail_next -= 1
                return self._error(503, "Service Unavailable", "injected failure")
        if not self._authorized():
            return self._error(401, "User Not Authenticated", "Required to provide Auth information")
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return self._error(400, "Exception while reading request", "body is not JSON")
        snow = re.fullmatch(r"/api/now/table/(\w+)(?:/([0-9a-f]{32}))?", url.path)
        rest = re.fullmatch(r"/rest/(\w+)(?:/([\w-]+))?", url.path)
        if snow:
            return self._servicenow(method, snow.group(1), snow.group(2), parse_qs(url.query), body)
        if rest:
            return self._rest(method, rest.group(1), rest.group(2), parse_qs(url.query), body)
        return self._error(400, "Invalid table or path", url.path)

    def _servicenow(self, method, table, sys_id, query, body):
        state = self.state
        with state.lock:
            rows = state.tables.setdefault("snow:" + table, {})
            if method == "GET" and sys_id is None:
                found = [r for r in rows.values() if _matches(r, query.get("sysparm_query", [""])[0])]
                limit = int(query.get("sysparm_limit", ["10000"])[0])
                return self._send(200, {"result": found[:limit]})
            if method == "GET":
                if sys_id not in rows:
                    return self._error(404, "No Record found", "Record doesn't exist or ACL restricts the record retrieval")
                return self._send(200, {"result": rows[sys_id]})
            if not isinstance(body, dict):
                return self._error(400, "Exception while reading request", "body must be a JSON object")
            values = {k: _text(v) for k, v in body.items()}
            if method == "POST" and sys_id is None:
                new_id = uuid.uuid4().hex
                rows[new_id] = dict(values, sys_id=new_id, sys_class_name=table, sys_created_on=_now(),
                                    sys_updated_on=_now(), sys_mod_count="0")
                state.save()
                return self._send(201, {"result": rows[new_id]})
            if method in ("PATCH", "PUT") and sys_id is not None:
                if sys_id not in rows:
                    return self._error(404, "No Record found", "Record doesn't exist or ACL restricts the record retrieval")
                rows[sys_id].update(values)
                rows[sys_id]["sys_updated_on"] = _now()
                rows[sys_id]["sys_mod_count"] = str(int(rows[sys_id]["sys_mod_count"]) + 1)
                state.save()
                return self._send(200, {"result": rows[sys_id]})
        return self._error(405, "Method not Supported", method)

    def _rest(self, method, collection, item_id, query, body):
        state = self.state
        with state.lock:
            rows = state.tables.setdefault("rest:" + collection, {})
            if method == "GET" and item_id is None:
                found = [r for r in rows.values() if all(str(r.get(k)) == v[0] for k, v in query.items())]
                return self._send(200, found)
            if method == "GET":
                return self._send(200, rows[item_id]) if item_id in rows else self._send(404, {"detail": "not found"})
            if not isinstance(body, dict):
                return self._send(400, {"detail": "body must be a JSON object"})
            if method == "POST" and item_id is None:
                new_id = str(uuid.uuid4())
                rows[new_id] = dict(body, id=new_id)
                state.save()
                return self._send_empty(201) if state.bodiless else self._send(201, rows[new_id])
            if method == "PATCH" and item_id is not None:
                if item_id not in rows:
                    return self._send(404, {"detail": "not found"})
                rows[item_id].update(body)
                state.save()
                return self._send_empty(204) if state.bodiless else self._send(200, rows[item_id])
        return self._send(405, {"detail": "method not allowed"})

    def do_GET(self):  # noqa: N802
        self._handle("GET")

    def do_POST(self):  # noqa: N802
        self._handle("POST")

    def do_PATCH(self):  # noqa: N802
        self._handle("PATCH")

    def do_PUT(self):  # noqa: N802
        self._handle("PUT")


def serve(port: int = 0, state_path: Optional[str] = None):
    """Start in a daemon thread on 127.0.0.1; returns (server, state, base URL). ``server.shutdown()`` stops it."""
    state = CmdbState(state_path)
    handler = type("BoundHandler", (Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, state, "http://127.0.0.1:%d" % server.server_address[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18601)
    parser.add_argument("--state", help="directory for cmdb.json")
    args = parser.parse_args()
    path = os.path.join(args.state, "cmdb.json") if args.state else None
    state = CmdbState(path)
    handler = type("BoundHandler", (Handler,), {"state": state})
    ThreadingHTTPServer(("127.0.0.1", args.port), handler).serve_forever()


if __name__ == "__main__":
    main()
