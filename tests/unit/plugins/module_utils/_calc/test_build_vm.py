# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tables for the build-VM domain XML and the poll classification."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc import build_vm as b
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError


def vm(**kw):
    base = dict(name="hw-x", disk="/d.qcow2", cdroms=("/win.iso", "/virtio.iso", "/answer.iso"), nvram="/VARS.fd",
                stamp="s1")
    base.update(kw)
    return b.BuildVm(**base)


@pytest.mark.parametrize("firmware,machine,secure,tpm,cd_bus", [
    ("bios", "pc", None, False, "ide"),
    ("uefi", "q35", "no", False, "sata"),
    ("uefi_secure", "q35", "yes", True, "sata"),
])
def test_domain_per_firmware(firmware, machine, secure, tpm, cd_bus):
    root = ET.fromstring(b.render_domain(vm(firmware=firmware)))
    assert root.find("os/type").get("machine") == machine
    loader = root.find("os/loader")
    assert (loader.get("secure") if loader is not None else None) == secure
    assert (root.find("devices/tpm") is not None) == tpm
    assert (root.find("features/smm") is not None) == (firmware == "uefi_secure")
    disks = root.findall("devices/disk")
    assert disks[0].find("target").attrib == {"dev": "vda", "bus": "virtio"}
    assert [d.find("source").get("file") for d in disks[1:]] == ["/win.iso", "/virtio.iso", "/answer.iso"]
    assert {d.find("target").get("bus") for d in disks[1:]} == {cd_bus}
    assert len({d.find("target").get("dev") for d in disks}) == 4
    assert root.find("devices/interface/model").get("type") == "virtio"
    assert [x.get("dev") for x in root.findall("os/boot")] == ["cdrom", "hd"]
    assert root.findtext("on_poweroff") == "destroy"
    assert b.stamp_of(ET.tostring(root, encoding="unicode")) == ("s1", False)


def test_secure_boot_uses_microsoft_keys_and_kvm_gets_hyperv():
    root = ET.fromstring(b.render_domain(vm(firmware="uefi_secure", domain_type="kvm")))
    assert root.findtext("os/loader") == "/usr/share/OVMF/OVMF_CODE_4M.ms.fd"
    assert root.find("os/nvram").get("template") == "/usr/share/OVMF/OVMF_VARS_4M.ms.fd"
    assert root.find("features/hyperv/spinlocks").get("retries") == "8191"
    tcg = ET.fromstring(b.render_domain(vm(domain_type="qemu")))
    assert tcg.find("features/hyperv") is None and tcg.get("type") == "qemu"


def test_floppy_scsi_and_network_variants():
    root = ET.fromstring(b.render_domain(vm(firmware="bios", floppy="/a.img", cdroms=("/w.iso",), nvram=None,
                                            disk_bus="scsi", network="default")))
    assert root.find("devices/controller").get("model") == "virtio-scsi"
    fd = [d for d in root.findall("devices/disk") if d.get("device") == "floppy"][0]
    assert fd.find("target").attrib == {"dev": "fda", "bus": "fdc"}
    assert root.find("devices/interface").get("type") == "network"
    none = ET.fromstring(b.render_domain(vm(network="none")))
    assert none.find("devices/interface") is None


@pytest.mark.parametrize("kw,message", [
    (dict(name="bad name"), "build VM name"),
    (dict(firmware="csm"), "firmware"),
    (dict(floppy="/a.img"), "floppy needs"),
    (dict(domain_type="xen"), "domain_type"),
    (dict(memory_mb=8), "memory_mb"),
    (dict(firmware="bios", cdroms=("/1", "/2", "/3", "/4", "/5")), "4 IDE slots"),
    (dict(nvram=None), "nvram"),
    (dict(disk_bus="ide"), "disk_bus"),
])
def test_bad_vm(kw, message):
    with pytest.raises(PlanError, match=message):
        b.render_domain(vm(**kw))


@pytest.mark.parametrize("state,reason,elapsed,verdict", [
    (1, 1, 10, "wait"),
    (4, 1, 10, "wait"),
    (5, 1, 10, "done"),
    (5, 2, 10, "failed"),
    (5, 3, 10, "failed"),
    (6, 0, 10, "failed"),
    (3, 2, 10, "failed"),
    (3, 1, 10, "wait"),
    (1, 1, 600, "timeout"),
    (5, 1, 900, "done"),
])
def test_classify(state, reason, elapsed, verdict):
    got, line = b.classify(state, reason, elapsed, 600)
    assert got == verdict
    assert "elapsed=%ds" % elapsed in line and "state=" in line


@pytest.mark.parametrize("stamp", ["s1", "a&b <c> \"d\" 'e'", "sha256:0f&tag=<x>"])
def test_finished_metadata_round_trip(stamp):
    # libvirt stores the element setMetadata was given under <metadata>, as it is.
    xml = "<domain><name>hw-x</name><metadata>%s</metadata></domain>" % b.finished_metadata(stamp)
    assert b.stamp_of(xml) == (stamp, True)
    assert b.stamp_of(b.render_domain(vm(stamp=stamp))) == (stamp, False)
    assert b.stamp_of(b.render_domain(vm())) == ("s1", False)
    assert b.stamp_of("not xml") == ("", False)
