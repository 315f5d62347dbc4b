#!/usr/bin/env bash
# STAND-IN for devstack's unstack.sh (tests only): records that it ran.
TOP_DIR=$(cd "$(dirname "$0")" && pwd)
[[ $EUID -eq 0 ]] && { echo "unstack.sh must not run as root"; exit 1; }
rm -f "$TOP_DIR/.stacked-by-stand-in"
echo "unstack $(date +%s)" >> "$TOP_DIR/.stand-in-history"
