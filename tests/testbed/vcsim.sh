#!/usr/bin/env bash
# Test harness: a vCenter simulator for pyvmomi, built offline from Debian's golang-go and
# golang-github-vmware-govmomi-dev (bindep.txt [test]) with our own main (vcsim/main.go: the seeded
# cluster) and our own hook (vcsim/das_hook.go: ReconfigureComputeResource_Task keeps dasConfig and
# drsConfig). The hook goes into a copy of govmomi made under the build directory at build time;
# no govmomi source is kept in this repository.
#   vcsim.sh up DIR [PORT]   build if needed, start on https://127.0.0.1:PORT/sdk (default 18720), state in DIR
#   vcsim.sh down DIR        stop what "up" started in DIR
# Any user name and password are accepted. Prints "changed" or "ok".
# HC_VCSIM_BUILD: build directory (default: <repository>/.build/vcsim).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/testbed/lib.sh
. "$here/lib.sh"
build=${HC_VCSIM_BUILD:-$(hc_build_dir "$here")/vcsim}
govmomi=/usr/share/gocode/src/github.com/vmware/govmomi

alive() { pid_alive "$1/vcsim.pid"; }

compile() {
  [ -d "$govmomi/simulator" ] || { echo "missing $govmomi: apt-get install golang-go golang-github-vmware-govmomi-dev" >&2; exit 1; }
  local stamp
  stamp=$(cat "$here/vcsim/main.go" "$here/vcsim/das_hook.go" /usr/share/doc/golang-github-vmware-govmomi-dev/changelog.Debian.gz 2>/dev/null | sha256sum | cut -c1-16)
  if [ -x "$build/hpvcsim" ] && [ "$(cat "$build/stamp" 2>/dev/null)" = "$stamp" ]; then return 0; fi
  local copy=$build/gopath/src/github.com/vmware/govmomi
  rm -rf "$build/gopath"
  mkdir -p "$copy" "$build/gopath/src/hpvcsim"
  cp -a "$govmomi/." "$copy/"
  cp "$here/vcsim/das_hook.go" "$copy/simulator/hp_das_hook.go"
  # Register the hook after the simulator's own updates (rules, groups, DAS/DRS VM overrides).
  sed -i 's/^\(\t*\)c\.updateOverridesDRS,$/&\n\1c.hpUpdateDasDrsConfig,/' "$copy/simulator/cluster_compute_resource.go"
  grep -q 'c.hpUpdateDasDrsConfig,' "$copy/simulator/cluster_compute_resource.go" || {
    echo "could not register the hook in simulator/cluster_compute_resource.go (govmomi version changed?)" >&2; exit 1; }
  cp "$here/vcsim/main.go" "$build/gopath/src/hpvcsim/main.go"
  (cd "$build/gopath/src/hpvcsim" && env GO111MODULE=off GOPATH="$build/gopath:/usr/share/gocode" \
     GOCACHE="$build/gocache" GOPROXY=off GOFLAGS= go build -o "$build/hpvcsim" .)
  echo "$stamp" > "$build/stamp"
}

up() {
  local dir=$1 port=${2:-18720}
  mkdir -p "$dir"
  if alive "$dir"; then echo ok; return 0; fi
  port_free "$port" "the vcsim of $dir"
  compile
  : > "$dir/vcsim.log"
  setsid "$build/hpvcsim" -l "127.0.0.1:$port" >"$dir/vcsim.log" 2>&1 < /dev/null &
  echo $! > "$dir/vcsim.pid"
  for _ in $(seq 1 100); do
    if grep -q '^listening' "$dir/vcsim.log" && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port" > "$dir/vcsim.port"
      echo changed; return 0
    fi
    alive "$dir" || break
    sleep 0.1
  done
  echo "vcsim did not listen on 127.0.0.1:$port; log:" >&2; cat "$dir/vcsim.log" >&2
  down "$dir" >/dev/null; exit 1
}

down() { pid_stop "$1/vcsim.pid"; }

case "${1:-}" in
  up) [ $# -ge 2 ] || { echo "usage: $0 up DIR [PORT]" >&2; exit 2; }; up "$2" "${3:-18720}" ;;
  down) [ $# -ge 2 ] || { echo "usage: $0 down DIR" >&2; exit 2; }; down "$2" ;;
  *) echo "usage: $0 up DIR [PORT] | down DIR" >&2; exit 2 ;;
esac
