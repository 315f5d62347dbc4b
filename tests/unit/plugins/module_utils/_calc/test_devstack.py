# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Table tests for the devstack local.conf renderer, stack guard and log reader."""

from __future__ import annotations

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.devstack import (
    mask_secrets,
    parse_log,
    plan_stack,
    render_local_conf,
)
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError


def test_render_swift_keystone_box():
    text = render_local_conf(
        {"ADMIN_PASSWORD": "pw", "SWIFT_REPLICAS": 1, "SWIFT_DATA_DIR": "/opt/stack/data/swift", "SKIP": None,
         "ENABLE_X": True, "LIST": ["a", "b"], "SPACED": "a b", "QUOTE": "it's"},
        ["disable_all_services", "enable_service key mysql s-proxy s-object s-container s-account"],
        [{"phase": "post-config", "file": "$SWIFT_CONFIG_PROXY_SERVER",
          "sections": {"DEFAULT": {"workers": 1, "debug": False}, "filter:x": {"l": ["a", "b"]}}},
         {"phase": "test-config", "file": "$TEMPEST_CONFIG", "sections": {}}],
        header="# managed")
    assert text == (
        "# managed\n[[local|localrc]]\nADMIN_PASSWORD=pw\nSWIFT_REPLICAS=1\nSWIFT_DATA_DIR=/opt/stack/data/swift\n"
        "ENABLE_X=True\nLIST='a b'\nSPACED='a b'\nQUOTE='it'\"'\"'s'\n"
        "disable_all_services\nenable_service key mysql s-proxy s-object s-container s-account\n\n"
        "[[post-config|$SWIFT_CONFIG_PROXY_SERVER]]\n[DEFAULT]\nworkers = 1\ndebug = False\n[filter:x]\nl = a,b\n\n"
        "[[test-config|$TEMPEST_CONFIG]]\n")


@pytest.mark.parametrize("localrc, commands, post, message", [
    ({"1BAD": "x"}, [], [], "not a shell variable name"),
    ({"A-B": "x"}, [], [], "not a shell variable name"),
    ({}, ["a\nb"], [], "spans lines"),
    ({}, [], [{"phase": "local", "file": "localrc"}], "phase"),
    ({}, [], [{"phase": "post-config", "file": ""}], "must be a path"),
    ({}, [], [{"phase": "post-config", "file": "a]]b"}], "must be a path"),
    ({}, [], [{"file": "$NOVA_CONF", "sections": {"bad]": {}}}], "ini section"),
    ({}, [], [{"file": "$NOVA_CONF", "sections": {"DEFAULT": "oops"}}], "must be a mapping"),
    ({}, [], [{"file": "$NOVA_CONF", "sections": {"DEFAULT": ["a"]}}], "must be a mapping"),
    ({}, [], [{"file": "$NOVA_CONF", "sections": "oops"}], "must be a mapping"),
    ({}, [], [{"file": "$NOVA_CONF", "sections": {"DEFAULT": {"k": "v\n[[post-config|/etc/passwd]]\nroot"}}}], "spans lines"),
    ({}, [], [{"file": "$NOVA_CONF", "sections": {"DEFAULT": {"k": "v\rx"}}}], "spans lines"),
    ({}, [], [{"file": "$NOVA_CONF", "sections": {"DEFAULT": {"a\nb": "v"}}}], "spans lines"),
    ({}, [], [{"file": "$NOVA_CONF", "sections": {"DEFAULT": {"a=b": "v"}}}], "not valid"),
    ({}, [], [{"file": "$NOVA_CONF", "sections": {"DEFAULT": {"": "v"}}}], "not valid"),
    ({}, [], [{"file": "$NOVA_CONF", "sections": {"DE\nFAULT": {}}}], "ini section"),
    ({}, ["a\rb"], [], "spans lines"),
    ({"X": "v\n[[post-config|/etc/passwd]]\nroot"}, [], [], "localrc variable X spans lines"),
    ({"X": ["a", "b\rc"]}, [], [], "spans lines"),
    ({}, [], [{"file": "$NOVA_CONF", "sections": {"DEFAULT": {"debug": None}}}],
     r"ini option debug in \[DEFAULT\] of \$NOVA_CONF is null"),
    ({}, [], [{"file": "$NOVA_CONF", "sections": {"DEFAULT": {"hosts": ["a", None]}}}],
     r"ini option hosts in \[DEFAULT\] of \$NOVA_CONF is null"),
])
def test_render_refused(localrc, commands, post, message):
    with pytest.raises(PlanError, match=message):
        render_local_conf(localrc, commands, post)


