#!/usr/bin/env bash
# Test harness: a tiny libvirt guest with the QEMU guest agent, for mtu_path_check's guest path.
#
#   qga_guest.sh build DIR       kernel + initramfs in DIR (once; later calls reuse them):
#                                Debian's cloud kernel and its virtio modules, busybox-static and
#                                qemu-guest-agent from Debian packages (apt-get download), and this
#                                machine's own ping and tracepath with the libraries ldd lists
#   qga_guest.sh start NAME DIR  isolated libvirt network NAME-net (bridge NAME-br, <mtu size='9000'/>,
#                                10.249.0.1/24) and domain NAME (TCG, direct kernel boot, 10.249.0.2 at
#                                MTU 1500, guest agent channel), started; does not wait
#   qga_guest.sh wait NAME DIR   wait until the agent answers guest-ping (boot takes 10-60 s under TCG)
#   qga_guest.sh exec NAME [--nowait] CMD ARG...
#                                run a command in the guest through the agent (guest-exec), wait for
#                                it (guest-exec-status) and exit with its exit code (no double quotes
#                                or backslashes in the arguments: they go into JSON as they are)
#   qga_guest.sh down NAME       destroy and undefine both
#
# The guest's init runs qemu-ga on the virtio-serial port org.qemu.guest_agent.0. Everything it
# needs comes from Debian 12 packages: no image is downloaded from anywhere else.
set -euo pipefail
virsh=(virsh -q -c qemu:///system)

# In load order (each module's depends= from its .modinfo comes before it).
modules=(failover net_failover virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci
         virtio_net virtio_console)

build() {
  local dir=$1 work root kver
  if [ -s "$dir/vmlinuz" ] && [ -s "$dir/initrd.img" ]; then
    echo ok
    return 0
  fi
  mkdir -p "$dir"
  work=$(mktemp -d "$dir/.build.XXXXXX")
  root="$work/root"
  (
    cd "$work"
    kver=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-/ {print $2; exit}')
    apt-get download -q=2 "$kver" busybox-static qemu-guest-agent 2>/dev/null
    mkdir -p pkg
    for deb in ./*.deb; do dpkg-deb -x "$deb" pkg; done
  )
  kver=$(ls "$work/pkg/lib/modules")
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib/modules,proc,sys,dev,run,tmp,var/run}
  cp "$work/pkg/bin/busybox" "$root/bin/busybox"
  cp "$work/pkg/usr/sbin/qemu-ga" "$root/usr/sbin/qemu-ga"
  cp /usr/bin/ping /usr/bin/tracepath "$root/usr/bin/"
  # The libraries of the copied binaries, as this machine's loader resolves them.
  ldd "$root/usr/sbin/qemu-ga" /usr/bin/ping /usr/bin/tracepath | grep -o '/[^ ]*\.so[^ ]*' | sort -u |
    while read -r lib; do
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    done
  for m in "${modules[@]}"; do
    find "$work/pkg/lib/modules/$kver" -name "$m.ko" -exec cp {} "$root/lib/modules/" \;
  done
  cat >"$root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
# iputils (in /usr/bin) before the busybox applets of the same name (in /bin)
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
EOF
  printf 'insmod /lib/modules/%s.ko\n' "${modules[@]}" >>"$root/init"
  cat >>"$root/init" <<'EOF'
ip link set lo up
ip addr add 10.249.0.2/24 dev eth0
ip link set eth0 up
for port in /sys/class/virtio-ports/*; do
  if [ "$(cat "$port/name")" = org.qemu.guest_agent.0 ]; then
    echo "qga-guest: agent on /dev/${port##*/}, eth0 mtu $(cat /sys/class/net/eth0/mtu)" >/dev/ttyS0
    # The agent (pid in /run/qga.pid) restarts when it exits, with the options in /run/qga.args
    # (a test blocks guest-exec that way); /run/qga.stop leaves the guest without an agent.
    while [ ! -e /run/qga.stop ]; do
      qemu-ga -m virtio-serial -p "/dev/${port##*/}" $(cat /run/qga.args 2>/dev/null) &
      echo $! >/run/qga.pid
      wait $!
      sleep 0.5
    done
  fi
done
echo "qga-guest: no guest agent channel" >/dev/ttyS0
while :; do sleep 3600; done
EOF
  chmod 0755 "$root/init"
  (cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd.img"
  mv "$work/pkg/boot/vmlinuz-$kver" "$dir/vmlinuz"
  mv "$work/initrd.img" "$dir/initrd.img"
  rm -rf "$work"
  echo changed
}

start() {
  local name=$1 dir=$2
  if ! "${virsh[@]}" net-info "$name-net" >/dev/null 2>&1; then
    "${virsh[@]}" net-define /dev/stdin >/dev/null <<EOF
<network>
  <name>$name-net</name>
  <bridge name='$name-br' stp='off' delay='0'/>
  <mtu size='9000'/>
  <ip address='10.249.0.1' netmask='255.255.255.0'/>
</network>
EOF
    "${virsh[@]}" net-start "$name-net" >/dev/null
  fi
  if ! "${virsh[@]}" dominfo "$name" >/dev/null 2>&1; then
    "${virsh[@]}" define /dev/stdin >/dev/null <<EOF
<domain type='qemu'>
  <name>$name</name>
  <memory unit='MiB'>192</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$dir/vmlinuz</kernel>
    <initrd>$dir/initrd.img</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline>
  </os>
  <on_reboot>destroy</on_reboot>
  <devices>
    <interface type='network'><source network='$name-net'/><model type='virtio'/></interface>
    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
    <serial type='file'><source path='$dir/$name.console.log'/><target port='0'/></serial>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
  fi
  if [ "$("${virsh[@]}" domstate "$name")" != running ]; then
    "${virsh[@]}" start "$name" >/dev/null
  fi
}

wait_agent() {
  local name=$1 dir=$2
  for _ in $(seq 1 120); do
    if "${virsh[@]}" qemu-agent-command "$name" '{"execute":"guest-ping"}' >/dev/null 2>&1; then
      echo "up"
      return 0
    fi
    if grep -q 'qga-guest: no guest agent channel' "$dir/$name.console.log" 2>/dev/null; then
      break
    fi
    sleep 1
  done
  echo "the guest agent of $name did not answer; console: $dir/$name.console.log" >&2
  tail -n 20 "$dir/$name.console.log" >&2 || true
  exit 1
}

agent() { "${virsh[@]}" qemu-agent-command "$1" "$2"; }

exec_in() {
  local name=$1 nowait='' pid status arg args=''
  shift
  if [ "$1" = --nowait ]; then nowait=1; shift; fi
  for arg in "${@:2}"; do args="$args${args:+,}\"$arg\""; done
  pid=$(agent "$name" "{\"execute\":\"guest-exec\",\"arguments\":{\"path\":\"$1\",\"arg\":[$args]}}" |
        grep -o '"pid":[0-9]*' | cut -d: -f2)
  [ -n "$nowait" ] && return 0
  for _ in $(seq 1 100); do
    status=$(agent "$name" "{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":$pid}}")
    if [[ $status == *'"exited":true'* ]]; then
      [[ $status =~ \"exitcode\":([0-9]+) ]] && return "${BASH_REMATCH[1]}"
      return 1
    fi
    sleep 0.1
  done
  echo "'$*' did not finish in guest $name" >&2
  return 1
}

down() {
  local name=$1
  "${virsh[@]}" destroy "$name" >/dev/null 2>&1 || true
  "${virsh[@]}" undefine "$name" >/dev/null 2>&1 || true
  "${virsh[@]}" net-destroy "$name-net" >/dev/null 2>&1 || true
  "${virsh[@]}" net-undefine "$name-net" >/dev/null 2>&1 || true
}

case "${1:-}" in
  build) build "$2" ;;
  start) start "$2" "$3" ;;
  wait) wait_agent "$2" "$3" ;;
  exec) exec_in "${@:2}" ;;
  down) down "$2" ;;
  *) echo "usage: $0 build DIR | start NAME DIR | wait NAME DIR | exec NAME [--nowait] CMD... | down NAME" >&2; exit 2 ;;
esac
