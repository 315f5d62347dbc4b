# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tables for the Windows answer-file renderer, and the element structure Windows Setup expects.

The expected structure follows Microsoft's unattend reference (components, their passes and
attributes; DriverPaths/PathAndCredentials keyed with wcm:keyValue; DiskConfiguration; OSImage
InstallFrom/MetaData; FirstLogonCommands/SynchronousCommand). Windows Setup itself cannot run here.
"""

from __future__ import annotations

import base64
import configparser
import itertools
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc import windows_unattend as w
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

NS = {"u": w.UNATTEND_NS}
WCM = "{%s}" % w.WCM_NS
# Which components may appear in which pass (Microsoft's "Components" reference, "Applicable configuration passes").
ALLOWED = {
    "windowsPE": {"Microsoft-Windows-International-Core-WinPE", "Microsoft-Windows-PnpCustomizationsWinPE",
                  "Microsoft-Windows-Setup"},
    "specialize": {"Microsoft-Windows-Shell-Setup", "Microsoft-Windows-TerminalServices-LocalSessionManager",
                   "Microsoft-Windows-Deployment"},
    "oobeSystem": {"Microsoft-Windows-International-Core", "Microsoft-Windows-Shell-Setup"},
    "generalize": {"Microsoft-Windows-PnpSysprep"},
}
COMBOS = list(itertools.product(sorted(w.VERSIONS), w.FIRMWARES))


def spec(**kw):
    base = dict(version="2022", admin_password="Pa55word!", image_index=2)
    base.update(kw)
    if base["version"] == "11" and base.get("firmware", "uefi") != "uefi_secure":
        base.setdefault("bypass_hardware_checks", True)
    return w.WindowsSpec(**base)


def parse(data):
    assert data.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n')
    root = ET.fromstring(data)
    assert root.tag == "{%s}unattend" % w.UNATTEND_NS
    return root


def components(root, pass_name):
    return {c.get("name"): c for s in root.findall("u:settings", NS) if s.get("pass") == pass_name
            for c in s.findall("u:component", NS)}


def check_structure(root, arch):
    passes = [s.get("pass") for s in root.findall("u:settings", NS)]
    assert len(passes) == len(set(passes))
    for settings in root.findall("u:settings", NS):
        names = [c.get("name") for c in settings.findall("u:component", NS)]
        assert set(names) <= ALLOWED[settings.get("pass")], names
        assert len(names) == len(set(names))
        for comp in settings.findall("u:component", NS):
            assert comp.attrib == {"name": comp.get("name"), "processorArchitecture": arch,
                                   "publicKeyToken": "31bf3856ad364e35", "language": "neutral",
                                   "versionScope": "nonSxS"}
    for node in root.iter():
        if node.get(WCM + "action") is not None:
            assert node.get(WCM + "action") == "add"


@pytest.mark.parametrize("version,firmware", COMBOS)
def test_every_version_and_firmware_renders_setup_structure(version, firmware):
    arch = "amd64"
    s = spec(version=version, firmware=firmware, edition="pro" if version in ("10", "11") else "datacenter")
    out = w.render(s)
    root = parse(out.files["autounattend.xml"])
    check_structure(root, arch)
    assert [x.get("pass") for x in root.findall("u:settings", NS)] == ["windowsPE", "specialize", "oobeSystem"]
    pe = components(root, "windowsPE")
    folder = w.VERSIONS[version][0]
    pacs = pe["Microsoft-Windows-PnpCustomizationsWinPE"].findall("u:DriverPaths/u:PathAndCredentials", NS)
    keys = [p.get(WCM + "keyValue") for p in pacs]
    assert keys == [str(i) for i in range(1, len(pacs) + 1)]
    paths = [p.findtext("u:Path", namespaces=NS) for p in pacs]
    assert paths[:4] == ["D:\\%s\\%s\\amd64" % (d, folder) for d in ("viostor", "vioscsi", "NetKVM", "Balloon")]
    assert all(len(p) <= 259 for p in paths)
    setup = pe["Microsoft-Windows-Setup"]
    parts = setup.findall("u:DiskConfiguration/u:Disk/u:CreatePartitions/u:CreatePartition", NS)
    types = [p.findtext("u:Type", namespaces=NS) for p in parts]
    assert types == (["Primary", "Primary"] if firmware == "bios" else ["EFI", "MSR", "Primary"])
    assert parts[-1].findtext("u:Extend", namespaces=NS) == "true"
    assert setup.findtext("u:ImageInstall/u:OSImage/u:InstallTo/u:PartitionID", namespaces=NS) == str(len(parts))
    mods = setup.findall("u:DiskConfiguration/u:Disk/u:ModifyPartitions/u:ModifyPartition", NS)
    formats = [m.findtext("u:Format", namespaces=NS) for m in mods]
    assert formats == (["NTFS", "NTFS"] if firmware == "bios" else ["FAT32", "NTFS"])
    assert (mods[0].findtext("u:Active", namespaces=NS) == "true") == (firmware == "bios")
    meta = setup.find("u:ImageInstall/u:OSImage/u:InstallFrom/u:MetaData", NS)
    assert meta.findtext("u:Key", namespaces=NS) == "/IMAGE/INDEX" and meta.findtext("u:Value", namespaces=NS) == "2"
    oobe = components(root, "oobeSystem")["Microsoft-Windows-Shell-Setup"]
    cmds = oobe.findall("u:FirstLogonCommands/u:SynchronousCommand", NS)
    assert [c.findtext("u:Order", namespaces=NS) for c in cmds] == [str(i) for i in range(1, len(cmds) + 1)]
    last = cmds[-1].findtext("u:CommandLine", namespaces=NS)
    assert last.startswith("C:\\Windows\\System32\\Sysprep\\sysprep.exe /generalize /oobe /shutdown /unattend:")
    assert " " not in last.split("/unattend:")[1]
    server = w.VERSIONS[version][1]
    assert (oobe.find("u:UserAccounts/u:AdministratorPassword", NS) is not None) == server
    assert (oobe.find("u:UserAccounts/u:LocalAccounts/u:LocalAccount", NS) is not None) == (not server)
    assert oobe.findtext("u:AutoLogon/u:Username", namespaces=NS) == ("Administrator" if server else "Admin")
    check_structure(parse(out.files["sysprep-unattend.xml"]), arch)
    assert b"Pa55word!" not in out.files["autounattend.xml"]


def test_x86_windows_10_uses_x86_folders_and_attributes():
    out = w.render(spec(version="10", arch="x86", edition="pro"))
    root = parse(out.files["autounattend.xml"])
    check_structure(root, "x86")
    assert out.driver_paths[0] == "D:\\viostor\\w10\\x86"


@pytest.mark.parametrize("kw,key,where", [
    (dict(license="eval"), None, None),
    (dict(license="none"), None, None),
    (dict(license="kms", edition="Standard"), "VDYBN-27WPP-V4HQT-9VMD4-VMK7H", "windowsPE"),
    (dict(version="2025", license="kms"), "D764K-2NDRG-47T6Q-P8T8W-YP6DF", "windowsPE"),
    (dict(version="2019", license="kms", edition="standard"), "N69G4-B89J2-4G8F4-WWYCC-J464C", "windowsPE"),
    (dict(license="key", product_key="AAAAA-BBBBB-CCCCC-DDDDD-EEEEE"), "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE", "windowsPE"),
    (dict(license="mak", product_key="AAAAA-BBBBB-CCCCC-DDDDD-EEEEE"), "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE", "specialize"),
])
def test_product_key_placement(kw, key, where):
    root = parse(w.render(spec(**kw)).files["autounattend.xml"])
    pe_key = root.findtext(".//u:UserData/u:ProductKey/u:Key", namespaces=NS)
    spec_key = components(root, "specialize")["Microsoft-Windows-Shell-Setup"].findtext("u:ProductKey", namespaces=NS)
    assert pe_key == (key if where == "windowsPE" else None)
    assert spec_key == (key if where == "specialize" else None)


def test_image_by_name_locale_timezone_and_password_encoding():
    s = spec(image_index=None, image_name="Windows Server 2022 SERVERDATACENTER", locale="de-DE",
             input_locale="de-CH", timezone="W. Europe Standard Time")
    root = parse(w.render(s).files["autounattend.xml"])
    assert root.findtext(".//u:MetaData/u:Key", namespaces=NS) == "/IMAGE/NAME"
    assert root.findtext(".//u:MetaData/u:Value", namespaces=NS) == "Windows Server 2022 SERVERDATACENTER"
    intl = components(root, "windowsPE")["Microsoft-Windows-International-Core-WinPE"]
    assert intl.findtext("u:SetupUILanguage/u:UILanguage", namespaces=NS) == "de-DE"
    assert intl.findtext("u:InputLocale", namespaces=NS) == "de-CH"
    assert components(root, "specialize")["Microsoft-Windows-Shell-Setup"].findtext(
        "u:TimeZone", namespaces=NS) == "W. Europe Standard Time"
    value = root.findtext(".//u:AdministratorPassword/u:Value", namespaces=NS)
    assert base64.b64decode(value).decode("utf-16-le") == "Pa55word!AdministratorPassword"


def test_cloudbase_init_configs_are_ini_with_openstack_services():
    out = w.render(spec(metadata_services=("configdrive", "http", "ec2")))
    for name, plugins in (("cloudbase-init.conf", w.SERVICE_PLUGINS), ("cloudbase-init-unattend.conf", w.UNATTEND_PLUGINS)):
        text = out.files[name].decode()
        assert "\r\n" in text
        cfg = configparser.ConfigParser(interpolation=None)
        cfg.read_string(text)
        d = cfg["DEFAULT"]
        assert d["metadata_services"].split(",") == [
            "cloudbaseinit.metadata.services.configdrive.ConfigDriveService",
            "cloudbaseinit.metadata.services.httpservice.HttpService",
            "cloudbaseinit.metadata.services.ec2service.EC2Service"]
        assert d["plugins"].split(",") == list(plugins)
        assert d["username"] == "Admin" and d["config_drive_raw_hhd"] == "true"
    assert cfg["DEFAULT"]["allow_reboot"] == "false"
    sysprep = parse(out.files["sysprep-unattend.xml"])
    gen = components(sysprep, "generalize")["Microsoft-Windows-PnpSysprep"]
    assert gen.findtext("u:PersistAllDeviceInstalls", namespaces=NS) == "true"
    run = sysprep.findtext(".//u:RunSynchronousCommand/u:Path", namespaces=NS)
    assert "cloudbase-init-unattend.conf" in run


def test_first_logon_order_and_scripts():
    request = spec(scripts=("a.ps1", "kb1.msu", "b.cmd"), license="kms", kms_host="kms.example:1688")
    cmds = [c for _d, c in w.first_logon_commands(request)]
    assert "xcopy" in cmds[0] and "guest-tools.ps1" in cmds[1] and cmds[2].startswith("msiexec.exe /i C:\\hw\\Cloudbase")
    assert cmds[4].endswith("C:\\hw\\scripts\\a.ps1")
    assert cmds[5] == "wusa.exe C:\\hw\\scripts\\kb1.msu /quiet /norestart"
    assert cmds[6] == "cmd.exe /c C:\\hw\\scripts\\b.cmd"
    assert "slmgr.vbs /skms kms.example:1688" in cmds[7]
    assert cmds[-1].startswith("C:\\Windows\\System32\\Sysprep\\sysprep.exe")


def test_windows_11_bypass_writes_labconfig_in_windows_pe():
    root = parse(w.render(spec(version="11", firmware="uefi", edition="pro")).files["autounattend.xml"])
    paths = [p.text for p in root.findall(".//u:RunSynchronousCommand/u:Path", NS)]
    assert any("BypassTPMCheck" in p for p in paths) and any("BypassSecureBootCheck" in p for p in paths)


@pytest.mark.parametrize("kw,message", [
    (dict(version="2016"), "not supported"),
    (dict(version="11", firmware="bios", bypass_hardware_checks=False), "Windows 11 Setup refuses"),
    (dict(version="2022", arch="x86"), "no x86 build"),
    (dict(image_name="x"), "exactly one of image_index or image_name"),
    (dict(image_index=0), "counts from 1"),
    (dict(license="key"), "five groups of five"),
    (dict(license="mak", product_key="bad"), "MAK"),
    (dict(license="kms", edition="web"), "no KMS client key"),
    (dict(license="eval", product_key="AAAAA-BBBBB-CCCCC-DDDDD-EEEEE"), "only used with"),
    (dict(admin_password=""), "must not be empty"),
    (dict(locale="english"), "language tag"),
    (dict(computer_name="a-very-long-computer-name"), "NetBIOS"),
    (dict(drivers=("NetKVM",)), "viostor or vioscsi"),
    (dict(drivers=("viostor", "nvidia")), "not a virtio-win driver folder"),
    (dict(driver_letters=("C",)), "D to Z"),
    (dict(metadata_services=("azure",)), "metadata_services"),
    (dict(scripts=("../x.ps1",)), "plain file name"),
    (dict(scripts=("x.exe",)), "plain file name"),
    # A YAML block scalar (``|``) ends in a line break; it (or a list separator) must not slip into the files.
    (dict(computer_name="BUILD01\n"), "NetBIOS"),
    (dict(locale="en-US\n"), "language tag"),
    (dict(input_locale="de-DE\n"), "language tag"),
    (dict(driver_letters=("E\n",)), "D to Z"),
    (dict(admin_username="Admin\n"), "user name"),
    (dict(cloudbase_username="Admin\n"), "user name"),
    (dict(license="key", product_key="AAAAA-BBBBB-CCCCC-DDDDD-EEEEE\n"), "five groups of five"),
    (dict(license="mak", product_key="AAAAA-BBBBB-CCCCC-DDDDD-EEEEE\n"), "MAK"),
    (dict(scripts=("x.ps1\n",)), "plain file name"),
    (dict(timezone="UTC\n"), "time zone name"),
    (dict(cloudbase_groups=("Administrators\nplugins=x",)), "cloudbase_groups"),
    (dict(cloudbase_groups=("Administrators,Users",)), "cloudbase_groups"),
    (dict(cloudbase_groups=("",)), "cloudbase_groups"),
    # The KMS host and key go into the first logon command line and the answer file; a bad one only
    # failed inside the guest.
    (dict(license="kms", kms_host="kms.example.org 1688"), "kms_host"),
    (dict(license="kms", kms_host="kms.example.org & shutdown /s"), "kms_host"),
    (dict(license="kms", kms_host="kms.example.org\n"), "kms_host"),
    (dict(license="eval", kms_host="kms.example.org"), "kms_host is only used with license kms"),
    (dict(license="kms", product_key="not a key"), "GVLK"),
])
def test_bad_specs_are_refused(kw, message):
    with pytest.raises(PlanError, match=message):
        w.render(spec(**kw))


@pytest.mark.parametrize("host", ["kms.example.org", "kms.example.org:1688", "10.0.0.5", "[fd00::5]:1688"])
def test_kms_hosts_accepted(host):
    w.render(spec(license="kms", kms_host=host))


def test_sysprep_path_with_spaces_is_refused():
    with pytest.raises(PlanError, match="spaces"):
        w.sysprep_command(r"C:\Program Files\x.xml")


@pytest.mark.parametrize("kind,sizes,label,message", [
    ("floppy", {"CloudbaseInitSetup.msi": 50000000}, "HW", "1.44 MB floppy holds"),
    ("floppy", {"scripts/a.ps1": 10}, "HW", "root only"),
    ("floppy", {"a": 1}, "TOO_LONG_LABEL", "1-11"),
    ("iso", {"a": 1}, "lower", "upper-case"),
    ("dvd", {"a": 1}, "HW", "iso or floppy"),
])
def test_media_checks(kind, sizes, label, message):
    with pytest.raises(PlanError, match=message):
        w.check_media(kind, sizes, label)


@pytest.mark.parametrize("kind", ["iso", "floppy"])
def test_media_label_with_a_trailing_line_break_is_refused(kind):
    with pytest.raises(PlanError, match="upper-case"):
        w.check_media(kind, {"a": 1}, "HW_ANSWER\n")


def test_media_fits():
    w.check_media("floppy", {"autounattend.xml": 12000, "x": 1400000}, "HW_ANSWER")
    w.check_media("iso", {"CloudbaseInitSetup.msi": 50000000}, "HW_ANSWER")


def test_inputs_hash_is_stable_and_sensitive():
    files = w.render(spec()).files
    base = w.inputs_hash(files, {"/iso": {"size": 1, "mtime": 2}}, {"disk": "40G"})
    assert base == w.inputs_hash(dict(files), {"/iso": {"size": 1, "mtime": 2}}, {"disk": "40G"})
    assert base != w.inputs_hash(files, {"/iso": {"size": 1, "mtime": 3}}, {"disk": "40G"})
    assert base != w.inputs_hash(files, {"/iso": {"size": 1, "mtime": 2}}, {"disk": "60G"})
    assert base != w.inputs_hash(w.render(spec(timezone="Tokyo Standard Time")).files, {"/iso": {"size": 1, "mtime": 2}},
                                 {"disk": "40G"})


def test_describe_hides_secrets():
    data = w.describe(spec(license="key", product_key="AAAAA-BBBBB-CCCCC-DDDDD-EEEEE"))
    assert "admin_password" not in data and data["product_key"] == "set"
