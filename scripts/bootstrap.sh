#!/usr/bin/env bash
# System packages the test suite needs and pip cannot bring: a PostgreSQL server (the tests start
# a throwaway cluster). Installs only what is missing; needs root (or sudo) for apt-get.
set -euo pipefail

have_pg() {
  command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && return 0
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}

apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

if ! have_pg; then
  echo "bootstrap: installing the PostgreSQL server (apt-get install postgresql)"
  apt_install postgresql
fi
echo "bootstrap: PostgreSQL server binaries present"
