# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Thin Placement adapter over openstacksdk's placement proxy (``conn.placement``).

Requests per provider: one GET of its inventories (they carry the provider generation), one GET of
its usages only when a change lowers a capacity, and one PUT of the whole inventory set (all
classes, every field, the generation read) when something changes. Listing providers is one GET
for all of them. Decisions are made in ``_calc.placement``.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import os_connection
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError

try:
    from openstack import exceptions as sdk_exceptions
    from openstack.exceptions import SDKException as _SdkError
except ImportError:  # pragma: no cover - reported by the module through missing_required_lib
    sdk_exceptions = None

    class _SdkError(Exception):  # type: ignore[no-redef]
        """Stand-in when openstacksdk is missing; never raised."""
# Every call catches the SDK's errors and keystoneauth1's (version discovery, connection refused,
# timeouts, auth plugin errors), which the SDK lets through and are not SDKException.
try:
    from keystoneauth1.exceptions import ClientException as _KsaError
except ImportError:  # pragma: no cover - openstacksdk depends on keystoneauth1

    class _KsaError(Exception):  # type: ignore[no-redef]
        """Stand-in when keystoneauth1 is missing; never raised."""

SDK_IMPORT_ERROR = os_connection.SDK_IMPORT_ERROR

OPENSTACK_SPEC = os_connection.OPENSTACK_SPEC

Inventories = Dict[str, Dict[str, Any]]


class GenerationConflict(AdapterError):
    """Placement answered 409 placement.concurrent_update: the provider changed since it was read."""


def connect(params: Mapping[str, Any], app_name: str = "hypercloud.builder") -> Any:
    """An openstacksdk Connection from the shared options."""
    return os_connection.connect(params, "placement", app_name)


def _error(call: str, exc: Exception, conflict: bool = False) -> AdapterError:
    response = getattr(exc, "response", None)
    status = getattr(exc, "status_code", None) or getattr(response, "status_code", None)
    if conflict and status == 409:
        # The SDK's microversion predates error codes; a full-set PUT that keeps every class can
        # only conflict on the generation (the other 409, inventory in use, is for removed classes).
        return GenerationConflict("%s: generation conflict (HTTP 409): %s" % (call, exc))
    details = getattr(exc, "details", None)
    return AdapterError("Placement %s failed%s: %s" % (call, " (HTTP %s)" % status if status else "", details or exc))


class PlacementApi:
    """One connection; each method is one HTTP request unless it says otherwise."""

    def __init__(self, conn: Any):
        self.conn = conn
        try:
            # The first use of the proxy authenticates and discovers the endpoint's version.
            self.proxy = conn.placement
        except (_SdkError, _KsaError) as exc:
            raise AdapterError("cannot reach the Placement API (authentication or version discovery): %s; check "
                               "cloud/auth, endpoint_override and that the service answers" % exc) from None

    def providers(self, name: Optional[str] = None, uuid: Optional[str] = None,
                  member_of: Optional[str] = None) -> List[Dict[str, Any]]:
        """Resource providers as {uuid, name, generation}; filters go to the server."""
        query: Dict[str, Any] = {}
        if name:
            query["name"] = name
        if uuid:
            query["id"] = uuid
        if member_of:
            query["member_of"] = member_of
        try:
            return [dict(uuid=rp.id, name=rp.name, generation=rp.generation)
                    for rp in self.proxy.resource_providers(**query)]
        except (_SdkError, _KsaError) as exc:
            raise _error("GET /resource_providers", exc) from None

    def inventories(self, uuid: str) -> Tuple[int, Inventories]:
        """(provider generation, {class: fields}) in one GET."""
        call = "GET /resource_providers/%s/inventories" % uuid
        try:
            items = list(self.proxy.resource_provider_inventories(uuid))
            if not items:
                # An empty set carries no generation in the SDK's objects: read the provider.
                return self.proxy.get_resource_provider(uuid).generation, {}
        except (_SdkError, _KsaError) as exc:
            raise _error(call, exc) from None
        invs = {inv.resource_class: dict(total=inv.total, reserved=inv.reserved, min_unit=inv.min_unit,
                                         max_unit=inv.max_unit, step_size=inv.step_size,
                                         allocation_ratio=inv.allocation_ratio) for inv in items}
        return items[0].resource_provider_generation, invs

    def usages(self, uuid: str) -> Dict[str, int]:
        try:
            return dict(self.proxy.fetch_resource_provider_usages(uuid).usages or {})
        except (_SdkError, _KsaError) as exc:
            raise _error("GET /resource_providers/%s/usages" % uuid, exc) from None

    def ensure_resource_class(self, name: str) -> bool:
        """Create a custom resource class when missing (one GET, and a PUT if created); True when created."""
        try:
            self.proxy.get_resource_class(name)
            return False
        except sdk_exceptions.NotFoundException:
            pass
        except (_SdkError, _KsaError) as exc:
            raise _error("GET /resource_classes/%s" % name, exc) from None
        try:
            self.proxy.create_resource_class(name=name)
        except (_SdkError, _KsaError) as exc:
            raise _error("POST /resource_classes", exc) from None
        return True

    def set_inventories(self, uuid: str, generation: int, inventories: Inventories) -> int:
        """Replace the whole inventory set in one PUT; returns the new generation."""
        try:
            rp = self.proxy.set_resource_provider_inventories(uuid, inventories, resource_provider_generation=generation)
        except (_SdkError, _KsaError) as exc:
            raise _error("PUT /resource_providers/%s/inventories" % uuid, exc, conflict=True) from None
        return rp.generation
