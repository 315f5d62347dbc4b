# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""nova_server driven through main(), with only openstacksdk replaced.

``FakeSDK`` stands in for the ``openstack`` package at the boundary the adapter uses
(``openstack.connect`` and the compute proxy calls of ``_adapters/nova.py``); everything between
main() and that boundary is the real code. The fake keeps servers in a dict, so a second run sees
what the first one made, and it records every call so the tests can show nothing is written in
check mode. The server fields are those openstacksdk's ``compute.v2.server.Server`` has.
"""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import nova
from ansible_collections.hypercloud.builder.plugins.modules import nova_server

AUTH = {"auth_url": "http://keystone.test/v3", "username": "hq", "password": "pw-not-to-be-logged",
        "project_name": "lab", "user_domain_name": "Default", "project_domain_name": "Default"}
FLAVORS = {"m1.small": {"id": "f-1", "vcpus": 1, "ram": 4096}, "m1.large": {"id": "f-3", "vcpus": 8, "ram": 32768}}
IMAGES = {"debian-12": "i-deb", "hq-broken": "i-broken"}


class SDKError(Exception):
    """What openstacksdk raises (its exceptions derive from Exception)."""


class FakeCompute:
    """The compute proxy calls the adapter makes, on an in-memory Nova."""

    def __init__(self, sdk):
        self.sdk = sdk

    def _call(self, call, **kwargs):
        self.sdk.calls.append((call, kwargs))

    def servers(self, details, name):
        self._call("servers", details=details, name=name)
        return [s for s in self.sdk.servers.values() if re.search(name, s.name)]  # Nova filters names by regex

    def find_flavor(self, name, ignore_missing):
        self._call("find_flavor", name=name, ignore_missing=ignore_missing)
        name = next((key for key, value in FLAVORS.items() if value["id"] == name), name)  # by id, as the SDK does
        if name not in FLAVORS:
            raise SDKError("No Flavor found for %s" % name)
        return SimpleNamespace(id=FLAVORS[name]["id"], name=name)

    def find_image(self, name, ignore_missing):
        self._call("find_image", name=name, ignore_missing=ignore_missing)
        if name not in IMAGES:
            raise SDKError("No Image found for %s" % name)
        return SimpleNamespace(id=IMAGES[name])

    def create_server(self, name, flavor_id, image_id, networks, metadata):
        self._call("create_server", name=name, flavor_id=flavor_id, image_id=image_id, networks=networks, metadata=metadata)
        flavor = next(dict(v, original_name=k) for k, v in FLAVORS.items() if v["id"] == flavor_id)
        server = SimpleNamespace(id="s-%d" % (len(self.sdk.servers) + 1), name=name, status="BUILD", flavor=flavor,
                                 image={"id": image_id}, fault=None, created_at="2026-03-02T10:20:00Z", metadata=metadata)
        self.sdk.servers[server.id] = server
        return server

    def wait_for_server(self, server, status, failures, interval, wait):
        self._call("wait_for_server", server=server.id, status=status, failures=failures, wait=wait)
        if server.image["id"] == "i-broken":
            server.status, server.fault = "ERROR", {"code": 500, "message": "No valid host was found."}
            raise SDKError("Error in creating the server. Compute service reports fault: No valid host was found.")
        server.status = status
        return server

    def get_server(self, server):
        self._call("get_server", server=server.id)
        return self.sdk.servers[server.id]

    def delete_server(self, server):
        self._call("delete_server", server=server.id)
        del self.sdk.servers[server.id]

    def wait_for_delete(self, server, interval, wait):
        self._call("wait_for_delete", server=server.id, wait=wait)


class FakeSDK:
    """The ``openstack`` package as the adapter sees it: ``connect(**kwargs)``."""

    def __init__(self):
        self.servers = {}
        self.calls = []
        self.connect_kwargs = None
        self.auth_errors = []  # raised by authorize() when set

    def connect(self, **kwargs):
        self.connect_kwargs = kwargs
        sdk = self

        class Connection:
            compute = FakeCompute(sdk)

            def authorize(self):
                for error in sdk.auth_errors:
                    raise error
                return "token"

        return Connection()

    def writes(self):
        return [c for c in self.calls if c[0] in ("create_server", "delete_server")]

    def add(self, name, flavor="m1.small", status="ACTIVE", fault=None):
        server = SimpleNamespace(id="s-%d" % (len(self.servers) + 1), name=name, status=status,
                                 flavor=dict(FLAVORS[flavor], original_name=flavor), image={"id": "i-deb"},
                                 fault=fault, created_at="2026-03-01T09:00:00Z")
        self.servers[server.id] = server
        return server


@pytest.fixture
def sdk(monkeypatch):
    fake = FakeSDK()
    monkeypatch.setattr(nova, "openstack", fake)
    monkeypatch.setattr(nova, "SDK_ERROR", None)
    return fake


def run(args, capsys):
    with patch_module_args(dict(dict(auth=AUTH), **args)), pytest.raises(SystemExit) as exc:
        nova_server.main()
    out = capsys.readouterr().out
    assert AUTH["password"] not in out, "the auth password leaked into the result"
    return exc.value.code, json.loads(out)


PRESENT = dict(name="req-1", flavor="m1.large", image="debian-12", metadata={"request_id": "REQ-1", "size": 8})


def test_create_check_mode_then_apply_then_nothing_to_do(sdk, capsys):
    rc, check = run(dict(PRESENT, _ansible_check_mode=True, _ansible_diff=True), capsys)
    assert rc == 0 and check["changed"] is True and check["server"] == {}
    assert check["diff"] == {"before": {}, "after": {"name": "req-1", "flavor": "m1.large"}}
    assert sdk.writes() == [] and sdk.servers == {}

    rc, made = run(dict(PRESENT, _ansible_diff=True), capsys)
    assert rc == 0 and made["changed"] is True
    assert made["server"] == {"id": "s-1", "name": "req-1", "status": "ACTIVE", "flavor": "m1.large", "vcpus": 8,
                              "ram_mb": 32768, "image_id": "i-deb", "fault": {}, "created": "2026-03-02T10:20:00Z"}
    assert made["diff"] == {"before": {}, "after": made["server"]}
    assert sdk.writes() == [("create_server", {"name": "req-1", "flavor_id": "f-3", "image_id": "i-deb", "networks": "none",
                                               "metadata": {"request_id": "REQ-1", "size": "8"}})]
    assert ("wait_for_server", {"server": "s-1", "status": "ACTIVE", "failures": ["ERROR"], "wait": 300}) in sdk.calls

    for extra in ({}, {"_ansible_check_mode": True}):
        sdk.calls.clear()
        rc, again = run(dict(PRESENT, **extra), capsys)
        assert rc == 0 and again["changed"] is False and again["server"] == made["server"]
        assert sdk.writes() == []
    assert ("servers", {"details": True, "name": "^req-1$"}) in sdk.calls


def test_the_connection_gets_the_options_and_never_reads_clouds_yaml(sdk, capsys):
    run(dict(PRESENT, auth_type="v3password", region_name="RegionTwo", interface="internal", validate_certs=False), capsys)
    assert sdk.connect_kwargs == dict(auth_type="v3password", auth=AUTH, region_name="RegionTwo", interface="internal",
                                      verify=False, load_yaml_config=False, load_envvars=False)


def test_a_name_match_is_exact(sdk, capsys):
    sdk.add("req-10")
    rc, result = run(PRESENT, capsys)
    assert rc == 0 and result["changed"] is True and sorted(s.name for s in sdk.servers.values()) == ["req-1", "req-10"]


def test_a_server_still_building_is_waited_for_but_not_in_check_mode(sdk, capsys):
    sdk.add("req-1", flavor="m1.large", status="BUILD")
    rc, check = run(dict(PRESENT, _ansible_check_mode=True), capsys)
    assert rc == 0 and check["changed"] is False and check["server"]["status"] == "BUILD"
    assert not [c for c in sdk.calls if c[0] == "wait_for_server"]
    rc, result = run(PRESENT, capsys)
    assert rc == 0 and result["changed"] is False and result["server"]["status"] == "ACTIVE"


def test_absent_check_mode_then_apply_then_nothing_to_do(sdk, capsys):
    sdk.add("req-1")
    rc, check = run(dict(name="req-1", state="absent", _ansible_check_mode=True, _ansible_diff=True), capsys)
    assert rc == 0 and check["changed"] is True and check["diff"]["before"]["id"] == "s-1" and check["diff"]["after"] == {}
    assert sdk.writes() == [] and len(sdk.servers) == 1
    rc, gone = run(dict(name="req-1", state="absent", timeout=30), capsys)
    assert rc == 0 and gone["changed"] is True and gone["server"] == {} and sdk.servers == {}
    assert [c for c in sdk.calls if c[0].endswith("delete") or c[0] == "delete_server"] == [
        ("delete_server", {"server": "s-1"}), ("wait_for_delete", {"server": "s-1", "wait": 30})]
    rc, again = run(dict(name="req-1", state="absent"), capsys)
    assert rc == 0 and again["changed"] is False


def test_a_flavor_given_by_id_matches_the_servers_flavor_name(sdk, capsys):
    # Since compute API 2.47 a server shows its flavor's original_name, not its id.
    args = dict(PRESENT, flavor="f-3")
    rc, made = run(args, capsys)
    assert rc == 0 and made["changed"] is True and made["server"]["flavor"] == "m1.large"
    for check_mode in (True, False):
        rc, again = run(dict(args, _ansible_check_mode=check_mode), capsys)
        assert rc == 0 and again["changed"] is False
    rc, other = run(dict(args, flavor="f-1"), capsys)
    assert rc == 1 and other["msg"] == ("server req-1 exists with flavor m1.large, not f-1; it is not resized, "
                                        "delete it first")


FAILURES = [
    # (case, existing servers as (name, flavor, status, fault), args, message)
    ("another flavor is not resized", [("req-1", "m1.small", "ACTIVE", None)], PRESENT,
     "server req-1 exists with flavor m1.small, not m1.large; it is not resized, delete it first"),
    ("a server in ERROR is reported with Nova's fault", [("req-1", "m1.large", "ERROR", {"message": "No valid host was found."})],
     PRESENT, "server req-1 (s-1) is in ERROR: No valid host was found."),
    ("two servers of one name", [("req-1", "m1.large", "ACTIVE", None), ("req-1", "m1.large", "ACTIVE", None)], PRESENT,
     "2 servers are named req-1; give each server its own name"),
    ("unknown flavor", [], dict(PRESENT, flavor="m1.nope"),
     "creating server req-1 (flavor m1.nope, image debian-12) failed: No Flavor found for m1.nope"),
    ("unknown image", [], dict(PRESENT, image="windows"),
     "creating server req-1 (flavor m1.large, image windows) failed: No Image found for windows"),
    ("a build that ends in ERROR", [], dict(PRESENT, image="hq-broken"),
     "server req-1 did not become ACTIVE: Error in creating the server. Compute service reports fault: No valid host was found.; "
     "fault: No valid host was found."),
]


@pytest.mark.parametrize("case,existing,args,message", FAILURES, ids=[f[0] for f in FAILURES])
def test_failures_are_clean_messages(sdk, capsys, case, existing, args, message):
    for name, flavor, status, fault in existing:
        sdk.add(name, flavor, status, fault)
    before = {k: vars(v).copy() for k, v in sdk.servers.items()}
    rc, result = run(args, capsys)
    assert rc == 1 and result["failed"] is True and "exception" not in result, case
    assert result["msg"] == message
    if existing:
        assert {k: vars(v) for k, v in sdk.servers.items()} == before and sdk.writes() == []


def test_a_failed_login_is_one_clean_line_without_the_password(sdk, capsys):
    sdk.auth_errors.append(SDKError("The request you have made requires authentication. (HTTP 401)\nRequest-ID: req-9"))
    rc, result = run(PRESENT, capsys)
    # The whole auth dict is no_log, so Ansible masks every value of it in the output, auth_url included.
    assert rc == 1 and result["msg"] == ("authenticating at ******** failed: "
                                         "The request you have made requires authentication. (HTTP 401)")
    assert sdk.calls == []


BAD_INPUT = [
    ("present without flavor and image", dict(name="req-1"), "state is present but all of the following are missing: flavor, image"),
    ("no name", dict(flavor="m1.large", image="debian-12"), "missing required arguments: name"),
    ("unknown state", dict(PRESENT, state="rebuilt"), "value of state must be one of: absent, present, got: rebuilt"),
    ("timeout not a number", dict(PRESENT, timeout="soon"), "timeout"),
    ("unknown option", dict(PRESENT, networks="auto"), "module: networks. Supported parameters include: auth, auth_type, flavor"),
]


@pytest.mark.parametrize("case,args,message", BAD_INPUT, ids=[b[0] for b in BAD_INPUT])
def test_bad_input_fails_before_any_api_call(sdk, capsys, case, args, message):
    rc, result = run(args, capsys)
    assert rc == 1 and message in result["msg"], case
    assert sdk.connect_kwargs is None and sdk.calls == []


def test_missing_auth_is_refused(sdk, capsys):
    with patch_module_args(PRESENT), pytest.raises(SystemExit) as exc:
        nova_server.main()
    assert exc.value.code == 1 and "missing required arguments: auth" in json.loads(capsys.readouterr().out)["msg"]


def test_without_openstacksdk_the_library_is_named(monkeypatch, capsys):
    monkeypatch.setattr(nova, "SDK_ERROR", ImportError("No module named 'openstack'"))
    rc, result = run(PRESENT, capsys)
    assert rc == 1 and "Failed to import the required Python library (openstacksdk)" in result["msg"]
