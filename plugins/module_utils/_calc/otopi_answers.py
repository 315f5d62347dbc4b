# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""otopi answer files (engine-setup --config-append) from structured values.

Format (oVirt/otopi README and ``src/otopi/common.py`` ``parseTypedValue``): INI sections such as
``[environment:default]``, lines ``KEY=type:value`` with the types ``none``, ``bool``, ``int``,
``str`` and ``multi-str`` (split on lines). The trap: ``bool`` is True unless the value is one of
``f``, ``F``, ``false``, ``False``, so ``bool:no``, ``bool:0``, ``bool:off`` and ``bool:`` all mean
True. This calculator writes only ``bool:True``/``bool:False`` and refuses anything that otopi
would read differently from what the operator meant.

otopi reads the file with ``configparser.ConfigParser()`` (``src/plugins/otopi/core/config.py``),
whose interpolation turns ``%%`` into ``%`` and fails on any other ``%`` (a password such as
``a%b`` stops engine-setup before it starts), strips blanks around values and drops continuation
lines that start with ``#`` or ``;``. So every ``%`` is written as ``%%`` and the rest is refused.
"""

from __future__ import annotations

import configparser
import hashlib
import re
from typing import Any, Dict, List, Mapping, Optional, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

SECTIONS = ("environment:default", "environment:init", "environment:override", "environment:enforce")
TYPES = ("none", "bool", "int", "str", "multi-str")
REDACTED = "********"
_KEY = re.compile(r"^[A-Za-z0-9_]+(/[A-Za-z0-9_.-]+)+$")
_TYPED = re.compile(r"^(none|bool|int|str|multi-str):(.*)$", re.S)

# Keys whose type engine-setup's plugins expect (ovirt-ansible-collection engine_setup templates,
# ovirt-engine packaging/setup constants). A string there is a silent misreading: "no" is truthy.
KNOWN_TYPES: Dict[str, str] = {
    "OSETUP_RPMDISTRO/enableUpgrade": "bool",
    "OSETUP_RPMDISTRO/requireRollback": "bool",
    "OVESETUP_APACHE/configureRootRedirection": "bool",
    "OVESETUP_APACHE/configureSsl": "bool",
    "OVESETUP_CONFIG/adminPassword": "str",
    "OVESETUP_CONFIG/fqdn": "str",
    "OVESETUP_CONFIG/updateFirewall": "bool",
    "OVESETUP_DB/dwhVacuumFull": "bool",
    "OVESETUP_DB/engineVacuumFull": "bool",
    "OVESETUP_DB/port": "int",
    "OVESETUP_DB/secured": "bool",
    "OVESETUP_DB/securedHostValidation": "bool",
    "OVESETUP_DWH_CORE/enable": "bool",
    "OVESETUP_DWH_DB/port": "int",
    "OVESETUP_DWH_DB/secured": "bool",
    "OVESETUP_DWH_DB/securedHostValidation": "bool",
    "OVESETUP_DWH_PROVISIONING/postgresProvisioningEnabled": "bool",
    "OVESETUP_ENGINE_CONFIG/fqdn": "str",
    "OVESETUP_ENGINE_CORE/enable": "bool",
    "OVESETUP_GRAFANA_CORE/enable": "bool",
    "OVESETUP_OVN/ovirtProviderOvn": "bool",
    "OVESETUP_PROVISIONING/postgresProvisioningEnabled": "bool",
    "OVESETUP_SYSTEM/memCheckEnabled": "bool",
}


def typed_value(key: str, value: Any) -> Tuple[str, str]:
    """(type, text) for one answer; PlanError when otopi would read it otherwise."""
    if isinstance(value, str) and _TYPED.match(value):
        kind, text = _TYPED.match(value).groups()
        value = _explicit(key, kind, text)
    if value is None:
        kind, text = "none", "None"
    elif isinstance(value, bool):
        kind, text = "bool", "True" if value else "False"
    elif isinstance(value, int):
        kind, text = "int", str(value)
    elif isinstance(value, (list, tuple)):
        kind, text = "multi-str", _multi(key, value)
    elif isinstance(value, str):
        kind, text = "str", _single(key, value)
    else:
        raise PlanError("%s: %r is not a string, number, boolean, null or list of strings" % (key, value))
    expected = KNOWN_TYPES.get(key)
    if expected and kind not in (expected, "none"):
        raise PlanError("%s: engine-setup expects %s, got %s:%s; write %s" % (
            key, expected, kind, text if key not in ("OVESETUP_CONFIG/adminPassword",) else REDACTED,
            "true or false (YAML booleans)" if expected == "bool" else "a number" if expected == "int" else "a string"))
    return kind, text


def _explicit(key: str, kind: str, text: str) -> Any:
    """An already-typed string such as ``bool:False`` from the operator, checked the way otopi reads it."""
    if kind == "bool":
        if text not in ("True", "False"):
            meant = "False" if text.strip().lower() in ("0", "no", "off", "n", "false", "f", "") else "True"
            raise PlanError("%s: bool:%s is read by otopi as %s (only f, F, false and False are false); "
                            "write bool:%s or a YAML boolean" % (key, text, "False" if text in ("f", "F", "false")
                                                                 else "True", meant))
        return text == "True"
    if kind == "int":
        if not re.match(r"^-?\d+$", text):
            raise PlanError("%s: int:%s is not an integer" % (key, text))
        return int(text)
    if kind == "none":
        if text not in ("", "None"):
            raise PlanError("%s: none:%s: otopi drops the value after none:, write none:None" % (key, text))
        return None
    if kind == "multi-str":
        return text.splitlines()
    return text if text else ""


def _escape(text: str) -> str:
    """otopi's ConfigParser interpolates values: ``%%`` is read as ``%``."""
    return text.replace("%", "%%")


