# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A pass-through HTTP proxy in front of the real Placement that provokes generation conflicts.

Before forwarding each of the first N ``PUT /resource_providers/<uuid>/inventories`` requests, it
changes that provider for real (re-sets its aggregates, which bumps the provider generation in
Placement), as a concurrent nova-compute would. The real Placement then answers the forwarded PUT
with 409. Everything else is forwarded unchanged. Used by the placement_inventory integration test:

    placement_conflict_proxy.py --listen 18711 --upstream http://127.0.0.1:18710 --conflicts 2 --pidfile F
"""

from __future__ import annotations

import argparse
import json
import os
import re
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

INVENTORIES = re.compile(r"^/resource_providers/([0-9a-f-]{36})/inventories/?$")
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "host", "content-length"}


def call(upstream, method, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(upstream + path, data=data, method=method)
    for key, value in (headers or {}).items():
        req.add_header(key, value)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def bump_generation(upstream, uuid):
    """Re-set the provider's aggregates: same set, new generation (a real concurrent write)."""
    headers = {"X-Auth-Token": "admin", "OpenStack-API-Version": "placement 1.19", "Content-Type": "application/json"}
    _status, _headers, raw = call(upstream, "GET", "/resource_providers/%s/aggregates" % uuid, headers=headers)
    current = json.loads(raw)
    call(upstream, "PUT", "/resource_providers/%s/aggregates" % uuid, headers=headers,
         body={"aggregates": current["aggregates"], "resource_provider_generation": current["resource_provider_generation"]})


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    lock = threading.Lock()
    left = 0
    upstream = ""
    provoked = []

    def _forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        match = INVENTORIES.match(self.path.split("?")[0])
        if self.command == "PUT" and match:
            with Handler.lock:
                provoke = Handler.left > 0
                Handler.left -= 1 if provoke else 0
            if provoke:
                bump_generation(Handler.upstream, match.group(1))
                Handler.provoked.append(match.group(1))
        req = urllib.request.Request(Handler.upstream + self.path, data=body, method=self.command)
        for key, value in self.headers.items():
            if key.lower() not in HOP_HEADERS:
                req.add_header(key, value)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                status, headers, payload = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as exc:
            status, headers, payload = exc.code, exc.headers, exc.read()
        self.send_response(status)
        for key, value in headers.items():
            if key.lower() not in HOP_HEADERS:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = _forward

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--conflicts", type=int, default=1)
    parser.add_argument("--pidfile")
    args = parser.parse_args()
    Handler.upstream = args.upstream.rstrip("/")
    Handler.left = args.conflicts
    server = ThreadingHTTPServer(("127.0.0.1", args.listen), Handler)
    if args.pidfile:
        with open(args.pidfile, "w", encoding="ascii") as handle:
            handle.write(str(os.getpid()))
    server.serve_forever()


if __name__ == "__main__":
    main()
