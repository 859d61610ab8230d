import { dnsLine, type CellResult, type ScenarioResult, type SessionResult } from '../../model/result.js';

/** Control bytes as `\xNN`, so `cat` on a transcript cannot drive the terminal. */
const clean = (s: string) => s.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
const ms = (t: number) => `${t.toFixed(3).padStart(11)} ms`;

/** One session as plain text: verdict, every hop both directions with timestamps, firewall events, views, sender log, checks. */
export function sessionTranscript(s: SessionResult, cell: CellResult, scenario: ScenarioResult, header: { mxlab: string; startedAt: string }): string {
  const out: string[] = [];
  const line = (x = '') => out.push(clean(x));
  line(`mxlab ${header.mxlab} · run started ${header.startedAt} · times in ms since the start of the run`);
  line(`scenario  ${scenario.name} (${scenario.file})`);
  line(`run       ${cell.label || '(single run)'}`);
  line(`message   ${s.message}: ${s.from} → ${s.to}`);
  line(`outcome   ${s.outcome} (${s.reason}) · tls ${s.tls ? 'yes' : 'no'} · ${s.attempts} attempt${s.attempts === 1 ? '' : 's'}`);
  if (s.detail) line(`detail    ${s.detail}`);
  s.hops.forEach((h, i) => {
    line();
    line(`== hop ${i + 1}: ${h.from} → ${h.to} (→ ${h.from} to ${h.to}, ← ${h.to} to ${h.from}) ==`);
    for (const e of h.entries) line(`${ms(e.t)}  ${e.dir === 'c2s' ? '→' : '←'} ${e.tls ? '[tls] ' : ''}${e.text}`);
  });
  line();
  line(`== firewall events (${s.firewall.events.length}) ==`);
  for (const e of s.firewall.events) line(`${ms(e.t)}  ${e.node} conn ${e.conn} ${e.rule} ${e.action} (${e.direction}): ${e.log}`);
  line();
  line('== client view (what the sender saw) ==');
  for (const b of s.clientView.banner) line(`banner     ${b}`);
  for (const b of s.clientView.ehlo) line(`ehlo       ${b}`);
  if (s.clientView.starttls !== undefined) line(`starttls   ${s.clientView.starttls}`);
  for (const b of s.clientView.ehloAfterTls ?? []) line(`ehlo (tls) ${b}`);
  line();
  line(`== server view (what the receiver got) · tls ${s.serverView.tls ? 'yes' : 'no'} · accepted ${s.serverView.accepted ? 'yes' : 'no'} ==`);
  for (const c of s.serverView.commands) line(`command    ${c}`);
  for (const h of s.serverView.headers ?? []) line(`header     ${h}`);
  if (s.dns?.length) {
    line();
    line(`== DNS queries (${s.dns.length}) ==`);
    for (const q of s.dns) line(`${ms(q.t)}  ${q.node}: ${dnsLine(q)}`);
  }
  if (s.log?.length) {
    line();
    line(`== sender log (${s.log.length}) ==`);
    for (const l of s.log) line(l);
  }
  const checks = cell.expectations.filter((e) => e.message === s.message);
  if (checks.length) {
    line();
    line('== expectations ==');
    for (const e of checks)
      for (const k of e.checks) line(`${k.ok ? 'ok  ' : 'FAIL'} ${scenario.file}${e.line ? `:${e.line}` : ''} ${k.name}: expected ${JSON.stringify(k.expected)}, got ${JSON.stringify(k.actual)}`);
  }
  return out.join('\n') + '\n';
}
