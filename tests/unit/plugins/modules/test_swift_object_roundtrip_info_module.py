# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""swift_object_roundtrip_info through main() with a fake connection: bad options fail the same way in
check mode and in a real run, cleanly and before anything is created."""

from __future__ import annotations

import json
from types import SimpleNamespace as NS

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.modules import swift_object_roundtrip_info as mod

AUTH = {"auth_url": "http://127.0.0.1:5000/v3", "username": "swiftbox", "password": "pw-h1b", "project_name": "p"}


class Store:
    def __init__(self):
        self.objects = {}
        self.calls = []

    def get_endpoint(self):
        return "http://127.0.0.1:8080/v1/AUTH_p"

    def create_container(self, name):
        self.calls.append(("create_container", name))

    def upload_object(self, container, name, data):
        self.calls.append(("upload_object", container, name))
        self.objects[(container, name)] = data

    def download_object(self, name, container):
        return self.objects[(container, name)]

    def delete_object(self, name, container, ignore_missing=False):
        self.objects.pop((container, name), None)

    def delete_container(self, container, ignore_missing=False):
        self.calls.append(("delete_container", container))


@pytest.fixture
def store(sdk_connect):
    fake = Store()
    sdk_connect(lambda _auth: NS(object_store=fake))
    return fake


def run(args, capsys, check=False):
    with patch_module_args(dict(args, auth=AUTH, _ansible_check_mode=check)), pytest.raises(SystemExit) as exc:
        mod.main()
    return exc.value.code, json.loads(capsys.readouterr().out)


def test_a_round_trip_returns_every_documented_key(store, capsys):
    rc, out = run({"size": 10}, capsys)
    assert rc == 0 and not out["changed"]
    assert set(out["roundtrip"]) == {"storage_url", "created", "uploaded", "downloaded_equal", "deleted", "bytes",
                                     "seconds"}
    assert out["roundtrip"]["bytes"] == 10 and store.objects == {}
    rc, check = run({"size": 10}, capsys, check=True)
    assert rc == 0 and check["roundtrip"] == {"authenticated": True}


@pytest.mark.parametrize("check", [True, False])
@pytest.mark.parametrize("args, message", [
    ({"size": -1}, "size is the payload's bytes: 0 or more, not -1"),
    ({"container": ""}, "must be a name without '/'"),
    ({"container": "a/b"}, "must be a name without '/'"),
    ({"object_name": " "}, "object_name must not be blank"),
    ({"size": 64 * 1024 * 1024 + 1}, "size 67108865 is more than the 67108864 bytes (64 MiB) a probe may upload"),
    ({"size": 10 ** 12}, "is more than the 67108864 bytes (64 MiB) a probe may upload"),
])
def test_bad_options_fail_cleanly_in_both_modes_before_anything_is_created(store, capsys, args, message, check):
    rc, out = run(args, capsys, check=check)
    assert rc == 1 and message in out["msg"]
    assert store.calls == []


@pytest.mark.parametrize("check", [True, False])
def test_a_size_over_the_limit_is_refused_before_logging_in(sdk_connect, capsys, check):
    logins = []
    sdk_connect(logins.append)
    rc, out = run({"size": 10 ** 12}, capsys, check=check)
    assert rc == 1 and "64 MiB" in out["msg"] and logins == []
