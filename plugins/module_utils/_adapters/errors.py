# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Error type raised by the I/O adapters."""

from __future__ import annotations


class AdapterError(RuntimeError):
    """An external system refused or failed a call: the message names the call and its answer."""
