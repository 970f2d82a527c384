#!/usr/bin/env bash
# Installs the Debian 12 packages icb-engine needs to build, test and benchmark, if any are missing.
set -euo pipefail
PACKAGES=(build-essential cmake ninja-build pkg-config git ca-certificates
  libtbb-dev libfmt-dev libcli11-dev nlohmann-json3-dev libssl-dev libxlsxwriter-dev
  libgtest-dev libgmock-dev libbenchmark-dev libboost-math-dev libeigen3-dev libxgboost-dev xgboost libsqlite3-dev sqlite3 python3 python3-pandas unzip procps time bc
  libcpp-httplib-dev libargon2-dev libpq-dev postgresql chromium nodejs wrk curl)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "Installing: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
