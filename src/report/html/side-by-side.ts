import type { Hop, SessionResult, TranscriptEntry } from '../../model/result.js';
import { alignLines, diffSpan, type AlignedRow } from './align.js';
import { esc, stamp } from './escape.js';

/**
 * What the sender's side of the first hop carried next to what the receiver's side of the last
 * hop carried, per direction. Lines the middlebox rewrote are highlighted, with the differing
 * characters marked (`250 XXXXXXXA` against `250 STARTTLS`).
 */
export function sideBySide(s: SessionResult): string {
  if (s.hops.length < 2) return '<p class="dim">one hop: the sender talked to the receiver directly, nothing in between could rewrite the session</p>';
  const first = s.hops[0];
  const last = s.hops[s.hops.length - 1];
  return (
    pane('Replies (receiver → sender)', first, last, 's2c', `${first.from} received`, `${last.to} sent`) +
    pane('Commands (sender → receiver)', first, last, 'c2s', `${first.from} sent`, `${last.to} received`)
  );
}

const comparable = (h: Hop, dir: 'c2s' | 's2c') => h.entries.filter((e) => e.dir === dir && !e.text.startsWith('<connect '));

function pane(title: string, first: Hop, last: Hop, dir: 'c2s' | 's2c', leftHead: string, rightHead: string): string {
  const left = comparable(first, dir);
  const right = comparable(last, dir);
  const rows = alignLines(left.map((e) => e.text), right.map((e) => e.text));
  const changed = rows.filter((r) => r.kind !== 'same').length;
  const body = rows.map((r) => row(r, left, right)).join('\n');
  return `<h5>${esc(title)} — ${changed ? `<span class="bad">${changed} line${changed === 1 ? ' differs' : 's differ'}</span>` : 'identical'}</h5>
<table class="sbs"><thead><tr><th>time</th><th>${esc(leftHead)} (client view)</th><th>${esc(rightHead)} (server view)</th><th>time</th></tr></thead><tbody>
${body}
</tbody></table>`;
}

const LABEL: Record<AlignedRow['kind'], string> = { same: '', changed: 'rewritten', 'left-only': 'only on the sender side', 'right-only': 'only on the receiver side' };

function row(r: AlignedRow, left: TranscriptEntry[], right: TranscriptEntry[]): string {
  const l = r.left === undefined ? undefined : left[r.left];
  const rt = r.right === undefined ? undefined : right[r.right];
  let lHtml = l ? esc(l.text) : '';
  let rHtml = rt ? esc(rt.text) : '';
  if (r.kind === 'changed' && l && rt) {
    const d = diffSpan(l.text, rt.text);
    lHtml = `${esc(d.prefix)}<mark>${esc(d.a)}</mark>${esc(d.suffix)}`;
    rHtml = `${esc(d.prefix)}<mark>${esc(d.b)}</mark>${esc(d.suffix)}`;
  }
  const cell = (e: TranscriptEntry | undefined, html: string) => (e ? `<code>${html}</code>${e.tls ? ' <span class="tlsmark">[tls]</span>' : ''}` : '<span class="dim">—</span>');
  const title = LABEL[r.kind] ? ` title="${LABEL[r.kind]}"` : '';
  return `<tr class="${r.kind}"${title}><td class="t">${l ? stamp(l.t) : ''}</td><td>${cell(l, lHtml)}</td><td>${cell(rt, rHtml)}</td><td class="t">${rt ? stamp(rt.t) : ''}</td></tr>`;
}
