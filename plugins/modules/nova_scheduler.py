#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: nova_scheduler
short_description: Scheduler capacity settings of a nova.conf, all in one task
version_added: 0.1.0
description:
  - Sets or removes the allocation ratios, host reservations, CPU sets and scheduler filters of a
    nova.conf in one atomic write. Every other line and comment of the file is kept.
  - A key set to V(absent) is removed. A ratio set in nova.conf overrides Placement on every periodic
    update of nova-compute, so leave it V(absent) when Placement manages the ratios.
  - Sections are matched as oslo.config reads them, in lower case except C([DEFAULT]). A key is
    changed in place in a C([Filter_Scheduler]) or C([COMPUTE]) section, while one under C([default]) is
    left alone, as Nova ignores it.
  - Refuses, with nothing written, a ratio that is not a number above 0, C(reserved_host_cpus) above 0
    together with C(cpu_shared_set) or C(cpu_dedicated_set), overlapping shared and dedicated CPU
    sets, a CPU set Nova cannot parse, a filter Nova removed (naming the release and what replaces it), and a
    value holding a line break.
  - None of these options reloads on SIGHUP. RV(restart_required) says whether the services in
    RV(restart_services) must be restarted.
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes
  - hypercloud.builder._attributes.LINUX
options:
  backup:
    description: Keep a timestamped copy of the file before changing it.
    type: bool
    default: false
  path:
    description:
      - The nova.conf to manage. It must exist.
      - A symbolic link is followed; the file it points to is written and backed up, and the link stays.
    type: path
    default: /etc/nova/nova.conf
  placement_managed:
    description:
      - Whether the ratios are managed in Placement (for example with C(hypercloud.builder.placement_inventory)).
        The module then warns when C(cpu_allocation_ratio), C(ram_allocation_ratio) or C(disk_allocation_ratio) stays set.
    type: bool
    default: false
  settings:
    description:
      - The settings to manage, each a value or V(absent). Settings not given are left as they are.
    type: dict
    required: true
    suboptions:
      available_filters:
        description:
          - "C([filter_scheduler] available_filters): a list (or a comma-separated string), one line per entry, or V(absent)."
          - An empty list is refused. With no line Nova uses its default (C(nova.scheduler.filters.all_filters)),
            so an empty list cannot be written; V(absent) removes the lines.
        type: raw
      cpu_allocation_ratio:
        description: "C([DEFAULT] cpu_allocation_ratio): a number above 0, or V(absent)."
        type: raw
      cpu_dedicated_set:
        description: "C([compute] cpu_dedicated_set), in Nova's syntax (C(4-12,^8,15)), or V(absent)."
        type: raw
      cpu_shared_set:
        description: "C([compute] cpu_shared_set), in Nova's syntax, or V(absent)."
        type: raw
      disk_allocation_ratio:
        description: "C([DEFAULT] disk_allocation_ratio): a number above 0, or V(absent)."
        type: raw
      enabled_filters:
        description: "C([filter_scheduler] enabled_filters): a list (or a comma-separated string), or V(absent)."
        type: raw
      initial_cpu_allocation_ratio:
        description: "C([DEFAULT] initial_cpu_allocation_ratio): a number above 0, or V(absent)."
        type: raw
      initial_disk_allocation_ratio:
        description: "C([DEFAULT] initial_disk_allocation_ratio): a number above 0, or V(absent)."
        type: raw
      initial_ram_allocation_ratio:
        description: "C([DEFAULT] initial_ram_allocation_ratio): a number above 0, or V(absent)."
        type: raw
      ram_allocation_ratio:
        description: "C([DEFAULT] ram_allocation_ratio): a number above 0, or V(absent)."
        type: raw
      reserved_host_cpus:
        description: "C([DEFAULT] reserved_host_cpus): a whole number (ASCII digits), or V(absent)."
        type: raw
      reserved_host_disk_mb:
        description: "C([DEFAULT] reserved_host_disk_mb): a whole number (ASCII digits), or V(absent)."
        type: raw
      reserved_host_memory_mb:
        description: "C([DEFAULT] reserved_host_memory_mb): a whole number (ASCII digits), or V(absent)."
        type: raw
notes:
  - The file is written with a temporary file and a rename, so a reader never sees half a file. Its owner
    and mode are kept, and so is each line's ending (a file with CRLF line endings keeps them).
seealso:
  - module: hypercloud.builder.capacity_plan
