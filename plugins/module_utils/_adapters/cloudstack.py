# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Thin CloudStack API adapter: signed calls, async-job polling, lookups. No third-party library.

Requests go through ansible-core's ``urls.Request`` (urllib underneath, with its proxy and certificate
handling); the signature is computed here with hmac, hashlib and base64.

Signing follows the management server's ``ApiServer.verifyRequest``: every parameter except
``signature`` (``apiKey`` and ``command`` included; with signature version 3 also
``signatureVersion=3`` and ``expires``), sorted by name as sent, each value encoded like Java's
``URLEncoder`` with ``%20`` for spaces, joined with ``&``, the whole string lowercased, HMAC-SHA1
with the secret key, base64. No decisions are made here: the plan lives in ``_calc.ssvm``.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import ssl
import time
from typing import Any, Callable, Dict, List, Mapping, Optional
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlencode

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.urls import ConnectionError as UrlConnectionError
from ansible.module_utils.urls import Request
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError

SIGNATURE_ERROR = "unable to verify user credentials and/or request signature"

# The options of doc fragment hypercloud.builder._cloudstack; modules use it as their shared_spec.
AUTH_SPEC: Dict[str, Any] = dict(
    api_http_method=dict(type="str", default="get", choices=["get", "post"],
                         fallback=(env_fallback, ["CLOUDSTACK_METHOD"])),
    api_key=dict(type="str", required=True, no_log=False, fallback=(env_fallback, ["CLOUDSTACK_KEY"])),
    api_secret=dict(type="str", required=True, no_log=True, fallback=(env_fallback, ["CLOUDSTACK_SECRET"])),
    api_timeout=dict(type="int", default=10, fallback=(env_fallback, ["CLOUDSTACK_TIMEOUT"])),
    api_url=dict(type="str", required=True, fallback=(env_fallback, ["CLOUDSTACK_ENDPOINT"])),
)


class CloudStackAuthError(AdapterError):
    """The API answered 401: a key, secret or signature problem (never worth retrying)."""


def java_urlencode(value: str) -> str:
    """Java's URLEncoder.encode(value, "UTF-8") with "+" replaced by "%20", as the server signs."""
    return quote(value, safe="*").replace("~", "%7E")


