# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""libvirt_build_vm through main() with a fake adapter that plays libvirt's state sequence.

The real lifecycle (a stand-in ISO that powers off, one that never does) runs in the
windows_image_build integration target against the local libvirtd."""

from __future__ import annotations

import json

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.hypercloud.builder.plugins.module_utils._calc import build_vm as calc
from ansible_collections.hypercloud.builder.plugins.modules import libvirt_build_vm as mod


class FakeDom:
    def __init__(self, xml, states):
        self.xml = xml
        self.states = list(states)
        self.started = False

    def name(self):
        return "hw-x"


class FakeDomains:
    """States as libvirt reports them: (1, 1) running/booted, (5, 1) shut off by the guest."""

    instances = []

    def __init__(self, uri):
        self.uri = uri
        self.dom = FakeDomains.existing
        self.defined = None
        self.shots = []
        self.stopped = False
        self.presses = 0
        FakeDomains.instances.append(self)

    def lookup(self, _name):
        return self.dom

    def xml(self, dom):
        return dom.xml

    def state(self, dom):
        return dom.states.pop(0) if len(dom.states) > 1 else dom.states[0]

    def define(self, xml):
        self.dom = self.defined = FakeDom(xml, FakeDomains.sequence)
        return self.dom

    def start(self, dom):
        dom.started = True

    def press_enter(self, _dom):
        self.presses += 1

    def mark_finished(self, dom, metadata, _ns):
        dom.xml = "<domain><metadata>%s</metadata></domain>" % metadata

    def screenshot(self, _dom, path):
        self.shots.append(path)
        return "image/x-portable-pixmap"

    def stop(self, _dom):
        self.stopped = True

    def remove(self, _dom):
        self.dom = None


@pytest.fixture
def fake(monkeypatch):
    FakeDomains.existing = None
    FakeDomains.sequence = [(1, 1), (1, 1), (5, 1)]
    FakeDomains.instances = []
    monkeypatch.setattr(mod.lv, "BuildDomains", FakeDomains)
    monkeypatch.setattr(mod.lv, "LIBVIRT_IMPORT_ERROR", None)
    monkeypatch.setattr(mod.time, "sleep", lambda _s: None)
    return FakeDomains


def run(args, capsys):
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        mod.main()
    return exc.value.code, json.loads(capsys.readouterr().out)


ARGS = dict(name="hw-x", disk="/d.qcow2", cdroms=["/w.iso"], firmware="bios", stamp="s1", poll_interval=1, timeout=60)


def test_finished_reports_each_poll(fake, capsys, tmp_path):
    progress = tmp_path / "p.log"
    rc, out = run(dict(ARGS, progress_file=str(progress)), capsys)
    assert rc == 0 and out["changed"] and out["status"] == "finished"
    assert [line.split(" elapsed")[0] for line in out["progress"]] == ["state=running", "state=running",
                                                                       "state=shutoff reason=shutdown"]
    assert len(progress.read_text().splitlines()) == 3
    assert fake.instances[0].defined.started
    assert calc.stamp_of(fake.instances[0].dom.xml) == ("s1", True)


def test_a_progress_file_in_a_missing_directory_is_refused_before_anything_is_defined(fake, capsys, tmp_path):
    for check in (True, False):
        rc, out = run(dict(ARGS, progress_file=str(tmp_path / "none" / "p.log"), _ansible_check_mode=check), capsys)
        assert rc == 1 and out["msg"] == "progress_file %s: the directory %s does not exist" % (
            tmp_path / "none" / "p.log", tmp_path / "none")
        assert fake.instances[-1].defined is None


def test_a_progress_file_that_cannot_be_written_warns_and_the_build_goes_on(fake, capsys, tmp_path):
    rc, out = run(dict(ARGS, progress_file=str(tmp_path)), capsys)  # a directory: open() fails
    assert rc == 0 and out["status"] == "finished" and len(out["progress"]) == 3
    assert len(out["warnings"]) == 1 and "cannot be written" in json.dumps(out["warnings"][0])


def test_finished_with_same_stamp_is_unchanged(fake, capsys):
    fake.existing = FakeDom("<domain><metadata>%s</metadata></domain>" % calc.finished_metadata("s1"), [(5, 1)])
    rc, out = run(ARGS, capsys)
    assert rc == 0 and not out["changed"] and out["status"] == "finished"


def test_check_mode_defines_nothing(fake, capsys):
    rc, out = run(dict(ARGS, _ansible_check_mode=True), capsys)
    assert rc == 0 and out["changed"] and fake.instances[0].defined is None and "<domain" in out["xml"]


def test_timeout_saves_screenshot_stops_and_fails(fake, capsys, monkeypatch):
    fake.sequence = [(1, 1)]
    clock = iter(range(0, 1000, 20))
    monkeypatch.setattr(mod.time, "monotonic", lambda: next(clock))
    rc, out = run(dict(ARGS, timeout=50, screenshot="/tmp/hw-x.ppm"), capsys)
    assert rc == 1
    assert "did not power off within 50s" in out["msg"] and "state=running elapsed=60s" in out["msg"]
    assert "/tmp/hw-x.ppm (image/x-portable-pixmap)" in out["msg"] and "VM stopped" in out["msg"]
    assert fake.instances[0].shots == ["/tmp/hw-x.ppm"] and fake.instances[0].stopped


@pytest.mark.parametrize("existing,message", [
    (FakeDom("<domain/>", [(5, 2)]), "another stamp"),
    (FakeDom("<domain><metadata><build xmlns='%s'><stamp>s1</stamp></build></metadata></domain>" % calc.META_NS,
             [(5, 2)]), "did not finish"),
])
def test_leftover_vm_is_refused(fake, capsys, existing, message):
    fake.existing = existing
    rc, out = run(ARGS, capsys)
    assert rc == 1 and message in out["msg"]


def test_guest_powered_off_while_nothing_waited_is_finished(fake, capsys):
    fake.existing = FakeDom("<domain><metadata><build xmlns='%s'><stamp>s1</stamp></build></metadata></domain>"
                            % calc.META_NS, [(5, 1)])
    rc, out = run(dict(ARGS, _ansible_check_mode=True), capsys)
    assert rc == 0 and out["changed"] and calc.stamp_of(fake.existing.xml) == ("s1", False)
    rc, out = run(ARGS, capsys)
    assert rc == 0 and out["changed"] and out["status"] == "finished"
    assert out["progress"] == ["state=shutoff reason=shutdown elapsed=0s"] and not fake.existing.started
    assert calc.stamp_of(fake.existing.xml) == ("s1", True)
    rc, out = run(ARGS, capsys)
    assert rc == 0 and not out["changed"] and out["status"] == "finished"


def test_enter_is_pressed_only_for_a_vm_this_run_started(fake, capsys, monkeypatch):
    clock = iter(range(1000))
    monkeypatch.setattr(mod.time, "monotonic", lambda: next(clock))
    fake.sequence = [(1, 1)] * 6 + [(5, 1)]
    rc, out = run(dict(ARGS, boot_keypress_seconds=3), capsys)
    assert rc == 0 and out["status"] == "finished" and fake.instances[0].presses == 3
    fake.existing = FakeDom("<domain><metadata><build xmlns='%s'><stamp>s1</stamp></build></metadata></domain>"
                            % calc.META_NS, [(1, 1)] * 6 + [(5, 1)])
    rc, out = run(dict(ARGS, boot_keypress_seconds=3), capsys)
    assert rc == 0 and out["status"] == "finished" and fake.instances[1].presses == 0


def test_guest_powered_off_is_not_running(fake, capsys):
    fake.existing = FakeDom("<domain><metadata><build xmlns='%s'><stamp>s1</stamp></build></metadata></domain>"
                            % calc.META_NS, [(5, 1)])
    rc, out = run(dict(ARGS, state="running"), capsys)
    assert rc == 1 and "did not finish" in out["msg"]


def test_guest_crash_fails(fake, capsys):
    fake.sequence = [(1, 1), (5, 3)]
    rc, out = run(ARGS, capsys)
    assert rc == 1 and "stopped without finishing: state=shutoff reason=crashed" in out["msg"]


def test_absent(fake, capsys):
    fake.existing = FakeDom("<domain/>", [(1, 1)])
    rc, out = run(dict(name="hw-x", state="absent"), capsys)
    assert rc == 0 and out["changed"] and fake.instances[0].dom is None
    fake.existing = None
    rc, out = run(dict(name="hw-x", state="absent"), capsys)
    assert rc == 0 and not out["changed"]


@pytest.mark.parametrize("change", [dict(poll_interval=0), dict(poll_interval=-1), dict(timeout=0), dict(timeout=-5)])
@pytest.mark.parametrize("check_mode", [True, False])
def test_a_poll_interval_or_timeout_below_1_is_refused_before_anything_is_defined(fake, capsys, change, check_mode):
    """0 polled libvirt in a busy loop, a negative interval ended in time.sleep's traceback after the VM started."""
    rc, out = run(dict(ARGS, _ansible_check_mode=check_mode, **change), capsys)
    assert rc == 1 and out["msg"] == "poll_interval and timeout are seconds, 1 or more (got %d and %d)" % (
        dict(ARGS, **change)["poll_interval"], dict(ARGS, **change)["timeout"])
    assert fake.instances[-1].defined is None


@pytest.mark.parametrize("name", ["hw-x\n", "hw x", ""])
def test_a_name_with_a_line_break_or_space_is_refused(name):
    with pytest.raises(calc.PlanError, match="build VM name"):
        calc.render_domain(calc.BuildVm(name=name, disk="/d.qcow2", firmware="bios"))
