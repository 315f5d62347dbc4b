#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: glance_image
short_description: An image file in Glance with the properties Nova needs, uploaded only when its checksum is new
version_added: 0.1.0
description:
  - Uploads O(filename) to Glance as O(name) with openstacksdk (plain upload, not the import API), with
    O(properties) such as C(os_type=windows), C(os_distro), C(hw_disk_bus), C(hw_vif_model),
    C(hw_machine_type), C(hw_firmware_type), C(hw_qemu_guest_agent), C(os_require_quiesce).
  - Skips the upload when an active image of that name already has the file's checksum (Glance's md5
    C(checksum) or its sha512 C(os_hash_value)); then only properties that differ are set.
  - An image of that name with another checksum is left in place and a new one is uploaded beside it
    (Glance allows several images of one name); C(superseded) lists the older ones.
  - O(state=absent) deletes every image of that name.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes
  - hypercloud.builder._openstack
options:
  container_format:
    description: Glance container format.
    type: str
    default: bare
  disk_format:
    description: Glance disk format.
    type: str
    default: qcow2
  filename:
    description: The image file to upload. Required with O(state=present).
    type: path
  name:
    description: The image name.
    type: str
    required: true
  properties:
    description:
      - Image properties; values are sent as strings (V(true)/V(false) for booleans).
      - Glance's own image fields (such as C(min_ram), C(disk_format) or C(visibility)) and names starting with
        C(os_glance) are refused, with nothing changed.
    type: dict
    default: {}
  state:
    description: Whether the image should exist.
    type: str
    choices: [absent, present]
    default: present
  timeout:
    description: Seconds to wait for the upload to become active.
    type: int
    default: 3600
  visibility:
    description: Image visibility.
    type: str
    choices: [community, private, public, shared]
    default: private
requirements:
  - openstacksdk (tested with 4.22.0 against Glance 25.1.0)
"""

EXAMPLES = r"""
- name: Windows Server 2022 for Nova (UEFI, Secure Boot, virtio)
  hypercloud.builder.glance_image:
    cloud: mycloud
    name: windows-server-2022
    filename: /var/lib/hw-images/ws2022.qcow2
    properties:
      os_type: windows
      os_distro: windows
      os_version: "2022"
      hw_disk_bus: virtio
      hw_vif_model: virtio
      hw_machine_type: q35
      hw_firmware_type: uefi
      os_secure_boot: required
      hw_qemu_guest_agent: true
      os_require_quiesce: true
"""

RETURN = r"""
checksum:
  description: md5 and sha512 of O(filename), as Glance records them.
  returned: when O(state=present)
  type: dict
  sample: {"md5": "0f343b0931126a20f133d67c2b018a3b", "sha512": "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"}
deleted:
  description: IDs of the images of that name deleted (in check mode, that would be deleted).
  returned: when O(state=absent)
  type: list
  elements: str
  sample: ["1b7c1d2e-..."]
image:
  description: The image (id, name, status, checksum, hash_value, size, formats, visibility, properties).
  returned: when O(state=present) (in check mode, when the image exists already)
  type: dict
  sample: {"id": "1b7c1d2e-...", "name": "windows-server-2022", "status": "active", "properties": {"os_type": "windows"}}
superseded:
  description: IDs of other images of the same name with another checksum.
  returned: when O(state=present)
  type: list
  elements: str
  sample: ["0a6c5e11-..."]
uploaded:
  description: Whether the file was (or in check mode would be) uploaded.
  returned: always
  type: bool
  sample: false
"""

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import glance
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError


def as_property(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class GlanceImage(HypercloudModule):
    supports_check_mode = True
    shared_spec = glance.CONNECTION_SPEC
    argument_spec = dict(
        container_format=dict(type="str", default="bare"),
        disk_format=dict(type="str", default="qcow2"),
        filename=dict(type="path"),
        name=dict(type="str", required=True),
        properties=dict(type="dict", default={}),
        state=dict(type="str", default="present", choices=["absent", "present"]),
        timeout=dict(type="int", default=3600),
        visibility=dict(type="str", default="private", choices=["community", "private", "public", "shared"]),
    )
    module_kwargs = dict(required_if=[("state", "present", ("filename",))])

    def run(self):
        self.require("openstacksdk", glance.SDK_IMPORT_ERROR)
        p = self.params
        # Glance's own fields are not properties: set as one, it would be read back as drift on every run.
        own = sorted(k for k in p["properties"] if k in glance.CORE or k.startswith("os_glance"))
        if own:
            raise PlanError("properties %s are Glance's own image fields or its reserved os_glance prefix, not free-form "
                            "properties: leave them out (disk_format, container_format and visibility are options of "
                            "this module)" % ", ".join(own))
        api = glance.GlanceImages(glance.connect(p))
        existing = api.by_name(p["name"])
        if p["state"] == "absent":
            if not self.check_mode:
                for image in existing:
                    api.delete(image["id"])
            return self.result(bool(existing), [i["id"] for i in existing], [], uploaded=False,
                               deleted=[i["id"] for i in existing])
        try:
            md5, sha256, sha512 = glance.file_digests(p["filename"])
        except OSError as exc:
            raise PlanError("image file %s: %s" % (p["filename"], exc.strerror)) from None
        wanted = {k: as_property(v) for k, v in p["properties"].items()}
        same = [i for i in existing if i["status"] == "active" and (i["checksum"] == md5 or i["hash_value"] == sha512)]
        superseded = [i["id"] for i in existing if i not in same]
        out = dict(checksum=dict(md5=md5, sha512=sha512), superseded=superseded, uploaded=not same)
        if same:
            image = same[0]
            drift = {k: v for k, v in wanted.items() if image["properties"].get(k) != v}
            if drift and not self.check_mode:
                image = api.set_properties(image["id"], drift)
            before = {k: image["properties"].get(k) for k in wanted} if not drift else \
                {k: same[0]["properties"].get(k) for k in wanted}
            return self.result(bool(drift), before, wanted, image=image, **out)
        image = None
        if not self.check_mode:
            image = api.upload(p["name"], p["filename"], (md5, sha256), p["disk_format"], p["container_format"],
                               p["visibility"], wanted, p["timeout"])
            if image["checksum"] not in (None, md5):
                raise PlanError("Glance recorded checksum %s for %s, the file has %s" % (image["checksum"], p["name"], md5))
        if image is not None:
            out["image"] = image
        return self.result(True, None, dict(name=p["name"], md5=md5, properties=wanted), **out)


def main():
    GlanceImage().execute()


if __name__ == "__main__":
    main()
