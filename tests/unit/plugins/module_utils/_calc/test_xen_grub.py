# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Xen command line calculator, from tables."""

from __future__ import annotations

import subprocess

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc import xen_grub
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError


@pytest.mark.parametrize("kwargs, cmdline, autoballoon", [
    (dict(), "", "auto"),
    (dict(dom0_mem="4G"), "dom0_mem=4096M,max:4096M", "off"),
    (dict(dom0_mem=4096), "dom0_mem=4096M,max:4096M", "off"),
    (dict(dom0_mem="2048M", dom0_mem_max="4G"), "dom0_mem=2048M,max:4096M", "off"),
    (dict(dom0_mem="1048576K"), "dom0_mem=1024M,max:1024M", "off"),
    (dict(dom0_max_vcpus="1-4"), "dom0_max_vcpus=1-4", "auto"),
    (dict(dom0_max_vcpus=2), "dom0_max_vcpus=2", "auto"),
    (dict(dom0_mem="8G", dom0_max_vcpus="4", dom0_vcpus_pin=True, extra=["ucode=scan", "iommu=verbose"]),
     "dom0_mem=8192M,max:8192M dom0_max_vcpus=4 dom0_vcpus_pin ucode=scan iommu=verbose", "off"),
    (dict(extra=["console=com1,vga", "com1=115200,8n1"]), "console=com1,vga com1=115200,8n1", "auto"),
])
def test_cmdline(kwargs, cmdline, autoballoon):
    req = xen_grub.build(**kwargs)
    assert xen_grub.cmdline(req) == cmdline
    assert xen_grub.autoballoon(req) == autoballoon


@pytest.mark.parametrize("kwargs, message", [
    (dict(dom0_mem="256M"), "below the 512 MiB"),
    (dict(dom0_mem="4X"), "is not a size"),
    (dict(dom0_mem=True), "is not a size"),
    (dict(dom0_mem="1K"), "whole number of MiB"),
    (dict(dom0_mem="4G", dom0_mem_max="2G"), "is below dom0_mem"),
    (dict(dom0_mem_max="4G"), "needs dom0_mem"),
    (dict(dom0_max_vcpus="4-2"), "1 <= min <= max"),
    (dict(dom0_max_vcpus="0"), "1 <= min <= max"),
    (dict(dom0_max_vcpus="two"), "is not <n> or <min>-<max>"),
    (dict(extra=["dom0_mem=2G"]), "through its own variable"),
    (dict(extra=["dom0_vcpus_pin"]), "through its own variable"),
    (dict(extra=["a b"]), "no spaces"),
    (dict(extra=['x="1"']), "no spaces, quotes"),
    (dict(extra=["x=$(reboot)"]), "no spaces, quotes"),
    (dict(extra=[""]), "one option per item"),
    (dict(extra=["ucode=scan", "ucode=nmi"]), "name one key twice"),
])
def test_refused(kwargs, message):
    with pytest.raises(PlanError, match=message.replace("(", r"\(").replace("$", r"\$")):
        xen_grub.build(**kwargs)


@pytest.mark.parametrize("text, saved", [
    ("GRUB_DEFAULT=0\n", False),
    ("GRUB_DEFAULT=saved\n", True),
    ('GRUB_DEFAULT="saved"\nGRUB_SAVEDEFAULT=true\n', True),
    ("GRUB_DEFAULT=saved\nGRUB_DEFAULT=0\n", False),
    ("#GRUB_DEFAULT=saved\nGRUB_TIMEOUT=5\n", False),
    ("export GRUB_DEFAULT='saved'  # keep\n", True),
    ("", False),
])
def test_saved_detection(text, saved):
    assert xen_grub.grub_default_is_saved(text) is saved


def _source(text, grub_default, distributor="Debian"):
    """Source the rendered file the way update-grub does and print GRUB_DEFAULT and the Xen line."""
    script = ('GRUB_DISTRIBUTOR=%s; GRUB_DEFAULT=%s; gettext() { printf "%%s" "$1"; }\n%s\n'
              'printf "%%s|%%s" "$GRUB_DEFAULT" "$GRUB_CMDLINE_XEN_DEFAULT"' % (distributor, grub_default, text))
    return subprocess.run(["sh", "-c", script], check=True, capture_output=True, text=True).stdout


