# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures shared by the module tests."""

from __future__ import annotations

import pytest
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import openstack_sdk


@pytest.fixture
def sdk_connect(monkeypatch):
    """``sdk_connect(connect)`` makes the modules open connections with ``connect`` (auth -> connection),
    as if openstacksdk were installed; the fakes stand behind the connection's proxies."""
    def install(connect):
        monkeypatch.setattr(openstack_sdk, "connect", connect)
        monkeypatch.setattr(openstack_sdk, "SDK_ERROR", None)
    return install
