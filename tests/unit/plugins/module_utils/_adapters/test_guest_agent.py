# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""GuestAgent against answers shaped like QEMU's guest agent (qga/qapi-schema.json, qemu-ga 7.2).

The answers and error texts below are those seen from qemu-guest-agent 1:7.2 (Debian 12) through
libvirt 9.0 in the integration target mtu_path_check, which runs the same code on a real guest.
"""

from __future__ import annotations

import base64
import json

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.guest_agent import GuestAgent


def b64(text):
    return base64.b64encode(text.encode()).decode()


class FakeAgent:
    """Answers guest-exec with a pid, then guest-exec-status with the queued statuses in turn."""

    def __init__(self, statuses, error=None):
        self.statuses = list(statuses)
        self.error = error
        self.sent = []

    def __call__(self, payload):
        request = json.loads(payload)
        self.sent.append(request)
        if self.error:
            if isinstance(self.error, dict):
                return {"error": self.error}
            raise AdapterError(self.error)
        if request["execute"] == "guest-exec":
            return {"return": {"pid": 98}}
        assert request == {"execute": "guest-exec-status", "arguments": {"pid": 98}}
        return {"return": self.statuses.pop(0)}


def agent(fake, clock=None):
    return GuestAgent("vm1", fake, timeout=5, sleep=lambda _s: None, clock=clock or (lambda: 0.0))


@pytest.mark.parametrize("statuses,expected", [
    # ping that answered: exit code 0, output captured
    ([{"exited": False}, {"exitcode": 0, "out-data": b64("1 received\n"), "out-truncated": False, "exited": True}],
     (0, "1 received\n", "")),
    # ping with no answer: exit code 1, nothing on stderr
    ([{"exitcode": 1, "out-data": b64("100% packet loss\n"), "out-truncated": False, "exited": True}],
     (1, "100% packet loss\n", "")),
    # "message too long" comes on stderr (err-data)
    ([{"exitcode": 1, "err-data": b64("ping: local error: message too long, mtu=1500\n"), "exited": True}],
     (1, "", "ping: local error: message too long, mtu=1500\n")),
    # killed by a signal: no exitcode, a signal number
    ([{"exited": True, "signal": 9}], (137, "", "")),
])
def test_run_returns_what_run_command_would(statuses, expected):
    fake = FakeAgent(statuses)
    assert agent(fake).run(["ping", "-c", "1", "10.0.0.1"]) == expected
    assert fake.sent[0] == {"execute": "guest-exec",
                            "arguments": {"path": "ping", "arg": ["-c", "1", "10.0.0.1"], "capture-output": True}}


@pytest.mark.parametrize("error,message", [
    ("Guest agent is not responding: QEMU guest agent is not connected",
     "the QEMU guest agent of vm1 does not answer (Guest agent is not responding"),
    ("argument unsupported: QEMU guest agent is not configured",
     "give the domain the channel <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/>"),
    ("internal error: unable to execute QEMU agent command 'guest-exec': Command guest-exec has been disabled",
     "the guest agent of vm1 refuses guest-exec"),
    ({"class": "CommandNotFound", "desc": "The command guest-exec has not been found"},
     "the guest agent of vm1 refuses guest-exec (CommandNotFound"),
    ("internal error: unable to execute QEMU agent command 'guest-exec': Guest agent command failed, error was "
     "'Failed to execute child process \u201cping\u201d (No such file or directory)'",
     "guest vm1 cannot run the command"),
    ({"class": "GenericError", "desc": "something else"}, "guest agent guest-exec of vm1 failed: GenericError"),
])
def test_agent_failures_are_explained(error, message):
    with pytest.raises(AdapterError) as err:
        agent(FakeAgent([], error=error)).run(["ping", "10.0.0.1"])
    assert message in str(err.value)


def test_a_command_that_never_exits_times_out():
    ticks = iter(range(100))
    fake = FakeAgent([{"exited": False}] * 50)
    with pytest.raises(AdapterError, match="'tracepath -n 10.0.0.1' in guest vm1 did not finish within 5 s"):
        agent(fake, clock=lambda: float(next(ticks))).run(["tracepath", "-n", "10.0.0.1"])
