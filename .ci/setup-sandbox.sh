#!/bin/sh
# Prepares a CI machine (Debian 12, root, after `npm ci`) for the sandbox tests: installs the
# tools the sandbox runs, then builds the cached root filesystem (debootstrap from the mirror apt
# already uses, about a minute, once per package-list version) and the local package repository.
set -eu
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-sandbox: must run as root (the sandbox mounts overlays and starts containers)" >&2
  exit 1
fi

# debootstrap: root filesystem; systemd-container: systemd-nspawn; openssh-client: ssh, ssh-keygen;
# rpm: rpmbuild; createrepo-c: repository metadata; iproute2: the bridge; util-linux: nsenter, mount.
packages="debootstrap systemd-container openssh-client rpm createrepo-c iproute2 util-linux mount"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup-sandbox: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $missing
fi

npx tsx src/sandbox/cli-entry.ts prepare
