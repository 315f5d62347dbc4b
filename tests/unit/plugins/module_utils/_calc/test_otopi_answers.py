# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""otopi answer files: every type, the bool trap, secrets never in the redacted text."""

from __future__ import annotations

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc import otopi_answers
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

SECTION = "environment:default"


@pytest.mark.parametrize("key, value, line", [
    ("OVESETUP_CONFIG/updateFirewall", True, "OVESETUP_CONFIG/updateFirewall=bool:True"),
    ("OVESETUP_CONFIG/updateFirewall", False, "OVESETUP_CONFIG/updateFirewall=bool:False"),
    ("OVESETUP_CONFIG/updateFirewall", "bool:False", "OVESETUP_CONFIG/updateFirewall=bool:False"),
    ("OVESETUP_DB/port", 5432, "OVESETUP_DB/port=int:5432"),
    ("OVESETUP_DB/port", "int:5432", "OVESETUP_DB/port=int:5432"),
    ("OVESETUP_CONFIG/fqdn", "engine.lab.example", "OVESETUP_CONFIG/fqdn=str:engine.lab.example"),
    ("OVESETUP_CONFIG/firewallManager", None, "OVESETUP_CONFIG/firewallManager=none:None"),
    ("OVESETUP_CONFIG/firewallManager", "none:None", "OVESETUP_CONFIG/firewallManager=none:None"),
    ("OSETUP_RPMDISTRO/requireRollback", None, "OSETUP_RPMDISTRO/requireRollback=none:None"),
    ("QUESTION/1/OVESETUP_APACHE_CONFIG_SSL", "automatic", "QUESTION/1/OVESETUP_APACHE_CONFIG_SSL=str:automatic"),
    ("QUESTION/1/ovirt-cinderlib-enable", "no", "QUESTION/1/ovirt-cinderlib-enable=str:no"),
    ("OVESETUP CONFIG/fqdn", "x", None),
    ("OVESETUP_CUSTOM/list", ["a", "b c", "d"], "OVESETUP_CUSTOM/list=multi-str:a\n b c\n d"),
    ("OVESETUP_CUSTOM/text", "str:with:colons", "OVESETUP_CUSTOM/text=str:with:colons"),
    ("OVESETUP_CUSTOM/text", "50% off", "OVESETUP_CUSTOM/text=str:50%% off"),
    ("OVESETUP_CUSTOM/text", "%(fqdn)s", "OVESETUP_CUSTOM/text=str:%%(fqdn)s"),
    ("OVESETUP_CUSTOM/list", ["a%b", "100%"], "OVESETUP_CUSTOM/list=multi-str:a%%b\n 100%%"),
])
def test_every_type_round_trips(key, value, line):
    if line is None:
        with pytest.raises(PlanError, match="is not an otopi key"):
            otopi_answers.render({SECTION: {key: value}})
        return
    text, redacted, keys = otopi_answers.render({SECTION: {key: value}})
    assert text == "[%s]\n%s\n" % (SECTION, line)
    assert redacted == text and keys == [key]
    parsed = otopi_answers.parse(text)[SECTION][key]
    expected = otopi_answers._explicit(key, *value.split(":", 1)) if isinstance(value, str) and ":" in value \
        and value.split(":", 1)[0] in otopi_answers.TYPES else value
    assert parsed == expected


@pytest.mark.parametrize("value, read_as", [
    ("bool:no", "True"), ("bool:0", "True"), ("bool:off", "True"), ("bool:", "True"), ("bool:FALSE", "True"),
    ("bool:n", "True"), ("bool:yes", "True"), ("bool:false", "False"), ("bool:f", "False"), ("bool:1", "True"),
])
def test_bool_trap_refused(value, read_as):
    with pytest.raises(PlanError, match="read by otopi as %s" % read_as):
        otopi_answers.render({SECTION: {"OVESETUP_CONFIG/updateFirewall": value}})


def test_otopi_really_reads_them_that_way():
    """The trap itself, with otopi's own rule (common.py parseTypedValue)."""
    parsed = otopi_answers.parse("[environment:default]\nA/no=bool:no\nA/zero=bool:0\nA/false=bool:False\n")
    assert parsed[SECTION] == {"A/no": True, "A/zero": True, "A/false": False}


