#!/bin/sh
# mxlab's Exim adapter: renders the environment contract (containers/README.md) into Debian's own
# Exim configuration (update-exim4.conf.conf, split configuration, exim4.conf.localmacros), then
# runs the daemon with its main log on stdout.
#   mxlab-entrypoint              configure, then exec the daemon
#   mxlab-entrypoint reconfigure  configure again (settings from /etc/mxlab/env), empty the queue, restart the daemon
#   mxlab-entrypoint reset        empty the queue and the maildir (the next cell runs the same settings)
# Works on any Debian-style image with exim4 (mxlab copies this script into `image:` / `build:` images).
# A sender under the lab DNS (MXLAB_RESOLVER instead of MXLAB_RELAY) routes by MX (Debian's `internet`
# configuration: the dnslookup router, remote_smtp) through the lab resolver, its only nameserver
# (`options trust-ad`: glibc passes the AD bit on only then; Debian's config sets dns_dnssec_ok = 1);
# MXLAB_TLS dane | dane-only are hosts_try_dane | hosts_require_dane on remote_smtp (Exim spec, "DANE").
set -eu
[ -f /etc/mxlab/env ] && . /etc/mxlab/env
role="${MXLAB_ROLE:-sender}"
host="${MXLAB_HOSTNAME:-mta.example}"
tmo="${MXLAB_TIMEOUT_S:-30}"
ca="${MXLAB_CA_FILE:-/etc/mxlab/tls/ca.pem}"
cert="${MXLAB_CERT_FILE:-/etc/mxlab/tls/cert.pem}"
key="${MXLAB_KEY_FILE:-/etc/mxlab/tls/key.pem}"
maildir="${MXLAB_MAILDIR:-/var/mail/mxlab}"
conf=/etc/exim4/conf.d

configure() {
  echo "$host" > /etc/mailname
  # without the lab DNS, no nameserver at all: Docker's 127.0.0.11 on the lab's internal network
  # answers nothing for 10 s (glibc's 5 s x 2 tries), which Exim spends on the client's PTR before
  # its banner and on the DKIM selector's TXT at the end of DATA. A dead local nameserver makes
  # every lookup fail at once (TRY_AGAIN: DKIM "pubkey unavailable", the message is accepted);
  # names the lab uses are in /etc/hosts, which glibc reads first.
  [ -n "${MXLAB_RESOLVER:-}" ] || printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > /etc/resolv.conf
  case "$role" in
    sender)
      relay="${MXLAB_RELAY:-}"; resolver="${MXLAB_RESOLVER:-}"
      if [ -n "$relay" ]; then
        type=smarthost; others=''; ifaces='127.0.0.1'; smarthost="${relay%:*}::${relay##*:}"
      elif [ -n "$resolver" ]; then
        printf 'nameserver %s\noptions trust-ad\n' "$resolver" > /etc/resolv.conf
        type=internet; others=''; ifaces='127.0.0.1'; smarthost=''
      else
        echo "mxlab: MXLAB_RELAY=host:port or MXLAB_RESOLVER=address is required" >&2; exit 2
      fi ;;
    receiver)
      type=internet; others="$host"; ifaces='0.0.0.0'; smarthost='' ;;
    *) echo "mxlab: unknown MXLAB_ROLE=$role" >&2; exit 2 ;;
  esac
  cat > /etc/exim4/update-exim4.conf.conf <<CONF
