# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Render the answer media of an unattended Windows build for OpenStack (domain reference 9).

Pure: from a ``WindowsSpec`` it renders ``autounattend.xml`` (windowsPE, specialize, oobeSystem),
the sysprep answer file, ``cloudbase-init.conf``, ``cloudbase-init-unattend.conf``,
``SetupComplete.cmd`` and the guest-tools script, as ``{file name: bytes}`` for the media root.
Nothing here reads a file or runs a command. ``inputs_hash`` is the digest that decides whether a
finished image is rebuilt.

Facts used (domain reference 9.1-9.2): Setup reads ``autounattend.xml`` from the root of removable
media; ``DriverPaths`` must point at viostor/vioscsi for Setup to see a virtio disk; virtio-win
folders are ``w10 w11 2k19 2k22 2k25`` with an architecture sub-folder; every component carries
``processorArchitecture``, ``publicKeyToken="31bf3856ad364e35"``, ``language="neutral"`` and
``versionScope="nonSxS"``; sysprep's ``/unattend:`` path must not contain spaces.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

UNATTEND_NS = "urn:schemas-microsoft-com:unattend"
WCM_NS = "http://schemas.microsoft.com/WMIConfig/2002/State"
PUBLIC_KEY_TOKEN = "31bf3856ad364e35"
CBI_DIR = r"C:\Program Files\Cloudbase Solutions\Cloudbase-Init"
STAGE_DIR = r"C:\hw"          # where the answer media is copied in the guest; no spaces (sysprep)
MEDIA_TAG = "hw-answer.tag"   # marker file the first logon command looks for on every drive
MSI_NAME = "CloudbaseInitSetup.msi"

# Windows version -> (virtio-win folder, server?, supported architectures).
VERSIONS: Dict[str, Tuple[str, bool, Tuple[str, ...]]] = {
    "10": ("w10", False, ("amd64", "x86")),
    "11": ("w11", False, ("amd64",)),
    "2019": ("2k19", True, ("amd64",)),
    "2022": ("2k22", True, ("amd64",)),
    "2025": ("2k25", True, ("amd64",)),
}
FIRMWARES = ("bios", "uefi", "uefi_secure")
STORAGE_DRIVERS = ("viostor", "vioscsi")
DEFAULT_DRIVERS = ("viostor", "vioscsi", "NetKVM", "Balloon")
KNOWN_DRIVERS = DEFAULT_DRIVERS + ("vioserial", "viorng", "pvpanic", "qemupciserial", "viofs", "fwcfg", "qxldod",
                                   "vioinput", "sriov")
# Microsoft's published KMS client setup keys (GVLK), learn.microsoft.com "KMS client activation and
# product keys". Keyed by (version, edition in lower case).
GVLK: Dict[Tuple[str, str], str] = {
    ("2025", "standard"): "TVRH6-WHNXV-R9WG3-9XRFY-MY832",
    ("2025", "datacenter"): "D764K-2NDRG-47T6Q-P8T8W-YP6DF",
    ("2022", "standard"): "VDYBN-27WPP-V4HQT-9VMD4-VMK7H",
    ("2022", "datacenter"): "WX4NM-KYWYW-QJJR4-XV3QB-6VM33",
    ("2019", "standard"): "N69G4-B89J2-4G8F4-WWYCC-J464C",
    ("2019", "datacenter"): "WMDGN-G9PQG-XVVXX-R3X43-63DFG",
    ("10", "pro"): "W269N-WFGWX-YVC9B-4J6C9-T83GX",
    ("10", "enterprise"): "NPPR9-FWDCX-D2C8J-H872K-2YT43",
    ("10", "education"): "NW6C2-QMPVW-D7KKK-3GKT6-VCFB2",
    ("11", "pro"): "W269N-WFGWX-YVC9B-4J6C9-T83GX",
    ("11", "enterprise"): "NPPR9-FWDCX-D2C8J-H872K-2YT43",
    ("11", "education"): "NW6C2-QMPVW-D7KKK-3GKT6-VCFB2",
}
METADATA_SERVICES = {
    "configdrive": "cloudbaseinit.metadata.services.configdrive.ConfigDriveService",
    "http": "cloudbaseinit.metadata.services.httpservice.HttpService",
    "ec2": "cloudbaseinit.metadata.services.ec2service.EC2Service",
    "maas": "cloudbaseinit.metadata.services.maasservice.MaaSHttpService",
    "nocloud": "cloudbaseinit.metadata.services.nocloudservice.NoCloudConfigDriveService",
}
SERVICE_PLUGINS = (
    "cloudbaseinit.plugins.common.mtu.MTUPlugin",
    "cloudbaseinit.plugins.windows.ntpclient.NTPClientPlugin",
    "cloudbaseinit.plugins.common.sethostname.SetHostNamePlugin",
    "cloudbaseinit.plugins.windows.createuser.CreateUserPlugin",
    "cloudbaseinit.plugins.common.networkconfig.NetworkConfigPlugin",
    "cloudbaseinit.plugins.windows.licensing.WindowsLicensingPlugin",
    "cloudbaseinit.plugins.common.sshpublickeys.SetUserSSHPublicKeysPlugin",
    "cloudbaseinit.plugins.windows.extendvolumes.ExtendVolumesPlugin",
    "cloudbaseinit.plugins.common.userdata.UserDataPlugin",
    "cloudbaseinit.plugins.common.setuserpassword.SetUserPasswordPlugin",
    "cloudbaseinit.plugins.common.localscripts.LocalScriptsPlugin",
)
UNATTEND_PLUGINS = (
    "cloudbaseinit.plugins.common.mtu.MTUPlugin",
    "cloudbaseinit.plugins.common.sethostname.SetHostNamePlugin",
)
# Matched with fullmatch: "$" alone also matches before a trailing line break (a YAML "|" scalar).
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_LOCALE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_KEY_RE = re.compile(r"^([A-Z0-9]{5}-){4}[A-Z0-9]{5}$")
_KMS_HOST_RE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9.-]*|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$")


