#!/usr/bin/env bash
# Installs, from Debian's packages, whatever the build, tests and demo need and
# the machine lacks. Idempotent and quick when everything is present.
set -euo pipefail

packages=(
  postgresql-15 postgresql-client-15 postgresql-server-dev-15 postgresql-15-pgtap
  libtap-parser-sourcehandler-pgtap-perl postgresql-contrib
  g++ make cmake libgtest-dev libbenchmark-dev nlohmann-json3-dev
  clang-14 libclang-rt-14-dev tzdata
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "deps: not root; install these packages first: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
