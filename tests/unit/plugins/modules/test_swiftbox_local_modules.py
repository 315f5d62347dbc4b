# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""local_secrets, daemon_process and devstack_local_conf driven through main() on real files and processes."""

from __future__ import annotations

import json
import os
import socket
import sys
import time

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.modules import daemon_process, devstack_local_conf, local_secrets


def read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def run(module, args, capsys):
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        module.main()
    return exc.value.code, json.loads(capsys.readouterr().out)


def test_local_secrets_generates_once_mode_0600_and_never_returns_values(tmp_path, capsys):
    path = str(tmp_path / "secrets.json")
    args = {"path": path, "names": ["admin", "hash"], "immutable": ["hash"], "values": {"admin": ""}}
    rc, first = run(local_secrets, args, capsys)
    assert rc == 0 and first["changed"] and first["generated"] == ["admin", "hash"]
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    stored = json.loads(read(path))
    assert all(value not in json.dumps(first) for value in stored.values())
    rc, again = run(local_secrets, args, capsys)
    assert rc == 0 and not again["changed"] and json.loads(read(path)) == stored


def test_local_secrets_refuses_to_change_an_immutable_value(tmp_path, capsys):
    path = str(tmp_path / "secrets.json")
    run(local_secrets, {"path": path, "names": ["hash"], "immutable": ["hash"]}, capsys)
    before = read(path)
    rc, result = run(local_secrets, {"path": path, "names": ["hash"], "immutable": ["hash"],
                                     "values": {"hash": "other"}}, capsys)
    assert rc == 1 and "immutable" in result["msg"] and read(path) == before


def test_local_secrets_writes_the_real_file_through_a_symbolic_link(tmp_path, capsys):
    real = tmp_path / "vault" / "secrets.json"
    real.parent.mkdir()
    real.write_text('{"a": "kept"}')
    real.chmod(0o600)
    link = tmp_path / "secrets.json"
    link.symlink_to(real)
    rc, result = run(local_secrets, {"path": str(link), "names": ["a", "b"]}, capsys)
    assert rc == 0 and result["changed"] and result["generated"] == ["b"]
    assert link.is_symlink() and json.loads(real.read_text())["a"] == "kept" and "b" in json.loads(real.read_text())
    assert oct(real.stat().st_mode & 0o777) == "0o600" and os.listdir(str(real.parent)) == ["secrets.json"]


def test_local_secrets_check_mode_writes_nothing(tmp_path, capsys):
    path = str(tmp_path / "secrets.json")
    rc, result = run(local_secrets, {"path": path, "names": ["a"], "_ansible_check_mode": True}, capsys)
    assert rc == 0 and result["changed"] and not os.path.exists(path)


@pytest.mark.parametrize("length", [0, -1])
def test_local_secrets_refuses_a_length_below_1_with_nothing_written(tmp_path, capsys, length):
    path = str(tmp_path / "secrets.json")
    rc, result = run(local_secrets, {"path": path, "names": ["a"], "length": length}, capsys)
    assert rc == 1 and result["msg"] == "length must be 1 or more (bytes of entropy), not %d" % length
    assert "Traceback" not in json.dumps(result) and not os.listdir(str(tmp_path))


@pytest.mark.parametrize("length", [1025, 10 ** 20])
def test_local_secrets_refuses_a_huge_length_cleanly_with_nothing_written(tmp_path, capsys, length):
    path = str(tmp_path / "secrets.json")
    rc, result = run(local_secrets, {"path": path, "names": ["a"], "length": length}, capsys)
    assert rc == 1 and result["msg"] == "length must be at most 1024 (bytes of entropy), not %d" % length
    assert not os.listdir(str(tmp_path))


def test_local_secrets_replaces_a_stored_null_or_empty_value_and_keeps_the_rest(tmp_path, capsys):
    path = tmp_path / "secrets.json"
    path.write_text(json.dumps({"a": None, "b": "", "c": "kept", "other": "untouched"}))
    path.chmod(0o600)
    args = {"path": str(path), "names": ["a", "b", "c"]}
    rc, check = run(local_secrets, dict(args, _ansible_check_mode=True), capsys)
    assert rc == 0 and check["changed"] and check["generated"] == ["a", "b"]
    rc, first = run(local_secrets, args, capsys)
    assert rc == 0 and first["changed"] and first["generated"] == ["a", "b"]
    stored = json.loads(read(str(path)))
    assert stored["c"] == "kept" and stored["other"] == "untouched" and len(stored["a"]) >= 24 and stored["b"]
    rc, again = run(local_secrets, args, capsys)
    assert rc == 0 and not again["changed"] and json.loads(read(str(path))) == stored