@dataclass(frozen=True)
class WindowsSpec:
    """Everything that decides the answer media. Field meanings follow the windows_unattend module."""

    version: str
    admin_password: str
    arch: str = "amd64"
    firmware: str = "uefi"
    image_index: Optional[int] = None
    image_name: Optional[str] = None
    edition: str = "datacenter"
    license: str = "eval"           # eval | key | kms | mak | none
    product_key: Optional[str] = None
    kms_host: Optional[str] = None
    locale: str = "en-US"
    input_locale: Optional[str] = None
    timezone: str = "UTC"
    admin_username: str = "Admin"
    organization: str = "hypercloud"
    computer_name: str = "*"
    drivers: Tuple[str, ...] = DEFAULT_DRIVERS
    driver_letters: Tuple[str, ...] = ("D", "E", "F", "G")
    bypass_hardware_checks: bool = False
    install_guest_tools: bool = True
    cloudbase_init: bool = True
    metadata_services: Tuple[str, ...] = ("configdrive", "http")
    cloudbase_username: str = "Admin"
    cloudbase_groups: Tuple[str, ...] = ("Administrators",)
    serial_logging: bool = True
    scripts: Tuple[str, ...] = ()    # file names under scripts\ on the media (.ps1, .cmd, .bat, .msu, .msi)
    enable_rdp: bool = False

    @property
    def server(self) -> bool:
        return VERSIONS[self.version][1]

    @property
    def uefi(self) -> bool:
        return self.firmware != "bios"


@dataclass
class Rendered:
    """The media root: file name -> content, plus what the renderer decided."""

    files: Dict[str, bytes] = field(default_factory=dict)
    product_key: Optional[str] = None
    driver_paths: List[str] = field(default_factory=list)
    install_partition: int = 0


