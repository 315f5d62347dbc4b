#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: qcow2_image
short_description: A qcow2 image, blank or converted (compressed) from a build disk, with its checksum and stamp
version_added: 0.1.0
description:
  - With O(size) and no O(source), creates a blank qcow2 disk (C(qemu-img create)) when O(path) does not exist.
  - With O(source), writes O(path) as a qcow2 converted from it (C(qemu-img convert -O qcow2), with C(-c)
    when O(compress)), through a temporary file renamed into place, then writes the checksum to
    C(PATH.sha256) (C(sha256sum) format) and O(stamp) with the checksum to C(PATH.stamp.json).
  - An image whose stamp file records the same O(stamp) and whose size matches it is left alone, so a
    finished image with the same inputs is not converted again (and O(source) may be gone by then).
  - O(state=absent) removes O(path) and its checksum and stamp files.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes
options:
  compress:
    description: Compress the clusters (qcow2 zlib), as for a Glance upload.
    type: bool
    default: true
  path:
    description: The image file.
    type: path
    required: true
  size:
    description: Virtual size of a blank disk, as C(qemu-img) takes it (V(40G)).
    type: str
  source:
    description: The image to convert from (any format qemu-img reads).
    type: path
  stamp:
    description: The inputs hash the image is built from; recorded with the checksum.
    type: str
    default: ""
  state:
    description: Whether the image should exist.
    type: str
    choices: [absent, present]
    default: present
requirements:
  - qemu-img
"""

EXAMPLES = r"""
- name: Blank build disk
  hypercloud.builder.qcow2_image:
    path: /var/lib/hw-images/ws2022/build.qcow2
    size: 40G

- name: Compressed image for Glance, stamped with the inputs hash
  hypercloud.builder.qcow2_image:
    path: /var/lib/hw-images/ws2022.qcow2
    source: /var/lib/hw-images/ws2022/build.qcow2
    stamp: "{{ answer.inputs_hash }}"
"""

RETURN = r"""
actual_size:
  description: Bytes the image takes on disk.
  returned: when the image exists, except in check mode when it would be converted
  type: int
  sample: 9123456000
checksum:
  description:
    - sha256 of the image file (also in C(PATH.sha256)); for a blank disk, not computed (V(null)).
    - V(null) in check mode when the image would be converted, because it is not known before the conversion.
  returned: always
  type: str
  sample: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
path:
  description: The image file.
  returned: always
  type: str
  sample: /var/lib/hw-images/ws2022.qcow2
stamp:
  description: The stamp recorded next to the image (in check mode, the one that would be recorded).
  returned: always
  type: str
  sample: 3f1c0b0e6e5d4d8c9b5e3c6a2f0e1d7c8b9a0f1e2d3c4b5a69788796a5b4c3d2
virtual_size:
  description: Virtual size in bytes.
  returned: when the image exists, except in check mode when it would be converted
  type: int
  sample: 42949672960
"""

import json
import os

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import image_tools as io
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError


class Qcow2Image(HypercloudModule):
    supports_check_mode = True
    argument_spec = dict(
        compress=dict(type="bool", default=True),
        path=dict(type="path", required=True),
        size=dict(type="str"),
        source=dict(type="path"),
        stamp=dict(type="str", default=""),
        state=dict(type="str", default="present", choices=["absent", "present"]),
    )
    module_kwargs = dict(mutually_exclusive=[("size", "source")],
                         required_if=[("state", "present", ("size", "source"), True)])

    def run(self):
        p = self.params
        path = p["path"]
        sidecars = [path + ".sha256", path + ".stamp.json"]
        if os.path.isdir(path):
            raise PlanError("path %s is a directory, not an image file" % path)
        exists = os.path.exists(path)
        if p["state"] == "absent":
            gone = [f for f in [path] + sidecars if os.path.exists(f)]
            if not self.check_mode:
                for name in gone:
                    try:
                        os.unlink(name)
                    except OSError as err:
                        raise AdapterError("cannot remove %s: %s" % (name, err)) from None
            return self.result(bool(gone), "present" if exists else "absent", "absent", path=path, checksum=None,
                               stamp="")
        tools = io.ImageTools(self.module.run_command, self.module.get_bin_path)
        record = io.read_json(path + ".stamp.json")
        if p["source"]:
            current = exists and record.get("stamp") == p["stamp"] and record.get("size") == os.path.getsize(path)
            if not current and not os.path.exists(p["source"]):
                raise PlanError("source image %s does not exist and %s is not built with stamp %s"
                                % (p["source"], path, p["stamp"] or "(empty)"))
            action = None if current else "convert"
        else:
            action = None if exists else "create"
        if action and not self.check_mode:
            if action == "create":
                tools.create_qcow2(path, p["size"])
            else:
                tools.convert(p["source"], path, p["compress"])
                # The old stamp no longer describes the image: gone before the new one is written, so a
                # failure in between leaves an image that is converted again, never a stale stamp. A
                # failed conversion leaves the old image and its stamp as they were.
                for name in sidecars:
                    if os.path.exists(name):
                        os.unlink(name)
                checksum = io.sha256_file(path)
                io.write_atomic(path + ".sha256", ("%s  %s\n" % (checksum, os.path.basename(path))).encode())
                io.write_atomic(path + ".stamp.json", json.dumps(dict(
                    stamp=p["stamp"], sha256=checksum, size=os.path.getsize(path),
                    compressed=p["compress"], source=p["source"])).encode())
                record = io.read_json(path + ".stamp.json")
        # In check mode a pending conversion has not happened: the old image's checksum and sizes are what
        # it would replace, and its new ones are not known yet. The stamp is the one it would record.
        pending = action == "convert" and self.check_mode
        out = dict(path=path, checksum=record.get("sha256") if p["source"] and not pending else None, stamp=p["stamp"])
        if os.path.exists(path) and not pending:
            info = tools.info(path)
            out.update(virtual_size=info.get("virtual-size"), actual_size=info.get("actual-size"))
        return self.result(bool(action), "absent" if not exists else "present",
                           "%s from %s" % (action, p["source"] or p["size"]) if action else "present", **out)


def main():
    Qcow2Image().execute()


if __name__ == "__main__":
    main()
