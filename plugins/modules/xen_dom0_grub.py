#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: xen_dom0_grub
short_description: The Xen hypervisor command line and default boot entry in GRUB's configuration
version_added: 0.1.0
description:
  - Builds C(GRUB_CMDLINE_XEN_DEFAULT) from structured values (C(dom0_mem=X,max:Y), C(dom0_max_vcpus),
    C(dom0_vcpus_pin), extra options) and refuses, before writing anything, sizes below 512 MiB, a maximum below
    the size, a malformed vCPU range, an extra option that repeats a managed one or carries shell characters.
  - With O(style=debian) writes the whole of C(/etc/default/grub.d/xen.cfg), which update-grub sources after
    C(/etc/default/grub). With O(make_default=true) the Xen entry becomes the default through
    C(XEN_OVERRIDE_GRUB_DEFAULT=1), except when the operator uses C(GRUB_DEFAULT=saved), which that setting would
    silently replace; then it writes C(XEN_OVERRIDE_GRUB_DEFAULT=0) and returns RV(set_saved_entry=true) so that
    the caller names the Xen entry with C(grub-set-default).
  - With O(style=redhat) (Fedora, whose grub2-mkconfig reads only C(/etc/default/grub)) sets
    C(GRUB_CMDLINE_XEN_DEFAULT) in O(default_grub), keeping every other line; the default entry is then always
    chosen with C(grub2-set-default).
  - Does not run update-grub; the caller does, when this module reports a change.
  - Files are written atomically, with a backup (a dot file, which C(grub.d/*.cfg) does not match).
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes
options:
  default_grub:
    description: GRUB's main defaults file; read for C(GRUB_DEFAULT=saved), and written with O(style=redhat).
    type: path
    default: /etc/default/grub
  dom0_max_vcpus:
    description: C(dom0_max_vcpus), a number (V(4)) or a range (V(1-4)).
    type: str
  dom0_mem:
    description: dom0's memory, in MiB or with a K, M, G or T suffix (V(4G)). Unset leaves dom0 all memory.
    type: str
  dom0_mem_max:
    description: The C(max:) part of C(dom0_mem); defaults to O(dom0_mem), which fixes dom0's memory.
    type: str
  dom0_vcpus_pin:
    description: Pin dom0's vCPU i to physical CPU i.
    type: bool
    default: false
  extra_options:
    description: More hypervisor options, one per item (V(ucode=scan), V(iommu=verbose)).
    type: list
    elements: str
    default: []
  header:
    description: Comment lines to start O(path) with (the role passes C(ansible_managed)).
    type: str
    default: "# Managed by hypercloud.builder.xen_dom0_grub"
  linux_cmdline:
    description:
      - dom0 kernel options for the Xen entries (C(GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT)), for example
        V(console=hvc0 earlyprintk=xen). Unset keeps the normal kernel options. O(style=debian) only.
    type: str
  make_default:
    description: Make the Xen entry the default boot entry.
    type: bool
    default: true
  path:
    description: The file to write with O(style=debian).
    type: path
    default: /etc/default/grub.d/xen.cfg
  style:
    description: V(debian) (Debian, Ubuntu) or V(redhat) (Fedora and other grub2-mkconfig without grub.d).
    type: str
    choices: [debian, redhat]
    default: debian
"""

EXAMPLES = r"""
- name: 4 GiB fixed dom0, two pinned vCPUs, microcode from the initrd
  hypercloud.builder.xen_dom0_grub:
    dom0_mem: 4G
    dom0_max_vcpus: "2"
    dom0_vcpus_pin: true
    extra_options: [ucode=scan]
  register: xen_grub
"""

RETURN = r"""
cmdline:
  description: The hypervisor command line written.
  returned: always
  type: str
  sample: dom0_mem=4096M,max:4096M dom0_max_vcpus=2 dom0_vcpus_pin ucode=scan
autoballoon:
  description: The xl.conf C(autoballoon) that fits (V(off) when dom0's memory is fixed, else V(auto)).
  returned: always
  type: str
  sample: "off"
dom0_mem_mb:
  description: dom0's memory in MiB, or null when not set.
  returned: always
  type: int
  sample: 4096
path:
  description: The file written (or that would be written).
  returned: always
  type: str
  sample: /etc/default/grub.d/xen.cfg
backup:
  description: The backup of the previous file, when one was made.
  returned: changed, not in check mode, and the file existed before
  type: str
  sample: /etc/default/grub.d/.xen.cfg.20261121T101500.bak
set_saved_entry:
  description: The Xen entry must be chosen with C(grub-set-default)/C(grub2-set-default), because GRUB_DEFAULT is saved.
  returned: always
  type: bool
  sample: false
"""

import os

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import textfile
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc import xen_grub


class XenDom0Grub(HypercloudModule):
    supports_check_mode = True
    argument_spec = dict(
        default_grub=dict(type="path", default="/etc/default/grub"),
        dom0_max_vcpus=dict(type="str"),
        dom0_mem=dict(type="str"),
        dom0_mem_max=dict(type="str"),
        dom0_vcpus_pin=dict(type="bool", default=False),
        extra_options=dict(type="list", elements="str", default=[]),
        header=dict(type="str", default="# Managed by hypercloud.builder.xen_dom0_grub"),
        linux_cmdline=dict(type="str"),
        make_default=dict(type="bool", default=True),
        path=dict(type="path", default="/etc/default/grub.d/xen.cfg"),
        style=dict(type="str", default="debian", choices=["debian", "redhat"]),
    )

    def run(self):
        p = self.params
        req = xen_grub.build(p["dom0_mem"], p["dom0_mem_max"], p["dom0_max_vcpus"], p["dom0_vcpus_pin"],
                             p["extra_options"])
        main_text = textfile.read(p["default_grub"])
        if p["style"] == "debian":
            if os.path.realpath(p["path"]) == os.path.realpath(p["default_grub"]):
                raise xen_grub.PlanError("path %s is the main defaults file %s: style debian writes its own file "
                                         "under grub.d" % (p["path"], p["default_grub"]))
            path, before = p["path"], textfile.read(p["path"])
            saved = xen_grub.grub_default_is_saved(main_text or "")
            after, set_saved = xen_grub.xen_cfg(p["header"], req, p["make_default"], saved, p["linux_cmdline"])
        else:
            if main_text is None:
                raise xen_grub.PlanError("%s does not exist: is grub2 installed?" % p["default_grub"])
            path, before = p["default_grub"], main_text
            after = xen_grub.default_grub_key(main_text, "GRUB_CMDLINE_XEN_DEFAULT", xen_grub.cmdline(req))
            set_saved = p["make_default"]
        changed = before != after
        result = self.result(changed=changed, before=before or "", after=after, path=path,
                             cmdline=xen_grub.cmdline(req), autoballoon=xen_grub.autoballoon(req),
                             dom0_mem_mb=req.dom0_mem_mb, set_saved_entry=set_saved)
        if changed and not self.check_mode:
            saved = textfile.write(path, after, mode=textfile.mode_of(path) or 0o644)
            if saved:
                result["backup"] = saved
        return result


def main():
    XenDom0Grub().execute()


if __name__ == "__main__":
    main()
