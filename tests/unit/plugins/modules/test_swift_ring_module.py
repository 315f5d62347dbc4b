# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""swift_ring driven through main() against the real swift-ring-builder, on builders in tmp_path."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.modules import swift_ring

BUILDER_BIN = "/usr/bin/swift-ring-builder"
PYTHON = "/usr/bin/python3"


def _swift_available():
    if not os.access(BUILDER_BIN, os.X_OK) or not os.access(PYTHON, os.X_OK):
        return False
    return subprocess.run([PYTHON, "-c", "import swift.common.ring"], capture_output=True, check=False).returncode == 0


pytestmark = pytest.mark.skipif(not _swift_available(), reason="needs swift-ring-builder and a Python with swift")


def run(args, capsys, check=False):
    args = dict(args, _ansible_check_mode=check)
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        swift_ring.main()
    return exc.value.code, json.loads(capsys.readouterr().out)


def ring_args(swift_dir, devices, mph=0, builder_bin=BUILDER_BIN):
    return {"swift_dir": str(swift_dir), "ring": "object", "part_power": 6, "replicas": 1, "min_part_hours": mph,
            "port": 6200, "devices": devices, "python": PYTHON, "builder_bin": builder_bin}


def snapshot(swift_dir):
    """Bytes of the builder and the ring, which a check run or a failed run must leave alone."""
    return {name: (swift_dir / name).read_bytes() for name in ("object.builder", "object.ring.gz")
            if (swift_dir / name).exists()}


def devices(swift_dir):
    """(device, region, zone) of every device in the builder, read with Swift's RingBuilder."""
    code = ("import json, sys; from swift.common.ring import RingBuilder\n"
            "print(json.dumps(sorted([d['device'], d['region'], d['zone']]"
            " for d in RingBuilder.load(sys.argv[1]).devs if d)))")
    out = subprocess.run([PYTHON, "-c", code, str(swift_dir / "object.builder")], capture_output=True, text=True,
                         check=True).stdout
    return [tuple(d) for d in json.loads(out)]


def converged(args, capsys):
    for check in (True, False):
        rc, again = run(args, capsys, check=check)
        assert rc == 0 and not again["changed"] and again["commands"] == [], again


def test_zone_and_region_change_in_place_check_mode_predicts_it_and_it_converges(tmp_path, capsys):
    rc, first = run(ring_args(tmp_path, [{"device": "d1"}, {"device": "d2"}]), capsys)
    assert rc == 0 and first["changed"] and first["rebalanced"]
    moved = ring_args(tmp_path, [{"device": "d1"}, {"device": "d2", "zone": 2, "region": 2}])
    before = snapshot(tmp_path)
    rc, check = run(moved, capsys, check=True)
    assert rc == 0 and check["changed"]
    assert check["commands"] == [["set_region", "d1", "2"], ["set_zone", "d1", "2"], ["rebalance", "--force"]]
    assert snapshot(tmp_path) == before
    rc, real = run(moved, capsys)
    assert rc == 0 and real["changed"] and real["commands"] == check["commands"]
    assert devices(tmp_path) == [("d1", 1, 1), ("d2", 2, 2)]
    converged(moved, capsys)


def test_a_removal_waiting_for_min_part_hours_is_reported_once_then_pending(tmp_path, capsys):
    rc, first = run(ring_args(tmp_path, [{"device": "d1"}, {"device": "d2"}], mph=1), capsys)
    assert rc == 0 and first["changed"]
    smaller = ring_args(tmp_path, [{"device": "d1"}], mph=1)
    rc, removed = run(smaller, capsys)
    assert rc == 0 and removed["changed"] and removed["commands"] == [["remove", "d1"]]
    assert removed["wait_seconds"] > 0 and removed["pending_removal"] == ["r1z1-127.0.0.1:6200/d2"]
    for check in (True, False):
        rc, again = run(smaller, capsys, check=check)
        assert rc == 0 and not again["changed"] and again["commands"] == []
        assert again["wait_seconds"] > 0 and again["pending_removal"] == ["r1z1-127.0.0.1:6200/d2"]


def test_a_device_listed_again_while_its_removal_waits_is_re_added_after_the_rebalance(tmp_path, capsys):
    both = ring_args(tmp_path, [{"device": "d1"}, {"device": "d2"}])
    run(both, capsys)
    # min_part_hours 0 still keeps the removed d2 until a rebalance; set it up by hand.
    subprocess.run([BUILDER_BIN, str(tmp_path / "object.builder"), "remove", "d1"], capture_output=True, check=True)
    rc, check = run(both, capsys, check=True)
    assert rc == 0 and check["commands"] == [["rebalance", "--force"], ["add", "r1z1-127.0.0.1:6200/d2", "100"],
                                             ["rebalance", "--force"]]
    rc, real = run(both, capsys)
    assert rc == 0 and real["changed"] and real["commands"] == check["commands"] and real["pending_removal"] == []
    converged(both, capsys)


def test_a_removal_rebalanced_on_a_later_run_says_so_in_changes(tmp_path, capsys):
    one = ring_args(tmp_path, [{"device": "d1"}])
    run(ring_args(tmp_path, [{"device": "d1"}, {"device": "d2"}]), capsys)
    # the removal recorded by an earlier run that waited for min_part_hours; set it up by hand.
    subprocess.run([BUILDER_BIN, str(tmp_path / "object.builder"), "remove", "d1"], capture_output=True, check=True)
    rc, check = run(one, capsys, check=True)
    assert rc == 0 and check["changed"] and check["commands"] == [["rebalance", "--force"]]
    assert check["changes"] == ["rebalance the device changes already in the builder"
                                " (dropping r1z1-127.0.0.1:6200/d2)"]
    rc, real = run(one, capsys)
    assert rc == 0 and real["changed"] and real["changes"] == check["changes"] and real["pending_removal"] == []
    converged(one, capsys)


