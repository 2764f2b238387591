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
built=no
if [ ! -d node_modules ]; then
  echo "== npm ci (its prepare script builds k8splay)"
  npm ci --no-audit --no-fund
  built=yes
fi
echo "== sandbox root filesystem and package repository"
bash .ci/setup-sandbox.sh
if [ "$built" = no ]; then
  echo "== build"
  npm run build
fi
[ "$#" -gt 0 ] || set -- --reps 3 1 3 20 50
exec node --import tsx bench/vs-ansible.ts "$@"
