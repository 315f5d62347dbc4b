# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""devstack_local_conf and devstack_stack_info driven through main() on real files."""

from __future__ import annotations

import json
import os

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.modules import devstack_local_conf, devstack_stack_info


def run(module, args, capsys):
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        module.main()
    return exc.value.code, json.loads(capsys.readouterr().out)


def read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


SECRET = "it's s3cr3t"  # a quote: the rendered value no longer holds the secret verbatim


def test_local_conf_secrets_are_written_but_never_shown(tmp_path, capsys):
    path = str(tmp_path / "local.conf")
    args = {"path": path, "localrc": {"DEST": "/opt/stack", "ADMIN_PASSWORD": None, "SWIFT_REPLICAS": 1},
            "localrc_secrets": {"ADMIN_PASSWORD": SECRET, "SWIFT_HASH": "hash0123"}, "_ansible_diff": True}
    rc, first = run(devstack_local_conf, args, capsys)
    assert rc == 0 and first["changed"]
    assert read(path) == ("[[local|localrc]]\nDEST=/opt/stack\nADMIN_PASSWORD='it'\"'\"'s s3cr3t'\nSWIFT_REPLICAS=1\n"
                          "SWIFT_HASH=hash0123\n")
    assert first["diff"]["after"] == ("[[local|localrc]]\nDEST=/opt/stack\nADMIN_PASSWORD=********\nSWIFT_REPLICAS=1\n"
                                      "SWIFT_HASH=********\n")
    shown = json.dumps(first)
    assert "s3cr3t" not in shown and "hash0123" not in shown
    assert set(first["invocation"]["module_args"]["localrc_secrets"].values()) == {"VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"}

    rc, again = run(devstack_local_conf, dict(args, localrc_secrets={"ADMIN_PASSWORD": "n3w'pw", "SWIFT_HASH": "hash0123"}),
                    capsys)
    assert rc == 0 and again["changed"] and "backup_file" in again
    assert again["diff"]["before"].splitlines()[2] == "ADMIN_PASSWORD=********"
    assert again["diff"]["after"].splitlines()[2] == "ADMIN_PASSWORD=******** (changed)"
    assert again["diff"]["after"].splitlines()[4] == "SWIFT_HASH=********"
    assert "s3cr3t" not in json.dumps(again) and "n3w" not in json.dumps(again)
    assert oct(os.stat(again["backup_file"]).st_mode & 0o777) == "0o600"


def test_local_conf_never_shows_a_secret_that_is_no_longer_given(tmp_path, capsys):
    path = str(tmp_path / "local.conf")
    rc, first = run(devstack_local_conf, {"path": path, "localrc": {"DEST": "/opt/stack"},
                                          "localrc_secrets": {"MY_CRED": "topsecret-h1b"}}, capsys)
    assert rc == 0 and first["changed"]
    for check_mode in (True, False):
        rc, out = run(devstack_local_conf, {"path": path, "localrc": {"DEST": "/opt/stack", "A": 1},
                                            "_ansible_diff": True, "_ansible_check_mode": check_mode}, capsys)
        assert rc == 0 and out["changed"] and "topsecret" not in json.dumps(out)
        assert out["diff"]["before"] == "[[local|localrc]]\nDEST=/opt/stack\nMY_CRED=********\n"
    assert out["diff"]["after"] == "[[local|localrc]]\nDEST=/opt/stack\nA=1\n"


def test_local_conf_masks_secret_names_given_in_plain_localrc_and_warns(tmp_path, capsys):
    path = str(tmp_path / "local.conf")
    rc, out = run(devstack_local_conf, {"path": path, "localrc": {"DATABASE_PASSWORD": "it's db"},
                                        "_ansible_diff": True}, capsys)
    assert rc == 0 and out["diff"]["after"] == "[[local|localrc]]\nDATABASE_PASSWORD=********\n"
    assert "DATABASE_PASSWORD looks like a secret" in json.dumps(out.get("warnings", []))


@pytest.mark.parametrize("check_mode", [True, False])
def test_local_conf_missing_directory_same_answer_in_check_and_real_mode(tmp_path, capsys, check_mode):
    path = str(tmp_path / "devstack" / "local.conf")
    rc, out = run(devstack_local_conf, {"path": path, "localrc": {"A": 1}, "_ansible_check_mode": check_mode}, capsys)
    assert rc == 0 and out["changed"] and "msg" not in out
    assert os.path.exists(path) is not check_mode
    if not check_mode:
        assert oct(os.stat(path).st_mode & 0o777) == "0o600"
        assert sorted(os.listdir(tmp_path / "devstack")) == ["local.conf"]  # no temporary file left
        rc, again = run(devstack_local_conf, {"path": path, "localrc": {"A": 1}}, capsys)
        assert rc == 0 and not again["changed"]


