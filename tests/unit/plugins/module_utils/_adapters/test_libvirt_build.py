# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The build-VM adapter appends the tail of the log a libvirt error names."""

from __future__ import annotations

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.libvirt_build import with_log_tail

SWTPM_MSG = ("libvirt create(vm) failed: internal error: Could not run '/usr/bin/swtpm_setup'. exitstatus: 1; "
             "Check error log '%s' for details.")


def test_tail_of_the_named_log_is_appended(tmp_path):
    log = tmp_path / "vm-swtpm.log"
    log.write_text("".join("line %d\n" % n for n in range(20))
                   + "Need read/write rights on /var/lib/swtpm-localca/.lock.swtpm-localca for user tss.\n")
    out = with_log_tail(SWTPM_MSG % log, lines=3)
    assert out.startswith(SWTPM_MSG % log)
    assert out.endswith("line 18 | line 19 | Need read/write rights on /var/lib/swtpm-localca/.lock.swtpm-localca for user tss.")
    assert "line 17" not in out


@pytest.mark.parametrize("message", [
    "libvirt create(vm) failed: Requested operation is not valid: domain is already running",
    SWTPM_MSG % "/nonexistent/dir/vm-swtpm.log",
])
def test_message_unchanged_without_a_readable_log(message):
    assert with_log_tail(message) == message
