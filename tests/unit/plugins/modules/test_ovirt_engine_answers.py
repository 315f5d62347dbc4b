# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ovirt_engine_answers through main(): mode 0600, check mode, absent, secrets never in the output."""

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.modules import ovirt_engine_answers

SECRET = "Adm1n-S3cret"


def run(capsys, **args):
    args.setdefault("_ansible_diff", True)
    with patch_module_args(args), pytest.raises(SystemExit):
        ovirt_engine_answers.main()
    out = capsys.readouterr().out
    assert SECRET not in out
    return json.loads(out)


def base(tmp_path, **extra):
    args = dict(path=str(tmp_path / "answers.conf"), digest_file=str(tmp_path / "digest"),
                answers={"OVESETUP_CONFIG/fqdn": "engine.lab.example", "OVESETUP_DWH_CORE/enable": False,
                         "OVESETUP_DB/port": 5432, "OSETUP_RPMDISTRO/requireRollback": None},
                secrets={"OVESETUP_CONFIG/adminPassword": SECRET})
    args.update(extra)
    return args


def test_check_then_write_then_absent(tmp_path, capsys):
    path = tmp_path / "answers.conf"
    planned = run(capsys, _ansible_check_mode=True, **base(tmp_path))
    assert planned["changed"] is True and not path.exists()
    assert planned["previous_digest"] is None
    assert "OVESETUP_CONFIG/adminPassword=str:********" in planned["redacted"]
    assert "OVESETUP_DWH_CORE/enable=bool:False" in planned["diff"]["after"]
    written = run(capsys, **base(tmp_path))
    assert written["changed"] is True and written["digest"] == planned["digest"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    text = path.read_text()
    assert "OVESETUP_CONFIG/adminPassword=str:%s" % SECRET in text
    assert text.startswith("# Managed by hypercloud.builder.ovirt_engine_answers\n[environment:default]\n")
    assert run(capsys, **base(tmp_path))["changed"] is False
    (tmp_path / "digest").write_text(written["digest"] + "\n")
    assert run(capsys, _ansible_check_mode=True, **base(tmp_path))["previous_digest"] == written["digest"]
    gone = run(capsys, state="absent", **base(tmp_path))
    assert gone["changed"] is True and not path.exists()
    assert run(capsys, state="absent", **base(tmp_path))["changed"] is False


def test_bool_trap_fails_cleanly_and_writes_nothing(tmp_path, capsys):
    result = run(capsys, **base(tmp_path, answers={"OVESETUP_CONFIG/updateFirewall": "bool:no"}))
    assert result["failed"] is True
    assert "bool:no is read by otopi as True" in result["msg"]
    assert "Traceback" not in json.dumps(result)
    assert not (tmp_path / "answers.conf").exists()


def test_mode_is_repaired(tmp_path, capsys):
    run(capsys, **base(tmp_path))
    os.chmod(tmp_path / "answers.conf", 0o644)
    assert run(capsys, **base(tmp_path))["changed"] is True
    assert stat.S_IMODE(os.stat(tmp_path / "answers.conf").st_mode) == 0o600


def test_a_new_header_leaves_the_digest_as_it_is(tmp_path, capsys):
    """RETURN: the digest is computed without comment lines; a ';' header is comments too."""
    first = run(capsys, header="; managed by us, v1", **base(tmp_path))
    second = run(capsys, header="; managed by us, v2\n\n  # since 2026", **base(tmp_path))
    assert second["changed"] is True and second["digest"] == first["digest"]
    assert run(capsys, **base(tmp_path))["digest"] == first["digest"]


def test_a_multi_str_item_otopi_would_split_is_refused(tmp_path, capsys):
    result = run(capsys, **base(tmp_path, answers={"OVESETUP_CUSTOM/list": ["one\u2028two"]}))
    assert result["failed"] is True and "multi-str items are non-empty one-line strings" in result["msg"]
    assert not (tmp_path / "answers.conf").exists()
