# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""windows_unattend through main(), rendering into a temporary directory (media building is covered
by the windows_image_build integration target with the real xorriso and mtools)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.modules import windows_unattend


def run(args, capsys):
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        windows_unattend.main()
    return exc.value.code, json.loads(capsys.readouterr().out)


@pytest.fixture
def base(tmp_path):
    msi = tmp_path / "cbi.msi"
    msi.write_bytes(b"stand-in msi")
    script = tmp_path / "setup.ps1"
    script.write_text("Write-Host hi")
    return dict(dest=str(tmp_path / "answer"), version="2022", image_index=2, admin_password="S3cret-pw",
                cloudbase_init_msi=str(msi), media="none", scripts=[str(script)], hash_files=[str(msi)])


def test_check_apply_idempotent_and_diff_masks_password(base, capsys):
    rc, check = run(dict(base, _ansible_check_mode=True, _ansible_diff=True), capsys)
    assert rc == 0 and check["changed"] and not os.path.exists(base["dest"])
    assert "S3cret-pw" not in json.dumps(check)
    assert "********" in check["diff"]["after"]["autounattend.xml"]
    assert check["diff"]["after"]["CloudbaseInitSetup.msi"].startswith("<copy of ")
    rc, applied = run(base, capsys)
    assert rc == 0 and applied["changed"] and applied["inputs_hash"] == check["inputs_hash"]
    files = sorted(os.listdir(base["dest"]))
    assert "scripts" in files and "CloudbaseInitSetup.msi" in files and "autounattend.xml" in files
    assert oct(os.stat(os.path.join(base["dest"], "autounattend.xml")).st_mode & 0o777) == "0o600"
    rc, again = run(dict(base, _ansible_check_mode=True), capsys)
    assert rc == 0 and not again["changed"] and again["changed_files"] == []
    rc, again = run(base, capsys)
    assert rc == 0 and not again["changed"]
    assert again["first_logon_commands"][-1].endswith("/unattend:C:\\hw\\sysprep-unattend.xml")


def test_changes_rewrite_only_what_differs_and_remove_stale_files(base, capsys):
    run(base, capsys)
    rc, out = run(dict(base, timezone="Tokyo Standard Time", scripts=[]), capsys)
    assert rc == 0 and out["changed"]
    assert "scripts/setup.ps1" in out["changed_files"] and "autounattend.xml" in out["changed_files"]
    assert "CloudbaseInitSetup.msi" not in out["changed_files"]
    assert not os.path.exists(os.path.join(base["dest"], "scripts", "setup.ps1"))


def test_input_file_change_changes_hash_not_files(base, capsys):
    _rc, first = run(base, capsys)
    os.utime(base["hash_files"][0], (1, 1))
    _rc, second = run(base, capsys)
    assert not second["changed"] and second["inputs_hash"] != first["inputs_hash"]


@pytest.mark.parametrize("extra,message", [
    (dict(version="11", firmware="bios"), "Windows 11 Setup refuses"),
    (dict(cloudbase_init_msi="/nonexistent/cbi.msi"), "input file not found: /nonexistent/cbi.msi"),
    (dict(image_name="x"), "mutually exclusive"),
    (dict(license="key"), "five groups of five"),
    (dict(media="floppy"), "root only"),
])
def test_bad_input_fails_cleanly_and_writes_nothing(base, capsys, extra, message):
    rc, out = run(dict(base, **extra), capsys)
    assert rc == 1 and message in out["msg"] and "Traceback" not in out["msg"]
    assert not os.path.exists(base["dest"])


def volume_id(iso):
    out = subprocess.run(["xorriso", "-indev", iso, "-pvd_info"], capture_output=True, text=True, check=True).stdout
    return [line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Volume Id")]


@pytest.mark.skipif(not shutil.which("xorriso"), reason="xorriso (bindep) is not installed")
def test_a_new_media_label_rebuilds_the_iso(base, capsys, tmp_path):
    iso = str(tmp_path / "answer.iso")
    args = dict(base, media="iso", media_path=iso)
    rc, first = run(args, capsys)
    assert rc == 0 and first["media"]["rebuilt"] and volume_id(iso) == ["HW_ANSWER"]
    rc, again = run(args, capsys)
    assert rc == 0 and not again["changed"] and not again["media"]["rebuilt"]
    rc, check = run(dict(args, media_label="NEWLABEL", _ansible_check_mode=True), capsys)
    assert rc == 0 and check["changed"] and check["media"]["rebuilt"] and volume_id(iso) == ["HW_ANSWER"]
    rc, relabelled = run(dict(args, media_label="NEWLABEL"), capsys)
    assert rc == 0 and relabelled["changed"] and relabelled["changed_files"] == [] and volume_id(iso) == ["NEWLABEL"]
    rc, again = run(dict(args, media_label="NEWLABEL"), capsys)
    assert rc == 0 and not again["changed"]


@pytest.mark.skipif(not shutil.which("xorriso"), reason="xorriso (bindep) is not installed")
def test_a_media_only_rebuild_shows_in_the_diff(base, capsys, tmp_path):
    """A new media_label rebuilt the ISO and reported changed, with an empty diff."""
    iso = str(tmp_path / "answer.iso")
    args = dict(base, media="iso", media_path=iso, _ansible_diff=True)
    rc, first = run(args, capsys)
    assert rc == 0 and first["diff"]["before"][iso] is None
    assert first["diff"]["after"][iso]["label"] == "HW_ANSWER" and first["diff"]["after"][iso]["kind"] == "iso"
    for check_mode in (True, False):
        rc, relabelled = run(dict(args, media_label="NEWLABEL", _ansible_check_mode=check_mode), capsys)
        assert rc == 0 and relabelled["changed"] and relabelled["changed_files"] == []
        before, after = relabelled["diff"]["before"], relabelled["diff"]["after"]
        assert set(before) == set(after) == {iso}
        assert before[iso]["label"] == "HW_ANSWER" and after[iso]["label"] == "NEWLABEL"
        assert before[iso]["content"] == after[iso]["content"] and before[iso]["kind"] == after[iso]["kind"] == "iso"
    rc, again = run(dict(args, media_label="NEWLABEL"), capsys)
    assert rc == 0 and not again["changed"] and again["diff"] == {"before": {}, "after": {}}


def test_a_dest_that_is_a_file_is_refused_cleanly(base, capsys):
    with open(base["dest"], "w", encoding="utf-8") as handle:
        handle.write("not a directory")
    rc, out = run(base, capsys)
    assert rc == 1 and out["msg"] == "dest %s exists and is not a directory" % base["dest"]
    with open(base["dest"], encoding="utf-8") as handle:
        assert handle.read() == "not a directory"


@pytest.mark.parametrize("second", ["other/setup.ps1", "other/SETUP.ps1"])
def test_two_scripts_with_one_file_name_are_refused_and_nothing_is_written(base, capsys, tmp_path, second):
    """scripts\\ holds one file per name (Windows ignores case): one script would silently replace the other."""
    other = tmp_path / second
    other.parent.mkdir()
    other.write_text("Write-Host other")
    for check in (True, False):
        rc, out = run(dict(base, scripts=base["scripts"] + [str(other)], _ansible_check_mode=check), capsys)
        assert rc == 1 and out["msg"] == "scripts %s and %s have the same file name on the media" % (
            base["scripts"][0], other)
        assert not os.path.exists(base["dest"])
