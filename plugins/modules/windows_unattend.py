#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: windows_unattend
short_description: Render the answer media of an unattended Windows build for OpenStack
version_added: 0.1.0
description:
  - Renders C(autounattend.xml) (windowsPE with virtio-win C(DriverPaths), the disk layout for BIOS or
    UEFI, the image in C(install.wim), product key, locale; specialize; oobeSystem with auto logon and
    first logon commands), the sysprep answer file, C(cloudbase-init.conf),
    C(cloudbase-init-unattend.conf), C(SetupComplete.cmd) and the guest-tools script into O(dest), with
    the cloudbase-init MSI and extra scripts copied next to them.
  - The first logon commands copy the media to C(C:\hw), install the virtio-win guest tools and
    cloudbase-init, run the extra scripts in order, then run
    C(sysprep /generalize /oobe /shutdown /unattend:C:\hw\sysprep-unattend.xml), so the VM powers
    itself off when the image is ready.
  - Builds the answer media from O(dest), an ISO (xorriso or genisoimage) or a 1.44 MB floppy (mtools),
    when O(media) is not V(none). Files are written atomically; files it wrote before and no longer
    renders are removed; the media is rebuilt only when its contents, its kind or its label changed.
  - In diff mode, each changed file shows under its name; a rebuilt medium shows under its path, with its
    kind, label and content hash before (null when the medium does not exist yet) and after.
  - Returns C(inputs_hash), which changes with the answer files, the identity of O(hash_files) and
    O(hash_extra). A finished image stamped with the same hash does not need to be built again.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes
