# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Thin ovirtsdk4 adapter: hosts, clusters, events and fence agents as plain dicts.

Calls follow oVirt/ovirt-engine-sdk ``sdk/examples/add_host.py`` and the services of
ovirt-engine-api-model (``HostsService.add``, ``HostService.get``, ``EventsService.list``,
``FenceAgentsService.add``). The caller checks that ovirtsdk4 imported (HypercloudModule.require).
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError

try:
    import ovirtsdk4
    from ovirtsdk4 import types as otypes
    IMPORT_ERROR = None  # type: Optional[BaseException]
except ImportError as err:  # pragma: no cover - reported by the module
    ovirtsdk4 = None
    otypes = None
    IMPORT_ERROR = err


def _enum(value) -> Optional[str]:
    return None if value is None else getattr(value, "value", str(value))


class Ovirt:
    """One connection to the engine's REST API (``https://ENGINE/ovirt-engine/api``)."""

    def __init__(self, url: str, username: str, password: str, ca_file: Optional[str] = None,
                 insecure: bool = False, timeout: int = 60) -> None:
        try:
            self.conn = ovirtsdk4.Connection(url=url, username=username, password=password, ca_file=ca_file,
                                             insecure=insecure, timeout=timeout)
            self.system = self.conn.system_service()
        except ovirtsdk4.Error as err:
            raise AdapterError("connecting to %s as %s: %s" % (url, username, err)) from err
        self._clusters: Dict[str, str] = {}

    def close(self) -> None:
        try:
            self.conn.close(logout=True)
        except ovirtsdk4.Error:
            pass

    def _call(self, what: str, func, *args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ovirtsdk4.Error as err:
            raise AdapterError("%s: %s" % (what, err)) from err

    def cluster_names(self) -> Dict[str, str]:
        """{cluster id: name}."""
        if not self._clusters:
            clusters = self._call("listing clusters", self.system.clusters_service().list)
            self._clusters = {c.id: c.name for c in clusters}
        return self._clusters

    def hosts(self) -> List[Dict[str, Any]]:
        names = self.cluster_names()
        hosts = self._call("listing hosts", self.system.hosts_service().list)
        return [dict(id=h.id, name=h.name, address=h.address, status=_enum(h.status),
                     cluster=names.get(h.cluster.id) if h.cluster is not None else None) for h in hosts]

    def host_status(self, host_id: str) -> str:
        host = self._call("reading host %s" % host_id, self.system.hosts_service().host_service(host_id).get)
        return _enum(host.status)

    def add_host(self, spec: Mapping[str, Any]) -> str:
        """Add one host; ``spec``: name, address, cluster, password or public_key, power_management."""
        pm = spec.get("power_management")
        host = otypes.Host(
            name=spec["name"], address=spec["address"], cluster=otypes.Cluster(name=spec["cluster"]),
            description=spec.get("description"),
            root_password=spec.get("password") or None,
            ssh=otypes.Ssh(authentication_method=otypes.SshAuthenticationMethod.PUBLICKEY,
                           port=spec.get("ssh_port") or 22) if spec.get("public_key") else
            otypes.Ssh(port=spec.get("ssh_port") or 22),
            power_management=otypes.PowerManagement(enabled=True, kdump_detection=True) if pm else None,
        )
        added = self._call("adding host %s" % spec["name"], self.system.hosts_service().add, host,
                           activate=spec.get("activate", True))
        if pm:
            options = [otypes.Option(name=k, value=str(v)) for k, v in sorted((pm.get("options") or {}).items())]
            agent = otypes.Agent(address=pm["address"], type=pm["type"], username=pm.get("username"),
                                 password=pm.get("password"), order=1, encrypt_options=False,
                                 port=pm.get("port"), options=options)
            self._call("adding the %s fence agent of %s" % (pm["type"], spec["name"]),
                       self.system.hosts_service().host_service(added.id).fence_agents_service().add, agent)
        return added.id

    def host_events(self, name: str, limit: int = 20) -> List[Dict[str, Any]]:
        events = self._call("reading events of %s" % name, self.system.events_service().list,
                            search="host.name=%s" % name, max=limit)
        return [dict(id=e.id, code=e.code, severity=_enum(e.severity), description=e.description,
                     time=e.time.isoformat() if e.time is not None else None) for e in events]
