#!/usr/bin/env bash
# Installs the distribution's redis-server, which `redis` services start on runtime: process.
#
# Idempotent: does nothing when a redis-server is on PATH (or at /usr/bin/redis-server); otherwise, as root on
# Debian or Ubuntu, runs `apt-get update && apt-get install -y redis-server`. Starts no server: drill starts its
# own per service. Exits non-zero when redis-server is still missing.
set -euo pipefail

SETUP_NAME=setup-redis
# shellcheck source=setup-common.sh
source "$(dirname "$0")/setup-common.sh"

found() { command -v redis-server 2>/dev/null || { [ -x /usr/bin/redis-server ] && echo /usr/bin/redis-server; }; }

if binary="$(found)"; then
  say "redis-server present: $binary ($("$binary" --version))"
  exit 0
fi
command -v apt-get >/dev/null 2>&1 || fail "no redis-server and no apt-get: install redis-server by hand"
say "no redis-server found: installing it from the distribution (apt-get update && apt-get install -y redis-server)"
apt_install redis-server
binary="$(found)" || fail "redis-server installed but still not found"
# The package's service may have been started by the install where an init runs; drill does not use it.
say "installed $("$binary" --version)"
