# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Keystone password authentication options shared by the Keystone and Swift modules."""

from __future__ import annotations


class ModuleDocFragment:  # pylint: disable=too-few-public-methods
    """Keystone v3 password authentication."""

    DOCUMENTATION = r"""
options:
  auth:
    description:
      - Keystone v3 password authentication, as in a C(clouds.yaml) C(auth) section.
    type: dict
    required: true
    suboptions:
      auth_url:
        description: The Keystone URL, for example C(http://127.0.0.1:5000/v3).
        type: str
        required: true
      password:
        description: The user's password.
        type: str
        required: true
      project_domain_name:
        description: The domain of O(auth.project_name).
        type: str
        default: Default
      project_name:
        description: The project to scope the token to.
        type: str
        required: true
      user_domain_name:
        description: The domain of O(auth.username).
        type: str
        default: Default
      username:
        description: The user name.
        type: str
        required: true
requirements:
  - openstacksdk (0.101 from Debian 12 and 4.x from PyPI both work).
"""
