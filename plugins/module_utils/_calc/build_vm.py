# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The libvirt domain of an image-build VM, and how to read its state while it runs (domain reference 9.3).

Pure: ``render_domain`` turns a ``BuildVm`` into domain XML (virtio disk and NIC, the installer and
drivers ISOs, the answer media as CD-ROM or floppy, OVMF and a TPM for UEFI/Secure Boot);
``classify`` turns one libvirt state reading into "wait", "done" or a failure message. The build is
done when the guest powered itself off (shut off, reason "shutdown"), which is what
``sysprep /shutdown`` does at the end of an unattended Windows build.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from xml.sax.saxutils import escape
from typing import Optional, Sequence, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

META_NS = "https://hypercloud.builder/xmlns/build-vm/1"
# Debian's ovmf package (2022.11): 4 MiB images; the .ms variables come with Microsoft's keys enrolled.
OVMF = {
    "uefi": ("/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd"),
    "uefi_secure": ("/usr/share/OVMF/OVMF_CODE_4M.ms.fd", "/usr/share/OVMF/OVMF_VARS_4M.ms.fd"),
}
# virDomainState and the shut-off / paused reasons (libvirt include/libvirt/libvirt-domain.h).
STATES = {0: "nostate", 1: "running", 2: "blocked", 3: "paused", 4: "shutdown", 5: "shutoff", 6: "crashed",
          7: "pmsuspended"}
SHUTOFF_REASONS = {0: "unknown", 1: "shutdown", 2: "destroyed", 3: "crashed", 4: "migrated", 5: "saved",
                   6: "failed", 7: "from-snapshot", 8: "daemon"}
PAUSED_IOERROR = 2
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$")


@dataclass(frozen=True)
class BuildVm:
    """What the build VM is made of. Paths are on the libvirt host."""

    name: str
    disk: str
    cdroms: Tuple[str, ...] = ()
    floppy: Optional[str] = None
    firmware: str = "uefi"
    tpm: Optional[bool] = None           # None: a TPM with uefi_secure only
    domain_type: str = "kvm"
    memory_mb: int = 4096
    vcpus: int = 2
    disk_bus: str = "virtio"
    network: str = "user"                # user | none | a libvirt network name
    nvram: Optional[str] = None
    serial_log: Optional[str] = None
    ovmf_code: Optional[str] = None
    ovmf_vars: Optional[str] = None
    stamp: str = ""

    @property
    def machine(self) -> str:
        # q35 for UEFI (Secure Boot needs SMM, only on q35); i440fx for BIOS, which also has a floppy controller.
        return "pc" if self.firmware == "bios" else "q35"

    @property
    def with_tpm(self) -> bool:
        return self.firmware == "uefi_secure" if self.tpm is None else self.tpm


def validate(vm: BuildVm) -> None:
    if not _NAME_RE.fullmatch(vm.name):  # not match: "$" also matches before a trailing line break
        raise PlanError("build VM name %r: letters, digits, . _ + - (at most 64)" % vm.name)
    if vm.firmware not in ("bios", "uefi", "uefi_secure"):
        raise PlanError("firmware %r is not one of bios, uefi, uefi_secure" % vm.firmware)
    if vm.floppy and vm.firmware != "bios":
        raise PlanError("a floppy needs the i440fx machine (firmware bios); with UEFI use an answer ISO")
    if vm.domain_type not in ("kvm", "qemu"):
        raise PlanError("domain_type is kvm or qemu (TCG), got %r" % vm.domain_type)
    if vm.memory_mb < 64 or vm.vcpus < 1:
        raise PlanError("memory_mb must be at least 64 and vcpus at least 1")
    if vm.disk_bus not in ("virtio", "sata", "scsi"):
        raise PlanError("disk_bus is virtio, scsi (virtio-scsi) or sata")
    if vm.machine == "pc" and len(vm.cdroms) > 4:
        raise PlanError("the i440fx machine has 4 IDE slots for CD-ROMs; %d given" % len(vm.cdroms))
    if vm.firmware != "bios" and vm.nvram is None:
        raise PlanError("UEFI firmware needs an nvram path for the VM's variable store")


