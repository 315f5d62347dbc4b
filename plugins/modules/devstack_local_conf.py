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
  - Secrets (C(ADMIN_PASSWORD), C(SWIFT_HASH) and the other passwords) go in O(localrc_secrets), which is
    never logged. In the diff every secret value shows as C(********) (C(******** (changed)) when it
    changes), as does any localrc variable whose name ends in C(PASSWORD), C(PASSWD), C(SECRET),
    C(TOKEN), C(_HASH) or C(_KEY), wherever it was given. In the file as it was, so is every variable
    not given in O(localrc) this time, which may have been a secret before.
  - Writes atomically (a temporary file created mode 0600 beside it, then renamed), creating the
    directory when it is missing, with a backup when asked, and reports the file's SHA-256, which the
    devstack role records after a successful C(stack.sh) to avoid stacking the same configuration twice.
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
    description: The file's group; by default a rewritten file keeps the group it had.
    type: str
  header:
    description: Comment lines written first (for example C(ansible_managed)).
    type: str
    default: ""
  localrc:
    description:
      - localrc variables, in order. A C(null) value is left out.
      - Give secrets in O(localrc_secrets) instead; this option is shown by C(-vvv). A variable whose
        name looks like a secret gets a warning.
    type: dict
    default: {}
  localrc_secrets:
    description:
      - localrc variables that are secrets, merged into O(localrc). Never logged, and masked in the diff.
      - A name also in O(localrc) keeps its place there (give it as C(null) in O(localrc) to fix the
        order) and takes its value from here; the other names come after the O(localrc) variables.
    type: dict
    default: {}
  owner:
    description: The file's owner; by default a rewritten file keeps the owner it had.
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
        description:
          - Ini sections, each a mapping of options.
          - An option given as C(null) (or a list holding C(null)) is refused; this module does not remove options.
        type: dict
        default: {}
"""

EXAMPLES = r"""
- name: Swift and Keystone only
  hypercloud.builder.devstack_local_conf:
    path: /opt/stack/devstack/local.conf
    localrc: {SWIFT_REPLICAS: 1}
    localrc_secrets: {ADMIN_PASSWORD: "{{ vault_admin_password }}", SWIFT_HASH: "{{ vault_swift_hash }}"}
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
  description: The backup of the previous file (a dot file beside it), when one was made.
  returned: when changed and a previous file existed and O(backup=true)
  type: str
  sample: /opt/stack/devstack/.local.conf.20261121T220000.bak
"""

import grp
import hashlib
import os
import pwd

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import textfile
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.devstack import (
    SECRET_NAME,
    mask_secrets,
    render_local_conf,
)
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError


class DevstackLocalConf(HypercloudModule):
    supports_check_mode = True
    argument_spec = dict(
        backup=dict(type="bool", default=True),
        commands=dict(type="list", elements="str", default=[]),
        group=dict(type="str"),
        header=dict(type="str", default=""),
        localrc=dict(type="dict", default={}, no_log=False),
        localrc_secrets=dict(type="dict", default={}, no_log=True),
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
        if not p["path"].strip():
            raise PlanError("path is empty: give the local.conf file to write")
        if p["path"].endswith(os.sep):
            raise PlanError("path %s ends with %s, as a directory does: give the local.conf file to write"
                            % (p["path"], os.sep))
        secrets = p["localrc_secrets"]
        for name, value in p["localrc"].items():
            if value is not None and name not in secrets and SECRET_NAME.search(str(name)):
                self.module.warn("localrc variable %s looks like a secret: give it in localrc_secrets, which is "
                                 "not logged" % name)
        text = render_local_conf(p["localrc"], p["commands"], p["post_config"], p["header"], secrets=secrets)
        before = textfile.read(p["path"])
        changed = before != text
        owner, group = _known("owner", p["owner"], pwd.getpwnam), _known("group", p["group"], grp.getgrnam)
        if before is not None:
            # The new file replaces the old one: it keeps the old owner and group unless others are asked.
            st = os.stat(p["path"])
            owner = str(st.st_uid) if owner is None else owner
            group = str(st.st_gid) if group is None else group
        out = {}
        if changed and not self.check_mode:
            saved = textfile.write(p["path"], text, mode=0o600, backup=p["backup"])
            if saved:
                out["backup_file"] = saved
        if os.path.exists(p["path"]):
            # The file written, a link's target, as textfile.write does: never the link itself.
            file_args = self.module.load_file_common_arguments(dict(path=os.path.realpath(p["path"]), owner=owner,
                                                                    group=group, mode="0600"))
            changed = self.module.set_fs_attributes_if_different(file_args, changed)
        names = set(secrets)
        plain = {name for name, value in p["localrc"].items() if value is not None and name not in names}
        return self.result(changed=changed, before=mask_secrets(before or "", names, shown=plain),
                           after=mask_secrets(text, names, reference=before or ""),
                           checksum=hashlib.sha256(text.encode("utf-8")).hexdigest(), **out)


def _known(what, name, lookup):
    """``name`` when it is an id or exists here; refused before anything is written, not after."""
    if name is None or name.isdigit():
        return name
    try:
        lookup(name)
    except KeyError:
        raise AdapterError("%s %s does not exist on this host; nothing was written" % (what, name)) from None
    return name


def main():
    DevstackLocalConf().execute()


if __name__ == "__main__":
    main()
