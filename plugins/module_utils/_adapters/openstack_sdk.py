# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Thin openstacksdk adapter for Keystone resources by name and Swift objects. No decisions here.

Works with openstacksdk 0.101 (Debian 12's python3-openstacksdk) and 4.x (PyPI)."""

from __future__ import annotations

from typing import Any, Dict, Mapping

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.keystone_identity import Identity, Step

try:
    import openstack
    SDK_ERROR = None
except ImportError as exc:  # pragma: no cover - reported by the module
    openstack = None
    SDK_ERROR = exc


def _fail(what: str, exc: BaseException) -> AdapterError:
    return AdapterError("%s failed: %s" % (what, str(exc).splitlines()[0] if str(exc) else type(exc).__name__))


def connect(auth: Mapping[str, Any]) -> Any:
    try:
        conn = openstack.connect(auth_type="password", auth=dict(auth), identity_api_version="3",
                                 load_yaml_config=False, load_envvars=False)
        conn.authorize()
        return conn
    except Exception as exc:  # the SDK raises many types; all mean "could not log in"
        raise _fail("authenticating as %s at %s" % (auth.get("username"), auth.get("auth_url")), exc) from exc


class KeystoneIdentity:
    def __init__(self, conn: Any, domain: str = "default"):
        self.conn = conn
        self.domain = domain
        self.ids = {}  # type: Dict[str, Dict[str, str]]

    def read(self) -> Identity:
        idn = self.conn.identity
        try:
            roles = {r.id: r.name for r in idn.roles()}
            projects = {p.id: p.name for p in idn.projects(domain_id=self.domain)}
            services = {s.id: (s.name, s.type) for s in idn.services()}
            users = {u.id: u for u in idn.users(domain_id=self.domain)}
            endpoints = {}
            for ep in idn.endpoints():
                if ep.service_id in services:
                    endpoints[(services[ep.service_id][0], ep.interface, ep.region_id or "")] = (ep.url, ep.id)
            assignments = []
            for ra in idn.role_assignments():
                user = (ra.user or {}).get("id")
                project = ((ra.scope or {}).get("project") or {}).get("id")
                role = (ra.role or {}).get("id")
                if user in users and project in projects and role in roles:
                    assignments.append((users[user].name, projects[project], roles[role]))
        except Exception as exc:
            raise _fail("reading Keystone", exc) from exc
        self.ids = {
            "role": {name: rid for rid, name in roles.items()},
            "project": {name: pid for pid, name in projects.items()},
            "service": {name: sid for sid, (name, _type) in services.items()},
            "user": {u.name: uid for uid, u in users.items()},
            "endpoint": {"%s/%s/%s" % key: value[1] for key, value in endpoints.items()},
        }
        return Identity(
            roles=tuple(roles.values()), projects=tuple(projects.values()),
            services=dict(services.values()),
            endpoints={key: value[0] for key, value in endpoints.items()},
            users={u.name: projects.get(u.default_project_id or "", "") for u in users.values()},
            assignments=tuple(assignments))

    def apply(self, step: Step, passwords: Mapping[str, str]) -> None:
        idn = self.conn.identity
        d = step.data
        try:
            if step.kind == "role":
                self.ids["role"][step.name] = idn.create_role(name=step.name).id
            elif step.kind == "project":
                self.ids["project"][step.name] = idn.create_project(name=step.name, domain_id=self.domain).id
            elif step.kind == "service":
                self.ids["service"][step.name] = idn.create_service(name=step.name, type=d["type"], enabled=True).id
            elif step.kind == "endpoint" and step.action == "update":
                key = "%s/%s/%s" % (d["service"], d["interface"], d["region"])
                idn.update_endpoint(self.ids["endpoint"][key], url=d["url"])
            elif step.kind == "endpoint":
                idn.create_endpoint(service_id=self.ids["service"][d["service"]], interface=d["interface"],
                                    url=d["url"], region_id=d["region"], enabled=True)
            elif step.kind == "user" and step.action == "update":
                idn.update_user(self.ids["user"][step.name],
                                default_project_id=self.ids["project"][d["default_project"]])
            elif step.kind == "user":
                kwargs = dict(name=step.name, domain_id=self.domain, password=passwords[step.name], enabled=True)
                if d.get("default_project"):
                    kwargs["default_project_id"] = self.ids["project"][d["default_project"]]
                self.ids["user"][step.name] = idn.create_user(**kwargs).id
            elif step.kind == "assignment":
                idn.assign_project_role_to_user(self.ids["project"][d["project"]], self.ids["user"][d["user"]],
                                                self.ids["role"][d["role"]])
        except Exception as exc:
            raise _fail("%s %s %s" % (step.action, step.kind, step.name), exc) from exc


def object_roundtrip(conn: Any, container: str, name: str, payload: bytes) -> Dict[str, Any]:
    """Create a container, upload, download, delete both; return what was seen (never the token)."""
    store = conn.object_store
    seen = {"storage_url": "", "created": False, "uploaded": False, "downloaded_equal": False, "deleted": False}
    try:
        seen["storage_url"] = store.get_endpoint()
        store.create_container(name=container)
        seen["created"] = True
        store.upload_object(container=container, name=name, data=payload)
        seen["uploaded"] = True
        got = store.download_object(name, container=container)
        seen["downloaded_equal"] = got == payload
        store.delete_object(name, container=container)
        store.delete_container(container)
        seen["deleted"] = True
    except Exception as exc:
        done = ", ".join(k for k, v in seen.items() if v is True) or "nothing done"
        if seen["created"] and not seen["deleted"]:
            _clean_up(store, container, name, seen["uploaded"])
        raise _fail("Swift round trip (%s)" % done, exc) from exc
    return seen


def _clean_up(store: Any, container: str, name: str, uploaded: bool) -> None:
    """Best effort after a failed round trip: the probe object and container do not stay behind."""
    try:
        if uploaded:
            store.delete_object(name, container=container, ignore_missing=True)
        store.delete_container(container, ignore_missing=True)
    except Exception:  # pylint: disable=broad-except  # the round trip's own error is the one to report
        pass
