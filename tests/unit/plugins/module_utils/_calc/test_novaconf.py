# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Table tests for the nova.conf scheduler-settings planner."""

from __future__ import annotations

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.novaconf import (
    ABSENT,
    RESTART,
    SECTIONS,
    parse_cpu_spec,
    plan_conf,
    read_settings,
)

CONF = """\
# nova.conf managed by hand
[DEFAULT]
debug = true
# Allocation ratios
#cpu_allocation_ratio = <None>
cpu_allocation_ratio = 16.0
ram_allocation_ratio=1.5
transport_url = rabbit://nova:secret@ctl:5672/

[compute]
; shared CPUs
cpu_shared_set = 0-3

[filter_scheduler]
enabled_filters = ComputeFilter, ImagePropertiesFilter
available_filters = nova.scheduler.filters.all_filters

[libvirt]
virt_type = kvm
"""

PLANS = [
    # (case, text, desired, expected changes {key: (before, after)}, lines that must appear)
    ("nothing to do", CONF, {"cpu_allocation_ratio": 16, "ram_allocation_ratio": "1.5", "cpu_shared_set": "0-3",
                             "enabled_filters": ["ComputeFilter", "ImagePropertiesFilter"]}, {}, []),
    ("unmanaged keys untouched", CONF, {"cpu_allocation_ratio": None}, {}, []),
    ("remove a ratio", CONF, {"cpu_allocation_ratio": ABSENT}, {"cpu_allocation_ratio": (16.0, ABSENT)},
     ["#cpu_allocation_ratio = <None>"]),
    ("replace in place", CONF, {"ram_allocation_ratio": 1.125}, {"ram_allocation_ratio": (1.5, 1.125)},
     ["ram_allocation_ratio = 1.125"]),
    ("add to an existing section", CONF, {"reserved_host_memory_mb": 1048576, "reserved_host_disk_mb": "2048"},
     {"reserved_host_memory_mb": (ABSENT, 1048576), "reserved_host_disk_mb": (ABSENT, 2048)},
     ["transport_url = rabbit://nova:secret@ctl:5672/\nreserved_host_disk_mb = 2048\nreserved_host_memory_mb = 1048576\n\n[compute]"]),
    ("add under the commented default", CONF.replace("cpu_allocation_ratio = 16.0\n", ""), {"cpu_allocation_ratio": 4},
     {"cpu_allocation_ratio": (ABSENT, 4.0)}, ["#cpu_allocation_ratio = <None>\ncpu_allocation_ratio = 4.0"]),
    ("add a missing section", "[DEFAULT]\ndebug = true\n", {"cpu_dedicated_set": "4-31,^16"},
     {"cpu_dedicated_set": (ABSENT, "4-31,^16")}, ["\n\n[compute]\ncpu_dedicated_set = 4-31,^16\n"]),
    ("empty file", "", {"initial_ram_allocation_ratio": 1}, {"initial_ram_allocation_ratio": (ABSENT, 1.0)},
     ["[DEFAULT]\ninitial_ram_allocation_ratio = 1.0\n"]),
    ("filters as a list", CONF, {"enabled_filters": "ComputeFilter,NUMATopologyFilter"},
     {"enabled_filters": (["ComputeFilter", "ImagePropertiesFilter"], ["ComputeFilter", "NUMATopologyFilter"])},
     ["enabled_filters = ComputeFilter,NUMATopologyFilter"]),
    ("multi-valued available_filters", CONF, {"available_filters": ["nova.scheduler.filters.all_filters", "my.Filter"]},
     {"available_filters": (["nova.scheduler.filters.all_filters"], ["nova.scheduler.filters.all_filters", "my.Filter"])},
     ["available_filters = nova.scheduler.filters.all_filters\navailable_filters = my.Filter\n"]),
    ("duplicates collapse to one line", "[DEFAULT]\ncpu_allocation_ratio = 2\ncpu_allocation_ratio = 3\n",
     {"cpu_allocation_ratio": 8}, {"cpu_allocation_ratio": (3.0, 8.0)}, ["[DEFAULT]\ncpu_allocation_ratio = 8.0\n"]),
    ("same key in another section is not ours", "[DEFAULT]\n[other]\ncpu_allocation_ratio = 2\n",
     {"cpu_allocation_ratio": 3}, {"cpu_allocation_ratio": (ABSENT, 3.0)}, ["[other]\ncpu_allocation_ratio = 2\n"]),
    # oslo.config reads section names in lower case, except DEFAULT.
    ("a section written in capitals is the same group", "[DEFAULT]\n[Filter_Scheduler]\nenabled_filters = ComputeFilter\n",
     {"enabled_filters": ["ComputeFilter", "NUMATopologyFilter"]},
     {"enabled_filters": (["ComputeFilter"], ["ComputeFilter", "NUMATopologyFilter"])},
     ["[Filter_Scheduler]\nenabled_filters = ComputeFilter,NUMATopologyFilter\n"]),
    ("a key added to a section written in capitals", "[COMPUTE]\ncpu_shared_set = 0-1\n", {"cpu_dedicated_set": "2-7"},
     {"cpu_dedicated_set": (ABSENT, "2-7")}, ["[COMPUTE]\ncpu_shared_set = 0-1\ncpu_dedicated_set = 2-7\n"]),
    ("[default] in lower case is not DEFAULT", "[default]\ncpu_allocation_ratio = 2\n", {"cpu_allocation_ratio": 3},
     {"cpu_allocation_ratio": (ABSENT, 3.0)}, ["[default]\ncpu_allocation_ratio = 2\n", "[DEFAULT]\ncpu_allocation_ratio = 3.0"]),
    ("move CPUs from reserved to sets", "[DEFAULT]\nreserved_host_cpus = 2\n",
     {"reserved_host_cpus": ABSENT, "cpu_shared_set": "0-1", "cpu_dedicated_set": "2-7"},
     {"reserved_host_cpus": (2, ABSENT), "cpu_shared_set": (ABSENT, "0-1"), "cpu_dedicated_set": (ABSENT, "2-7")}, []),
]


