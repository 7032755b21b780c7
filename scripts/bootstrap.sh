#!/usr/bin/env bash
# System packages the test suite needs and pip cannot bring: a PostgreSQL server (the tests start
# a throwaway cluster) and a Java runtime for the local Spark session. Installs only what is
# missing; needs root (or sudo) for apt-get.
set -euo pipefail

have_pg() {
  command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && return 0
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}

have_java() {
  command -v java >/dev/null 2>&1 && java -version >/dev/null 2>&1
}

updated=0
apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ "$updated" -eq 0 ]; then $sudo apt-get update -qq; updated=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

if ! have_pg; then
  echo "bootstrap: installing the PostgreSQL server (apt-get install postgresql)"
  apt_install postgresql
fi
if ! have_java; then
  echo "bootstrap: installing a Java runtime for Spark (apt-get install default-jre-headless)"
  apt_install default-jre-headless
fi
# optional: headless Chromium screenshots the HTML validation report in a test (skipped without it)
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  echo "bootstrap: installing chromium for the HTML report's screenshot test (optional)"
  apt_install chromium || echo "bootstrap: chromium not installed; the screenshot test will skip"
fi
echo "bootstrap: PostgreSQL server and Java present"
