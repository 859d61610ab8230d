import { reasonFromText, timedOut } from './classify.js';
import { followById, followQueued } from './follow.js';
import { bracketedAddress } from './relay-address.js';
import { escapeRe, settingLines } from './config.js';
import type { LineLog } from '../line-log.js';
import { sendmailArgv, type MtaAdapter, type MtaVerdict } from './types.js';

/**
 * OpenSMTPD 6.8 (Debian, `smtpd -d -v`). Sender: `sendmail` submission; the envelope line names
 * the evpid, the `mta delivery evpid=… result=…` line the outcome, TLS the session's `mta tls`
 * line. Receiver: every recipient of its host handed to mxlab-store by an `mda` action; its log
 * names no client port. `config:` = smtpd.conf(5) lines, put before mxlab's own.
 */
export const opensmtpd: MtaAdapter = {
  name: 'opensmtpd',
  image: 'opensmtpd',
  entrypoint: 'opensmtpd',
  ready: /smtp: will accept at most/,
  reloaded: /smtp: will accept at most/,
  version: { argv: ['sh', '-c', 'smtpd -h 2>&1; true'], parse: (out) => /version: (OpenSMTPD \S+)/.exec(out)?.[1] ?? out.split('\n')[0].trim() },
  configLines: settingLines,
  sender: {
    sequential: true,
    submit: (m, file) => sendmailArgv('/usr/sbin/sendmail', m, file),
    drop: (evpid) => ['smtpctl', 'remove', evpid],
    flush: ['smtpctl', 'schedule', 'all'],
    // smtpctl schedule: try this envelope now (OpenSMTPD schedules its own retries minutes apart)
    queue: {
      extra: {},
      run: (evpid) => ['smtpctl', 'schedule', evpid],
      follow: followQueued(outcome),
    },
    // its log names no Message-ID: the n-th envelope line with this sender and recipient is the
    // n-th such message submitted (submission is sequential: `sequential` above)
    follow: followById(
      (m) => {
        const envRe = new RegExp(`smtp envelope evpid=([0-9a-f]+) from=<${escapeRe(m.from)}> to=<${escapeRe(m.to)}>`);
        let seen = 0;
        return (l) => {
          const x = envRe.exec(l);
          return !x || seen++ < (m.nth ?? 0) ? undefined : x[1];
        };
      },
      (m) => `envelope ${m.from} -> ${m.to}`,
      outcome,
    ),
  },
  receiver: {
    // its mda delivery prepends Return-Path: and Delivered-To: to smtpd's Received:
    trace: ['return-path', 'delivered-to', 'received'],
    queueId: (received) => /\bid ([0-9a-f]{8})\b/.exec(received)?.[1],
    clientPort: () => undefined,
  },
};

/** The outcome of envelope `evpid`'s next delivery attempt logged after line `at` (the log window starts at `from`). */
async function outcome(logs: LineLog, from: number, at: number, evpid: string, timeoutMs: number, signal?: AbortSignal): Promise<MtaVerdict> {
  const doneRe = new RegExp(`^(\\S+) mta delivery evpid=${evpid} .*result="?(\\w+)"? stat="?(.*?)"?$`);
  const done = await logs.waitFor((l) => doneRe.test(l), at, timeoutMs, signal);
  const msgid = evpid.slice(0, 8);
  const mine = (l: string) => !l.startsWith('debug:') && (l.includes(evpid) || l.includes(`msgid=${msgid}`));
  if (done < 0) return { ...timedOut(`evpid ${evpid}`, logs.lines.slice(from).filter(mine)), queueId: evpid };
  const [, session, result, stat] = doneRe.exec(logs.lines[done])!;
  // with the lab DNS: the address it went to, which tells the path its MX lookup led it on
  const relayAddress = bracketedAddress(/relay="[^"]*"/.exec(logs.lines[done])?.[0]);
  const relay = relayAddress ? { relayAddress } : {};
  const window = logs.lines.slice(from, done + 1);
  const sessionLines = window.filter((l) => l.startsWith(`${session} mta `));
  // the sessions of this window too (a failed relay reports `0000…` on the delivery line, the error on its own session)
  const mtaLine = /^[0-9a-f]{16} mta (connecting|connected|tls|error|server-cert-check|delivery)/;
  const log = window.filter((l) => mine(l) || mtaLine.test(l));
  const tls = sessionLines.some((l) => / mta tls /.test(l));
  if (result === 'Ok') return { outcome: 'delivered', reason: 'ok', tls, detail: stat, log, queueId: evpid, ...relay };
  const errors = window.filter((l) => /^[0-9a-f]{16} mta error /.test(l)).join(' ');
  return { outcome: result === 'PermFail' ? 'bounced' : 'deferred', reason: reasonFromText(`${errors} ${stat}`), tls, detail: stat, log, queueId: evpid, ...relay };
}
