# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""swiftbox: time from nothing to the first authenticated PUT/GET, split into package installation
and configuration, and a no-op re-run against the first run.

Where the packages are missing on this machine, the role runs here. Where they are installed (the
test machine, whose bindep installs them), "nothing installed" is a fresh Debian 12 container: the
molecule scenario swiftbox-vm's create step with HS_MOL_ROOT=debootstrap (debootstrap minbase,
podman, systemd as PID 1, its own network namespace; not timed, it stands for the new machine),
then the same playbooks run in it under Mitogen, as the scenario's converge does. devstack's
stack.sh is not run here (it clones from opendev.org, which this machine cannot reach); its
published durations are quoted in docs/swiftbox.md, not measured.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = "/var/tmp/hs-bench-swiftbox"
PACKAGES = ["swift", "swift-proxy", "swift-account", "swift-container", "swift-object", "python3-swiftclient",
            "python3-keystonemiddleware", "keystone", "uwsgi-core", "uwsgi-plugin-python3", "memcached",
            "python3-openstacksdk", "sqlite3", "xfsprogs"]


ROOT = os.path.dirname(HERE)
SCENARIO = "swiftbox-vm"
# The scenario's podman settings and container (molecule/swiftbox-vm/create.yml).
CONTAINER_ENV = dict(CONTAINERS_CONF="/var/tmp/hs-mol-swiftbox/containers.conf",
                     CONTAINERS_STORAGE_CONF="/var/tmp/hs-mol-swiftbox/storage.conf")
CONTAINER_INVENTORY = ("hs-swiftbox-vm ansible_connection=podman "
                       "ansible_python_interpreter=/usr/bin/python3\n")


def playbook(name: str, inventory: "str | None" = None, env: "dict | None" = None) -> "tuple[float, str]":
    cmd = ["ansible-playbook", os.path.join(HERE, "playbooks", name), "-e", "bench_base=%s" % BASE]
    if inventory:
        cmd += ["-i", inventory, "-e", "bench_hosts=all"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                          universal_newlines=True, check=False, env=dict(os.environ, **(env or {})))
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        print(proc.stdout[-3000:])
        raise SystemExit("%s failed (rc=%d)" % (name, proc.returncode))
    return elapsed, proc.stdout


def changed(out: str) -> int:
    return sum(int(n) for n in re.findall(r"\bchanged=(\d+)", out.split("PLAY RECAP")[-1]))


def missing_packages() -> "list[str]":
    missing = []
    for pkg in PACKAGES:
        proc = subprocess.run(["dpkg-query", "-W", "-f=${Status}", pkg], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, universal_newlines=True, check=False)
        if "install ok installed" not in proc.stdout:
            missing.append(pkg)
    return missing


def molecule(action: str) -> float:
    """``molecule ACTION -s swiftbox-vm`` with a root built from nothing; its duration."""
    start = time.perf_counter()
    proc = subprocess.run(["molecule", action, "-s", SCENARIO], cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, universal_newlines=True, check=False,
                          env=dict(os.environ, HS_MOL_ROOT="debootstrap"))
    if proc.returncode != 0:
        print(proc.stdout[-3000:])
        raise SystemExit("molecule %s -s %s failed (rc=%d)" % (action, SCENARIO, proc.returncode))
    return time.perf_counter() - start


def report(where: str, install: float, first: float, out1: str, again: float, out2: str) -> None:
    print("  %s" % where)
    print("  package installation (apt):                        %7.1f s" % install)
    print("  configuration, first run to a verified PUT/GET:    %7.1f s (changed=%d)" % (first, changed(out1)))
    print("  nothing installed -> first authenticated PUT/GET:  %7.1f s" % (install + first))
    print("  no-op re-run (verify included):                    %7.1f s (changed=%d)" % (again, changed(out2)))
    print("  ratio first configuration run / no-op re-run:      %7.2f x" % (first / again))
    print("  load average after: %.1f on %d CPU(s)" % (os.getloadavg()[0], os.cpu_count() or 1))
    print("  devstack stack.sh (published, NOT measured here): about 40-60 minutes")


def on_this_machine(missing: "list[str]") -> None:
    shutil.rmtree(BASE, ignore_errors=True)
    try:
        install, _out = playbook("swiftbox_install.yml")
        first, out1 = playbook("swiftbox_converge.yml")
        again, out2 = playbook("swiftbox_converge.yml")
        report("on this machine (%d packages were missing)" % len(missing), install, first, out1, again, out2)
    finally:
        playbook("swiftbox_down.yml")
        shutil.rmtree(BASE, ignore_errors=True)


def in_a_fresh_container() -> None:
    # The scenario's Mitogen strategy: one podman exec and one Python per play, as its converge runs.
    env = dict(CONTAINER_ENV, ANSIBLE_STRATEGY_PLUGINS=os.path.join(ROOT, "molecule", "_mitogen"),
               ANSIBLE_STRATEGY="mitogen_linear")
    inventory = BASE + ".inventory"
    with open(inventory, "w", encoding="utf-8") as handle:
        handle.write(CONTAINER_INVENTORY)
    try:
        built = molecule("create")
        print("  a new Debian 12 machine: debootstrap minbase + podman + systemd, %.1f s (not counted)" % built)
        install, _out = playbook("swiftbox_install.yml", inventory, env)
        first, out1 = playbook("swiftbox_converge.yml", inventory, env)
        again, out2 = playbook("swiftbox_converge.yml", inventory, env)
        report("in that container (Mitogen strategy, podman connection)", install, first, out1, again, out2)
    finally:
        molecule("destroy")
        os.remove(inventory)


def main() -> None:
    print("swiftbox bench: state under %s, ports 18820-18825" % BASE)
    missing = missing_packages()
    if missing:
        on_this_machine(missing)
    else:
        in_a_fresh_container()


if __name__ == "__main__":
    main()
