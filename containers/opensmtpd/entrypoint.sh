#!/bin/sh
# mxlab's OpenSMTPD adapter: renders the environment contract (containers/README.md) into
# smtpd.conf(5), then runs smtpd in the foreground, verbose, its log on stdout.
#   mxlab-entrypoint              configure, then exec smtpd
#   mxlab-entrypoint reconfigure  configure again (settings from /etc/mxlab/env), empty the queue, restart smtpd
#   mxlab-entrypoint reset        empty the queue and the maildir (the next cell runs the same settings)
# Works on any image with smtpd in /usr/sbin (mxlab copies this script into `image:` / `build:` images).
# A sender under the lab DNS (MXLAB_RESOLVER instead of MXLAB_RELAY) relays by MX through the lab
# resolver, its only nameserver. OpenSMTPD has no DANE and no MTA-STS (validation refuses them).
set -eu
[ -f /etc/mxlab/env ] && . /etc/mxlab/env
role="${MXLAB_ROLE:-sender}"
host="${MXLAB_HOSTNAME:-mta.example}"
ca="${MXLAB_CA_FILE:-/etc/mxlab/tls/ca.pem}"
cert="${MXLAB_CERT_FILE:-/etc/mxlab/tls/cert.pem}"
key="${MXLAB_KEY_FILE:-/etc/mxlab/tls/key.pem}"
maildir="${MXLAB_MAILDIR:-/var/mail/mxlab}"

configure() {
  echo "$host" > /etc/mailname
  # without the lab DNS, no nameserver at all (as the Exim adapter: Docker's 127.0.0.11 answers
  # nothing for 10 s on the internal network); /etc/hosts first (asr reads `lookup`), where the lab's names are
  [ -n "${MXLAB_RESOLVER:-}" ] || printf 'lookup file bind\nnameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > /etc/resolv.conf
  if [ -d /etc/smtpd ]; then echo "$host" > /etc/smtpd/mailname; fi
  {
    # a sender holds its last connection open for 10 s after its last message (mta "hanging on",
    # limit.c session-keepalive default 10); mxlab reads a hop when its connection closes, so the
    # sender quits at once — before the node's `config:`, which may set it again
    if [ "$role" = sender ]; then echo "mta limit session-keepalive 0"; fi
    # the node's `config:` first: smtpd.conf lines (tables, limits, pki, or `match` rules, which win
    # over the ones below as the first match does)
    if [ -n "${MXLAB_CONFIG_FILE:-}" ] && [ -s "$MXLAB_CONFIG_FILE" ]; then cat "$MXLAB_CONFIG_FILE"; echo; fi
    echo "smtp max-message-size ${MXLAB_MAX_SIZE:-35M}"
    echo "table aliases file:/etc/aliases"
    case "$role" in
      sender) sender ;;
      receiver) receiver ;;
      *) echo "mxlab: unknown MXLAB_ROLE=$role" >&2; exit 2 ;;
    esac
  } > /etc/smtpd.conf
  smtpd -n -f /etc/smtpd.conf >/dev/null
}

# the run CA joins the system store, which smtpd's relay verification reads (smtpd.conf(5) `ca NAME
# cert FILE` did not take: OpenSMTPD 6.8 then refused the run CA's valid certificate, "SSL certificate check failed")
trust_run_ca() {
  mkdir -p /etc/ssl/certs
  grep -q 'mxlab run CA' /etc/ssl/certs/ca-certificates.crt 2>/dev/null || { echo '# mxlab run CA'; cat "$ca"; } >> /etc/ssl/certs/ca-certificates.crt
}

