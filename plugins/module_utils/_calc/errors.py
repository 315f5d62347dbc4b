# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Error types raised by the pure calculators.

A calculator raises PlanError when the request breaks a domain rule; modules turn it into a
clean ``fail_json(msg=...)`` through the base class, with nothing changed.
"""

from __future__ import annotations


class PlanError(ValueError):
    """The requested state cannot be planned: the message says why, in the operator's terms."""
