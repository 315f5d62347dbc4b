# shellcheck shell=bash
# Sourced by the test harness scripts beside it: pid files and the repository's build directory.

# hc_build_dir DIR: the repository's .build for a script in DIR. That is an ancestor named .build
# (ansible-test copies the scripts into a temporary directory under .build/tree when run by make),
# else DIR/../../.build.
hc_build_dir() {
  local d=$1
  while [ "$d" != / ]; do
    if [ "$(basename "$d")" = .build ]; then echo "$d"; return 0; fi
    d=$(dirname "$d")
  done
  echo "$1/../../.build"
}

# pid_alive FILE: the process whose pid FILE holds is running.
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1" 2>/dev/null)" 2>/dev/null; }

# pid_stop FILE [TENTHS]: stop the process whose pid FILE holds (SIGTERM, then wait up to TENTHS
# tenths of a second, default 50) and remove FILE. Prints "changed" when it stopped one, "ok" when
# none ran.
pid_stop() {
  local file=$1 tenths=${2:-50}
  if pid_alive "$file"; then
    kill "$(cat "$file")"
    for _ in $(seq 1 "$tenths"); do pid_alive "$file" || break; sleep 0.1; done
    rm -f "$file"; echo changed
  else
    rm -f "$file"; echo ok
  fi
}

# port_free PORT WHAT [REMEDY]: fail, naming the port, when something already accepts connections on
# 127.0.0.1:PORT. Called before starting WHAT, whose own pid file showed no live process: a leftover
# from an earlier run would otherwise answer the readiness check in the new one's place. REMEDY is
# offered besides stopping the leftover.
port_free() {
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
    echo "127.0.0.1:$1 already answers, but $2 is not running: another process holds the port (a leftover from an earlier run?). Stop it${3:+ or $3} and run again." >&2
    exit 1
  fi
}

# mitogen_strategy_dir: the directory of the Mitogen strategy plugins (ANSIBLE_STRATEGY_PLUGINS) of the
# python on PATH.
mitogen_strategy_dir() {
  python -c 'import ansible_mitogen, os; print(os.path.join(os.path.dirname(ansible_mitogen.__file__), "plugins", "strategy"))'
}
