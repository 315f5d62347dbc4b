# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""nova_scheduler driven through main() against nova.conf files in tmp_path."""

from __future__ import annotations

import json

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.modules import nova_scheduler

CONF = """\
[DEFAULT]
# keep me
debug = true
cpu_allocation_ratio = 16.0

[compute]
cpu_shared_set = 0-3

[filter_scheduler]
enabled_filters = ComputeFilter
"""

WANT = {"cpu_allocation_ratio": "absent", "reserved_host_memory_mb": 1048576, "ram_allocation_ratio": 1.125}


@pytest.fixture
def conf(tmp_path):
    path = tmp_path / "nova.conf"
    path.write_text(CONF)
    return path


@pytest.fixture
def warnings(monkeypatch):
    """The warnings one run gives (Ansible keeps them in a process-wide list otherwise)."""
    seen = []
    monkeypatch.setattr(nova_scheduler.HypercloudModule, "__init__", _init_recording(seen))
    return seen


def _init_recording(seen):
    original = nova_scheduler.HypercloudModule.__init__

    def init(self):
        original(self)
        self.module.warn = seen.append
    return init


def run_module(args, capsys):
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        nova_scheduler.main()
    return exc.value.code, json.loads(capsys.readouterr().out)


def test_apply_then_nothing_to_do(conf, capsys):
    rc, result = run_module({"path": str(conf), "settings": WANT, "_ansible_diff": True}, capsys)
    assert rc == 0 and result["changed"] is True
    assert result["changes"] == {"cpu_allocation_ratio": {"before": 16.0, "after": "absent"},
                                 "ram_allocation_ratio": {"before": "absent", "after": 1.125},
                                 "reserved_host_memory_mb": {"before": "absent", "after": 1048576}}
    assert result["restart_required"] is True and result["restart_services"] == ["nova-compute"]
    text = conf.read_text()
    assert "cpu_allocation_ratio" not in text and "# keep me" in text and "reserved_host_memory_mb = 1048576" in text
    assert result["diff"]["before"] == CONF and result["diff"]["after"] == text
    assert result["diff"]["before_header"] == str(conf)
    assert "backup_file" not in result
    assert list(conf.parent.iterdir()) == [conf]  # no temporary file left behind

    rc, again = run_module({"path": str(conf), "settings": WANT}, capsys)
    assert rc == 0 and again["changed"] is False and again["changes"] == {}
    assert again["restart_required"] is False and again["restart_services"] == []


def test_check_mode_writes_nothing(conf, capsys):
    rc, result = run_module({"path": str(conf), "settings": WANT, "_ansible_check_mode": True, "_ansible_diff": True}, capsys)
    assert rc == 0 and result["changed"] is True and result["restart_required"] is True
    assert conf.read_text() == CONF
    assert "reserved_host_memory_mb = 1048576" in result["diff"]["after"]
    assert list(conf.parent.iterdir()) == [conf]


def test_backup(conf, capsys):
    rc, result = run_module({"path": str(conf), "settings": {"enabled_filters": ["ComputeFilter", "NUMATopologyFilter"]},
                             "backup": True}, capsys)
    assert rc == 0 and result["changed"] is True and result["restart_services"] == ["nova-scheduler"]
    backup = result["backup_file"]
    with open(backup) as handle:
        assert handle.read() == CONF
    assert "enabled_filters = ComputeFilter,NUMATopologyFilter" in conf.read_text()


def test_backup_only_when_changed(conf, capsys):
    rc, result = run_module({"path": str(conf), "settings": {"cpu_allocation_ratio": 16}, "backup": True}, capsys)
    assert rc == 0 and result["changed"] is False and "backup_file" not in result
    assert list(conf.parent.iterdir()) == [conf]


@pytest.mark.parametrize("settings,warned", [
    ({"ram_allocation_ratio": 1.5}, ["cpu_allocation_ratio", "ram_allocation_ratio"]),
    ({"cpu_allocation_ratio": "absent"}, []),
    ({"cpu_allocation_ratio": "absent", "initial_cpu_allocation_ratio": 4}, []),
])
def test_warns_when_a_ratio_overrides_placement(conf, capsys, warnings, settings, warned):
    rc, _result = run_module({"path": str(conf), "settings": settings, "placement_managed": True}, capsys)
    assert rc == 0
    assert len(warnings) == len(warned)
    for key, warning in zip(warned, warnings):
        assert warning.startswith(key) and "set it to absent" in warning


def test_no_warning_without_placement(conf, capsys, warnings):
    rc, _result = run_module({"path": str(conf), "settings": {"cpu_allocation_ratio": 3}}, capsys)
    assert rc == 0 and warnings == []