def validate(spec: WindowsSpec) -> None:
    """Raise PlanError for a request Windows Setup would refuse or that cannot build a cloud image."""
    if spec.version not in VERSIONS:
        raise PlanError("windows version %r is not supported; choose one of %s" % (spec.version, ", ".join(VERSIONS)))
    folder, server, archs = VERSIONS[spec.version]
    if spec.arch not in archs:
        raise PlanError("Windows %s has no %s build in virtio-win (%s has %s)" % (
            spec.version, spec.arch, folder, ", ".join(archs)))
    if spec.firmware not in FIRMWARES:
        raise PlanError("firmware %r is not one of %s" % (spec.firmware, ", ".join(FIRMWARES)))
    if spec.version == "11" and spec.firmware != "uefi_secure" and not spec.bypass_hardware_checks:
        raise PlanError("Windows 11 Setup refuses a machine without Secure Boot and TPM 2.0: use firmware "
                        "uefi_secure (the build VM gets a TPM), or set bypass_hardware_checks")
    if (spec.image_index is None) == (spec.image_name is None):
        raise PlanError("choose the image inside install.wim with exactly one of image_index or image_name")
    if spec.image_index is not None and spec.image_index < 1:
        raise PlanError("image_index counts from 1 (dism /Get-WimInfo), got %s" % spec.image_index)
    if spec.license == "key":
        if not spec.product_key or not _KEY_RE.fullmatch(spec.product_key):
            raise PlanError("license key needs product_key as five groups of five characters (XXXXX-...)")
    elif spec.license == "mak":
        if not spec.product_key or not _KEY_RE.fullmatch(spec.product_key):
            raise PlanError("license mak needs the MAK in product_key (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX)")
    elif spec.license == "kms":
        if not spec.product_key and (spec.version, spec.edition.lower()) not in GVLK:
            raise PlanError("no KMS client key is known for Windows %s %s; give product_key (the GVLK)" % (
                spec.version, spec.edition))
        if spec.product_key and not _KEY_RE.fullmatch(spec.product_key):
            raise PlanError("license kms needs product_key as the GVLK (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX)")
        # It ends up in the first logon command line (slmgr /skms).
        if spec.kms_host and not _KMS_HOST_RE.fullmatch(spec.kms_host):
            raise PlanError("kms_host %r: a host name or address, optionally with :port" % spec.kms_host)
    elif spec.license in ("eval", "none"):
        if spec.product_key:
            raise PlanError("product_key is only used with license key, mak or kms")
    else:
        raise PlanError("license %r is not one of eval, key, kms, mak, none" % spec.license)
    if spec.kms_host and spec.license != "kms":
        raise PlanError("kms_host is only used with license kms")
    if not spec.admin_password:
        raise PlanError("admin_password must not be empty: Setup stops at the password page without it")
    for loc in (spec.locale, spec.input_locale or spec.locale):
        if not _LOCALE_RE.fullmatch(loc):
            raise PlanError("locale %r is not a language tag such as en-US" % loc)
    if not spec.timezone or len(spec.timezone) > 64 or not spec.timezone.isprintable():
        raise PlanError("timezone must be a Windows time zone name such as UTC or W. Europe Standard Time")
    if spec.computer_name != "*" and not re.fullmatch(r"^[A-Za-z0-9-]{1,15}$", spec.computer_name):
        raise PlanError("computer_name is * or at most 15 letters, digits and hyphens (NetBIOS)")
    for name in spec.drivers:
        if name not in KNOWN_DRIVERS:
            raise PlanError("driver %r is not a virtio-win driver folder (%s)" % (name, ", ".join(KNOWN_DRIVERS)))
    if not set(spec.drivers) & set(STORAGE_DRIVERS):
        raise PlanError("drivers must include viostor or vioscsi, or Setup cannot see the virtio disk")
    for letter in spec.driver_letters:
        if not re.fullmatch(r"^[D-Z]$", letter):
            raise PlanError("driver_letters are single drive letters D to Z, got %r" % letter)
    if not spec.metadata_services or any(s not in METADATA_SERVICES for s in spec.metadata_services):
        raise PlanError("metadata_services are a non-empty list of %s" % ", ".join(sorted(METADATA_SERVICES)))
    for name in spec.scripts:
        if not _NAME_RE.fullmatch(name) or not name.lower().endswith((".ps1", ".cmd", ".bat", ".msu", ".msi")):
            raise PlanError("script %r: a plain file name ending in .ps1, .cmd, .bat, .msu or .msi" % name)
    for group in spec.cloudbase_groups:
        # Joined with commas into one line of cloudbase-init.conf.
        if not group.strip() or "," in group or not group.isprintable():
            raise PlanError("cloudbase_groups %r: a group name, without commas or line breaks" % group)
    for name in (spec.admin_username, spec.cloudbase_username):
        if not re.fullmatch(r"^[A-Za-z0-9_.-]{1,20}$", name):
            raise PlanError("user name %r: 1-20 letters, digits, dot, dash or underscore" % name)


def driver_paths(spec: WindowsSpec) -> List[str]:
    """Every drivers-ISO path Setup should search, per candidate drive letter (the letter is not fixed)."""
    folder = VERSIONS[spec.version][0]
    return ["%s:\\%s\\%s\\%s" % (letter, drv, folder, spec.arch) for letter in spec.driver_letters
            for drv in spec.drivers]


def product_key(spec: WindowsSpec) -> Optional[str]:
    if spec.license in ("key", "mak"):
        return spec.product_key
    if spec.license == "kms":
        return spec.product_key or GVLK[(spec.version, spec.edition.lower())]
    return None


def encode_password(password: str, suffix: str) -> str:
    """Windows SIM's obfuscation of a password (PlainText false): base64 of UTF-16LE(password + element name)."""
    return base64.b64encode((password + suffix).encode("utf-16-le")).decode("ascii")


