# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""nova_server: names with regular-expression characters, and a timeout that cannot be waited."""

from __future__ import annotations

import pytest

from ansible_collections.hypercloud.builder.tests.unit.plugins.modules.test_nova_server import (  # noqa: F401  # pylint: disable=unused-import
    PRESENT,
    run,
    sdk,
)


@pytest.mark.parametrize("name", ["web+1", "db (blue)", "app[2]", "x.y*", "a|b", "q?"])
def test_a_name_with_regex_characters_is_found_again(sdk, capsys, name):  # noqa: F811  # pylint: disable=redefined-outer-name
    rc, made = run(dict(PRESENT, name=name), capsys)
    assert rc == 0 and made["changed"] is True
    rc, again = run(dict(PRESENT, name=name), capsys)
    assert rc == 0 and again["changed"] is False and again["server"] == made["server"]
    assert [s.name for s in sdk.servers.values()] == [name]
    rc, gone = run(dict(name=name, state="absent"), capsys)
    assert rc == 0 and gone["changed"] is True and sdk.servers == {}


@pytest.mark.parametrize("state", ["present", "absent"])
@pytest.mark.parametrize("timeout", [0, -1])
def test_a_timeout_below_one_second_is_refused_before_anything_changes(sdk, capsys, state, timeout):  # noqa: F811  # pylint: disable=redefined-outer-name
    if state == "absent":
        sdk.add("req-1", flavor="m1.large")
    rc, result = run(dict(PRESENT, state=state, timeout=timeout), capsys)
    assert rc == 1 and "timeout must be 1 or more" in result["msg"]
    assert sdk.writes() == []
