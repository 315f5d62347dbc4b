#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: link_mtu
short_description: Set the MTU of Linux links, a whole stack in one task
version_added: 0.1.0
description:
  - Sets the MTU of one interface, or of a stack of interfaces (physical NIC, bond, VLAN, bridge,
    veth, tap), live with iproute2.
  - Orders the changes the way the kernel needs them. A parent is raised before its children, and
    children are lowered before their parents. A bond pushes its MTU to its slaves.
  - Refuses, before changing anything, an interface that does not exist, an MTU outside the driver's
    range (C(min_mtu)/C(max_mtu) from C(ip -d -j link)) or below 68 (1280 on an interface with IPv6
    addresses), two different MTUs for one interface, and a child left above its parent.
  - Check mode and diff mode report every interface's MTU before and after, from the same plan
    that is applied, and with O(persist) every configuration file change.
  - With O(persist), also writes the MTU of each requested interface into the host's network
    configuration, so that it survives a reboot. File edits keep every other line, are written
    atomically, and keep a backup. Networking is not restarted unless O(allow_network_restart=true).
author:
  - hypercloud.builder contributors (@hypercloud)
extends_documentation_fragment:
  - hypercloud.builder._attributes
  - hypercloud.builder._attributes.LINUX
options:
  allow_network_restart:
    description:
      - After persisting, make the network service load the new configuration (C(networkctl reload)
        and C(networkctl reconfigure), C(ifdown)/C(ifup), C(nmcli connection up), C(netplan apply)).
      - The live MTU is already set with iproute2, so this is needed only to bring the service's own
        state in line at once. Restarting can drop connections.
    type: bool
    default: false
  config_root:
    description:
      - The directory the configuration files are found under (C(etc/network/interfaces) and so on).
        Tests point it at a temporary directory.
    type: path
    default: /
  links:
    description:
      - The interfaces to set, each with its MTU. Use either O(links) or O(name) and O(mtu).
    type: list
    elements: dict
    suboptions:
      mtu:
        description: The MTU, in bytes.
        type: int
        required: true
      name:
        description: The interface name.
        type: str
        required: true
  mtu:
    description: The MTU of O(name), in bytes.
    type: int
  name:
    description: One interface to set. Use either O(name) and O(mtu), or O(links).
    type: str
  namespace:
    description:
      - A network namespace (as listed by C(ip netns)) to work in, instead of the host's own.
    type: str
  persist:
    description:
      - Where to persist the MTU of each requested interface. V(none) changes the live MTU only.
      - V(auto) detects the backend under O(config_root), in this order, V(netplan) (it generates the
        others' configuration), V(networkmanager) (when it is running), V(systemd-networkd) (when
        C(.network) or C(.netdev) files exist), V(ifupdown) (when C(/etc/network/interfaces) exists).
      - V(systemd-networkd) sets C([NetDev] MTUBytes=) in the C(.netdev) that defines a virtual
        device, otherwise C([Link] MTUBytes=) in the first C(.network) (by file name) whose
        C([Match] Name=) matches. A missing file is an error, because a new one would take over.
      - V(ifupdown) sets C(mtu) in C(static) and C(manual) stanzas and, because C(mtu) is not an
        option of the C(dhcp) method, C(post-up ip link set dev $IFACE mtu N) there. An interface
        without a stanza gets an C(iface NAME inet manual) stanza with its C(mtu).
      - V(networkmanager) runs C(nmcli connection modify CONNECTION 802-3-ethernet.mtu N) on the
        profile active on the interface.
      - V(netplan) sets C(mtu:) in the device's block in every file that defines it.
    type: str
    choices: [auto, ifupdown, netplan, networkmanager, none, systemd-networkd]
    default: none
notes:
  - Bonds, VLANs and NetworkManager cannot run on the machine the collection is tested on; their
    ordering rules and renderers are covered by unit tests (see docs/jumbo-frames.md).
requirements:
  - iproute2 with JSON output (C(ip -j)).
  - nmcli for O(persist=networkmanager).
"""

EXAMPLES = r"""
- name: Jumbo frames on a bond, the VLAN on it and the bridge on the VLAN
  hypercloud.builder.link_mtu:
    links:
      - {name: bond0, mtu: 9000}
      - {name: bond0.100, mtu: 9000}
      - {name: br-storage, mtu: 9000}

- name: Jumbo frames on eth1, persisted in /etc/network/interfaces
  hypercloud.builder.link_mtu:
    name: eth1
    mtu: 9000
    persist: ifupdown

- name: One interface inside a network namespace
  hypercloud.builder.link_mtu:
    name: eth0
    mtu: 9000
    namespace: tenant-a
"""

RETURN = r"""
links:
  description: Each interface the change touches (requested, or moved by its bond), with its MTU before and after.
  returned: always
  type: dict
  sample: {"bond0": {"kind": "bond", "before": 1500, "after": 9000}, "eth1": {"kind": "device", "before": 1500, "after": 9000}}