@pytest.mark.parametrize("check_mode", [True, False])
def test_local_conf_bad_paths_fail_cleanly_with_nothing_changed(tmp_path, capsys, check_mode):
    binary = tmp_path / "bad.conf"
    binary.write_bytes(b"x\xff\n")
    rc, out = run(devstack_local_conf, {"path": str(binary), "_ansible_check_mode": check_mode}, capsys)
    assert rc == 1 and "not UTF-8" in out["msg"] and "Traceback" not in json.dumps(out)
    assert binary.read_bytes() == b"x\xff\n" and sorted(os.listdir(tmp_path)) == ["bad.conf"]
    rc, out = run(devstack_local_conf, {"path": str(tmp_path), "_ansible_check_mode": check_mode}, capsys)
    assert rc == 1 and "cannot read" in out["msg"]


@pytest.mark.parametrize("check_mode", [True, False])
@pytest.mark.parametrize("path", ["", "  "])
def test_local_conf_empty_path_fails_the_same_in_both_modes(tmp_path, capsys, monkeypatch, path, check_mode):
    """An empty path read as "no file yet" in check mode, and the real run then tried to write the cwd."""
    monkeypatch.chdir(tmp_path)
    rc, out = run(devstack_local_conf, {"path": path, "localrc": {"A": 1}, "_ansible_check_mode": check_mode}, capsys)
    assert rc == 1 and out["msg"] == "path is empty: give the local.conf file to write"
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("check_mode", [True, False])
def test_local_conf_path_ending_in_a_slash_is_refused_in_both_modes(tmp_path, capsys, check_mode):
    """It was written as the file without the slash, then every later run failed to read it back."""
    path = str(tmp_path / "local.conf") + "/"
    rc, out = run(devstack_local_conf, {"path": path, "localrc": {"A": 1}, "_ansible_check_mode": check_mode}, capsys)
    assert rc == 1 and "ends with /, as a directory does" in out["msg"]
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("sections, message", [
    ({"DEFAULT": "oops"}, "must be a mapping"),
    ({"DEFAULT": {"k": "v\n[[post-config|/etc/passwd]]\nroot"}}, "spans lines"),
    ({"DEFAULT": {"a=b": 1}}, "not valid"),
    ({"DEFAULT": {"debug": None}}, "ini option debug in [DEFAULT] of $NOVA_CONF is null"),
])
@pytest.mark.parametrize("check_mode", [True, False])
def test_local_conf_refuses_bad_post_config_with_nothing_written(tmp_path, capsys, sections, message, check_mode):
    path = tmp_path / "local.conf"
    rc, out = run(devstack_local_conf, {"path": str(path), "post_config": [{"file": "$NOVA_CONF", "sections": sections}],
                                        "_ansible_check_mode": check_mode}, capsys)
    assert rc == 1 and message in out["msg"] and not path.exists()


@pytest.mark.parametrize("check_mode", [True, False])
@pytest.mark.parametrize("secret", ["abc\ndef", "abc\u2028def", "abc\x0cdef"])
def test_local_conf_never_shows_part_of_a_secret_holding_a_line_break(tmp_path, capsys, secret, check_mode):
    path = tmp_path / "local.conf"
    rc, out = run(devstack_local_conf, {"path": str(path), "localrc_secrets": {"ADMIN_PASSWORD": secret},
                                        "_ansible_diff": True, "_ansible_check_mode": check_mode}, capsys)
    assert "def" not in json.dumps(out) and "Traceback" not in json.dumps(out), out
    if "\n" in secret:
        assert rc == 1 and "ADMIN_PASSWORD spans lines" in out["msg"] and not path.exists()
    else:
        assert rc == 0 and out["diff"]["after"] == "[[local|localrc]]\nADMIN_PASSWORD=********\n"


