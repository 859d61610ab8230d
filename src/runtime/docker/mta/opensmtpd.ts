import { reasonFromText, timedOut } from './classify.js';
import { sendmailArgv, type MtaAdapter } from './types.js';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * OpenSMTPD 6.8 (`smtpd -d -v`): `sendmail` submission; the envelope line names the evpid, the
 * `mta delivery evpid=… result=…` line the outcome; TLS from the session's `mta tls` line.
 */
export const opensmtpd: MtaAdapter = {
  image: 'opensmtpd',
  ready: /smtp: will accept at most/,
  env: (s) => ({ MXLAB_HOSTNAME: s.hostname, MXLAB_RELAY: s.relay, MXLAB_TLS: s.tls, MXLAB_TIMEOUT_S: String(s.timeoutS) }),
  submit: (m, file) => sendmailArgv('/usr/sbin/sendmail', m, file),
  drop: (evpid) => ['smtpctl', 'remove', evpid],
  async follow(logs, from, m, timeoutMs, signal) {
    const deadline = Date.now() + timeoutMs;
    const left = () => Math.max(0, deadline - Date.now());
    const envRe = new RegExp(`envelope evpid=([0-9a-f]+) from=<${escape(m.from)}> to=<${escape(m.to)}>`);
    let evpid = '';
    const at = await logs.waitFor((l) => {
      const x = envRe.exec(l);
      if (x) evpid = x[1];
      return !!x;
    }, from, left(), signal);
    if (at < 0) return timedOut(`envelope ${m.from} -> ${m.to}`, []);
    const doneRe = new RegExp(`^(\\S+) mta delivery evpid=${evpid} .*result="(\\w+)" stat="(.*)"$`);
    const done = await logs.waitFor((l) => doneRe.test(l), at, left(), signal);
    const msgid = evpid.slice(0, 8);
    const mine = (l: string) => !l.startsWith('debug:') && (l.includes(evpid) || l.includes(`msgid=${msgid}`));
    if (done < 0) return { ...timedOut(`evpid ${evpid}`, logs.lines.slice(from).filter(mine)), queueId: evpid };
    const [, session, result, stat] = doneRe.exec(logs.lines[done])!;
    const window = logs.lines.slice(from, done + 1);
    const sessionLines = window.filter((l) => l.startsWith(`${session} mta `));
    // sessions of this window (a failed relay reports `0000…` on the delivery line)
    const mtaLine = /^[0-9a-f]{16} mta (connecting|connected|tls|error|server-cert-check|delivery)/;
    const log = window.filter((l) => mine(l) || mtaLine.test(l));
    const tls = sessionLines.some((l) => / mta tls /.test(l));
    if (result === 'Ok') return { outcome: 'delivered', reason: 'ok', tls, detail: stat, log, queueId: evpid };
    const errors = window.filter((l) => /^[0-9a-f]{16} mta error /.test(l)).join(' ');
    return {
      outcome: result === 'PermFail' ? 'bounced' : 'deferred',
      reason: reasonFromText(`${errors} ${stat}`),
      tls,
      detail: stat,
      log,
      queueId: evpid,
    };
  },
};