def sysprep_command(answer: str = STAGE_DIR + r"\sysprep-unattend.xml") -> str:
    if " " in answer:
        raise PlanError("sysprep does not accept a /unattend: path with spaces: %r" % answer)
    return r"C:\Windows\System32\Sysprep\sysprep.exe /generalize /oobe /shutdown /unattend:" + answer


# --- XML helpers -----------------------------------------------------------------------------------

def _q(tag: str) -> str:
    return "{%s}%s" % (UNATTEND_NS, tag)


def _el(parent: ET.Element, tag: str, text: Any = None, **wcm: str) -> ET.Element:
    node = ET.SubElement(parent, _q(tag))
    for key, value in wcm.items():
        node.set("{%s}%s" % (WCM_NS, key), value)
    if text is not None:
        node.text = str(text).lower() if isinstance(text, bool) else str(text)
    return node


def _component(settings: ET.Element, name: str, arch: str) -> ET.Element:
    comp = ET.SubElement(settings, _q("component"))
    for key, value in (("name", name), ("processorArchitecture", arch), ("publicKeyToken", PUBLIC_KEY_TOKEN),
                       ("language", "neutral"), ("versionScope", "nonSxS")):
        comp.set(key, value)
    return comp


def _indent(node: ET.Element, level: int = 0) -> None:
    pad = "\n" + "  " * level
    if len(node):
        if not (node.text or "").strip():
            node.text = pad + "  "
        for child in node:
            _indent(child, level + 1)
        if not (child.tail or "").strip():  # pylint: disable=undefined-loop-variable
            child.tail = pad  # pylint: disable=undefined-loop-variable
    if level and not (node.tail or "").strip():
        node.tail = pad


def _document(root: ET.Element) -> bytes:
    ET.register_namespace("", UNATTEND_NS)
    ET.register_namespace("wcm", WCM_NS)
    _indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"


def _root() -> Tuple[ET.Element, Any]:
    root = ET.Element(_q("unattend"))

    def settings(pass_name: str) -> ET.Element:
        node = ET.SubElement(root, _q("settings"))
        node.set("pass", pass_name)
        return node
    return root, settings


def _international(settings: ET.Element, spec: WindowsSpec, winpe: bool) -> None:
    name = "Microsoft-Windows-International-Core-WinPE" if winpe else "Microsoft-Windows-International-Core"
    comp = _component(settings, name, spec.arch)
    if winpe:
        ui = _el(comp, "SetupUILanguage")
        _el(ui, "UILanguage", spec.locale)
    _el(comp, "InputLocale", spec.input_locale or spec.locale)
    _el(comp, "SystemLocale", spec.locale)
    _el(comp, "UILanguage", spec.locale)
    _el(comp, "UserLocale", spec.locale)


def _disk(setup: ET.Element, spec: WindowsSpec) -> int:
    """DiskConfiguration for disk 0; returns the partition Windows is installed to (the last one,
    so that cloudbase-init's ExtendVolumesPlugin can grow it to the flavor's disk)."""
    disk_conf = _el(setup, "DiskConfiguration")
    _el(disk_conf, "WillShowUI", "OnError")
    disk = _el(disk_conf, "Disk", action="add")
    _el(disk, "DiskID", 0)
    _el(disk, "WillWipeDisk", True)
    if spec.uefi:
        layout = [("EFI", 100, "FAT32", "System"), ("MSR", 16, None, None), ("Primary", None, "NTFS", "Windows")]
    else:
        layout = [("Primary", 100, "NTFS", "System"), ("Primary", None, "NTFS", "Windows")]
    create = _el(disk, "CreatePartitions")
    modify = _el(disk, "ModifyPartitions")
    order = 0
    for number, (ptype, size, fmt, label) in enumerate(layout, 1):
        part = _el(create, "CreatePartition", action="add")
        _el(part, "Order", number)
        _el(part, "Type", ptype)
        if size is None:
            _el(part, "Extend", True)
        else:
            _el(part, "Size", size)
        if fmt is None:
            continue
        order += 1
        mod = _el(modify, "ModifyPartition", action="add")
        _el(mod, "Order", order)
        _el(mod, "PartitionID", number)
        _el(mod, "Format", fmt)
        _el(mod, "Label", label)
        if label == "Windows":
            _el(mod, "Letter", "C")
        elif not spec.uefi:
            _el(mod, "Active", True)
    return len(layout)


