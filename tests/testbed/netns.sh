#!/usr/bin/env bash
# Test harness: "hosts" made of network namespaces, for integration tests, Molecule, the lab and
# benchmarks. Every address lives inside namespaces this script creates; nothing touches the host's
# own interfaces. Prints "changed" when it created or removed something, "ok" otherwise.
#
#   netns.sh up NAME HOSTS     star topology, all links at MTU 1500:
#                                NAME-sw      bridge br0 with ports p1..pN (the "switch")
#                                NAME-hvK     eth0 (veth to pK, 10.250.0.K/24, the underlay)
#                                             vx100 (VXLAN 100 over eth0, multicast 239.1.1.100)
#                                             br-vm (bridge with port vx100, 10.251.0.K/24, the overlay)
#   netns.sh links NAME COUNT  one namespace NAME with COUNT veth pairs vaI/vbI (benchmarks)
#   netns.sh down NAME         remove NAME-sw, NAME-hv*, and NAME itself
#   netns.sh list NAME         the namespaces that belong to NAME
set -euo pipefail

changed=0
ns_add() {
  if ! ip netns list | grep -qw -- "^$1"; then
    ip netns add "$1"
    ip -n "$1" link set lo up
    changed=1
  fi
}
has_link() { ip -n "$1" link show "$2" >/dev/null 2>&1; }
# A fresh link: create it, add an address if one is given, bring it up.
new_link() {
  local ns=$1 name=$2 addr=$3
  shift 3
  if ! has_link "$ns" "$name"; then
    ip -n "$ns" link add "$name" "$@"
    [ -n "$addr" ] && ip -n "$ns" addr add "$addr" dev "$name"
    ip -n "$ns" link set "$name" up
    changed=1
  fi
}

up() {
  local name=$1 hosts=$2 sw="$1-sw" k hv
  ns_add "$sw"
  new_link "$sw" br0 "" type bridge
  for k in $(seq 1 "$hosts"); do
    hv="$name-hv$k"
    ns_add "$hv"
    if ! has_link "$hv" eth0; then
      ip -n "$sw" link add "p$k" type veth peer name eth0 netns "$hv"
      ip -n "$sw" link set "p$k" master br0 up
      ip -n "$hv" addr add "10.250.0.$k/24" dev eth0
      ip -n "$hv" link set eth0 up
      changed=1
    fi
    new_link "$hv" vx100 "" type vxlan id 100 dstport 4789 group 239.1.1.100 dev eth0 local "10.250.0.$k"
    new_link "$hv" br-vm "10.251.0.$k/24" type bridge
    if ! ip -n "$hv" -o link show vx100 | grep -q 'master br-vm'; then
      ip -n "$hv" link set vx100 master br-vm
      changed=1
    fi
  done
}

links() {
  local name=$1 count=$2 i
  ns_add "$name"
  for i in $(seq 1 "$count"); do
    new_link "$name" "va$i" "" type veth peer name "vb$i"
    ip -n "$name" link set "vb$i" up
  done
}

list() { ip netns list | awk '{print $1}' | grep -E -- "^$1(-sw|-hv[0-9]+)?$" || true; }

down() {
  local ns
  for ns in $(list "$1"); do
    ip netns del "$ns"
    changed=1
  done
}

case "${1:-}" in
  up) up "$2" "$3" ;;
  links) links "$2" "$3" ;;
  down) down "$2" ;;
  list) list "$2"; exit 0 ;;
  *) echo "usage: $0 up NAME HOSTS | links NAME COUNT | down NAME | list NAME" >&2; exit 2 ;;
esac
if [ "$changed" = 1 ]; then echo changed; else echo ok; fi
