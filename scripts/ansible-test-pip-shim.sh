#!/usr/bin/env bash
# Write the offline stand-in for the get-pip script that ansible-test downloads when it creates a
# sanity-test venv (its download host is not reachable from the lab machines).
set -euo pipefail
# The pip version ansible-test 2.19 bootstraps (ansible_test/_internal/python_requirements.py).
version=24.2
cache=${HOME}/.ansible/test/cache
mkdir -p "$cache"
cat > "$cache/get_pip_${version//./_}.py" <<PY
# Offline stand-in for get-pip ${version}, written by hypercloud.builder's bootstrap.
# ensurepip runs in a child process: in-process it sets PIP_CONFIG_FILE=/dev/null and so drops the
# machine's /etc/pip.conf (which may carry the package index's CA certificate).
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade', '--default-pip'])
subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args)
PY
