import type { FirewallEvent, SessionResult } from '../../model/result.js';
import { esc, stamp } from './escape.js';

type Row = { t: number; hop: number; dir: 'c2s' | 's2c'; text: string; tls?: boolean } | { t: number; event: FirewallEvent };

/**
 * The session as a sequence diagram in table form: one row per line on the wire, ordered by time,
 * one column per hop (sender ⇄ firewall, firewall ⇄ receiver); firewall events sit on the timeline
 * between the lines they acted on.
 */
export function sequenceView(s: SessionResult): string {
  if (!s.hops.length) return '<p class="dim">no transcript recorded</p>';
  const rows: Row[] = [
    ...s.hops.flatMap((h, hop) => h.entries.map((e) => ({ t: e.t, hop, dir: e.dir, text: e.text, tls: e.tls }))),
    ...s.firewall.events.map((event) => ({ t: event.t, event })),
  ].sort((a, b) => a.t - b.t);
  const cols = s.hops.length;
  const head = s.hops.map((h) => `<th>${esc(h.from)} ⇄ ${esc(h.to)}</th>`).join('');
  const body = rows.map((r) => {
    if ('event' in r) {
      const e = r.event;
      return `<tr class="fwev"><td class="t">${stamp(r.t)}</td><td colspan="${cols}">⚑ <b>${esc(e.node)}</b> conn ${e.conn} · ${esc(e.rule)} · <span class="act act-${esc(e.action)}">${esc(e.action)}</span> (${esc(e.direction)}) — <code>${esc(e.log)}</code></td></tr>`;
    }
    const cells = Array.from({ length: cols }, (_, k) =>
      k === r.hop ? `<td class="${r.dir}${r.tls ? ' tls' : ''}">${arrow(r.dir)}<code>${esc(r.text)}</code>${r.tls ? ' <span class="tlsmark">[tls]</span>' : ''}</td>` : '<td></td>',
    );
    return `<tr><td class="t">${stamp(r.t)}</td>${cells.join('')}</tr>`;
  });
  return `<table class="seq"><thead><tr><th>time</th>${head}</tr></thead><tbody>\n${body.join('\n')}\n</tbody></table>`;
}

const arrow = (dir: 'c2s' | 's2c') => (dir === 'c2s' ? '<span class="arr">→</span> ' : '<span class="arr">←</span> ');
