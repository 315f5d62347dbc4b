# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""daemon_process through main() with real processes: paths it cannot use, and check mode's pid."""

from __future__ import annotations

import json
import os
import signal
import sys

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.modules import daemon_process

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)", "hc-daemon-process-test"]


def run(args, capsys):
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        daemon_process.main()
    return exc.value.code, json.loads(capsys.readouterr().out)


def sleepers():
    """Pids of this test's daemons still alive."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as handle:
                if b"hc-daemon-process-test" in handle.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


@pytest.mark.parametrize("option", ["record", "log_file"])
@pytest.mark.parametrize("check_mode", [True, False])
def test_a_missing_directory_is_refused_before_anything_starts(tmp_path, capsys, option, check_mode):
    args = {"argv": SLEEPER, "record": str(tmp_path / "d.json"), "log_file": str(tmp_path / "d.log"),
            "_ansible_check_mode": check_mode}
    args[option] = str(tmp_path / "none" / "x")
    before = sleepers()
    for _attempt in range(2):
        rc, out = run(args, capsys)
        assert rc == 1 and out["msg"] == "%s %s: the directory %s does not exist; nothing was started" % (
            option, args[option], tmp_path / "none")
    assert sleepers() == before and not os.listdir(str(tmp_path))


def test_check_mode_stop_predicts_pid_0(tmp_path, capsys):
    args = {"argv": SLEEPER, "record": str(tmp_path / "d.json"), "log_file": str(tmp_path / "d.log")}
    rc, started = run(args, capsys)
    try:
        assert rc == 0 and started["pid"] > 0
        rc, check = run(dict(args, state="stopped", _ansible_check_mode=True), capsys)
        assert rc == 0 and check["action"] == "stop" and check["changed"] and check["pid"] == 0
        assert started["pid"] in sleepers()
    finally:
        rc, stopped = run(dict(args, state="stopped"), capsys)
    assert rc == 0 and stopped["pid"] == 0 and started["pid"] not in sleepers()


@pytest.mark.parametrize("change, message", [
    (dict(argv=[]), "argv must name the command to run, not []"),
    (dict(argv=[""]), "argv must name the command to run, not ['']"),
    (dict(wait_port=0), "wait_port must be a TCP port, 1 to 65535, not 0"),
    (dict(wait_port=-1), "wait_port must be a TCP port, 1 to 65535, not -1"),
    (dict(wait_port=70000), "wait_port must be a TCP port, 1 to 65535, not 70000"),
])
@pytest.mark.parametrize("check_mode", [True, False])
def test_bad_argv_or_port_is_refused_before_anything_starts(tmp_path, capsys, change, message, check_mode):
    args = dict({"argv": SLEEPER, "record": str(tmp_path / "d.json"), "log_file": str(tmp_path / "d.log"),
                 "wait_timeout": 2, "_ansible_check_mode": check_mode}, **change)
    before = sleepers()
    rc, out = run(args, capsys)
    try:
        assert rc == 1 and out["msg"] == message
        assert sleepers() == before and not os.listdir(str(tmp_path))
    finally:
        if sleepers() != before:
            run(dict(args, state="stopped", wait_port=None, _ansible_check_mode=False), capsys)


@pytest.mark.parametrize("option", ["record", "log_file"])
@pytest.mark.parametrize("check_mode", [True, False])
def test_a_record_or_log_that_is_a_directory_is_refused_before_anything_starts(tmp_path, capsys, option,
                                                                               check_mode):
    """A record that is a directory started the daemon, then failed to record it: an orphan on every run."""
    args = {"argv": SLEEPER, "record": str(tmp_path / "d.json"), "log_file": str(tmp_path / "d.log"),
            "_ansible_check_mode": check_mode}
    os.mkdir(args[option])
    before = sleepers()
    rc, out = run(args, capsys)
    try:
        assert rc == 1 and out["msg"] == "%s %s is a directory; nothing was started" % (option, args[option])
        assert sleepers() == before and os.listdir(str(tmp_path)) == [os.path.basename(args[option])]
    finally:
        for pid in set(sleepers()) - set(before):  # only when the refusal failed
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("command, message", [
    ("/nonexistent/bin/daemon", "command /nonexistent/bin/daemon is not an executable file"),
    ("hc-no-such-daemon", "command hc-no-such-daemon is not an executable file on PATH"),
    ("./data.txt", "command ./data.txt is not an executable file"),
])
@pytest.mark.parametrize("check_mode", [True, False])
def test_a_command_that_cannot_run_is_refused_before_anything_starts(tmp_path, capsys, command, message, check_mode):
    """Popen failed only after the log file was opened, and check mode planned a start."""
    (tmp_path / "data.txt").write_text("not a program\n")
    args = {"argv": [command, "--serve"], "record": str(tmp_path / "d.json"), "log_file": str(tmp_path / "d.log"),
            "chdir": str(tmp_path), "_ansible_check_mode": check_mode}
    rc, out = run(args, capsys)
    assert rc == 1 and out["msg"] == message + "; nothing was started"
    assert os.listdir(str(tmp_path)) == ["data.txt"]


@pytest.mark.parametrize("kind, problem", [("missing", "does not exist"), ("file", "is not a directory")])
@pytest.mark.parametrize("check_mode", [True, False])
def test_a_bad_chdir_is_named_and_refused_before_anything_starts(tmp_path, capsys, kind, problem, check_mode):
    """A missing chdir failed with 'starting <argv[0]> failed: No such file or directory', blaming the command."""
    chdir = tmp_path / "work"
    if kind == "file":
        chdir.write_text("")
    args = {"argv": SLEEPER, "record": str(tmp_path / "d.json"), "log_file": str(tmp_path / "d.log"),
            "chdir": str(chdir), "_ansible_check_mode": check_mode}
    before = sleepers()
    rc, out = run(args, capsys)
    try:
        assert rc == 1 and out["msg"] == "chdir %s %s; nothing was started" % (chdir, problem)
        assert sleepers() == before and sorted(os.listdir(str(tmp_path))) == (["work"] if kind == "file" else [])
    finally:
        for pid in set(sleepers()) - set(before):  # only when the refusal failed
            os.kill(pid, signal.SIGKILL)
