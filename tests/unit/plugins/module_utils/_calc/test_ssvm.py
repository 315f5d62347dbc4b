# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Table tests for the SSVM scaling calculator."""

from __future__ import annotations

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc import ssvm
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

RULE = [
    # (running, session_max, active, standby, scales out) - domain reference 3.2 step 4
    (1, 50, 40, 10, False),   # 50 - 40 = 10, not < 10
    (1, 50, 41, 10, True),    # defaults: the second SSVM comes above 40 commands
    (2, 50, 90, 10, False),
    (2, 50, 91, 10, True),    # and the third above 90
    (3, 50, 120, 10, False),
    (1, 50, 0, 0, False),
    (1, 50, 51, 0, True),
    (4, 10, 0, 50, True),     # standby above total capacity: always one more
]


@pytest.mark.parametrize("running,session_max,active,standby,expected", RULE)
def test_rule(running, session_max, active, standby, expected):
    assert ssvm.scales_out(running, session_max, active, standby) is expected


COUNTS = [
    # (active, session_max, standby, ssvms)
    (120, 50, 10, 3),
    (0, 50, 10, 1),
    (40, 50, 10, 1),
    (41, 50, 10, 2),
    (90, 50, 10, 2),
    (91, 50, 10, 3),
    (0, 50, 0, 1),
    (120, 50, 50, 4),
    (1000, 100, 0, 10),
]


@pytest.mark.parametrize("active,session_max,standby,count", COUNTS)
def test_count_is_where_the_rule_stops(active, session_max, standby, count):
    assert ssvm.ssvm_count(active, session_max, standby) == count
    # the property: at that count the rule is quiet, with one fewer (but at least one) it is not
    assert not ssvm.scales_out(count, session_max, active, standby)
    if count > 1:
        assert ssvm.scales_out(count - 1, session_max, active, standby)


EXPLAIN = [
    ((120, 50, 10), "with 120 concurrent commands, session.max 50 and standby 10 you will run 3 SSVMs"),
    ((10, 50, 10), "with 10 concurrent commands, session.max 50 and standby 10 you will run 1 SSVM"),
    ((120, 50, 50), "with 120 concurrent commands, session.max 50 and standby 50 you will run 4 SSVMs"),
]


@pytest.mark.parametrize("args,sentence", EXPLAIN)
def test_explanation(args, sentence):
    assert ssvm.explain(*args) == sentence


def test_thresholds_with_defaults():
    assert ssvm.thresholds(50, 10) == ("with session.max 50 and standby 10: SSVM 2 starts above 40 active commands, "
                                       "SSVM 3 starts above 90 active commands")


TARGETS = [
    # (peak, headroom, session_max) -> (standby, ssvms)
    ((120, 1, 50), (50, 4)),
    ((120, 0, 50), (0, 3)),
    ((0, 1, 50), (50, 1)),
    ((300, 2, 100), (200, 5)),
    ((49, 0, 50), (0, 1)),
]


@pytest.mark.parametrize("args,expected", TARGETS)
def test_size_from_targets(args, expected):
    sizing = ssvm.size_from_targets(*args)
    assert (sizing.capacity_standby, sizing.ssvms) == expected
    assert sizing.session_max == args[2]
    assert sizing.explanation.endswith("you will run %s" % ("1 SSVM" if expected[1] == 1 else "%d SSVMs" % expected[1]))
    assert not ssvm.scales_out(sizing.ssvms, sizing.session_max, args[0], sizing.capacity_standby)


def test_desired_settings_names_and_values():
    desired = ssvm.desired_settings({"mtu": 9000, "auto_scale_down": True, "session_max": None},
                                    ssvm.size_from_targets(120, 1))
    assert desired == {
        "secstorage.capacity.standby": "50",
        "secstorage.session.max": "50",
        "secstorage.vm.auto.scale.down": "true",
        "secstorage.vm.mtu.size": "9000",
    }


RANGE_ERRORS = [
    ({"mtu": 9001}, "mtu (secstorage.vm.mtu.size) is 9001 bytes, out of the range 68 to 9000"),
    ({"mtu": 67}, "out of the range 68 to 9000"),
    ({"session_max": 0}, "session_max (secstorage.session.max) is 0 sessions, out of the range 1 to 10000"),
    ({"capacity_standby": -1}, "out of the range 0 to 10000"),
    ({"capacityscan_interval": 10}, "out of the range 1000 to 3600000"),
    ({"max_ssvm_count": 0}, "max.ssvm.count"),
    ({"auto_scale_down": "yes"}, "must be true or false"),
    ({"mtu": "9000"}, "must be an integer"),
    ({"frobnicate": 1}, "unknown SSVM setting frobnicate"),
]


