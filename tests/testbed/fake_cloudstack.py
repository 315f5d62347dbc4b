# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A fake CloudStack management-server API on loopback, for tests and the lab. It is not CloudStack.

No CloudStack (nor its Java simulator) can be installed here (testbed notes, section 6), so the
cloudstack modules are tested against this stdlib ``http.server``. What it copies, and from where:

* Request signing exactly as ``ApiServer.verifyRequest`` checks it: parameters sorted by name as
  sent (case-sensitive), values encoded like Java's ``URLEncoder`` with ``%20``, the string
  lowercased, HMAC-SHA1 with the user's secret, base64, constant-time compare. With
  ``signatureVersion=3`` a missing, unparsable or past ``expires`` is refused. A refusal is HTTP 401
  with errorcode 401 and errortext "unable to verify user credentials and/or request signature".
* Payload shapes: ``{"<command>response": {...}}``; lists as ``{"count": N, "<item>": [...]}`` and
  an empty list as ``{}``; errors as ExceptionResponse (``uuidList``, ``errorcode``, ``cserrorcode``,
  ``errortext``) with the errorcode as the HTTP status; async commands answer ``{"jobid": ...}`` and
  queryAsyncJobResult gives ``jobstatus`` 0/1/2 and ``jobresult``. Field names come from the
  apache/cloudstack API response classes ConfigurationResponse (with the group/subgroup/parent/
  displaytext/type/options fields added in 4.18.0), SystemVmResponse (agentstate and version, 4.13.1),
  ServiceOfferingResponse, ZoneResponse and AsyncJobResponse, as in the CloudStack 4.18 to 4.20 line;
  the fake reports ``cloudstackversion`` 4.20.1.0 (``version``: another one, as a cloud not yet
  upgraded would report it, in listCapabilities and in the hosts' and system VMs' ``version``). The response classes were read from the
  apache/cloudstack source, not captured from a running server.
* Behaviour: ``listConfigurations name=`` is a substring match (SQL LIKE %name%, as
  ``searchForConfigurations``); with ``zoneid`` only zone-scoped settings are listed, and
  updateConfiguration with ``zoneid`` on a global-scope setting is refused. destroySystemVm is an
  async job; after ``job_delay`` the SSVM is gone and a replacement appears as Starting, then
  Running with agent Up after ``boot_delay`` (``boot_delay=None``: it never comes up).
