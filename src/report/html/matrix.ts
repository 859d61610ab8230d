import type { ScenarioResult } from '../../model/result.js';
import { esc, escAttr } from './escape.js';

export const sessionId = (si: number, ci: number, mi: number) => `s${si}-r${ci}-m${mi}`;

/** Runs × messages: each cell shows outcome, TLS, reason and the failed checks, coloured, linking to the session. */
export function matrixTable(s: ScenarioResult, si: number): string {
  const messages = [...new Set(s.cells.flatMap((c) => c.sessions.map((x) => x.message)))];
  const head = `<tr><th>run</th>${messages.map((m) => `<th>${esc(m)}</th>`).join('')}<th>verdict</th></tr>`;
  const rows = s.cells.map((c, ci) => {
    const run = `<th class="run">${c.label ? esc(c.label) : '<span class="dim">(single run)</span>'}</th>`;
    const verdict = `<td class="${c.ok ? 'ok' : 'fail'}">${c.error ? `error ${esc(c.error.code)}: ${esc(c.error.message)}` : c.ok ? '✓ held' : '✗ failed'} <span class="dim">${c.durationMs} ms</span></td>`;
    const cells = messages.map((m) => {
      const mi = c.sessions.findIndex((x) => x.message === m);
      const session = c.sessions[mi];
      if (!session) return '<td class="dim">—</td>';
      const failedChecks = c.expectations.filter((e) => e.message === m && !e.ok).flatMap((e) => e.checks.filter((k) => !k.ok).map((k) => k.name));
      const cls = failedChecks.length ? 'fail' : `out-${session.outcome}`;
      return `<td class="${escAttr(cls)}"><a href="#${sessionId(si, ci, mi)}">${esc(session.outcome)}</a><br>tls ${session.tls ? 'yes' : 'no'} · ${esc(session.reason)}${
        failedChecks.length ? `<br><span class="bad">✗ ${failedChecks.map(esc).join(', ')}</span>` : ''
      }</td>`;
    });
    return `<tr>${run}${cells.join('')}${verdict}</tr>`;
  });
  return `<table class="matrix"><thead>${head}</thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}
