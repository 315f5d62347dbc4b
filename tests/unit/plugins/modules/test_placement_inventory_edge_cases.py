# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""placement_inventory(_info): an empty selector is refused, it does not select every provider.

The real adapter runs over a stand-in for openstacksdk's placement proxy, so the query the adapter
builds is the one checked."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import placement as api
from ansible_collections.hypercloud.builder.plugins.modules import placement_inventory, placement_inventory_info


class FakeProxy:
    """``conn.placement``: two providers, none in any aggregate; records the queries and the PUTs."""

    def __init__(self):
        self.queries, self.puts = [], []

    def resource_providers(self, **query):
        self.queries.append(query)
        providers = [SimpleNamespace(id="u-%d" % i, name="compute-%02d" % i, generation=1, aggregates=[]) for i in (1, 2)]
        return [rp for rp in providers if "member_of" not in query or query["member_of"] in rp.aggregates]

    def resource_provider_inventories(self, uuid):
        return [SimpleNamespace(resource_class="VCPU", total=32, reserved=0, min_unit=1, max_unit=32, step_size=1,
                                allocation_ratio=4.0, resource_provider_generation=1)]

    def fetch_resource_provider_usages(self, uuid):
        return SimpleNamespace(usages={})

    def set_resource_provider_inventories(self, uuid, inventories, resource_provider_generation):
        self.puts.append(uuid)
        return SimpleNamespace(generation=resource_provider_generation + 1)


@pytest.fixture
def proxy(monkeypatch):
    fake = FakeProxy()
    monkeypatch.setattr(api, "connect", lambda params: SimpleNamespace(placement=fake))
    monkeypatch.setattr(api, "SDK_IMPORT_ERROR", None)
    return fake


def run(module, args, capsys):
    with patch_module_args(dict(dict(cloud="test"), **args)), pytest.raises(SystemExit) as exc:
        module.main()
    return exc.value.code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("selector", [dict(aggregate=""), dict(aggregate="  "), dict(provider=" "),
                                      dict(name_pattern=""), dict(aggregate="", name_pattern="compute-*")])
def test_an_empty_selector_is_refused_and_nothing_is_written(proxy, capsys, selector):
    rc, result = run(placement_inventory, dict(selector, inventories={"VCPU": {"allocation_ratio": 2.0}}), capsys)
    assert rc == 1 and "must not be empty" in result["msg"]
    assert proxy.puts == []


@pytest.mark.parametrize("selector", [dict(aggregate=""), dict(provider=""), dict(name_pattern="  ")])
def test_info_refuses_an_empty_selector(proxy, capsys, selector):
    rc, result = run(placement_inventory_info, selector, capsys)
    assert rc == 1 and "must not be empty" in result["msg"]


def test_an_aggregate_no_provider_is_in_selects_none(proxy, capsys):
    rc, result = run(placement_inventory, dict(aggregate="agg-1", inventories={"VCPU": {"allocation_ratio": 2.0}}), capsys)
    assert rc == 0 and result["changed"] is False and result["providers"] == []
    assert proxy.queries == [{"member_of": "agg-1"}] and proxy.puts == []