def test_render_refuses_a_secret_spanning_lines_without_showing_it():
    with pytest.raises(PlanError, match="ADMIN_PASSWORD spans lines") as exc:
        render_local_conf({}, [], [], secrets={"ADMIN_PASSWORD": "abc\ndef"})
    assert "abc" not in str(exc.value) and "def" not in str(exc.value)


@pytest.mark.parametrize("breaker", ["\x0c", "\x1c", "\x85", "\u2028", "\u2029", "\x0b"])
def test_mask_secrets_masks_a_value_holding_a_character_that_splitlines_breaks_at(breaker):
    """devstack and bash end a line at "\\n" only: the whole value is the secret's."""
    text = render_local_conf({}, [], [], secrets={"SWIFT_HASH": "ab%scd" % breaker})
    assert text.count("\n") == 2
    assert mask_secrets(text, {"SWIFT_HASH"}) == "[[local|localrc]]\nSWIFT_HASH=********\n"
    assert mask_secrets(text, set(), reference="[[local|localrc]]\nSWIFT_HASH=x\n").endswith("(changed)\n")


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_mask_secrets_reads_a_file_with_any_line_end(eol):
    before = eol.join(["[[local|localrc]]", "ADMIN_PASSWORD=old", "A=1", ""])
    assert mask_secrets(before, set()) == eol.join(["[[local|localrc]]", "ADMIN_PASSWORD=********", "A=1", ""])


def test_render_merges_secrets_in_localrc_order():
    """A secret named in localrc (null there, as the role passes it) keeps that place; others come last."""
    text = render_local_conf({"DEST": "/opt/stack", "ADMIN_PASSWORD": None, "SWIFT_REPLICAS": 1}, [], [],
                             secrets={"ADMIN_PASSWORD": "s3cr3t pw", "SWIFT_HASH": "abc"})
    assert text == "[[local|localrc]]\nDEST=/opt/stack\nADMIN_PASSWORD='s3cr3t pw'\nSWIFT_REPLICAS=1\nSWIFT_HASH=abc\n"


def test_mask_secrets_hides_values_and_says_which_changed():
    before = "[[local|localrc]]\nADMIN_PASSWORD=old\nSWIFT_HASH=h\nDEST=/opt\nX=1\n\n[[post-config|$F]]\n[a]\nX=2\n"
    after = "[[local|localrc]]\nADMIN_PASSWORD='new pw'\nSWIFT_HASH=h\nDEST=/opt\nX=1\nNEW_PASSWORD=n\n"
    masked_after = mask_secrets(after, {"X"}, reference=before)
    assert masked_after == ("[[local|localrc]]\nADMIN_PASSWORD=******** (changed)\nSWIFT_HASH=********\nDEST=/opt\n"
                            "X=********\nNEW_PASSWORD=********\n")
    # only localrc assignments are masked; ini lines in other meta-sections are left alone
    assert mask_secrets(before, {"X"}) == (
        "[[local|localrc]]\nADMIN_PASSWORD=********\nSWIFT_HASH=********\nDEST=/opt\nX=********\n\n"
        "[[post-config|$F]]\n[a]\nX=2\n")
    assert "old" not in mask_secrets(before, set()) and "new pw" not in masked_after


@pytest.mark.parametrize("marker, checksum, ok, action", [
    (None, "c1", False, "stack"),
    ({"checksum": "c1", "result": "ok"}, "c1", False, "skip"),
    ({"checksum": "c1", "result": "ok"}, "c1", True, "skip"),
    ({"checksum": "c1", "result": "ok"}, "c2", False, "hold"),
    ({"checksum": "c1", "result": "ok"}, "c2", True, "restack"),
    ({"checksum": "c1", "result": "failed"}, "c1", False, "hold"),
    ({"checksum": "c1", "result": "failed"}, "c1", True, "restack"),
])
def test_guard(marker, checksum, ok, action):
    assert plan_stack(marker, checksum, ok).action == action