def signature(params: Mapping[str, str], secret: str) -> str:
    """The base64 HMAC-SHA1 signature of ``params`` (without ``signature``) under ``secret``."""
    unsigned = "&".join("%s=%s" % (name, java_urlencode(params[name])) for name in sorted(params) if name.lower() != "signature")
    digest = hmac.new(secret.encode("utf-8"), unsigned.lower().encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def check_seconds(**seconds: Optional[float]) -> None:
    """Refuse a wait or poll time that is negative, infinite or NaN, before any call is made (time.sleep would
    raise in the middle of a change)."""
    for name in sorted(seconds):
        value = seconds[name]
        if value is not None and not 0 <= value < float("inf"):
            raise AdapterError("%s must be a number of seconds, 0 or more, not %s" % (name, value))


def expires_at(seconds: int, now: Optional[datetime.datetime] = None) -> str:
    """An ``expires`` value ``seconds`` from now, in the ``yyyy-MM-dd'T'HH:mm:ssZ`` form the server parses."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return (now + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S+0000")


class CloudStackApi:
    """One endpoint and key pair. Every method is one API call unless it says it polls."""

    def __init__(self, url: str, key: str, secret: str, timeout: int = 10, method: str = "get",
                 signature_version: int = 3, expires: int = 600, poll_interval: float = 2.0, validate_certs: bool = True):
        self.url = url
        self._key = key
        self._secret = secret
        self.timeout = timeout
        self.method = method.lower()
        self.signature_version = signature_version
        self.expires = expires
        self.poll_interval = poll_interval
        self.validate_certs = validate_certs
        self._context: Optional[ssl.SSLContext] = None

    def context(self) -> ssl.SSLContext:
        """One TLS context per adapter: Request.open would load the CA store again on every call."""
        if self._context is None:
            if not self.url.lower().startswith("https:"):
                self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # unused for http
            else:
                self._context = ssl.create_default_context()
                if not self.validate_certs:
                    self._context.check_hostname = False
                    self._context.verify_mode = ssl.CERT_NONE
        return self._context

    @classmethod
    def from_params(cls, params: Mapping[str, Any], **kwargs: Any) -> "CloudStackApi":
        """The adapter a module's options name; its api_timeout and poll_interval are checked first."""
        if params["api_timeout"] < 1:
            raise AdapterError("api_timeout must be 1 second or more, not %s" % params["api_timeout"])
        check_seconds(poll_interval=params.get("poll_interval"))
        return cls(params["api_url"], params["api_key"], params["api_secret"], timeout=params["api_timeout"],
                   method=params["api_http_method"], **kwargs)

    def signed(self, command: str, params: Mapping[str, Any]) -> Dict[str, str]:
        query = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in params.items() if v is not None}
        query.update(command=command, response="json", apiKey=self._key)
        if self.signature_version == 3:
            query.update(signatureVersion="3", expires=expires_at(self.expires))
        query["signature"] = signature(query, self._secret)
        return query

    def call(self, command: str, **params: Any) -> Dict[str, Any]:
        """Run ``command``; return the body under ``<command>response`` (``{}`` for an empty list)."""
        body = urlencode(self.signed(command, params), quote_via=quote)
        url, data, headers = self.url, None, {}
        if self.method == "post":
            data, headers = body.encode("ascii"), {"Content-Type": "application/x-www-form-urlencoded"}
        else:
            url = "%s?%s" % (self.url, body)
        try:
            with Request().open(self.method.upper(), url, data=data, headers=headers, timeout=self.timeout,
                                validate_certs=self.validate_certs, context=self.context()) as answer:
                raw = answer.read()
        except HTTPError as err:
            raw = err.read()
            reply = self._decode(command, raw, strict=False)
            code = reply.get("errorcode", err.code)
            text = reply.get("errortext") or err.reason
            if err.code == 401 or code == 401:
                raise CloudStackAuthError("CloudStack at %s refused %s: %s (HTTP 401). The API answered, so this is "
                                          "a credentials or signature problem, not a network one: check api_key and "
                                          "api_secret" % (self.url, command, text)) from None
            raise AdapterError("CloudStack %s failed: %s (errorcode %s)" % (command, text, code)) from None
        except (URLError, OSError, UrlConnectionError) as err:
            reason = getattr(err, "reason", err)
            raise AdapterError("cannot reach CloudStack at %s for %s: %s. This is a network error (address, port, "
                               "TLS or timeout %ds), not a credentials problem" % (self.url, command, reason, self.timeout)) from None
        return self._decode(command, raw, strict=True)

    @staticmethod
    def _decode(command: str, raw: bytes, strict: bool) -> Dict[str, Any]:
        try:
            data = json.loads(raw.decode("utf-8") or "{}")
        except ValueError:
            if strict:
                raise AdapterError("CloudStack %s answered with something that is not JSON: %r" % (command, raw[:200])) from None
            return {}
        key = "%sresponse" % command.lower()
        if not isinstance(data, dict):
            return {}
        inner = data.get(key)
        if inner is None and len(data) == 1:
            inner = next(iter(data.values()))
        return inner if isinstance(inner, dict) else {}

    # --- polling ----------------------------------------------------------------------------------

    def wait_until(self, probe: Callable[[], Any], timeout: float, what: str, last: Callable[[], str] = lambda: "") -> Any:
        """Call ``probe`` every poll interval until it returns something truthy or ``timeout`` passes."""
        deadline = time.monotonic() + timeout
        while True:
            found = probe()
            if found:
                return found
            if time.monotonic() >= deadline:
                seen = last()
                raise AdapterError("timed out after %ss waiting for %s%s" % (timeout, what, "; last seen: %s" % seen if seen else ""))
            time.sleep(self.poll_interval)

    def wait_job(self, jobid: str, timeout: float, what: str) -> Dict[str, Any]:
        """Poll queryAsyncJobResult until the job ends; return its jobresult, or fail with its errortext."""
        state: Dict[str, Any] = {}

        def done() -> bool:
            state.update(self.call("queryAsyncJobResult", jobid=jobid))
            return state.get("jobstatus") in (1, 2)

        self.wait_until(done, timeout, "async job %s (%s)" % (jobid, what))
        result = state.get("jobresult") or {}
        if state.get("jobstatus") == 2:
            raise AdapterError("CloudStack job %s (%s) failed: %s (errorcode %s)"
                               % (jobid, what, result.get("errortext"), result.get("errorcode")))
        return result

    # --- calls ------------------------------------------------------------------------------------

    def version(self) -> Optional[str]:
        return (self.call("listCapabilities").get("capability") or {}).get("cloudstackversion")

    def zones(self) -> List[Dict[str, Any]]:
        return self.call("listZones").get("zone", [])

    def configurations(self, name: str, zone_id: Optional[str] = None) -> List[Dict[str, Any]]:
        """listConfigurations name=: a substring match, so callers pick the exact name."""
        return self.call("listConfigurations", name=name, zoneid=zone_id).get("configuration", [])

    def update_configuration(self, name: str, value: str, zone_id: Optional[str] = None) -> Dict[str, Any]:
        return self.call("updateConfiguration", name=name, value=value, zoneid=zone_id).get("configuration", {})

    def system_offerings(self, systemvmtype: Optional[str] = None) -> List[Dict[str, Any]]:
        """System service offerings (issystem=true), of one system VM type or of all."""
        return self.call("listServiceOfferings", issystem=True, systemvmtype=systemvmtype).get("serviceoffering", [])

    def create_service_offering(self, **params: Any) -> Dict[str, Any]:
        return self.call("createServiceOffering", **params).get("serviceoffering", {})

    def system_vms(self, systemvmtype: str, zone_id: Optional[str] = None) -> List[Dict[str, Any]]:
        return self.call("listSystemVms", systemvmtype=systemvmtype, zoneid=zone_id).get("systemvm", [])

    def destroy_system_vm(self, vm_id: str, timeout: float) -> Dict[str, Any]:
        """destroySystemVm and poll its async job to the end."""
        jobid = self.call("destroySystemVm", id=vm_id).get("jobid")
        if not jobid:
            raise AdapterError("CloudStack destroySystemVm %s returned no job id" % vm_id)
        return self.wait_job(jobid, timeout, "destroySystemVm %s" % vm_id)

    # --- hosts (rolling upgrades) -----------------------------------------------------------------

    def hosts(self, name: Optional[str] = None, host_id: Optional[str] = None, host_type: str = "Routing") -> List[Dict[str, Any]]:
        """listHosts: ``name`` is a substring match, so callers pick the exact name."""
        return self.call("listHosts", name=name, id=host_id, type=host_type).get("host", [])

    def vms_on_host(self, host_id: str) -> List[Dict[str, Any]]:
        """User VMs of every account (listall) and system VMs on one host."""
        users = self.call("listVirtualMachines", hostid=host_id, listall=True).get("virtualmachine", [])
        return users + self.call("listSystemVms", hostid=host_id).get("systemvm", [])

    def host_job(self, command: str, host_id: str, timeout: float) -> Dict[str, Any]:
        """prepareHostForMaintenance or cancelHostMaintenance, polled to the end of its async job."""
        jobid = self.call(command, id=host_id).get("jobid")
        if not jobid:
            raise AdapterError("CloudStack %s %s returned no job id" % (command, host_id))
        return self.wait_job(jobid, timeout, "%s %s" % (command, host_id))