sender() {
  relay="${MXLAB_RELAY:-}"
  resolver="${MXLAB_RESOLVER:-}"
  if [ -n "$resolver" ] && [ -z "$relay" ]; then
    # the lab DNS: the only nameserver; smtpd.conf(5) `relay` without `host` looks up MX records
    printf 'nameserver %s\n' "$resolver" > /etc/resolv.conf
    case "${MXLAB_TLS:-opportunistic}" in
      opportunistic) how="relay" ;;
      required) how="relay tls no-verify" ;;
      # `ca NAME cert FILE` names one host, and MX hosts are not known here: the run CA joins the system store
      verify) how="relay tls"; trust_run_ca ;;
      *) echo "mxlab: MXLAB_TLS=${MXLAB_TLS} is not available to OpenSMTPD routing by MX" >&2; exit 2 ;;
    esac
  else
    [ -n "$relay" ] || { echo "mxlab: MXLAB_RELAY=host:port or MXLAB_RESOLVER=address is required" >&2; exit 2; }
    # smtpd resolves with its own resolver (asr), DNS first: the relay's name is in /etc/hosts, and a
    # DNS query on the lab's internal network would hang (resolv.conf(5) `lookup file bind`)
    if ! grep -q '^lookup file' /etc/resolv.conf 2>/dev/null; then
      { echo 'lookup file bind'; cat /etc/resolv.conf 2>/dev/null; } > /tmp/resolv.conf && cat /tmp/resolv.conf > /etc/resolv.conf || true
    fi
    case "${MXLAB_TLS:-opportunistic}" in
      none) how="relay host smtp+notls://$relay" ;;
      opportunistic) how="relay host smtp://$relay" ;;
      required) how="relay host smtp+tls://$relay tls no-verify" ;;
      # verified against the CA given for the relay's host name, which is the receiver's name
      verify) how="relay host smtp+tls://$relay tls"; trust_run_ca ;;
      *) echo "mxlab: unknown MXLAB_TLS=${MXLAB_TLS}" >&2; exit 2 ;;
    esac
  fi
  echo "listen on lo"
  echo "action \"relay\" $how helo \"$host\""
  echo "match from local for any action \"relay\""
}

receiver() {
  case "${MXLAB_TLS:-preferred}" in
    off) tls="" ;;
    preferred) tls="tls pki mxlab" ;;
    required) tls="tls-require pki mxlab" ;;
    *) echo "mxlab: unknown MXLAB_TLS=${MXLAB_TLS}" >&2; exit 2 ;;
  esac
  id mxlab >/dev/null 2>&1 || useradd -r -d "$maildir" -s /usr/sbin/nologin mxlab
  mkdir -p "$maildir/tmp" "$maildir/new"
  chown -R mxlab "$maildir"
  if [ -n "$tls" ]; then
    # smtpd refuses a key file readable by others: a private copy
    mkdir -p /etc/mxlab/private && cp "$key" /etc/mxlab/private/key.pem && chmod 600 /etc/mxlab/private/key.pem
    echo "pki mxlab cert \"$cert\""; echo "pki mxlab key \"/etc/mxlab/private/key.pem\""
  fi
  # every recipient of this host is accepted and handed, as received, to mxlab-store
  echo "table mxlab_users { \"@\" = \"mxlab\" }"
  echo "listen on 0.0.0.0 hostname \"$host\" $tls"
  echo "action \"store\" mda \"/usr/local/bin/mxlab-store $maildir\" virtual <mxlab_users>"
  echo "match from any for domain \"$host\" action \"store\""
  echo "match from local for any action \"store\""
}

empty() {
  smtpctl remove all >/dev/null 2>&1 || true
  rm -rf "$maildir/new/"* "$maildir/tmp/"* 2>/dev/null || true
}

if [ "${1:-}" = reset ]; then
  empty
  echo "mxlab: reset"
  exit 0
fi
if [ "${1:-}" = reconfigure ]; then
  configure
  empty
  # smtpd has no reload: the supervising loop below starts it again with the new configuration
  kill $(pidof smtpd) 2>/dev/null || true
  echo "mxlab: reconfigured"
  exit 0
fi
configure
# smtpd runs under a loop so that `reconfigure` can restart it with a new smtpd.conf
while :; do
  smtpd -d -v -f /etc/smtpd.conf 2>&1 || true
  sleep 0.2
done
