#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: devstack_stack_info
short_description: Whether devstack's stack.sh must run, and how a run is going, from its log
version_added: 0.1.0
description:
  - Reads the marker the devstack role writes after a C(stack.sh) run (the SHA-256 of the
    C(local.conf) it ran with, and the result) and says what to do now, RV(action) C(skip) (already
    stacked with this local.conf), C(stack) (never stacked), C(restack) (changed or failed and
    O(restack_ok)) or C(hold) (changed or failed, and not allowed to unstack).
  - Reads the C(stack.sh) log and reports the current phase (the last C(echo_summary)), whether
    the run completed or failed, the failing command (the last traced command before C(stack.sh
    failed), not the lines that C(err_trap), C(exit_trap) or C(die) trace themselves), C([ERROR]) lines
    and the last 50 lines. Trace lines are read in devstack's own format, from stackrc's
    C(PS4='+ $(short_source)') followed by a colon (a padded C(file:function:line), a colon, then
    the command), and in the colour format used when C(LOG_COLOR=True).
  - A marker that cannot be read, or that does not hold a JSON object, counts as a failed run
    (RV(action) C(hold) or C(restack)), never as "never stacked".
  - With O(wait), waits up to that many seconds for the log to grow or the run to end before
    reading, so a polling loop does not spin.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes.INFO_MODULE
options:
  local_conf:
    description: The local.conf whose checksum is compared with the marker.
    type: path
    required: true
  log_file:
    description: The stack.sh log (C(LOGFILE) in localrc; a symlink to the latest run).
    type: path
    required: true
  marker:
    description: The marker file written after a run.
    type: path
    required: true
  restack_ok:
    description: Whether unstack.sh and clean.sh may run before stacking a changed local.conf.
    type: bool
    default: false
  tail:
    description: How many log lines to return (0 or more).
    type: int
    default: 50
  wait:
    description: Seconds to wait for the log to change before reading it (0 reads at once).
    type: int
    default: 0
"""

EXAMPLES = r"""
- name: Decide whether stack.sh runs
  hypercloud.builder.devstack_stack_info:
    local_conf: /opt/stack/devstack/local.conf
    log_file: /opt/stack/logs/stack.sh.log
    marker: /opt/stack/.hypercloud-stack.json
  register: stack_state
"""

RETURN = r"""
action:
  description: C(skip), C(stack), C(restack) or C(hold).
  returned: always
  type: str
  sample: skip
reason:
  description: Why.
  returned: always
  type: str
  sample: already stacked with this local.conf
checksum:
  description: SHA-256 of the current local.conf (empty when it does not exist).
  returned: always
  type: str
  sample: 5e2bf57d3f40c4b6df69daf1936cb766f832374b4fc0259a7cbff06e2f70f269
log:
  description: What the log says.
  returned: always
  type: dict
  sample: {"phase": "Installing package prerequisites", "completed": false, "failed": false,
           "failing_command": "", "errors": [], "tail": ["..."], "seconds": null, "exists": true}
"""

import hashlib
import json
import os
import time

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.devstack import parse_log, plan_stack
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError


def _size(path):
    try:
        return os.stat(path).st_size
    except OSError:
        return -1


class DevstackStackInfo(HypercloudModule):
    supports_check_mode = True
    argument_spec = dict(
        local_conf=dict(type="path", required=True),
        log_file=dict(type="path", required=True),
        marker=dict(type="path", required=True),
        restack_ok=dict(type="bool", default=False),
        tail=dict(type="int", default=50),
        wait=dict(type="int", default=0),
    )

    def run(self):
        p = self.params
        if p["tail"] < 0:
            raise PlanError("tail is the number of log lines to return: 0 or more, not %d" % p["tail"])
        start = _size(p["log_file"])
        deadline = time.monotonic() + p["wait"]
        while time.monotonic() < deadline and _size(p["log_file"]) == start:
            time.sleep(0.5)
        checksum = ""
        if os.path.exists(p["local_conf"]):
            try:
                with open(p["local_conf"], "rb") as handle:
                    checksum = hashlib.sha256(handle.read()).hexdigest()
            except OSError as err:
                raise AdapterError("cannot read %s: %s" % (p["local_conf"], err)) from None
        marker = None
        if os.path.exists(p["marker"]):
            try:
                with open(p["marker"], encoding="utf-8") as handle:
                    marker = json.load(handle)
            except (OSError, ValueError):
                marker = None
            # Valid JSON that is not the object the role writes ("ok", [1]) is as unreadable as bad JSON.
            if not isinstance(marker, dict) or not marker:
                marker = {"result": "unreadable"}
        plan = plan_stack(marker, checksum, p["restack_ok"])
        lines = []
        if os.path.exists(p["log_file"]):
            try:
                with open(p["log_file"], encoding="utf-8", errors="replace") as handle:
                    lines = handle.readlines()
            except OSError as err:
                raise AdapterError("cannot read %s: %s" % (p["log_file"], err)) from None
        status = parse_log(lines, p["tail"])
        log = dict(phase=status.phase, completed=status.completed, failed=status.failed,
                   failing_command=status.failing_command, errors=list(status.errors), tail=list(status.tail),
                   seconds=status.seconds, exists=bool(lines))
        return dict(changed=False, action=plan.action, reason=plan.reason, checksum=checksum, log=log)


def main():
    DevstackStackInfo().execute()


if __name__ == "__main__":
    main()
