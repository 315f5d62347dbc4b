#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the test stages of `make test` in order and stop at the first failure (the first, static
stages run in two lanes side by side: see LANES).

Each stage prints one line, ``stage NAME: N passed, M failed (T s)``, and its full output goes to
``.build/logs/NAME.log`` (the tail is shown when it fails). The last line is the total, in the form
``N passed, M failed``. ``--only NAME`` runs one stage.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, ".build")
TREE = os.environ.get("HC_TREE") or os.path.join(BUILD, "tree", "ansible_collections", "hypercloud", "builder")
LOGS = os.path.join(BUILD, "logs")
PY = "3.11"
# What a stage left out on purpose (printed after the stage line).
SKIPPED = []


class StageFailed(Exception):
    """A command of a stage failed; ``passed``/``failed`` count what the stage had checked."""

    def __init__(self, passed, failed):
        super().__init__("stage failed")
        self.passed = passed
        self.failed = failed


def run(log, cmd, cwd=ROOT, env=None):
    """Run ``cmd``, appending its output to ``log``; return (rc, output)."""
    merged = dict(os.environ, NO_COLOR="1", PY_COLORS="0", ANSIBLE_NOCOLOR="1")
    merged.update(env or {})
    with open(log, "a", encoding="utf-8") as handle:
        handle.write("\n$ %s\n" % " ".join(cmd))
        handle.flush()
        proc = subprocess.run(cmd, cwd=cwd, env=merged, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, check=False, universal_newlines=True)
        handle.write(proc.stdout)
    return proc.returncode, proc.stdout


def single(log, cmd, **kwargs):
    """A stage that is one command: 1 passed or 1 failed."""
    rc, _out = run(log, cmd, **kwargs)
    if rc:
        raise StageFailed(0, 1)
    return 1


def copy_tree(log):
    if run(log, ["make", "--no-print-directory", "tree"])[0]:
        raise StageFailed(0, 1)


def stage_sanity(log):
    copy_tree(log)
    rc, out = run(log, ["ansible-test", "sanity", "--python", PY, "--color", "no"], cwd=TREE)
    tests = re.findall(r"^Running sanity test [\"']([^\"']+)", out, re.M)
    failed = len(set(re.findall(r"^ERROR: Found \d+ ([\w-]+) issue", out, re.M))) or (1 if rc else 0)
    if rc:
        raise StageFailed(len(tests) - failed, failed)
    return len(tests)


def stage_units(log):
    copy_tree(log)
    junit = os.path.join(TREE, "tests", "output", "junit")
    for old in glob.glob(os.path.join(junit, "*.xml")):
        os.remove(old)
    rc, _out = run(log, ["ansible-test", "units", "--python", PY, "--color", "no", "--num-workers", "2"], cwd=TREE)
    passed = failed = 0
    for path in glob.glob(os.path.join(junit, "*.xml")):
        for suite in ET.parse(path).getroot().iter("testsuite"):
            total = int(suite.get("tests", 0))
            bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            skipped = int(suite.get("skipped", 0))
            passed += total - bad - skipped
            failed += bad
    if rc or failed or not passed:
        raise StageFailed(passed, failed or 1)
    return passed


def stage_integration(log):
    copy_tree(log)
    rc, out = run(log, ["ansible-test", "integration", "--python", PY, "--color", "no", "--allow-destructive"],
                  cwd=TREE)
    targets = re.findall(r"^Running (\S+) integration test (?:role|script)", out, re.M)
    if rc:
        raise StageFailed(max(len(targets) - 1, 0), 1)
    return len(targets)


def stage_ee(log):
    """The execution-environment definition is valid and names the collection version being built."""
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        version = re.search(r"^version:\s*(\S+)", handle.read(), re.M).group(1)
    with open(os.path.join(ROOT, "execution-environment.yml"), encoding="utf-8") as handle:
        if "hypercloud-builder-%s.tar.gz" % version not in handle.read():
            with open(log, "a", encoding="utf-8") as out:
                out.write("execution-environment.yml does not name hypercloud-builder-%s.tar.gz\n" % version)
            raise StageFailed(0, 1)
    return single(log, ["ansible-builder", "create", "-f", "execution-environment.yml",
                        "--context", os.path.join(BUILD, "ee")])


def stage_molecule(log):
    """Every scenario, except those holding a file NOT_IN_MAKE_TEST that says why (run them by name)."""
    passed = 0
    for path in sorted(glob.glob(os.path.join(ROOT, "molecule", "*", "molecule.yml"))):
        name = os.path.basename(os.path.dirname(path))
        marker = os.path.join(os.path.dirname(path), "NOT_IN_MAKE_TEST")
        if os.path.exists(marker):
            with open(marker, encoding="utf-8") as reason, open(log, "a", encoding="utf-8") as out:
                out.write("\nskipped scenario %s: %s\n" % (name, reason.read().strip()))
            SKIPPED.append("molecule/" + name)
            continue
        rc, _out = run(log, ["molecule", "test", "-s", name])
        if rc:
            raise StageFailed(passed, 1)
        passed += 1
    return passed


