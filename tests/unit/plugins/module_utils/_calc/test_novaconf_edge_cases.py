# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""nova.conf planner: values that would write a broken or never-settling file."""

from __future__ import annotations

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.novaconf import plan_conf, read_settings

CONF = "[DEFAULT]\ndebug = true\n\n[filter_scheduler]\nenabled_filters = ComputeFilter\n"


@pytest.mark.parametrize("value", [["ComputeFilter,ImagePropertiesFilter"], ["ComputeFilter, ImagePropertiesFilter", " "]])
def test_enabled_filters_list_item_with_commas_settles(value):
    plan = plan_conf(CONF, {"enabled_filters": value})
    assert plan.changes[0].after == ["ComputeFilter", "ImagePropertiesFilter"]
    assert read_settings(plan.text)["enabled_filters"] == ["ComputeFilter", "ImagePropertiesFilter"]
    assert plan_conf(plan.text, {"enabled_filters": value}).changed is False


def test_removed_filter_hidden_in_a_list_item_is_refused():
    with pytest.raises(PlanError, match="CoreFilter was removed"):
        plan_conf(CONF, {"enabled_filters": ["ComputeFilter,CoreFilter"]})


@pytest.mark.parametrize("key,value", [
    ("enabled_filters", "ComputeFilter\nCoreFilter"),
    ("enabled_filters", ["ComputeFilter", "Image\rPropertiesFilter"]),
    ("available_filters", ["nova.scheduler.filters.all_filters\r\nx = y"]),
    ("cpu_dedicated_set", "4-\n7"),
    ("cpu_shared_set", "0,\n1"),
])
def test_line_break_inside_a_value_is_refused(key, value):
    with pytest.raises(PlanError, match="line break"):
        plan_conf(CONF, {key: value})


PINNED = "[DEFAULT]\ndebug = true\n\n[compute]\ncpu_shared_set = 0-3\ncpu_dedicated_set = 4-31\n"


@pytest.mark.parametrize("text,desired", [
    (PINNED, {"reserved_host_cpus": 0}),
    (PINNED, {"reserved_host_cpus": "0", "cpu_allocation_ratio": 0.75, "ram_allocation_ratio": 0.75,
              "reserved_host_memory_mb": 0}),  # capacity_plan's settings with method ratio
    (PINNED.replace("debug = true", "reserved_host_cpus = 0"), {"cpu_shared_set": "0-1"}),
])
def test_reserved_host_cpus_zero_goes_with_cpu_sets(text, desired):
    """Nova refuses reserved_host_cpus alongside the CPU sets only when it is not 0 (``if CONF.reserved_host_cpus``)."""
    plan = plan_conf(text, desired)
    assert read_settings(plan.text)["reserved_host_cpus"] == 0
    assert plan_conf(plan.text, desired).changed is False


@pytest.mark.parametrize("text,desired", [
    (PINNED, {"reserved_host_cpus": 1}),
    (PINNED.replace("debug = true", "reserved_host_cpus = 2"), {"cpu_shared_set": "0-1"}),
])
def test_reserved_host_cpus_above_zero_with_cpu_sets_is_still_refused(text, desired):
    with pytest.raises(PlanError, match="reserved_host_cpus must not be set"):
        plan_conf(text, desired)
