# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""STAND-IN media for the Windows image tests (no Windows or virtio-win media can be had here).

  hw_standin.py installer OUT.iso --delay N   a bootable ISO (El Torito, no emulation, BIOS) whose
                                              boot sector prints a line, waits N seconds (counting BIOS
                                              timer ticks) and powers the machine off through the ACPI PM1a
                                              control register (QEMU's acpi_pm1_cnt_write: SLP_EN with
                                              SLP_TYP 0 is a soft power-off), as sysprep /shutdown would
  hw_standin.py installer OUT.iso --never     the same ISO that prints and halts forever (timeout path)
  hw_standin.py drivers OUT.iso               an ISO with virtio-win's folder layout (empty .inf files
                                              named as in virtio-win) so paths can be checked

Built locally with xorriso; nothing is downloaded. Prints "changed".
"""

from __future__ import annotations

import argparse
import os
import struct
import subprocess
import tempfile

PM1A_CNT_PORTS = (0x604, 0xB004)  # ICH9/PIIX4 under SeaBIOS (0x600 base), PIIX4 under OVMF (0xB000 base)


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
        cmd += ["-b", "boot.bin", "-no-emul-boot", "-boot-load-size", "4", "-c", "boot.cat"]
    subprocess.run(cmd + [root], check=True)


def installer(out: str, delay: int) -> None:
    with tempfile.TemporaryDirectory(prefix="hw-standin-") as root:
        with open(os.path.join(root, "boot.bin"), "wb") as handle:
            handle.write(boot_sector(delay).ljust(2048, b"\0"))
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
    args = parser.parse_args()
    if args.kind == "installer":
        installer(args.out, -1 if args.never else args.delay)
    else:
        drivers(args.out)
    print("changed")


if __name__ == "__main__":
    main()
