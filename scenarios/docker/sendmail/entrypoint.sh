#!/bin/sh
# sendmail as a sender under mxlab's environment contract: MXLAB_HOSTNAME, MXLAB_RELAY (host:port,
# the host resolvable through /etc/hosts: the lab has no DNS), MXLAB_MAX_SIZE. Everything goes to
# the relay (SMART_HOST, bracketed: no MX lookup); the log is /var/log/mail.log.
set -eu
host="${MXLAB_HOSTNAME:-mta.example}"
relay="${MXLAB_RELAY:?MXLAB_RELAY=host:port is required}"
rhost="${relay%:*}"; rport="${relay##*:}"
echo "$host" > /etc/mailname
# sendmail qualifies its own name at start (and sleeps a minute when it cannot): the container's
# name is the node's host name, from /etc/hosts
echo "127.0.1.1 $host $(hostname)" >> /etc/hosts
# the MTA's queue is root's (the Debian package expects its postinst's smmta user set-up)
chown root:smmsp /var/spool/mqueue && chmod 0700 /var/spool/mqueue
printf 'hosts files\n' > /etc/mail/service.switch
# the lab has no DNS: a query fails at once (nothing answers on 127.0.0.1) instead of waiting on
# Docker's resolver of an internal network (sendmail still asks DNS about the relay's name)
echo "nameserver 127.0.0.1" > /etc/resolv.conf
cat > /etc/mail/mxlab.mc <<MC
include(\`/usr/share/sendmail/cf/m4/cf.m4')dnl
VERSIONID(\`mxlab generic sender')dnl
OSTYPE(\`debian')dnl
define(\`confDOMAIN_NAME', \`$host')dnl
define(\`confSERVICE_SWITCH_FILE', \`/etc/mail/service.switch')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
define(\`confMAX_MESSAGE_SIZE', \`${MXLAB_MAX_SIZE:-0}')dnl
define(\`confTO_CONNECT', \`${MXLAB_TIMEOUT_S:-30}s')dnl
define(\`SMART_HOST', \`esmtp:[$rhost]')dnl
define(\`RELAY_MAILER_ARGS', \`TCP \$h $rport')dnl
define(\`ESMTP_MAILER_ARGS', \`TCP \$h $rport')dnl
FEATURE(\`nocanonify')dnl
MAILER(\`local')dnl
MAILER(\`smtp')dnl
MC
m4 /etc/mail/mxlab.mc > /etc/mail/sendmail.cf
# the node's config: as NAME = value lines → sendmail.cf options (O NAME=value)
if [ -n "${MXLAB_CONFIG_FILE:-}" ] && [ -s "$MXLAB_CONFIG_FILE" ]; then
  sed -n 's/^\([A-Za-z][A-Za-z0-9]*\) = \(.*\)$/O \1=\2/p' "$MXLAB_CONFIG_FILE" >> /etc/mail/sendmail.cf
fi
cat > /etc/rsyslog.conf <<'CONF'
module(load="imuxsock")
mail.* -/var/log/mail.log
CONF
touch /var/log/mail.log
rsyslogd
exec /usr/sbin/sendmail -bD -q1h
