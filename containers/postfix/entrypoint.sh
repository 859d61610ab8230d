#!/bin/sh
# Renders the node's scenario settings (environment) into Postfix's config, then runs Postfix
# in the foreground with its log on stdout.
#   MXLAB_ROLE      sender | receiver
#   MXLAB_HOSTNAME  myhostname (EHLO name / banner name)
#   sender:   MXLAB_RELAY host:port (bracketed relay, never an MX lookup)
#             MXLAB_TLS none|opportunistic|required|verify -> smtp_tls_security_level none|may|encrypt|verify
#             MXLAB_TLS_MATCH  the certificate name `verify` checks (the receiver's hostname)
#             MXLAB_TIMEOUT_S  per-step SMTP client timeout in seconds
#   receiver: MXLAB_TLS off|preferred|required -> smtpd_tls_security_level none|may|encrypt
#             MXLAB_SIZE message_size_limit
#   TLS material (copied in by the runtime): /etc/mxlab/tls/{key,cert,ca}.pem
set -eu
role="${MXLAB_ROLE:-sender}"
host="${MXLAB_HOSTNAME:-mta.example}"
tls="${MXLAB_TLS:-opportunistic}"
tmo="${MXLAB_TIMEOUT_S:-30}"
dir=/etc/mxlab/tls

echo "$host" > /etc/mailname
postconf -e \
  "myhostname=$host" "myorigin=\$myhostname" "inet_interfaces=all" "inet_protocols=ipv4" \
  "maillog_file=/dev/stdout" "compatibility_level=3.6" "biff=no" \
  "alias_maps=hash:/etc/aliases" "alias_database=hash:/etc/aliases" \
  "smtpd_banner=\$myhostname ESMTP" "smtp_tls_loglevel=1" "smtpd_tls_loglevel=1" \
  "header_checks=regexp:/etc/postfix/mxlab_header_checks"
postconf -F '*/*/chroot = n'
# every header line of every message in the log (the harness reads Message-ID and X-Mxlab-Message)
echo '/^/ WARN' > /etc/postfix/mxlab_header_checks

case "$role" in
  sender)
    relay="${MXLAB_RELAY:?MXLAB_RELAY=host:port is required}"
    rhost="${relay%:*}"; rport="${relay##*:}"
    case "$tls" in
      none) level=none ;; opportunistic) level=may ;; required) level=encrypt ;; verify) level=verify ;;
      *) echo "mxlab: unknown MXLAB_TLS=$tls" >&2; exit 2 ;;
    esac
    postconf -e "mydestination=localhost" "relayhost=[$rhost]:$rport" "smtp_tls_security_level=$level" \
      "smtp_host_lookup=dns, native" "smtp_connect_timeout=${tmo}s" "smtp_helo_timeout=${tmo}s" \
      "smtp_mail_timeout=${tmo}s" "smtp_rcpt_timeout=${tmo}s" "smtp_data_init_timeout=${tmo}s" \
      "smtp_data_xfer_timeout=${tmo}s" "smtp_data_done_timeout=${tmo}s" "smtp_starttls_timeout=${tmo}s" \
      "smtp_quit_timeout=${tmo}s" "queue_run_delay=3600s" "minimal_backoff_time=3600s" "maximal_backoff_time=3600s"
    if [ "$level" = verify ]; then
      postconf -e "smtp_tls_CAfile=$dir/ca.pem" \
        "smtp_tls_policy_maps=inline:{ {[$rhost]:$rport = verify match=${MXLAB_TLS_MATCH:-$rhost}} }"
    fi
    ;;
  receiver)
    case "$tls" in
      off) level=none ;; preferred) level=may ;; required) level=encrypt ;;
      *) echo "mxlab: unknown MXLAB_TLS=$tls" >&2; exit 2 ;;
    esac
    postconf -e "mydestination=\$myhostname, localhost" "mynetworks=127.0.0.0/8" \
      "smtpd_tls_security_level=$level" "smtpd_peername_lookup=no" "smtpd_tls_received_header=yes" \
      "message_size_limit=${MXLAB_SIZE:-10240000}" "mailbox_size_limit=0"
    if [ "$level" != none ]; then
      postconf -e "smtpd_tls_cert_file=$dir/cert.pem" "smtpd_tls_key_file=$dir/key.pem"
    fi
    ;;
  *) echo "mxlab: unknown MXLAB_ROLE=$role" >&2; exit 2 ;;
esac
# the aliases database is built in the image; rebuilding it here cost ~2 s per container
[ -f /etc/aliases.db ] || newaliases
exec postfix start-fg