def _command_list(parent: ET.Element, tag: str, item: str, commands: Sequence[Tuple[str, str]],
                  first_logon: bool = False) -> None:
    """RunSynchronous/RunSynchronousCommand (Order, Path, Description) or
    FirstLogonCommands/SynchronousCommand (Order, CommandLine, Description, RequiresUserInput)."""
    node = _el(parent, tag)
    for order, (desc, cmd) in enumerate(commands, 1):
        entry = _el(node, item, action="add")
        _el(entry, "Order", order)
        _el(entry, "CommandLine" if first_logon else "Path", cmd)
        _el(entry, "Description", desc)
        if first_logon:
            _el(entry, "RequiresUserInput", False)


def first_logon_commands(spec: WindowsSpec) -> List[Tuple[str, str]]:
    """(description, command line) in order: stage the media, tools, cloudbase-init, scripts, sysprep."""
    ps = "powershell.exe -NoProfile -ExecutionPolicy Bypass -File "
    cmds = [("Copy the answer media to " + STAGE_DIR,
             'cmd.exe /c "for %%i in (D E F G H I J K) do if exist %%i:\\%s xcopy /e /i /h /y %%i:\\ %s\\"'
             % (MEDIA_TAG, STAGE_DIR))]
    if spec.install_guest_tools:
        cmds.append(("Install the virtio-win guest tools and QEMU guest agent", ps + STAGE_DIR + r"\guest-tools.ps1"))
    if spec.cloudbase_init:
        cmds.append(("Install cloudbase-init", "msiexec.exe /i %s\\%s /qn /norestart /l*v %s\\cloudbase-init-msi.log "
                     "RUN_SERVICE_AS_LOCAL_SYSTEM=1%s" % (STAGE_DIR, MSI_NAME, STAGE_DIR,
                                                          " LOGGINGSERIALPORTNAME=COM1" if spec.serial_logging else "")))
        cmds.append(("Install the cloudbase-init configuration and hold the service until setup completes",
                     ps + STAGE_DIR + r"\cloudbase-init-setup.ps1"))
    for name in spec.scripts:
        path = STAGE_DIR + "\\scripts\\" + name
        low = name.lower()
        if low.endswith(".ps1"):
            cmd = ps + path
        elif low.endswith(".msu"):
            cmd = "wusa.exe %s /quiet /norestart" % path
        elif low.endswith(".msi"):
            cmd = "msiexec.exe /i %s /qn /norestart" % path
        else:
            cmd = "cmd.exe /c " + path
        cmds.append(("Run " + name, cmd))
    if spec.license == "kms" and spec.kms_host:
        cmds.append(("Point activation at the KMS host", r"cscript.exe //B C:\Windows\System32\slmgr.vbs /skms "
                     + spec.kms_host))
    if spec.enable_rdp:
        cmds.append(("Enable Remote Desktop", 'cmd.exe /c "reg add "HKLM\\SYSTEM\\CurrentControlSet\\Control\\'
                     'Terminal Server" /v fDenyTSConnections /t REG_DWORD /d 0 /f && netsh advfirewall firewall '
                     'set rule group="remote desktop" new enable=Yes"'))
    cmds.append(("Remove the cached answer file", r"cmd.exe /c del /f /q C:\Windows\Panther\unattend.xml"))
    cmds.append(("Generalize and shut down", sysprep_command()))
    return cmds


