# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tables for _calc.placement: capacity, validation, the per-provider plan and the usage guard."""

from __future__ import annotations

import struct

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc import placement as calc
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

VCPU = dict(total=32, reserved=0, min_unit=1, max_unit=32, step_size=1, allocation_ratio=4.0)
MEM = dict(total=65536, reserved=512, min_unit=1, max_unit=65536, step_size=1, allocation_ratio=1.0)


@pytest.mark.parametrize("inv,expected", [
    (VCPU, 128),
    (MEM, 65024),
    (dict(total=10, reserved=3, allocation_ratio=1.5), 10),   # int(7 x 1.5) = 10: placement truncates
    (dict(total=4096, reserved=1024, allocation_ratio=1.5), 4608),
    (dict(total=1000, allocation_ratio=0.9), 900),
    (dict(total=8, reserved=8, allocation_ratio=16.0), 0),
])
def test_capacity(inv, expected):
    assert calc.capacity(inv) == expected


@pytest.mark.parametrize("data,message", [
    ({}, "give at least one resource class"),
    ({"vcpu": {"allocation_ratio": 2}}, "is not a resource class name"),
    ({"VCPU": {}}, "give a dict of fields"),
    ({"VCPU": "4"}, "give a dict of fields"),
    ({"VCPU": {"ratio": 2}}, "unknown field(s) ratio"),
    ({"VCPU": {"allocation_ratio": 0}}, "allocation_ratio must be above 0"),
    ({"VCPU": {"allocation_ratio": -1.5}}, "allocation_ratio must be above 0"),
    ({"VCPU": {"allocation_ratio": "many"}}, "must be a number"),
    ({"VCPU": {"allocation_ratio": True}}, "must be a number"),
    ({"VCPU": {"reserved": -1}}, "reserved must be between 0"),
    ({"VCPU": {"reserved": 1.5}}, "must be a whole number"),
    ({"VCPU": {"step_size": 0}}, "step_size must be between 1"),
    ({"VCPU": {"total": 0}}, "total must be between 1"),
    ({"VCPU": {"max_unit": 2 ** 31}}, "max_unit must be between 1 and 2147483647"),
    ({"VCPU": {"allocation_ratio": None}}, "every field is null"),
    ({"VCPU": {"reserved": "inf"}}, "reserved must be a finite number, not 'inf'"),
    ({"VCPU": {"reserved": "nan"}}, "reserved must be a finite number, not 'nan'"),
    ({"VCPU": {"allocation_ratio": "inf"}}, "allocation_ratio must be a finite number, not 'inf'"),
    ({"VCPU": {"allocation_ratio": "nan"}}, "allocation_ratio must be a finite number, not 'nan'"),
    ({"VCPU": {"allocation_ratio": float("-inf")}}, "allocation_ratio must be a finite number"),
    ({"VCPU": {"min_unit": "Infinity"}}, "min_unit must be a finite number"),
    ({"VCPU": {"max_unit": "-inf"}}, "max_unit must be a finite number"),
    ({"VCPU": {"step_size": float("nan")}}, "step_size must be a finite number"),
    ({"VCPU": {"total": "1e400"}}, "total must be a finite number"),
])
def test_desired_refused(data, message):
    with pytest.raises(PlanError) as err:
        calc.desired_from_dict(data)
    assert message in str(err.value)


def test_desired_accepts_strings_from_templates():
    assert calc.desired_from_dict({"VCPU": {"allocation_ratio": "3.5", "reserved": "2"}, "CUSTOM_X1": {"total": 4}}) == {
        "VCPU": {"allocation_ratio": 3.5, "reserved": 2}, "CUSTOM_X1": {"total": 4}}


PROVIDERS = [dict(uuid="u-2", name="compute-02", generation=1), dict(uuid="u-1", name="compute-01", generation=4),
             dict(uuid="u-3", name="storage-01", generation=0)]


@pytest.mark.parametrize("kwargs,names", [
    ({}, ["compute-01", "compute-02", "storage-01"]),
    ({"provider": "compute-02"}, ["compute-02"]),
    ({"provider": "u-3"}, ["storage-01"]),
    ({"provider": "nope"}, []),
    ({"name_pattern": "compute-*"}, ["compute-01", "compute-02"]),
    ({"name_pattern": "*-0[2-9]"}, ["compute-02"]),
    ({"name_pattern": "COMPUTE-*"}, []),
])
def test_select(kwargs, names):
    assert [p["name"] for p in calc.select(PROVIDERS, **kwargs)] == names


def test_plan_changes_only_given_fields_and_keeps_every_class():
    plan = calc.plan_provider("u-1", "c1", 4, {"VCPU": VCPU, "MEMORY_MB": MEM}, {"VCPU": {"allocation_ratio": 3.0}})
    assert plan.changed
    assert plan.changes == {"VCPU": {"allocation_ratio": {"before": 4.0, "after": 3.0}}}
    assert plan.capacity == {"VCPU": {"before": 128, "after": 96}}
    assert plan.shrinking == ["VCPU"]
    assert plan.inventories["MEMORY_MB"] == MEM
    assert plan.inventories["VCPU"] == dict(VCPU, allocation_ratio=3.0)
    assert all(set(inv) == set(calc.FIELDS) for inv in plan.inventories.values())


