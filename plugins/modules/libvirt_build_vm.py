#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: libvirt_build_vm
short_description: Run an image-build VM under libvirt until it powers itself off
version_added: 0.1.0
description:
  - Defines a build VM from the given disk, CD-ROMs and answer media (virtio disk and NIC; OVMF, and a
    swtpm TPM 2.0 for V(uefi_secure)), starts it, and with O(state=finished) waits until the guest
    powers itself off (shut off, reason C(shutdown)), as C(sysprep /shutdown) does at the end of an
    unattended Windows build.
  - Each poll (every O(poll_interval) seconds) records the domain state and the elapsed time in the
    C(progress) result and appends it to O(progress_file), which can be followed with C(tail -f).
  - On O(timeout) it saves a screenshot of the console to O(screenshot), stops the VM unless
    O(stop_on_timeout=false), and fails with the last state, the elapsed time and the screenshot path.
  - A finished build is recorded in the domain's metadata with O(stamp); running again with the same
    stamp reports no change. A shut-off VM that did not finish is never restarted silently, because its
    disk holds a half-done installation; remove it with O(state=absent) first. A VM whose guest powered
    itself off while nothing waited (an interrupted run, or one started with O(state=running)) is
    recorded as finished by the next O(state=finished) run.
  - O(state=running) only defines and starts the VM; O(state=absent) stops and undefines it (with its
    UEFI variable store and TPM state). Disk and media files are left alone.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes
options:
  boot_keypress_seconds:
    description:
      - Press Enter once a second for this many seconds after the start, to answer the
        "Press any key to boot from CD or DVD" prompt of UEFI installation media. Only when this run
        started the VM; a build VM found running is past that prompt.
    type: int
    default: 0
  cdroms:
    description: ISO images attached as CD-ROMs, the installer first (it boots from the first).
    type: list
    elements: path
    default: []
  disk:
    description: The qcow2 disk the system is installed to (must exist; see M(hypercloud.builder.qcow2_image)).
    type: path
  disk_bus:
    description: Bus of the system disk.
    type: str
    choices: [sata, scsi, virtio]
    default: virtio
  domain_type:
    description: V(kvm), or V(qemu) for TCG where KVM is unusable (slow; for tests).
    type: str
    choices: [kvm, qemu]
    default: kvm
  firmware:
    description: V(bios) (i440fx, SeaBIOS), V(uefi) (q35, OVMF) or V(uefi_secure) (q35, OVMF with Microsoft keys, SMM).
    type: str
    choices: [bios, uefi, uefi_secure]
    default: uefi
  floppy:
    description: A floppy image for the answer file (only with O(firmware=bios)).
    type: path
  memory_mb:
    description: Memory of the VM, MiB.
    type: int
    default: 4096
  name:
    description: The libvirt domain name.
    type: str
    required: true
  network:
    description: V(user) (QEMU user networking), V(none), or the name of a libvirt network.
    type: str
    default: user
  nvram:
    description: The VM's UEFI variable store (created from the OVMF template). Required for UEFI.
    type: path
  ovmf_code:
    description: OVMF code image; defaults to Debian's C(OVMF_CODE_4M.fd) or C(OVMF_CODE_4M.ms.fd).
    type: path
  ovmf_vars:
    description: OVMF variables template; defaults to Debian's C(OVMF_VARS_4M.fd) or C(OVMF_VARS_4M.ms.fd).
    type: path
  poll_interval:
    description: Seconds between state polls while waiting, 1 or more.
    type: int
    default: 30
  progress_file:
    description:
      - A file each poll's line is appended to. Its directory must exist.
      - If the file cannot be written while the build runs, the module warns once and goes on waiting.
    type: path
  screenshot:
    description: Where the console screenshot is saved on timeout.
    type: path
  serial_log:
    description: A file the VM's first serial port (COM1) is written to.
    type: path
  stamp:
    description: A value recorded in the domain (the inputs hash); a different value means another build.
    type: str
    default: ""
  state:
    description: V(finished) runs the build to its end; V(running) starts it; V(absent) removes the VM.
    type: str
    choices: [absent, finished, running]
    default: finished
  stop_on_timeout:
    description: Stop (destroy) the VM when O(timeout) passes.
    type: bool
    default: true
  timeout:
    description: Seconds to wait for the guest to power off, 1 or more.
    type: int
    default: 10800
  tpm:
    description: Add a TPM 2.0 (swtpm). Default is a TPM with O(firmware=uefi_secure) only.
    type: bool
  uri:
    description: The libvirt connection URI.
    type: str
    default: qemu:///system
  vcpus:
    description: Virtual CPUs.
    type: int
    default: 2
