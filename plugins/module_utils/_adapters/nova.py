# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Thin openstacksdk adapter for Nova servers by name: find, create and wait, delete. No decisions here."""

from __future__ import annotations

import re
from typing import Any, Dict, Mapping, Optional, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError

try:
    import openstack
    SDK_ERROR = None  # type: Optional[BaseException]
except ImportError as exc:  # pragma: no cover - reported by the module
    openstack = None
    SDK_ERROR = exc


# Nova filters servers by name with a regular expression: these characters of a name are escaped.
_REGEX_SPECIAL = re.compile(r"([\\.^$|?*+()\[\]{}])")


def _first_line(exc: BaseException) -> str:
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


def server_dict(server: Any) -> Dict[str, Any]:
    """A server as plain data (no admin password)."""
    flavor = dict(server.flavor or {}) if server.flavor is not None else {}
    image = server.image or {}
    return dict(id=server.id, name=server.name, status=server.status, flavor=flavor.get("original_name") or flavor.get("id"),
                vcpus=flavor.get("vcpus"), ram_mb=flavor.get("ram"), image_id=image.get("id") if hasattr(image, "get") else None,
                fault=dict(server.fault) if getattr(server, "fault", None) else {}, created=server.created_at)


class Nova:
    """Servers of one project, through an openstacksdk connection."""

    def __init__(self, auth: Mapping[str, Any], auth_type: str, region_name: Optional[str], interface: str,
                 validate_certs: bool) -> None:
        try:
            self.conn = openstack.connect(auth_type=auth_type, auth=dict(auth), region_name=region_name, interface=interface,
                                          verify=validate_certs, load_yaml_config=False, load_envvars=False)
            self.conn.authorize()
        except Exception as exc:  # the SDK raises many types; all mean "could not log in"
            raise AdapterError("authenticating at %s failed: %s" % (auth.get("auth_url"), _first_line(exc))) from exc

    def find(self, name: str) -> Optional[Any]:
        try:
            pattern = "^%s$" % _REGEX_SPECIAL.sub(r"\\\1", name)
            found = [s for s in self.conn.compute.servers(details=True, name=pattern) if s.name == name]
        except Exception as exc:
            raise AdapterError("listing servers named %s failed: %s" % (name, _first_line(exc))) from exc
        if len(found) > 1:
            raise AdapterError("%d servers are named %s; give each server its own name" % (len(found), name))
        return found[0] if found else None

    def flavor_names(self, flavor: str) -> Tuple[str, str]:
        """(id, name) of the flavor given by name or id: a server shows only its flavor's name."""
        try:
            found = self.conn.compute.find_flavor(flavor, ignore_missing=False)
        except Exception as exc:
            raise AdapterError("looking up flavor %s failed: %s" % (flavor, _first_line(exc))) from exc
        return found.id, found.name

    def create(self, name: str, flavor: str, image: str, metadata: Mapping[str, str], timeout: int) -> Any:
        compute = self.conn.compute
        try:
            flavor_id = compute.find_flavor(flavor, ignore_missing=False).id
            image_id = compute.find_image(image, ignore_missing=False).id
            server = compute.create_server(name=name, flavor_id=flavor_id, image_id=image_id, networks="none",
                                           metadata=dict(metadata))
        except Exception as exc:
            raise AdapterError("creating server %s (flavor %s, image %s) failed: %s" % (name, flavor, image, _first_line(exc))) from exc
        return self.wait(server, timeout)

    def wait(self, server: Any, timeout: int) -> Any:
        """Wait for ACTIVE; on ERROR, fail with Nova's fault message."""
        compute = self.conn.compute
        try:
            return compute.wait_for_server(server, status="ACTIVE", failures=["ERROR"], interval=1, wait=timeout)
        except Exception as exc:
            fault = {}
            try:
                fault = compute.get_server(server).fault or {}
            except Exception:  # pylint: disable=broad-except  # the first error is the one to report
                pass
            raise AdapterError("server %s did not become ACTIVE: %s%s" % (
                server.name or server.id, _first_line(exc),
                "; fault: %s" % fault.get("message") if fault else "")) from exc

    def delete(self, server: Any, timeout: int) -> None:
        try:
            self.conn.compute.delete_server(server)
            self.conn.compute.wait_for_delete(server, interval=1, wait=timeout)
        except Exception as exc:
            raise AdapterError("deleting server %s failed: %s" % (server.name, _first_line(exc))) from exc
