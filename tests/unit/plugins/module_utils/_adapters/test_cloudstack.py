# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The CloudStack adapter against the fake API (tests/testbed/fake_cloudstack.py) started on port 0."""

from __future__ import annotations

import datetime
import os
import sys
import time

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import cloudstack
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "testbed"))
import fake_cloudstack  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture
def fake():
    server = fake_cloudstack.FakeCloudStack(job_delay=0.02, boot_delay=0.2).start()
    yield server
    server.stop()


def api_for(fake, **kwargs):
    kwargs.setdefault("poll_interval", 0.01)
    return cloudstack.CloudStackApi(fake.url, fake.api_key, kwargs.pop("secret", fake.secret), **kwargs)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("version", [2, 3])
def test_signed_calls_are_accepted(fake, method, version):
    api = api_for(fake, method=method, signature_version=version)
    assert api.version() == fake_cloudstack.VERSION
    assert [z["name"] for z in api.zones()] == ["zone-a"]
    sent = fake.calls[-1][1]
    assert ("signatureVersion" in sent) is (version == 3)


def test_values_with_reserved_characters_sign_like_java(fake):
    """Spaces, '~', '*', '/', '+', '&' and non-ASCII: encoded as Java's URLEncoder before signing."""
    api = api_for(fake)
    made = api.create_service_offering(name="ssvm big", displaytext="2 CPUs ~ 4 GiB * a/b + c & d é",
                                       issystem=True, systemvmtype="secondarystoragevm",
                                       cpunumber=2, cpuspeed=2000, memory=4096)
    assert made["displaytext"] == "2 CPUs ~ 4 GiB * a/b + c & d é"
    assert made["issystem"] is True and made["systemvmtype"] == "secondarystoragevm"


def test_java_urlencode():
    assert cloudstack.java_urlencode("a b~c*d/e+f.g-h_i") == "a%20b%7Ec*d%2Fe%2Bf.g-h_i"


def test_signature_matches_the_server_side_computation():
    params = {"command": "listZones", "apiKey": "KEY", "response": "json", "name": "Zone A"}
    assert cloudstack.signature(params, "SECRET") == fake_cloudstack.compute_signature(params, "SECRET")
    assert cloudstack.signature(params, "SECRET") != cloudstack.signature(params, "OTHER")


@pytest.mark.parametrize("kwargs", [{"secret": "wrong"}, {"secret": "wrong", "signature_version": 2},
                                    {"expires": -60}])
def test_signature_errors_are_told_apart_from_network_errors(fake, kwargs):
    with pytest.raises(AdapterError) as err:
        api_for(fake, **kwargs).zones()
    message = str(err.value)
    assert "unable to verify user credentials and/or request signature (HTTP 401)" in message
    assert "not a network one" in message and "check api_key and api_secret" in message
    assert "wrong" not in message


def test_unknown_api_key_is_a_signature_error(fake):
    api = cloudstack.CloudStackApi(fake.url, "other-key", fake.secret)
    with pytest.raises(AdapterError, match="HTTP 401"):
        api.zones()


def test_unreachable_url_is_a_network_error(fake):
    fake.stop()
    with pytest.raises(AdapterError) as err:
        api_for(fake, timeout=2).zones()
    assert "cannot reach CloudStack at %s for listZones" % fake.url in str(err.value)
    assert "network error" in str(err.value) and "not a credentials problem" in str(err.value)


def test_expires_format():
    moment = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    assert cloudstack.expires_at(60, moment) == "2026-01-02T03:05:05+0000"
    assert fake_cloudstack.parse_expires("2026-01-02T03:05:05+0000") is not None
    assert fake_cloudstack.parse_expires("2026-01-02 03:05") is None


def test_list_configurations_is_a_substring_match(fake):
    api = api_for(fake)
    names = [row["name"] for row in api.configurations("capacity.standby")]
    assert names == ["consoleproxy.capacity.standby", "secstorage.capacity.standby"]
    row = api.configurations("secstorage.capacity.standby")[0]
    assert set(row) >= {"name", "value", "defaultvalue", "category", "scope", "isdynamic", "description"}
    assert row["isdynamic"] is False


def test_zone_scope_lists_zone_settings_only_and_updates(fake):
    api = api_for(fake)
    zone_id = fake_cloudstack.ZONE_ID
    assert api.configurations("secstorage", zone_id) == []
    assert api.update_configuration("system.vm.use.local.storage", "true", zone_id)["value"] == "true"
    assert api.configurations("system.vm.use.local.storage")[0]["value"] == "false"
    with pytest.raises(AdapterError, match="Invalid scope id provided for the parameter secstorage.session.max \\(errorcode 431\\)"):
        api.update_configuration("secstorage.session.max", "60", zone_id)


def test_api_errors_carry_errortext(fake):
    api = api_for(fake)
    with pytest.raises(AdapterError, match="updateConfiguration failed: Config parameter with name no.such doesn't exist"):
        api.update_configuration("no.such", "1")
    with pytest.raises(AdapterError, match="errorcode 432"):
        api.call("frobnicate")


def test_empty_list_is_an_empty_dict(fake):
    api = api_for(fake)
    assert api.call("listConfigurations", name="no-such-setting") == {}
    assert api.configurations("no-such-setting") == []


def test_destroy_polls_the_async_job_and_a_replacement_comes_up(fake):
    api = api_for(fake)
    before = api.system_vms("secondarystoragevm", fake_cloudstack.ZONE_ID)
    result = api.destroy_system_vm(before[0]["id"], timeout=2)
    assert result["systemvm"]["state"] == "Destroyed"
    assert any(c == "queryAsyncJobResult" for c, _p in fake.calls)
    after = api.system_vms("secondarystoragevm", fake_cloudstack.ZONE_ID)
    assert [v["state"] for v in after] == ["Running", "Starting"]
    time.sleep(0.25)
    assert [v.get("agentstate") for v in api.system_vms("secondarystoragevm")] == ["Up", "Up"]


def test_failed_job_and_job_timeout(fake):
    api = api_for(fake)
    fake.jobs["bad"] = dict(jobid="bad", jobstatus=2, jobresultcode=530,
                            jobresult={"errorcode": 530, "errortext": "Failed to destroy"})
    with pytest.raises(AdapterError, match="job bad \\(test\\) failed: Failed to destroy \\(errorcode 530\\)"):
        api.wait_job("bad", 1, "test")
    fake.jobs["slow"] = dict(jobid="slow", jobstatus=0, _done_at=float("inf"), _vm={})
    with pytest.raises(AdapterError, match="timed out after 0.05s waiting for async job slow"):
        api.wait_job("slow", 0.05, "test")


def test_auth_spec_matches_the_doc_fragment():
    assert sorted(cloudstack.AUTH_SPEC) == ["api_http_method", "api_key", "api_secret", "api_timeout", "api_url"]
    assert cloudstack.AUTH_SPEC["api_secret"]["no_log"] is True
    assert cloudstack.AUTH_SPEC["api_url"]["fallback"][1] == ["CLOUDSTACK_ENDPOINT"]
