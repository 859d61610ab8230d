#!/bin/sh
# Renders the node's scenario settings (environment) into Debian's Exim config (smarthost to one
# host, never an MX lookup), then runs the daemon with its main log on stdout.
#   MXLAB_HOSTNAME  primary_hostname (EHLO name)
#   MXLAB_RELAY     host:port of the smarthost
#   MXLAB_TLS       none | opportunistic | required | verify
#   MXLAB_TIMEOUT_S per-step SMTP timeout in seconds
#   /etc/mxlab/tls/ca.pem  the receiver's certificate, for `verify`
set -eu
host="${MXLAB_HOSTNAME:-mta.example}"
relay="${MXLAB_RELAY:?MXLAB_RELAY=host:port is required}"
tls="${MXLAB_TLS:-opportunistic}"
tmo="${MXLAB_TIMEOUT_S:-30}"
rhost="${relay%:*}"; rport="${relay##*:}"

echo "$host" > /etc/mailname
cat > /etc/exim4/update-exim4.conf.conf <<CONF
dc_eximconfig_configtype='smarthost'
dc_other_hostnames=''
dc_local_interfaces='127.0.0.1'
dc_readhost=''
dc_relay_domains=''
dc_minimaldns='false'
dc_relay_nets=''
dc_smarthost='$rhost::$rport'
CFILEMODE='644'
dc_use_split_config='false'
dc_hide_mailname='false'
dc_mailname_in_oh='true'
dc_localdelivery='mail_spool'
CONF

# Debian verifies the smarthost's certificate and silently falls back to plaintext when that
# fails: turn verification off unless `verify` is asked for.
{
  echo "MAIN_HARDCODE_PRIMARY_HOSTNAME = $host"
  echo "REMOTE_SMTP_HELO_DATA = $host"
  case "$tls" in
    none) echo "REMOTE_SMTP_SMARTHOST_HOSTS_AVOID_TLS = *" ;;
    opportunistic) echo "REMOTE_SMTP_SMARTHOST_TLS_VERIFY_HOSTS = :" ;;
    required) echo "REMOTE_SMTP_SMARTHOST_TLS_VERIFY_HOSTS = :"; echo "REMOTE_SMTP_SMARTHOST_HOSTS_REQUIRE_TLS = *" ;;
    verify)
      echo "REMOTE_SMTP_SMARTHOST_TLS_VERIFY_HOSTS = *"; echo "REMOTE_SMTP_SMARTHOST_HOSTS_REQUIRE_TLS = *"
      echo "REMOTE_SMTP_SMARTHOST_TLS_VERIFY_CERTIFICATES = /etc/mxlab/tls/ca.pem" ;;
    *) echo "mxlab: unknown MXLAB_TLS=$tls" >&2; exit 2 ;;
  esac
  echo "MAIN_TIMEOUT_FROZEN_AFTER = 1h"
} > /etc/exim4/exim4.conf.localmacros
# per-step timeouts of the smarthost transport (after its `driver = smtp` line)
awk -v t="$tmo" '{ print } /^remote_smtp_smarthost:/ { s = 1 } s && /driver = smtp/ { print "  command_timeout = " t "s\n  connect_timeout = " t "s\n  data_timeout = " t "s"; s = 0 }' \
  /etc/exim4/exim4.conf.template > /etc/exim4/exim4.conf.template.new && mv /etc/exim4/exim4.conf.template.new /etc/exim4/exim4.conf.template
update-exim4.conf
mkdir -p /var/log/exim4 && touch /var/log/exim4/mainlog /var/log/exim4/paniclog
chown -R Debian-exim:adm /var/log/exim4
tail -n 0 -F /var/log/exim4/mainlog /var/log/exim4/paniclog 2>/dev/null &
exec exim4 -bdf -q1h
