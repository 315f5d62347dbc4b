#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: daemon_process
short_description: Run a daemon without systemd, restarting it when its configuration changes
version_added: 0.1.0
description:
  - The fallback service manager for hosts where systemd is not PID 1 (containers, CI machines). It
    starts a foreground command in its own session with its output appended to a log file, and
    records its pid, argv and a fingerprint of its command line, environment and configuration
    files in O(record).
  - On every run it checks the recorded pid (alive, not a zombie, same command line), starts the
    daemon when it is gone, restarts it when the fingerprint changed, and otherwise changes nothing.
  - After a start it waits for O(wait_port) and fails with the last log lines if the daemon exits
    or the port does not answer.
  - It refuses to start the daemon, and changes nothing, when O(wait_port) already answers while the
    recorded daemon is not running; another process holds the port, and its answer would be taken
    for the new daemon's.
  - It is not a resident supervisor; a daemon that dies between runs is restarted by the next run.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes
  - hypercloud.builder._attributes.LINUX
options:
  argv:
    description: The command, in the foreground (it must not daemonize itself).
    type: list
    elements: str
    required: true
  chdir:
    description: The working directory; it must exist (a missing one is refused before anything starts).
    type: path
    default: /
  config_files:
    description: Files whose content is part of the fingerprint (a change restarts the daemon).
    type: list
    elements: path
    default: []
  environment:
    description: Extra environment variables.
    type: dict
    default: {}
  log_file:
    description: Where stdout and stderr are appended.
    type: path
    required: true
  record:
    description: The record file (pid, argv, fingerprint), like a pid file.
    type: path
    required: true
  state:
    description: C(started) starts or restarts when needed, C(restarted) always restarts, C(stopped) stops.
    type: str
    default: started
    choices: [started, stopped, restarted]
  stop_timeout:
    description: Seconds to wait after SIGTERM before SIGKILL.
    type: int
    default: 10
  wait_host:
    description: The host to connect to for O(wait_port).
    type: str
    default: 127.0.0.1
  wait_port:
    description: A TCP port that answers once the daemon is ready.
    type: int
  wait_timeout:
    description: Seconds to wait for O(wait_port).
    type: int
    default: 60
"""

EXAMPLES = r"""
- name: memcached for the Swift proxy, without systemd
  hypercloud.builder.daemon_process:
    argv: [/usr/bin/memcached, -u, memcache, -l, 127.0.0.1, -p, "11211"]
    record: /var/lib/swiftbox/run/memcached.json
    log_file: /var/lib/swiftbox/log/memcached.log
    wait_port: 11211
"""

RETURN = r"""
action:
  description: What was (or in check mode would be) done, C(start), C(restart), C(stop) or C(none).
  returned: always
  type: str
  sample: restart
pid:
  description: The daemon's pid after the run (0 when stopped, or not started in check mode).
  returned: always
  type: int
  sample: 4242
reason:
  description: Why.
  returned: always
  type: str
  sample: command line or configuration changed
"""

import os
import shutil

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import process
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.daemon import (
    Record,
    check_request,
    fingerprint,
    plan_daemon,
)
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError


class DaemonProcess(HypercloudModule):
    supports_check_mode = True
    argument_spec = dict(
        argv=dict(type="list", elements="str", required=True),
        chdir=dict(type="path", default="/"),
        config_files=dict(type="list", elements="path", default=[]),
        environment=dict(type="dict", default={}),
        log_file=dict(type="path", required=True),
        record=dict(type="path", required=True),
        state=dict(type="str", default="started", choices=["started", "stopped", "restarted"]),
        stop_timeout=dict(type="int", default=10),
        wait_host=dict(type="str", default="127.0.0.1"),
        wait_port=dict(type="int"),
        wait_timeout=dict(type="int", default=60),
    )

    def run(self):
        p = self.params
        check_request(p["argv"], p["wait_port"])
        env = {str(k): str(v) for k, v in p["environment"].items()}
        record = process.read_record(p["record"])
        proc = process.proc(record.pid) if record else None
        current = fingerprint(p["argv"], env, process.digests(p["config_files"]) if p["state"] != "stopped" else {})
        busy = None
        if p["wait_port"] and p["state"] != "stopped" and process.answers(p["wait_host"], p["wait_port"]):
            busy = "%s:%d" % (p["wait_host"], p["wait_port"])
        plan = plan_daemon(p["state"], record, proc, current, busy)
        if plan.action in ("start", "restart"):
            # Checked before anything starts: a daemon whose record cannot be written would be an orphan.
            for option in ("record", "log_file"):
                folder = os.path.dirname(p[option]) or "."
                if not os.path.isdir(folder):
                    raise PlanError("%s %s: the directory %s does not exist; nothing was started"
                                    % (option, p[option], folder))
                if os.path.isdir(p[option]):
                    raise PlanError("%s %s is a directory; nothing was started" % (option, p[option]))
            # Popen's error for a bad cwd named the command, as if argv[0] were missing.
            if not os.path.isdir(p["chdir"]):
                raise PlanError("chdir %s %s; nothing was started"
                                % (p["chdir"], "is not a directory" if os.path.exists(p["chdir"]) else "does not exist"))
            # The same for a command that cannot run: the log file would be created, and check mode say start.
            command = p["argv"][0]
            found = (os.path.join(p["chdir"], command) if "/" in command
                     else shutil.which(command, path=env.get("PATH", os.environ.get("PATH", os.defpath))))
            if not found or not os.path.isfile(found) or not os.access(found, os.X_OK):
                raise PlanError("command %s is not an executable file%s; nothing was started"
                                % (command, "" if "/" in command else " on PATH"))
        pid = record.pid if plan.running and record and plan.action != "stop" else 0
        if plan.action != "none" and not self.check_mode:
            if plan.action in ("stop", "restart") and record:
                process.stop(record.pid, p["stop_timeout"])
                pid = 0
            if plan.action == "stop" and os.path.exists(p["record"]):
                os.unlink(p["record"])
            if plan.action in ("start", "restart"):
                pid = process.start(p["argv"], env, p["log_file"], p["chdir"])
                process.write_record(p["record"], Record(pid, tuple(p["argv"]), current))
                if p["wait_port"]:
                    process.wait_ready(pid, p["wait_host"], p["wait_port"], p["wait_timeout"], p["log_file"])
        return self.result(
            changed=plan.action != "none",
            before={"running": plan.running}, after={"running": p["state"] != "stopped"},
            action=plan.action, pid=pid, reason=plan.reason,
        )


def main():
    DaemonProcess().execute()


if __name__ == "__main__":
    main()
