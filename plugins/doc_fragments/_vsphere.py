# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared connection options for the vSphere modules (argument spec: _adapters.vsphere.VSPHERE_SPEC)."""

from __future__ import annotations


class ModuleDocFragment:  # pylint: disable=too-few-public-methods
    """vCenter address and credentials, with the environment variables community.vmware reads."""

    DOCUMENTATION = r"""
options:
  hostname:
    description:
      - The vCenter Server's host name or address.
      - If not set, the E(VMWARE_HOST) environment variable is used.
    type: str
    required: true
  password:
    description:
      - The password of O(username). Never logged.
      - If not set, the E(VMWARE_PASSWORD) environment variable is used.
    type: str
    required: true
    aliases: [pass, pwd]
  port:
    description:
      - The HTTPS port of the vCenter API.
      - If not set, the E(VMWARE_PORT) environment variable is used.
    type: int
    default: 443
  username:
    description:
      - The vCenter user; read-only rights on the cluster are enough for the C(_info) modules.
      - If not set, the E(VMWARE_USER) environment variable is used.
    type: str
    required: true
    aliases: [admin, user]
  validate_certs:
    description:
      - Check the vCenter's TLS certificate. Set V(false) only for a test system.
      - If not set, the E(VMWARE_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
requirements:
  - pyVmomi (tested with 9.1.1.0)
"""