dc_eximconfig_configtype='$type'
dc_other_hostnames='$others'
dc_local_interfaces='$ifaces'
dc_readhost=''
dc_relay_domains=''
dc_minimaldns='false'
dc_relay_nets=''
dc_smarthost='$smarthost'
CFILEMODE='644'
dc_use_split_config='true'
dc_hide_mailname='false'
dc_mailname_in_oh='true'
dc_localdelivery='mail_spool'
CONF
  {
    echo "MAIN_HARDCODE_PRIMARY_HOSTNAME = $host"
    # the lab's networks are IPv4 and have no DNS: without this Exim asks DNS for the smarthost's
    # AAAA record after /etc/hosts and waits 10 s for the lab's resolver to time out (Exim spec,
    # main option disable_ipv6: "no IPv6 address lookups")
    echo "disable_ipv6 = true"
    # +outgoing_interface: the local address and port of each delivery (the hop before the receiver links it);
    # +incoming_port: the client's port on <= lines
    echo "MAIN_LOG_SELECTOR = +smtp_protocol_error +smtp_syntax_error +tls_certificate_verified +tls_peerdn +outgoing_interface +incoming_port +received_recipients"
    echo "MESSAGE_SIZE_LIMIT = ${MXLAB_MAX_SIZE:-52428800}"
    echo "MAIN_TIMEOUT_FROZEN_AFTER = 1h"
    case "$role" in
      sender) sender ;;
      receiver) receiver ;;
    esac
    # the node's `config:`: Exim macros, one `NAME = value` per line (redefinitions of the above allowed)
    if [ -n "${MXLAB_CONFIG_FILE:-}" ] && [ -s "$MXLAB_CONFIG_FILE" ]; then
      sed -e 's/^\([A-Z][A-Z0-9_]*\)[[:space:]]*=\([^=]\)/\1 ==\2/' "$MXLAB_CONFIG_FILE"
    fi
  } > "$conf/main/000_localmacros"
  update-exim4.conf
}

sender() {
  tls="${MXLAB_TLS:-opportunistic}"
  echo "REMOTE_SMTP_HELO_DATA = $host"
  # the transport in use: the smarthost's, or remote_smtp when routing by MX (the lab DNS)
  if [ -n "$relay" ]; then M=REMOTE_SMTP_SMARTHOST; tfile="$conf/transport/30_exim4-config_remote_smtp_smarthost"
  else M=REMOTE_SMTP; tfile="$conf/transport/30_exim4-config_remote_smtp"
    # the lab's addresses are private ones, which Debian's dnslookup router ignores by default
    echo "ROUTER_DNSLOOKUP_IGNORE_TARGET_HOSTS = <; 0.0.0.0 ; 127.0.0.0/8"
  fi
  # lines Debian has no macro for go after the transport's `driver = smtp` line
  extra=''
  # Debian verifies the smarthost's certificate and silently falls back to plaintext when that
  # fails: verification is off unless `verify` is asked for, and then it is required.
  case "$tls" in
    none) echo "${M}_HOSTS_AVOID_TLS = *" ;;
    opportunistic) [ -n "$relay" ] && echo "${M}_TLS_VERIFY_HOSTS = :" ;;
    required) [ -n "$relay" ] && echo "${M}_TLS_VERIFY_HOSTS = :"; echo "${M}_HOSTS_REQUIRE_TLS = *" ;;
    # the certificate is checked against the run's CA and the smarthost's name, which is the
    # receiver's name (MXLAB_RELAY's host; tls_verify_cert_hostnames defaults to *); by MX, the MX host's
    verify) echo "${M}_HOSTS_REQUIRE_TLS = *"
      if [ -n "$relay" ]; then echo "${M}_TLS_VERIFY_HOSTS = *"; echo "${M}_TLS_VERIFY_CERTIFICATES = $ca"
      else extra="\\n  tls_verify_hosts = *\\n  tls_verify_certificates = $ca"; fi ;;
    dane|dane-only)
      [ -n "$relay" ] && { echo "mxlab: MXLAB_TLS=$tls needs MXLAB_RESOLVER (DANE looks up TLSA records of the MX hosts)" >&2; exit 2; }
      [ "$tls" = dane ] && extra='\n  hosts_try_dane = *' || extra='\n  hosts_require_dane = *' ;;
    *) echo "mxlab: unknown MXLAB_TLS=$tls" >&2; exit 2 ;;
  esac
  # per-step timeouts (and the lines above) of the transport in use; only the lines this script put
  # there before are removed (Debian's own `tls_verify_hosts = REMOTE_SMTP_SMARTHOST_TLS_VERIFY_HOSTS`
  # lines carry the macros above: without them `verify` verified nothing, CV=no)
  sed -i '/^  command_timeout = /d; /^  connect_timeout = /d; /^  data_timeout = /d; /^  hosts_try_dane = /d; /^  hosts_require_dane = /d; /^  tls_verify_hosts = \*$/d; /^  tls_verify_certificates = \//d' "$tfile"
  sed -i "s|^  driver = smtp\$|  driver = smtp\n  command_timeout = ${tmo}s\n  connect_timeout = ${tmo}s\n  data_timeout = ${tmo}s$extra|" "$tfile"
  # the dnslookup router asks for DNSSEC (the AD bit) on every domain
  sed -i '/^  dnssec_request_domains = /d' "$conf/router/200_exim4-config_primary"
  [ -n "$relay" ] || sed -i 's|^  driver = dnslookup$|  driver = dnslookup\n  dnssec_request_domains = *|' "$conf/router/200_exim4-config_primary"
  rm -f "$conf/router/250_mxlab_store" "$conf/transport/30_mxlab_store" "$conf/acl/35_mxlab_mail"
}

