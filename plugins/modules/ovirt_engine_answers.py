#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: ovirt_engine_answers
short_description: An otopi answer file for engine-setup, typed correctly, with its secrets kept out of the output
version_added: 0.1.0
description:
  - Writes an answer file for C(engine-setup --config-append=PATH) from a dict of otopi keys and values, mode 0600.
  - Types each value the way otopi reads it. YAML booleans become C(bool:True)/C(bool:False), integers C(int:),
    null C(none:None), lists C(multi-str:), strings C(str:). A string that already has a type prefix is checked.
  - Refuses what otopi would misread. otopi's bool reader treats everything except C(f), C(F), C(false) and C(False)
    as true, so C(bool:no), C(bool:0) and C(bool:off) are refused. So are a string for a key engine-setup reads as a
    boolean or an integer (C(OVESETUP_CONFIG/updateFirewall), C(OVESETUP_DB/port), ...), multi-line strings, and
    values with edge blanks that the INI reader would strip, and C(multi-str) items starting with C(#) or C(;),
    which it drops as comments.
  - otopi reads the file with Python's interpolating C(configparser.ConfigParser), so every C(%) in a value is written
    as C(%%) (a bare C(%), for example in a password, would stop engine-setup). Give values as they are meant.
  - O(secrets) are written to the file but never returned. The diff and RV(redacted) show them as C(********), and
    RV(digest) (what the P(hypercloud.builder.ovirt_engine#role) role compares to decide whether the answers changed)
    is computed without them.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes
options:
  answers:
    description: otopi keys (C(GROUP/name)) and their values.
    type: dict
    default: {}
  digest_file:
    description: A file holding the digest of the answers last applied; its content is returned as RV(previous_digest).
    type: path
  header:
    description: Comment lines at the top of the file; each non-empty line must start with C(#) or C(;).
    type: str
    default: "# Managed by hypercloud.builder.ovirt_engine_answers"
  path:
    description: The answer file.
    type: path
    required: true
  section:
    description: The otopi environment section the answers go to.
    type: str
    choices: ["environment:default", "environment:init", "environment:override", "environment:enforce"]
    default: "environment:default"
  secrets:
    description: Keys whose values are secret (passwords); same format as O(answers).
    type: dict
    default: {}
  state:
    description: V(present) writes the file; V(absent) removes it (the values are still checked and the digest returned).
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Answer file for a standalone engine
  hypercloud.builder.ovirt_engine_answers:
    path: /root/engine-answers.conf
    answers:
      OVESETUP_CONFIG/fqdn: engine.lab.example
      OVESETUP_CONFIG/updateFirewall: true
      OVESETUP_CONFIG/firewallManager: firewalld
      OVESETUP_DB/port: 5432
      OVESETUP_GRAFANA_CORE/enable: false
    secrets:
      OVESETUP_CONFIG/adminPassword: "{{ vault_engine_admin_password }}"
"""

RETURN = r"""
path:
  description: The answer file.
  returned: always
  type: str
  sample: /root/engine-answers.conf
keys:
  description: The keys written, sorted.
  returned: always
  type: list
  elements: str
  sample: [OVESETUP_CONFIG/adminPassword, OVESETUP_CONFIG/fqdn]
redacted:
  description: The file as written, with every secret as C(********).
  returned: always
  type: str
  sample: "[environment:default]\nOVESETUP_CONFIG/adminPassword=str:********\nOVESETUP_CONFIG/fqdn=str:engine.lab.example\n"
digest:
  description: sha256 of the answers without the secrets (and without comment lines).
  returned: always
  type: str
  sample: 5f7c1e0d9b1c0f7f3b3e2c1a8e4f0d6b1a2c3d4e5f60718293a4b5c6d7e8f901
previous_digest:
  description: The content of O(digest_file), or null when it does not exist.
  returned: when O(digest_file) is set
  type: str
  sample: 5f7c1e0d9b1c0f7f3b3e2c1a8e4f0d6b1a2c3d4e5f60718293a4b5c6d7e8f901
"""

import os

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import textfile
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc import otopi_answers


class OvirtEngineAnswers(HypercloudModule):
    supports_check_mode = True
    argument_spec = dict(
        answers=dict(type="dict", default={}),
        digest_file=dict(type="path"),
        header=dict(type="str", default="# Managed by hypercloud.builder.ovirt_engine_answers"),
        path=dict(type="path", required=True),
        section=dict(type="str", default="environment:default", choices=list(otopi_answers.SECTIONS)),
        secrets=dict(type="dict", default={}, no_log=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )

    def run(self):
        p = self.params
        text, redacted, keys = otopi_answers.render({p["section"]: p["answers"]}, {p["section"]: p["secrets"]},
                                                    header=p["header"])
        current = textfile.read(p["path"])
        mode = textfile.mode_of(p["path"])
        changed = current != text or mode != 0o600 if p["state"] == "present" else current is not None
        out = self.result(changed=changed, before="(absent)\n" if current is None else "(present, not shown)\n",
                          after=redacted if p["state"] == "present" else "(absent)\n",
                          path=p["path"], keys=keys, redacted=redacted, digest=otopi_answers.digest(redacted))
        if p["digest_file"]:
            previous = textfile.read(p["digest_file"])
            out["previous_digest"] = previous.strip() if previous else None
        if changed and not self.check_mode:
            if p["state"] == "present":
                textfile.write(p["path"], text, mode=0o600, backup=False)
            else:
                try:
                    os.unlink(p["path"])
                except OSError as err:
                    raise AdapterError("cannot remove %s: %s" % (p["path"], err)) from err
        return out


def main():
    OvirtEngineAnswers().execute()


if __name__ == "__main__":
    main()
