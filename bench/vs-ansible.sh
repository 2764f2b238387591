#!/bin/sh
# One command from a fresh clone (as root): installs what the benchmark needs (Ansible, the
# sandbox tools and root filesystem, node modules), builds k8splay, then runs bench/vs-ansible.ts.
#   bash bench/vs-ansible.sh [--reps R] [N ...]     (default: --reps 3 1 3 20 50)
set -eu
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "bench/vs-ansible.sh: must run as root (the sandbox boots containers)" >&2
  exit 1
fi
if ! command -v ansible-playbook >/dev/null 2>&1; then
  echo "== installing ansible (the benchmark's peer)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends ansible
fi
if [ ! -d node_modules ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund
fi
echo "== sandbox root filesystem and package repository"
bash .ci/setup-sandbox.sh
echo "== build"
npm run build >/dev/null
[ "$#" -gt 0 ] || set -- --reps 3 1 3 20 50
exec node --import tsx bench/vs-ansible.ts "$@"
