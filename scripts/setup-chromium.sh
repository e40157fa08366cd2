#!/usr/bin/env bash
# Makes the distribution's Chromium available at /usr/bin/chromium, for the HTML report's browser test
# (test/e2e/html-report.test.ts drives it headless through puppeteer-core, which downloads no browser).
#
# Idempotent: installs the `chromium` package only when /usr/bin/chromium is missing. Works as root on a fresh
# Debian machine (on Ubuntu the package is a snap stub: install a Chromium by hand and set DRILL_CHROMIUM).
set -euo pipefail

CHROMIUM="${DRILL_CHROMIUM:-/usr/bin/chromium}"

say() { echo "setup-chromium: $*"; }
fail() { echo "setup-chromium: error: $*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"
  else fail "needs root (or password-less sudo) to run: $*"
  fi
}

if [ -x "$CHROMIUM" ]; then
  say "present: $CHROMIUM ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || fail "no $CHROMIUM and no apt-get: install Chromium by hand (or set DRILL_CHROMIUM)"
say "no $CHROMIUM: installing chromium from the distribution (apt-get update && apt-get install -y chromium)"
as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium
[ -x "$CHROMIUM" ] || fail "chromium installed but $CHROMIUM is still missing"
say "installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)"
