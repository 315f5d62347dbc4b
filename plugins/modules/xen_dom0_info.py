#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: xen_dom0_info
short_description: Whether this host is running as a Xen dom0, as requested, and what GRUB will boot next
version_added: 0.1.0
description:
  - Reads C(/proc/xen/capabilities) (C(control_d) only in dom0), C(xl info) (answers only in dom0 with xenstored
    running) and C(xl list) (dom0's memory), and returns them with RV(problems), a list of precise messages that is
    empty when the host is a working dom0 with the requested memory.
  - With O(grub_cfg), also reports which entry GRUB boots by default (following C(set default=), menu indexes and
    C(saved_entry) in grubenv) and whether that entry is a Xen entry, so a play can check the next boot before
    rebooting.
  - Never fails because the host is not dom0; the caller decides (the P(hypercloud.builder.xen_dom0#role) role fails
    with the problems).
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes
options:
  capabilities_path:
    description: Where xenfs shows the domain's capabilities.
    type: path
    default: /proc/xen/capabilities
  expect_dom0_mem:
    description: dom0's memory as requested (MiB, or with a K/M/G/T suffix); checked against C(xl list) with 64 MiB of slack.
    type: str
  grub_cfg:
    description: The generated GRUB menu to read the default entry from (C(/boot/grub/grub.cfg), C(/boot/grub2/grub.cfg)).
    type: path
  grubenv:
    description: The GRUB environment block with C(saved_entry); defaults to C(grubenv) beside O(grub_cfg).
    type: path
"""

EXAMPLES = r"""
- name: Check that the host booted into Xen with 4 GiB for dom0
  hypercloud.builder.xen_dom0_info:
    expect_dom0_mem: 4G
    grub_cfg: /boot/grub/grub.cfg
  register: xen

- name: Fail when it did not
  ansible.builtin.assert:
    that: xen.problems | length == 0
    fail_msg: "{{ xen.problems | join(' ') }}"
"""

RETURN = r"""
is_dom0:
  description: C(/proc/xen/capabilities) contains C(control_d).
  returned: always
  type: bool
  sample: true
capabilities:
  description: The words in C(/proc/xen/capabilities).
  returned: always
  type: list
  elements: str
  sample: [control_d]
xl_info:
  description: C(xl info) as a dict (empty when it did not answer).
  returned: always
  type: dict
  sample: {"xen_version": "4.17.6-pre", "total_memory": 65225, "free_memory": 60519,
           "xen_commandline": "placeholder dom0_mem=4096M,max:4096M"}
xen_version:
  description: The hypervisor version from C(xl info), or null.
  returned: always
  type: str
  sample: 4.17.6-pre
dom0:
  description: Domain-0 from C(xl list) (id, mem_mb, vcpus, state), or null.
  returned: always
  type: dict
  sample: {"id": 0, "mem_mb": 4096, "vcpus": 4, "state": "r-----"}
problems:
  description: Why this host is not a working dom0 as requested; empty when it is.
  returned: always
  type: list
  elements: str
  sample: ["/proc/xen/capabilities does not exist: the plain Linux kernel is running, not Xen ..."]
grub:
  description:
    - The default boot entry, the Xen entries, whether the default is one of them, and V(problems), why the next
      boot would not start Xen (empty when it would).
  returned: when O(grub_cfg) is set
  type: dict
  sample: {"default": "Debian GNU/Linux, with Xen hypervisor", "default_title": "Debian GNU/Linux, with Xen hypervisor",
           "xen_entries": ["Debian GNU/Linux, with Xen hypervisor"], "default_is_xen": true, "problems": []}
"""

import os

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import textfile
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc import xen_grub, xen_info


class XenDom0Info(HypercloudModule):
    supports_check_mode = True
    argument_spec = dict(
        capabilities_path=dict(type="path", default="/proc/xen/capabilities"),
        expect_dom0_mem=dict(type="str"),
        grub_cfg=dict(type="path"),
        grubenv=dict(type="path"),
    )

    def xl(self, *args):
        xl = self.module.get_bin_path("xl")
        if not xl:
            return None
        rc, out, _err = self.module.run_command([xl] + list(args))
        return out if rc == 0 and out.strip() else None

    def run(self):
        p = self.params
        expect = xen_grub.size_mb(p["expect_dom0_mem"], "expect_dom0_mem")
        caps = textfile.read(p["capabilities_path"]) if os.path.exists(p["capabilities_path"]) else None
        found = xen_info.verdict(caps, self.xl("info"), self.xl("list"), expect, p["capabilities_path"])
        if p["grub_cfg"]:
            cfg = textfile.read(p["grub_cfg"])
            env = textfile.read(p["grubenv"] or os.path.join(os.path.dirname(p["grub_cfg"]), "grubenv"))
            found["grub"] = xen_info.grub_default(cfg or "", env or "")
            grub_problems = found["grub"]["problems"] = []
            if cfg is None:
                grub_problems.append("%s does not exist: run update-grub" % p["grub_cfg"])
            elif not found["grub"]["xen_entries"]:
                grub_problems.append("%s has no Xen entry: is the hypervisor installed in /boot?" % p["grub_cfg"])
            elif not found["grub"]["default_is_xen"]:
                title = found["grub"]["default_title"]
                grub_problems.append("GRUB's default entry is %r, not a Xen entry" % (title,))
        return dict(changed=False, **found)


def main():
    XenDom0Info().execute()


if __name__ == "__main__":
    main()
