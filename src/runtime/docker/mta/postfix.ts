import { reasonFromText, timedOut } from './classify.js';
import { followById, followQueued } from './follow.js';
import { escapeRe, settingLines } from './config.js';
import { bracketedAddress } from './relay-address.js';
import type { LineLog } from '../line-log.js';
import { sendmailArgv, type MtaAdapter, type MtaVerdict } from './types.js';

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
  reloaded: /postfix\/master\[\d+\]: reload -- /,
  version: { argv: ['postconf', '-h', 'mail_version'], parse: (out) => `Postfix ${out.trim()}` },
  configLines: settingLines,
  sender: {
    submit: (m, file) => sendmailArgv('/usr/sbin/sendmail', m, file),
    drop: (qid) => ['postsuper', '-d', qid],
    flush: ['postqueue', '-f'],
    // driven queue: a 10 s backoff, and no retry sooner than 11 s after the first deferral was read (Postfix
    // counts whole seconds from the message's arrival, which came before that line), so the plaintext fallback
    // after a failed handshake (allowed once a message waited minimal_backoff_time before going active) comes
    // on attempt 2, as it does with real timers — not on attempt 1 however slowly a loaded machine moves the
    // message to the active queue, nor on attempt 3 (at 10 s after submission it once came on attempt 3: 9.9 s)
    queue: {
      extra: { RETRY_S: '10' },
      minAgeMs: 11_000,
      run: (qid) => ['postqueue', '-i', qid],
      follow: followQueued(outcome),
    },
    // cleanup(8) logs `QUEUEID: message-id=<…>` (short or long queue ids, postconf(5) enable_long_queue_ids)
    follow: followById(
      (m) => {
        const idRe = new RegExp(`: ([0-9A-F]{6,}|[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,}): message-id=<${escapeRe(m.messageId)}>`);
        return (l) => idRe.exec(l)?.[1];
      },
      (m) => `Message-ID <${m.messageId}>`,
      outcome,
    ),
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

/** The outcome of queue id `qid`'s next delivery attempt logged after line `at` (the log window starts at `from`). */
async function outcome(logs: LineLog, from: number, at: number, qid: string, timeoutMs: number, signal?: AbortSignal): Promise<MtaVerdict> {
  const statusRe = new RegExp(`postfix/\\w+\\[(\\d+)\\]: ${qid}: to=<[^>]*>.*status=(sent|deferred|bounced|expired) \\((.*)\\)$`);
  const done = await logs.waitFor((l) => statusRe.test(l), at, timeoutMs, signal);
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
}
