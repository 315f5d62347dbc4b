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
* with ``LOGFILE`` set, every line of the log starts with ``YYYY-MM-DD HH:MM:SS.mmm | ``
  (tools/outfilter.py, which also drops every line holding ``set +o`` or ``xtrace``);
* stackrc sets ``PS4='+ $(short_source):   '`` when ``LOG_COLOR`` is False (any run without a
  terminal), and functions-common's ``short_source`` prints ``printf "%-40s " "$file:$func:$line"``,
  so a trace line reads ``+ ./stack.sh:main:800<padding> :   echo_summary 'Configuring Swift'``
  (one more ``+`` per nesting level). With ``LOG_COLOR`` True the PS4 is
  ``+<tput colour>$(short_source)<tput sgr0> ``: ``+file:func:line<padding>  command``, with or
  without the escape sequences;
* a phase is announced by ``echo_summary "..."``; a failure runs ``err_trap``
  (``local r=$?``, ``set +o xtrace``, then ``<script> failed: full log in ...``), an ``[ERROR]``
  line comes from ``die`` (``local exitcode=$?``, ``set +o xtrace``, ``err``), and ``exit_trap``
  ends with ``Error on exit``; success ends with ``stack.sh completed in N seconds.``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Collection, Dict, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

PHASES = ("local", "post-config", "extra", "post-extra", "test-config")
SHELL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SHELL_SAFE = re.compile(r"^[A-Za-z0-9_./:@%+,=-]*$")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \| ?")
# "+ where<padding> :   command" (PS4 without colour) or "+where<padding>  command" (colour PS4).
XTRACE = re.compile(r"^\++\s?(?P<where>[^\s:]+:(?P<function>[^\s:]+):\d+)(?:\s*:   |\s+)(?P<command>.*)$")
# Terminal escapes and readline's \001/\002 markers that a colour PS4 leaves in the log.
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\([A-Za-z0-9]|[\x01\x02]")
# Traps run after the failing command; their own traced lines are never "the failing command".
TRAP_FUNCTIONS = frozenset(("err_trap", "exit_trap"))
# die and its helpers trace their own lines; the failing command is the "die ..." call itself.
DIE_FUNCTIONS = frozenset(("die", "err", "backtrace"))
# localrc variables that hold secrets even when given in the plain localrc mapping.
SECRET_NAME = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|_HASH|_KEY)$")
MASK = "********"
ASSIGNMENT = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>.*)$")
SUMMARY = re.compile(r"echo_summary\s+(?P<q>['\"]?)(?P<text>.*?)(?P=q)\s*$")
FAILED = re.compile(r"^\S*stack\.sh failed(?::|$)")
COMPLETED = re.compile(r"stack\.sh completed in (\d+) seconds")
LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


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


def _spans_lines(text: Any) -> bool:
    return "\n" in str(text) or "\r" in str(text)


def _ini_text(text: str, what: str, target: str) -> str:
    if _spans_lines(text):
        raise PlanError("%s %r in %s spans lines; give it on one line" % (what, text, target))
    return text