def recap_changed(out):
    return sum(int(n) for n in re.findall(r"\bchanged=(\d+)", out.split("PLAY RECAP")[-1]))


def stage_lab(log):
    """Converge the lab from scratch under each strategy, then again: the second run changes nothing."""
    passed = 0
    for strategy in ("linear", "mitogen"):
        for attempt in ("converge", "idempotence"):
            rc, out = run(log, ["bash", "scripts/lab.sh", "converge", strategy])
            if rc or (attempt == "idempotence" and recap_changed(out)):
                with open(log, "a", encoding="utf-8") as handle:
                    handle.write("\nlab %s %s failed (rc=%d, changed=%d)\n" % (strategy, attempt, rc, recap_changed(out)))
                raise StageFailed(passed, 1)
            passed += 1
        run(log, ["bash", "scripts/lab.sh", "down"])
    return passed


STAGES = [
    ("sanity", stage_sanity),
    ("lint", lambda log: single(log, ["ansible-lint", "--offline", "--profile", "production", "--nocolor"])),
    ("ruff", lambda log: single(log, ["ruff", "check", "--no-cache", "."])),
    ("changelog", lambda log: single(log, ["antsibull-changelog", "lint"])),
    ("docs", lambda log: single(log, ["bash", "scripts/docs.sh"])),
    ("ee", stage_ee),
    ("units", stage_units),
    ("integration", stage_integration),
    ("molecule", stage_molecule),
    ("lab", stage_lab),
]


ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Strong signs of the failure first (a failed task, a traceback), then generic error lines.
ERROR_LINES = (re.compile(r"fatal: \[|FAILED!|^Traceback|^ERROR: "),
               re.compile(r"^\W*(ERROR|CRITICAL|failed|error)\b", re.I))


def first_error(lines, count=12):
    """The first line that looks like the failure, and what follows it. A failure that a test
    expects (Ansible prints ``...ignoring`` on the next line) is not the cause."""
    clean = [line.strip(" \u2502") for line in lines]
    for pattern in ERROR_LINES:
        for index, line in enumerate(clean):
            if pattern.search(line) and clean[index + 1:index + 2] != ["...ignoring"]:
                return "\n".join(clean[index:index + count])
    return "(no error line found; see the log)"


# The first stages only read the working tree (sanity reads its copy in .build/tree) and start no
# service, so they run in two lanes side by side, one per core; their lines are printed in the
# order of STAGES once both lanes are done.
LANES = (("sanity", "docs"), ("lint", "ruff", "changelog", "ee"))


def run_stage(name, stage):
    """Run one stage with a fresh log: (passed, failed, seconds)."""
    log = os.path.join(LOGS, name + ".log")
    open(log, "w", encoding="utf-8").close()
    start = time.time()
    try:
        passed, failed = stage(log), 0
    except StageFailed as err:
        passed, failed = err.passed, err.failed
    return passed, failed, time.time() - start


def run_lanes():
    """Every stage of LANES, each lane's stages in turn until one fails: {name: result}."""
    stages = dict(STAGES)
    results = {}

    def lane(names):
        for name in names:
            results[name] = run_stage(name, stages[name])
            if results[name][1]:
                return

    threads = [threading.Thread(target=lane, args=(names,)) for names in LANES]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=[name for name, _stage in STAGES] + ["lab-test"])
    args = parser.parse_args()
    only = "lab" if args.only == "lab-test" else args.only
    os.makedirs(LOGS, exist_ok=True)
    early = {} if only else run_lanes()
    total_passed = total_failed = 0
    for name, stage in STAGES:
        if only and name != only:
            continue
        # A lane stops at its first failure, and that failure is printed (and stops this loop)
        # before any stage the lane then left out.
        passed, failed, seconds = early[name] if name in early else run_stage(name, stage)
        total_passed += passed
        total_failed += failed
        print("stage %s: %d passed, %d failed (%.1f s)" % (name, passed, failed, seconds), flush=True)
        for what in SKIPPED:
            print("  not run by make test: %s (see its NOT_IN_MAKE_TEST)" % what)
        del SKIPPED[:]
        if failed:
            log = os.path.join(LOGS, name + ".log")
            with open(log, encoding="utf-8") as handle:
                lines = [ANSI.sub("", line) for line in handle.read().splitlines()]
            print("---- last lines of %s ----\n%s\n----" % (os.path.relpath(log, ROOT), "\n".join(lines[-60:])))
            break
    print("%d passed, %d failed" % (total_passed, total_failed))
    if total_failed:
        # Last, so that a CI page showing only the end of the output still shows the cause.
        print("first error in %s:\n%s" % (os.path.relpath(log, ROOT), first_error(lines)))
    return 1 if total_failed else 0


if __name__ == "__main__":
    sys.exit(main())
