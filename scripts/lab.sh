#!/usr/bin/env bash
# The local lab: `lab.sh converge [linear|mitogen] [ansible-playbook options]` or `lab.sh down`.
# Run through make (make lab, make lab-down), which puts the virtualenv on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
action=${1:-converge}
strategy=${2:-${LAB_STRATEGY:-linear}}

case "$action" in
  converge)
    if [ "$strategy" = mitogen ]; then
      # shellcheck source=tests/testbed/lib.sh
      . tests/testbed/lib.sh
      ANSIBLE_STRATEGY_PLUGINS=$(mitogen_strategy_dir)
      export ANSIBLE_STRATEGY_PLUGINS ANSIBLE_STRATEGY=mitogen_linear
    fi
    echo "lab: converging playbooks/lab.yml with the $strategy strategy"
    ansible-playbook playbooks/lab.yml "${@:3}"
    ;;
  down)
    ansible-playbook playbooks/lab_down.yml
    ;;
  *)
    echo "usage: $0 converge [linear|mitogen] | down" >&2
    exit 2
    ;;
esac