def render_autounattend(spec: WindowsSpec) -> Tuple[bytes, List[str], int]:
    root, settings = _root()
    pe = settings("windowsPE")
    _international(pe, spec, winpe=True)
    pnp = _component(pe, "Microsoft-Windows-PnpCustomizationsWinPE", spec.arch)
    paths = driver_paths(spec)
    dp = _el(pnp, "DriverPaths")
    for key, path in enumerate(paths, 1):
        pac = _el(dp, "PathAndCredentials", action="add", keyValue=str(key))
        _el(pac, "Path", path)
    setup = _component(pe, "Microsoft-Windows-Setup", spec.arch)
    if spec.bypass_hardware_checks:
        run = [("Skip the %s check" % check, "reg.exe add HKLM\\SYSTEM\\Setup\\LabConfig /v Bypass%sCheck /t REG_DWORD "
                "/d 1 /f" % check) for check in ("TPM", "SecureBoot", "RAM")]
        _command_list(setup, "RunSynchronous", "RunSynchronousCommand", run)
    partition = _disk(setup, spec)
    image = _el(_el(setup, "ImageInstall"), "OSImage")
    meta = _el(_el(image, "InstallFrom"), "MetaData", action="add")
    if spec.image_index is not None:
        _el(meta, "Key", "/IMAGE/INDEX")
        _el(meta, "Value", spec.image_index)
    else:
        _el(meta, "Key", "/IMAGE/NAME")
        _el(meta, "Value", spec.image_name)
    to = _el(image, "InstallTo")
    _el(to, "DiskID", 0)
    _el(to, "PartitionID", partition)
    _el(image, "WillShowUI", "OnError")
    user = _el(setup, "UserData")
    _el(user, "AcceptEula", True)
    _el(user, "FullName", spec.admin_username)
    _el(user, "Organization", spec.organization)
    key = product_key(spec)
    if key and spec.license != "mak":
        pkey = _el(user, "ProductKey")
        _el(pkey, "Key", key)
        _el(pkey, "WillShowUI", "OnError")

    spec_pass = settings("specialize")
    shell = _component(spec_pass, "Microsoft-Windows-Shell-Setup", spec.arch)
    _el(shell, "ComputerName", spec.computer_name)
    _el(shell, "RegisteredOrganization", spec.organization)
    _el(shell, "RegisteredOwner", spec.admin_username)
    _el(shell, "TimeZone", spec.timezone)
    if spec.license == "mak":
        _el(shell, "ProductKey", key)
    tsls = _component(spec_pass, "Microsoft-Windows-TerminalServices-LocalSessionManager", spec.arch)
    _el(tsls, "fDenyTSConnections", not spec.enable_rdp)

    oobe_pass = settings("oobeSystem")
    _international(oobe_pass, spec, winpe=False)
    shell = _component(oobe_pass, "Microsoft-Windows-Shell-Setup", spec.arch)
    logon_user = "Administrator" if spec.server else spec.admin_username
    auto = _el(shell, "AutoLogon")
    pwd = _el(auto, "Password")
    _el(pwd, "Value", encode_password(spec.admin_password, "Password"))
    _el(pwd, "PlainText", False)
    _el(auto, "Enabled", True)
    _el(auto, "LogonCount", 3)
    _el(auto, "Username", logon_user)
    _command_list(shell, "FirstLogonCommands", "SynchronousCommand", first_logon_commands(spec), first_logon=True)
    oobe = _el(shell, "OOBE")
    _el(oobe, "HideEULAPage", True)
    _el(oobe, "HideOEMRegistrationScreen", True)
    _el(oobe, "HideOnlineAccountScreens", True)
    _el(oobe, "HideWirelessSetupInOOBE", True)
    if not spec.server:
        _el(oobe, "HideLocalAccountScreen", True)
    _el(oobe, "NetworkLocation", "Work")
    _el(oobe, "ProtectYourPC", 3)
    accounts = _el(shell, "UserAccounts")
    if spec.server:
        admin = _el(accounts, "AdministratorPassword")
        _el(admin, "Value", encode_password(spec.admin_password, "AdministratorPassword"))
        _el(admin, "PlainText", False)
    else:
        local = _el(_el(accounts, "LocalAccounts"), "LocalAccount", action="add")
        pwd = _el(local, "Password")
        _el(pwd, "Value", encode_password(spec.admin_password, "Password"))
        _el(pwd, "PlainText", False)
        _el(local, "Description", "Build account")
        _el(local, "DisplayName", spec.admin_username)
        _el(local, "Group", "Administrators")
        _el(local, "Name", spec.admin_username)
    _el(shell, "TimeZone", spec.timezone)
    return _document(root), paths, partition


def render_sysprep_unattend(spec: WindowsSpec) -> bytes:
    """The answer file sysprep applies on the first boot of every instance (after /generalize)."""
    root, settings = _root()
    gen = settings("generalize")
    _el(_component(gen, "Microsoft-Windows-PnpSysprep", spec.arch), "PersistAllDeviceInstalls", True)
    spec_pass = settings("specialize")
    if spec.cloudbase_init:
        deploy = _component(spec_pass, "Microsoft-Windows-Deployment", spec.arch)
        _command_list(deploy, "RunSynchronous", "RunSynchronousCommand", [(
            "Run cloudbase-init (unattend configuration)",
            'cmd.exe /c ""%s\\Python\\Scripts\\cloudbase-init.exe" --config-file "%s\\conf\\cloudbase-init-unattend.conf" '
            '&& exit 1 || exit 2"' % (CBI_DIR, CBI_DIR))])
    shell = _component(spec_pass, "Microsoft-Windows-Shell-Setup", spec.arch)
    _el(shell, "TimeZone", spec.timezone)
    oobe_pass = settings("oobeSystem")
    _international(oobe_pass, spec, winpe=False)
    shell = _component(oobe_pass, "Microsoft-Windows-Shell-Setup", spec.arch)
    oobe = _el(shell, "OOBE")
    _el(oobe, "HideEULAPage", True)
    _el(oobe, "HideOnlineAccountScreens", True)
    _el(oobe, "HideWirelessSetupInOOBE", True)
    _el(oobe, "NetworkLocation", "Work")
    _el(oobe, "ProtectYourPC", 3)
    _el(oobe, "SkipMachineOOBE", True)
    _el(oobe, "SkipUserOOBE", True)
    return _document(root)


