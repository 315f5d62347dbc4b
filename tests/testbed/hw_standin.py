# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
r"""STAND-IN media for the Windows image tests (no Windows or virtio-win media can be had here).

  hw_standin.py installer OUT.iso --delay N   a bootable ISO with two El Torito entries, like Windows
                                              installation media:
                                              BIOS: a 512-byte boot sector that prints a line, waits N seconds
                                              (counting BIOS timer ticks) and powers the machine off through
                                              the ACPI PM1a control register (QEMU's acpi_pm1_cnt_write: SLP_EN
                                              with SLP_TYP 0 is a soft power-off), as sysprep /shutdown would;
                                              UEFI: a FAT image holding \EFI\BOOT\BOOTX64.EFI, a PE32+ EFI
                                              application written byte by byte below, that prints a line,
                                              turns the boot manager's watchdog off, waits N seconds
                                              (BootServices->Stall) and calls
                                              RuntimeServices->ResetSystem(EfiResetShutdown)
  hw_standin.py installer OUT.iso --never     the same ISO that prints and halts forever (timeout path)
  ... --sign-key KEY --sign-cert CERT         sign BOOTX64.EFI with sbsign (sbsigntool) for Secure Boot;
      [--sign-pass PASS]                      PASS opens an encrypted KEY (Debian's ovmf ships a test-only
                                              "snakeoil" key, enrolled in OVMF_VARS_4M.snakeoil.fd)
  hw_standin.py drivers OUT.iso               an ISO with virtio-win's folder layout (empty .inf files
                                              named as in virtio-win) so paths can be checked

Built locally with xorriso, mkfs.fat and mtools; nothing is downloaded. Prints "changed".
"""

from __future__ import annotations

import argparse
import os
import struct
import subprocess
import tempfile

PM1A_CNT_PORTS = (0x604, 0xB004)  # ICH9/PIIX4 under SeaBIOS (0x600 base), PIIX4 under OVMF (0xB000 base)

# UEFI tables on x86-64, field order as in the UEFI specification (section 4, "EFI System Table") and in
# edk2's MdePkg/Include/Uefi/UefiSpec.h: a 24-byte EFI_TABLE_HEADER, then 8-byte fields (pointers, UINTN,
# and FirmwareRevision, a UINT32 padded to 8).
EFI_SYSTEM_TABLE = ("FirmwareVendor", "FirmwareRevision", "ConsoleInHandle", "ConIn", "ConsoleOutHandle",
                    "ConOut", "StandardErrorHandle", "StdErr", "RuntimeServices", "BootServices")
EFI_BOOT_SERVICES = ("RaiseTPL", "RestoreTPL", "AllocatePages", "FreePages", "GetMemoryMap", "AllocatePool",
                     "FreePool", "CreateEvent", "SetTimer", "WaitForEvent", "SignalEvent", "CloseEvent",
                     "CheckEvent", "InstallProtocolInterface", "ReinstallProtocolInterface",
                     "UninstallProtocolInterface", "HandleProtocol", "Reserved", "RegisterProtocolNotify",
                     "LocateHandle", "LocateDevicePath", "InstallConfigurationTable", "LoadImage", "StartImage",
                     "Exit", "UnloadImage", "ExitBootServices", "GetNextMonotonicCount", "Stall",
                     "SetWatchdogTimer")
EFI_RUNTIME_SERVICES = ("GetTime", "SetTime", "GetWakeupTime", "SetWakeupTime", "SetVirtualAddressMap",
                        "ConvertPointer", "GetVariable", "GetNextVariableName", "SetVariable",
                        "GetNextHighMonotonicCount", "ResetSystem")
TEXT_OUTPUT_OUTPUT_STRING = 0x08  # EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL: Reset, OutputString, ...
EFI_RESET_SHUTDOWN = 2            # EFI_RESET_TYPE: EfiResetCold, EfiResetWarm, EfiResetShutdown
PE_SECTION_RVA = 0x1000
PE_FILE_ALIGN = 0x200


