# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""placement_inventory(_info) through main() with a fake adapter (payload shapes as openstack-placement
16.0.0 answers them; the real service is exercised by the integration target)."""

from __future__ import annotations

import copy
import json

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import placement as api
from ansible_collections.hypercloud.builder.plugins.modules import placement_inventory, placement_inventory_info

FULL = dict(total=32, reserved=0, min_unit=1, max_unit=32, step_size=1, allocation_ratio=4.0)


class FakePlacement:
    def __init__(self, providers, conflicts=0):
        self.rps = copy.deepcopy(providers)
        self.conflicts = conflicts
        self.calls = []
        self.classes = set()

    def _rp(self, uuid):
        return next(rp for rp in self.rps if rp["uuid"] == uuid)

    def providers(self, name=None, uuid=None, member_of=None):
        self.calls.append(("GET", "providers"))
        return [dict(uuid=rp["uuid"], name=rp["name"], generation=rp["generation"]) for rp in self.rps
                if member_of is None or member_of in rp.get("aggregates", [])]

    def inventories(self, uuid):
        self.calls.append(("GET", uuid))
        rp = self._rp(uuid)
        return rp["generation"], copy.deepcopy(rp["inventories"])

    def usages(self, uuid):
        self.calls.append(("GET usages", uuid))
        return dict(self._rp(uuid).get("usages", {}))

    def ensure_resource_class(self, name):
        self.calls.append(("PUT class", name))
        self.classes.add(name)

    def set_inventories(self, uuid, generation, inventories):
        self.calls.append(("PUT", uuid))
        rp = self._rp(uuid)
        if self.conflicts:
            self.conflicts -= 1
            rp["generation"] += 1          # someone else wrote in between
        if generation != rp["generation"]:
            raise api.GenerationConflict("PUT: generation conflict (HTTP 409)")
        rp["inventories"] = copy.deepcopy(inventories)
        rp["generation"] += 1
        return rp["generation"]


def providers():
    return [dict(uuid="u-%d" % i, name="compute-%02d" % i, generation=3, aggregates=["agg"] if i == 2 else [],
                 inventories={"VCPU": dict(FULL), "MEMORY_MB": dict(FULL, total=65536, max_unit=65536, allocation_ratio=1.0)},
                 usages={"VCPU": 100 if i == 1 else 0}) for i in (1, 2, 3)]


@pytest.fixture
def fake(monkeypatch):
    holder = {"fake": FakePlacement(providers())}
    monkeypatch.setattr(api, "connect", lambda params: object())
    monkeypatch.setattr(api, "PlacementApi", lambda conn: holder["fake"])
    return holder


def run(module, args, capsys):
    with patch_module_args(dict(dict(cloud="test"), **args)), pytest.raises(SystemExit) as exc:
        module.main()
    return exc.value.code, json.loads(capsys.readouterr().out)


def writes(fake):
    return [c for c in fake.calls if c[0].startswith("PUT")]


def test_check_mode_writes_nothing_and_reports_the_plan(fake, capsys):
    args = dict(name_pattern="compute-0[23]", inventories={"VCPU": {"allocation_ratio": 2.0}},
                _ansible_check_mode=True, _ansible_diff=True)
    rc, result = run(placement_inventory, args, capsys)
    assert rc == 0 and result["changed"] is True
    assert [p["name"] for p in result["providers"]] == ["compute-02", "compute-03"]
    assert result["providers"][0]["changes"] == {"VCPU": {"allocation_ratio": {"before": 4.0, "after": 2.0}}}
    assert result["diff"]["before"]["compute-02"]["VCPU"]["capacity"] == 128
    assert result["diff"]["after"]["compute-02"]["VCPU"]["capacity"] == 64
    assert writes(fake["fake"]) == []


def test_apply_then_nothing_to_do_in_one_get_per_provider(fake, capsys):
    args = dict(name_pattern="compute-*", inventories={"MEMORY_MB": {"allocation_ratio": 1.5, "reserved": 512}})
    rc, result = run(placement_inventory, args, capsys)
    assert rc == 0 and result["changed"] is True and "diff" not in result
    assert [p["generation"] for p in result["providers"]] == [4, 4, 4]
    assert fake["fake"].rps[0]["inventories"]["MEMORY_MB"]["reserved"] == 512
    assert fake["fake"].rps[0]["inventories"]["VCPU"] == FULL          # other classes sent unchanged
    fake["fake"].calls.clear()
    rc, again = run(placement_inventory, args, capsys)
    assert rc == 0 and again["changed"] is False
    assert fake["fake"].calls == [("GET", "providers"), ("GET", "u-1"), ("GET", "u-2"), ("GET", "u-3")]


def test_by_uuid_and_by_aggregate(fake, capsys):
    rc, result = run(placement_inventory, dict(provider="u-3", inventories={"VCPU": {"reserved": 2}}), capsys)
    assert rc == 0 and [p["name"] for p in result["providers"]] == ["compute-03"]
    rc, result = run(placement_inventory, dict(aggregate="agg", inventories={"VCPU": {"reserved": 2}}), capsys)
    assert rc == 0 and [p["name"] for p in result["providers"]] == ["compute-02"]


def test_conflict_is_reread_and_retried(fake, capsys):
    fake["fake"] = FakePlacement(providers(), conflicts=2)
    rc, result = run(placement_inventory, dict(provider="compute-02", inventories={"VCPU": {"allocation_ratio": 3.0}}), capsys)
    assert rc == 0 and result["changed"] is True
    assert result["providers"][0]["retries"] == 2
    assert result["providers"][0]["generation"] == fake["fake"].rps[1]["generation"] == 6
    assert fake["fake"].rps[1]["inventories"]["VCPU"]["allocation_ratio"] == 3.0


def test_conflicts_beyond_retries_fail_cleanly(fake, capsys):
    fake["fake"] = FakePlacement(providers(), conflicts=5)
    rc, result = run(placement_inventory, dict(provider="compute-02", retries=1, inventories={"VCPU": {"allocation_ratio": 3.0}}), capsys)
    assert rc == 1 and "compute-02: still conflicting after 1 retries" in result["msg"]


def test_usage_above_capacity_refuses_every_provider(fake, capsys):
    rc, result = run(placement_inventory, dict(name_pattern="compute-*", inventories={"VCPU": {"allocation_ratio": 2.0}}), capsys)
    assert rc == 1
    assert "VCPU on compute-01: 100 in use, capacity would drop from 128 to 64" in result["msg"]
    assert writes(fake["fake"]) == []


def test_force_applies_with_a_warning(fake, capsys):
    rc, result = run(placement_inventory, dict(provider="compute-01", force=True, inventories={"VCPU": {"allocation_ratio": 2.0}}), capsys)
    assert rc == 0 and result["changed"] is True
    assert "100 in use" in json.dumps(result.get("warnings"))


def test_new_custom_class_is_created_once_before_the_inventories(fake, capsys):
    rc, result = run(placement_inventory, dict(name_pattern="compute-*", inventories={"CUSTOM_FPGA": {"total": 2}}), capsys)
    assert rc == 0 and result["changed"] is True
    assert [c for c in fake["fake"].calls if c[0] == "PUT class"] == [("PUT class", "CUSTOM_FPGA")]


@pytest.mark.parametrize("args,message", [
    (dict(provider="compute-09", inventories={"VCPU": {"reserved": 1}}), "no resource provider named or with UUID compute-09"),
    (dict(provider="compute-01", inventories={"VCPU": {"reserved": 99}}), "reserved (99) is above total (32)"),
    (dict(provider="compute-01", inventories={"PCPU": {"reserved": 1}}), "has no PCPU inventory"),
    (dict(provider="compute-01", retries=-1, inventories={"VCPU": {"reserved": 1}}), "retries must be 0 or more"),
    (dict(inventories={"VCPU": {"reserved": 1}}), "one of the following is required"),
    (dict(provider="a", name_pattern="b", inventories={"VCPU": {"reserved": 1}}), "mutually exclusive"),
])
def test_bad_input(fake, capsys, args, message):
    rc, result = run(placement_inventory, args, capsys)
    assert rc == 1 and message in result["msg"]
    assert writes(fake["fake"]) == []


def test_secrets_are_not_returned(fake, capsys):
    rc, result = run(placement_inventory, dict(provider="u-1", auth={"password": "hp-sekrit-1"}, inventories={"VCPU": {"reserved": 1}}), capsys)
    assert rc == 0 and "hp-sekrit-1" not in json.dumps(result)


def test_info(fake, capsys):
    rc, result = run(placement_inventory_info, dict(name_pattern="compute-0[12]"), capsys)
    assert rc == 0 and result["changed"] is False
    assert [p["name"] for p in result["providers"]] == ["compute-01", "compute-02"]
    assert result["providers"][0]["inventories"]["VCPU"]["capacity"] == 128
    assert result["providers"][0]["inventories"]["VCPU"]["used"] == 100
    rc, result = run(placement_inventory_info, dict(provider="nope"), capsys)
    assert rc == 0 and result["providers"] == []
    fake["fake"].calls.clear()
    run(placement_inventory_info, dict(usages=False), capsys)
    assert not [c for c in fake["fake"].calls if c[0] == "GET usages"]


@pytest.mark.parametrize("ratio", ["inf", "nan"])
def test_non_finite_values_are_refused_before_connecting(fake, capsys, monkeypatch, ratio):
    monkeypatch.setattr(api, "connect", lambda params: pytest.fail("connected"))
    args = dict(provider="compute-01", inventories={"VCPU": {"allocation_ratio": ratio}})
    rc, result = run(placement_inventory, args, capsys)
    assert rc == 1 and "VCPU: allocation_ratio must be a finite number, not '%s'" % ratio in result["msg"]
    assert "exception" not in result and writes(fake["fake"]) == []


ksa_exceptions = pytest.importorskip("keystoneauth1.exceptions")


class _Unreachable:
    """A connection whose endpoint does not answer: keystoneauth1 errors, which are not SDKException."""

    def __init__(self, error, at_discovery):
        self.error, self.at_discovery = error, at_discovery

    @property
    def placement(self):
        if self.at_discovery:
            raise self.error
        return self

    def __getattr__(self, name):
        def call(*_args, **_kwargs):
            raise self.error
        return call


DISCOVERY = ksa_exceptions.DiscoveryFailure("Could not find versioned identity endpoints when attempting to authenticate.")
REFUSED = ksa_exceptions.ConnectFailure("Unable to establish connection to http://127.0.0.1:9: Connection refused")


@pytest.mark.parametrize("call,args", [
    ("providers", ()),
    ("inventories", ("u-1",)),
    ("usages", ("u-1",)),
    ("ensure_resource_class", ("CUSTOM_X",)),
    ("set_inventories", ("u-1", 3, {"VCPU": FULL})),
])
def test_adapter_turns_keystoneauth_errors_into_adapter_errors(call, args):
    with pytest.raises(api.AdapterError) as err:
        api.PlacementApi(_Unreachable(DISCOVERY, at_discovery=True))
    assert "cannot reach the Placement API" in str(err.value) and "versioned identity endpoints" in str(err.value)
    placement = api.PlacementApi(_Unreachable(REFUSED, at_discovery=False))
    with pytest.raises(api.AdapterError) as err:
        getattr(placement, call)(*args)
    assert "Connection refused" in str(err.value)
    assert not isinstance(err.value, api.GenerationConflict)


@pytest.mark.parametrize("module,extra", [
    (placement_inventory_info, {}),
    (placement_inventory, dict(provider="compute-01", inventories={"VCPU": {"reserved": 1}})),
])
def test_unreachable_endpoint_fails_cleanly(capsys, module, extra):
    # A real openstacksdk connection to a closed loopback port (port 9, discard): no fake involved.
    pytest.importorskip("openstack")
    endpoint = "http://127.0.0.1:9"
    args = dict(auth_type="admin_token", auth={"token": "hc-tok-5e1f", "endpoint": endpoint}, endpoint_override=endpoint,
                **extra)
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        module.main()
    result = json.loads(capsys.readouterr().out)
    assert exc.value.code == 1 and result["failed"] is True and "exception" not in result
    assert result["msg"].startswith("cannot reach the Placement API") and "version discovery" in result["msg"]
    assert "hc-tok-5e1f" not in json.dumps(result)
