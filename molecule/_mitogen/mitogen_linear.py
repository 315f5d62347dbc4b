# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Mitogen's linear strategy for the scenarios that set ANSIBLE_STRATEGY_PLUGINS to this directory
(the venv, where Mitogen's own strategy directory lives, differs per checkout).

Under Mitogen a play keeps one Python interpreter on the instance (over one long-lived ``podman exec``
for swiftbox-vm, over SSH for kvm_host-vm) instead of a fresh Python per task.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ansible_mitogen.loaders
import ansible_mitogen.strategy


class StrategyModule(ansible_mitogen.strategy.StrategyMixin,
                     ansible_mitogen.loaders.strategy_loader.get("linear", class_only=True)):
    """Linear strategy with Mitogen connections."""
