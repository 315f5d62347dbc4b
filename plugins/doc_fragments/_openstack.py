# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared connection options for the OpenStack modules (argument spec: _adapters.os_connection.OPENSTACK_SPEC)."""

from __future__ import annotations


class ModuleDocFragment:  # pylint: disable=too-few-public-methods
    """openstacksdk connection: a clouds.yaml entry, or auth given inline, as openstack.cloud takes them."""

    DOCUMENTATION = r"""
options:
  auth:
    description:
      - Authentication for openstacksdk, as in C(clouds.yaml), for example C(auth_url), C(username),
        C(password), C(project_name), C(user_domain_name), C(project_domain_name); or C(token) and
        C(endpoint) with O(auth_type=admin_token).
      - Overrides the same keys of the O(cloud) entry. Never logged.
    type: dict
  auth_type:
    description:
      - The keystoneauth plugin, for example V(password), V(v3applicationcredential), V(token),
        V(admin_token) (a token and an endpoint, no Keystone, as a Placement with C(noauth2) takes it), or
        V(none) (a service without Keystone, such as a Glance with an empty paste flavor).
    type: str
  cloud:
    description:
      - Name of a cloud in C(clouds.yaml), or the E(OS_CLOUD) environment variable when not set.
      - With neither O(cloud) nor O(auth), openstacksdk reads the E(OS_*) environment variables.
    type: str
  endpoint_override:
    description:
      - The API URL of the module's service to use instead of the catalog's, for example
        V(http://127.0.0.1:8778) for Placement or V(http://127.0.0.1:9292) (the root URL) for Glance.
    type: str
  interface:
    description: The endpoint interface to pick from the service catalog.
    type: str
    choices: [admin, internal, public]
    default: public
    aliases: [endpoint_type]
  region_name:
    description: The region whose endpoint is used.
    type: str
  validate_certs:
    description: Check the API's TLS certificate. Set V(false) only for a test cloud.
    type: bool
    default: true
    aliases: [verify]
requirements:
  - openstacksdk (tested with 4.22.0)
"""
