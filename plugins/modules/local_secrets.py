#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: local_secrets
short_description: Keep generated secrets in a mode 0600 file on the host, reused on every run
version_added: 0.1.0
description:
  - Makes sure a JSON file on the managed host holds a value for every name in O(names).
  - A value given in O(values) is stored; a name with no stored value gets a random one (URL-safe,
    O(length) bytes of entropy); a stored value is reused, so a re-run changes nothing. A stored
    C(null) or empty string counts as no value and is replaced like a missing one.
  - Names in O(immutable) may not change once stored (for example a Swift hash path suffix); a
    different given value is refused with nothing changed.
  - The file is written atomically with mode 0600; the values are never returned. Read them with
    M(ansible.builtin.slurp) and C(no_log).
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes
  - hypercloud.builder._attributes.LINUX
options:
  immutable:
    description: Names whose stored value may never change.
    type: list
    elements: str
    default: []
  length:
    description: Bytes of entropy of generated values, 1 to 1024.
    type: int
    default: 24
  names:
    description: The secrets the file must hold.
    type: list
    elements: str
    required: true
  path:
    description: The JSON file.
    type: path
    required: true
  values:
    description: Values the operator sets; empty values mean "generate or keep".
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: Passwords and the Swift hash suffix, generated once
  hypercloud.builder.local_secrets:
    path: /var/lib/swiftbox/secrets.json
    names: [admin_password, swift_hash_path_suffix]
    immutable: [swift_hash_path_suffix]
"""

RETURN = r"""
generated:
  description: Names that got a new random value in this run.
  returned: always
  type: list
  elements: str
  sample: ["admin_password"]
names:
  description: Every name the file holds.
  returned: always
  type: list
  elements: str
  sample: ["admin_password", "swift_hash_path_suffix"]
path:
  description: The file.
  returned: always
  type: str
  sample: /var/lib/swiftbox/secrets.json
updated:
  description: Names set from O(values) in this run.
  returned: always
  type: list
  elements: str
  sample: []
"""

import json
import os
import secrets
import tempfile

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.secrets import plan_secrets

# 8192 bits; far more would only exhaust memory (a huge value overflows os.urandom with a traceback).
MAX_LENGTH = 1024


class LocalSecrets(HypercloudModule):
    supports_check_mode = True
    argument_spec = dict(
        immutable=dict(type="list", elements="str", default=[]),
        length=dict(type="int", default=24),
        names=dict(type="list", elements="str", required=True),
        path=dict(type="path", required=True),
        values=dict(type="dict", default={}, no_log=True),
    )

    def read(self, path):
        if not os.path.exists(path):
            return {}
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError) as exc:
            raise AdapterError("secrets file %s cannot be read as JSON: %s" % (path, exc)) from exc
        if not isinstance(data, dict):
            raise AdapterError("secrets file %s does not hold a JSON object" % path)
        # null and "" hold no secret: such a name counts as missing, and is generated or set again.
        return {str(k): str(v) for k, v in data.items() if v is not None and v != ""}

    def write(self, path, values):
        path = os.path.realpath(path)  # through a symbolic link, the real file is written and the link stays
        directory = os.path.dirname(path) or "."
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".secrets")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(values, handle, indent=1, sort_keys=True)
            os.rename(tmp, path)
        except OSError as exc:
            raise AdapterError("writing %s failed: %s" % (path, exc)) from exc

    def run(self):
        p = self.params
        if p["length"] < 1:
            raise PlanError("length must be 1 or more (bytes of entropy), not %d" % p["length"])
        if p["length"] > MAX_LENGTH:
            raise PlanError("length must be at most %d (bytes of entropy), not %d" % (MAX_LENGTH, p["length"]))
        if not os.path.isdir(os.path.dirname(p["path"]) or "."):
            raise AdapterError("the directory of %s does not exist" % p["path"])
        stored = self.read(p["path"])
        given = {k: (None if v is None else str(v)) for k, v in p["values"].items()}
        plan = plan_secrets(stored, p["names"], given, p["immutable"],
                            lambda _name: secrets.token_urlsafe(p["length"]))
        mode_wrong = os.path.exists(p["path"]) and (os.stat(p["path"]).st_mode & 0o777) != 0o600
        changed = plan.changed or mode_wrong
        if changed and not self.check_mode:
            self.write(p["path"], plan.values)
        return self.result(
            changed=changed,
            before={"names": sorted(stored)}, after={"names": sorted(plan.values)},
            generated=list(plan.generated), updated=list(plan.updated), names=sorted(plan.values), path=p["path"],
        )


def main():
    LocalSecrets().execute()


if __name__ == "__main__":
    main()