receiver() {
  case "${MXLAB_TLS:-preferred}" in
    off) ;;
    preferred) echo "MAIN_TLS_ENABLE = yes"; echo "MAIN_TLS_CERTIFICATE = $cert"; echo "MAIN_TLS_PRIVATEKEY = $key" ;;
    required) echo "MAIN_TLS_ENABLE = yes"; echo "MAIN_TLS_CERTIFICATE = $cert"; echo "MAIN_TLS_PRIVATEKEY = $key"
      echo "MAIN_ACL_CHECK_MAIL = acl_mxlab_mail" ;;
    *) echo "mxlab: unknown MXLAB_TLS=${MXLAB_TLS}" >&2; exit 2 ;;
  esac
  mkdir -p "$maildir/tmp" "$maildir/new"
  chown -R Debian-exim "$maildir"
  # every local part of this host is accepted and piped, as received, into the maildir
  cat > "$conf/router/250_mxlab_store" <<'CONF'
mxlab_store:
  driver = accept
  domains = +local_domains
  transport = mxlab_store
CONF
  cat > "$conf/transport/30_mxlab_store" <<CONF
mxlab_store:
  driver = pipe
  command = /usr/local/bin/mxlab-store $maildir \$message_exim_id
  user = Debian-exim
  # the message as received: no mbox From_ line before it, no blank line after it
  message_prefix =
  message_suffix =
CONF
  cat > "$conf/acl/35_mxlab_mail" <<'CONF'
acl_mxlab_mail:
  deny    !encrypted = *
          message = 530 5.7.0 Must issue a STARTTLS command first
  accept  acl = acl_check_mail
CONF
}

empty() {
  exiqgrep -i 2>/dev/null | xargs -r exim4 -Mrm >/dev/null 2>&1 || true
  # the hints databases: a retry time an earlier cell's failure set would defer the next message
  # ("retry time not reached for any host") without trying
  rm -f /var/spool/exim4/db/* 2>/dev/null || true
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
  # the daemon re-reads its configuration on SIGHUP
  kill -HUP "$(cat /run/exim4/exim.pid)"
  echo "mxlab: reconfigured"
  exit 0
fi
configure
mkdir -p /var/log/exim4 && touch /var/log/exim4/mainlog /var/log/exim4/paniclog
chown -R Debian-exim:adm /var/log/exim4
tail -n 0 -F /var/log/exim4/mainlog /var/log/exim4/paniclog 2>/dev/null &
exec exim4 -bdf -q"${MXLAB_QUEUE_RUN_S:-3600}"s