@pytest.mark.parametrize("make_default, saved, grub_default, expect_default, set_saved", [
    (True, False, "0", "Debian GNU/Linux, with Xen hypervisor", False),
    (True, True, "saved", "saved", True),
    (False, False, "0", "0", False),
    (False, True, "saved", "saved", False),
])
def test_xen_cfg_default_entry(make_default, saved, grub_default, expect_default, set_saved):
    req = xen_grub.build(dom0_mem="4G", dom0_max_vcpus="1-4")
    text, must_set = xen_grub.xen_cfg("# managed", req, make_default, saved)
    assert must_set is set_saved
    assert _source(text, grub_default) == "%s|dom0_mem=4096M,max:4096M dom0_max_vcpus=1-4" % expect_default


def test_xen_cfg_title_without_distributor():
    """20_linux_xen titles the entry plain "GNU/Linux, with Xen hypervisor" when GRUB_DISTRIBUTOR is empty."""
    text = xen_grub.xen_cfg("# managed", xen_grub.build(), True, False)[0]
    assert _source(text, "0", distributor="").startswith("GNU/Linux, with Xen hypervisor|")


def test_xen_cfg_linux_cmdline_and_refusal():
    req = xen_grub.build(dom0_mem="4G")
    text = xen_grub.xen_cfg("# managed", req, True, False, "console=hvc0 earlyprintk=xen")[0]
    assert 'GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="console=hvc0 earlyprintk=xen"' in text
    with pytest.raises(PlanError, match="no quotes"):
        xen_grub.xen_cfg("# managed", req, True, False, 'console="hvc0"')


@pytest.mark.parametrize("before, after", [
    ('GRUB_TIMEOUT=5\nGRUB_DEFAULT=saved\n', 'GRUB_TIMEOUT=5\nGRUB_DEFAULT=saved\nGRUB_CMDLINE_XEN_DEFAULT="dom0_mem=4096M,max:4096M"\n'),
    ('GRUB_CMDLINE_XEN_DEFAULT="old"\nX=1\nGRUB_CMDLINE_XEN_DEFAULT="dup"\n', 'GRUB_CMDLINE_XEN_DEFAULT="dom0_mem=4096M,max:4096M"\nX=1\n'),
])
def test_default_grub_key(before, after):
    line = xen_grub.cmdline(xen_grub.build(dom0_mem="4G"))
    assert xen_grub.default_grub_key(before, "GRUB_CMDLINE_XEN_DEFAULT", line) == after
    # applying the result again leaves nothing to do
    assert xen_grub.default_grub_key(after, "GRUB_CMDLINE_XEN_DEFAULT", line) == after


@pytest.mark.parametrize("kwargs, message", [
    (dict(dom0_mem="9" * 400 + "K"), "whole number of MiB"),
    (dict(dom0_mem="9007199254740993K"), "whole number of MiB"),
    (dict(dom0_max_vcpus="\uff11-\uff14"), "is not <n> or <min>-<max>"),
    (dict(dom0_max_vcpus="\u0664"), "is not <n> or <min>-<max>"),
])
def test_huge_and_non_ascii_values_are_refused_cleanly(kwargs, message):
    """A size too large for a float, or digits Xen does not read, get a PlanError, not a traceback."""
    with pytest.raises(PlanError, match=message.replace("(", r"\(")):
        xen_grub.build(**kwargs)


def test_exact_kib_sizes_stay_exact():
    assert xen_grub.size_mb("9007199254740992K", "dom0_mem") == 8796093022208


@pytest.mark.parametrize("linux", ["console=hvc0\nearlyprintk=xen", "console=hvc0\r"])
def test_xen_cfg_refuses_a_line_break_in_the_dom0_kernel_options(linux):
    """update-grub copies the value into a 'linux' line of grub.cfg: a line break would start a new command."""
    with pytest.raises(PlanError, match="line break"):
        xen_grub.xen_cfg("# managed", xen_grub.build(), True, False, linux)


@pytest.mark.parametrize("header", ["Managed by Ansible", "# managed\nreboot"])
def test_xen_cfg_header_must_be_comment_lines(header):
    """update-grub sources the file under set -e: a header line that is not a comment runs as a command."""
    with pytest.raises(PlanError, match="header"):
        xen_grub.xen_cfg(header, xen_grub.build(), True, False)


def test_xen_cfg_header_may_have_blank_and_indented_comment_lines():
    header = "#\n# managed\n\n  # indented"
    assert xen_grub.xen_cfg(header, xen_grub.build(), True, False)[0].startswith(header + "\n")
