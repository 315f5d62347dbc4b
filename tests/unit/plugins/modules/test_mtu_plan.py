# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""mtu_plan through main()."""

from __future__ import annotations

import json

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.modules import mtu_plan


def run_module(args, capsys):
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        mtu_plan.main()
    return exc.value.code, json.loads(capsys.readouterr().out)


def test_forward(capsys):
    rc, result = run_module({"physical_mtu": 9000, "layers": [{"type": "vlan", "name": "bond0.100"},
                                                              {"type": "vxlan", "name": "vx100"}]}, capsys)
    assert rc == 0 and result["changed"] is False
    assert [row["mtu"] for row in result["layers"]] == [9000, 9000, 8950]
    assert result["guest_mtu"] == 8950 and result["total_overhead"] == 50
    assert result["layers"][2]["ping"] == {"ipv4": 8922, "ipv6": 8902}


def test_reverse(capsys):
    rc, result = run_module({"guest_mtu": 1500, "layers": [{"type": "geneve_ovn"}]}, capsys)
    assert rc == 0 and result["physical_mtu"] == 1558 and result["guest_mtu"] == 1500


@pytest.mark.parametrize("args,message", [
    ({"layers": []}, "one of the following is required: guest_mtu, physical_mtu"),
    ({"physical_mtu": 9000, "guest_mtu": 1500}, "mutually exclusive"),
    ({"physical_mtu": 9000, "layers": [{"type": "mpls"}]}, "value of type must be one of"),
    ({"physical_mtu": 100, "layers": [{"type": "vxlan"}]}, "below the IPv4 minimum"),
    ({"physical_mtu": 9000, "layers": [{"type": "gre", "header_size": 40}]}, "GENEVE layers only"),
])
def test_bad_input(capsys, args, message):
    rc, result = run_module(args, capsys)
    assert rc == 1 and message in result["msg"] and "exception" not in result
