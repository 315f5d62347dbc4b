# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""glance_image through main() with a fake adapter holding images as Glance's v2 API returns them
(raw JSON: properties are strings). The real round trip runs in the glance_image integration target."""

from __future__ import annotations

import hashlib
import json

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.modules import glance_image as mod


class FakeGlance:
    images = []

    def __init__(self, _conn):
        self.calls = []

    def by_name(self, name):
        return [dict(i, properties=dict(i["properties"])) for i in FakeGlance.images if i["name"] == name]

    def upload(self, name, path, digests, disk_format, container_format, visibility, properties, timeout):
        image = dict(id="id-%d" % len(FakeGlance.images), name=name, status="active", checksum=digests[0],
                     hash_value=None, disk_format=disk_format, properties=dict(properties))
        FakeGlance.images.append(image)
        return image

    def set_properties(self, image_id, properties):
        image = [i for i in FakeGlance.images if i["id"] == image_id][0]
        image["properties"].update(properties)
        return image

    def delete(self, image_id):
        FakeGlance.images = [i for i in FakeGlance.images if i["id"] != image_id]


@pytest.fixture
def image(monkeypatch, tmp_path):
    FakeGlance.images = []
    monkeypatch.setattr(mod.glance, "GlanceImages", FakeGlance)
    monkeypatch.setattr(mod.glance, "connect", lambda _p: None)
    monkeypatch.setattr(mod.glance, "SDK_IMPORT_ERROR", None)
    path = tmp_path / "hw.qcow2"
    path.write_bytes(b"qcow2 stand-in")
    return str(path)


def run(args, capsys):
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        mod.main()
    return exc.value.code, json.loads(capsys.readouterr().out)


def test_upload_once_then_properties_only(image, capsys):
    args = dict(name="win", filename=image, auth_type="none", endpoint_override="http://127.0.0.1:1",
                properties=dict(os_type="windows", hw_qemu_guest_agent=True))
    rc, check = run(dict(args, _ansible_check_mode=True), capsys)
    assert rc == 0 and check["changed"] and check["uploaded"] and FakeGlance.images == []
    rc, up = run(args, capsys)
    assert rc == 0 and up["changed"] and up["image"]["checksum"] == hashlib.md5(b"qcow2 stand-in").hexdigest()
    assert up["image"]["properties"] == {"os_type": "windows", "hw_qemu_guest_agent": "true"}
    rc, again = run(args, capsys)
    assert rc == 0 and not again["changed"] and not again["uploaded"] and len(FakeGlance.images) == 1
    rc, prop = run(dict(args, properties=dict(os_type="windows", hw_qemu_guest_agent=False)), capsys)
    assert rc == 0 and prop["changed"] and not prop["uploaded"]
    assert FakeGlance.images[0]["properties"]["hw_qemu_guest_agent"] == "false"


def test_absent_deletes_every_image_of_the_name(image, capsys):
    FakeGlance.images = [dict(id="a", name="win", status="active", checksum="x", hash_value=None, properties={}),
                         dict(id="b", name="win", status="active", checksum="y", hash_value=None, properties={})]
    rc, out = run(dict(name="win", state="absent"), capsys)
    assert rc == 0 and out["changed"] and out["deleted"] == ["a", "b"] and FakeGlance.images == []


def test_missing_file_fails_cleanly(image, capsys):
    rc, out = run(dict(name="win", filename=image + ".nope"), capsys)
    assert rc == 1 and "No such file" in out["msg"]


@pytest.mark.parametrize("name", ["min_ram", "visibility", "os_hash_value", "os_glance_import_method"])
def test_glance_fields_as_properties_are_refused_before_anything_changes(image, capsys, name):
    rc, out = run(dict(name="win", filename=image, properties={name: "1", "os_type": "windows"}), capsys)
    assert rc == 1 and "properties %s are Glance's own image fields" % name in out["msg"] and FakeGlance.images == []
