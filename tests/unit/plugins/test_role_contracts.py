# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every role's meta/argument_specs.yml is its contract: it must match defaults/main.yml."""

from __future__ import annotations

import glob
import os

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
ROLES = sorted(
    os.path.basename(os.path.dirname(os.path.dirname(path)))
    for path in glob.glob(os.path.join(ROOT, "roles", "*", "tasks", "main.yml"))
    if not os.path.basename(os.path.dirname(os.path.dirname(path))).startswith("_")
)


def load(role, *parts):
    path = os.path.join(ROOT, "roles", role, *parts)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


@pytest.mark.parametrize("role", ROLES)
def test_argument_specs_match_defaults(role):
    specs = load(role, "meta", "argument_specs.yml")
    assert specs, "roles/%s has no meta/argument_specs.yml" % role
    options = specs["argument_specs"]["main"].get("options", {})
    defaults = load(role, "defaults", "main.yml") or {}
    public = {name for name in defaults if not name.startswith("__")}
    assert public == set(options), "defaults and argument_specs differ: only in defaults %s, only in specs %s" % (
        sorted(public - set(options)), sorted(set(options) - public))
    for name, option in options.items():
        assert name.startswith(role + "_"), "%s: public variables are prefixed %s_" % (name, role)
        assert option.get("description"), "%s has no description" % name
        assert option.get("type"), "%s has no type" % name
        if "default" in option:
            assert option["default"] == defaults[name], "%s: default differs from defaults/main.yml" % name
