# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Placement planner: a resource class name is checked as a whole, a trailing line break included."""

from __future__ import annotations

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc import placement as calc


@pytest.mark.parametrize("rc", ["VCPU\n", "CUSTOM_FPGA\n", "VCPU\r\n", " VCPU"])
def test_a_class_name_with_a_line_break_is_refused(rc):
    with pytest.raises(PlanError, match="is not a resource class name"):
        calc.desired_from_dict({rc: {"total": 1}})


def test_a_class_name_is_still_accepted():
    assert calc.desired_from_dict({"CUSTOM_FPGA": {"total": 2}}) == {"CUSTOM_FPGA": {"total": 2}}


@pytest.mark.parametrize("selectors", [dict(aggregate=""), dict(provider=" \t"), dict(name_pattern="\n")])
def test_check_selectors_refuses_blank(selectors):
    with pytest.raises(PlanError, match="must not be empty"):
        calc.check_selectors(**selectors)


def test_check_selectors_accepts_given_and_missing():
    calc.check_selectors(provider=None, name_pattern="compute-*", aggregate=None)