@pytest.mark.parametrize("settings,message", [
    ({"cpu_allocation_ratio": 0}, "cpu_allocation_ratio must be a number above 0"),
    ({"ram_allocation_ratio": "high"}, "ram_allocation_ratio must be a number, not 'high'"),
    ({"reserved_host_cpus": 4}, "reserved_host_cpus must not be set together with cpu_shared_set"),
    ({"cpu_dedicated_set": "2-8"}, "overlap on CPU(s) 2,3"),
    ({"cpu_dedicated_set": "8-4"}, "range '8-4' runs backwards"),
    ({"enabled_filters": ["ComputeFilter", "AggregateRamFilter"]}, "AggregateRamFilter was removed in Nova 22.0.0 Victoria"),
    ({"vcpu_pin_set": "1-3"}, "vcpu_pin_set"),
])
def test_bad_input_fails_cleanly_file_unchanged(conf, capsys, settings, message):
    rc, result = run_module({"path": str(conf), "settings": settings, "backup": True}, capsys)
    assert rc == 1 and result["failed"] is True
    assert message in result["msg"]
    assert "exception" not in result
    assert conf.read_text() == CONF
    assert list(conf.parent.iterdir()) == [conf]


def test_missing_file(tmp_path, capsys):
    rc, result = run_module({"path": str(tmp_path / "nope.conf"), "settings": WANT}, capsys)
    assert rc == 1 and "does not exist" in result["msg"]


def test_symlink_is_written_through(tmp_path, capsys):
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    real = real_dir / "nova.conf"
    real.write_text(CONF)
    link = tmp_path / "link.conf"
    link.symlink_to(real)
    args = {"path": str(link), "settings": {"cpu_allocation_ratio": 3}, "backup": True, "_ansible_diff": True}
    rc, result = run_module(args, capsys)
    assert rc == 0 and result["changed"] is True
    assert link.is_symlink() and link.resolve() == real
    assert "cpu_allocation_ratio = 3.0" in real.read_text()
    assert result["diff"]["before_header"] == str(link)
    with open(result["backup_file"]) as handle:
        assert handle.read() == CONF
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.conf", "real"]   # nothing left beside the link
    rc, again = run_module(args, capsys)
    assert rc == 0 and again["changed"] is False and "backup_file" not in again


def _no_space(*_args, **_kwargs):
    raise OSError(28, "No space left on device")


class _FullDisk:
    def __init__(self, fd, *_args):
        import os
        os.close(fd)

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        return False

    def write(self, _data):
        _no_space()


@pytest.mark.parametrize("target,fake", [("tempfile.mkstemp", _no_space), ("os.fdopen", _FullDisk)])
def test_write_errors_fail_cleanly(conf, capsys, monkeypatch, target, fake):
    module, name = target.split(".")
    monkeypatch.setattr(getattr(nova_scheduler, module), name, fake)
    rc, result = run_module({"path": str(conf), "settings": WANT}, capsys)
    assert rc == 1 and result["failed"] is True and "exception" not in result
    assert result["msg"].startswith("cannot write %s: " % conf) and "No space left on device" in result["msg"]
    assert conf.read_text() == CONF
    assert list(conf.parent.iterdir()) == [conf]


@pytest.mark.parametrize("settings,message", [
    ({"available_filters": []}, "available_filters: give at least one entry"),
    ({"available_filters": ""}, "available_filters: give at least one entry"),
    ({"reserved_host_memory_mb": "\u00b2"}, "reserved_host_memory_mb must be a whole number 0 or above"),
])
def test_edge_values_fail_cleanly(conf, capsys, settings, message):
    rc, result = run_module({"path": str(conf), "settings": settings, "backup": True}, capsys)
    assert rc == 1 and message in result["msg"] and "exception" not in result
    assert conf.read_text() == CONF and list(conf.parent.iterdir()) == [conf]


def test_crlf_file_stays_crlf(tmp_path, capsys):
    path = tmp_path / "nova.conf"
    path.write_bytes(b"[DEFAULT]\r\ndebug = True\r\ncpu_allocation_ratio = 2.0\r\n")
    rc, result = run_module({"path": str(path), "settings": {"cpu_allocation_ratio": 3, "reserved_host_cpus": 2}}, capsys)
    assert rc == 0 and result["changed"] is True
    assert path.read_bytes() == b"[DEFAULT]\r\ndebug = True\r\ncpu_allocation_ratio = 3.0\r\nreserved_host_cpus = 2\r\n"
