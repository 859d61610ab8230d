#!/usr/bin/env bash
# Installs (if missing) and starts the Docker engine, idempotently. Never starts a second dockerd:
# a second daemon on the same host takes over docker0, or deletes it when started with --bridge none
# (dockerd 20.10). scripts/second-engine.sh starts one that keeps out of the main one's way.
# Usage: scripts/docker-engine.sh        (root; prints the daemon version when it answers)
set -euo pipefail

log() { echo "docker-engine: $*" >&2; }

if ! command -v dockerd >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then log "dockerd/debootstrap missing and not root: install docker.io and debootstrap"; exit 3; fi
  log "installing docker.io debootstrap"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q docker.io debootstrap >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q docker.io debootstrap >/dev/null; }
fi

answers() { timeout 10 docker info --format '{{.ServerVersion}}' >/dev/null 2>&1; }

if answers; then
  log "dockerd already running ($(docker info --format '{{.ServerVersion}}'))"
  exit 0
fi

# A daemon that is alive but not answering yet: wait for it instead of starting another one.
if [ -f /var/run/docker.pid ]; then
  pid="$(cat /var/run/docker.pid 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q dockerd "/proc/$pid/cmdline" 2>/dev/null; then
    log "dockerd (pid $pid) is starting; waiting"
  else
    log "removing stale /var/run/docker.pid"
    rm -f /var/run/docker.pid
  fi
fi

if [ ! -f /var/run/docker.pid ] && ! pgrep -x dockerd >/dev/null 2>&1; then
  log "starting dockerd"
  setsid dockerd --host unix:///var/run/docker.sock >>/var/log/dockerd.log 2>&1 </dev/null &
fi

for _ in $(seq 1 150); do
  if answers; then
    log "dockerd up ($(docker info --format '{{.ServerVersion}}'))"
    exit 0
  fi
  sleep 0.2
done
log "dockerd did not answer within 30 s; see /var/log/dockerd.log"
tail -n 20 /var/log/dockerd.log >&2 || true
exit 3