* Hosts (for the rolling upgrade): KVM routing hosts ``kvm-1``, ``kvm-2``, ... in one cluster, each
  with user VMs (the zone's SSVMs run on ``kvm-1``). Field names from HostResponse and
  UserVmResponse (4.18 to 4.20); ``listHosts name=`` is a substring match like ``searchForServers``.
  prepareHostForMaintenance is an async job: the host's resourcestate is PrepareForMaintenance at
  once and its VMs (user and system) are scheduled to migrate one by one within ``maintenance_delay``
  (state Migrating until they go). The job itself ends at once, as ``ResourceManagerImpl.maintain``
  returns once the migrations are scheduled. A migration chooses its destination when it runs, as
  ``VirtualMachineManagerImpl.orchestrateMigrateAway`` plans one then among the Up, Enabled hosts: the
  host picked at prepareHostForMaintenance while it still is one, else another host of the cluster; a
  host preparing for maintenance takes no VM. With none left the VM stays where it is. After ``maintenance_delay``
  the host is Maintenance if no VM is left on it, else ErrorInPrepareForMaintenance
  (``AgentManagerImpl`` calls ``ResourceManagerImpl.checkAndMaintain`` for hosts preparing for
  maintenance, and ``attemptMaintain`` moves one to Maintenance only when no VM is left; CloudStack
  says ErrorInMaintenance once no migration retry is pending, the fake has no retries). A migration
  here takes no time, so CloudStack's refusal to prepare a host with migrations coming in never
  applies. Not copied: ``maintain`` also refuses a host while another host of its cluster is
  PrepareForMaintenance or ErrorInPrepareForMaintenance; the fake lets two drains overlap.
  Whatever is due is applied in time order, at the next request.
  cancelHostMaintenance (async) sets Enabled at once; a KVM agent then reconnects, so
  the host state is Connecting and Up after ``up_delay``, except for hosts named in ``never_up``,
  which stay Disconnected (an agent that does not come back after an upgrade).
* Every host transition and every host command is recorded in ``events`` (and, with ``log_path``,
  appended to that file as JSON lines) so tests can assert the order of a roll.

Run as a script for the lab: ``python tests/testbed/fake_cloudstack.py --port 8080``.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import hashlib
import hmac
import itertools
import json
import os
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Sequence, Tuple
from urllib.parse import parse_qs, quote, urlsplit

SIGNATURE_ERROR = "unable to verify user credentials and/or request signature"
VERSION = "4.20.1.0"
ZONE_ID = "a8f3c2d4-1b6e-4e7a-9c1d-2f5e6a7b8c90"
CLUSTER_ID = "5b0e7c1a-3d2f-4c6b-8a9e-0f1d2c3b4a50"
# kvm-1 keeps the id the SSVMs have always reported as their host.
HOST_IDS = [str(uuid.UUID(int=3)), str(uuid.UUID(int=6)), str(uuid.UUID(int=10)), str(uuid.UUID(int=11))]

# name: (value, default, category, isdynamic, scope, type, description). Legacy Config-enum keys are
# global and read at startup (isdynamic false); StorageManager/ConfigurationManager keys as declared.
SETTINGS: Dict[str, Tuple[str, str, str, bool, str, str, str]] = {
    "secstorage.capacity.standby": ("10", "10", "Advanced", False, "global", "Number",
                                    "The minimal number of command execution sessions that system is able to serve immediately(standby capacity)"),
    "secstorage.session.max": ("50", "50", "Advanced", False, "global", "Number",
                               "The max number of command execution sessions that a SSVM can handle"),
    "secstorage.cmd.execution.time.max": ("30", "30", "Advanced", False, "global", "Number",
                                          "The max command execution time in minute"),
    "secstorage.capacityscan.interval": ("30000", "30000", "Advanced", False, "global", "Number",
                                         "The time interval(in millisecond) to scan whether or not system needs more SSVM to ensure minimal standby capacity"),
    "secstorage.service.offering": ("", "", "Advanced", False, "global", "String",
                                    "Uuid of the service offering used by secondary storage; if NULL - system offering will be used"),
    "secstorage.vm.mtu.size": ("1500", "1500", "Advanced", False, "global", "Number", "MTU size (in Byte) of storage network in secondary storage vms"),
    "secstorage.max.migrate.sessions": ("2", "2", "Advanced", False, "global", "Number",
                                        "The max number of concurrent copy command execution sessions that an SSVM can handle"),
    "max.ssvm.count": ("5", "5", "Advanced", True, "global", "Number", "Number of additional SSVMs to handle migration of data objects concurrently"),
    "max.data.migration.wait.time": ("15", "15", "Advanced", False, "global", "Number",
                                     "Maximum wait time (in minutes) for a data migration task before spawning a new SSVM"),
    "secstorage.vm.auto.scale.down": ("false", "false", "Advanced", True, "global", "Boolean", "Setting this to 'true' will auto scale down SSVMs"),
    "system.vm.auto.reserve.capacity": ("true", "true", "Advanced", True, "global", "Boolean",
                                        "Indicates whether or not to automatically reserver system VM standby capacity."),
    "system.vm.use.local.storage": ("false", "false", "Advanced", True, "zone", "Boolean",
                                    "Indicates whether to use local storage pools or shared storage pools for system VMs."),
    "consoleproxy.capacity.standby": ("10", "10", "Advanced", False, "global", "Number",
                                      "The minimal number of console proxy viewer sessions that system is able to serve immediately(standby capacity)"),
}


def java_urlencode(value: str) -> str:
    """java.net.URLEncoder.encode(value, "UTF-8").replaceAll("\\\\+", "%20")."""
    return quote(value, safe="*").replace("~", "%7E")


def compute_signature(params: Dict[str, str], secret: str) -> str:
    """What ApiServer.verifyRequest computes from the decoded request parameters."""
    names = sorted(name for name in params if name.lower() != "signature")
    unsigned = "&".join("%s=%s" % (name, java_urlencode(params[name])) for name in names).lower()
    return base64.b64encode(hmac.new(secret.encode("utf-8"), unsigned.encode("utf-8"), hashlib.sha1).digest()).decode("ascii")


def parse_expires(text: str) -> Optional[datetime.datetime]:
    """DateUtil.parseTZDateString: yyyy-MM-dd'T'HH:mm:ssZ (+0000); Z and +00:00 are accepted too."""
    try:
        return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None


class ApiError(Exception):
    def __init__(self, code: int, text: str):
        super().__init__(text)
        self.code = code
        self.text = text


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")


class FakeCloudStack:
    """State and command handlers. ``start()`` serves on 127.0.0.1; ``url`` is the API endpoint."""

    def __init__(self, api_key: str = "fake-api-key", secret: str = "fake-secret-key", port: int = 0,
                 job_delay: float = 0.05, boot_delay: Optional[float] = 0.1, ssvms: int = 2, hosts: int = 2,
                 vms_per_host: int = 2, maintenance_delay: float = 0.2, up_delay: float = 0.1,
                 never_up: Sequence[str] = (), log_path: Optional[str] = None, version: str = VERSION):
        self.api_key = api_key
        self.version = version
        self.secret = secret
        self.port = port
        self.job_delay = job_delay
        self.boot_delay = boot_delay
        self.lock = threading.RLock()
        self.calls: List[Tuple[str, Dict[str, str]]] = []
        self.destroyed: List[Tuple[float, str]] = []
        # Running-with-agent-Up SSVMs in the zone at each destroySystemVm: tests check the roll is one at a time.
        self.running_at_destroy: List[int] = []
        self._ids = itertools.count(1)
        self.settings = {name: dict(value=row[0], defaultvalue=row[1], category=row[2], isdynamic=row[3], scope=row[4],
                                    type=row[5], description=row[6]) for name, row in SETTINGS.items()}
        self.zone_values: Dict[Tuple[str, str], str] = {}
        self.zones = [dict(id=ZONE_ID, name="zone-a", networktype="Advanced", allocationstate="Enabled",
                           dns1="192.0.2.53", internaldns1="10.0.0.53", securitygroupsenabled=False,
                           localstorageenabled=False, zonetoken=str(uuid.uuid4()), tags=[])]
        self.offerings: List[Dict[str, Any]] = [
            self._offering("System Offering For Secondary Storage VM", 1, 500, 512, "secondarystoragevm", default=True),
            self._offering("System Offering For Console Proxy", 1, 500, 1024, "consoleproxy", default=True),
            self._offering("ssvm-large", 2, 2000, 4096, "secondarystoragevm"),
        ]
        self.vms: List[Dict[str, Any]] = []
        for _number in range(ssvms):
            self._new_ssvm(ready_at=0.0)
        self.jobs: Dict[str, Dict[str, Any]] = {}
        self.maintenance_delay = maintenance_delay
        self.up_delay = up_delay
        self.never_up = set(never_up)
        self.log_path = log_path
        self.events: List[Dict[str, Any]] = []
        self.hosts: List[Dict[str, Any]] = [self._host(number) for number in range(1, hosts + 1)]
        self.user_vms: List[Dict[str, Any]] = []
        for host in self.hosts:
            for _number in range(vms_per_host):
                self._new_user_vm(host)
        self.httpd: Optional[ThreadingHTTPServer] = None
        self.thread: Optional[threading.Thread] = None

    # --- lifecycle -------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d/client/api" % self.port

    def start(self) -> "FakeCloudStack":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                self._answer(urlsplit(self.path).query)

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                self._answer(self.rfile.read(length).decode("utf-8"))

            def _answer(self, query: str) -> None:
                status, body = fake.handle(query)
                data = json.dumps(body).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs=dict(poll_interval=0.02), daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()

    # --- model -----------------------------------------------------------------------------------

    def _offering(self, name: str, cpus: int, mhz: int, memory: int, vmtype: str, default: bool = False) -> Dict[str, Any]:
        return dict(id=str(uuid.uuid4()), name=name, displaytext=name, cpunumber=cpus, cpuspeed=mhz, memory=memory,
                    created=_now(), storagetype="shared", provisioningtype="thin", offerha=False, limitcpuuse=False,
                    isvolatile=False, issystem=True, defaultuse=default, systemvmtype=vmtype, iscustomized=False,
                    hasannotations=False, dynamicscalingenabled=False, diskofferingstrictness=False)

    def _new_ssvm(self, ready_at: Optional[float]) -> Dict[str, Any]:
        number = next(self._ids)
        vm = dict(id=str(uuid.uuid4()), name="s-%d-VM" % number, systemvmtype="secondarystoragevm",
                  zoneid=ZONE_ID, zonename="zone-a", podid=str(uuid.UUID(int=1)), podname="pod-a",
                  hypervisor="KVM", templateid=str(uuid.UUID(int=2)), templatename="systemvm-kvm-4.20.1-x86_64",
                  privateip="10.0.0.%d" % (100 + number), publicip="192.0.2.%d" % (100 + number),
                  linklocalip="169.254.0.%d" % number, gateway="192.0.2.1", dns1="192.0.2.53",
                  created=_now(), version=self.version, activeviewersessions=0, _ready_at=ready_at)
        self.vms.append(vm)
        return vm

    def _vm_view(self, vm: Dict[str, Any]) -> Dict[str, Any]:
        view = {k: v for k, v in vm.items() if not k.startswith("_")}
        ready_at = vm["_ready_at"]
        if ready_at is not None and time.monotonic() >= ready_at:
            host = self._host_by_id(vm.get("_hostid") or HOST_IDS[0])
            view.update(state="Running", agentstate="Up", hostid=host["id"] if host else HOST_IDS[0],
                        hostname=host["name"] if host else "kvm-1")
        else:
            view.update(state="Starting")
        return view

    def writes(self) -> List[str]:
        """The commands that changed state, in order."""
        return [c for c, _p in self.calls if c in ("updateConfiguration", "createServiceOffering", "destroySystemVm",
                                                   "prepareHostForMaintenance", "cancelHostMaintenance")]

    # --- hosts and their VMs ---------------------------------------------------------------------

    def _host(self, number: int) -> Dict[str, Any]:
        host_id = HOST_IDS[number - 1] if number <= len(HOST_IDS) else str(uuid.uuid4())
        return dict(id=host_id, name="kvm-%d" % number, type="Routing", state="Up", resourcestate="Enabled",
                    hypervisor="KVM", ipaddress="10.0.1.%d" % number, zoneid=ZONE_ID, zonename="zone-a",
                    podid=str(uuid.UUID(int=1)), podname="pod-a", clusterid=CLUSTER_ID, clustername="cluster-a",
                    clustertype="CloudManaged", version=self.version, cpunumber=32, cpuspeed=2200, cpusockets=2,
                    memorytotal=274877906944, islocalstorageactive=False, hahost=False, created=_now(),
                    lastpinged="1970-01-20T10:22:18+0000", managementserverid="ec:f4:bb:00:00:01", events=(
                        "AgentDisconnected; ManagementServerDown; Ping; PingTimeout; AgentConnected; "
                        "ShutdownRequested; Remove; HostDown; StartAgentRebalance; Ping; PingTimeout"),
                    _up_at=None, _vm_moves=[], _done_at=None)

    def _host_by_id(self, host_id: str) -> Optional[Dict[str, Any]]:
        return next((h for h in self.hosts if h["id"] == host_id), None)

    def _new_user_vm(self, host: Dict[str, Any]) -> Dict[str, Any]:
        number = len(self.user_vms) + 1
        vm = dict(id=str(uuid.uuid4()), name="vm-%d" % number, displayname="vm-%d" % number,
                  instancename="i-2-%d-VM" % (100 + number), account="admin", domainid=str(uuid.UUID(int=7)),
                  domain="ROOT", created=_now(), state="Running", haenable=False, zoneid=ZONE_ID, zonename="zone-a",
                  templateid=str(uuid.UUID(int=8)), templatename="debian-12", serviceofferingname="Small Instance",
                  cpunumber=1, cpuspeed=500, memory=512, guestosid=str(uuid.UUID(int=9)), hypervisor="KVM",
                  hostid=host["id"], hostname=host["name"])
        self.user_vms.append(vm)
        return vm

    def _event(self, event: str, host: Dict[str, Any], **data: Any) -> None:
        entry = dict(event=event, host=host["name"], at=round(time.time(), 3), **data)
        self.events.append(entry)
        if self.log_path:
            with open(self.log_path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(entry, sort_keys=True) + "\n")

    def _set_host(self, host: Dict[str, Any], **fields: str) -> None:
        for name, value in fields.items():
            if host[name] != value:
                host[name] = value
                self._event(name, host, value=value)

    def _vms_on(self, host_id: str) -> List[Dict[str, Any]]:
        """User VMs, then system VMs, on a host."""
        return ([vm for vm in self.user_vms if vm["hostid"] == host_id]
                + [vm for vm in self.vms if (vm.get("_hostid") or HOST_IDS[0]) == host_id and vm["_ready_at"] is not None])

    def _move(self, vm: Dict[str, Any], target: Dict[str, Any]) -> None:
        if "hostname" in vm:
            vm.update(hostid=target["id"], hostname=target["name"], state="Running")
        else:
            vm["_hostid"] = target["id"]

    def _targets(self, host: Dict[str, Any]) -> List[Dict[str, Any]]:
        """The other Up, Enabled hosts of the host's cluster: where its VMs can go."""
        return [h for h in self.hosts if h is not host and h["clusterid"] == host["clusterid"]
                and h["state"] == "Up" and h["resourcestate"] == "Enabled"]

    def _migrate(self, host: Dict[str, Any], vm: Dict[str, Any], target: Dict[str, Any]) -> None:
        """Run one scheduled migration. The destination is chosen now: ``target`` while it is still
        Up and Enabled, else the first other such host; with none the VM stays on ``host``."""
        targets = self._targets(host)
        if target not in targets:
            target = targets[0] if targets else None
        if target is None:
            if "hostname" in vm:
                vm["state"] = "Running"
            return
        self._move(vm, target)
        self._event("migrated", host, vm=vm.get("name"), to=target["name"])

    def _settle_hosts(self) -> None:
        """Apply the migrations and host transitions due by now, earliest first: a migration then sees
        the hosts as they were at its time, whenever the request that settles it comes."""
        now = time.monotonic()
        while True:
            due = []
            for host in self.hosts:
                due.extend((move[0], host, "move", move) for move in host["_vm_moves"] if move[0] <= now)
                due.extend((host[key], host, key, None) for key in ("_done_at", "_up_at")
                           if host[key] is not None and host[key] <= now)
            if not due:
                return
            _when, host, kind, move = min(due, key=lambda item: item[0])
            if kind == "move":
                host["_vm_moves"].remove(move)
                self._migrate(host, move[1], move[2])
            elif kind == "_done_at":
                host["_done_at"] = None
                if host["resourcestate"] == "PrepareForMaintenance":
                    left = self._vms_on(host["id"])
                    self._set_host(host, resourcestate="ErrorInPrepareForMaintenance" if left else "Maintenance")
            else:
                host["_up_at"] = None
                self._set_host(host, state="Up")

    def _host_view(self, host: Dict[str, Any]) -> Dict[str, Any]:
        return {k: v for k, v in host.items() if not k.startswith("_")}

    def _host_job(self, command: str, host: Dict[str, Any], done_at: float) -> str:
        jobid = str(uuid.uuid4())
        self.jobs[jobid] = dict(jobid=jobid, accountid=str(uuid.UUID(int=4)), userid=str(uuid.UUID(int=5)),
                                cmd="org.apache.cloudstack.api.command.admin.host.%s" % command, jobstatus=0,
                                jobprocstatus=0, jobresultcode=0, jobinstancetype="Host", jobinstanceid=host["id"],
                                created=_now(), _host=host, _done_at=done_at)
        return jobid

    def _settle_jobs(self) -> None:
        now = time.monotonic()
        self._settle_hosts()
        for job in self.jobs.values():
            if job["jobstatus"] == 0 and now >= job["_done_at"] and "_host" in job:
                job.update(jobstatus=1, jobresultcode=0, jobresulttype="object", completed=_now(),
                           jobresult={"host": self._host_view(job["_host"])})
            elif job["jobstatus"] == 0 and now >= job["_done_at"]:
                vm = job["_vm"]
                self.vms = [v for v in self.vms if v["id"] != vm["id"]]
                self.destroyed.append((now, vm["id"]))
                ready = None if self.boot_delay is None else now + self.boot_delay
                self._new_ssvm(ready_at=ready)
                view = self._vm_view(vm)
                view.update(state="Destroyed")
                job.update(jobstatus=1, jobresultcode=0, jobresulttype="object", jobresult={"systemvm": view},
                           completed=_now())

    # --- protocol --------------------------------------------------------------------------------

    def handle(self, query: str) -> Tuple[int, Dict[str, Any]]:
        params = {name: values[0] for name, values in parse_qs(query, keep_blank_values=True).items()}
        command = params.get("command", "")
        key = "%sresponse" % command.lower() if command else "errorresponse"
        try:
            self._verify(params)
            if params.get("response") != "json":
                raise ApiError(431, "the fake answers response=json only")
            handler = getattr(self, "cmd_" + command, None)
            if handler is None:
                raise ApiError(432, "The given command does not exist or it is not available for user")
            with self.lock:
                self.calls.append((command, {k: v for k, v in params.items() if k not in ("signature", "apiKey", "expires")}))
                self._settle_jobs()
                return 200, {key: handler(params)}
        except ApiError as err:
            return err.code, {key: dict(uuidList=[], errorcode=err.code, cserrorcode=4350 if err.code == 431 else 9999,
                                        errortext=err.text)}

    def _verify(self, params: Dict[str, str]) -> None:
        sent = params.get("signature")
        api_key = next((v for k, v in params.items() if k.lower() == "apikey"), None)
        version = next((v for k, v in params.items() if k.lower() == "signatureversion"), None)
        expires = next((v for k, v in params.items() if k.lower() == "expires"), None)
        refused = ApiError(401, SIGNATURE_ERROR)
        if not sent or not api_key or "command" not in params:
            raise refused
        if version == "3":
            when = parse_expires(expires or "")
            if when is None or when < datetime.datetime.now(datetime.timezone.utc):
                raise refused
        if api_key != self.api_key:
            raise refused
        if not hmac.compare_digest(sent.encode("utf-8"), compute_signature(params, self.secret).encode("utf-8")):
            raise refused

    @staticmethod
    def _list(item: str, rows: List[Dict[str, Any]]) -> Dict[str, Any]:
        return {"count": len(rows), item: rows} if rows else {}

    def _zone(self, zone_id: Optional[str]) -> Optional[Dict[str, Any]]:
        if not zone_id:
            return None
        for zone in self.zones:
            if zone["id"] == zone_id:
                return zone
        raise ApiError(431, "Unable to execute API command due to invalid value. Invalid parameter zoneid value=%s due to "
                            "incorrect long value format, or entity does not exist or due to incorrect parameter annotation "
                            "for the field in api cmd class." % zone_id)

    def _config_row(self, name: str, zone: Optional[Dict[str, Any]]) -> Dict[str, Any]:
        row = self.settings[name]
        value = row["value"]
        if zone is not None:
            value = self.zone_values.get((zone["id"], name), value)
        name_parts = name.split(".")
        return dict(category=row["category"], name=name, value=value, defaultvalue=row["defaultvalue"], scope=row["scope"],
                    isdynamic=row["isdynamic"], description=row["description"], component="management-server",
                    group="Miscellaneous", subgroup="Others", displaytext=" ".join(p.capitalize() for p in name_parts),
                    type=row["type"])

    # --- commands --------------------------------------------------------------------------------

    def cmd_listCapabilities(self, _params: Dict[str, str]) -> Dict[str, Any]:  # noqa: N802
        return {"capability": dict(cloudstackversion=self.version, securitygroupsenabled=False, userpublictemplateenabled=True,
                                   supportELB="false", projectinviterequired=False, allowusercreateprojects=True,
                                   customdiskofferingminsize=1, customdiskofferingmaxsize=1024, apilimitinterval=1,
                                   apilimitmax=1000, kvmsnapshotenabled=True)}

    def cmd_listZones(self, params: Dict[str, str]) -> Dict[str, Any]:  # noqa: N802
        rows = [z for z in self.zones if params.get("id") in (None, z["id"]) and params.get("name") in (None, z["name"])]
        return self._list("zone", [dict(z) for z in rows])

    def cmd_listConfigurations(self, params: Dict[str, str]) -> Dict[str, Any]:  # noqa: N802
        zone = self._zone(params.get("zoneid"))
        needle = params.get("name", "").lower()
        rows = []
        for name in sorted(self.settings):
            if needle and needle not in name.lower():
                continue
            if zone is not None and self.settings[name]["scope"] != "zone":
                continue
            rows.append(self._config_row(name, zone))
        return self._list("configuration", rows)

    def cmd_updateConfiguration(self, params: Dict[str, str]) -> Dict[str, Any]:  # noqa: N802
        name = params.get("name") or ""
        if name not in self.settings:
            raise ApiError(431, "Config parameter with name %s doesn't exist" % name)
        zone = self._zone(params.get("zoneid"))
        row = self.settings[name]
        if zone is not None and row["scope"] != "zone":
            raise ApiError(431, "Invalid scope id provided for the parameter %s" % name)
        value = params.get("value", "")
        if row["type"] == "Number" and value and not value.lstrip("-").isdigit():
            raise ApiError(431, "Please enter a valid number value for the parameter %s" % name)
        if row["type"] == "Boolean" and value not in ("true", "false"):
            raise ApiError(431, "Please enter either 'true' or 'false' for the parameter %s" % name)
        if zone is not None:
            self.zone_values[(zone["id"], name)] = value
        else:
            row["value"] = value
        return {"configuration": self._config_row(name, zone)}

    def cmd_listServiceOfferings(self, params: Dict[str, str]) -> Dict[str, Any]:  # noqa: N802
        system = params.get("issystem") == "true"
        rows = [o for o in self.offerings if o["issystem"] == system
                and params.get("systemvmtype") in (None, o["systemvmtype"]) and params.get("id") in (None, o["id"])]
        return self._list("serviceoffering", [dict(o) for o in rows])

    def cmd_createServiceOffering(self, params: Dict[str, str]) -> Dict[str, Any]:  # noqa: N802
        for required in ("name", "displaytext"):
            if not params.get(required):
                raise ApiError(431, "Unable to execute API command createserviceoffering due to missing parameter %s" % required)
        if params.get("issystem") != "true" or params.get("systemvmtype") not in ("secondarystoragevm", "consoleproxy", "domainrouter"):
            raise ApiError(431, "Invalid systemVmType. Supported types are: domainrouter, consoleproxy, secondarystoragevm")
        offering = self._offering(params["name"], int(params.get("cpunumber", 1)), int(params.get("cpuspeed", 500)),
                                  int(params.get("memory", 512)), params["systemvmtype"])
        offering["displaytext"] = params["displaytext"]
        self.offerings.append(offering)
        return {"serviceoffering": dict(offering)}

    def cmd_listSystemVms(self, params: Dict[str, str]) -> Dict[str, Any]:  # noqa: N802
        self._zone(params.get("zoneid"))
        rows = [self._vm_view(v) for v in self.vms
                if params.get("zoneid") in (None, v["zoneid"]) and params.get("systemvmtype") in (None, v["systemvmtype"])
                and params.get("id") in (None, v["id"])]
        rows = [r for r in rows if params.get("hostid") in (None, r.get("hostid"))]
        return self._list("systemvm", rows)

    def cmd_destroySystemVm(self, params: Dict[str, str]) -> Dict[str, Any]:  # noqa: N802
        vm = next((v for v in self.vms if v["id"] == params.get("id")), None)
        if vm is None:
            raise ApiError(431, "unable to find a system vm with id %s" % params.get("id"))
        self.running_at_destroy.append(sum(1 for v in self.vms if v["zoneid"] == vm["zoneid"]
                                           and self._vm_view(v).get("agentstate") == "Up"))
        jobid = str(uuid.uuid4())
        self.jobs[jobid] = dict(jobid=jobid, accountid=str(uuid.UUID(int=4)), userid=str(uuid.UUID(int=5)),
                                cmd="org.apache.cloudstack.api.command.admin.systemvm.DestroySystemVmCmd",
                                jobstatus=0, jobprocstatus=0, jobresultcode=0, jobinstancetype="SystemVm",
                                jobinstanceid=vm["id"], created=_now(), _vm=vm, _done_at=time.monotonic() + self.job_delay)
        return {"jobid": jobid}

    def _one_host(self, params: Dict[str, str]) -> Dict[str, Any]:
        host = self._host_by_id(params.get("id", ""))
        if host is None:
            raise ApiError(431, "Unable to execute API command due to invalid value. Invalid parameter id value=%s due to "
                                "incorrect long value format, or entity does not exist or due to incorrect parameter "
                                "annotation for the field in api cmd class." % params.get("id"))
        return host

    def cmd_listHosts(self, params: Dict[str, str]) -> Dict[str, Any]:  # noqa: N802
        needle = params.get("name", "").lower()
        fields = ("id", "state", "resourcestate", "type", "zoneid", "clusterid", "hypervisor")
        rows = [self._host_view(h) for h in self.hosts
                if needle in h["name"].lower() and all(params.get(k) in (None, h[k]) for k in fields)]
        return self._list("host", rows)

    def cmd_listVirtualMachines(self, params: Dict[str, str]) -> Dict[str, Any]:  # noqa: N802
        rows = [dict(vm) for vm in self.user_vms
                if params.get("hostid") in (None, vm["hostid"]) and params.get("id") in (None, vm["id"])]
        return self._list("virtualmachine", rows)

    def cmd_prepareHostForMaintenance(self, params: Dict[str, str]) -> Dict[str, Any]:  # noqa: N802
        host = self._one_host(params)
        self._event("prepareHostForMaintenance", host)
        if host["resourcestate"] not in ("Enabled", "Disabled", "ErrorInMaintenance", "ErrorInPrepareForMaintenance"):
            raise ApiError(431, "Unable to prepare host %s for maintenance: its resource state is %s"
                                % (host["name"], host["resourcestate"]))
        now = time.monotonic()
        targets = self._targets(host)
        vms = self._vms_on(host["id"])
        self._set_host(host, resourcestate="PrepareForMaintenance")
        host["_done_at"] = now + self.maintenance_delay
        if not targets:
            # Nowhere to go: the VMs stay and the host ends ErrorInPrepareForMaintenance.
            return {"jobid": self._host_job("PrepareForMaintenanceCmd", host, now)}
        for index, vm in enumerate(vms):
            if "hostname" in vm:
                vm["state"] = "Migrating"
            when = now + self.maintenance_delay * (index + 1) / (len(vms) + 1)
            host["_vm_moves"].append((when, vm, targets[index % len(targets)]))
        # Like ResourceManagerImpl.maintain: the job ends once migrations are scheduled, not when they are done.
        return {"jobid": self._host_job("PrepareForMaintenanceCmd", host, now)}

    def cmd_cancelHostMaintenance(self, params: Dict[str, str]) -> Dict[str, Any]:  # noqa: N802
        host = self._one_host(params)
        self._event("cancelHostMaintenance", host)
        if host["resourcestate"] not in ("Maintenance", "PrepareForMaintenance", "ErrorInMaintenance",
                                         "ErrorInPrepareForMaintenance"):
            raise ApiError(431, "Cannot perform cancelMaintenance when resource state is %s, hostId = %s"
                                % (host["resourcestate"], host["id"]))
        for _when, vm, _target in host["_vm_moves"]:
            if "hostname" in vm:
                vm["state"] = "Running"
        host.update(_vm_moves=[], _done_at=None)
        self._set_host(host, resourcestate="Enabled", state="Connecting")
        if host["name"] in self.never_up:
            self._set_host(host, state="Disconnected")
        else:
            host["_up_at"] = time.monotonic() + self.up_delay
        return {"jobid": self._host_job("CancelMaintenanceCmd", host, time.monotonic())}

    def cmd_queryAsyncJobResult(self, params: Dict[str, str]) -> Dict[str, Any]:  # noqa: N802
        job = self.jobs.get(params.get("jobid", ""))
        if job is None:
            raise ApiError(530, "Unable to find a job by id %s" % params.get("jobid"))
        return {k: v for k, v in job.items() if not k.startswith("_")}


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description="Fake CloudStack API on 127.0.0.1 (simulated, not CloudStack).")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--api-key", default="fake-api-key")
    parser.add_argument("--secret", default="fake-secret-key")
    parser.add_argument("--job-delay", type=float, default=1.0)
    parser.add_argument("--boot-delay", type=float, default=3.0)
    parser.add_argument("--hosts", type=int, default=2, help="KVM hosts kvm-1..kvm-N")
    parser.add_argument("--maintenance-delay", type=float, default=2.0)
    parser.add_argument("--up-delay", type=float, default=2.0)
    parser.add_argument("--never-up", action="append", default=[], metavar="HOST",
                        help="a host whose agent never reconnects after cancelHostMaintenance (repeatable)")
    parser.add_argument("--log", help="append host transitions and commands to this file, one JSON object a line")
    parser.add_argument("--version", default=VERSION, dest="cloudstack_version",
                        help="the cloudstackversion reported (default %(default)s; an older one for a cloud not yet upgraded)")
    args = parser.parse_args(argv)
    fake = FakeCloudStack(api_key=args.api_key, secret=args.secret, port=args.port, job_delay=args.job_delay,
                          boot_delay=args.boot_delay, hosts=args.hosts, maintenance_delay=args.maintenance_delay,
                          up_delay=args.up_delay, never_up=args.never_up, version=args.cloudstack_version,
                          log_path=os.path.abspath(args.log) if args.log else None).start()
    print("fake CloudStack %s API (simulated) at %s, zone zone-a %s" % (fake.version, fake.url, ZONE_ID), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