@pytest.mark.parametrize("key, value, message", [
    ("OVESETUP_CONFIG/updateFirewall", "no", "expects bool, got str:no"),
    ("OVESETUP_CONFIG/updateFirewall", "false", "expects bool, got str:false"),
    ("OVESETUP_CONFIG/updateFirewall", 0, "expects bool, got int:0"),
    ("OVESETUP_DB/port", "5432", "expects int, got str:5432"),
    ("OVESETUP_DB/port", True, "expects int, got bool:True"),
    ("OVESETUP_DB/port", "int:54x", "is not an integer"),
    ("OVESETUP_CONFIG/fqdn", "a\nb", "one line"),
    ("OVESETUP_CONFIG/fqdn", " engine", "trailing blanks"),
    ("OVESETUP_CONFIG/fqdn", "none:x", "write none:None"),
    ("OVESETUP_CUSTOM/list", [], "empty multi-str"),
    ("OVESETUP_CUSTOM/list", ["a", ""], "non-empty"),
    ("OVESETUP_CUSTOM/list", ["a", 1], "non-empty"),
    ("OVESETUP_CUSTOM/list", ["a", "#b"], "drops as a comment"),
    ("OVESETUP_CUSTOM/list", ["a", ";b"], "drops as a comment"),
    ("OVESETUP_CUSTOM/list", ["a\x0cb", "c"], "one-line strings"),
    ("OVESETUP_CUSTOM/list", ["a\u2028b"], "one-line strings"),
    ("OVESETUP_CUSTOM/list", ["a\x0bb"], "one-line strings"),
    ("OVESETUP_CUSTOM/obj", {"a": 1}, "is not a string"),
    ("fqdn", "x", "is not an otopi key"),
])
def test_refused(key, value, message):
    with pytest.raises(PlanError, match=message):
        otopi_answers.render({SECTION: {key: value}})


def test_secrets_only_in_the_real_file():
    secret = "S3cr3t-%-pass"
    text, redacted, keys = otopi_answers.render(
        {SECTION: {"OVESETUP_CONFIG/fqdn": "engine.lab.example"}},
        {SECTION: {"OVESETUP_CONFIG/adminPassword": secret, "OVESETUP_DB/password": None}}, header="# managed")
    assert "OVESETUP_CONFIG/adminPassword=str:S3cr3t-%%-pass" in text
    assert secret not in redacted
    assert "OVESETUP_CONFIG/adminPassword=str:********" in redacted
    assert "OVESETUP_DB/password=none:None" in redacted
    assert keys == ["OVESETUP_CONFIG/adminPassword", "OVESETUP_CONFIG/fqdn", "OVESETUP_DB/password"]
    assert otopi_answers.parse(text)[SECTION]["OVESETUP_CONFIG/adminPassword"] == secret


def test_parse_is_otopis_interpolating_reader():
    """otopi reads with configparser.ConfigParser(): a bare % stops it, %% is one %, # lines vanish."""
    with pytest.raises(Exception, match="'%' must be followed by '%' or '\\('"):
        otopi_answers.parse("[environment:default]\nOVESETUP_CONFIG/adminPassword=str:a%b\n")
    parsed = otopi_answers.parse("[environment:default]\nA/p=str:a%%b\nA/l=multi-str:one\n #two\n three\n")
    assert parsed[SECTION] == {"A/p": "a%b", "A/l": ["one", "three"]}


def test_secret_type_errors_do_not_show_the_secret():
    with pytest.raises(PlanError) as err:
        otopi_answers.render({}, {SECTION: {"OVESETUP_CONFIG/adminPassword": 12345678}})
    assert "12345678" not in str(err.value)


def test_digest_ignores_secrets_and_comments_but_not_answers():
    def digest(answers, secret, header=""):
        return otopi_answers.digest(otopi_answers.render({SECTION: answers},
                                                         {SECTION: {"OVESETUP_CONFIG/adminPassword": secret}},
                                                         header=header)[1])
    base = digest({"OVESETUP_DWH_CORE/enable": True}, "one")
    assert digest({"OVESETUP_DWH_CORE/enable": True}, "two", header="# another header") == base
    assert digest({"OVESETUP_DWH_CORE/enable": False}, "one") != base


@pytest.mark.parametrize("header", ["; managed by us", "  # indented", "# one\n\n# two", "# one\n; two\n\n  # three"])
def test_digest_ignores_every_kind_of_header_comment(header):
    answers = {SECTION: {"OVESETUP_CONFIG/fqdn": "engine.lab.example", "A/l": ["one", "two"]}}
    base = otopi_answers.digest(otopi_answers.render(answers)[1])
    assert otopi_answers.digest(otopi_answers.render(answers, header=header)[1]) == base


@pytest.mark.parametrize("header, refused", [
    ("# managed", None), ("# one\n; two\n\n  # three", None), ("", None),
    ("Managed by ansible", "Managed by ansible"), ("# ok\nnot a comment", "not a comment"),
])
def test_a_header_is_comments_only(header, refused):
    answers = {SECTION: {"OVESETUP_CONFIG/fqdn": "engine.lab.example"}}
    if refused is None:
        text = otopi_answers.render(answers, header=header)[0]
        assert otopi_answers.parse(text)[SECTION] == {"OVESETUP_CONFIG/fqdn": "engine.lab.example"}
    else:
        with pytest.raises(PlanError, match="header line %r is not a comment: start every header line with #" % refused):
            otopi_answers.render(answers, header=header)


def test_sections_and_conflicts():
    text, _r, _k = otopi_answers.render({"environment:override": {"A/b": "x"}, SECTION: {"A/a": 1}})
    assert text.index("[environment:default]") < text.index("[environment:override]")
    with pytest.raises(PlanError, match="unknown answer-file section"):
        otopi_answers.render({"environment:nope": {"A/a": 1}})
    with pytest.raises(PlanError, match="both as an answer and as a secret"):
        otopi_answers.render({SECTION: {"A/a": "x"}}, {SECTION: {"A/a": "y"}})
