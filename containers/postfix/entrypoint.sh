#!/bin/sh
# mxlab's Postfix adapter: renders the environment contract (containers/README.md) into Postfix's
# own configuration with postconf(1), then runs Postfix in the foreground, its log on stdout.
#   mxlab-entrypoint              configure, then exec `postfix start-fg`
#   mxlab-entrypoint reconfigure  configure again (settings from /etc/mxlab/env), empty the queue, reload
#   mxlab-entrypoint reset        empty the queue and the maildir (the next cell runs the same settings)
# Works on any image with Postfix in /usr/sbin (mxlab copies this script into `image:` / `build:` images).
# A sender under the lab DNS (MXLAB_RESOLVER instead of MXLAB_RELAY) routes by MX through the lab
# resolver, its only nameserver (`options trust-ad`: glibc passes the AD bit on only then), with
# smtp_dns_support_level = dnssec; MXLAB_TLS dane | dane-only are smtp_tls_security_level, and
# mta-sts is `may` plus Debian's postfix-mta-sts-resolver as smtp_tls_policy_maps (Postfix TLS_README).
set -eu
[ -f /etc/mxlab/env ] && . /etc/mxlab/env
role="${MXLAB_ROLE:-sender}"
host="${MXLAB_HOSTNAME:-mta.example}"
tmo="${MXLAB_TIMEOUT_S:-30}"
ca="${MXLAB_CA_FILE:-/etc/mxlab/tls/ca.pem}"
cert="${MXLAB_CERT_FILE:-/etc/mxlab/tls/cert.pem}"
key="${MXLAB_KEY_FILE:-/etc/mxlab/tls/key.pem}"
maildir="${MXLAB_MAILDIR:-/var/mail/mxlab}"

configure() {
  echo "$host" > /etc/mailname
  # a fresh main.cf each time: settings of an earlier cell must not linger (the image's own is kept once)
  [ -f /etc/postfix/main.cf.mxlab-orig ] || cp /etc/postfix/main.cf /etc/postfix/main.cf.mxlab-orig
  cp /etc/postfix/main.cf.mxlab-orig /etc/postfix/main.cf
  # without the lab DNS, no nameserver at all (as the Exim adapter: Docker's 127.0.0.11 answers
  # nothing for 10 s on the internal network); names the lab uses are in /etc/hosts
  [ -n "${MXLAB_RESOLVER:-}" ] || printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > /etc/resolv.conf
  postconf -e \
    "myhostname=$host" "myorigin=\$myhostname" "inet_interfaces=all" "inet_protocols=ipv4" \
    "maillog_file=/dev/stdout" "compatibility_level=3.6" "biff=no" \
    "alias_maps=hash:/etc/aliases" "alias_database=hash:/etc/aliases" \
    "smtpd_banner=\$myhostname ESMTP" "smtp_tls_loglevel=1" "smtpd_tls_loglevel=1" \
    "smtpd_client_port_logging=yes" "smtp_host_lookup=native" "disable_dns_lookups=yes"
  # chroot off: the container's resolver and /etc/hosts must be visible to smtp(8)
  postconf -F '*/*/chroot = n'
  case "$role" in
    sender) sender ;;
    receiver) receiver ;;
    *) echo "mxlab: unknown MXLAB_ROLE=$role" >&2; exit 2 ;;
  esac
  # the node's `config:` last: main.cf parameters, one `name = value` per line
  if [ -n "${MXLAB_CONFIG_FILE:-}" ] && [ -s "$MXLAB_CONFIG_FILE" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      [ -n "$line" ] && postconf -e "$line"
    done < "$MXLAB_CONFIG_FILE"
  fi
  # the aliases database is built in the image; rebuilding it here cost ~2 s per container
  [ -f /etc/aliases.db ] || newaliases
}

