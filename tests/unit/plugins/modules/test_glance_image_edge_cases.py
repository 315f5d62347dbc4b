# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""glance_image: every key returned is documented."""

from __future__ import annotations

import yaml

from ansible_collections.hypercloud.builder.plugins.modules import glance_image as mod
from ansible_collections.hypercloud.builder.tests.unit.plugins.modules.test_glance_image import (  # noqa: F401  # pylint: disable=unused-import
    image,
    run,
)

ANSIBLE_KEYS = {"changed", "invocation", "diff", "warnings", "deprecations"}  # added by Ansible, not the module


def test_every_returned_key_is_documented(image, capsys):  # noqa: F811  # pylint: disable=redefined-outer-name
    documented = set(yaml.safe_load(mod.RETURN))
    rc, up = run(dict(name="win", filename=image, properties={"os_type": "windows"}), capsys)
    assert rc == 0 and set(up) - ANSIBLE_KEYS <= documented
    rc, gone = run(dict(name="win", state="absent"), capsys)
    assert rc == 0 and gone["changed"] is True and gone["deleted"] == ["id-0"]
    assert set(gone) - ANSIBLE_KEYS <= documented