requirements:
  - libvirt-python; swtpm for a TPM; ovmf for UEFI.
"""

EXAMPLES = r"""
- name: Build a Windows image (the guest powers off when sysprep is done)
  hypercloud.builder.libvirt_build_vm:
    name: hw-build-ws2022
    disk: /var/lib/hw-images/ws2022/build.qcow2
    cdroms: [/srv/iso/ws2022.iso, /srv/iso/virtio-win.iso, /var/lib/hw-images/ws2022/answer.iso]
    firmware: uefi_secure
    nvram: /var/lib/hw-images/ws2022/VARS.fd
    boot_keypress_seconds: 30
    timeout: 14400
    progress_file: /var/lib/hw-images/ws2022/progress.log
    screenshot: /var/lib/hw-images/ws2022/timeout.ppm
"""

RETURN = r"""
elapsed:
  description: Seconds waited in this run.
  returned: always
  type: int
  sample: 2710
name:
  description: The domain name.
  returned: always
  type: str
  sample: hw-build-ws2022
progress:
  description: One line per poll, with the state and the elapsed time.
  returned: always
  type: list
  elements: str
  sample: ["state=running elapsed=0s", "state=running elapsed=30s", "state=shutoff reason=shutdown elapsed=60s"]
status:
  description: The domain's state at the end (V(absent), V(running), V(finished), V(shutoff)).
  returned: always
  type: str
  sample: finished
xml:
  description: The domain XML defined (or that would be).
  returned: when O(state) is not V(absent)
  type: str
  sample: "<domain type=\"kvm\"><name>hw-build-ws2022</name>...</domain>"
