# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared connection options for the CloudStack modules (argument spec: _adapters.cloudstack.AUTH_SPEC)."""

from __future__ import annotations


class ModuleDocFragment:  # pylint: disable=too-few-public-methods
    """CloudStack API endpoint and key pair, with the environment variables ngine_io.cloudstack reads."""

    DOCUMENTATION = r"""
options:
  api_http_method:
    description:
      - HTTP method of the API calls. The request is signed the same way for both.
      - If not set, the E(CLOUDSTACK_METHOD) environment variable is used.
    type: str
    choices: [get, post]
    default: get
  api_key:
    description:
      - API key of the CloudStack user, an administrator (the settings and system VMs are admin-only).
      - If not set, the E(CLOUDSTACK_KEY) environment variable is used.
    type: str
    required: true
  api_secret:
    description:
      - Secret key of the CloudStack user. Requests are signed with it (HMAC-SHA1, signature version 3
        with an expiry); it is never sent.
      - If not set, the E(CLOUDSTACK_SECRET) environment variable is used.
    type: str
    required: true
  api_timeout:
    description:
      - Seconds to wait for one HTTP answer from the API.
      - If not set, the E(CLOUDSTACK_TIMEOUT) environment variable is used.
    type: int
    default: 10
  api_url:
    description:
      - URL of the CloudStack API, for example V(https://cloud.example.com/client/api).
      - If not set, the E(CLOUDSTACK_ENDPOINT) environment variable is used.
    type: str
    required: true
notes:
  - The API is called with the Python standard library only; no CloudStack client library is needed.
  - A wrong key or secret (HTTP 401, C(unable to verify user credentials and/or request signature)) and an
    unreachable URL fail with different messages.
"""
