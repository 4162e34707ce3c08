#!/usr/bin/env bash
# Installs everything greenlight needs to build, test and run its demo, from Debian's packages.
# Safe to run again: it only calls apt-get when a package is missing.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config make clang libclang-rt-14-dev
  # libraries (see README: which and why)
  libyaml-cpp-dev nlohmann-json3-dev libarchive-dev libcli11-dev libssl-dev libacl1-dev libsqlite3-dev
  libboost-dev libcurl4-openssl-dev libpugixml-dev
  googletest libgtest-dev libbenchmark-dev
  # what the tests, the demo and the sample app's hooks run
  acl python3 curl zip unzip procps tar gzip passwd haproxy wrk
  # the analysis tests query a real Prometheus server
  prometheus
  # the dashboard's browser tests: headless Chromium driven from Node (tests/browser); npm below
  chromium nodejs
  # the live terminal view is tested under a pseudo-terminal
  tmux
)

missing=()
for package in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)"
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
# Some nodejs packages bring their own npm; Debian's is installed only when there is none.
command -v npm >/dev/null 2>&1 || missing+=(npm)

if ((${#missing[@]} > 0)); then
  echo "installing: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The AWS tests talk to a real moto_server (Python; not packaged by Debian 12).
if ! command -v moto_server >/dev/null 2>&1; then
  echo "installing moto_server (the AWS tests' peer) with pip"
  python3 -m pip install --quiet 'moto[server]' 2>/dev/null ||
    python3 -m pip install --quiet --break-system-packages 'moto[server]' ||
    echo "moto_server is missing and pip could not install it: install 'moto[server]' for the AWS tests" >&2
fi