def efi_offset(table: tuple, field: str) -> int:
    return 24 + 8 * table.index(field)


def _call(base: int, field: str, table: tuple) -> bytes:
    """mov rax,[rbx+base]; call [rax+offset of field] (rbx holds the system table)."""
    return bytes([0x48, 0x8B, 0x43, base]) + b"\xFF\x90" + struct.pack("<I", efi_offset(table, field))


def efi_application(delay: int) -> bytes:
    """An x86-64 PE32+ EFI application (subsystem 10), position independent, no relocations needed.

    Entry (Microsoft x64 calling convention): rcx = ImageHandle, rdx = SystemTable.
    """
    if delay > 4000:
        raise ValueError("delay: at most 4000 s (Stall takes the microseconds in a 32-bit immediate here)")
    msg = ("hypercloud STAND-IN installer (UEFI): " +
           ("powering off in %d s" % delay if delay >= 0 else "never powers off") + "\r\n").encode("utf-16-le")
    boot = efi_offset(EFI_SYSTEM_TABLE, "BootServices")
    runtime = efi_offset(EFI_SYSTEM_TABLE, "RuntimeServices")
    no_args = b"\x31\xC9\x31\xD2\x45\x31\xC0\x45\x31\xC9"  # xor ecx,ecx; xor edx,edx; xor r8d,r8d; xor r9d,r9d
    code = bytearray(b"\x53\x48\x83\xEC\x20\x48\x89\xD3")  # push rbx; sub rsp,20h (shadow space); mov rbx,rdx
    code += bytes([0x48, 0x8B, 0x4B, efi_offset(EFI_SYSTEM_TABLE, "ConOut")])  # mov rcx,[rbx+ConOut]
    lea = len(code)
    code += b"\x48\x8D\x15\0\0\0\0"  # lea rdx,[rip+msg] (patched below)
    code += bytes([0xFF, 0x51, TEXT_OUTPUT_OUTPUT_STRING])  # call [rcx+OutputString]
    code += bytes([0x48, 0x8B, 0x43, boot]) + no_args  # mov rax,[rbx+BootServices]; no arguments
    code += b"\xFF\x90" + struct.pack("<I", efi_offset(EFI_BOOT_SERVICES, "SetWatchdogTimer"))  # watchdog off
    if delay >= 0:
        code += b"\xB9" + struct.pack("<I", delay * 1000000)  # mov ecx,microseconds
        code += _call(boot, "Stall", EFI_BOOT_SERVICES)
        code += b"\xB9" + struct.pack("<I", EFI_RESET_SHUTDOWN) + no_args[2:]  # ecx=EfiResetShutdown; edx=r8=r9=0
        code += _call(runtime, "ResetSystem", EFI_RUNTIME_SERVICES)  # ResetSystem(EfiResetShutdown, 0, 0, NULL)
    code += b"\xF4\xEB\xFD"  # hlt; jmp hlt (interrupts stay on: the firmware's timer keeps running)
    code += b"\x90" * (len(code) % 2)  # nop, so the CHAR16 message is 2-byte aligned
    struct.pack_into("<i", code, lea + 3, len(code) - (lea + 7))
    text = bytes(code) + msg + b"\0\0"
    raw = -(-len(text) // PE_FILE_ALIGN) * PE_FILE_ALIGN
    image_size = PE_SECTION_RVA + -(-len(text) // 0x1000) * 0x1000
    dos = b"MZ".ljust(0x3C, b"\0") + struct.pack("<I", 0x40)  # e_lfanew: "PE\0\0" at 0x40
    # COFF header: AMD64, 1 section, optional header 240 bytes, EXECUTABLE_IMAGE | LARGE_ADDRESS_AWARE
    # (not RELOCS_STRIPPED, so the firmware may load it anywhere: the code has no absolute addresses).
    coff = struct.pack("<HHIIIHH", 0x8664, 1, 0, 0, 0, 240, 0x0022)
    opt = struct.pack("<HBBIIIII", 0x20B, 0, 0, raw, 0, 0, PE_SECTION_RVA, PE_SECTION_RVA)  # PE32+, entry
    opt += struct.pack("<QII", 0x140000000, 0x1000, PE_FILE_ALIGN)  # ImageBase, section and file alignment
    opt += struct.pack("<6HI", 0, 0, 0, 0, 0, 0, 0)  # OS/image/subsystem versions, Win32VersionValue
    opt += struct.pack("<IIIHH", image_size, PE_FILE_ALIGN, 0, 10, 0)  # sizes, CheckSum, EFI_APPLICATION
    opt += struct.pack("<4QII", 0x10000, 0x10000, 0x10000, 0x10000, 0, 16)  # stack/heap, 16 data directories
    opt += b"\0" * 16 * 8  # all empty: no imports, no relocations
    section = struct.pack("<8s6I2HI", b".text", len(text), PE_SECTION_RVA, raw, PE_FILE_ALIGN, 0, 0, 0, 0,
                          0x60000020)  # CODE | EXECUTE | READ
    headers = dos + b"PE\0\0" + coff + opt + section
    return headers.ljust(PE_FILE_ALIGN, b"\0") + text.ljust(raw, b"\0")


def boot_sector(delay: int) -> bytes:
    """16-bit real-mode code loaded at 0000:7C00 (or 07C0:0000; only relative jumps are used)."""
    msg = (b"hypercloud STAND-IN installer: " +
           (b"powering off in %d s" % delay if delay >= 0 else b"never powers off") + b"\r\n\0")
    head = bytes([0xFA, 0x31, 0xC0, 0x8E, 0xD8, 0x8E, 0xD0, 0xBC, 0x00, 0x7C, 0xFB])  # cli; ds=ss=0; sp; sti
    # mov si, imm16 (patched below); print loop: lodsb; or al,al; jz +9; mov ah,0e; mov bx,7; int 10; jmp back
    printer = bytes([0xAC, 0x08, 0xC0, 0x74, 0x09, 0xB4, 0x0E, 0xBB, 0x07, 0x00, 0xCD, 0x10, 0xEB, 0xF2])
    tail = b""
    if delay >= 0:
        ticks = max(1, round(delay * 18.2065))  # BIOS timer ticks (0040:006C counts 18.2 per second)
        tail += bytes([0xB8, 0x40, 0x00, 0x8E, 0xC0])                           # mov ax,40h; mov es,ax
        tail += b"\xB9" + struct.pack("<H", ticks)                               # mov cx,ticks
        tail += bytes([0x26, 0x8B, 0x1E, 0x6C, 0x00])                           # mov bx,[es:6Ch]
        # wait: sti; hlt; mov ax,[es:6Ch]; cmp ax,bx; je wait; mov bx,ax; loop wait
        tail += bytes([0xFB, 0xF4, 0x26, 0xA1, 0x6C, 0x00, 0x39, 0xD8, 0x74, 0xF6, 0x89, 0xC3, 0xE2, 0xF2])
        for port in PM1A_CNT_PORTS:
            tail += b"\xBA" + struct.pack("<H", port) + b"\xB8\x00\x20\xEF"      # mov dx,port; mov ax,2000h; out dx,ax
    tail += bytes([0xFA, 0xF4, 0xEB, 0xFC])                                      # cli; hlt; jmp hlt
    code_len = len(head) + 3 + len(printer) + len(tail)
    code = head + b"\xBE" + struct.pack("<H", 0x7C00 + code_len) + printer + tail + msg
    if len(code) > 510:
        raise ValueError("boot code too long")
    return code.ljust(510, b"\0") + b"\x55\xAA"


def xorriso(root: str, out: str, label: str, boot: bool) -> None:
    cmd = ["xorriso", "-as", "mkisofs", "-quiet", "-J", "-R", "-V", label, "-o", out]
    if boot:
        # The BIOS entry first (the default entry), then the UEFI one (platform 0xEF), as Windows media have.
        cmd += ["-b", "boot.bin", "-no-emul-boot", "-boot-load-size", "4", "-c", "boot.cat",
                "-eltorito-alt-boot", "-e", "efiboot.img", "-no-emul-boot"]
    subprocess.run(cmd + [root], check=True)


def sign(path: str, key: str, cert: str, password: str | None, tmp: str) -> None:
    if password is not None:
        # sbsign would ask for the passphrase on the terminal: hand it a decrypted copy instead.
        plain = os.path.join(tmp, "sign.key")
        subprocess.run(["openssl", "pkey", "-in", key, "-passin", "pass:" + password, "-out", plain], check=True)
        key = plain
    subprocess.run(["sbsign", "--key", key, "--cert", cert, "--output", path + ".signed", path], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.replace(path + ".signed", path)


def efi_boot_image(path: str, app: str) -> None:
    """A small FAT12 image with the application at the removable-media path \\EFI\\BOOT\\BOOTX64.EFI."""
    subprocess.run(["mkfs.fat", "-C", "-n", "HW_STANDIN", path, "128"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["mmd", "-i", path, "::/EFI", "::/EFI/BOOT"], check=True)
    subprocess.run(["mcopy", "-i", path, app, "::/EFI/BOOT/BOOTX64.EFI"], check=True)


def installer(out: str, delay: int, signer: tuple | None = None) -> None:
    with tempfile.TemporaryDirectory(prefix="hw-standin-") as root, \
            tempfile.TemporaryDirectory(prefix="hw-standin-efi-") as tmp:
        with open(os.path.join(root, "boot.bin"), "wb") as handle:
            handle.write(boot_sector(delay).ljust(2048, b"\0"))
        app = os.path.join(tmp, "BOOTX64.EFI")
        with open(app, "wb") as handle:
            handle.write(efi_application(delay))
        if signer:
            sign(app, *signer, tmp=tmp)
        efi_boot_image(os.path.join(root, "efiboot.img"), app)
        with open(os.path.join(root, "STANDIN.TXT"), "w", encoding="ascii") as handle:
            handle.write("hypercloud.builder test STAND-IN for a Windows installation ISO; not Windows.\n")
        xorriso(root, out, "HW_STANDIN_INSTALLER", boot=True)


def drivers(out: str) -> None:
    folders = ("w10", "w11", "2k19", "2k22", "2k25")
    with tempfile.TemporaryDirectory(prefix="hw-standin-") as root:
        for drv in ("viostor", "vioscsi", "NetKVM", "Balloon"):
            for ver in folders:
                path = os.path.join(root, drv, ver, "amd64")
                os.makedirs(path)
                with open(os.path.join(path, drv.lower() + ".inf"), "w", encoding="ascii") as handle:
                    handle.write("; hypercloud.builder STAND-IN for virtio-win %s\\%s\\amd64; not a driver\n" % (drv, ver))
        with open(os.path.join(root, "virtio-win-gt-x64.msi"), "wb") as handle:
            handle.write(b"STAND-IN, not an MSI\n")
        xorriso(root, out, "HW_STANDIN_VIRTIO", boot=False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["installer", "drivers"])
    parser.add_argument("out")
    parser.add_argument("--delay", type=int, default=5)
    parser.add_argument("--never", action="store_true")
    parser.add_argument("--sign-key")
    parser.add_argument("--sign-cert")
    parser.add_argument("--sign-pass")
    args = parser.parse_args()
    if bool(args.sign_key) != bool(args.sign_cert):
        parser.error("--sign-key and --sign-cert go together")
    if args.kind == "installer":
        signer = (args.sign_key, args.sign_cert, args.sign_pass) if args.sign_key else None
        installer(args.out, -1 if args.never else args.delay, signer)
    else:
        drivers(args.out)
    print("changed")


if __name__ == "__main__":
    main()
