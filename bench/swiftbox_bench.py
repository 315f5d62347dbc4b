# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""swiftbox: time from nothing to the first authenticated PUT/GET, split into package installation
and configuration, and a no-op re-run against the first run.

Package installation is timed only when the packages are missing (a machine where they are
installed cannot be timed from nothing without removing them: the bench says so, and shows the
apt dry run instead). devstack's stack.sh is not run here (it clones from opendev.org, which this
machine cannot reach); its published durations are quoted in docs/swiftbox.md, not measured.
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


def playbook(name: str) -> "tuple[float, str]":
    start = time.perf_counter()
    proc = subprocess.run(["ansible-playbook", os.path.join(HERE, "playbooks", name), "-e", "bench_base=%s" % BASE],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                          universal_newlines=True, check=False)
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


def main() -> None:
    shutil.rmtree(BASE, ignore_errors=True)
    missing = missing_packages()
    print("swiftbox bench: state under %s, ports 18820-18825" % BASE)
    try:
        if missing:
            install, _out = playbook("swiftbox_install.yml")
            print("  package installation (%d missing packages, apt):  %7.1f s" % (len(missing), install))
        else:
            install = None
            sim = subprocess.run(["apt-get", "install", "--simulate", "--reinstall"] + PACKAGES, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, universal_newlines=True, check=False)
            print("  package installation: NOT MEASURED - the packages are already installed; apt dry run would "
                  "reinstall %d packages (see docs/swiftbox.md for the time measured from nothing)"
                  % sim.stdout.count("\nInst "))
        first, out1 = playbook("swiftbox_converge.yml")
        print("  configuration, first run to a verified PUT/GET:    %7.1f s (changed=%d)" % (first, changed(out1)))
        if install is not None:
            print("  nothing installed -> first authenticated PUT/GET:  %7.1f s" % (install + first))
        again, out2 = playbook("swiftbox_converge.yml")
        print("  no-op re-run (verify included):                    %7.1f s (changed=%d)" % (again, changed(out2)))
        print("  ratio first configuration run / no-op re-run:      %7.2f x" % (first / again))
        print("  devstack stack.sh (published, NOT measured here): about 40-60 minutes")
    finally:
        playbook("swiftbox_down.yml")
        shutil.rmtree(BASE, ignore_errors=True)


if __name__ == "__main__":
    main()