@pytest.mark.parametrize("check", [True, False])
def test_a_failing_command_leaves_builder_and_ring_untouched_in_both_modes(tmp_path, capsys, check):
    run(ring_args(tmp_path, [{"device": "d1"}]), capsys)
    failing = tmp_path / "failing-builder"
    failing.write_text('#!/bin/sh\ncase "$2" in rebalance) echo "simulated failure"; exit 2;; esac\n'
                       'exec %s "$@"\n' % BUILDER_BIN)
    failing.chmod(0o755)
    before = snapshot(tmp_path)
    args = ring_args(tmp_path, [{"device": "d1"}, {"device": "d2", "zone": 2}], builder_bin=str(failing))
    rc, out = run(args, capsys, check=check)
    assert rc == 1 and out["failed"]
    assert "rebalance --force failed (rc=2)" in out["msg"] and "left unchanged" in out["msg"]
    assert snapshot(tmp_path) == before
    assert sorted(os.listdir(tmp_path)) == ["backups", "failing-builder", "object.builder", "object.ring.gz"]


def test_a_new_ring_is_created_and_the_previous_builder_is_kept_in_backups(tmp_path, capsys):
    rc, first = run(ring_args(tmp_path, [{"device": "d1"}]), capsys)
    assert rc == 0 and first["changed"] and (tmp_path / "object.ring.gz").exists()
    old = (tmp_path / "object.builder").read_bytes()
    rc, second = run(ring_args(tmp_path, [{"device": "d1", "weight": 50}]), capsys)
    assert rc == 0 and second["changed"]
    kept = [name for name in os.listdir(tmp_path / "backups") if name.endswith(".object.builder.previous")]
    assert len(kept) == 1 and (tmp_path / "backups" / kept[0]).read_bytes() == old
    converged(ring_args(tmp_path, [{"device": "d1", "weight": 50}]), capsys)


@pytest.mark.parametrize("ip", ["FE80::1", "0:0:0:0:0:0:0:1", "[::1]"])
def test_an_ipv6_address_written_another_way_converges(tmp_path, capsys, ip):
    """swift-ring-builder stores an IPv6 address lower case and compressed; the second run must not re-add it."""
    args = ring_args(tmp_path, [{"device": "d1", "ip": ip}])
    rc, first = run(args, capsys)
    assert rc == 0 and first["changed"], first
    converged(args, capsys)


def test_a_zone_0_device_is_added_in_zone_0(tmp_path, capsys):
    args = ring_args(tmp_path, [{"device": "d1", "zone": 0}])
    rc, first = run(args, capsys)
    assert rc == 0 and first["changed"] and first["commands"][1] == ["add", "r1z0-127.0.0.1:6200/d1", "100"]
    assert devices(tmp_path) == [("d1", 1, 0)]
    converged(args, capsys)


@pytest.mark.parametrize("extra, device, message", [
    ({}, {"device": "sdb_1"}, "reads what follows '_' as metadata"),
    ({"replicas": "nan"}, {"device": "d1"}, "replicas must be at least 1, not nan"),
    ({}, {"device": "d1", "weight": "inf"}, "weights must be positive"),
    ({}, {"device": "d1", "zone": -1}, "must be 0 or more"),
    ({}, {"device": "d1", "port": 0}, "outside 1..65535"),
])
def test_bad_devices_are_refused_cleanly_before_anything_is_written(tmp_path, capsys, extra, device, message):
    rc, out = run(dict(ring_args(tmp_path, [device]), **extra), capsys)
    assert rc == 1 and message in out["msg"] and "Traceback" not in out["msg"], out
    assert os.listdir(tmp_path) == []


def test_an_unreadable_builder_fails_with_the_error_not_a_traceback(tmp_path, capsys):
    (tmp_path / "object.builder").write_text("garbage\n")
    rc, out = run(ring_args(tmp_path, [{"device": "d1"}]), capsys)
    assert rc == 1 and "Traceback" not in out["msg"] and "Ring Builder file is invalid" in out["msg"], out
    assert out["msg"].startswith("reading %s with %s failed (rc=1): " % (tmp_path / "object.builder", PYTHON))
    assert (tmp_path / "object.builder").read_text() == "garbage\n"


def test_the_diff_shows_a_weight_or_settings_change_as_the_real_run_makes_it(tmp_path, capsys):
    rc, first = run(dict(ring_args(tmp_path, [{"device": "d1"}, {"device": "d2"}]), _ansible_diff=True), capsys)
    assert rc == 0 and first["diff"]["before"] == {"devices": None}
    assert first["diff"]["after"] == {"part_power": 6, "replicas": "1", "min_part_hours": 0, "devices": [
        "r1z1-127.0.0.1:6200/d1 weight 100", "r1z1-127.0.0.1:6200/d2 weight 100"]}
    changed = dict(ring_args(tmp_path, [{"device": "d1"}, {"device": "d2", "weight": 50}], mph=2), _ansible_diff=True)
    rc, check = run(changed, capsys, check=True)
    assert rc == 0 and check["changed"] and check["diff"]["before"] == first["diff"]["after"]
    assert check["diff"]["after"] == {"part_power": 6, "replicas": "1", "min_part_hours": 2, "devices": [
        "r1z1-127.0.0.1:6200/d1 weight 100", "r1z1-127.0.0.1:6200/d2 weight 50"]}
    rc, real = run(changed, capsys)
    assert rc == 0 and real["diff"] == check["diff"]
    rc, again = run(changed, capsys)
    assert rc == 0 and not again["changed"] and again["diff"]["before"] == again["diff"]["after"] == check["diff"]["after"]
