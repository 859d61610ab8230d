import { reasonFromText, timedOut } from './classify.js';
import { sendmailArgv, type MtaAdapter } from './types.js';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Exim 4.96 (Debian): `exim4 -f FROM -- TO` submission, outcome from the `=>` / `==` / `**` lines. */
export const exim: MtaAdapter = {
  image: 'exim',
  ready: /daemon started/,
  env: (s) => ({ MXLAB_HOSTNAME: s.hostname, MXLAB_RELAY: s.relay, MXLAB_TLS: s.tls, MXLAB_TIMEOUT_S: String(s.timeoutS) }),
  submit: (m, file) => sendmailArgv('/usr/sbin/exim4', m, file, ['-odi']),
  drop: (id) => ['/usr/sbin/exim4', '-Mrm', id],
  async follow(logs, from, m, timeoutMs, signal) {
    const deadline = Date.now() + timeoutMs;
    const left = () => Math.max(0, deadline - Date.now());
    const inRe = new RegExp(`\\s(\\S+-\\S+-\\S+) <= .* id=${escape(m.messageId)}(\\s|$)`);
    let eid = '';
    const at = await logs.waitFor((l) => {
      const x = inRe.exec(l);
      if (x) eid = x[1];
      return !!x;
    }, from, left(), signal);
    if (at < 0) return timedOut(`Message-ID <${m.messageId}>`, []);
    const outRe = new RegExp(`\\s${escape(eid)} (=>|==|\\*\\*) (.*)$`);
    const done = await logs.waitFor((l) => outRe.test(l), at, left(), signal);
    const mine = (l: string) => l.includes(` ${eid} `);
    if (done < 0) return { ...timedOut(`exim id ${eid}`, logs.lines.slice(from).filter(mine)), queueId: eid };
    const [, flag, rest] = outRe.exec(logs.lines[done])!;
    // include the `Completed` line when it follows right away
    const completed = logs.lines.slice(done + 1, done + 3).filter((l) => mine(l) && l.endsWith('Completed'));
    const log = [...logs.lines.slice(from, done + 1).filter(mine), ...completed];
    if (flag === '=>') return { outcome: 'delivered', reason: 'ok', tls: /\sX=TLS/.test(rest), detail: /C="([^"]*)"/.exec(rest)?.[1] ?? rest, log, queueId: eid };
    return {
      outcome: flag === '==' ? 'deferred' : 'bounced',
      reason: reasonFromText(rest),
      tls: /\sX=TLS/.test(rest),
      detail: rest,
      log,
      queueId: eid,
    };
  },
};
