# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""placement_inventory over 1,000 providers of a real Placement service (tests/testbed/placement.sh),
against one `openstack resource provider inventory set --amend` CLI call per provider.

Prints HTTP requests per provider (counted in the service's access log) when the ratios change and
when nothing changes, and the wall time of each side. The CLI starts a Python interpreter and loads
openstackclient for every call, so it runs on a sample of providers and is extrapolated; the
printout says so.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
PLACEMENT_SH = os.path.join(HERE, "..", "tests", "testbed", "placement.sh")
STATE = "/tmp/hp-bench-placement"
PORT = 18760
URL = "http://127.0.0.1:%d" % PORT
PROVIDERS = int(os.environ.get("HP_BENCH_PROVIDERS", "1000"))
CLI_SAMPLE = int(os.environ.get("HP_BENCH_CLI_SAMPLE", "5"))


def api(method, path, body=None, version="1.20"):
    req = urllib.request.Request(URL + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"X-Auth-Token": "admin", "OpenStack-API-Version": "placement " + version,
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        raw = resp.read()
    return json.loads(raw) if raw else None


def requests_logged():
    with open(os.path.join(STATE, "access.log"), encoding="utf-8") as handle:
        return sum(1 for _line in handle)


def module_run(cpu, ram):
    before, start = requests_logged(), time.perf_counter()
    subprocess.run(["ansible-playbook", os.path.join(HERE, "playbooks", "placement_inventory_bench.yml"),
                    "-e", "bench_url=%s bench_cpu_ratio=%s bench_ram_ratio=%s" % (URL, cpu, ram)],
                   check=True, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    return time.perf_counter() - start, requests_logged() - before


def main() -> None:
    venv = subprocess.run([PLACEMENT_SH, "venv"], check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    shutil.rmtree(STATE, ignore_errors=True)
    subprocess.run([PLACEMENT_SH, "up", STATE, str(PORT)], check=True, stdout=subprocess.DEVNULL)
    try:
        uuids = []
        for i in range(PROVIDERS):
            rp = api("POST", "/resource_providers", {"name": "hp-bench-%04d" % i})
            api("PUT", "/resource_providers/%s/inventories" % rp["uuid"],
                {"resource_provider_generation": rp["generation"],
                 "inventories": {"VCPU": {"total": 64, "allocation_ratio": 4.0}, "MEMORY_MB": {"total": 262144}}})
            uuids.append(rp["uuid"])
        change_time, change_reqs = module_run(6.0, 1.5)
        same_time, same_reqs = module_run(6.0, 1.5)

        env = dict(os.environ, OS_AUTH_TYPE="admin_token", OS_TOKEN="admin", OS_ENDPOINT=URL,
                   OS_PLACEMENT_API_VERSION="1.20")
        env.pop("OS_CLOUD", None)
        cli = os.path.join(venv, "bin", "openstack")
        sample = uuids[:CLI_SAMPLE]
        before, start = requests_logged(), time.perf_counter()
        for uuid in sample:
            subprocess.run([cli, "--os-placement-api-version", "1.20", "resource", "provider", "inventory", "set", "--amend",
                            "--resource", "VCPU:allocation_ratio=8.0", "--resource", "MEMORY_MB:allocation_ratio=2.0", uuid],
                           check=True, env=env, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        cli_time, cli_reqs = time.perf_counter() - start, requests_logged() - before
        check = api("GET", "/resource_providers/%s/inventories" % sample[0])["inventories"]["VCPU"]["allocation_ratio"]
    finally:
        subprocess.run([PLACEMENT_SH, "down", STATE], check=True, stdout=subprocess.DEVNULL)
        shutil.rmtree(STATE, ignore_errors=True)
    per_cli = cli_time / len(sample)
    print("placement bench: %d providers (VCPU + MEMORY_MB each), real Placement %s" % (PROVIDERS, URL))
    print("  placement_inventory, 1 task, ratios change:   %7.2f s, %5d requests, %.2f per provider"
          % (change_time, change_reqs, change_reqs / PROVIDERS))
    print("  placement_inventory, 1 task, nothing changes: %7.2f s, %5d requests, %.2f per provider"
          % (same_time, same_reqs, same_reqs / PROVIDERS))
    print("  openstack CLI, 1 call per provider, sample of %d: %.2f s each, %.2f requests each (ratio read back %.1f)"
          % (len(sample), per_cli, cli_reqs / len(sample), check))
    print("  openstack CLI extrapolated to %d providers:   %7.2f s (not run in full: too slow)" % (PROVIDERS, per_cli * PROVIDERS))
    print("  ratio CLI / placement_inventory (change):     %7.2f x" % (per_cli * PROVIDERS / change_time))


if __name__ == "__main__":
    main()
