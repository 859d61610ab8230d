import { reasonFromText, timedOut } from './classify.js';
import { escapeRe, settingLines } from './config.js';
import { bracketedAddress } from './relay-address.js';
import { sendmailArgv, type MtaAdapter } from './types.js';

/**
 * Postfix 3.7 (Debian). Sender: `sendmail` submission, outcome from the `QUEUEID: to=<…>, …
 * status=…` line of smtp(8); receiver: smtpd(8) with smtpd_client_port_logging, every local part
 * piped into the maildir (containers/postfix/entrypoint.sh). `config:` = main.cf parameters
 * (postconf(5)), applied with `postconf -e` after mxlab's own.
 */
export const postfix: MtaAdapter = {
  name: 'postfix',
  image: 'postfix',
  entrypoint: 'postfix',
  ready: /daemon started/,
  version: { argv: ['postconf', '-h', 'mail_version'], parse: (out) => `Postfix ${out.trim()}` },
  configLines: settingLines,
  sender: {
    submit: (m, file) => sendmailArgv('/usr/sbin/sendmail', m, file),
    drop: (qid) => ['postsuper', '-d', qid],
    flush: ['postqueue', '-f'],
    async follow(logs, from, m, timeoutMs, signal) {
      const deadline = Date.now() + timeoutMs;
      const left = () => Math.max(0, deadline - Date.now());
      const idRe = new RegExp(`: ([0-9A-F]{6,}|[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,}): message-id=<${escapeRe(m.messageId)}>`);
      let qid = '';
      const at = await logs.waitFor((l) => {
        const x = idRe.exec(l);
        if (x) qid = x[1];
        return !!x;
      }, from, left(), signal);
      if (at < 0) return timedOut(`Message-ID <${m.messageId}>`, []);
      const statusRe = new RegExp(`postfix/\\w+\\[(\\d+)\\]: ${qid}: to=<[^>]*>.*status=(sent|deferred|bounced|expired) \\((.*)\\)$`);
      const done = await logs.waitFor((l) => statusRe.test(l), at, left(), signal);
      const mine = (l: string) => l.includes(`${qid}:`) && !l.includes('warning: header');
      if (done < 0) return { ...timedOut(`queue id ${qid}`, logs.lines.slice(from).filter(mine)), queueId: qid };
      const [, pid, status, text] = statusRe.exec(logs.lines[done])!;
      const window = logs.lines.slice(from, done + 1);
      // an smtp process delivers message after message: its lines since its previous status line are this one's
      const process = (l: string) => l.includes(`/smtp[${pid}]:`);
      let start = window.length - 1;
      while (start > 0 && !(process(window[start - 1]) && /status=/.test(window[start - 1]))) start--;
      const session = window.slice(start).filter(process);
      const log = window.filter((l) => mine(l) || (process(l) && session.includes(l)));
      // a cached connection's later message (conn_use=2…) was encrypted when the connection was
      const tlsLine = (/conn_use=\d/.test(logs.lines[done]) ? window.filter(process) : session).findLast((l) => /TLS connection established to/.test(l));
      // "enabling PIX workarounds: disable_esmtp …": smtp(8) saw a `220 ****` banner and sends HELO (postconf(5) smtp_pix_workarounds)
      const pix = session.map((l) => /enabling PIX workarounds: (.*)$/.exec(l)?.[1]).find(Boolean);
      const delivered = status === 'sent';
      // with the lab DNS: the address it went to, which tells the path its MX lookup led it on
      const relayAddress = bracketedAddress(/relay=[^,]*/.exec(logs.lines[done])?.[0]);
      return {
        outcome: delivered ? 'delivered' : status === 'deferred' ? 'deferred' : 'bounced',
        // the session's own lines too: DANE's reasons are there (no matching TLSA records, non DNSSEC destination)
        reason: delivered ? 'ok' : reasonFromText(`${text} ${session.join(' ')}`),
        tls: !!tlsLine,
        detail: text,
        log,
        queueId: qid,
        ...(relayAddress ? { relayAddress } : {}),
        ...(pix && /disable_esmtp/.test(pix) ? { greeting: { verb: 'HELO' as const, why: `Postfix: enabling PIX workarounds: ${pix}` } } : {}),
      };
    },
  },
  receiver: {
    // the pipe transport (flags= empty) adds nothing; cleanup(8) prepends smtpd's Received:
    trace: ['received'],
    queueId: (received) => /\bid ([0-9A-Za-z]{6,})\b/.exec(received)?.[1],
    clientPort(log, qid) {
      const re = new RegExp(`: ${qid}: client=[^\\s\\[]*\\[[^\\]]*\\]:(\\d+)`);
      for (const l of log) {
        const x = re.exec(l);
        if (x) return Number(x[1]);
      }
      return undefined;
    },
  },
};
