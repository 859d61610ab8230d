import type { CellResult, SessionResult } from '../model/result.js';
import { formatTime } from '../model/time.js';

/** A cell's timeline steps and its messages' attempts as lines, in scenario time order (console and HTML). */
export function timelineLines(cell: CellResult): string[] {
  const rows: { t: number; text: string }[] = [];
  for (const step of cell.timeline ?? []) {
    const late = step.t - step.at >= 1000 ? ` (due ${formatTime(step.at)})` : '';
    rows.push({ t: step.t, text: `${step.node}: ${step.change}${late}${step.error ? ` — failed: ${step.error}` : ''}` });
  }
  for (const s of cell.sessions) {
    if (!s.history) continue;
    for (const a of s.history) rows.push({ t: a.t, text: `${s.message}: attempt ${a.attempt} ${a.outcome} (${a.reason})${a.tls ? ', tls' : ''}` });
    if (s.reason === 'expired') rows.push({ t: s.history[s.history.length - 1].end, text: `${s.message}: bounced (expired)` });
  }
  if (!cell.timeline?.length && !rows.length) return [];
  rows.sort((a, b) => a.t - b.t);
  const width = Math.max(...rows.map((r) => formatTime(r.t).length));
  return rows.map((r) => `${formatTime(r.t).padStart(width)}  ${r.text}`);
}

/** `3 attempts, delivered at 15m0.2s` — for a message tried more than once. */
export function attemptsText(s: SessionResult): string {
  if (s.attempts <= 1) return '';
  const when = s.outcome === 'delivered' && s.deliveredAt !== undefined ? `, delivered at ${formatTime(s.deliveredAt)}` : '';
  return `${s.attempts} attempts${when}`;
}
