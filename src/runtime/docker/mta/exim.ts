import { reasonFromText, timedOut } from './classify.js';
import { followById, followQueued } from './follow.js';
import { escapeRe, settingLines } from './config.js';
import { bracketedAddress } from './relay-address.js';
import type { LineLog } from '../line-log.js';
import { sendmailArgv, type MtaAdapter, type MtaVerdict } from './types.js';

const EXIM_ID = '[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}';

/**
 * Exim 4.96 (Debian's exim4-daemon-heavy and its own configuration). Sender: `exim4 -odi`
 * submission, outcome from the `=>` / `==` / `**` lines (with +outgoing_interface: the local port
 * of the delivery, `I=[ip]:port`); receiver: every local part piped into the maildir, the client's
 * port on `<=` lines (+incoming_port). `config:` = Exim macros in exim4.conf.localmacros.
 */
export const exim: MtaAdapter = {
  name: 'exim',
  image: 'exim',
  entrypoint: 'exim',
  ready: /daemon started/,
  reloaded: /daemon started/,
  version: { argv: ['exim4', '-bV'], parse: (out) => { const v = /Exim version (\S+)/.exec(out)?.[1]; return v ? `Exim ${v}` : out.split('\n')[0].trim(); } },
  configLines: settingLines,
  sender: {
    submit: (m, file) => sendmailArgv('/usr/sbin/exim4', m, file, ['-odi']),
    drop: (id) => ['/usr/sbin/exim4', '-Mrm', id],
    flush: ['/usr/sbin/exim4', '-qff'],
    // exim -M: deliver this message now, retry times ignored (the daemon's own queue runs are hourly, -q1h)
    queue: {
      extra: {},
      run: (id) => ['/usr/sbin/exim4', '-M', id],
      follow: followQueued(outcome),
    },
    // the `<=` line of its arrival names the Message-ID (id=…)
    follow: followById(
      (m) => {
        const inRe = new RegExp(`\\s(${EXIM_ID}) <= .* id=${escapeRe(m.messageId)}(\\s|$)`);
        return (l) => inRe.exec(l)?.[1];
      },
      (m) => `Message-ID <${m.messageId}>`,
      outcome,
    ),
  },
  receiver: {
    // the pipe transport adds no Return-path/Envelope-to/Delivery-date (their options default to false)
    trace: ['received'],
    queueId: (received) => new RegExp(`\\bid (${EXIM_ID})\\b`).exec(received)?.[1],
    clientPort(log, qid) {
      const re = new RegExp(`\\s${escapeRe(qid)} <= .*\\sH=.*?\\[[^\\]]*\\]:(\\d+)`);
      for (const l of log) {
        const x = re.exec(l);
        if (x) return Number(x[1]);
      }
      return undefined;
    },
  },
};

/** The outcome of Exim message `eid`'s next delivery attempt logged after line `at` (the log window starts at `from`). */
async function outcome(logs: LineLog, from: number, at: number, eid: string, timeoutMs: number, signal?: AbortSignal): Promise<MtaVerdict> {
  const outRe = new RegExp(`\\s${escapeRe(eid)} (=>|==|\\*\\*) (.*)$`);
  const done = await logs.waitFor((l) => outRe.test(l), at, timeoutMs, signal);
  const mine = (l: string) => l.includes(` ${eid} `);
  if (done < 0) return { ...timedOut(`exim id ${eid}`, logs.lines.slice(from).filter(mine)), queueId: eid };
  const [, flag, rest] = outRe.exec(logs.lines[done])!;
  // include the `Completed` line when it follows right away
  const completed = logs.lines.slice(done + 1, done + 3).filter((l) => mine(l) && l.endsWith('Completed'));
  const log = [...logs.lines.slice(from, done + 1).filter(mine), ...completed];
  const localPort = Number(/\sI=\[[^\]]*\]:(\d+)/.exec(rest)?.[1]) || undefined;
  // with the lab DNS: the address it went to (H=host [ip]), which tells the path its MX lookup led it on
  const relayAddress = bracketedAddress(/\sH=\S+ \[[^\]]+\]/.exec(rest)?.[0]);
  const base = { tls: /\sX=TLS/.test(rest), log, queueId: eid, ...(localPort ? { localPort } : {}), ...(relayAddress ? { relayAddress } : {}) };
  if (flag === '=>') return { ...base, outcome: 'delivered', reason: 'ok', detail: /C="([^"]*)"/.exec(rest)?.[1] ?? rest };
  return { ...base, outcome: flag === '==' ? 'deferred' : 'bounced', reason: reasonFromText(rest), detail: rest };
}