"""

EXAMPLES = r"""
- name: Ratios managed in Placement; host reservations in nova.conf
  hypercloud.builder.nova_scheduler:
    path: /etc/nova/nova.conf
    placement_managed: true
    backup: true
    settings:
      cpu_allocation_ratio: absent
      ram_allocation_ratio: absent
      reserved_host_memory_mb: 1048576
      reserved_host_cpus: 128
  notify: Restart nova-compute

- name: Pinned and shared CPUs, and the default filters without removed ones
  hypercloud.builder.nova_scheduler:
    settings:
      reserved_host_cpus: absent
      cpu_shared_set: "0-3"
      cpu_dedicated_set: "4-31,^16"
      enabled_filters: [ComputeFilter, ComputeCapabilitiesFilter, ImagePropertiesFilter,
                        ServerGroupAntiAffinityFilter, ServerGroupAffinityFilter]
"""

RETURN = r"""
backup_file:
  description: The copy of the file made before changing it.
  returned: changed and O(backup=true)
  type: str
  sample: /etc/nova/nova.conf.12345.2026-01-01@00:00:00~
changes:
  description: Each setting that changes, with its value before and after (V(absent) when not set).
  returned: always
  type: dict
  sample: {"cpu_allocation_ratio": {"before": 16.0, "after": "absent"}, "reserved_host_memory_mb": {"before": 512, "after": 1048576}}
restart_required:
  description: Whether a service must be restarted for the change to take effect.
  returned: always
  type: bool
  sample: true
restart_services:
  description: The services to restart, C(nova-compute) for C([DEFAULT]) and C([compute]) settings, C(nova-scheduler) for filters.
  returned: always
  type: list
  elements: str
  sample: [nova-compute]
"""

import os
import tempfile

from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.novaconf import (
    ABSENT,
    PLACEMENT_OVERRIDING,
    SECTIONS,
    plan_conf,
    read_settings,
)


class NovaScheduler(HypercloudModule):
    supports_check_mode = True
    argument_spec = dict(
        backup=dict(type="bool", default=False),
        path=dict(type="path", default="/etc/nova/nova.conf"),
        placement_managed=dict(type="bool", default=False),
        settings=dict(type="dict", required=True, options={key: dict(type="raw") for key in sorted(SECTIONS)}),
    )

    def read(self, path):
        if not os.path.isfile(path):
            raise PlanError("%s does not exist or is not a file" % path)
        try:
            with open(path, "rb") as handle:
                return to_text(handle.read(), errors="surrogate_or_strict")
        except OSError as err:
            raise AdapterError("cannot read %s: %s" % (path, err)) from None

    def write(self, path, real, text):
        """Write ``real`` (the file a link points to) through a temporary file in its directory."""
        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(prefix=".nova_scheduler.", dir=os.path.dirname(real))
            with os.fdopen(fd, "wb") as handle:
                handle.write(to_bytes(text, errors="surrogate_or_strict"))
            self.module.atomic_move(tmp, real)
        except OSError as err:
            raise AdapterError("cannot write %s: %s" % (path, err)) from None
        finally:
            if tmp and os.path.exists(tmp):
                os.unlink(tmp)

    def run(self):
        path = self.params["path"]
        # Like ansible.builtin.lineinfile: a link is followed, so the rename replaces the real file, not the link.
        real = os.path.realpath(path)
        text = self.read(real)
        plan = plan_conf(text, self.params["settings"])

        backup_file = None
        if plan.changed and not self.check_mode:
            if self.params["backup"]:
                backup_file = self.module.backup_local(real)
            self.write(path, real, plan.text)

        if self.params["placement_managed"]:
            final = read_settings(plan.text)
            for key in PLACEMENT_OVERRIDING:
                if final[key] != ABSENT:
                    self.module.warn("%s is set in %s while Placement manages the ratios: nova-compute overwrites the "
                                     "Placement value on every periodic update; set it to absent" % (key, path))

        result = self.result(
            changed=plan.changed,
            before=text,
            after=plan.text,
            changes={c.key: dict(before=c.before, after=c.after) for c in plan.changes},
            restart_required=bool(plan.restart_services),
            restart_services=plan.restart_services,
        )
        if "diff" in result:
            result["diff"].update(before_header=path, after_header=path)
        if backup_file:
            result["backup_file"] = backup_file
        return result


def main():
    NovaScheduler().execute()


if __name__ == "__main__":
    main()