# Real devstack log lines. stackrc sets PS4='+ $(short_source):   ' when LOG_COLOR is False (no
# terminal, as under Ansible), and functions-common's short_source is
# ``printf "%-40s " "$file:${called[1]}:${called[0]}"``; tools/outfilter.py prefixes
# "YYYY-MM-DD HH:MM:SS.mmm | " and drops every line holding "set +o" or "xtrace". stack.sh's err_trap
# is ``local r=$?; set +o xtrace; echo "${0##*/} failed: full log in $LOGFILE"; exit $r`` and its
# exit_trap starts with ``local r=$?`` and ends with ``echo "Error on exit"`` (openstack/devstack
# stack.sh, stackrc, functions-common, tools/outfilter.py).
LOG_OK = """2026-11-21 22:00:00.001 | + ./stack.sh:main:240                     :   echo_summary 'stack.sh log /opt/stack/logs/stack.sh.log'
2026-11-21 22:00:00.002 | Linux host 6.1
2026-11-21 22:00:01.003 | + ./stack.sh:main:800                     :   echo_summary 'Installing package prerequisites'
2026-11-21 22:00:02.004 | ++ tools/install_prereqs.sh:source:86       :   sudo apt-get install -y bridge-utils
2026-11-21 22:00:03.005 | + ./stack.sh:main:840                     :   echo_summary "Starting Keystone"
2026-11-21 22:00:04.006 | stack.sh completed in 4 seconds.
""".splitlines(True)

LOG_FAILED = """2026-11-21 22:00:01.003 | + ./stack.sh:main:800                     :   echo_summary 'Configuring Swift'
2026-11-21 22:00:02.004 | + lib/swift:init_swift:648                :   swift-ring-builder /etc/swift/object.builder create 9 1 1
2026-11-21 22:00:02.005 | [ERROR] lib/swift:648 Configuring Swift failed
2026-11-21 22:00:02.005 | ++ ./stack.sh:err_trap:560                 :   local r=1
2026-11-21 22:00:02.006 | ++ ./stack.sh:err_trap:561                 :   set +o xtrace
2026-11-21 22:00:02.006 | stack.sh failed: full log in /opt/stack/logs/stack.sh.log
2026-11-21 22:00:02.007 | + ./stack.sh:exit_trap:520                :   local r=1
2026-11-21 22:00:02.007 | Error on exit
""".splitlines(True)

# The same run with LOG_COLOR=True: PS4='+\[$(tput setaf 242)\]$(short_source)\[$(tput sgr0)\] '
# (escapes kept, or empty when tput has no colour), and die's own traced line.
LOG_COLOUR = [
    "2026-11-21 22:00:01.003 | +\x01\x1b[38;5;242m\x02./stack.sh:main:800                      \x01\x1b(B\x1b[m\x02 "
    "echo_summary 'Configuring Swift'\n",
    "2026-11-21 22:00:02.004 | +lib/swift:init_swift:650                  die 650 'rings failed'\n",
    "2026-11-21 22:00:02.004 | +functions-common:die:199                  local exitcode=1\n",
    "2026-11-21 22:00:02.005 | [ERROR] lib/swift:650 rings failed\n",
    "2026-11-21 22:00:02.006 | +./stack.sh:err_trap:560                   local r=1\n",
    "2026-11-21 22:00:02.006 | stack.sh failed: full log in /opt/stack/logs/stack.sh.log\n",
]


def test_log_completed():
    status = parse_log(LOG_OK)
    assert status.phase == "Starting Keystone" and status.completed and not status.failed
    assert status.seconds == 4 and len(status.tail) == 6 and status.tail[-1] == "stack.sh completed in 4 seconds."


def test_log_failed_names_the_command_not_err_trap():
    status = parse_log(LOG_FAILED, tail=2)
    assert status.failed and not status.completed and status.phase == "Configuring Swift"
    assert status.failing_command == "lib/swift:init_swift:648 swift-ring-builder /etc/swift/object.builder create 9 1 1"
    assert status.errors == ("[ERROR] lib/swift:648 Configuring Swift failed",)
    assert status.tail == ("+ ./stack.sh:exit_trap:520                :   local r=1", "Error on exit")


def test_log_colour_ps4_and_die():
    status = parse_log(LOG_COLOUR)
    assert status.phase == "Configuring Swift" and status.failed
    assert status.failing_command == "lib/swift:init_swift:650 die 650 'rings failed'"
    assert all("\x1b" not in line and "\x01" not in line for line in status.tail)


def test_log_exit_without_err_trap_keeps_the_last_real_command():
    lines = ["+ ./stack.sh:main:90                      :   [[ -e /home/stack/.no-devstack ]]\n",
             "+ ./stack.sh:exit_trap:520                :   local r=1\n",
             "++ ./stack.sh:exit_trap:521                :   jobs -p\n",
             "+ ./stack.sh:kill_spinner:430             :   '[' '!' -z '' ']'\n",
             "Error on exit\n"]
    assert parse_log(lines).failing_command == "./stack.sh:main:90 [[ -e /home/stack/.no-devstack ]]"


def test_log_in_progress_and_empty():
    status = parse_log(LOG_OK[:4])
    assert status.phase == "Installing package prerequisites" and not status.completed and not status.failed
    assert parse_log([]).phase == "" and parse_log([], tail=0).tail == ()
