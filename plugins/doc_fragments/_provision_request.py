# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The provisioning request shared by provision_policy and approval_request."""

from __future__ import annotations


class ModuleDocFragment:  # pylint: disable=too-few-public-methods
    """A provisioning request: what the rules of M(hypercloud.builder.provision_policy) look at."""

    DOCUMENTATION = r"""
options:
  request:
    description: The provisioning request.
    type: dict
    suboptions:
      disk_gb:
        description: Root disk size, in GB.
        type: int
        default: 0
      flavor:
        description: Flavor name.
        type: str
      image:
        description: Image name.
        type: str
      memory_gb:
        description: Memory, in GB (1 GB = 1024 MB). Give O(request.memory_gb) or O(request.memory_mb).
        type: float
      memory_mb:
        description: Memory, in MB.
        type: int
      project:
        description: Project (tenant) name.
        type: str
      vcpus:
        description: Number of vCPUs.
        type: int
        required: true
"""
