# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Mitogen's linear strategy for the kvm_host scenarios, found from the scenario directory.

In the TCG guest a fresh Python per task costs seconds; under Mitogen a play keeps one interpreter
on the instance (over SSH for kvm_host-vm, over podman exec for kvm_host-container).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ansible_mitogen.loaders
import ansible_mitogen.strategy


class StrategyModule(ansible_mitogen.strategy.StrategyMixin,
                     ansible_mitogen.loaders.strategy_loader.get("linear", class_only=True)):
    """Linear strategy with Mitogen connections."""