def _ini(sections: Sequence[Tuple[str, Sequence[Tuple[str, Any]]]]) -> bytes:
    lines = ["# Written by hypercloud.builder.windows_unattend"]
    for name, options in sections:
        lines.append("[%s]" % name)
        for key, value in options:
            if isinstance(value, bool):
                value = "true" if value else "false"
            lines.append("%s=%s" % (key, value))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _cbi_common(spec: WindowsSpec) -> List[Tuple[str, Any]]:
    opts: List[Tuple[str, Any]] = [
        ("username", spec.cloudbase_username),
        ("groups", ",".join(spec.cloudbase_groups)),
        ("inject_user_password", True),
        ("first_logon_behaviour", "no"),
        ("config_drive_raw_hhd", True),
        ("config_drive_cdrom", True),
        ("config_drive_vfat", True),
        ("bsdtar_path", CBI_DIR + r"\bin\bsdtar.exe"),
        ("mtools_path", CBI_DIR + "\\bin\\"),
        ("verbose", True),
        ("debug", False),
        ("log_dir", CBI_DIR + "\\log\\"),
        ("default_log_levels", "comtypes=INFO,suds=INFO,iso8601=WARN,requests=WARN"),
        ("mtu_use_dhcp_config", True),
        ("ntp_use_dhcp_config", True),
        ("local_scripts_path", CBI_DIR + "\\LocalScripts\\"),
        ("check_latest_version", False),
        ("metadata_services", ",".join(METADATA_SERVICES[s] for s in spec.metadata_services)),
    ]
    if spec.serial_logging:
        opts.append(("logging_serial_port_settings", "COM1,115200,N,8"))
    return opts


def render_cloudbase_conf(spec: WindowsSpec) -> bytes:
    """conf\\cloudbase-init.conf: the service, on every boot of an instance."""
    opts = _cbi_common(spec) + [
        ("log_file", "cloudbase-init.log"),
        ("plugins", ",".join(SERVICE_PLUGINS)),
        ("allow_reboot", True),
        ("stop_service_on_exit", False),
    ]
    return _ini([("DEFAULT", opts)])


def render_cloudbase_unattend_conf(spec: WindowsSpec) -> bytes:
    """conf\\cloudbase-init-unattend.conf: run once from the sysprep specialize pass (MTU and host name)."""
    opts = _cbi_common(spec) + [
        ("log_file", "cloudbase-init-unattend.log"),
        ("plugins", ",".join(UNATTEND_PLUGINS)),
        ("allow_reboot", False),
        ("stop_service_on_exit", False),
    ]
    return _ini([("DEFAULT", opts)])


def render_scripts(spec: WindowsSpec) -> Dict[str, bytes]:
    out: Dict[str, bytes] = {}
    if spec.install_guest_tools:
        arch = "x64" if spec.arch == "amd64" else "x86"
        out["guest-tools.ps1"] = _crlf([
            "# Written by hypercloud.builder.windows_unattend: virtio-win guest tools from the drivers ISO.",
            "$ErrorActionPreference = 'Stop'",
            "foreach ($d in Get-PSDrive -PSProvider FileSystem) {",
            "  $msi = Join-Path $d.Root 'virtio-win-gt-%s.msi'" % arch,
            "  if (Test-Path $msi) {",
            "    Start-Process msiexec.exe -Wait -ArgumentList '/i', $msi, '/qn', '/norestart', '/l*v', '%s\\guest-tools.log'"
            % STAGE_DIR,
            "    $ga = Join-Path $d.Root 'guest-agent\\qemu-ga-%s.msi'" % ("x86_64" if arch == "x64" else "i386"),
            "    if (Test-Path $ga) { Start-Process msiexec.exe -Wait -ArgumentList '/i', $ga, '/qn', '/norestart' }",
            "    exit 0",
            "  }",
            "}",
            "Write-Error 'virtio-win-gt-%s.msi not found on any drive'" % arch,
        ])
    if spec.cloudbase_init:
        out["cloudbase-init-setup.ps1"] = _crlf([
            "# Written by hypercloud.builder.windows_unattend: configuration in place, service held until",
            "# Windows setup completes on the instance (SetupComplete.cmd starts it).",
            "$ErrorActionPreference = 'Stop'",
            "$conf = '%s\\conf'" % CBI_DIR,
            "Copy-Item -Force '%s\\cloudbase-init.conf' $conf" % STAGE_DIR,
            "Copy-Item -Force '%s\\cloudbase-init-unattend.conf' $conf" % STAGE_DIR,
            "Stop-Service cloudbase-init -ErrorAction SilentlyContinue",
            "Set-Service cloudbase-init -StartupType Disabled",
            "New-Item -ItemType Directory -Force C:\\Windows\\Setup\\Scripts | Out-Null",
            "Copy-Item -Force '%s\\SetupComplete.cmd' C:\\Windows\\Setup\\Scripts\\SetupComplete.cmd" % STAGE_DIR,
        ])
        out["SetupComplete.cmd"] = _crlf([
            "@echo off",
            "rem Written by hypercloud.builder.windows_unattend: start cloudbase-init once setup is complete.",
            "sc.exe config cloudbase-init start= auto",
            "net start cloudbase-init",
        ])
    return out


