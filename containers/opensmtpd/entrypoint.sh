#!/bin/sh
# Renders the node's scenario settings (environment) into smtpd.conf (relay to one host, never
# an MX lookup), then runs smtpd in the foreground, verbose, logging to stdout.
#   MXLAB_HOSTNAME  HELO name
#   MXLAB_RELAY     host:port
#   MXLAB_TLS       none | opportunistic | required | verify
#   /etc/mxlab/tls/ca.pem  the receiver's certificate, for `verify`
set -eu
host="${MXLAB_HOSTNAME:-mta.example}"
relay="${MXLAB_RELAY:?MXLAB_RELAY=host:port is required}"
tls="${MXLAB_TLS:-opportunistic}"
echo "$host" > /etc/mailname
echo "$host" > /etc/smtpd/mailname 2>/dev/null || true
case "$tls" in
  none) how="relay host smtp+notls://$relay" ; ca="" ;;
  opportunistic) how="relay host smtp://$relay" ; ca="" ;;
  required) how="relay host smtp+tls://$relay tls no-verify" ; ca="" ;;
  verify) how="relay host smtp+tls://$relay tls" ; ca="ca mxlab cert \"/etc/mxlab/tls/ca.pem\"" ;;
  *) echo "mxlab: unknown MXLAB_TLS=$tls" >&2; exit 2 ;;
esac
cat > /etc/smtpd.conf <<CONF
$ca
table aliases file:/etc/aliases
listen on lo
action "relay" $how helo "$host"
match from local for any action "relay"
CONF
smtpd -n -f /etc/smtpd.conf
exec smtpd -d -v -f /etc/smtpd.conf 2>&1
