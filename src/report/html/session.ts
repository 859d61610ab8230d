import { dnsLine, type ExpectationResult, type SessionResult } from '../../model/result.js';
import { esc, escAttr, stamp } from './escape.js';
import { expectationTable } from './expectations.js';
import { sequenceView } from './sequence.js';
import { sideBySide } from './side-by-side.js';
import { formatTime } from '../../model/time.js';

/** One message's session: verdict, failed expectations, sequence view, side-by-side views, firewall events, sender log. */
export function sessionBlock(id: string, s: SessionResult, expectations: ExpectationResult[], file: string): string {
  const failed = expectations.filter((e) => e.message === s.message && !e.ok);
  const open = failed.length ? ' open' : '';
  const cls = failed.length ? 'fail' : `out-${s.outcome}`;
  const summary = `<span class="badge ${cls}">${esc(s.outcome)}</span> <b>${esc(s.message)}</b> ${esc(s.from)} → ${esc(s.to)} · tls ${s.tls ? 'yes' : 'no'} · ${esc(s.reason)}${
    s.detail ? ` · <code>${esc(s.detail)}</code>` : ''
  } · ${s.attempts} attempt${s.attempts === 1 ? '' : 's'}${s.deliveredAt !== undefined && s.attempts > 1 ? ` · delivered at ${esc(formatTime(s.deliveredAt))}` : ''}${failed.length ? ` · <span class="bad">${failed.length} expectation${failed.length === 1 ? '' : 's'} failed</span>` : ''}`;
  return `<details class="session" id="${escAttr(id)}"${open}><summary>${summary}</summary>
${failed.length ? `<h4>Failed expectations</h4>${expectationTable(failed, file)}` : ''}
${s.history ? `<details open><summary><h4>Attempts (${s.history.length})</h4></summary>${attemptsTable(s)}</details>` : ''}
<details open><summary><h4>Sequence${s.history ? ' (last attempt)' : ''}</h4></summary>${sequenceView(s)}</details>
<details${s.hops.length > 1 ? ' open' : ''}><summary><h4>Client view / server view</h4></summary>${sideBySide(s)}</details>
<details${s.firewall.events.length ? ' open' : ''}><summary><h4>Firewall events (${s.firewall.events.length})</h4></summary>${firewallEvents(s)}</details>
${s.dns?.length ? `<details><summary><h4>DNS queries (${s.dns.length})</h4></summary><pre>${s.dns.map((q) => `${stamp(q.t)}  ${esc(q.node)}  ${esc(dnsLine(q))}`).join('\n')}</pre></details>` : ''}
${s.log?.length ? `<details><summary><h4>Sender log (${s.log.length})</h4></summary><pre>${s.log.map(esc).join('\n')}</pre></details>` : ''}
</details>`;
}

/** Every attempt of a message tried more than once: when, how it ended, and what decided it. */
function attemptsTable(s: SessionResult): string {
  const rows = (s.history ?? []).map(
    (a) => `<tr><td>${a.attempt}</td><td class="t">${esc(formatTime(a.t))}</td><td><span class="badge out-${escAttr(a.outcome)}">${esc(a.outcome)}</span></td><td>${esc(a.reason)}</td><td>${a.tls ? 'yes' : 'no'}</td><td><code>${esc(a.detail ?? '')}</code></td><td>${a.firewall.events.length}</td></tr>`,
  );
  return `<table class="events"><thead><tr><th>#</th><th>scenario time</th><th>outcome</th><th>reason</th><th>tls</th><th>detail</th><th>firewall events</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

function firewallEvents(s: SessionResult): string {
  if (!s.firewall.events.length) return '<p class="dim">the firewall logged nothing for this session</p>';
  const rows = s.firewall.events.map(
    (e) =>
      `<tr><td class="t">${stamp(e.t)}</td><td>${esc(e.node)}</td><td>${e.conn}</td><td>${esc(e.rule)}</td><td><span class="act act-${escAttr(e.action)}">${esc(e.action)}</span></td><td>${esc(e.direction)}</td><td><code>${esc(e.log)}</code></td></tr>`,
  );
  return `<table class="events"><thead><tr><th>time</th><th>node</th><th>conn</th><th>rule</th><th>action</th><th>from</th><th>device log</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}
