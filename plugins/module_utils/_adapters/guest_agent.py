# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run a command inside a libvirt guest through the QEMU guest agent (guest-exec).

``GuestAgent.run`` has the shape of ``AnsibleModule.run_command`` (argv in, ``(rc, out, err)``
out), so an adapter written for local commands (``Iputils``) runs unchanged inside the guest.
The protocol is QEMU's guest agent (``qga/qapi-schema.json``): ``guest-exec`` with
``{"path", "arg", "capture-output": true}`` answers ``{"pid"}``; ``guest-exec-status`` with
``{"pid"}`` answers ``{"exited", "exitcode", "signal", "out-data", "err-data"}`` (output base64).
libvirt carries it with ``libvirt_qemu.qemuAgentCommand`` (``virsh qemu-agent-command``).
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any, Callable, Dict, Optional, Sequence, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError

try:
    import libvirt
    import libvirt_qemu
except ImportError as exc:  # pragma: no cover - reported by the module with missing_required_lib
    libvirt = libvirt_qemu = None
    GUEST_AGENT_IMPORT_ERROR: Optional[ImportError] = exc
else:
    GUEST_AGENT_IMPORT_ERROR = None

CHANNEL = "<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>"
# How the agent and libvirt word the failures we explain (qga/commands*.c, qapi/qmp-dispatch.c,
# libvirt src/qemu/qemu_agent.c).
NOT_CONNECTED = ("not connected", "not responding", "not configured", "not available", "no agent")
DISABLED = ("has been disabled", "command not found", "commandnotfound")
SPAWN_FAILED = "failed to execute child process"

AgentCommand = Callable[[str], Dict[str, Any]]


def libvirt_transport(uri: str, name: str, timeout: int) -> AgentCommand:
    """A callable sending one agent command to domain ``name`` on ``uri`` and returning ``return``."""
    libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
    try:
        conn = libvirt.open(uri)
    except libvirt.libvirtError as err:
        raise AdapterError("libvirt open(%s) failed: %s" % (uri, err.get_error_message() or err)) from None
    try:
        dom = conn.lookupByName(name)
    except libvirt.libvirtError:
        raise AdapterError("libvirt domain %s is not defined on %s" % (name, uri)) from None
    if not dom.isActive():
        raise AdapterError("libvirt domain %s is not running: its guest agent cannot answer" % name)

    def send(payload: str) -> Dict[str, Any]:
        try:
            answer = libvirt_qemu.qemuAgentCommand(dom, payload, timeout, 0)
        except libvirt.libvirtError as err:
            raise AdapterError(err.get_error_message() or str(err)) from None
        return json.loads(answer)

    return send


class GuestAgent:
    """``run_command`` for a guest: each call is one guest-exec, polled until the process exits."""

    def __init__(self, name: str, send: AgentCommand, timeout: float = 60.0,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic):
        self.name = name
        self._send = send
        self.timeout = timeout
        self._sleep = sleep
        self._clock = clock

    def command(self, execute: str, arguments: Dict[str, Any]) -> Dict[str, Any]:
        """One agent command; its ``return`` member, or AdapterError saying what to do about it."""
        try:
            answer = self._send(json.dumps({"execute": execute, "arguments": arguments}))
        except AdapterError as err:
            raise AdapterError(self.explain(execute, str(err))) from None
        if "error" in answer:
            error = answer["error"]
            raise AdapterError(self.explain(execute, "%s: %s" % (error.get("class"), error.get("desc"))))
        return answer.get("return", {})

    def explain(self, execute: str, message: str) -> str:
        low = message.lower()
        if any(word in low for word in DISABLED):
            return ("the guest agent of %s refuses %s (%s): allow guest-exec and guest-exec-status in the guest "
                    "(qemu-ga --block-rpcs/--allow-rpcs, BLOCK_RPCS or FILTER_RPC_ARGS in its configuration)"
                    % (self.name, execute, message))
        if any(word in low for word in NOT_CONNECTED):
            return ("the QEMU guest agent of %s does not answer (%s): install and start qemu-guest-agent in the "
                    "guest, and give the domain the channel %s" % (self.name, message, CHANNEL))
        if SPAWN_FAILED in low:
            return "guest %s cannot run the command (%s): install iputils-ping and iputils-tracepath there" % (
                self.name, message)
        return "guest agent %s of %s failed: %s" % (execute, self.name, message)

    def run(self, args: Sequence[str], **_kwargs: Any) -> Tuple[int, str, str]:
        """Run ``args`` in the guest (the agent searches its PATH for ``args[0]``)."""
        started = self.command("guest-exec", {"path": args[0], "arg": list(args[1:]), "capture-output": True})
        pid, deadline, pause = started["pid"], self._clock() + self.timeout, 0.01
        while True:
            status = self.command("guest-exec-status", {"pid": pid})
            if status.get("exited"):
                break
            if self._clock() > deadline:
                raise AdapterError("'%s' in guest %s did not finish within %g s"
                                   % (" ".join(args), self.name, self.timeout))
            self._sleep(pause)
            pause = min(pause * 2, 0.2)
        rc = status["exitcode"] if "exitcode" in status else 128 + status.get("signal", 0)
        return rc, decode(status.get("out-data")), decode(status.get("err-data"))


def decode(data: Optional[str]) -> str:
    return base64.b64decode(data).decode("utf-8", "replace") if data else ""
