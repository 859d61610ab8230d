#!/usr/bin/env bash
# A second Docker engine on this machine, reachable only at tcp://127.0.0.1:PORT: a stand-in for a
# remote engine (DOCKER_HOST=tcp://…) to try mxlab's docker runtime against. Root only.
#
#   scripts/second-engine.sh start DIR [PORT]   starts dockerd with everything of its own under DIR
#                                               (data-root, exec-root, pidfile, config, log) and
#                                               prints DOCKER_HOST=tcp://127.0.0.1:PORT; with
#                                               MXLAB_SECOND_TLS=1 it requires TLS with client
#                                               certificates (a CA, server and client certificate
#                                               made in DIR/certs) and prints DOCKER_TLS_VERIFY=1
#                                               and DOCKER_CERT_PATH=DIR/certs too
#   scripts/second-engine.sh load DIR IMAGE…    copies images from the main (local) engine to it
#                                               (docker save | docker -H … load: no registry needed)
#   scripts/second-engine.sh stop DIR           SIGTERM (bounded wait, then SIGKILL), kills what it
#                                               left (its containerd, shims), unmounts and removes DIR
#
# It leaves the main engine alone:
# - its own default bridge, mxlab-2nd-X, made here (--bridge NAME): dockerd 20.10 started with
#   --bridge none DELETES docker0 (removeDefaultBridgeInterface), and without --bridge it takes over
#   the main engine's docker0;
# - --iptables=false: a daemon with iptables on rewrites the DOCKER chains the main one uses;
# - its own addresses, 10.X.0.0/16 (MXLAB_SECOND_NET=X, default the first of 213…232 free on this
#   host: no route, no bridge): networks from 10.X.0.0/17 in /24s, its bridge 10.X.255.1/24 (the address set on it
#   here, which dockerd takes as the default network's gateway);
# - its own config (an empty daemon.json instead of /etc/docker/daemon.json).
# One iptables rule lets its containers talk to each other (bridged traffic goes through the host's
# FORWARD chain, whose policy the main engine sets to DROP) and matches only 10.X.0.0/16:
# `-s 10.X.0.0/16 -d 10.X.0.0/16 -j ACCEPT` in DOCKER-USER (or FORWARD when there is none); stop
# removes it and the bridge. Bounded: start gives up after 30 s, stop after about 20 s.
set -euo pipefail

log() { echo "second-engine: $*" >&2; }
die() { log "$*"; exit 3; }

