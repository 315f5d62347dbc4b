# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Thin adapter over the image tools: xorriso/genisoimage, mkfs.fat + mtools, qemu-img, and files.

No decisions here: each method runs one tool (or writes one file atomically) and raises
AdapterError naming the command and its output when it fails.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError

Runner = Callable[..., Tuple[int, str, str]]


def sha256_file(path: str, algorithm: str = "sha256") -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_bytes(path: str) -> Optional[bytes]:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def write_atomic(path: str, data: bytes, mode: int = 0o644) -> None:
    """Write through a temporary file in the same directory, then rename over the target."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".hw-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise AdapterError("writing %s failed: %s" % (path, exc)) from None


def file_identity(path: str, digest: bool = False) -> Dict[str, Any]:
    """Size and mtime (and the sha256 when asked) of an input file, for the inputs hash."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise AdapterError("input file %s: %s" % (path, exc.strerror)) from None
    out: Dict[str, Any] = {"size": st.st_size, "mtime": int(st.st_mtime)}
    if digest:
        out["sha256"] = sha256_file(path)
    return out


def read_json(path: str) -> Dict[str, Any]:
    data = read_bytes(path)
    if data is None:
        return {}
    try:
        value = json.loads(data.decode("utf-8"))
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


class ImageTools:
    """The commands, through AnsibleModule.run_command (or a fake in unit tests)."""

    def __init__(self, run: Runner, which: Callable[[str], Optional[str]]):
        self.run = run
        self.which = which

    def _bin(self, *names: str) -> str:
        for name in names:
            path = self.which(name)
            if path:
                return path
        raise AdapterError("none of %s is installed (bindep.txt lists the packages)" % ", ".join(names))

    def _exec(self, cmd: Sequence[str], env: Optional[Mapping[str, str]] = None) -> str:
        rc, out, err = self.run(list(cmd), environ_update=dict(env or {}))
        if rc != 0:
            raise AdapterError("%s failed (rc=%s): %s" % (" ".join(cmd), rc, (err or out).strip()[-800:]))
        return out

    def make_iso(self, root: str, target: str, label: str, exclude: Sequence[str] = ()) -> str:
        """ISO 9660 with Joliet and Rock Ridge of the directory ``root``; returns the tool used."""
        tool = self._bin("xorriso", "genisoimage", "mkisofs")
        tmp = target + ".tmp"
        args = ["-quiet", "-J", "-R", "-V", label, "-o", tmp]
        for pattern in exclude:
            args += ["-m", pattern]
        args.append(root)
        cmd = [tool, "-as", "mkisofs"] + args if tool.endswith("xorriso") else [tool] + args
        self._exec(cmd)
        os.chmod(tmp, 0o600)  # the answer file holds the (obfuscated) build password
        os.replace(tmp, target)
        return os.path.basename(tool)

    def make_floppy(self, root: str, names: Sequence[str], target: str, label: str) -> str:
        """A 1.44 MB FAT12 image holding ``names`` from ``root`` at its root."""
        mkfs = self._bin("mkfs.fat", "mkfs.vfat")
        mcopy = self._bin("mcopy")
        tmp = target + ".tmp"
        if os.path.exists(tmp):
            os.unlink(tmp)
        self._exec([mkfs, "-C", "-n", label, tmp, "1440"])
        self._exec([mcopy, "-i", tmp] + [os.path.join(root, n) for n in sorted(names)] + ["::/"],
                   env={"MTOOLS_SKIP_CHECK": "1"})
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
        return "mtools"

    def list_iso(self, path: str) -> List[str]:
        tool = self._bin("xorriso")
        out = self._exec([tool, "-indev", path, "-find", "/", "-type", "f"])
        return sorted(line.strip().strip("'").lstrip("/") for line in out.splitlines() if line.strip())

    def qemu_img(self) -> str:
        return self._bin("qemu-img")

    def create_qcow2(self, path: str, size: str) -> None:
        self._exec([self.qemu_img(), "create", "-q", "-f", "qcow2", path, size])

    def convert(self, source: str, target: str, compress: bool) -> None:
        tmp = target + ".tmp"
        cmd = [self.qemu_img(), "convert", "-q", "-O", "qcow2"] + (["-c"] if compress else []) + [source, tmp]
        self._exec(cmd)
        os.replace(tmp, target)

    def info(self, path: str) -> Dict[str, Any]:
        out = self._exec([self.qemu_img(), "info", "--output=json", path])
        try:
            return json.loads(out)
        except ValueError:
            raise AdapterError("qemu-img info %s answered no JSON: %s" % (path, out[:200])) from None

    @staticmethod
    def copy(source: str, target: str) -> None:
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(source, target + ".tmp")
            os.replace(target + ".tmp", target)
        except OSError as exc:
            raise AdapterError("copying %s to %s failed: %s" % (source, target, exc)) from None
