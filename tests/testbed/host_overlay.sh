#!/usr/bin/env bash
# Test harness: an overlay of this machine's own root file system, for Molecule scenarios that need
# "another Debian 12 host" with this machine's packages (bindep.txt [test]) already installed, so
# there is no image to download and build.
#
#   host_overlay.sh up BASE [ext4|tmpfs] [SIZE]
#       BASE/root is the overlay: lower layer /, upper layer BASE/upper. The upper layer is an ext4
#       file system in a loop file by default (the roles' backups keep ext4 attributes, which a
#       tmpfs refuses), or a tmpfs. SIZE defaults to 2G. It first waits until no apt/dpkg run is
#       in progress here: this machine's package state is the overlay's lower layer.
#   host_overlay.sh down BASE
#       unmounts everything under BASE (deepest first) and removes BASE.
#
# Prints "changed" when it mounted or removed something, "ok" otherwise.
set -euo pipefail

wait_for_dpkg() {
  for _ in $(seq 1 120); do
    if ! fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock >/dev/null 2>&1 \
        && [ -z "$(ls -A /var/lib/dpkg/updates)" ]; then
      return 0
    fi
    sleep 5
  done
  echo "host_overlay.sh: this machine's dpkg stayed busy for 10 minutes" >&2
  exit 1
}

up() {
  local base=$1 kind=${2:-ext4} size=${3:-2G} changed=0
  wait_for_dpkg
  mkdir -p "$base/upper" "$base/root"
  if ! mountpoint -q "$base/upper"; then
    if [ "$kind" = tmpfs ]; then
      mount -t tmpfs -o size="$size" hc-overlay "$base/upper"
    else
      truncate -s "$size" "$base/upper.img"
      mkfs.ext4 -q -F "$base/upper.img"
      mount -o loop "$base/upper.img" "$base/upper"
    fi
    changed=1
  fi
  mkdir -p "$base/upper/u" "$base/upper/w"
  if ! mountpoint -q "$base/root"; then
    mount -t overlay hc-overlay -o "lowerdir=/,upperdir=$base/upper/u,workdir=$base/upper/w" "$base/root"
    changed=1
  fi
  [ "$changed" = 1 ] && echo changed || echo ok
}

down() {
  local base=$1 m
  if [ ! -d "$base" ]; then
    echo ok
    return 0
  fi
  for m in $(findmnt -rno TARGET | grep "^$base/" | sort -r); do
    mountpoint -q "$m" || continue  # gone with its parent
    umount "$m" 2>/dev/null || umount -l "$m"
  done
  # Never remove through a mount (an rbind of /dev, say): stop if anything is still mounted.
  if findmnt -rno TARGET | grep -q "^$base/"; then
    echo "host_overlay.sh: still mounted under $base: $(findmnt -rno TARGET | grep "^$base/" | tr '\n' ' ')" >&2
    exit 1
  fi
  rm -rf "$base"
  echo changed
}

case "${1:-}" in
  up) up "$2" "${3:-ext4}" "${4:-2G}" ;;
  down) down "$2" ;;
  *) echo "usage: $0 up BASE [ext4|tmpfs] [SIZE] | down BASE" >&2; exit 2 ;;
esac