def _single(key: str, text: str) -> str:
    if "\n" in text or "\r" in text:
        raise PlanError("%s: a str answer is one line; use a list for multi-str" % key)
    if text != text.strip():
        raise PlanError("%s: leading or trailing blanks would be stripped by the INI reader" % key)
    return _escape(text)


def _multi(key: str, items) -> str:
    lines = []
    for item in items:
        # otopi splits a multi-str value with str.splitlines(), which also breaks at \f, \v, \x85, \u2028, ...
        if not isinstance(item, str) or not item or item != item.strip() or len(item.splitlines()) != 1:
            raise PlanError("%s: multi-str items are non-empty one-line strings without edge blanks" % key)
        if item.startswith(("#", ";")):
            raise PlanError("%s: the multi-str item %r starts with %s, which the INI reader drops as a comment"
                            % (key, item, item[0]))
        lines.append(_escape(item))
    if not lines:
        raise PlanError("%s: an empty multi-str list; use null (none:None) instead" % key)
    return "\n ".join(lines)


def render(answers: Mapping[str, Mapping[str, Any]], secrets: Optional[Mapping[str, Mapping[str, Any]]] = None,
           header: str = "") -> Tuple[str, str, List[str]]:
    """(file text, the same text with every secret as ********, the sorted keys).

    ``answers`` and ``secrets`` are {section: {KEY: value}}; a key may be in only one of them.
    """
    secrets = secrets or {}
    for line in header.splitlines():
        if line.strip() and not line.lstrip().startswith(("#", ";")):
            raise PlanError("header line %r is not a comment: start every header line with # (engine-setup's INI "
                            "reader stops at a line before the first section)" % line)
    sections = sorted(set(answers) | set(secrets), key=lambda s: SECTIONS.index(s) if s in SECTIONS else 99)
    real, redacted, keys = [header.rstrip("\n")] if header else [], [header.rstrip("\n")] if header else [], []
    for section in sections:
        if section not in SECTIONS:
            raise PlanError("unknown answer-file section %r (one of %s)" % (section, ", ".join(SECTIONS)))
        plain, hidden = dict(answers.get(section) or {}), dict(secrets.get(section) or {})
        both = sorted(set(plain) & set(hidden))
        if both:
            raise PlanError("%s is given both as an answer and as a secret" % ", ".join(both))
        real.append("[%s]" % section)
        redacted.append("[%s]" % section)
        for key in sorted(set(plain) | set(hidden)):
            if not _KEY.match(key):
                raise PlanError("%r is not an otopi key (GROUP/name, such as OVESETUP_CONFIG/fqdn)" % key)
            kind, text = typed_value(key, hidden.get(key, plain.get(key)))
            real.append("%s=%s:%s" % (key, kind, text))
            redacted.append("%s=%s:%s" % (key, kind, REDACTED if key in hidden and kind != "none" else text))
            keys.append(key)
    return "\n".join(real) + "\n", "\n".join(redacted) + "\n", keys


def parse(text: str) -> Dict[str, Dict[str, Any]]:
    """Read an answer file back the way otopi does: its ConfigParser, then ``parseTypedValue``."""
    reader = configparser.ConfigParser()
    reader.optionxform = str  # type: ignore[assignment,method-assign]  # otopi keeps the keys' case
    reader.read_string(text)
    out: Dict[str, Dict[str, Any]] = {}
    for section in reader.sections():
        out[section] = {}
        for key, raw in reader.items(section):
            kind, value = raw.split(":", 1)
            out[section][key] = (None if kind == "none" else value not in (0, "f", "F", "false", "False")
                                 if kind == "bool" else int(value) if kind == "int"
                                 else value.splitlines() if kind == "multi-str" else value)
    return out


def digest(redacted_text: str) -> str:
    """sha256 of the answers without secrets: what decides "the answers changed".

    Comment lines (the header's, which may start with ``#`` or ``;`` after blanks) and blank lines are
    left out, so a new header does not change it. No answer line is blank or starts so: keys are
    words, and multi-str items that are empty or start with ``#`` or ``;`` are refused.
    """
    lines = [line for line in redacted_text.splitlines() if line.strip() and not line.lstrip().startswith(("#", ";"))]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
