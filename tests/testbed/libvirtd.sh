#!/usr/bin/env bash
# Test harness: a local libvirtd with the QEMU driver (domains of type 'qemu', i.e. TCG).
#   libvirtd.sh up      start virtlogd, virtlockd and libvirtd unless a libvirtd already answers (systemd units where systemd is PID 1,
#                       otherwise the daemons directly, with pid files under $HC_LIBVIRT_RUN)
#   libvirtd.sh down    stop what "up" started
#   libvirtd.sh status  exit 0 when qemu:///system answers
# Prints "changed" when it started or stopped something, "ok" otherwise.
set -euo pipefail
# shellcheck source=tests/testbed/lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
run=${HC_LIBVIRT_RUN:-/run/hypercloud-testbed}
daemons=(virtlogd virtlockd libvirtd)
changed=0

answers() { virsh -c qemu:///system version >/dev/null 2>&1; }
systemd_pid1() { [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ]; }
alive() { pid_alive "$run/$1.pid"; }

up() {
  if systemd_pid1; then
    for d in "${daemons[@]}"; do
      systemctl is-active -q "$d" || { systemctl start "$d"; changed=1; }
    done
  elif answers; then
    return 0  # another libvirtd (not ours) already serves qemu:///system: use it, start nothing
  else
    mkdir -p "$run"
    for d in "${daemons[@]}"; do
      if ! alive "$d"; then
        # A clean environment, as systemd gives its services: nothing of the caller's (TMPDIR,
        # XDG_*, HOME) reaches libvirtd or the helpers it runs as other users (swtpm_setup as tss).
        env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
          "/usr/sbin/$d" -d -p "$run/$d.pid"
        changed=1
      fi
    done
  fi
  for _ in $(seq 1 50); do
    answers && return 0
    sleep 0.2
  done
  echo "libvirtd did not answer on qemu:///system within 10 s" >&2
  exit 1
}

down() {
  if systemd_pid1; then
    for d in libvirtd virtlockd virtlogd; do
      systemctl is-active -q "$d" && { systemctl stop "$d"; changed=1; }
    done
    return 0
  fi
  for d in libvirtd virtlockd virtlogd; do
    if [ "$(pid_stop "$run/$d.pid")" = changed ]; then changed=1; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) answers; exit $? ;;
  *) echo "usage: $0 up | down | status" >&2; exit 2 ;;
esac
if [ "$changed" = 1 ]; then echo changed; else echo ok; fi