def test_plan_fills_placement_defaults_so_nothing_is_reset():
    plan = calc.plan_provider("u-1", "c1", 0, {"DISK_GB": {"total": 100}}, {"DISK_GB": {"reserved": 10}})
    assert plan.inventories["DISK_GB"] == dict(total=100, reserved=10, min_unit=1, max_unit=calc.MAX_INT, step_size=1,
                                               allocation_ratio=1.0)


def test_plan_unchanged_is_empty_and_applying_leaves_nothing_to_do():
    desired = {"VCPU": {"allocation_ratio": 2.0, "reserved": 4}, "MEMORY_MB": {"allocation_ratio": 1.5}}
    first = calc.plan_provider("u", "c", 1, {"VCPU": VCPU, "MEMORY_MB": MEM}, desired)
    assert first.changed
    second = calc.plan_provider("u", "c", 2, first.inventories, desired)
    assert not second.changed and second.changes == {} and second.capacity == {}


def test_plan_float_noise_is_not_a_change():
    plan = calc.plan_provider("u", "c", 1, {"VCPU": dict(VCPU, allocation_ratio=1.1)}, {"VCPU": {"allocation_ratio": 1.1000000000001}})
    assert not plan.changed


# (stored ratio as placement gives it back, wanted ratio, a change?)
RATIO_READBACK = [
    (1.33333, 1.333333, False),  # MySQL's FLOAT shown with 6 significant digits
    (7.499899864196777, 7.4999, False),  # the single-precision value itself
    (0.6667, 0.6667, False),
    (1.0, 1.0001, True),  # 1 part in 10,000 is a real change
    (16.0, 15.9998, True),
    (0.0001, 0.0002, True),
]


@pytest.mark.parametrize("stored,wanted,changed", RATIO_READBACK)
def test_plan_compares_ratios_at_the_precision_placement_keeps(stored, wanted, changed):
    plan = calc.plan_provider("u", "c", 1, {"VCPU": dict(VCPU, allocation_ratio=stored)}, {"VCPU": {"allocation_ratio": wanted}})
    assert plan.changed is changed
    if changed:  # and a plan once applied leaves nothing to do, whatever the database keeps of it
        again = calc.plan_provider("u", "c", 2, {"VCPU": dict(VCPU, allocation_ratio=struct.unpack("f", struct.pack("f", wanted))[0])},
                                   {"VCPU": {"allocation_ratio": wanted}})
        assert not again.changed


def test_plan_creates_a_class_with_total():
    plan = calc.plan_provider("u", "c", 0, {}, {"CUSTOM_GPU": {"total": 4, "max_unit": 2}})
    assert plan.changes["CUSTOM_GPU"]["total"] == {"before": None, "after": 4}
    assert plan.capacity["CUSTOM_GPU"] == {"before": 0, "after": 4}
    assert plan.new_custom_classes == ["CUSTOM_GPU"]
    assert not plan.shrinking


def test_plan_growing_total_is_not_a_new_class():
    plan = calc.plan_provider("u", "c", 0, {"CUSTOM_GPU": {"total": 2}}, {"CUSTOM_GPU": {"total": 4}})
    assert plan.new_custom_classes == []


@pytest.mark.parametrize("current,desired,message", [
    ({}, {"VCPU": {"allocation_ratio": 2}}, "resource provider c has no VCPU inventory; give inventories.VCPU.total"),
    ({"VCPU": VCPU}, {"VCPU": {"reserved": 33}}, "reserved (33) is above total (32)"),
    ({"VCPU": VCPU}, {"VCPU": {"total": 16, "reserved": 20}}, "reserved (20) is above total (16)"),
    ({"VCPU": VCPU}, {"VCPU": {"min_unit": 64}}, "min_unit (64) is above max_unit (32)"),
])
def test_plan_refused(current, desired, message):
    with pytest.raises(PlanError) as err:
        calc.plan_provider("u", "c", 0, current, desired)
    assert message in str(err.value)


@pytest.mark.parametrize("used,force,refused,warnings", [
    (90, False, False, 0),    # new capacity 96 still holds the usage
    (96, False, False, 0),    # exactly full is allowed
    (100, False, True, 0),
    (100, True, False, 1),
])
def test_usage_guard(used, force, refused, warnings):
    plan = calc.plan_provider("u", "c1", 4, {"VCPU": VCPU}, {"VCPU": {"allocation_ratio": 3.0}})
    if refused:
        with pytest.raises(PlanError) as err:
            calc.check_usages(plan, {"VCPU": used}, force)
        assert "VCPU on c1: 100 in use, capacity would drop from 128 to 96" in str(err.value)
        assert "force: true" in str(err.value)
    else:
        assert len(calc.check_usages(plan, {"VCPU": used}, force)) == warnings


def test_usage_guard_ignores_growing_classes():
    plan = calc.plan_provider("u", "c1", 4, {"VCPU": VCPU}, {"VCPU": {"allocation_ratio": 8.0}})
    assert calc.check_usages(plan, {"VCPU": 500}, False) == []


def test_report_and_describe():
    plan = calc.plan_provider("u", "c1", 4, {"VCPU": VCPU}, {"VCPU": {"allocation_ratio": 3.0}})
    assert calc.report(plan, retries=2) == dict(uuid="u", name="c1", generation=4, changed=True, changes=plan.changes,
                                                capacity=plan.capacity, retries=2)
    described = calc.describe({"VCPU": VCPU}, {"VCPU": 7})
    assert described["VCPU"]["capacity"] == 128 and described["VCPU"]["used"] == 7
    assert "used" not in calc.describe({"VCPU": VCPU})["VCPU"]
