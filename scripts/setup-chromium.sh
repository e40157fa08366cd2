#!/usr/bin/env bash
# Makes the distribution's Chromium available at /usr/bin/chromium, for the HTML report's browser test
# (test/e2e/html-report.test.ts drives it headless through puppeteer-core, which downloads no browser).
#
# Idempotent: installs the `chromium` package only when /usr/bin/chromium is missing. Works as root on a fresh
# Debian machine (on Ubuntu the package is a snap stub: install a Chromium by hand and set DRILL_CHROMIUM).
set -euo pipefail

CHROMIUM="${DRILL_CHROMIUM:-/usr/bin/chromium}"

SETUP_NAME=setup-chromium
# shellcheck source=setup-common.sh
source "$(dirname "$0")/setup-common.sh"

if [ -x "$CHROMIUM" ]; then
  say "present: $CHROMIUM ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || fail "no $CHROMIUM and no apt-get: install Chromium by hand (or set DRILL_CHROMIUM)"
say "no $CHROMIUM: installing chromium from the distribution (apt-get update && apt-get install -y chromium)"
apt_install chromium
[ -x "$CHROMIUM" ] || fail "chromium installed but $CHROMIUM is still missing"
say "installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)"
