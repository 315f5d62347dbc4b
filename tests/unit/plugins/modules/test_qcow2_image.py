# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""qcow2_image through main() with the real qemu-img, on files in a temporary directory."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.modules import qcow2_image

pytestmark = pytest.mark.skipif(not shutil.which("qemu-img"), reason="qemu-img (bindep: qemu-utils) is not installed")


def run(capsys, **args):
    with patch_module_args(args), pytest.raises(SystemExit):
        qcow2_image.main()
    return json.loads(capsys.readouterr().out)


def test_a_failed_conversion_keeps_the_built_image_and_its_stamp(tmp_path, capsys):
    build, image = tmp_path / "build.qcow2", tmp_path / "img.qcow2"
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", str(build), "16M"], check=True)
    args = dict(path=str(image), source=str(build), stamp="s1")
    assert run(capsys, **args)["changed"] is True
    assert run(capsys, **args)["changed"] is False
    sidecars = {name: (tmp_path / name).read_bytes() for name in ("img.qcow2.sha256", "img.qcow2.stamp.json")}
    built = image.read_bytes()
    bad = tmp_path / "bad.qcow2"
    bad.write_bytes(b"QFI\xfbgarbage")
    failed = run(capsys, path=str(image), source=str(bad), stamp="s2")
    assert failed["failed"] is True and "Traceback" not in json.dumps(failed)
    assert image.read_bytes() == built
    assert {name: (tmp_path / name).read_bytes() for name in sidecars} == sidecars
    assert run(capsys, _ansible_check_mode=True, **args)["changed"] is False
    build.unlink()  # the build disk may be gone by now: the image built with s1 is still current
    kept = run(capsys, **args)
    assert kept["changed"] is False and kept["stamp"] == "s1"


@pytest.mark.parametrize("state", ["present", "absent"])
def test_a_directory_as_path_is_refused_cleanly(tmp_path, capsys, state):
    target = tmp_path / "dir"
    target.mkdir()
    result = run(capsys, path=str(target), size="1M", state=state)
    assert result["failed"] is True and result["msg"] == "path %s is a directory, not an image file" % target
    assert target.is_dir() and not list(target.iterdir())


def test_check_mode_does_not_claim_the_checksum_and_stamp_it_would_replace(tmp_path, capsys):
    """Check mode after a stamp change returned the old image's checksum and stamp."""
    build, image = tmp_path / "build.qcow2", tmp_path / "img.qcow2"
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", str(build), "16M"], check=True)
    first = run(capsys, path=str(image), source=str(build), stamp="s1")
    assert first["changed"] is True and first["stamp"] == "s1" and len(first["checksum"]) == 64
    checked = run(capsys, _ansible_check_mode=True, path=str(image), source=str(build), stamp="s2")
    assert checked["changed"] is True and checked["stamp"] == "s2" and checked["checksum"] is None
    assert "virtual_size" not in checked and "actual_size" not in checked
    assert json.loads((tmp_path / "img.qcow2.stamp.json").read_text())["stamp"] == "s1"
    applied = run(capsys, path=str(image), source=str(build), stamp="s2")
    assert applied["changed"] is True and applied["stamp"] == "s2" and len(applied["checksum"]) == 64
    assert applied["virtual_size"] == 16 * 1024 * 1024
    again = run(capsys, _ansible_check_mode=True, path=str(image), source=str(build), stamp="s2")
    assert again["changed"] is False and again["checksum"] == applied["checksum"] and again["stamp"] == "s2"
    assert again["virtual_size"] == applied["virtual_size"]