def _sub(parent: ET.Element, tag: str, text: Optional[str] = None, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, tag, {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        node.text = text
    return node


def _disk(devices: ET.Element, device: str, path: str, dev: str, bus: str, fmt: str) -> None:
    disk = _sub(devices, "disk", type="file", device=device)
    drv = _sub(disk, "driver", name="qemu", type=fmt)
    if device == "disk":
        drv.set("discard", "unmap")
        drv.set("cache", "unsafe")  # a build disk: losing it on a host crash just means building again
    _sub(disk, "source", file=path)
    _sub(disk, "target", dev=dev, bus=bus)
    if device != "disk":
        _sub(disk, "readonly")


def render_domain(vm: BuildVm) -> str:
    validate(vm)
    dom = ET.Element("domain", type=vm.domain_type)
    _sub(dom, "name", vm.name)
    meta = _sub(dom, "metadata")
    build = ET.SubElement(meta, "{%s}build" % META_NS)
    ET.SubElement(build, "{%s}stamp" % META_NS).text = vm.stamp
    _sub(dom, "memory", str(vm.memory_mb), unit="MiB")
    _sub(dom, "vcpu", str(vm.vcpus))
    os_ = _sub(dom, "os")
    _sub(os_, "type", "hvm", arch="x86_64", machine=vm.machine)
    if vm.firmware != "bios":
        code, template = OVMF[vm.firmware]
        _sub(os_, "loader", vm.ovmf_code or code, readonly="yes", secure="yes" if vm.firmware == "uefi_secure" else "no",
             type="pflash")
        _sub(os_, "nvram", vm.nvram, template=vm.ovmf_vars or template)
    _sub(os_, "boot", dev="cdrom")
    _sub(os_, "boot", dev="hd")
    feats = _sub(dom, "features")
    _sub(feats, "acpi")
    _sub(feats, "apic")
    if vm.firmware == "uefi_secure":
        _sub(feats, "smm", state="on")
    if vm.domain_type == "kvm":
        hyperv = _sub(feats, "hyperv", mode="custom")
        for name in ("relaxed", "vapic", "vpindex", "runtime", "synic", "frequencies"):
            _sub(hyperv, name, state="on")
        _sub(hyperv, "spinlocks", state="on", retries="8191")
        _sub(dom, "cpu", mode="host-passthrough")
    clock = _sub(dom, "clock", offset="localtime")
    _sub(clock, "timer", name="rtc", tickpolicy="catchup")
    if vm.domain_type == "kvm":
        _sub(clock, "timer", name="hypervclock", present="yes")
    _sub(dom, "on_poweroff", "destroy")
    _sub(dom, "on_reboot", "restart")
    _sub(dom, "on_crash", "destroy")
    devices = _sub(dom, "devices")
    disk_dev = {"virtio": "vda", "scsi": "sda", "sata": "sda"}[vm.disk_bus]
    if vm.disk_bus == "scsi":
        _sub(devices, "controller", type="scsi", model="virtio-scsi", index="0")
    _disk(devices, "disk", vm.disk, disk_dev, vm.disk_bus, "qcow2")
    cd_bus = "sata" if vm.machine == "q35" else "ide"
    letters = "bcdefgh" if (cd_bus == "sata" and disk_dev == "sda") else "abcdefg"
    for idx, path in enumerate(vm.cdroms):
        _disk(devices, "cdrom", path, ("sd" if cd_bus == "sata" else "hd") + letters[idx], cd_bus, "raw")
    if vm.floppy:
        _disk(devices, "floppy", vm.floppy, "fda", "fdc", "raw")
    if vm.network != "none":
        if vm.network == "user":
            nic = _sub(devices, "interface", type="user")
        else:
            nic = _sub(devices, "interface", type="network")
            _sub(nic, "source", network=vm.network)
        _sub(nic, "model", type="virtio")
    if vm.with_tpm:
        tpm = _sub(devices, "tpm", model="tpm-crb")
        _sub(tpm, "backend", type="emulator", version="2.0")
    if vm.serial_log:
        serial = _sub(devices, "serial", type="file")
        _sub(serial, "source", path=vm.serial_log)
        _sub(serial, "target", port="0")
    _sub(devices, "graphics", type="vnc", autoport="yes", listen="127.0.0.1")
    _sub(_sub(devices, "video"), "model", type="vga")
    ET.register_namespace("hw", META_NS)
    return ET.tostring(dom, encoding="unicode")


def stamp_of(domain_xml: str) -> Tuple[str, bool]:
    """(stamp, finished) recorded in a domain's metadata by this collection; ("", False) if none."""
    try:
        root = ET.fromstring(domain_xml)
    except ET.ParseError:
        return "", False
    build = root.find("metadata/{%s}build" % META_NS)
    if build is None:
        return "", False
    return (build.findtext("{%s}stamp" % META_NS) or "",
            (build.findtext("{%s}finished" % META_NS) or "") == "yes")


def finished_metadata(stamp: str) -> str:
    """The metadata element written once the guest has powered itself off."""
    return '<build xmlns="%s"><stamp>%s</stamp><finished>yes</finished></build>' % (META_NS, escape(stamp))


def classify(state: int, reason: int, elapsed: float, timeout: float) -> Tuple[str, str]:
    """One poll: ("wait"|"done"|"failed"|"timeout", a line for the progress report)."""
    name = STATES.get(state, str(state))
    if state == 5:
        why = SHUTOFF_REASONS.get(reason, str(reason))
        line = "state=shutoff reason=%s elapsed=%ds" % (why, elapsed)
        if reason == 1:
            return "done", line
        return "failed", line
    line = "state=%s elapsed=%ds" % (name, elapsed)
    if state == 6 or (state == 3 and reason == PAUSED_IOERROR):
        return "failed", line + (" (I/O error: is the disk's storage full?)" if state == 3 else "")
    if elapsed >= timeout:
        return "timeout", line
    return "wait", line


def progress_lines(polls: Sequence[Tuple[float, str]]) -> str:
    return "".join("%s\n" % line for _elapsed, line in polls)
