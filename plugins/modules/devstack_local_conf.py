#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: devstack_local_conf
short_description: Write devstack's local.conf from structured variables
version_added: 0.1.0
description:
  - Renders C(local.conf) from a mapping of localrc variables, a list of localrc commands
    (C(disable_all_services), C(enable_service ...)) and any number of meta-sections
    (C([[post-config|$NOVA_CONF]]) and the other phases) with ini sections for any file.
  - Values with shell metacharacters are single-quoted; booleans become C(True)/C(False); lists are
    joined with spaces (localrc) or commas (ini).
  - Writes atomically, with a backup when asked, and reports the file's SHA-256, which the devstack
    role records after a successful C(stack.sh) to avoid stacking the same configuration twice.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes
  - hypercloud.builder._attributes.LINUX
options:
  backup:
    description: Keep a timestamped copy of the previous file.
    type: bool
    default: true
  commands:
    description: localrc lines after the variables, such as C(disable_all_services).
    type: list
    elements: str
    default: []
  group:
    description: The file's group.
    type: str
  header:
    description: Comment lines written first (for example C(ansible_managed)).
    type: str
    default: ""
  localrc:
    description: localrc variables, in order. A C(null) value is left out.
    type: dict
    default: {}
  owner:
    description: The file's owner.
    type: str
  path:
    description: The local.conf path (in the devstack checkout).
    type: path
    required: true
  post_config:
    description: Meta-sections after localrc.
    type: list
    elements: dict
    default: []
    suboptions:
      file:
        description: The file the sections go to, a path or a devstack variable such as C($NOVA_CONF).
        type: str
        required: true
      phase:
        description: The devstack phase.
        type: str
        default: post-config
        choices: [post-config, extra, post-extra, test-config]
      sections:
        description: Ini sections, each a mapping of options.
        type: dict
        default: {}
"""

EXAMPLES = r"""
- name: Swift and Keystone only
  hypercloud.builder.devstack_local_conf:
    path: /opt/stack/devstack/local.conf
    localrc: {ADMIN_PASSWORD: secret, SWIFT_HASH: 66a3d6b56c1f479c8b4e70ab5c2000f5, SWIFT_REPLICAS: 1}
    commands: [disable_all_services, enable_service key mysql s-proxy s-object s-container s-account]
    post_config:
      - file: $SWIFT_CONFIG_PROXY_SERVER
        sections: {DEFAULT: {workers: 1}}
"""

RETURN = r"""
checksum:
  description: SHA-256 of the rendered file.
  returned: always
  type: str
  sample: 5e2bf57d3f40c4b6df69daf1936cb766f832374b4fc0259a7cbff06e2f70f269
backup_file:
  description: The backup of the previous file, when one was made.
  returned: when changed and a previous file existed and O(backup=true)
  type: str
  sample: /opt/stack/devstack/local.conf.12345.2026-11-21@22:00:00~
"""

import hashlib
import os

from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.devstack import render_local_conf


class DevstackLocalConf(HypercloudModule):
    supports_check_mode = True
    argument_spec = dict(
        backup=dict(type="bool", default=True),
        commands=dict(type="list", elements="str", default=[]),
        group=dict(type="str"),
        header=dict(type="str", default=""),
        localrc=dict(type="dict", default={}, no_log=False),
        owner=dict(type="str"),
        path=dict(type="path", required=True),
        post_config=dict(type="list", elements="dict", default=[], options=dict(
            file=dict(type="str", required=True),
            phase=dict(type="str", default="post-config", choices=["post-config", "extra", "post-extra", "test-config"]),
            sections=dict(type="dict", default={}),
        )),
    )

    def run(self):
        p = self.params
        text = render_local_conf(p["localrc"], p["commands"], p["post_config"], p["header"])
        before = ""
        if os.path.exists(p["path"]):
            with open(p["path"], encoding="utf-8") as handle:
                before = handle.read()
        changed = before != text
        out = {}
        if changed and not self.check_mode:
            if before and p["backup"]:
                out["backup_file"] = self.module.backup_local(p["path"])
            tmp = p["path"] + ".hc-tmp"
            with open(tmp, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.chmod(tmp, 0o600)
            self.module.atomic_move(tmp, p["path"])
        file_args = self.module.load_file_common_arguments(dict(path=p["path"], owner=p["owner"], group=p["group"],
                                                                mode="0600"))
        if os.path.exists(p["path"]):
            changed = self.module.set_fs_attributes_if_different(file_args, changed)
        return self.result(changed=changed, before=before, after=text,
                           checksum=hashlib.sha256(text.encode("utf-8")).hexdigest(), **out)


def main():
    DevstackLocalConf().execute()


if __name__ == "__main__":
    main()
