# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""devstack: render local.conf, decide whether stack.sh must run, and read its log.

Pure. Facts used (openstack/devstack ``doc/source/configuration.rst``, ``stack.sh``,
``functions-common``, ``tools/outfilter.py``):
* local.conf is made of meta-sections ``[[phase|file]]``: ``[[local|localrc]]`` holds shell
  assignments and commands (``disable_all_services``, ``enable_service ...``) that stack.sh
  sources; ``[[post-config|$NOVA_CONF]]`` and the other phases hold ini sections merged into
  that file at that phase;
* with ``LOGFILE`` set, every line of the log starts with ``YYYY-MM-DD HH:MM:SS.mmm | ``; the
  xtrace lines start with ``+`` and ``file:function:line``; a phase is announced by
  ``echo_summary "..."``; a failure prints ``<script> failed: full log in ...`` (err_trap), an
  ``[ERROR]`` line when ``die`` was called, and ``Error on exit`` (exit_trap); success ends with
  ``stack.sh completed in N seconds.``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

PHASES = ("local", "post-config", "extra", "post-extra", "test-config")
SHELL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SHELL_SAFE = re.compile(r"^[A-Za-z0-9_./:@%+,=-]*$")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \| ?")
XTRACE = re.compile(r"^\++\s?(?P<where>[^\s:]+:[^\s:]+:\d+)\s+(?P<command>.*)$")
SUMMARY = re.compile(r"echo_summary\s+(?P<q>['\"]?)(?P<text>.*?)(?P=q)\s*$")
FAILED = re.compile(r"^\S*stack\.sh failed(?::|$)")
COMPLETED = re.compile(r"stack\.sh completed in (\d+) seconds")


def _shell_value(value: Any) -> str:
    if isinstance(value, bool):
        text = "True" if value else "False"
    elif isinstance(value, (list, tuple)):
        text = " ".join(str(v) for v in value)
    else:
        text = str(value)
    if SHELL_SAFE.match(text):
        return text
    return "'" + text.replace("'", "'\"'\"'") + "'"


def _ini_value(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


def render_local_conf(localrc: Mapping[str, Any], commands: Sequence[str],
                      post_config: Sequence[Mapping[str, Any]], header: str = "") -> str:
    """local.conf text: ``[[local|localrc]]`` (variables, then commands), then each meta-section."""
    lines: List[str] = list(header.splitlines())
    lines.append("[[local|localrc]]")
    for name, value in localrc.items():
        if not SHELL_NAME.match(str(name)):
            raise PlanError("localrc variable %r is not a shell variable name" % name)
        if value is None:
            continue
        lines.append("%s=%s" % (name, _shell_value(value)))
    for command in commands:
        if "\n" in command:
            raise PlanError("localrc command %r spans lines; give one command per item" % command)
        lines.append(command)
    for meta in post_config:
        phase = meta.get("phase") or "post-config"
        target = meta.get("file") or ""
        if phase not in PHASES or phase == "local":
            raise PlanError("meta-section phase %r is not one of %s" % (phase, ", ".join(PHASES[1:])))
        if not target or "]" in target or "|" in target:
            raise PlanError("meta-section file %r must be a path or a variable such as $NOVA_CONF" % target)
        lines += ["", "[[%s|%s]]" % (phase, target)]
        for section, options in (meta.get("sections") or {}).items():
            if not section or "]" in section:
                raise PlanError("ini section name %r in %s is not valid" % (section, target))
            lines.append("[%s]" % section)
            for key, value in (options or {}).items():
                lines.append("%s = %s" % (key, _ini_value(value)))
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class StackPlan:
    action: str  # skip, stack, restack or hold
    reason: str


def plan_stack(marker: Optional[Mapping[str, str]], checksum: str, restack_ok: bool) -> StackPlan:
    """Whether stack.sh runs. ``marker`` is what the last run recorded: its local.conf checksum and result."""
    if not marker:
        return StackPlan("stack", "never stacked here")
    if marker.get("result") == "ok" and marker.get("checksum") == checksum:
        return StackPlan("skip", "already stacked with this local.conf")
    why = "the last stack.sh failed" if marker.get("result") != "ok" else "local.conf changed since the last stack.sh"
    if restack_ok:
        return StackPlan("restack", why + ": unstack.sh and clean.sh first, then stack.sh")
    return StackPlan("hold", why + ": set devstack_restack_ok=true to unstack, clean and stack again")


@dataclass(frozen=True)
class LogStatus:
    phase: str = ""
    completed: bool = False
    failed: bool = False
    failing_command: str = ""
    errors: Tuple[str, ...] = field(default=())
    tail: Tuple[str, ...] = field(default=())
    seconds: Optional[int] = None


def parse_log(lines: Sequence[str], tail: int = 50) -> LogStatus:
    """Phase, outcome, failing command and the last ``tail`` lines of a stack.sh log."""
    phase = ""
    last_command = ""
    failing = ""
    errors: List[str] = []
    completed = False
    failed = False
    seconds = None
    for raw in lines:
        line = TIMESTAMP.sub("", raw.rstrip("\n"))
        trace = XTRACE.match(line)
        if trace:
            command = trace.group("command")
            summary = SUMMARY.match(command)
            if summary:
                phase = summary.group("text")
            else:
                last_command = "%s %s" % (trace.group("where"), command)
            continue
        if line.startswith("[ERROR]"):
            errors.append(line)
        if FAILED.match(line) or line.strip() == "Error on exit":
            failed = True
            failing = failing or last_command
        done = COMPLETED.search(line)
        if done:
            completed = True
            seconds = int(done.group(1))
    clean = [TIMESTAMP.sub("", raw.rstrip("\n")) for raw in lines[-tail:]] if tail else []
    return LogStatus(phase, completed and not failed, failed, failing, tuple(errors), tuple(clean), seconds)
