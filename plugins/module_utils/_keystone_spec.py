# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The argument spec matching the ``hypercloud.builder._keystone`` doc fragment."""

from __future__ import annotations

KEYSTONE_AUTH_SPEC = dict(
    auth=dict(type="dict", required=True, options=dict(
        auth_url=dict(type="str", required=True),
        password=dict(type="str", required=True, no_log=True),
        project_domain_name=dict(type="str", default="Default"),
        project_name=dict(type="str", required=True),
        user_domain_name=dict(type="str", default="Default"),
        username=dict(type="str", required=True),
    )),
)
