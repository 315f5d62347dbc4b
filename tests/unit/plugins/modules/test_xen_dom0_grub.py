# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""xen_dom0_grub and xen_dom0_info through main() on files in a temporary directory."""

from __future__ import annotations

import json
import os

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.modules import xen_dom0_grub, xen_dom0_info

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "module_utils", "_calc", "data")


def run(module, capsys, **args):
    args.setdefault("_ansible_diff", True)
    with patch_module_args(args), pytest.raises(SystemExit):
        module.main()
    return json.loads(capsys.readouterr().out)


def test_debian_check_apply_idempotent_and_saved(tmp_path, capsys):
    cfg, main = tmp_path / "grub.d" / "xen.cfg", tmp_path / "grub"
    main.write_text("GRUB_DEFAULT=0\n")
    args = dict(path=str(cfg), default_grub=str(main), dom0_mem="4G", dom0_max_vcpus="1-4", dom0_vcpus_pin=True)
    checked = run(xen_dom0_grub, capsys, _ansible_check_mode=True, **args)
    assert checked["changed"] is True and not cfg.exists()
    assert checked["cmdline"] == "dom0_mem=4096M,max:4096M dom0_max_vcpus=1-4 dom0_vcpus_pin"
    assert checked["autoballoon"] == "off" and checked["dom0_mem_mb"] == 4096
    applied = run(xen_dom0_grub, capsys, **args)
    assert applied["changed"] is True and "backup" not in applied and applied["set_saved_entry"] is False
    assert "XEN_OVERRIDE_GRUB_DEFAULT=1" in cfg.read_text()
    assert run(xen_dom0_grub, capsys, **args)["changed"] is False
    main.write_text("GRUB_DEFAULT=saved\n")
    saved = run(xen_dom0_grub, capsys, **args)
    assert saved["changed"] is True and saved["set_saved_entry"] is True
    assert "XEN_OVERRIDE_GRUB_DEFAULT=0" in cfg.read_text()
    assert os.path.basename(saved["backup"]).startswith(".xen.cfg.")


def test_redhat_style_edits_default_grub(tmp_path, capsys):
    main = tmp_path / "grub"
    main.write_text('GRUB_TIMEOUT=5\nGRUB_DEFAULT=saved\nGRUB_CMDLINE_LINUX="rhgb quiet"\n')
    result = run(xen_dom0_grub, capsys, style="redhat", default_grub=str(main), dom0_mem="2048")
    assert result["changed"] is True and result["set_saved_entry"] is True
    assert main.read_text().endswith('GRUB_CMDLINE_XEN_DEFAULT="dom0_mem=2048M,max:2048M"\n')
    assert 'GRUB_CMDLINE_LINUX="rhgb quiet"' in main.read_text()


def test_bad_input_changes_nothing(tmp_path, capsys):
    cfg = tmp_path / "xen.cfg"
    result = run(xen_dom0_grub, capsys, path=str(cfg), default_grub=str(tmp_path / "none"), dom0_mem="100M")
    assert result["failed"] is True and "below the 512 MiB a dom0 needs" in result["msg"]
    assert not cfg.exists()


@pytest.mark.parametrize("link", [False, True])
def test_debian_style_refuses_to_write_the_main_defaults_file(tmp_path, capsys, link):
    """path given as default_grub (or a link to it) replaced all of /etc/default/grub with the grub.d snippet."""
    main = tmp_path / "grub"
    main.write_text('GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX="quiet"\n')
    path = main
    if link:
        path = tmp_path / "xen.cfg"
        path.symlink_to(main)
    for check in (True, False):
        result = run(xen_dom0_grub, capsys, path=str(path), default_grub=str(main), dom0_mem="4G",
                     _ansible_check_mode=check)
        assert result["failed"] is True and result["msg"] == (
            "path %s is the main defaults file %s: style debian writes its own file under grub.d" % (path, main))
    assert main.read_text() == 'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX="quiet"\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["grub"] + (["xen.cfg"] if link else []))


@pytest.mark.parametrize("style", ["debian", "redhat"])
def test_a_default_grub_that_is_not_utf8_is_refused_cleanly(tmp_path, capsys, style):
    main = tmp_path / "grub"
    main.write_bytes(b"GRUB_DEFAULT=saved\n# Gr\xfc\xdfe\n")
    before = sorted(os.listdir(str(tmp_path)))
    result = run(xen_dom0_grub, capsys, style=style, path=str(tmp_path / "xen.cfg"), default_grub=str(main),
                 dom0_mem="2048")
    assert result["failed"] is True and "Traceback" not in json.dumps(result)
    assert result["msg"] == "cannot read %s: it is not UTF-8 text (byte 23: invalid start byte)" % main
    assert sorted(os.listdir(str(tmp_path))) == before and main.read_bytes().endswith(b"\xfc\xdfe\n")


def test_info_on_a_plain_kernel(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no xl
    result = run(xen_dom0_info, capsys, capabilities_path=str(tmp_path / "nope"), expect_dom0_mem="4G",
                 grub_cfg=os.path.join(DATA, "grub_xen_debian12.cfg"), grubenv=str(tmp_path / "grubenv"))
    assert result["changed"] is False and result["is_dom0"] is False
    # It named /proc/xen/capabilities whatever capabilities_path was.
    assert result["problems"][0].startswith("%s does not exist: the plain Linux kernel" % (tmp_path / "nope"))
    assert result["grub"]["default_is_xen"] is True and result["grub"]["problems"] == []


def test_info_in_dom0_with_a_fake_xl(tmp_path, capsys, monkeypatch):
    xl = tmp_path / "xl"
    xl.write_text('#!/bin/sh\ncase "$1" in info) cat %s;; list) cat %s;; esac\n' % (
        os.path.join(DATA, "xl_info_4.17.txt"), os.path.join(DATA, "xl_list_4.17.txt")))
    xl.chmod(0o755)
    monkeypatch.setenv("PATH", "%s:%s" % (tmp_path, os.environ["PATH"]))
    caps = os.path.join(DATA, "capabilities_dom0.txt")
    good = run(xen_dom0_info, capsys, capabilities_path=caps, expect_dom0_mem="4G")
    assert good["is_dom0"] is True and good["problems"] == [] and good["xen_version"] == "4.17.6-pre"
    assert good["dom0"] == dict(id=0, mem_mb=4095, vcpus=4, state="r-----")
    wrong = run(xen_dom0_info, capsys, capabilities_path=caps, expect_dom0_mem="8G")
    assert wrong["problems"] and "dom0 has 4095 MiB but dom0_mem asks for 8192 MiB" in wrong["problems"][0]


def test_backup_is_returned_only_when_one_was_made(tmp_path, capsys):
    """A first write returned backup: null, though RETURN says backup is returned when one was made."""
    cfg, main = tmp_path / "grub.d" / "xen.cfg", tmp_path / "grub"
    main.write_text("GRUB_DEFAULT=0\n")
    first = run(xen_dom0_grub, capsys, path=str(cfg), default_grub=str(main), dom0_mem="4G")
    assert first["changed"] is True and "backup" not in first
    second = run(xen_dom0_grub, capsys, path=str(cfg), default_grub=str(main), dom0_mem="2G")
    assert second["changed"] is True and os.path.exists(second["backup"])
    checked = run(xen_dom0_grub, capsys, path=str(cfg), default_grub=str(main), dom0_mem="1G", _ansible_check_mode=True)
    assert checked["changed"] is True and "backup" not in checked
