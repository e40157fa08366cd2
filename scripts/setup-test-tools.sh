#!/usr/bin/env bash
# `npm test`'s pretest step: the programs the tests drive besides Node, installed from the distribution when
# missing (as root on Debian; idempotent, quick when they are present): Chromium for the HTML pages' browser
# tests, redis-server for `redis` services. A Docker engine is not required here: without one the container
# tests are reported as skipped (`.ci/run` starts one first, see scripts/setup-docker.sh).
set -euo pipefail
cd "$(dirname "$0")"
bash setup-chromium.sh
bash setup-redis.sh