@pytest.mark.parametrize("check_mode", [True, False])
@pytest.mark.parametrize("option", ["owner", "group"])
def test_local_conf_unknown_owner_or_group_fails_the_same_in_both_modes_with_nothing_written(
        tmp_path, capsys, option, check_mode):
    path = tmp_path / "local.conf"
    path.write_text("[[local|localrc]]\nA=0\n")
    rc, out = run(devstack_local_conf, {"path": str(path), "localrc": {"A": 1}, option: "no-such-name-h1b",
                                        "_ansible_check_mode": check_mode}, capsys)
    assert rc == 1 and out["msg"] == "%s no-such-name-h1b does not exist on this host; nothing was written" % option
    assert path.read_text() == "[[local|localrc]]\nA=0\n" and sorted(os.listdir(tmp_path)) == ["local.conf"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")
@pytest.mark.parametrize("linked", [False, True])
def test_local_conf_rewritten_keeps_its_owner_and_group_when_none_is_given(tmp_path, capsys, linked):
    """The devstack user must still read its local.conf after a change; through a link, the target is kept."""
    real = tmp_path / "local.conf"
    real.write_text("[[local|localrc]]\nA=0\n")
    os.chown(real, 65534, 65534)
    path = tmp_path / "link.conf" if linked else real
    if linked:
        path.symlink_to(real)
    args = {"path": str(path), "localrc": {"A": 1}, "backup": False}
    rc, out = run(devstack_local_conf, args, capsys)
    assert rc == 0 and out["changed"] and real.read_text() == "[[local|localrc]]\nA=1\n"
    assert (real.stat().st_uid, real.stat().st_gid) == (65534, 65534)
    assert oct(real.stat().st_mode & 0o777) == "0o600"
    rc, again = run(devstack_local_conf, args, capsys)
    assert rc == 0 and not again["changed"]
    rc, owned = run(devstack_local_conf, dict(args, owner="0", group="0"), capsys)
    assert rc == 0 and owned["changed"] and (real.stat().st_uid, real.stat().st_gid) == (0, 0)
    if linked:
        assert path.is_symlink()


def stack_info(tmp_path, capsys, marker_text, log_lines=()):
    (tmp_path / "local.conf").write_text("[[local|localrc]]\n")
    (tmp_path / "marker.json").write_text(marker_text)
    (tmp_path / "stack.sh.log").write_text("".join(log_lines))
    return run(devstack_stack_info, {"local_conf": str(tmp_path / "local.conf"), "log_file": str(tmp_path / "stack.sh.log"),
                                     "marker": str(tmp_path / "marker.json"), "tail": 0}, capsys)


@pytest.mark.parametrize("marker_text", ['"ok"\n', "[1]\n", "{}\n", "[]\n", "not json\n", "\xff"])
def test_stack_info_marker_that_is_not_an_object_counts_as_unreadable(tmp_path, capsys, marker_text):
    rc, out = stack_info(tmp_path, capsys, marker_text)
    assert rc == 0 and out["action"] == "hold" and "failed" in out["reason"]


def test_stack_info_reads_a_real_devstack_failure(tmp_path, capsys):
    """Trace lines as devstack writes them (stackrc's PS4='+ $(short_source):   ', err_trap traced)."""
    log = ["2026-11-21 22:00:01.003 | + ./stack.sh:main:800                     :   echo_summary 'Configuring Swift'\n",
           "2026-11-21 22:00:02.004 | + lib/swift:init_swift:648                :   swift-ring-builder object.builder create\n",
           "2026-11-21 22:00:02.005 | + ./stack.sh:err_trap:560                 :   local r=1\n",
           "2026-11-21 22:00:02.006 | stack.sh failed: full log in /opt/stack/logs/stack.sh.log\n",
           "2026-11-21 22:00:02.007 | Error on exit\n"]
    rc, out = stack_info(tmp_path, capsys, '{"checksum": "x", "result": "ok"}', log)
    assert rc == 0 and out["log"]["phase"] == "Configuring Swift" and out["log"]["failed"]
    assert out["log"]["failing_command"] == "lib/swift:init_swift:648 swift-ring-builder object.builder create"


@pytest.mark.parametrize("log_name, tail, message", [
    (".", 50, "cannot read"),  # the log path is a directory
    ("stack.sh.log", -1, "tail is the number of log lines to return: 0 or more, not -1"),
])
def test_stack_info_bad_log_or_tail_fails_cleanly(tmp_path, capsys, log_name, tail, message):
    (tmp_path / "stack.sh.log").write_text("a\nb\nc\n")
    rc, out = run(devstack_stack_info, {"local_conf": str(tmp_path / "local.conf"), "log_file": str(tmp_path / log_name),
                                        "marker": str(tmp_path / "marker.json"), "tail": tail}, capsys)
    assert rc == 1 and message in out["msg"]
