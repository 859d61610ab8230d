import type { GenericMta } from '../../../scenario/schema.js';
import { reasonFromText, timedOut } from './classify.js';
import { escapeRe, settingLines } from './config.js';
import { followById } from './follow.js';
import type { MtaAdapter } from './types.js';

/**
 * `mta: generic`: an MTA mxlab has no adapter for, described by the node's `generic:` map. Its
 * image follows the environment contract itself (containers/README.md). Submission runs `submit`
 * with {from} and {to} replaced (see submitArgv) and the message on stdin; the line of its log that carries the
 * message's Message-ID gives the queue id (`queue-id`'s first group; a line it does not match is
 * passed over); the first later line that names that queue id (before any `(`) matching `delivered`, `deferred` or `bounced` decides, `tls` on any of its lines
 * says the delivery used TLS.
 */
export function genericAdapter(g: GenericMta): MtaAdapter {
  const queueIdRe = new RegExp(g['queue-id']);
  const outcomes = [
    ['delivered', new RegExp(g.delivered)],
    ['deferred', new RegExp(g.deferred)],
    ['bounced', new RegExp(g.bounced)],
  ] as const;
  const tlsRe = g.tls ? new RegExp(g.tls) : undefined;
  return {
    name: 'generic',
    ready: new RegExp(g.ready),
    version: { argv: g.version ?? ['sh', '-c', 'echo unknown'], parse: (out) => out.trim().split('\n')[0] ?? 'unknown' },
    configLines: settingLines,
    sender: {
      submit: (m, file) => ['sh', '-c', 'exec "$@" < "$0"', file, ...submitArgv(g.submit, m.from, m.rcpt)],
      drop: () => ['true'],
      // the line that carries the Message-ID gives the queue id (a line `queue-id` does not match is passed over)
      follow: followById(
        (m) => {
          const idLine = new RegExp(`<${escapeRe(m.messageId)}>`);
          return (l) => (idLine.test(l) ? queueIdRe.exec(l)?.[1] || undefined : undefined);
        },
        (m) => `Message-ID <${m.messageId}>`,
        async (logs, from, at, qid, timeoutMs, signal) => {
          // a line carries the queue id when it names it before any `(` (a reply quoted in parentheses may name another MTA's id)
          const mine = (l: string) => { const i = l.indexOf(qid); return i >= 0 && (l.indexOf('(') < 0 || i < l.indexOf('(')); };
          const got: { outcome: (typeof outcomes)[number][0] } = { outcome: 'deferred' };
          const done = await logs.waitFor((l) => {
            if (!mine(l)) return false;
            const hit = outcomes.find(([, re]) => re.test(l));
            if (hit) got.outcome = hit[0];
            return !!hit;
          }, at, timeoutMs, signal);
          const log = logs.lines.slice(from, done < 0 ? undefined : done + 1).filter(mine);
          if (done < 0) return { ...timedOut(`queue id ${qid}`, log), queueId: qid };
          const line = logs.lines[done];
          const { outcome } = got;
          return {
            outcome,
            reason: outcome === 'delivered' ? 'ok' : reasonFromText(line),
            tls: !!tlsRe && log.some((l) => tlsRe.test(l)),
            detail: line,
            log,
            queueId: qid,
          };
        },
      ),
    },
  };
}

/**
 * The generic `submit` argv for one message: `{from}` is the envelope sender (the null sender as
 * `<>`, as sendmail-style programs take it); an argument that is exactly `{to}` becomes one argument
 * per envelope recipient, `{to}` inside a longer argument the first recipient.
 */
export function submitArgv(template: string[], from: string, rcpt: string[]): string[] {
  const sender = from === '' ? '<>' : from;
  return template.flatMap((a) => (a === '{to}' ? rcpt : [a.replaceAll('{from}', sender).replaceAll('{to}', rcpt[0] ?? '')]));
}
