# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Thin process adapter: the record file, /proc, file digests, start detached, stop, wait for a port.
No decisions are made here."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
from typing import Dict, Mapping, Optional, Sequence

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.daemon import Proc, Record


def read_record(path: str) -> Optional[Record]:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        return Record(int(data["pid"]), tuple(data["argv"]), str(data["fingerprint"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_record(path: str, record: Record) -> None:
    directory = os.path.dirname(path) or "."
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".rec")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"pid": record.pid, "argv": list(record.argv), "fingerprint": record.fingerprint}, handle)
        os.chmod(tmp, 0o644)
        os.rename(tmp, path)
    except OSError as exc:
        raise AdapterError("record %s cannot be written (daemon pid %d): %s" % (path, record.pid, exc)) from exc


def proc(pid: int) -> Optional[Proc]:
    try:
        with open("/proc/%d/stat" % pid, encoding="utf-8", errors="replace") as handle:
            state = handle.read().rsplit(")", 1)[1].split()[0]
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            cmdline = tuple(p.decode("utf-8", "replace") for p in handle.read().split(b"\0") if p)
    except (OSError, IndexError):
        return None
    return Proc(pid, state, cmdline)


def digests(paths: Sequence[str]) -> Dict[str, str]:
    out = {}
    for path in paths:
        try:
            with open(path, "rb") as handle:
                out[path] = hashlib.sha256(handle.read()).hexdigest()
        except OSError as exc:
            raise AdapterError("config file %s cannot be read: %s" % (path, exc.strerror)) from exc
    return out


def start(argv: Sequence[str], env: Mapping[str, str], log_file: str, cwd: str) -> int:
    """Start ``argv`` in its own session, stdout and stderr appended to ``log_file``."""
    full_env = dict(os.environ)
    full_env.update(env)
    try:
        with open(log_file, "ab") as log, open(os.devnull, "rb") as null:
            child = subprocess.Popen(list(argv), stdin=null, stdout=log, stderr=subprocess.STDOUT, cwd=cwd,
                                     env=full_env, close_fds=True, start_new_session=True)
    except OSError as exc:
        raise AdapterError("starting %s failed: %s" % (argv[0], exc.strerror)) from exc
    return child.pid


def alive(pid: int) -> bool:
    info = proc(pid)
    return bool(info and info.state not in ("Z", "X"))


def stop(pid: int, timeout: float) -> None:
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not alive(pid):
                return
            time.sleep(0.1)
    raise AdapterError("pid %d did not stop after SIGTERM and SIGKILL" % pid)


def tail(path: str, lines: int = 20) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 8192))
            return "\n".join(handle.read().decode("utf-8", "replace").splitlines()[-lines:])
    except OSError:
        return ""


def answers(host: str, port: int) -> bool:
    """Whether ``host:port`` accepts a TCP connection now."""
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def wait_ready(pid: int, host: str, port: int, timeout: float, log_file: str) -> None:
    """Wait until ``host:port`` accepts connections; fail early when the process dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            raise AdapterError("the process (pid %d) exited before %s:%d answered; last log lines:\n%s"
                               % (pid, host, port, tail(log_file)))
        if answers(host, port):
            return
        time.sleep(0.2)
    raise AdapterError("%s:%d did not answer within %ds; last log lines:\n%s" % (host, port, timeout, tail(log_file)))
