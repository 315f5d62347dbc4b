# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Swift round trip's failure path, with a stand-in for openstacksdk's object-store proxy
(the calls and keyword arguments of ``openstack.object_store.v1._proxy.Proxy``); the real proxy
against a real Swift runs in the swiftbox_role integration target."""

from __future__ import annotations

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import openstack_sdk
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError


class Store:
    def __init__(self, fail_at):
        self.fail_at, self.calls = fail_at, []

    def _call(self, call, *args, **kwargs):
        self.calls.append((call, args, kwargs))
        if call == self.fail_at:
            raise RuntimeError("%s: 503 Service Unavailable" % call)

    def get_endpoint(self):
        self._call("get_endpoint")
        return "http://127.0.0.1:8080/v1/AUTH_p"

    def create_container(self, name):
        self._call("create_container", name=name)

    def upload_object(self, container, name, data):
        self._call("upload_object", container=container, name=name)

    def download_object(self, name, container):
        self._call("download_object", name, container=container)
        return b"different"

    def delete_object(self, name, container, ignore_missing=True):
        self._call("delete_object", name, container=container, ignore_missing=ignore_missing)

    def delete_container(self, container, ignore_missing=True):
        self._call("delete_container", container, ignore_missing=ignore_missing)


class Conn:
    def __init__(self, store):
        self.object_store = store


@pytest.mark.parametrize("fail_at, done, cleaned", [
    ("get_endpoint", "nothing done", []),
    ("create_container", "nothing done", []),
    ("upload_object", "created", ["delete_container"]),
    ("download_object", "created, uploaded", ["delete_object", "delete_container"]),
    ("delete_container", "created, uploaded", ["delete_object", "delete_container"]),
])
def test_a_failed_round_trip_says_how_far_it_got_and_cleans_up(fail_at, done, cleaned):
    store = Store(fail_at)
    with pytest.raises(AdapterError) as err:
        openstack_sdk.object_roundtrip(Conn(store), "probe", "obj", b"payload")
    assert str(err.value) == "Swift round trip (%s) failed: %s: 503 Service Unavailable" % (done, fail_at)
    failed = [call[0] for call in store.calls].index(fail_at)
    assert [call[0] for call in store.calls[failed + 1:]] == cleaned
