#!/usr/bin/env bash
# Installs what safeddl needs to build, test and demo on Debian 12, when it is missing.
# Usage: scripts/deps.sh [--bench]   (--bench adds sysbench and percona-toolkit)
set -euo pipefail

packages=(build-essential cmake ninja-build ccache pkg-config git
          mariadb-server mariadb-client libmariadb-dev galera-4 rsync iproute2
          libcli11-dev libfmt-dev nlohmann-json3-dev libgtest-dev libgmock-dev zlib1g-dev)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(libbenchmark-dev sysbench percona-toolkit time)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
