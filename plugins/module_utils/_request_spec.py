# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The argument spec matching the ``hypercloud.builder._provision_request`` doc fragment."""

from __future__ import annotations

from typing import Any, Dict


def request_spec(required: bool) -> Dict[str, Any]:
    """The ``request`` option: one of memory_gb or memory_mb, vcpus always."""
    return dict(
        type="dict",
        required=required,
        options=dict(
            disk_gb=dict(type="int", default=0),
            flavor=dict(type="str"),
            image=dict(type="str"),
            memory_gb=dict(type="float"),
            memory_mb=dict(type="int"),
            project=dict(type="str"),
            vcpus=dict(type="int", required=True),
        ),
        mutually_exclusive=[("memory_gb", "memory_mb")],
        required_one_of=[("memory_gb", "memory_mb")],
    )