def test_daemon_process_starts_keeps_restarts_on_config_change_and_stops(tmp_path, capsys):
    conf = tmp_path / "d.conf"
    conf.write_text("a\n")
    args = {"argv": [sys.executable, "-c", "import time; time.sleep(60)"], "config_files": [str(conf)],
            "record": str(tmp_path / "d.json"), "log_file": str(tmp_path / "d.log")}
    rc, started = run(daemon_process, args, capsys)
    assert rc == 0 and started["action"] == "start" and started["pid"] > 0
    rc, same = run(daemon_process, args, capsys)
    assert rc == 0 and same["action"] == "none" and not same["changed"] and same["pid"] == started["pid"]
    conf.write_text("b\n")
    rc, check = run(daemon_process, dict(args, _ansible_check_mode=True), capsys)
    assert check["action"] == "restart" and check["pid"] == started["pid"]
    rc, restarted = run(daemon_process, args, capsys)
    assert restarted["action"] == "restart" and restarted["pid"] != started["pid"]
    rc, stopped = run(daemon_process, dict(args, state="stopped"), capsys)
    assert stopped["action"] == "stop" and not os.path.exists(args["record"])
    rc, again = run(daemon_process, dict(args, state="stopped"), capsys)
    assert again["action"] == "none" and not again["changed"]


def test_daemon_process_reports_a_daemon_that_dies_before_its_port(tmp_path, capsys):
    args = {"argv": [sys.executable, "-c", "print('boom'); raise SystemExit(3)"], "record": str(tmp_path / "d.json"),
            "log_file": str(tmp_path / "d.log"), "wait_port": 1, "wait_timeout": 10}
    rc, result = run(daemon_process, args, capsys)
    assert rc == 1 and "exited before 127.0.0.1:1 answered" in result["msg"] and "boom" in result["msg"]


@pytest.mark.parametrize("check_mode", [False, True])
def test_daemon_process_refuses_a_start_when_another_process_holds_its_port(tmp_path, capsys, check_mode):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen(1)
        port = other.getsockname()[1]
        marker = tmp_path / "started"
        args = {"argv": [sys.executable, "-c", "open(%r, 'w').close()" % str(marker)], "record": str(tmp_path / "d.json"),
                "log_file": str(tmp_path / "d.log"), "wait_port": port, "_ansible_check_mode": check_mode}
        rc, result = run(daemon_process, args, capsys)
    assert rc == 1 and "127.0.0.1:%d already answers, but the daemon is not started yet" % port in result["msg"]
    assert "Traceback" not in result["msg"]
    assert not os.listdir(tmp_path)


def test_daemon_process_keeps_a_running_daemon_that_answers_on_its_port(tmp_path, capsys):
    port_file = tmp_path / "port"
    code = ("import socket, time\ns = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(5)\n"
            "open(%r, 'w').write(str(s.getsockname()[1]))\ntime.sleep(60)" % str(port_file))
    args = {"argv": [sys.executable, "-c", code], "record": str(tmp_path / "d.json"), "log_file": str(tmp_path / "d.log")}
    rc, started = run(daemon_process, args, capsys)
    try:
        for _try in range(100):
            if port_file.exists() and port_file.read_text():
                break
            time.sleep(0.05)
        args["wait_port"] = int(port_file.read_text())
        rc, same = run(daemon_process, args, capsys)
        assert rc == 0 and same["action"] == "none" and same["pid"] == started["pid"]
    finally:
        run(daemon_process, dict(args, state="stopped"), capsys)


def test_devstack_local_conf_writes_0600_and_is_idempotent(tmp_path, capsys):
    path = str(tmp_path / "local.conf")
    args = {"path": path, "localrc": {"ADMIN_PASSWORD": "pw"}, "commands": ["disable_all_services"],
            "post_config": [{"file": "$NOVA_CONF", "sections": {"DEFAULT": {"debug": True}}}], "_ansible_diff": True}
    rc, first = run(devstack_local_conf, args, capsys)
    assert rc == 0 and first["changed"] and first["diff"]["before"] == ""
    assert read(path) == (
        "[[local|localrc]]\nADMIN_PASSWORD=pw\ndisable_all_services\n\n[[post-config|$NOVA_CONF]]\n[DEFAULT]\ndebug = True\n")
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    rc, again = run(devstack_local_conf, args, capsys)
    assert not again["changed"] and again["checksum"] == first["checksum"]
    rc, bad = run(devstack_local_conf, dict(args, localrc={"1X": "y"}), capsys)
    assert rc == 1 and "not a shell variable name" in bad["msg"]
