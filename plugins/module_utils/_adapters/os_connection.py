# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The shared OpenStack connection: the options of doc fragment hypercloud.builder._openstack and
an openstacksdk Connection made from them, with the endpoint override aimed at one service."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from ansible.module_utils.basic import env_fallback
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError

try:
    import openstack
except ImportError as err:  # pragma: no cover - reported by the module through missing_required_lib
    openstack = None
    SDK_IMPORT_ERROR: Optional[BaseException] = err
else:
    SDK_IMPORT_ERROR = None

# Modules that talk to an OpenStack API use this as their shared_spec.
OPENSTACK_SPEC: Dict[str, Any] = dict(
    auth=dict(type="dict", no_log=True),
    auth_type=dict(type="str"),
    cloud=dict(type="str", fallback=(env_fallback, ["OS_CLOUD"])),
    endpoint_override=dict(type="str"),
    interface=dict(type="str", default="public", choices=["admin", "internal", "public"], aliases=["endpoint_type"]),
    region_name=dict(type="str"),
    validate_certs=dict(type="bool", default=True, aliases=["verify"]),
)


def connect(params: Mapping[str, Any], service_type: str, app_name: str = "hypercloud.builder") -> Any:
    """An openstacksdk Connection from the shared options; ``endpoint_override`` applies to ``service_type``."""
    kwargs: Dict[str, Any] = dict(interface=params.get("interface") or "public", verify=params.get("validate_certs", True),
                                  app_name=app_name)
    for key in ("cloud", "auth", "auth_type", "region_name"):
        if params.get(key):
            kwargs[key] = params[key]
    if params.get("endpoint_override"):
        kwargs["%s_endpoint_override" % service_type] = params["endpoint_override"]
    try:
        return openstack.connect(**kwargs)
    except Exception as exc:  # openstacksdk raises several config error types
        raise AdapterError("openstacksdk could not set up the connection: %s" % exc) from None
