#!/usr/bin/env bash
# A routed path for mtu_path_check: NAME-a (10.252.1.1, MTU 9000) -- router NAME-r -- NAME-b
# (10.252.2.2). The router's side towards b is at MTU 1500, so it answers full-size frames with
# ICMP "fragmentation needed" and tracepath names it at hop 1. IPv6: fd52:1::1 -> fd52:2::2.
#   routed.sh up NAME | down NAME
set -euo pipefail
name=$2
case "$1" in
  up)
    for ns in a r b; do ip netns add "$name-$ns"; ip -n "$name-$ns" link set lo up; done
    ip -n "$name-a" link add eth0 type veth peer name r0 netns "$name-r"
    ip -n "$name-b" link add eth0 type veth peer name r1 netns "$name-r"
    ip netns exec "$name-r" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
    ip -n "$name-a" link set eth0 mtu 9000 up
    ip -n "$name-r" link set r0 mtu 9000 up
    ip -n "$name-r" link set r1 mtu 1500 up
    ip -n "$name-b" link set eth0 mtu 9000 up
    ip -n "$name-a" addr add 10.252.1.1/24 dev eth0
    ip -n "$name-r" addr add 10.252.1.254/24 dev r0
    ip -n "$name-r" addr add 10.252.2.254/24 dev r1
    ip -n "$name-b" addr add 10.252.2.2/24 dev eth0
    ip -n "$name-a" -6 addr add fd52:1::1/64 dev eth0 nodad
    ip -n "$name-r" -6 addr add fd52:1::fe/64 dev r0 nodad
    ip -n "$name-r" -6 addr add fd52:2::fe/64 dev r1 nodad
    ip -n "$name-b" -6 addr add fd52:2::2/64 dev eth0 nodad
    ip -n "$name-a" route add default via 10.252.1.254
    ip -n "$name-b" route add default via 10.252.2.254
    ip -n "$name-a" -6 route add default via fd52:1::fe
    ip -n "$name-b" -6 route add default via fd52:2::fe
    echo changed
    ;;
  down)
    for ns in a r b; do ip netns del "$name-$ns" 2>/dev/null || true; done
    echo changed
    ;;
esac
