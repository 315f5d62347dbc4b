# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The atomic text writers (textfile, netconfig) on real files: links are followed, not replaced."""

from __future__ import annotations

import os
import pathlib
import time

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import netconfig, textfile
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError


def write_textfile(path, text):
    return textfile.write(path, text, mode=0o640)


def write_netconfig(path, text):
    return netconfig.NetConfig("/", lambda *_a, **_k: (0, "", "")).write(path, text)


@pytest.mark.parametrize("write", [write_textfile, write_netconfig])
def test_a_symlink_is_followed_and_stays_a_link(tmp_path, write):
    real = tmp_path / "real" / "file.conf"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "file.conf"
    link.symlink_to(real)
    backup = write(str(link), "new\n")
    assert link.is_symlink() and os.readlink(str(link)) == str(real)
    assert real.read_text() == "new\n"
    assert backup and os.path.dirname(backup) == str(real.parent) and pathlib.Path(backup).read_text() == "old\n"
    assert sorted(os.listdir(str(tmp_path))) == ["file.conf", "real"]


def test_textfile_refuses_text_that_is_not_utf8(tmp_path):
    path = tmp_path / "grub"
    path.write_bytes(b"A=1\n\xff\n")
    with pytest.raises(AdapterError, match="it is not UTF-8 text"):
        textfile.read(str(path))


@pytest.mark.parametrize("write", [write_textfile, write_netconfig])
def test_two_writes_in_one_second_keep_both_backups(tmp_path, write, monkeypatch):
    """The backup is named after the second: a second write in it replaced the backup of the original."""
    monkeypatch.setattr(time, "strftime", lambda _fmt, *_a: "20261122T101500")
    path = tmp_path / "file.conf"
    path.write_text("original\n")
    first = write(str(path), "A\n")
    second = write(str(path), "B\n")
    assert first != second
    assert pathlib.Path(first).read_text() == "original\n" and pathlib.Path(second).read_text() == "A\n"
    assert os.path.basename(first) == ".file.conf.20261122T101500.bak"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".bak")) == [
        ".file.conf.20261122T101500.1.bak", ".file.conf.20261122T101500.bak"]