@pytest.mark.parametrize("case,text,desired,changes,lines", PLANS, ids=[p[0] for p in PLANS])
def test_plan(case, text, desired, changes, lines):
    plan = plan_conf(text, desired)
    assert {c.key: (c.before, c.after) for c in plan.changes} == changes, case
    for line in lines:
        assert line in plan.text, plan.text
    if not changes:
        assert plan.text == text and not plan.changed and plan.restart_services == []
    # Every line that is not a managed key survives, comments included, in order.
    kept = [line for line in text.splitlines() if line.split("=")[0].strip() not in changes]
    new = plan.text.splitlines()
    assert [line for line in new if line in kept] == kept
    # Applying the plan leaves nothing to do.
    again = plan_conf(plan.text, desired)
    assert again.changes == [] and again.text == plan.text
    settings = read_settings(plan.text)
    for key, (_before, after) in changes.items():
        assert settings[key] == after


def test_restart_services():
    plan = plan_conf(CONF, {"cpu_allocation_ratio": 2, "enabled_filters": ["ComputeFilter"]})
    assert plan.restart_services == ["nova-compute", "nova-scheduler"]
    assert set(RESTART) == set(SECTIONS)


@pytest.mark.parametrize("spec,cpus", [
    ("0-3,^2,8", {0, 1, 3, 8}),
    ("4-12,^8,15", {4, 5, 6, 7, 9, 10, 11, 12, 15}),
    ("0, 2 ,4", {0, 2, 4}),
    ("0-7,^2-3", {0, 1, 4, 5, 6, 7}),
    ("1,,2", {1, 2}),
])
def test_parse_cpu_spec(spec, cpus):
    assert parse_cpu_spec(spec) == cpus


@pytest.mark.parametrize("spec,message", [
    ("0-3,x", "'x' is not a CPU"),
    ("3-1", "range '3-1' runs backwards"),
    ("0-", "'0-' is not a CPU"),
    ("^", "'^' is not a CPU"),
    ("1.5", "'1.5' is not a CPU"),
    ("-1", "'-1' is not a CPU"),
    ("0-3,^0-3", "leaves no CPU"),
    ("", "leaves no CPU"),
])
def test_parse_cpu_spec_refuses(spec, message):
    with pytest.raises(PlanError) as err:
        parse_cpu_spec(spec)
    assert message in str(err.value)


ERRORS = [
    ("ratio zero", {"cpu_allocation_ratio": 0}, "cpu_allocation_ratio must be a number above 0, not 0 (0.0 means unset"),
    ("ratio negative", {"ram_allocation_ratio": -1.5}, "ram_allocation_ratio must be a number above 0"),
    ("ratio text", {"disk_allocation_ratio": "lots"}, "disk_allocation_ratio must be a number, not 'lots'"),
    ("ratio nan", {"initial_cpu_allocation_ratio": "nan"}, "must be a number above 0"),
    ("ratio bool", {"cpu_allocation_ratio": True}, "cpu_allocation_ratio must be a number"),
    ("reserved not whole", {"reserved_host_memory_mb": "1.5"}, "reserved_host_memory_mb must be a whole number"),
    ("reserved negative", {"reserved_host_disk_mb": -1}, "reserved_host_disk_mb must be a whole number 0 or above"),
    ("reserved cpus with a set in the file", {"reserved_host_cpus": 2},
     "reserved_host_cpus must not be set together with cpu_shared_set"),
    ("set with reserved cpus in the file", None, "reserved_host_cpus must not be set together with cpu_dedicated_set"),
    ("sets overlap", {"cpu_dedicated_set": "2-7"}, "cpu_shared_set and cpu_dedicated_set overlap on CPU(s) 2,3"),
    ("malformed set", {"cpu_dedicated_set": "4-x"}, "cpu_dedicated_set: '4-x' is not a CPU"),
    ("unknown key", {"vcpu_pin_set": "1"}, "vcpu_pin_set is not a scheduler setting this module manages"),
    ("CoreFilter", {"enabled_filters": ["ComputeFilter", "CoreFilter"]}, "CoreFilter was removed in Nova 20.0.0 Train"),
    ("RamFilter", {"enabled_filters": "RamFilter"}, "replaced by placement filters MEMORY_MB natively"),
    ("DiskFilter", {"enabled_filters": "DiskFilter"}, "DiskFilter was removed in Nova 20.0.0 Train"),
    ("AggregateCoreFilter", {"enabled_filters": ["AggregateCoreFilter"]}, "removed in Nova 22.0.0 Victoria"),
    ("AggregateRamFilter", {"enabled_filters": ["AggregateRamFilter"]}, "removed in Nova 22.0.0 Victoria"),
    ("AggregateDiskFilter", {"enabled_filters": ["AggregateDiskFilter"]}, "removed in Nova 22.0.0 Victoria"),
    ("RetryFilter", {"enabled_filters": ["RetryFilter"]}, "RetryFilter was removed in Nova 22.0.0 Victoria"),
    ("AvailabilityZoneFilter", {"enabled_filters": ["AvailabilityZoneFilter"]},
     "removed in Nova 28.0.0 (2023.2 Bobcat) and the scheduler will not start with it; remove it (replaced by the always-on "
     "map_az_to_placement_aggregate pre-filter)"),
]