@pytest.mark.parametrize("settings,message", RANGE_ERRORS)
def test_range_errors(settings, message):
    with pytest.raises(PlanError, match=message.replace("(", r"\(").replace(")", r"\)")):
        ssvm.desired_settings(settings)


@pytest.mark.parametrize("args,message", [
    ((-1, 1, 50), "peak_commands cannot be negative"),
    ((10, -1, 50), "headroom_ssvms cannot be negative"),
    ((10, 1, 0), "out of the range 1 to 10000"),
    ((10, 300, 50), "capacity_standby"),
])
def test_target_errors(args, message):
    with pytest.raises(PlanError, match=message):
        ssvm.size_from_targets(*args)


def test_targets_and_direct_standby_clash():
    with pytest.raises(PlanError, match="leave session_max out of settings"):
        ssvm.desired_settings({"session_max": 60}, ssvm.size_from_targets(10, 1))


def _current(**values):
    dynamic = {"secstorage.vm.auto.scale.down"}
    return {name: ssvm.Setting(name, value, name in dynamic) for name, value in values.items()}


CURRENT = _current(**{"secstorage.capacity.standby": "10", "secstorage.session.max": "50",
                      "secstorage.vm.auto.scale.down": "false", "secstorage.service.offering": None})


PLANS = [
    ("nothing to do", {"secstorage.capacity.standby": "10"}, []),
    ("one static change", {"secstorage.capacity.standby": "50"}, [("secstorage.capacity.standby", "10", "50", False)]),
    ("dynamic change", {"secstorage.vm.auto.scale.down": "true"}, [("secstorage.vm.auto.scale.down", "false", "true", True)]),
    ("null value set", {"secstorage.service.offering": "abc"}, [("secstorage.service.offering", None, "abc", False)]),
    ("sorted by name", {"secstorage.session.max": "60", "secstorage.capacity.standby": "60"},
     [("secstorage.capacity.standby", "10", "60", False), ("secstorage.session.max", "50", "60", False)]),
]


@pytest.mark.parametrize("case,desired,expected", PLANS, ids=[p[0] for p in PLANS])
def test_plan_settings_and_nothing_left(case, desired, expected):
    changes = ssvm.plan_settings(CURRENT, desired)
    assert [(c.name, c.before, c.after, c.dynamic) for c in changes] == expected, case
    assert ssvm.plan_settings(ssvm.apply_changes(CURRENT, changes), desired) == []
    assert ssvm.restart_settings(changes) == [c[0] for c in expected if not c[3]]


def test_plan_settings_unknown_and_zone_scope():
    with pytest.raises(PlanError, match="does not exist"):
        ssvm.plan_settings({"x.y": None}, {"x.y": "1"})
    with pytest.raises(PlanError, match="cannot be set per zone"):
        ssvm.plan_settings({"secstorage.session.max": None}, {"secstorage.session.max": "1"}, scope="zone")


def test_exact_name_among_substring_matches():
    rows = [{"name": "consoleproxy.capacity.standby", "value": "5"}, {"name": "secstorage.capacity.standby", "value": "10"}]
    assert ssvm.exact(rows, "secstorage.capacity.standby")["value"] == "10"
    assert ssvm.exact(rows, "capacity.standby") is None


def test_needs_recreate_and_resolve_offering():
    changes = ssvm.plan_settings(_current(**{"secstorage.service.offering": "", "secstorage.vm.mtu.size": "1500",
                                             "secstorage.session.max": "50"}),
                                 {"secstorage.service.offering": "(new offering x)", "secstorage.vm.mtu.size": "9000",
                                  "secstorage.session.max": "60"})
    assert ssvm.needs_recreate(changes) == ["secstorage.service.offering", "secstorage.vm.mtu.size"]
    assert ssvm.resolve_offering(changes, "uuid-1")[0].after == "uuid-1"


OFFERINGS = [
    {"id": "o1", "name": "System Offering For Secondary Storage VM", "systemvmtype": "secondarystoragevm", "cpunumber": 1, "cpuspeed": 500, "memory": 512},
    {"id": "o2", "name": "ssvm-large", "systemvmtype": "secondarystoragevm", "cpunumber": 2, "cpuspeed": 2000, "memory": 4096},
    {"id": "o3", "name": "cpvm", "systemvmtype": "consoleproxy", "cpunumber": 1, "cpuspeed": 500, "memory": 1024},
]