def render_local_conf(localrc: Mapping[str, Any], commands: Sequence[str],
                      post_config: Sequence[Mapping[str, Any]], header: str = "",
                      secrets: Optional[Mapping[str, Any]] = None) -> str:
    """local.conf text: ``[[local|localrc]]`` (variables, then commands), then each meta-section."""
    lines: List[str] = list(header.splitlines())
    lines.append("[[local|localrc]]")
    # A secret named in localrc too keeps its place there and takes the secret's value.
    for name, value in {**localrc, **(secrets or {})}.items():
        if not SHELL_NAME.match(str(name)):
            raise PlanError("localrc variable %r is not a shell variable name" % name)
        if value is None:
            continue
        text = _shell_value(value)
        if _spans_lines(text):
            # Never the value: it may be a secret. A line of it could also open a meta-section.
            raise PlanError("localrc variable %s spans lines; give it on one line" % name)
        lines.append("%s=%s" % (name, text))
    for command in commands:
        if _spans_lines(command):
            raise PlanError("localrc command %r spans lines; give one command per item" % command)
        lines.append(command)
    for meta in post_config:
        phase = meta.get("phase") or "post-config"
        target = meta.get("file") or ""
        if phase not in PHASES or phase == "local":
            raise PlanError("meta-section phase %r is not one of %s" % (phase, ", ".join(PHASES[1:])))
        if not target or "]" in target or "|" in target or _spans_lines(target):
            raise PlanError("meta-section file %r must be a path or a variable such as $NOVA_CONF" % target)
        sections = meta.get("sections") or {}
        if not isinstance(sections, Mapping):
            raise PlanError("sections of %s must be a mapping of ini sections, not %r" % (target, sections))
        lines += ["", "[[%s|%s]]" % (phase, target)]
        for section, options in sections.items():
            if not section or "]" in str(section) or _spans_lines(section):
                raise PlanError("ini section name %r in %s is not valid" % (section, target))
            if options is None:
                options = {}
            if not isinstance(options, Mapping):
                raise PlanError("options of [%s] in %s must be a mapping of key: value, not %r" % (section, target, options))
            lines.append("[%s]" % section)
            for key, value in options.items():
                key = _ini_text(str(key), "ini key", target)
                if not key.strip() or "=" in key or key.lstrip().startswith("["):
                    raise PlanError("ini key %r in [%s] of %s is not valid (empty, or holds '=' or starts with '[')"
                                    % (key, section, target))
                if value is None or (isinstance(value, (list, tuple)) and None in value):
                    # Written as the text "None" otherwise; removing an option is not something this does.
                    raise PlanError("ini option %s in [%s] of %s is null; give it a value (an option cannot be"
                                    " removed here)" % (key, section, target))
                lines.append("%s = %s" % (key, _ini_text(_ini_value(value), "ini value of " + key, target)))
    return "\n".join(lines) + "\n"


def _localrc_assignments(text: str) -> Dict[str, str]:
    found: Dict[str, str] = {}
    local = False
    for line in LINES.findall(text):
        line = line.rstrip("\r\n")
        if line.startswith("[["):
            local = line.strip() == "[[local|localrc]]"
            continue
        match = ASSIGNMENT.match(line) if local else None
        if match:
            found[match.group("name")] = match.group("value")
    return found


def mask_secrets(text: str, names: Collection[str], reference: Optional[str] = None,
                 shown: Optional[Collection[str]] = None) -> str:
    """``text`` with the value of every localrc secret replaced by MASK, for a diff.

    A secret is a name in ``names`` or a name that looks like one (SECRET_NAME); with ``shown``,
    also every name not in it (for the file as it was: a variable no longer given may have been
    given as a secret before). With ``reference`` (the other side of the diff), a value that differs
    from it shows as ``******** (changed)`` so the diff still says which secret changed, without showing it.
    """
    before = _localrc_assignments(reference) if reference is not None else {}
    out: List[str] = []
    local = False
    # Lines end at "\n" (or "\r"), as for devstack: str.splitlines() would also break at "\x0c", "\u2028"...
    # inside a value and leave the end of a secret unmasked.
    for line in LINES.findall(text):
        if line.startswith("[["):
            local = line.strip() == "[[local|localrc]]"
        match = ASSIGNMENT.match(line.rstrip("\r\n")) if local else None
        if match and (match.group("name") in names or SECRET_NAME.search(match.group("name"))
                      or (shown is not None and match.group("name") not in shown)):
            name, value = match.group("name"), match.group("value")
            mark = " (changed)" if name in before and before[name] != value else ""
            line = "%s=%s%s%s" % (name, MASK, mark, line[len(line.rstrip("\r\n")):])
        out.append(line)
    return "".join(out)


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
    trapped = False
    seconds = None
    for raw in lines:
        line = TIMESTAMP.sub("", ESCAPES.sub("", raw.rstrip("\n")))
        trace = XTRACE.match(line)
        if trace:
            function = trace.group("function")
            command = trace.group("command").strip()
            summary = SUMMARY.match(command)
            if function in TRAP_FUNCTIONS:
                trapped = True
            elif summary:
                phase = summary.group("text")
            elif not trapped and function not in DIE_FUNCTIONS:
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
    clean = [TIMESTAMP.sub("", ESCAPES.sub("", raw.rstrip("\n"))) for raw in lines[-tail:]] if tail else []
    return LogStatus(phase, completed and not failed, failed, failing, tuple(errors), tuple(clean), seconds)
