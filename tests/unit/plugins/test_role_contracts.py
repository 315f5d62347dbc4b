# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every role's meta/argument_specs.yml is its contract: it must match defaults/main.yml."""

from __future__ import annotations

import glob
import os
import re

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


def _structured(option):
    """True when the option holds dicts whose keys the role reads by name."""
    return option.get("type") == "dict" or option.get("elements") == "dict"


def _literal(value):
    """A default that is not a template (templates are only resolved at run time)."""
    return not (isinstance(value, str) and "{{" in value)


# Dicts with arbitrary keys (variables, answers, properties), or handed whole to a module that validates them.
FREE_FORM = {
    "devstack_fixups", "devstack_localrc", "devstack_localrc_secrets", "devstack_post_config",
    "net_tuning_sysctl_overrides", "ovirt_engine_extra_answers", "ovirt_node_power_management",
    "swiftbox_devstack_localrc", "windows_image_glance_auth", "windows_image_glance_properties",
}


@pytest.mark.parametrize("role", ROLES)
def test_structured_options_declare_their_keys(role):
    """A dict (or list of dicts) the role reads by key names its keys: a missing or misspelt key is refused up front.

    Variables replace the whole default, so a partial dict would otherwise pass validation and fail deep in a task
    (or template something wrong) after earlier tasks have changed the host.
    """
    options = load(role, "meta", "argument_specs.yml")["argument_specs"]["main"].get("options", {})
    missing = sorted(name for name, option in options.items()
                     if _structured(option) and not option.get("options") and name not in FREE_FORM)
    assert not missing, "%s: dict options without sub-options (or FREE_FORM): %s" % (role, missing)


@pytest.mark.parametrize("role", ROLES)
def test_defaults_pass_their_argument_spec(role):
    """The literal defaults of defaults/main.yml are valid input for the role's own argument spec."""
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    options = load(role, "meta", "argument_specs.yml")["argument_specs"]["main"].get("options", {})
    defaults = load(role, "defaults", "main.yml") or {}
    spec = {name: dict(option) for name, option in options.items()}
    for option in spec.values():
        option.pop("description", None)
        option.pop("default", None)
    params = {name: value for name, value in defaults.items() if name in spec and _literal(value)}
    spec = {name: option for name, option in spec.items() if name in params}
    result = ArgumentSpecValidator(spec).validate(params)
    assert not result.error_messages, "%s: %s" % (role, result.error_messages)


def _preflight_conditions(role):
    """The ``that`` conditions of the assert tasks a role runs before it changes anything."""
    conditions = []
    for tasks in (load(role, "tasks", "preflight.yml"), load(role, "tasks", "main.yml")):
        for task in tasks or []:
            check = task.get("ansible.builtin.assert") if isinstance(task, dict) else None
            if check:
                that = check["that"]
                conditions.extend([that] if isinstance(that, str) else that)
    return conditions


def _refused(role, overrides):
    """The preflight conditions that are about ``overrides`` and fail with them, over defaults/main.yml."""
    import jinja2

    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    env.tests["match"] = lambda value, pattern: re.match(pattern, str(value)) is not None  # as Ansible's
    variables = dict(load(role, "defaults", "main.yml") or {}, **overrides)
    failed = []
    for condition in _preflight_conditions(role):
        if not any(name in condition for name in overrides):
            continue
        try:
            result = env.from_string("{{ (%s) | string }}" % condition).render(variables)
        except jinja2.TemplateError:
            continue  # needs facts, registered results or Ansible's own tests: not evaluated here
        if result == "False":
            failed.append(condition)
    return failed


# Numeric inputs whose modules would only reject them after earlier tasks changed the host (or the cloud).
OUT_OF_RANGE = [
    ("cloudstack_upgrade", {"cloudstack_upgrade_poll_interval": -1.0}),
    ("cloudstack_upgrade", {"cloudstack_upgrade_poll_interval": float("nan")}),
    ("cloudstack_upgrade", {"cloudstack_upgrade_poll_interval": float("inf")}),
    ("cloudstack_upgrade", {"cloudstack_upgrade_api_wait_timeout": -1}),
    ("cloudstack_upgrade", {"cloudstack_upgrade_maintenance_timeout": -1}),
    ("cloudstack_upgrade", {"cloudstack_upgrade_up_timeout": -1}),
    ("cloudstack_upgrade", {"cloudstack_upgrade_max_unavailable": 0}),
    ("cloudstack_upgrade", {"cloudstack_upgrade_db_port": 0}),
    ("cloudstack_upgrade", {"cloudstack_upgrade_db_port": 65536}),
    ("devstack", {"devstack_stack_timeout": 0}),
    ("devstack", {"devstack_stack_timeout": -1}),
    ("kvm_host", {"kvm_host_halt_poll_ns": -1}),
    ("kvm_host", {"kvm_host_ksm_pages_to_scan": -1}),
    ("kvm_host", {"kvm_host_ksm_sleep_millisecs": -1}),
    ("kvm_host", {"kvm_host_hugepages_count": -1}),
    ("kvm_host", {"kvm_host_hugepages_1g_count": -1}),
    ("ovirt_engine", {"ovirt_engine_health_retries": -1}),
    ("ovirt_engine", {"ovirt_engine_health_delay": -5}),
    ("ovirt_engine", {"ovirt_engine_health_retries": "many"}),
    ("ovirt_node", {"ovirt_node_timeout": -1}),
    ("ovirt_node", {"ovirt_node_poll_interval": -1}),
    ("ovirt_node", {"ovirt_node_poll_interval": float("nan")}),
    ("swiftbox", {"swiftbox_replicas": 0}),
    ("swiftbox", {"swiftbox_part_power": 0}),
    ("swiftbox", {"swiftbox_part_power": 33}),
    ("swiftbox", {"swiftbox_min_part_hours": -1}),
    ("swiftbox", {"swiftbox_workers": -1}),
    ("swiftbox", {"swiftbox_devices": [{"name": "d_1", "type": "directory"}]}),  # swift-ring-builder: '_' starts metadata
    ("windows_image", {"windows_image_memory_mb": 32}),
    ("windows_image", {"windows_image_vcpus": 0}),
    ("windows_image", {"windows_image_build_timeout": 0}),
    ("windows_image", {"windows_image_poll_interval": 0}),
    ("windows_image", {"windows_image_boot_keypress_seconds": -1}),
    ("xen_dom0", {"xen_dom0_reboot_timeout": 0}),
    ("xen_dom0", {"xen_dom0_mem": "4GB"}),
    ("xen_dom0", {"xen_dom0_mem_max": "-1"}),
    ("xen_dom0", {"xen_dom0_max_vcpus": "all"}),
]


@pytest.mark.parametrize("role, overrides", OUT_OF_RANGE, ids=["%s=%s" % next(iter(o.items())) for r, o in OUT_OF_RANGE])
def test_preflight_refuses_out_of_range_numbers(role, overrides):
    assert _refused(role, overrides), "%s: preflight accepts %s" % (role, overrides)


@pytest.mark.parametrize("role, overrides", OUT_OF_RANGE, ids=["%s=%s" % next(iter(o.items())) for r, o in OUT_OF_RANGE])
def test_preflight_accepts_the_defaults(role, overrides):
    defaults = load(role, "defaults", "main.yml")
    name = next(iter(overrides))
    assert not _refused(role, {name: defaults[name]})