def test_offering_reuse_and_create():
    assert ssvm.plan_offering(OFFERINGS, "ssvm-large")[0]["id"] == "o2"
    assert ssvm.plan_offering(OFFERINGS, "o2", 2, 2000, 4096) == (OFFERINGS[1], None)
    found, create = ssvm.plan_offering(OFFERINGS, "ssvm-xl", 4, 2000, 8192)
    assert found is None
    assert create == {"name": "ssvm-xl", "displaytext": "SSVM offering ssvm-xl", "issystem": "true",
                      "systemvmtype": "secondarystoragevm", "cpunumber": "4", "cpuspeed": "2000", "memory": "8192"}


@pytest.mark.parametrize("args,message", [
    (("nope",), "unknown SSVM service offering nope: to create it give cpu_number, cpu_speed, memory"),
    (("ssvm-large", 4, 2000, 4096), "exists with cpunumber 2 \\(not 4\\); offerings cannot be resized"),
    (("cpvm",), "is for system VM type consoleproxy"),
    (("tiny", 1, 500, 128), "memory 128 is below 256"),
    (("", 1, 500, 512), "the name must be a non-empty string"),
    (("  ", 1, 500, 512), "the name must be a non-empty string"),
])
def test_offering_errors(args, message):
    with pytest.raises(PlanError, match=message):
        ssvm.plan_offering(OFFERINGS, *args)


def test_find_one():
    zones = [{"id": "z1", "name": "a"}, {"id": "z2", "name": "b"}, {"id": "z3", "name": "b"}]
    assert ssvm.find_one(zones, "z2", "zone")["name"] == "b"
    assert ssvm.find_one(zones, "a", "zone")["id"] == "z1"
    with pytest.raises(PlanError, match="unknown zone c \\(known: a, b, b\\)"):
        ssvm.find_one(zones, "c", "zone")
    with pytest.raises(PlanError, match="2 zones are named b: give the id"):
        ssvm.find_one(zones, "b", "zone")


def test_replacement_and_rollable():
    vms = [{"id": "1", "name": "s-1-VM", "state": "Running", "agentstate": "Up"},
           {"id": "3", "name": "s-3-VM", "state": "Starting"}]
    assert ssvm.replacement(["1", "2"], vms) is None
    vms[1].update(state="Running", agentstate="Up")
    assert ssvm.replacement(["1", "2"], vms)["name"] == "s-3-VM"
    ssvm.check_rollable(vms, "zone-a")
    with pytest.raises(PlanError, match="s-9-VM in zone zone-a is Starting with agent not connected"):
        ssvm.check_rollable([{"name": "s-9-VM", "state": "Starting"}], "zone-a")
    with pytest.raises(PlanError, match="no SSVM"):
        ssvm.check_rollable([], "zone-a")


BITNESS = [
    # (template, server version, expected fragments)
    ("systemvm-kvm-4.20.1-x86_64", "4.20.1.0", []),
    ("systemvm-kvm-4.20.0-aarch64", "4.20.1.0", []),
    ("systemvm-kvm-4.18.0", "4.20.1.0", ["is for 4.18, older than CloudStack 4.20.1.0"]),
    ("systemvmtemplate-4.5-kvm", "4.5.2", []),
    ("systemvm64template-4.5-kvm", "4.5.2", []),
    ("systemvmtemplate-4.5-kvm", "4.6.0", ["is 32-bit", "is for 4.5, older than CloudStack 4.6.0"]),
    ("systemvm64template-4.6.0-kvm", "4.6.0", []),
    ("systemvm64template-4.6.0-kvm", "4.11.3.0", ["is for 4.6, older"]),
    ("custom-template", "4.20.1.0", []),
    (None, "4.20.1.0", []),
]


@pytest.mark.parametrize("template,version,fragments", BITNESS)
def test_template_bitness(template, version, fragments):
    warnings = ssvm.template_warnings(template, version)
    assert len(warnings) == len(fragments)
    for warning, fragment in zip(warnings, fragments):
        assert fragment in warning


def test_scale_out_warning():
    assert ssvm.scale_out_warnings(ssvm.Setting("system.vm.auto.reserve.capacity", "true", True)) == []
    assert ssvm.scale_out_warnings(None) == []
    assert "does not add SSVMs automatically" in ssvm.scale_out_warnings(
        ssvm.Setting("system.vm.auto.reserve.capacity", "false", True))[0]
