# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""dom0 detection from captured /proc/xen/capabilities, xl info, xl list and grub.cfg (see data/README.md)."""

from __future__ import annotations

import os

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc import xen_info

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def data(name):
    with open(os.path.join(DATA, name), encoding="utf-8") as handle:
        return handle.read()


def test_parse_xl_info():
    info = xen_info.parse_xl_info(data("xl_info_4.17.txt"))
    assert info["xen_version"] == "4.17.6-pre"
    assert info["xen_major"] == 4 and info["xen_minor"] == 17
    assert info["total_memory"] == 65225 and info["free_memory"] == 60519
    assert "dom0_mem=4096M,max:4096M" in info["xen_commandline"]
    assert info["xen_changeset"] == ""
    assert info["virt_caps"].startswith("pv hvm")


def test_parse_xl_list():
    domains = xen_info.parse_xl_list(data("xl_list_4.17.txt"))
    assert domains["Domain-0"] == dict(id=0, mem_mb=4095, vcpus=4, state="r-----")
    assert domains["web01"]["id"] == 3


@pytest.mark.parametrize("caps, info, listing, expect, is_dom0, problems", [
    ("capabilities_dom0.txt", "xl_info_4.17.txt", "xl_list_4.17.txt", 4096, True, []),
    ("capabilities_dom0.txt", "xl_info_4.17.txt", "xl_list_4.17.txt", None, True, []),
    ("capabilities_dom0.txt", "xl_info_4.17.txt", "xl_list_4.17.txt", 8192, True,
     ["dom0 has 4095 MiB but dom0_mem asks for 8192 MiB"]),
    ("capabilities_dom0.txt", "xl_info_4.17.txt", "xl_list_4.17.txt", 2048, True,
     ["dom0 has 4095 MiB but dom0_mem asks for 2048 MiB"]),
    (None, None, None, 4096, False,
     ["/proc/xen/capabilities does not exist: the plain Linux kernel is running", "'xl info' did not answer",
      "'xl list' shows no Domain-0"]),
    ("capabilities_domu.txt", None, None, None, False, ["runs under Xen but as a guest (domU)", "'xl info' did not answer"]),
    ("capabilities_dom0.txt", None, None, None, True, ["'xl info' did not answer"]),
])
def test_verdict(caps, info, listing, expect, is_dom0, problems):
    found = xen_info.verdict(data(caps) if caps else None, data(info) if info else None,
                             data(listing) if listing else None, expect)
    assert found["is_dom0"] is is_dom0
    assert len(found["problems"]) == len(problems)
    for text, expected in zip(found["problems"], problems):
        assert expected in text


def test_grub_default_title():
    found = xen_info.grub_default(data("grub_xen_debian12.cfg"))
    assert found["default"] == "Debian GNU/Linux, with Xen hypervisor"
    assert found["default_is_xen"] is True
    assert found["xen_entries"] == ["Debian GNU/Linux, with Xen hypervisor"]


@pytest.mark.parametrize("default_line, grubenv, title, is_xen", [
    ('set default="0"', "", "Debian GNU/Linux", False),
    ('set default="2"', "", "Debian GNU/Linux, with Xen hypervisor", True),
    ('set default="9"', "", None, False),
    ('set default="${saved_entry}"', "# GRUB Environment Block\nsaved_entry=Debian GNU/Linux, with Xen hypervisor\n",
     "Debian GNU/Linux, with Xen hypervisor", True),
    ('set default="${saved_entry}"', "# GRUB Environment Block\n", "Debian GNU/Linux", False),
    ('set default="Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux 6.1.0-28-amd64"', "",
     "Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux 6.1.0-28-amd64", False),
    # GRUB_DEFAULT and grub-set-default also take an entry's id ($menuentry_id_option), as GRUB resolves it.
    ('set default="xen-gnulinux-simple-0b1c"', "", "Debian GNU/Linux, with Xen hypervisor", True),
    ('set default="${saved_entry}"', "# GRUB Environment Block\nsaved_entry=xen-gnulinux-simple-0b1c\n",
     "Debian GNU/Linux, with Xen hypervisor", True),
    ('set default="gnulinux-simple-0b1c"', "", "Debian GNU/Linux", False),
    ('set default="gnulinux-advanced-0b1c>gnulinux-6.1.0-28-amd64-advanced-0b1c"', "",
     "Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux 6.1.0-28-amd64", False),
])
def test_grub_default_variants(default_line, grubenv, title, is_xen):
    cfg = data("grub_xen_debian12.cfg").replace('set default="Debian GNU/Linux, with Xen hypervisor"', default_line)
    found = xen_info.grub_default(cfg, grubenv)
    assert found["default_title"] == title
    assert found["default_is_xen"] is is_xen


@pytest.mark.parametrize("caps, problem", [
    (None, "/srv/caps does not exist: the plain Linux kernel is running"),
    ("\n", "/srv/caps has no control_d (''): this kernel runs under Xen but as a guest"),
])
def test_verdict_names_the_capabilities_path_it_read(caps, problem):
    """The problems named /proc/xen/capabilities whatever capabilities_path was."""
    found = xen_info.verdict(caps, None, None, None, "/srv/caps")
    assert found["problems"][0].startswith(problem)