@pytest.mark.parametrize("case,desired,message", ERRORS, ids=[e[0] for e in ERRORS])
def test_plan_refuses(case, desired, message):
    text = CONF
    if desired is None:
        text, desired = "[DEFAULT]\nreserved_host_cpus = 2\n", {"cpu_dedicated_set": "4-7"}
    with pytest.raises(PlanError) as err:
        plan_conf(text, desired)
    assert message in str(err.value), case


@pytest.mark.parametrize("value", [[], "", " , ", ["", " "]])
def test_empty_available_filters_is_refused(value):
    # No available_filters line means Nova's default (all filters), so an empty list cannot be written:
    # it was planned as a change on every run without any line ever written.
    with pytest.raises(PlanError) as err:
        plan_conf(CONF, {"available_filters": value})
    assert "available_filters: give at least one entry" in str(err.value)
    assert "absent" in str(err.value)


def test_available_filters_absent_removes_every_line():
    plan = plan_conf(CONF, {"available_filters": ABSENT})
    assert [(c.key, c.before, c.after) for c in plan.changes] == [
        ("available_filters", ["nova.scheduler.filters.all_filters"], ABSENT)]
    assert "available_filters" not in plan.text
    assert plan_conf(plan.text, {"available_filters": ABSENT}).changes == []


@pytest.mark.parametrize("value", ["\u00b2", "\u0663", "\uff11\uff12", "1\u00b2"])
def test_reserved_refuses_non_ascii_digits(value):
    with pytest.raises(PlanError) as err:
        plan_conf(CONF, {"reserved_host_memory_mb": value})
    assert "reserved_host_memory_mb must be a whole number 0 or above" in str(err.value)


def test_reserved_with_non_ascii_digits_in_the_file_is_read_as_text():
    assert read_settings("[DEFAULT]\nreserved_host_cpus = \u00b2\n")["reserved_host_cpus"] == "\u00b2"
    plan = plan_conf("[DEFAULT]\nreserved_host_cpus = \u00b2\n", {"reserved_host_cpus": 2})
    assert plan.text == "[DEFAULT]\nreserved_host_cpus = 2\n"


CRLF = CONF.replace("\n", "\r\n")


@pytest.mark.parametrize("desired", [
    {"cpu_allocation_ratio": 3},                          # replaced in place
    {"cpu_allocation_ratio": ABSENT},                     # removed
    {"reserved_host_memory_mb": 4096},                    # added at the end of a section
    {"available_filters": ["a.B", "c.D"]},                # several lines for one key
    {"cpu_dedicated_set": "8-15", "cpu_shared_set": ABSENT},
])
def test_crlf_file_keeps_crlf_on_every_line(desired):
    plan = plan_conf(CRLF, desired)
    assert plan.changed
    assert plan.text.count("\n") == plan.text.count("\r\n") > 0, repr(plan.text)
    assert plan_conf(plan.text, desired).changes == []


def test_crlf_missing_section_and_unterminated_last_line():
    plan = plan_conf("[DEFAULT]\r\ndebug = true", {"cpu_dedicated_set": "4-7"})
    assert plan.text == "[DEFAULT]\r\ndebug = true\r\n\r\n[compute]\r\ncpu_dedicated_set = 4-7\r\n"


def test_each_line_keeps_its_own_ending():
    text = "[DEFAULT]\r\ndebug = true\ncpu_allocation_ratio = 2.0\r\n# end\n"
    plan = plan_conf(text, {"cpu_allocation_ratio": 3})
    assert plan.text == "[DEFAULT]\r\ndebug = true\ncpu_allocation_ratio = 3.0\r\n# end\n"
