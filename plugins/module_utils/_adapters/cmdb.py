# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""CMDB backends: thin HTTP I/O behind one small interface (find, create, update).

* ``RestBackend``: a generic REST/JSON collection. ``GET <url>?<correlation_field>=<id>`` answers a
  JSON list (or an object with the list under ``results``/``items``/``data``); ``POST <url>``
  creates; ``PATCH <url>/<id>`` updates.
* ``ServiceNowBackend``: the ServiceNow Table API. ``GET /api/now/table/<table>?sysparm_query=
  <correlation_field>=<id>``, ``POST /api/now/table/<table>``, ``PATCH /api/now/table/<table>/<sys_id>``;
  bodies under ``result``; values come back as strings.

``Http`` sends through ``ansible.module_utils.urls.open_url`` and retries connection errors and
408/425/429/5xx answers after the waits it is given; other answers fail at once. A create whose
answer was lost is not blindly re-sent: the backend looks the correlation id up again first, so a
retry cannot make a second record.
"""

from __future__ import annotations

import json
import time
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlencode

from ansible.module_utils.urls import open_url
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.cmdb import retryable, servicenow_query

LIST_KEYS = ("results", "items", "data", "result")


class Http:
    """JSON over HTTP with bounded retries; ``attempts`` counts the requests sent."""

    def __init__(self, token: Optional[str] = None, username: Optional[str] = None, password: Optional[str] = None,
                 validate_certs: bool = True, timeout: float = 30.0, delays: Sequence[float] = (),
                 sleep: Callable[[float], None] = time.sleep, opener: Callable[..., Any] = open_url) -> None:
        self.headers = {"Accept": "application/json", "Content-Type": "application/json"}
        if token:
            self.headers["Authorization"] = "Bearer " + token
        self.username, self.password = username, password
        self.validate_certs, self.timeout = validate_certs, timeout
        self.delays, self.sleep, self.opener = list(delays), sleep, opener
        self.attempts = 0

    def once(self, method: str, url: str, body: Any = None) -> Tuple[int, Any]:
        self.attempts += 1
        data = json.dumps(body) if body is not None else None
        resp = self.opener(url, data=data, method=method, headers=self.headers, url_username=self.username,
                           url_password=self.password, force_basic_auth=bool(self.username),
                           validate_certs=self.validate_certs, timeout=self.timeout)
        raw = resp.read()
        return resp.getcode(), json.loads(raw) if raw else None

    def call(self, method: str, url: str, body: Any = None, on_retry: Optional[Callable[[], Any]] = None) -> Any:
        """Send; retry what is retryable. ``on_retry`` may answer instead of a re-send (non-None result)."""
        waits = list(self.delays)
        while True:
            try:
                return self.once(method, url, body)[1]
            except HTTPError as err:
                status, detail = err.code, _error_text(err)
            except (URLError, OSError, ValueError) as err:
                status, detail = None, str(getattr(err, "reason", err))
            if not retryable(status) or not waits:
                tried = "" if self.attempts < 2 else " after %d attempts" % self.attempts
                raise AdapterError("%s %s failed%s: %s%s" % (method, url, tried, "HTTP %s " % status if status else "", detail))
            self.sleep(waits.pop(0))
            if on_retry is not None:
                answer = on_retry()
                if answer is not None:
                    return answer


def _error_text(err: HTTPError) -> str:
    try:
        body = json.loads(err.read() or b"null")
    except ValueError:
        return str(err.reason)
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return "%s (%s)" % (body["error"].get("message"), body["error"].get("detail"))
    return json.dumps(body) if body else str(err.reason)


class RestBackend:
    """A generic REST/JSON collection at ``url``; records carry their id in ``id_field``."""

    string_values = False

    def __init__(self, http: Http, url: str, correlation_field: str, id_field: str = "id") -> None:
        self.http, self.url = http, url.rstrip("/")
        self.correlation_field, self.id_field = correlation_field, id_field

    def find(self, correlation_id: str) -> List[Dict[str, Any]]:
        answer = self.http.call("GET", "%s?%s" % (self.url, urlencode({self.correlation_field: correlation_id})))
        if isinstance(answer, dict):
            answer = next((answer[k] for k in LIST_KEYS if isinstance(answer.get(k), list)), None)
        if not isinstance(answer, list):
            raise AdapterError("GET %s: expected a JSON list of records, got %s" % (self.url, type(answer).__name__))
        return answer

    def record_id(self, record: Mapping[str, Any]) -> str:
        if self.id_field not in record:
            raise AdapterError("%s: the record has no '%s' field (set id_field): %s" % (self.url, self.id_field, json.dumps(record)))
        return str(record[self.id_field])

    def _one(self, correlation_id: str) -> Optional[Dict[str, Any]]:
        found = [r for r in self.find(correlation_id) if str(r.get(self.correlation_field)) == correlation_id]
        return found[0] if found else None

    def _written(self, answer: Any, correlation_id: str) -> Dict[str, Any]:
        """The record a write answered with; read back when the answer has no body (204, or a bare 201)."""
        if isinstance(answer, dict) and answer:
            return answer
        record = self._one(correlation_id)
        if record is None:
            raise AdapterError("%s: the write was answered without a record, and no record with %s=%s reads back"
                               % (self.url, self.correlation_field, correlation_id))
        return record

    def create(self, data: Mapping[str, Any], correlation_id: str) -> Dict[str, Any]:
        answer = self.http.call("POST", self.url, dict(data), on_retry=lambda: self._one(correlation_id))
        return self._written(answer, correlation_id)

    def update(self, record: Mapping[str, Any], changes: Mapping[str, Any]) -> Dict[str, Any]:
        answer = self.http.call("PATCH", "%s/%s" % (self.url, quote(self.record_id(record), safe="")), dict(changes))
        return self._written(answer, str(record.get(self.correlation_field)))


class ServiceNowBackend(RestBackend):
    """The ServiceNow Table API of an instance at ``url`` (https://<instance>.service-now.com)."""

    string_values = True

    def __init__(self, http: Http, url: str, correlation_field: str, table: str) -> None:
        super().__init__(http, "%s/api/now/table/%s" % (url.rstrip("/"), table), correlation_field, "sys_id")

    def find(self, correlation_id: str) -> List[Dict[str, Any]]:
        query = urlencode({"sysparm_query": servicenow_query(self.correlation_field, correlation_id), "sysparm_limit": "2"})
        answer = self.http.call("GET", "%s?%s" % (self.url, query))
        if not isinstance(answer, dict) or not isinstance(answer.get("result"), list):
            raise AdapterError("GET %s: expected {\"result\": [...]}, got %s" % (self.url, json.dumps(answer)[:200]))
        return answer["result"]

    def create(self, data: Mapping[str, Any], correlation_id: str) -> Dict[str, Any]:
        return _result(super().create(data, correlation_id))

    def update(self, record: Mapping[str, Any], changes: Mapping[str, Any]) -> Dict[str, Any]:
        return _result(super().update(record, changes))


def _result(answer: Any) -> Dict[str, Any]:
    if isinstance(answer, dict) and isinstance(answer.get("result"), dict):
        return answer["result"]
    return answer