persisted:
  description:
    - What was (or in check mode would be) persisted, when O(persist) is not V(none). V(backend) is the
      backend used, V(files) each changed file with its backup, V(connections) each NetworkManager
      profile changed, and V(reloaded) the commands run because O(allow_network_restart=true).
  returned: when O(persist) is not V(none)
  type: dict
  sample: {"backend": "ifupdown", "files": [{"path": "/etc/network/interfaces",
           "backup": "/etc/network/.interfaces.20261121T101500.bak"}], "connections": [], "reloaded": []}
plan:
  description: The C(ip link set) steps in the order they are (or in check mode would be) applied.
  returned: always
  type: list
  elements: dict
  sample: [{"name": "bond0", "before": 1500, "after": 9000, "implied": ["eth1", "eth2"]}]
"""

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.iproute2 import Iproute2
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.netconfig import IFUPDOWN_MAIN, NetConfig
from ansible_collections.hypercloud.builder.plugins.module_utils._base import HypercloudModule
from ansible_collections.hypercloud.builder.plugins.module_utils._calc import mtu_persist
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.mtu import merge_requests, plan_mtu


class LinkMtu(HypercloudModule):
    supports_check_mode = True
    argument_spec = dict(
        allow_network_restart=dict(type="bool", default=False),
        config_root=dict(type="path", default="/"),
        links=dict(type="list", elements="dict", options=dict(
            name=dict(type="str", required=True),
            mtu=dict(type="int", required=True),
        )),
        mtu=dict(type="int"),
        name=dict(type="str"),
        namespace=dict(type="str"),
        persist=dict(type="str", default="none",
                     choices=["auto", "ifupdown", "netplan", "networkmanager", "none", "systemd-networkd"]),
    )
    module_kwargs = dict(
        mutually_exclusive=[("links", "name")],
        required_one_of=[("links", "name")],
        required_together=[("name", "mtu")],
    )

    def run(self):
        requests = [(self.params["name"], self.params["mtu"])] if self.params["name"] is not None else \
            [(entry["name"], entry["mtu"]) for entry in self.params["links"]]
        ip = Iproute2(self.module.run_command, self.module.get_bin_path("ip", required=True),
                      namespace=self.params["namespace"])
        current = ip.links()
        desired = merge_requests(requests)
        plan = plan_mtu(current, desired)
        store = NetConfig(self.params["config_root"], self.module.run_command, self.module.get_bin_path("nmcli"))
        backend, edits, nm = self.plan_persist(store, desired)
        if not self.check_mode:
            for step in plan:
                ip.set_mtu(step.name, step.after)
        persisted = self.apply_persist(store, backend, edits, nm, sorted(desired)) if backend else None

        touched = {}
        for name, _mtu in requests:
            touched[name] = dict(kind=current[name].kind, before=current[name].mtu, after=current[name].mtu)
        for step in plan:
            for name in (step.name,) + step.implied:
                touched[name] = dict(kind=current[name].kind, before=current[name].mtu, after=step.after)
        result = self.result(
            changed=bool(plan or edits or nm),
            before={name: link["before"] for name, link in touched.items()},
            after={name: link["after"] for name, link in touched.items()},
            links=touched,
            plan=[dict(name=s.name, before=s.before, after=s.after, implied=list(s.implied)) for s in plan],
        )
        if persisted is not None:
            result["persisted"] = persisted
            if "diff" in result:
                result["diff"] = [result["diff"]] + [
                    dict(before_header=path, after_header=path, before=old, after=new)
                    for path, (old, new) in sorted(edits.items())] + [
                    dict(before_header="nmcli connection %s" % con, after_header="nmcli connection %s" % con,
                         before="802-3-ethernet.mtu %s\n" % old, after="802-3-ethernet.mtu %s\n" % new)
                    for _iface, con, old, new in nm]
        return result

    def plan_persist(self, store, desired):
        """Backend, {path: (old text, new text)} and NetworkManager changes; all computed before any write."""
        backend = self.params["persist"]
        if backend == "none":
            return None, {}, []
        if backend == "auto":
            backend = mtu_persist.detect_backend(store.facts())
        if backend == "networkmanager":
            return backend, {}, mtu_persist.nm_changes(store.nm_connections(sorted(desired)), desired)
        files = store.files(backend)
        if backend == "systemd-networkd":
            new = mtu_persist.render_networkd(files, desired)
        elif backend == "netplan":
            new = mtu_persist.render_netplan(files, desired)
        else:
            new = mtu_persist.render_ifupdown(files, store.path(IFUPDOWN_MAIN), desired)
        return backend, {path: (files.get(path, ""), text) for path, text in new.items()}, []

    def apply_persist(self, store, backend, edits, nm, names):
        out = dict(backend=backend, files=[], connections=[con for _i, con, _o, _n in nm], reloaded=[])
        for path, (_old, new) in sorted(edits.items()):
            backup = None if self.check_mode else store.write(path, new)
            out["files"].append(dict(path=path, backup=backup))
        if not self.check_mode:
            for _iface, con, _old, mtu in nm:
                store.nm_set_mtu(con, mtu)
            if self.params["allow_network_restart"] and (edits or nm):
                out["reloaded"] = [" ".join(cmd) for cmd in store.reload(backend, names, out["connections"])]
        return out


def main():
    LinkMtu().execute()


if __name__ == "__main__":
    main()