def _crlf(lines: Sequence[str]) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def render(spec: WindowsSpec) -> Rendered:
    """Every generated file of the media root (the MSI and extra scripts are copied by the caller)."""
    validate(spec)
    xml, paths, partition = render_autounattend(spec)
    files = {"autounattend.xml": xml, "sysprep-unattend.xml": render_sysprep_unattend(spec),
             MEDIA_TAG: b"hypercloud.builder answer media\r\n"}
    if spec.cloudbase_init:
        files["cloudbase-init.conf"] = render_cloudbase_conf(spec)
        files["cloudbase-init-unattend.conf"] = render_cloudbase_unattend_conf(spec)
    files.update(render_scripts(spec))
    return Rendered(files=files, product_key=product_key(spec), driver_paths=paths, install_partition=partition)


def inputs_hash(rendered: Mapping[str, bytes], file_ids: Mapping[str, Any], extra: Mapping[str, Any]) -> str:
    """sha256 over the generated media, the identity of each input file (name -> size/mtime/digest) and
    the build parameters. A finished image stamped with the same value is not rebuilt."""
    digest = hashlib.sha256()
    for name in sorted(rendered):
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(rendered[name]).digest())
    digest.update(json.dumps({"files": dict(file_ids), "extra": dict(extra)}, sort_keys=True,
                             default=str).encode("utf-8"))
    return digest.hexdigest()


def spec_from_params(params: Mapping[str, Any]) -> WindowsSpec:
    """Build the spec from module parameters of the same names (lists become tuples)."""
    names = set(WindowsSpec.__dataclass_fields__)  # pylint: disable=no-member
    kwargs = {}
    for key, value in params.items():
        if key in names and value is not None:
            kwargs[key] = tuple(value) if isinstance(value, list) else value
    try:
        return WindowsSpec(**kwargs)
    except TypeError as exc:
        raise PlanError("incomplete Windows spec: %s" % exc) from None


def describe(spec: WindowsSpec) -> Dict[str, Any]:
    """The spec as plain data without the password (for results and the inputs hash)."""
    data = asdict(spec)
    data.pop("admin_password")
    if data.get("product_key"):
        data["product_key"] = "set"
    return data


FLOPPY_BYTES = 1474560
FLOPPY_USABLE = 1457664  # 2847 data clusters of 512 bytes on a mkfs.fat -C 1440 FAT12 image


def check_media(kind: str, sizes: Mapping[str, int], label: str) -> None:
    """Refuse media that cannot hold the files or a label ISO 9660/FAT would mangle."""
    if kind not in ("iso", "floppy"):
        raise PlanError("media is iso or floppy, got %r" % kind)
    limit = 32 if kind == "iso" else 11
    if not re.fullmatch(r"^[A-Z0-9_]{1,%d}$" % limit, label):
        raise PlanError("media label %r: 1-%d upper-case letters, digits or underscores" % (label, limit))
    if kind == "floppy":
        # FAT12 allocates whole 512-byte clusters; the root directory holds 224 entries.
        used = sum(-(-size // 512) * 512 for size in sizes.values())
        if used > FLOPPY_USABLE:
            raise PlanError("the answer files need %d bytes but a 1.44 MB floppy holds %d: use media iso "
                            "(the cloudbase-init MSI alone does not fit on a floppy)" % (used, FLOPPY_USABLE))
        for name in sizes:
            if "/" in name:
                raise PlanError("the floppy holds files at its root only; %r is in a folder" % name)
