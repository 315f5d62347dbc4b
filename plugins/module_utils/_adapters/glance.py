# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Thin openstacksdk adapter for Glance images: connect, find by name, upload, set properties, delete.

Tested against Glance 25.1.0 (Debian bookworm) with openstacksdk 4.22.0 (docs/windows-images.md).
"""

from __future__ import annotations

import hashlib
from typing import Any, Dict, List, Mapping, Tuple
from urllib.parse import urlencode

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters import os_connection
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError

SDK_IMPORT_ERROR = os_connection.SDK_IMPORT_ERROR
CONNECTION_SPEC = os_connection.OPENSTACK_SPEC
# Glance's own image fields (images v2 schema); every other key of an image is a free-form property.
CORE = ("id", "name", "status", "checksum", "os_hash_algo", "os_hash_value", "size", "virtual_size", "disk_format",
        "container_format", "visibility", "min_disk", "min_ram", "owner", "protected", "os_hidden", "tags",
        "created_at", "updated_at", "file", "schema", "self", "direct_url", "locations", "stores")


def file_digests(path: str) -> Tuple[str, str, str]:
    """md5 (Glance's ``checksum``), sha256 and sha512 (Glance's default ``os_hash_value``) in one read."""
    md5, sha256, sha512 = hashlib.md5(), hashlib.sha256(), hashlib.sha512()  # nosec - md5 is Glance's own field
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            md5.update(chunk)
            sha256.update(chunk)
            sha512.update(chunk)
    return md5.hexdigest(), sha256.hexdigest(), sha512.hexdigest()


def connect(params: Mapping[str, Any]) -> Any:
    return os_connection.connect(params, "image")


def _plain(raw: Mapping[str, Any]) -> Dict[str, Any]:
    """An image as Glance answers it (raw JSON, where every property is a string)."""
    keys = ("id", "name", "status", "checksum", "size", "disk_format", "container_format", "visibility", "min_disk",
            "min_ram")
    out = {key: raw.get(key) for key in keys}
    out["hash_algo"] = raw.get("os_hash_algo")
    out["hash_value"] = raw.get("os_hash_value")
    out["properties"] = {k: v for k, v in raw.items() if k not in CORE and isinstance(v, str)}
    return out


class GlanceImages:
    def __init__(self, conn: Any):
        self.conn = conn

    def _call(self, what: str, func: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except Exception as exc:  # the SDK raises many types; the message names the call
            status = getattr(exc, "status_code", None)
            raise AdapterError("glance %s failed%s: %s" % (what, " (HTTP %s)" % status if status else "",
                                                           str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
                               ) from None

    def _get(self, what: str, url: str) -> Dict[str, Any]:
        response = self._call(what, self.conn.image.get, url)
        if response.status_code != 200:
            raise AdapterError("glance %s failed (HTTP %s): %s" % (what, response.status_code, response.text[:300]))
        return response.json()

    def by_name(self, name: str) -> List[Dict[str, Any]]:
        query = urlencode({"name": name, "limit": 1000})
        return [_plain(img) for img in self._get("list images named %s" % name, "/images?" + query)["images"]]

    def get(self, image_id: str) -> Dict[str, Any]:
        return _plain(self._get("get image %s" % image_id, "/images/" + image_id))

    def upload(self, name: str, path: str, digests: Tuple[str, str], disk_format: str, container_format: str,
               visibility: str, properties: Mapping[str, str], timeout: int) -> Dict[str, Any]:
        image = self._call("create_image(%s)" % name, self.conn.image.create_image, name, filename=path,
                           md5=digests[0], sha256=digests[1], disk_format=disk_format,
                           container_format=container_format, visibility=visibility, wait=True, timeout=timeout,
                           allow_duplicates=True, disable_vendor_agent=False, use_import=False,
                           validate_checksum=False, meta=dict(properties))
        # The object create_image returns is stale (testbed notes 10): read it again.
        return self.get(image.id)

    def set_properties(self, image_id: str, properties: Mapping[str, str]) -> Dict[str, Any]:
        image = self._call("get_image(%s)" % image_id, self.conn.image.get_image, image_id)
        self._call("update_image_properties(%s)" % image_id, self.conn.update_image_properties, image=image,
                   meta=dict(properties))
        return self.get(image_id)

    def delete(self, image_id: str) -> None:
        self._call("delete_image(%s)" % image_id, self.conn.image.delete_image, image_id)
