#!/usr/bin/env bash
# STAND-IN for devstack's clean.sh (tests only): records that it ran.
TOP_DIR=$(cd "$(dirname "$0")" && pwd)
[[ $EUID -eq 0 ]] && { echo "clean.sh must not run as root"; exit 1; }
echo "clean $(date +%s)" >> "$TOP_DIR/.stand-in-history"
