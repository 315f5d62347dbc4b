#!/usr/bin/env bash
# Build (once per run) the Debian 12 guest image the kvm_host-vm scenario boots under QEMU TCG.
#   image.sh DIR     writes DIR/root.img (ext4), DIR/vmlinuz, DIR/initrd.img and DIR/id_ed25519
# The heavy packages the role installs (QEMU, libvirt, the Python bindings) are pre-included so the
# role's install step only confirms them. Nothing but Debian's archive is reached. Prints
# "changed" when it built the image, "ok" when DIR already holds one.
set -euo pipefail
dir=$1
mirror=${HC_DEBIAN_MIRROR:-http://deb.debian.org/debian}
include=linux-image-amd64,systemd-sysv,dbus,libpam-systemd,udev,openssh-server,python3,iproute2,initramfs-tools,kmod,ifupdown,isc-dhcp-client,qemu-system-x86,qemu-utils,libvirt-daemon-system,libvirt-clients,dnsmasq-base,python3-libvirt,python3-lxml,python3-apt,procps
# An image built from another package list (an older image.sh) is rebuilt.
if [ -f "$dir/root.img" ] && [ -f "$dir/vmlinuz" ] && [ "$(cat "$dir/packages" 2>/dev/null)" = "$include" ]; then
  echo ok; exit 0
fi
mkdir -p "$dir"
rm -f "$dir/packages"
root="$dir/rootfs"
rm -rf "$root"
debootstrap --variant=minbase --include="$include" bookworm "$root" "$mirror" >"$dir/debootstrap.log" 2>&1
[ -f "$dir/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$dir/id_ed25519"
install -d -m 700 "$root/root/.ssh"
install -m 600 "$dir/id_ed25519.pub" "$root/root/.ssh/authorized_keys"
printf 'auto lo\niface lo inet loopback\nauto eth0\niface eth0 inet dhcp\n' >"$root/etc/network/interfaces"
echo '/dev/vda / ext4 defaults 0 1' >"$root/etc/fstab"
echo hk-vm >"$root/etc/hostname"
rm -f "$root"/etc/ssh/ssh_host_*
chroot "$root" ssh-keygen -A >/dev/null
chroot "$root" apt-get clean
cp "$root"/boot/vmlinuz-* "$dir/vmlinuz"
cp "$root"/boot/initrd.img-* "$dir/initrd.img"
rm -f "$dir/root.img"
mkfs.ext4 -q -L root -d "$root" "$dir/root.img" 3G
rm -rf "$root"
echo "$include" >"$dir/packages"
echo changed
