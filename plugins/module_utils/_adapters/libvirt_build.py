# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Thin libvirt-python adapter for a build VM: look up, define, start, state, metadata, screenshot, remove.

Every libvirt error comes back as AdapterError naming the call.
"""

from __future__ import annotations

import re
from typing import Any, Optional, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError

try:
    import libvirt
except ImportError as exc:  # pragma: no cover - reported by the module with missing_required_lib
    libvirt = None
    LIBVIRT_IMPORT_ERROR: Optional[ImportError] = exc
else:
    LIBVIRT_IMPORT_ERROR = None

VIR_ERR_NO_DOMAIN = 42
METADATA_ELEMENT = 2        # VIR_DOMAIN_METADATA_ELEMENT
AFFECT_CONFIG = 2           # VIR_DOMAIN_AFFECT_CONFIG
UNDEFINE_NVRAM = 4          # VIR_DOMAIN_UNDEFINE_NVRAM
KEYCODE_LINUX = 1           # VIR_KEYCODE_SET_LINUX
KEY_ENTER = 28
LOG_TAIL_LINES = 8
_ERROR_LOG = re.compile(r"[Cc]heck (?:the )?error log '([^']+)'")


def with_log_tail(message: str, lines: int = LOG_TAIL_LINES) -> str:
    """Append the last lines of the log a libvirt error points to ("Check error log '...'"), when readable.

    libvirt's message for a failed helper (swtpm_setup, for one) names only the log file; the cause is in it.
    """
    found = _ERROR_LOG.search(message)
    if not found:
        return message
    try:
        with open(found.group(1), encoding="utf-8", errors="replace") as fh:
            tail = [line.rstrip() for line in fh.readlines()[-lines:]]
    except OSError:
        return message
    return "%s; last lines of %s: %s" % (message, found.group(1), " | ".join(line for line in tail if line))


class BuildDomains:
    """One connection; the domain calls the libvirt_build_vm module needs."""

    def __init__(self, uri: str) -> None:
        libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
        self.conn = self._call("open(%s)" % uri, libvirt.open, uri)

    @staticmethod
    def _call(what: str, func: Any, *args: Any) -> Any:
        try:
            return func(*args)
        except libvirt.libvirtError as err:
            raise AdapterError(with_log_tail("libvirt %s failed: %s" % (what, err.get_error_message() or err))) from None

    def lookup(self, name: str) -> Optional[Any]:
        try:
            return self.conn.lookupByName(name)
        except libvirt.libvirtError as err:
            if err.get_error_code() == VIR_ERR_NO_DOMAIN:
                return None
            raise AdapterError("libvirt lookupByName(%s) failed: %s" % (name, err.get_error_message())) from None

    def xml(self, dom: Any) -> str:
        return self._call("XMLDesc(%s)" % dom.name(), dom.XMLDesc, 2)  # VIR_DOMAIN_XML_INACTIVE

    def state(self, dom: Any) -> Tuple[int, int]:
        state, reason = self._call("state(%s)" % dom.name(), dom.state)
        return state, reason

    def define(self, xml: str) -> Any:
        return self._call("defineXML", self.conn.defineXML, xml)

    def start(self, dom: Any) -> None:
        self._call("create(%s)" % dom.name(), dom.create)

    def press_enter(self, dom: Any) -> None:
        """One Enter key press (answers "Press any key to boot from CD or DVD" on UEFI media)."""
        try:
            dom.sendKey(KEYCODE_LINUX, 50, [KEY_ENTER], 1, 0)
        except libvirt.libvirtError:
            pass  # the domain may just have stopped; the next state poll reports it

    def mark_finished(self, dom: Any, metadata: str, namespace: str) -> None:
        self._call("setMetadata(%s)" % dom.name(), dom.setMetadata, METADATA_ELEMENT, metadata, "hw", namespace,
                   AFFECT_CONFIG)

    def screenshot(self, dom: Any, path: str) -> str:
        """Save the first screen as PPM/PNG (whatever QEMU sends); returns the MIME type."""
        stream = self._call("newStream", self.conn.newStream, 0)
        mime = self._call("screenshot(%s)" % dom.name(), dom.screenshot, stream, 0, 0)
        with open(path, "wb") as handle:
            def sink(_stream: Any, data: bytes, fh: Any) -> int:
                return fh.write(data)
            self._call("screenshot stream", stream.recvAll, sink, handle)
        self._call("stream finish", stream.finish)
        return mime

    def stop(self, dom: Any) -> None:
        if dom.isActive():
            self._call("destroy(%s)" % dom.name(), dom.destroy)

    def remove(self, dom: Any) -> None:
        self.stop(dom)
        try:
            dom.undefineFlags(UNDEFINE_NVRAM)
        except libvirt.libvirtError:
            self._call("undefine(%s)" % dom.name(), dom.undefine)
