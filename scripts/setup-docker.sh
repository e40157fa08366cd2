#!/usr/bin/env bash
# Makes a Docker engine answer on this machine, for `runtime: docker` and the Docker e2e tests.
#
# Idempotent: installs the distribution's `docker.io` only when no engine (`dockerd`) is installed, and starts
# `dockerd` in the background only when no engine answers `docker info`. Works as root on a fresh Debian or
# Ubuntu machine without systemd. Prints every step it took, and exits non-zero when the engine does not answer.
#
# Environment:
#   DOCKERD_LOG        where a dockerd started here writes its log (default /var/log/dockerd.log)
#   DOCKER_WAIT_SECONDS how long to wait for a started engine to answer, s (default 60)
#   DOCKERD_FLAGS      extra flags for a dockerd started here (default none)
set -euo pipefail

DOCKERD_LOG="${DOCKERD_LOG:-/var/log/dockerd.log}"
DOCKER_WAIT_SECONDS="${DOCKER_WAIT_SECONDS:-60}"
DOCKERD_FLAGS="${DOCKERD_FLAGS:-}"

SETUP_NAME=setup-docker
# shellcheck source=setup-common.sh
source "$(dirname "$0")/setup-common.sh"

engine_answers() { docker info >/dev/null 2>&1; }

# 1. The engine binary. A docker client alone (e.g. /usr/local/bin/docker) is not an engine.
if command -v dockerd >/dev/null 2>&1; then
  say "engine present: $(command -v dockerd) ($(dockerd --version 2>/dev/null || echo 'version unknown'))"
else
  command -v apt-get >/dev/null 2>&1 || fail "no dockerd and no apt-get: install a Docker engine by hand"
  say "no dockerd found: installing docker.io from the distribution (apt-get update && apt-get install -y docker.io)"
  apt_install docker.io
  command -v dockerd >/dev/null 2>&1 || fail "docker.io installed but dockerd is still not on PATH"
  say "installed $(dockerd --version)"
fi

command -v docker >/dev/null 2>&1 || fail "dockerd is installed but no docker client is on PATH"

# 2. A running engine.
if engine_answers; then
  say "engine already answers: server $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?')"
  exit 0
fi

dockerd_running() {
  if command -v pgrep >/dev/null 2>&1; then pgrep -x dockerd >/dev/null 2>&1; return; fi
  [ -s /var/run/docker.pid ] && kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null
}

start_dockerd() {
  say "starting dockerd${*:+ $*} in the background (log: $DOCKERD_LOG)"
  as_root mkdir -p "$(dirname "$DOCKERD_LOG")"
  # setsid + nohup: the engine outlives this script and the shell that ran it.
  as_root sh -c "nohup setsid dockerd $* >>'$DOCKERD_LOG' 2>&1 </dev/null &"
}

# Waits up to DOCKER_WAIT_SECONDS; returns 1 early when the engine process died.
wait_for_engine() {
  waited=0
  until engine_answers; do
    if [ "$waited" -ge "$DOCKER_WAIT_SECONDS" ]; then return 1; fi
    if [ "$waited" -ge 3 ] && ! dockerd_running; then return 1; fi
    sleep 1
    waited=$((waited + 1))
  done
}

if dockerd_running; then
  say "a dockerd process exists but does not answer yet; waiting for it"
else
  start_dockerd $DOCKERD_FLAGS
fi

if ! wait_for_engine && ! dockerd_running; then
  # Containers without NET_ADMIN cannot set up the default bridge; drill runs containers on host networking
  # only, so an engine without bridge and iptables is enough.
  say "dockerd exited; retrying without the default bridge and iptables (drill uses host networking only)"
  start_dockerd $DOCKERD_FLAGS --iptables=false --ip6tables=false --bridge=none
  wait_for_engine || true
fi

if ! engine_answers; then
  echo "setup-docker: error: the engine did not answer within ${DOCKER_WAIT_SECONDS} s; last lines of $DOCKERD_LOG:" >&2
  tail -n 20 "$DOCKERD_LOG" >&2 2>/dev/null || true
  exit 1
fi
say "engine answers after ${waited} s: server $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?')"