"""

import os
import time

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import libvirt_build as lv
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc import build_vm as calc
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

VM_FIELDS = ("name", "disk", "cdroms", "floppy", "firmware", "tpm", "domain_type", "memory_mb", "vcpus", "disk_bus",
             "network", "nvram", "serial_log", "ovmf_code", "ovmf_vars", "stamp")


class LibvirtBuildVm(HypercloudModule):
    supports_check_mode = True
    progress_failed = False  # set once progress_file could not be written
    argument_spec = dict(
        boot_keypress_seconds=dict(type="int", default=0, no_log=False), cdroms=dict(type="list", elements="path", default=[]),
        disk=dict(type="path"), disk_bus=dict(type="str", default="virtio", choices=["sata", "scsi", "virtio"]),
        domain_type=dict(type="str", default="kvm", choices=["kvm", "qemu"]),
        firmware=dict(type="str", default="uefi", choices=["bios", "uefi", "uefi_secure"]),
        floppy=dict(type="path"), memory_mb=dict(type="int", default=4096), name=dict(type="str", required=True),
        network=dict(type="str", default="user"), nvram=dict(type="path"), ovmf_code=dict(type="path"),
        ovmf_vars=dict(type="path"), poll_interval=dict(type="int", default=30), progress_file=dict(type="path"),
        screenshot=dict(type="path"), serial_log=dict(type="path"), stamp=dict(type="str", default=""),
        state=dict(type="str", default="finished", choices=["absent", "finished", "running"]),
        stop_on_timeout=dict(type="bool", default=True), timeout=dict(type="int", default=10800),
        tpm=dict(type="bool"), uri=dict(type="str", default="qemu:///system"), vcpus=dict(type="int", default=2),
    )
    module_kwargs = dict(required_if=[("state", "finished", ("disk",)), ("state", "running", ("disk",))])

    def run(self):
        self.require("libvirt-python", lv.LIBVIRT_IMPORT_ERROR)
        p = self.params
        conn = lv.BuildDomains(p["uri"])
        dom = conn.lookup(p["name"])
        out = dict(name=p["name"], elapsed=0, progress=[])
        if p["state"] == "absent":
            if dom is not None and not self.check_mode:
                conn.remove(dom)
            return self.result(dom is not None, "defined" if dom is not None else "absent", "absent",
                               status="absent", **out)
        if p["poll_interval"] < 1 or p["timeout"] < 1:
            raise PlanError("poll_interval and timeout are seconds, 1 or more (got %d and %d)"
                            % (p["poll_interval"], p["timeout"]))
        xml = calc.render_domain(calc.BuildVm(**{k: (tuple(p[k]) if k == "cdroms" else p[k]) for k in VM_FIELDS}))
        out["xml"] = xml
        folder = os.path.dirname(p["progress_file"] or "") or "."
        if p["progress_file"] and not os.path.isdir(folder):
            raise PlanError("progress_file %s: the directory %s does not exist" % (p["progress_file"], folder))
        before = "absent"
        if dom is not None:
            stamp, finished = calc.stamp_of(conn.xml(dom))
            state, reason = conn.state(dom)
            before = "finished" if finished else calc.STATES.get(state, str(state))
            if stamp != p["stamp"]:
                raise PlanError("build VM %s exists (%s) with another stamp (%s); remove it (state=absent) first"
                                % (p["name"], before, stamp or "none"))
            if finished:
                return self.result(False, before, before, status="finished", **out)
            # The guest powered itself off while nothing waited (the run was interrupted, or state=running
            # started it): that is the end of the build, and the wait below records it.
            powered_off = calc.classify(state, reason, 0, p["timeout"])[0] == "done"
            if state == 5 and not (powered_off and p["state"] == "finished"):
                raise PlanError("build VM %s is shut off (reason %s) but did not finish; its disk holds a half-done "
                                "build: remove the VM (state=absent) and recreate the disk to build again"
                                % (p["name"], calc.SHUTOFF_REASONS.get(reason, reason)))
        if self.check_mode:
            return self.result(before == "absent" or p["state"] == "finished", before, p["state"], status=before, **out)
        if dom is None:
            dom = conn.define(xml)
            conn.start(dom)
        if p["state"] == "running":
            return self.result(before == "absent", before, "running", status="running", **out)
        # Keys only for a VM this run started: one found running is past its boot prompt (maybe mid-Setup).
        status = self.wait(conn, dom, out, p["boot_keypress_seconds"] if before == "absent" else 0)
        return self.result(True, before, status, status=status, **out)

    def wait(self, conn, dom, out, keypresses):
        p = self.params
        start = time.monotonic()
        presses = 0
        while True:
            elapsed = time.monotonic() - start
            while presses < keypresses and presses <= elapsed:
                conn.press_enter(dom)
                presses += 1
            state, reason = conn.state(dom)
            verdict, line = calc.classify(state, reason, elapsed, p["timeout"])
            out["progress"].append(line)
            out["elapsed"] = int(elapsed)
            self.report(line)
            if verdict == "done":
                conn.mark_finished(dom, calc.finished_metadata(p["stamp"]), calc.META_NS)
                return "finished"
            if verdict == "failed":
                raise PlanError("build VM %s stopped without finishing: %s" % (p["name"], line))
            if verdict == "timeout":
                shot = self.shoot(conn, dom)
                if p["stop_on_timeout"]:
                    conn.stop(dom)
                raise PlanError("build VM %s did not power off within %ss (last: %s); screenshot: %s; %s" % (
                    p["name"], p["timeout"], line, shot, "VM stopped" if p["stop_on_timeout"] else "VM left running"))
            nap = min(p["poll_interval"], max(p["timeout"] - elapsed, 0.2))
            if presses < keypresses:
                nap = min(nap, 1.0)
            time.sleep(nap)

    def report(self, line):
        self.module.log("libvirt_build_vm %s: %s" % (self.params["name"], line))
        if self.params["progress_file"] and not self.progress_failed:
            try:
                with open(self.params["progress_file"], "a", encoding="utf-8") as handle:
                    handle.write("%s %s %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%S"), self.params["name"], line))
            except OSError as exc:
                # The build goes on: the lines stay in the result's progress.
                self.progress_failed = True
                self.module.warn("progress_file %s cannot be written (%s); no more lines go to it"
                                 % (self.params["progress_file"], exc))

    def shoot(self, conn, dom):
        path = self.params["screenshot"]
        if not path:
            return "not requested"
        try:
            mime = conn.screenshot(dom, path)
        except (lv.AdapterError, OSError) as exc:
            return "failed (%s)" % exc
        return "%s (%s)" % (path, mime)


def main():
    LibvirtBuildVm().execute()


if __name__ == "__main__":
    main()
