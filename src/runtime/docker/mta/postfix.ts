import { reasonFromText, timedOut } from './classify.js';
import { sendmailArgv, type MtaAdapter } from './types.js';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Postfix 3.7: `sendmail` submission, outcome from `QUEUEID: to=<…>, … status=…` lines. */
export const postfix: MtaAdapter = {
  image: 'postfix',
  ready: /daemon started/,
  env: (s) => ({
    MXLAB_ROLE: 'sender',
    MXLAB_HOSTNAME: s.hostname,
    MXLAB_RELAY: s.relay,
    MXLAB_TLS: s.tls,
    MXLAB_TLS_MATCH: s.tlsMatch,
    MXLAB_TIMEOUT_S: String(s.timeoutS),
  }),
  submit: (m, file) => sendmailArgv('/usr/sbin/sendmail', m, file),
  drop: (qid) => ['postsuper', '-d', qid],
  async follow(logs, from, m, timeoutMs, signal) {
    const deadline = Date.now() + timeoutMs;
    const left = () => Math.max(0, deadline - Date.now());
    const idRe = new RegExp(`: ([0-9A-F]{6,}|[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,}): message-id=<${escape(m.messageId)}>`);
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
    const log = window.filter((l) => mine(l) || l.includes(`/smtp[${pid}]:`));
    const tlsLine = window.find((l) => l.includes(`/smtp[${pid}]:`) && /TLS connection established to/.test(l));
    const delivered = status === 'sent';
    return {
      outcome: delivered ? 'delivered' : status === 'deferred' ? 'deferred' : 'bounced',
      reason: delivered ? 'ok' : reasonFromText(text),
      tls: !!tlsLine,
      detail: text,
      log,
      queueId: qid,
    };
  },
};
