#!/usr/bin/env bash
# STAND-IN for devstack's stack.sh, used only by the tests (devstack cannot be cloned here: no
# network beyond package registries). It runs nothing; it reproduces what the devstack role reads:
# - refuses root with exit 1, like stack.sh's EUID check;
# - reads localrc from local.conf's [[local|localrc]] section (like extract_localrc_from_localconf);
# - with LOGFILE, writes LOGFILE.<timestamp>, points LOGFILE at it, prefixes every line with
#   "YYYY-MM-DD HH:MM:SS.mmm | " and drops lines holding "set +o" or "xtrace" (tools/outfilter.py),
#   traces commands as devstack does without a terminal: stackrc's PS4='+ $(short_source):   ' with
#   functions-common's short_source = printf "%-40s " "$file:$func:$line", so
#   "+ ./stack.sh:main:800                     :   echo_summary 'Configuring Swift'";
# - success ends with "stack.sh completed in N seconds." and exit 0; a failure runs err_trap (traced
#   "local r=N" and "set +o xtrace", then "stack.sh failed: full log in LOGFILE") and exit_trap
#   (traced "local r=N", then "Error on exit"), exit rc of the failing command.
#   FAKE_STACK_FAIL_AT=<phase number> in localrc makes that phase fail;
#   FAKE_STACK_PHASE_SECONDS=<s> (default 1) is how long each phase takes.
# Shapes from openstack/devstack stack.sh, stackrc, functions-common and tools/outfilter.py.
set -u
TOP_DIR=$(cd "$(dirname "$0")" && pwd)
if [[ $EUID -eq 0 ]]; then
  echo "You are running this script as root."
  echo "Cut it out."
  echo "Really."
  echo "If you need an account to run DevStack, do this (as root, heh) to create a non-root account:"
  echo "$TOP_DIR/tools/create-stack-user.sh"
  exit 1
fi
# localrc commands stack.sh defines in functions-common; no-ops here.
# shellcheck disable=SC2317
disable_all_services() { :; }
# shellcheck disable=SC2317
enable_service() { :; }
FAKE_STACK_FAIL_AT=0
FAKE_STACK_PHASE_SECONDS=1
LOGFILE=""
if [[ -r $TOP_DIR/local.conf ]]; then
  awk '/^\[\[local\|localrc\]\]/{s=1; next} /^\[\[/{s=0} s' "$TOP_DIR/local.conf" > "$TOP_DIR/.localrc.auto"
  # shellcheck disable=SC1091
  source "$TOP_DIR/.localrc.auto" 2>/dev/null || true
fi
START=$SECONDS
stamp() { date '+%Y-%m-%d %H:%M:%S.%3N'; }
if [[ -n $LOGFILE ]]; then
  mkdir -p "$(dirname "$LOGFILE")"
  REAL="$LOGFILE.$(date +%Y-%m-%d-%H%M%S)"
  ln -sf "$REAL" "$LOGFILE"
  exec > >(while IFS= read -r line; do
             [[ $line =~ set\ \+o|xtrace ]] && continue
             printf '%s | %s\n' "$(stamp)" "$line"
           done >> "$REAL") 2>&1
  OUTFILTER=$!
fi
# Let the log writer finish before exiting, so the log is complete when the exit code is seen.
finish() { exec 1>&- 2>&-; [[ -n ${OUTFILTER:-} ]] && wait "$OUTFILTER" 2>/dev/null; exit "$1"; }
trace() { printf '+ %-40s :   %s\n' "$1" "$2"; }
phases=("Installing package prerequisites" "Installing OpenStack project source" "Configuring and starting MySQL"
        "Starting Keystone" "Configuring Swift" "Starting Swift")
commands=("sudo apt-get install -y bridge-utils" "git_clone https://opendev.org/openstack/keystone.git /opt/stack/keystone master"
          "sudo mysql -uroot -e 'CREATE DATABASE keystone'" "keystone-manage bootstrap --bootstrap-password ..."
          "swift-ring-builder /etc/swift/object.builder create 9 1 1" "swift-init --run-dir=/opt/stack/data/swift/run all restart")
sources=("./stack.sh:main:776" "functions-common:git_clone:620" "lib/databases/mysql:configure_database_mysql:92"
         "lib/keystone:start_keystone:577" "lib/swift:init_swift:648" "lib/swift:start_swift:778")
trace "./stack.sh:main:240" "echo_summary 'stack.sh log $LOGFILE'"
echo "Linux $(uname -n) $(uname -r)"
for i in "${!phases[@]}"; do
  n=$((i + 1))
  trace "./stack.sh:main:$((800 + i * 40))" "echo_summary '${phases[$i]}'"
  sleep "$FAKE_STACK_PHASE_SECONDS"
  trace "${sources[$i]}" "${commands[$i]}"
  if [[ $n -eq $FAKE_STACK_FAIL_AT ]]; then
    echo "[ERROR] ${sources[$i]%%:*}:${sources[$i]##*:} ${phases[$i]} failed"
    trace "./stack.sh:err_trap:560" "local r=2"
    trace "./stack.sh:err_trap:561" "set +o xtrace"
    echo "${0##*/} failed: full log in $LOGFILE"
    trace "./stack.sh:exit_trap:520" "local r=2"
    echo "Error on exit"
    finish 2
  fi
done
touch "$TOP_DIR/.stacked-by-stand-in"
echo ""
echo "This is your host IP address: 127.0.0.1"
echo "DevStack Version: stand-in (tests/testbed/fake_stack_sh)"
echo "stack.sh completed in $((SECONDS - START)) seconds."
finish 0
