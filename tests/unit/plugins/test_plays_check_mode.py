# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Playbooks and roles run for real with ansible-playbook, on loopback and temporary files only:
check mode (--check) where it used to fail, serial batches, and state that must not leak from one
role run to the next. Nothing outside the temporary directory is written: every run that could
write is in check mode, or points the role's paths into the temporary directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
COLLECTIONS = os.path.abspath(os.path.join(ROOT, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "testbed"))
import fake_cmdb  # noqa: E402  pylint: disable=wrong-import-position

pytestmark = pytest.mark.skipif(
    os.path.basename(os.path.dirname(os.path.dirname(ROOT))) != "ansible_collections",
    reason="needs the collection laid out under ansible_collections/hypercloud/builder")


def playbook(tmp_path, path, *args, inventory=None):
    """Run ansible-playbook; returns (rc, output)."""
    inv = tmp_path / "inventory.yml"
    inv.write_text(yaml.safe_dump(inventory or {"all": {"hosts": {"localhost": {}}}}))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"),
               ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0", ANSIBLE_STDOUT_CALLBACK="ansible.builtin.default")
    env.pop("ANSIBLE_CONFIG", None)
    proc = subprocess.run([shutil.which("ansible-playbook") or "ansible-playbook", "-i", str(inv), str(path), *args],
                          cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=600, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def local_host(**hostvars):
    return dict({"ansible_connection": "local", "ansible_python_interpreter": sys.executable}, **hostvars)


def write_play(tmp_path, plays, name="play.yml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(plays, sort_keys=False))
    return path


def play_on_localhost(tmp_path, play, *args, keep=None):
    """Run one play on localhost, which must succeed; with ``keep`` (an expression), a last task saves
    its value, which is returned (in check mode too)."""
    if keep is not None:
        play = dict(play, tasks=play["tasks"] + [{"ansible.builtin.copy": {
            "dest": str(tmp_path / "kept.json"), "mode": "0644", "content": "{{ (%s) | to_json }}" % keep}, "check_mode": False}])
    rc, out = playbook(tmp_path, write_play(tmp_path, [play]), *args, inventory={"all": {"hosts": {"localhost": local_host()}}})
    assert rc == 0, out
    return json.loads((tmp_path / "kept.json").read_text()) if keep is not None else out


# jumbo_frames.yml: serial batches and --check with a switch host


def test_jumbo_frames_serial_and_check_mode(tmp_path):
    """Three hosts on loopback addresses, one at a time, in check mode, plus a switch whose bridge
    ports are read (a read-only command that check mode used to skip, failing the next task)."""
    hosts = {"h%d" % k: local_host(jumbo_addresses=[{"address": "127.0.0.%d" % k, "layer": "physical"}])
             for k in (1, 2, 3)}
    hosts["sw1"] = local_host(jumbo_switch=True)
    inventory = {"all": {"hosts": {"localhost": local_host()}, "children": {"jumbo": {"hosts": hosts}}}}
    show = write_play(tmp_path, [{"name": "Keep the result", "hosts": "localhost", "gather_facts": False, "tasks": [
        {"ansible.builtin.copy": {"dest": str(tmp_path / "result.json"), "content": "{{ jumbo_results | to_json }}",
                                  "mode": "0644"}, "check_mode": False}]}], "show.yml")
    site = write_play(tmp_path, [{"ansible.builtin.import_playbook": "hypercloud.builder.jumbo_frames"},
                                 {"ansible.builtin.import_playbook": str(show)}], "site.yml")
    rc, out = playbook(tmp_path, site, "--check", "-e", "jumbo_serial=1", inventory=inventory)
    assert rc == 0, out
    result = json.loads((tmp_path / "result.json").read_text())["jumbo"]
    rows = result["table"][1:]
    assert len(rows) == 6, result  # every host against both others, although each batch held one host
    assert all(row.endswith(" ok") for row in rows), result
    assert {row.split()[0] for row in rows} == {"h1", "h2", "h3"}
    assert result["mismatches"] == []


# provision_request.yml: --check for a request that was never submitted


def test_provision_request_check_mode_new_request(tmp_path):
    server, state, url = fake_cmdb.serve(0)
    try:
        request = {"provision_request_id": "REQ-CHK-1", "provision_requester": "dave",
                   "provision_request": {"vcpus": 1, "memory_gb": 4, "flavor": "s", "image": "d"},
                   "provision_store": str(tmp_path / "approvals.sqlite"),
                   "provision_cmdb": {"backend": "servicenow", "url": url, "username": fake_cmdb.USER,
                                      "password": fake_cmdb.PASSWORD, "retry_delay": 0.1}}
        rc, out = playbook(tmp_path, os.path.join(ROOT, "playbooks", "provision_request.yml"), "--check",
                           "-e", json.dumps(request), inventory={"all": {"hosts": {"localhost": local_host()}}})
    finally:
        server.shutdown()
    assert rc == 0, out
    assert "request REQ-CHK-1 would be submitted" in out
    assert [c["method"] for c in state.calls if c["method"] != "GET"] == []  # check mode wrote nothing
    assert all(not records for records in state.tables.values())


# net_tuning: --check when a sysctl would change; a second role run in one play


def test_net_tuning_check_mode_and_second_run(tmp_path):
    for nic, cpus in (("eth8", "4-7"), ("eth9", "0-3")):
        dev = tmp_path / "sys" / "class" / "net" / nic / "device"
        dev.mkdir(parents=True)
        (dev / "local_cpulist").write_text(cpus + "\n")
    core = tmp_path / "proc" / "sys" / "net" / "core"
    core.mkdir(parents=True)
    (core / "rmem_max").write_text("4194304\n")  # the role plans 16777216 for 40 Gbit/s x 1 ms
    role = {"name": "hypercloud.builder.net_tuning"}
    keep = {"ansible.builtin.copy": {"dest": str(tmp_path / "report-{{ item }}.json"), "mode": "0644",
                                     "content": "{{ net_tuning_report | to_json }}"},
            "check_mode": False, "loop": ["{{ __run }}"]}
    play = {"hosts": "localhost", "gather_facts": False,
            "vars": {"net_tuning_sysfs_root": str(tmp_path / "sys"), "net_tuning_proc_root": str(tmp_path / "proc"),
                     "net_tuning_sysctl_file": str(tmp_path / "etc" / "60-net.conf"),
                     "net_tuning_install_packages": False, "net_tuning_irq_affinity": False,
                     "net_tuning_ring_size": ""},
            "tasks": [{"ansible.builtin.include_role": role, "vars": {"net_tuning_interfaces": ["eth9"]}},
                      dict(keep, vars={"__run": "first"}),
                      {"ansible.builtin.include_role": role, "vars": {"net_tuning_interfaces": ["eth8"]}},
                      dict(keep, vars={"__run": "second"})]}
    play_on_localhost(tmp_path, play, "--check")
    first = json.loads((tmp_path / "report-first.json").read_text())
    second = json.loads((tmp_path / "report-second.json").read_text())
    assert [line for line in first if line.startswith("NIC")] == ["NIC eth9: IRQ affinity off (net_tuning_irq_affinity: false)"]
    assert [line for line in second if line.startswith("NIC")] == ["NIC eth8: IRQ affinity off (net_tuning_irq_affinity: false)"]
    assert "sysctl net.core.rmem_max: would be applied (check mode)" in second
    assert not (tmp_path / "etc" / "60-net.conf").exists()


# net_tuning: the rings, read in check mode too, and reported; raised only by a real run

# `ethtool -g` as ethtool 6.1 prints it (Debian 12); `ethtool -G` is recorded.
FAKE_ETHTOOL = """#!/bin/sh
if [ "$1" = -G ]; then echo "$@" >> "$(dirname "$0")/set.log"; exit 0; fi
printf 'Ring parameters for %s:\\nPre-set maximums:\\nRX:\\t\\t4096\\nRX Mini:\\tn/a\\nRX Jumbo:\\tn/a\\nTX:\\t\\t4096\\n' "$2"
printf 'Current hardware settings:\\nRX:\\t\\t512\\nRX Mini:\\tn/a\\nRX Jumbo:\\tn/a\\nTX:\\t\\t1024\\n'
"""


def net_tuning_rings(tmp_path, *args, ring_size="max"):
    dev = tmp_path / "sys" / "class" / "net" / "eth7" / "device"
    dev.mkdir(parents=True, exist_ok=True)
    (dev / "local_cpulist").write_text("0-3\n")
    (tmp_path / "proc" / "sys" / "net" / "core").mkdir(parents=True, exist_ok=True)
    fake = tmp_path / "bin" / "ethtool"
    fake.parent.mkdir(exist_ok=True)
    fake.write_text(FAKE_ETHTOOL)
    fake.chmod(0o755)
    play = {"hosts": "localhost", "gather_facts": False,
            "environment": {"PATH": "%s:%s" % (fake.parent, os.environ["PATH"])},
            "vars": {"net_tuning_sysfs_root": str(tmp_path / "sys"), "net_tuning_proc_root": str(tmp_path / "proc"),
                     "net_tuning_sysctl_file": str(tmp_path / "etc" / "60-net.conf"), "net_tuning_sysctl_overrides": {},
                     "net_tuning_install_packages": False, "net_tuning_irq_affinity": False,
                     "net_tuning_ring_size": ring_size, "net_tuning_interfaces": ["eth7"]},
            "tasks": [{"ansible.builtin.set_fact": {"__net_tuning_irq_lines": [], "__net_tuning_ring_lines": [],
                                                    "__net_tuning_skipped": []}},
                      {"ansible.builtin.include_role": {"name": "hypercloud.builder.net_tuning", "tasks_from": "nic"},
                       "vars": {"__net_tuning_nic": "eth7"}}]}
    report = play_on_localhost(tmp_path, play, *args, keep="__net_tuning_ring_lines + __net_tuning_skipped")
    log = tmp_path / "bin" / "set.log"
    return report, log.read_text().split("\n")[:-1] if log.exists() else []


@pytest.mark.parametrize("args, ring_size, report, applied", [
    (("--check",), "max", "NIC eth7: rings RX 512, TX 1024 -> RX 4096, TX 4096 (would be raised, check mode)", []),
    ((), "2048", "NIC eth7: rings RX 512, TX 1024 -> RX 2048, TX 2048 (raised)", ["-G eth7 rx 2048 tx 2048"]),
    ((), "9999", "NIC eth7: rings RX 512, TX 1024 -> RX 4096, TX 4096 (raised)", ["-G eth7 rx 4096 tx 4096"]),
])
def test_net_tuning_rings_reported_in_check_mode_and_raised(tmp_path, args, ring_size, report, applied):
    assert net_tuning_rings(tmp_path, *args, ring_size=ring_size) == ([report], applied)


# kvm_host: kernel command-line parameters the role put there are removed when no longer wanted


DROPIN = '# Managed by hypercloud.builder.kvm_host\nGRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT isolcpus=2-7 nohz_full=2-7"\n'


def kvm_kernel(tmp_path, cmdline, *args, **settings):
    (tmp_path / "cmdline").write_text(cmdline + "\n")
    play = {"hosts": "localhost", "gather_facts": False,
            "vars": dict({"__kvm_host_proc_cmdline": str(tmp_path / "cmdline"),
                          "__kvm_host_grub_dropin": str(tmp_path / "60-hypercloud-kvm-host.cfg"),
                          "__kvm_host_grub_update": ["touch", str(tmp_path / "grub-regenerated")],
                          "kvm_host_tuned_profile": "", "kvm_host_isolated_cpus": ""}, **settings),
            "tasks": [{"ansible.builtin.include_role": {"name": "hypercloud.builder.kvm_host", "tasks_from": "configure_kernel"}}]}
    return play_on_localhost(tmp_path, play, *args, keep="kvm_host_reboot_required")


def test_kvm_host_isolation_removed_needs_a_reboot(tmp_path):
    """isolcpus set back to "": the running kernel still isolates CPUs, so a reboot is required."""
    (tmp_path / "60-hypercloud-kvm-host.cfg").write_text(DROPIN)
    assert kvm_kernel(tmp_path, "BOOT_IMAGE=/vmlinuz root=/dev/vda1 isolcpus=2-7 nohz_full=2-7") is True
    assert (tmp_path / "60-hypercloud-kvm-host.cfg").read_text() == DROPIN  # held back: reboot_ok is false


def test_kvm_host_isolation_removed_drops_the_dropin(tmp_path):
    """With kvm_host_reboot_ok and a kernel already booted without them, the drop-in goes and GRUB is regenerated."""
    (tmp_path / "60-hypercloud-kvm-host.cfg").write_text(DROPIN)
    assert kvm_kernel(tmp_path, "BOOT_IMAGE=/vmlinuz root=/dev/vda1", kvm_host_reboot_ok=True) is False
    assert not (tmp_path / "60-hypercloud-kvm-host.cfg").exists()
    assert (tmp_path / "grub-regenerated").exists()


def test_kvm_host_operator_parameters_never_count(tmp_path):
    """isolcpus the operator set elsewhere (not in the role's drop-in) does not make the role reboot."""
    assert kvm_kernel(tmp_path, "BOOT_IMAGE=/vmlinuz isolcpus=1", "--check", kvm_host_reboot_ok=False) is False


def test_kvm_host_check_mode_changes_nothing(tmp_path):
    (tmp_path / "60-hypercloud-kvm-host.cfg").write_text(DROPIN)
    kvm_kernel(tmp_path, "BOOT_IMAGE=/vmlinuz isolcpus=2-7 nohz_full=2-7", "--check", kvm_host_reboot_ok=True)
    assert (tmp_path / "60-hypercloud-kvm-host.cfg").read_text() == DROPIN
    assert not (tmp_path / "grub-regenerated").exists()