cmd="${1:-}"
dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || { sed -n '2,12p' "$0" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "needs root (dockerd)"
command -v dockerd >/dev/null 2>&1 || die "dockerd missing: apt-get install docker.io (scripts/docker-engine.sh)"
dir="$(mkdir -p "$dir" && cd "$dir" && pwd)"
# the client talks to this machine's main engine unless told otherwise (and dockerd must not take
# TLS settings from the environment): never inherit a DOCKER_HOST here
unset DOCKER_HOST DOCKER_TLS_VERIFY DOCKER_CERT_PATH DOCKER_CONTEXT

# 10.X.0.0/16 and the bridge mxlab-2nd-X: X from DIR once started, else MXLAB_SECOND_NET, else the
# first of 213…232 that no route and no bridge of this host uses (so two second engines can coexist)
taken() { ip route | grep -qE "^10\.$1\." || ip link show "mxlab-2nd-$1" >/dev/null 2>&1; }
if [ -f "$dir/net-index" ]; then
  x="$(cat "$dir/net-index")"
elif [ -n "${MXLAB_SECOND_NET:-}" ]; then
  x="$MXLAB_SECOND_NET"
  [[ "$x" =~ ^[0-9]+$ ]] && [ "$x" -le 255 ] || die "MXLAB_SECOND_NET must be a number 0-255, got $x"
else
  x=""
  for i in $(seq 213 232); do taken "$i" || { x="$i"; break; }; done
  [ -n "$x" ] || [ "$cmd" != start ] || die "10.213.0.0/16 … 10.232.0.0/16 are all in use on this host; set MXLAB_SECOND_NET"
fi
net="10.$x.0.0/16"
bridge="mxlab-2nd-$x"
chain() { if iptables -w -n -L DOCKER-USER >/dev/null 2>&1; then echo DOCKER-USER; else echo FORWARD; fi; }

# what a client of this engine sets
client_env() {
  echo "DOCKER_HOST=tcp://127.0.0.1:$(cat "$dir/port")"
  if [ -f "$dir/certs/cert.pem" ]; then echo "DOCKER_TLS_VERIFY=1"; echo "DOCKER_CERT_PATH=$dir/certs"; fi
}
second() { env $(client_env) docker "$@"; }
answers() { [ -f "$dir/port" ] && timeout 5 env $(client_env) docker version --format '{{.Server.Version}}' 2>/dev/null | grep -q .; }

# a CA, a server certificate for 127.0.0.1 and a client certificate (EC P-256, two days), in DIR/certs
make_certs() {
  local c="$dir/certs" key=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  mkdir -p "$c"
  openssl req -x509 "${key[@]}" -keyout "$c/ca-key.pem" -out "$c/ca.pem" -days 2 -subj /CN=mxlab-second-engine-ca 2>/dev/null
  openssl req "${key[@]}" -keyout "$c/server-key.pem" -out "$c/server.csr" -subj /CN=127.0.0.1 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$c/server.ext"
  openssl x509 -req -in "$c/server.csr" -CA "$c/ca.pem" -CAkey "$c/ca-key.pem" -CAcreateserial -days 2 -extfile "$c/server.ext" -out "$c/server-cert.pem" 2>/dev/null
  openssl req "${key[@]}" -keyout "$c/key.pem" -out "$c/client.csr" -subj /CN=mxlab-client 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' >"$c/client.ext"
  openssl x509 -req -in "$c/client.csr" -CA "$c/ca.pem" -CAkey "$c/ca-key.pem" -CAcreateserial -days 2 -extfile "$c/client.ext" -out "$c/cert.pem" 2>/dev/null
  [ -s "$c/cert.pem" ] && [ -s "$c/server-cert.pem" ] || die "openssl could not make the certificates in $c"
}

# processes started for this engine: its dockerd, and the containerd and shims whose command line names DIR
own_pids() {
  local p
  for p in $(pgrep -f -- "$dir/" || true); do
    [ "$p" != "$$" ] && grep -qE 'dockerd|containerd' "/proc/$p/cmdline" 2>/dev/null && echo "$p"
  done
  return 0
}

start() {
  local port="${1:-}"
  if answers; then log "already up"; client_env; return; fi
  [ -z "$(own_pids)" ] || die "processes of an earlier engine in $dir are still there: run stop first"
  if [ -z "$port" ]; then
    port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  fi
  # 10.X/16 must not overlap a route of this host (the main engine's networks, the uplink)
  if ip route | grep -qE "^10\.$x\."; then
    die "10.$x.0.0/16 overlaps a route of this host ($(ip route | grep -E "^10\.$x\." | head -1)); set MXLAB_SECOND_NET to another number"
  fi
  ! ip link show "$bridge" >/dev/null 2>&1 || die "bridge $bridge exists already: another second engine uses 10.$x.0.0/16 (stop it, or set MXLAB_SECOND_NET)"
  mkdir -p "$dir/data" "$dir/exec"
  echo "$x" >"$dir/net-index"
  echo '{}' >"$dir/daemon.json"
  echo "$port" >"$dir/port"
  echo "$net" >"$dir/net"
  ip link add name "$bridge" type bridge
  echo "$bridge" >"$dir/bridge"
  ip addr add "10.$x.255.1/24" dev "$bridge"
  ip link set "$bridge" up
  local c; c="$(chain)"
  iptables -w -C "$c" -s "$net" -d "$net" -j ACCEPT 2>/dev/null || iptables -w -I "$c" 1 -s "$net" -d "$net" -j ACCEPT
  echo "$c" >"$dir/iptables-chain"
  local tls=(--tls=false)
  if [ "${MXLAB_SECOND_TLS:-}" = 1 ]; then
    command -v openssl >/dev/null 2>&1 || die "MXLAB_SECOND_TLS=1 needs openssl"
    make_certs
    tls=(--tlsverify --tlscacert "$dir/certs/ca.pem" --tlscert "$dir/certs/server-cert.pem" --tlskey "$dir/certs/server-key.pem")
  fi
  log "starting dockerd on tcp://127.0.0.1:$port (root $dir${MXLAB_SECOND_TLS:+, TLS with client certificates})"
  # --tls=false, explicitly (20.10 and later accept it). Docker deprecates unauthenticated TCP
  # listeners from 26.0 on (docker/cli docs/deprecated.md, "Unauthenticated TCP connections") but
  # exempts localhost, which is all this one listens on
  setsid dockerd \
    --host "tcp://127.0.0.1:$port" "${tls[@]}" \
    --config-file "$dir/daemon.json" \
    --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
    --bridge "$bridge" --iptables=false --ip-masq=false --ip-forward=false \
    --default-address-pool "base=10.$x.0.0/17,size=24" \
    --containerd-namespace mxlab-second --containerd-plugins-namespace mxlab-second-plugins \
    >>"$dir/dockerd.log" 2>&1 </dev/null &
  echo $! >"$dir/launcher.pid"
  for _ in $(seq 1 150); do
    if answers; then
      log "up ($(second version --format '{{.Server.Version}}'))"
      client_env
      return
    fi
    kill -0 "$(cat "$dir/launcher.pid")" 2>/dev/null || { log "dockerd exited:"; tail -n 3 "$dir/dockerd.log" >&2; stop; exit 3; }
    sleep 0.2
  done
  log "dockerd did not answer within 30 s:"; tail -n 15 "$dir/dockerd.log" >&2 || true
  stop; exit 3
}

load() {
  answers || die "the engine in $dir does not answer: start it first"
  [ $# -gt 0 ] || die "load needs image names"
  local t0=$SECONDS
  docker save "$@" | second load -q >&2 || die "docker save $* | docker load failed"
  log "loaded $* in $((SECONDS - t0)) s"
}

stop() {
  local pid=""
  [ -f "$dir/dockerd.pid" ] && pid="$(cat "$dir/dockerd.pid" 2>/dev/null || true)"
  [ -n "$pid" ] || { [ -f "$dir/launcher.pid" ] && pid="$(cat "$dir/launcher.pid")"; } || true
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q dockerd "/proc/$pid/cmdline" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 75); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then log "dockerd $pid still up after 15 s: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  # its containerd and shims, if dockerd died before stopping them
  local left; left="$(own_pids)"
  if [ -n "$left" ]; then
    kill -TERM $left 2>/dev/null || true; sleep 1
    left="$(own_pids)"; [ -z "$left" ] || kill -KILL $left 2>/dev/null || true
    sleep 0.2
  fi
  if [ -f "$dir/iptables-chain" ] && [ -f "$dir/net" ]; then
    iptables -w -D "$(cat "$dir/iptables-chain")" -s "$(cat "$dir/net")" -d "$(cat "$dir/net")" -j ACCEPT 2>/dev/null || true
  fi
  # the bridge this script made (never docker0)
  if [ -f "$dir/bridge" ] && [ "$(cat "$dir/bridge")" = "$bridge" ]; then ip link del "$bridge" 2>/dev/null || true; fi
  # mounts under DIR (overlay layers, netns files, shm), deepest first
  local m
  for m in $(awk -v d="$dir/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "cannot unmount $m"
  done
  [ -z "$(own_pids)" ] || die "processes of this engine survived: $(own_pids)"
  rm -rf "$dir"
  log "stopped; $dir removed"
}

case "$cmd" in
  start) start "${3:-}" ;;
  load) shift 2; load "$@" ;;
  stop) stop ;;
  *) sed -n '2,12p' "$0" >&2; exit 2 ;;
esac