options:
  admin_password:
    description:
      - Password of the build account (the built-in Administrator on Server, O(admin_username) on 10/11).
      - Written obfuscated (base64, as Windows SIM does), not encrypted. Setup masks it in its cached copy
        and the first logon commands delete that copy before sysprep.
    type: str
    required: true
  admin_username:
    description: The local administrator created on Windows 10/11 (Server uses the built-in Administrator).
    type: str
    default: Admin
  arch:
    description: Processor architecture, for the component attributes and the virtio-win sub-folder.
    type: str
    choices: [amd64, x86]
    default: amd64
  bypass_hardware_checks:
    description: Windows 11 only; set C(HKLM\SYSTEM\Setup\LabConfig) so Setup skips the TPM, Secure Boot and RAM checks.
    type: bool
    default: false
  cloudbase_groups:
    description: Groups cloudbase-init adds its user to.
    type: list
    elements: str
    default: [Administrators]
  cloudbase_init:
    description: Install and configure cloudbase-init (needs O(cloudbase_init_msi)).
    type: bool
    default: true
  cloudbase_init_msi:
    description: The cloudbase-init MSI (C(CloudbaseInitSetup_x64.msi)) on the host, copied to the media.
    type: path
  cloudbase_username:
    description: The user cloudbase-init creates and sets the password of on each instance.
    type: str
    default: Admin
  computer_name:
    description: The build VM's computer name; V(*) lets Setup pick one (cloudbase-init sets the instance's).
    type: str
    default: "*"
  dest:
    description: The directory the answer files are rendered into (the media root).
    type: path
    required: true
  driver_letters:
    description: Drive letters the virtio-win ISO may get in Windows PE; a C(DriverPaths) entry is written for each.
    type: list
    elements: str
    default: [D, E, F, G]
  drivers:
    description: virtio-win driver folders Setup loads in Windows PE; must include viostor or vioscsi.
    type: list
    elements: str
    default: [viostor, vioscsi, NetKVM, Balloon]
  edition:
    description: Edition, for the KMS client key table (V(standard), V(datacenter), V(pro), V(enterprise), V(education)).
    type: str
    default: datacenter
  enable_rdp:
    description: Enable Remote Desktop and its firewall rules in the image.
    type: bool
    default: false
  firmware:
    description: V(bios) (MBR layout), V(uefi) or V(uefi_secure) (GPT layout with EFI and MSR partitions).
    type: str
    choices: [bios, uefi, uefi_secure]
    default: uefi
  hash_extra:
    description: Build parameters that also decide the image (disk size, firmware, ...), folded into C(inputs_hash).
    type: dict
    default: {}
  hash_files:
    description: Input files (installer ISO, drivers ISO) whose name, size and mtime are folded into C(inputs_hash).
    type: list
    elements: path
    default: []
  image_index:
    description: Index of the image in C(install.wim) (C(dism /Get-WimInfo)). Exactly one of this and O(image_name).
    type: int
  image_name:
    description: Name of the image in C(install.wim), for example V(Windows Server 2022 SERVERDATACENTER).
    type: str
  input_locale:
    description: Keyboard layout; defaults to O(locale).
    type: str
  install_guest_tools:
    description: Install C(virtio-win-gt-x64.msi) and the QEMU guest agent from the drivers ISO at first logon.
    type: bool
    default: true
  kms_host:
    description: With O(license=kms), the KMS host (C(host[:port])) set with C(slmgr /skms).
    type: str
  license:
    description:
      - V(eval) or V(none), no key (evaluation media); V(key), O(product_key) in windowsPE; V(kms), the KMS
        client key (GVLK) for O(version) and O(edition) or O(product_key); V(mak), O(product_key) in specialize.
    type: str
    choices: [eval, key, kms, mak, none]
    default: eval
  locale:
    description: UI, system and user locale, for example V(en-US).
    type: str
    default: en-US
  media:
    description: The answer media to build from O(dest), or V(none).
    type: str
    choices: [floppy, iso, none]
    default: iso
  media_label:
    description: Volume label of the answer media.
    type: str
    default: HW_ANSWER
  media_path:
    description: Where the media is written; defaults to O(dest) plus C(.iso) or C(.img).
    type: path
  metadata_services:
    description: cloudbase-init metadata services, tried in order.
    type: list
    elements: str
    choices: [configdrive, ec2, http, maas, nocloud]
    default: [configdrive, http]
  organization:
    description: Registered organization.
    type: str
    default: hypercloud
  product_key:
    description: The product key for O(license) V(key), V(mak), or a GVLK for V(kms).
    type: str
  scripts:
    description: Files copied to C(scripts\) and run at first logon in order (C(.ps1), C(.cmd), C(.bat), C(.msu), C(.msi)).
    type: list
    elements: path
    default: []
  serial_logging:
    description: cloudbase-init logs to COM1 (readable as the instance's console log).
    type: bool
    default: true
  timezone:
    description: Windows time zone name.
    type: str
    default: UTC
  version:
    description: Windows version.
    type: str
    choices: ["10", "11", "2019", "2022", "2025"]
    required: true
notes:
  - Windows Setup itself cannot run where this collection is tested; the XML is checked against the
    element structure Setup expects (see docs/windows-images.md).
requirements:
  - xorriso or genisoimage for O(media=iso); mkfs.fat and mtools for O(media=floppy).
"""

EXAMPLES = r"""
- name: Answer ISO for Windows Server 2022 Datacenter, UEFI with Secure Boot, KMS
  hypercloud.builder.windows_unattend:
    dest: /var/lib/hw-images/ws2022/answer
    version: "2022"
    edition: datacenter
    image_index: 4
    firmware: uefi_secure
    license: kms
    admin_password: "{{ vault_build_password }}"
    cloudbase_init_msi: /var/lib/hw-images/CloudbaseInitSetup_x64.msi
    hash_files: [/srv/iso/ws2022.iso, /srv/iso/virtio-win.iso]
"""

RETURN = r"""
changed_files:
  description: Files of O(dest) written or removed (or that would be, in check mode).
  returned: always
  type: list
  elements: str
  sample: [autounattend.xml, cloudbase-init.conf]
driver_paths:
  description: The C(DriverPaths) written in the windowsPE pass.
  returned: always
  type: list
  elements: str
  sample: ['D:\viostor\2k22\amd64', 'D:\NetKVM\2k22\amd64']
files:
  description: Every file of the media root.
  returned: always
  type: list
  elements: str
  sample: [autounattend.xml, CloudbaseInitSetup.msi, cloudbase-init.conf, hw-answer.tag]
first_logon_commands:
  description: The first logon command lines, in order.
  returned: always
  type: list
  elements: str
  sample: ['msiexec.exe /i C:\hw\CloudbaseInitSetup.msi /qn /norestart', 'C:\Windows\System32\Sysprep\sysprep.exe ...']
inputs_hash:
  description: sha256 over the answer files, the identity of O(hash_files) and O(hash_extra).
  returned: always
  type: str
  sample: 3f1c0b0e6e5d4d8c9b5e3c6a2f0e1d7c8b9a0f1e2d3c4b5a69788796a5b4c3d2
media:
  description: The media path, the tool that built it, and whether it was (or would be) rebuilt.
  returned: when O(media) is not V(none)
  type: dict
  sample: {"path": "/var/lib/hw-images/ws2022/answer.iso", "tool": "xorriso", "rebuilt": true}
"""

import json
import os
import re

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import image_tools as io
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc import windows_unattend as calc

MANIFEST = ".hw-manifest.json"
SECRET_RE = re.compile(r"(<(?:Password|AdministratorPassword)>\s*<Value>)[^<]*(</Value>)")
LIST = dict(type="list", elements="str")


class WindowsUnattend(HypercloudModule):
    supports_check_mode = True
    argument_spec = dict(
        admin_password=dict(type="str", required=True, no_log=True),
        admin_username=dict(type="str", default="Admin"),
        arch=dict(type="str", default="amd64", choices=["amd64", "x86"]),
        bypass_hardware_checks=dict(type="bool", default=False),
        cloudbase_groups=dict(LIST, default=["Administrators"]),
        cloudbase_init=dict(type="bool", default=True),
        cloudbase_init_msi=dict(type="path"),
        cloudbase_username=dict(type="str", default="Admin"),
        computer_name=dict(type="str", default="*"),
        dest=dict(type="path", required=True),
        driver_letters=dict(LIST, default=["D", "E", "F", "G"]),
        drivers=dict(LIST, default=list(calc.DEFAULT_DRIVERS)),
        edition=dict(type="str", default="datacenter"),
        enable_rdp=dict(type="bool", default=False),
        firmware=dict(type="str", default="uefi", choices=list(calc.FIRMWARES)),
        hash_extra=dict(type="dict", default={}),
        hash_files=dict(type="list", elements="path", default=[]),
        image_index=dict(type="int"),
        image_name=dict(type="str"),
        input_locale=dict(type="str"),
        install_guest_tools=dict(type="bool", default=True),
        kms_host=dict(type="str"),
        license=dict(type="str", default="eval", choices=["eval", "key", "kms", "mak", "none"]),
        locale=dict(type="str", default="en-US"),
        media=dict(type="str", default="iso", choices=["floppy", "iso", "none"]),
        media_label=dict(type="str", default="HW_ANSWER"),
        media_path=dict(type="path"),
        metadata_services=dict(LIST, default=["configdrive", "http"], choices=sorted(calc.METADATA_SERVICES)),
        organization=dict(type="str", default="hypercloud"),
        product_key=dict(type="str", no_log=True),
        scripts=dict(type="list", elements="path", default=[]),
        serial_logging=dict(type="bool", default=True),
        timezone=dict(type="str", default="UTC"),
        version=dict(type="str", required=True, choices=sorted(calc.VERSIONS)),
    )
    module_kwargs = dict(mutually_exclusive=[("image_index", "image_name")],
                         required_if=[("cloudbase_init", True, ("cloudbase_init_msi",))])

    def run(self):
        p = self.params
        sources = {}
        for src in p["scripts"]:
            # One file per name in scripts\ (and Windows ignores case): another source would replace it.
            first = sources.setdefault(os.path.basename(src).lower(), src)
            if first != src:
                raise calc.PlanError("scripts %s and %s have the same file name on the media" % (first, src))
        spec = calc.spec_from_params(dict(p, scripts=[os.path.basename(s) for s in p["scripts"]]))
        rendered = calc.render(spec)
        copies = {"scripts/" + os.path.basename(s): s for s in p["scripts"]}
        if spec.cloudbase_init:
            copies[calc.MSI_NAME] = p["cloudbase_init_msi"]
        digests = {name: bytes.fromhex(io.sha256_file(src)) if os.path.isfile(src) else self.missing(src)
                   for name, src in copies.items()}
        dest = p["dest"]
        if os.path.exists(dest) and not os.path.isdir(dest):
            raise calc.PlanError("dest %s exists and is not a directory" % dest)
        old = io.read_json(os.path.join(dest, MANIFEST))
        writes = {n: data for n, data in rendered.files.items() if io.read_bytes(os.path.join(dest, n)) != data}
        copy_plan = {n: src for n, src in copies.items() if not digests[n] or self.digest_at(dest, n) != digests[n].hex()}
        stale = sorted(set(old.get("files", [])) - set(rendered.files) - set(copies))
        stale = [n for n in stale if os.path.exists(os.path.join(dest, n))]
        content = calc.inputs_hash(dict(rendered.files, **digests), {}, {})
        identities = {path: io.file_identity(path) if os.path.exists(path) or not self.check_mode else
                      self.missing(path) for path in p["hash_files"]}
        inputs = calc.inputs_hash(dict(rendered.files, **digests), identities, dict(p["hash_extra"], spec=calc.describe(spec)))
        media = self.plan_media(spec, rendered, copies, dest, old, content)
        changed_files = sorted(set(writes) | set(copy_plan) | set(stale))
        before = {n: self.shown(io.read_bytes(os.path.join(dest, n))) if n in rendered.files else
                  (self.digest_at(dest, n) and "<sha256 %s>" % self.digest_at(dest, n)) for n in changed_files}
        after = {n: self.shown(rendered.files[n]) if n in rendered.files else
                 ("<copy of %s>" % copies[n] if n in copies else None) for n in changed_files}
        if media and media["rebuilt"]:
            # A rebuild for a new label or kind changes no file: without this entry its diff was empty.
            known = os.path.exists(media["path"]) and old.get("media") == media["path"]
            before[media["path"]] = dict(kind=old.get("media_kind"), label=old.get("media_label"),
                                         content=old.get("content")) if known else None
            after[media["path"]] = dict(kind=media["kind"], label=p["media_label"], content=content)
        if not self.check_mode:
            for name, data in writes.items():
                io.write_atomic(os.path.join(dest, name), data, 0o600)
            for name, src in copy_plan.items():
                io.ImageTools.copy(src, os.path.join(dest, name))
            for name in stale:
                os.unlink(os.path.join(dest, name))
            if media and media["rebuilt"]:
                media["tool"] = self.build_media(dest, media["path"], sorted(set(rendered.files) | set(copies)))
            if changed_files or (media and media["rebuilt"]) or not old:
                manifest = dict(files=sorted(set(rendered.files) | set(copies)), content=content,
                                media=media and media["path"], media_kind=media and media["kind"],
                                media_label=media and p["media_label"])
                io.write_atomic(os.path.join(dest, MANIFEST), json.dumps(manifest, indent=1).encode())
        result = self.result(
            changed=bool(changed_files or (media and media["rebuilt"])),
            before=before, after=after,
            changed_files=changed_files, files=sorted(set(rendered.files) | set(copies)),
            driver_paths=rendered.driver_paths, inputs_hash=inputs,
            first_logon_commands=[cmd for _d, cmd in calc.first_logon_commands(spec)])
        if media:
            result["media"] = media
        return result

    def missing(self, src):
        """A missing input fails, except in check mode, where an earlier task (a download) would create it."""
        if not self.check_mode:
            raise calc.PlanError("input file not found: %s" % src)
        self.module.warn("check mode: %s does not exist yet; the inputs hash is provisional" % src)
        return b""

    @staticmethod
    def digest_at(dest, name):
        path = os.path.join(dest, name)
        return io.sha256_file(path) if os.path.isfile(path) else None

    @staticmethod
    def shown(data):
        return None if data is None else SECRET_RE.sub(r"\1********\2", data.decode("utf-8", "replace"))

    def plan_media(self, spec, rendered, copies, dest, old, content):
        kind = self.params["media"]
        if kind == "none":
            return None
        path = self.params["media_path"] or dest.rstrip("/") + (".iso" if kind == "iso" else ".img")
        sizes = {n: len(d) for n, d in rendered.files.items()}
        sizes.update({n: os.path.getsize(src) for n, src in copies.items() if os.path.exists(src)})
        calc.check_media(kind, sizes, self.params["media_label"])
        # The label is written into the media: a new label (or kind) is a new medium, like new content.
        rebuilt = (not os.path.exists(path) or old.get("content") != content or old.get("media") != path
                   or old.get("media_kind") != kind or old.get("media_label") != self.params["media_label"])
        return dict(path=path, kind=kind, tool=None, rebuilt=rebuilt)

    def build_media(self, dest, path, names):
        tools = io.ImageTools(self.module.run_command, self.module.get_bin_path)
        if self.params["media"] == "iso":
            return tools.make_iso(dest, path, self.params["media_label"], exclude=[MANIFEST])
        return tools.make_floppy(dest, names, path, self.params["media_label"])


def main():
    WindowsUnattend().execute()


if __name__ == "__main__":
    main()
