# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every unit test starts with no warning or deprecation left over from the one before.

AnsibleModule.warn() collects into process-wide lists that exit_json/fail_json read; a module run in
one test would otherwise add its warnings to the next test's result, so a result's keys would depend
on which test ran first.
"""

from __future__ import annotations

import pytest
from ansible.module_utils.common import warnings


@pytest.fixture(autouse=True)
def no_leftover_warnings():
    for name in ("_global_warnings", "_global_deprecations"):
        getattr(warnings, name).clear()
    yield