sender() {
  relay="${MXLAB_RELAY:-}"
  resolver="${MXLAB_RESOLVER:-}"
  [ -n "$relay" ] || [ -n "$resolver" ] || { echo "mxlab: MXLAB_RELAY=host:port or MXLAB_RESOLVER=address is required" >&2; exit 2; }
  tls="${MXLAB_TLS:-opportunistic}"
  case "$tls" in
    none) level=none ;; opportunistic) level=may ;; required) level=encrypt ;; verify) level=verify ;;
    dane) level=dane ;; dane-only) level=dane-only ;; mta-sts) level=may ;;
    *) echo "mxlab: unknown MXLAB_TLS=$tls" >&2; exit 2 ;;
  esac
  if [ -n "$relay" ]; then
    rhost="${relay%:*}"; rport="${relay##*:}"
    postconf -e "relayhost=[$rhost]:$rport"
  else
    # the lab DNS: MX lookups, and DNSSEC as the resolver's AD bit says (glibc strips AD without trust-ad)
    printf 'nameserver %s\noptions trust-ad\n' "$resolver" > /etc/resolv.conf
    postconf -e "relayhost=" "disable_dns_lookups=no" "smtp_host_lookup=dns" "smtp_dns_support_level=dnssec" "smtp_tls_CAfile=$ca"
  fi
  postconf -e "mydestination=localhost" "smtp_tls_security_level=$level" \
    "smtp_connect_timeout=${tmo}s" "smtp_helo_timeout=${tmo}s" \
    "smtp_mail_timeout=${tmo}s" "smtp_rcpt_timeout=${tmo}s" "smtp_data_init_timeout=${tmo}s" \
    "smtp_data_xfer_timeout=${tmo}s" "smtp_data_done_timeout=${tmo}s" "smtp_starttls_timeout=${tmo}s" \
    "smtp_quit_timeout=${tmo}s" "queue_run_delay=${MXLAB_QUEUE_RUN_S:-3600}s" \
    "minimal_backoff_time=${MXLAB_RETRY_S:-3600}s" "maximal_backoff_time=${MXLAB_RETRY_MAX_S:-${MXLAB_RETRY_S:-3600}}s" \
    "message_size_limit=${MXLAB_MAX_SIZE:-10240000}" "mailbox_size_limit=0"
  if [ "$tls" = mta-sts ]; then
    [ -n "$resolver" ] || { echo "mxlab: MXLAB_TLS=mta-sts needs MXLAB_RESOLVER (the policy is found through DNS)" >&2; exit 2; }
    # Debian's postfix-mta-sts-resolver answers smtp_tls_policy_maps; it fetches https://mta-sts.<domain>/
    # from the lab policy host, so the run CA joins the system trust store
    cp "$ca" /usr/local/share/ca-certificates/mxlab-run-ca.crt && update-ca-certificates >/dev/null 2>&1
    printf 'host: 127.0.0.1\nport: 8461\nreuse_port: true\nshutdown_timeout: 2\ncache:\n  type: internal\n  options:\n    cache_size: 1000\ndefault_zone:\n  strict_testing: false\n  timeout: 4\n' > /etc/mta-sts-daemon.yml
    if ! python3 -c 'import socket; socket.create_connection(("127.0.0.1", 8461), 1)' 2>/dev/null; then
      mta-sts-daemon -c /etc/mta-sts-daemon.yml -v info >/proc/1/fd/1 2>&1 &
      for _ in $(seq 1 100); do python3 -c 'import socket; socket.create_connection(("127.0.0.1", 8461), 1)' 2>/dev/null && break; sleep 0.1; done
    fi
    postconf -e "smtp_tls_policy_maps=socketmap:inet:127.0.0.1:8461:postfix"
  fi
  if [ "$level" = verify ] && [ -n "$relay" ]; then
    # verify the receiver's name (MXLAB_TLS_NAME) against the run's CA
    postconf -e "smtp_tls_CAfile=$ca" \
      "smtp_tls_policy_maps=inline:{ {[$rhost]:$rport = verify match=${MXLAB_TLS_NAME:-$rhost}} }"
  fi
}

receiver() {
  case "${MXLAB_TLS:-preferred}" in
    off) level=none ;; preferred) level=may ;; required) level=encrypt ;;
    *) echo "mxlab: unknown MXLAB_TLS=${MXLAB_TLS}" >&2; exit 2 ;;
  esac
  # every recipient of this host is accepted and piped, as received, into the maildir
  mkdir -p "$maildir/tmp" "$maildir/new"
  chown -R nobody "$maildir"
  postconf -e "mydestination=\$myhostname, localhost" "mynetworks=127.0.0.0/8" "local_recipient_maps=" \
    "local_transport=mxlab:" "mxlab_destination_recipient_limit=1" \
    "smtpd_tls_security_level=$level" "smtpd_peername_lookup=no" "smtpd_tls_received_header=yes" \
    "message_size_limit=${MXLAB_MAX_SIZE:-10240000}" "mailbox_size_limit=0"
  postconf -M "mxlab/unix=mxlab unix - n n - - pipe flags= user=nobody argv=/usr/local/bin/mxlab-store $maildir \${queue_id}"
  if [ "$level" != none ]; then
    postconf -e "smtpd_tls_cert_file=$cert" "smtpd_tls_key_file=$key"
  fi
}

empty() {
  # postsuper takes seconds even on an empty queue: only when a queue file is there
  if [ -n "$(find /var/spool/postfix/maildrop /var/spool/postfix/incoming /var/spool/postfix/active /var/spool/postfix/deferred /var/spool/postfix/hold -type f 2>/dev/null | head -1)" ]; then
    postsuper -d ALL >/dev/null 2>&1 || true
  fi
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
  postfix reload >/dev/null 2>&1
  echo "mxlab: reconfigured"
  exit 0
fi
configure
exec postfix start-fg
