import { dnsLine, type ExpectationResult, type SessionResult, type TranscriptEntry } from '../model/result.js';
import { describeCheck } from './format.js';

/**
 * Why an expectation failed, as the console prints it: each failed check as expected vs actual,
 * then the transcript lines that explain it. The JUnit `<failure>` body and the vitest
 * `toPassExpectations()` message are this same text.
 */
export function explainFailure(e: ExpectationResult, session: SessionResult | undefined): { checks: string[]; evidence: string[] } {
  const checks = e.checks.filter((k) => !k.ok).map(describeCheck);
  return { checks, evidence: session ? evidence(e, session) : [] };
}

/** The transcript lines that explain a failed expectation. */
export function evidence(e: ExpectationResult, s: SessionResult): string[] {
  const names = e.checks.filter((k) => !k.ok).map((k) => k.name.split('.')[0]);
  const out: string[] = [];
  for (const k of e.checks) if (k.name === 'golden' && !k.ok && typeof k.actual === 'string' && k.actual.includes('\n')) out.push(...k.actual.split('\n').slice(k.actual.startsWith('--- ') ? 0 : 1));
  if (names.includes('ehlo') || names.includes('tls')) out.push('EHLO reply the sender saw:', ...s.clientView.ehlo.map((l) => `  ${l}`));
  if (names.includes('tls') && !names.includes('starttls')) out.push(`STARTTLS reply: ${s.clientView.starttls ?? '(not sent)'}`);
  if (names.includes('banner')) out.push('banner the sender saw:', ...s.clientView.banner.map((l) => `  ${l}`));
  if (names.includes('starttls')) {
    out.push(`STARTTLS reply: ${s.clientView.starttls ?? '(not sent)'}`);
    out.push(`receiver got: ${s.serverView.commands.join(' | ') || '(nothing)'}`);
  }
  if (names.includes('server')) out.push(`receiver got: ${s.serverView.commands.join(' | ') || '(nothing)'}`);
  if (names.includes('dns') || (s.dns?.length && names.some((n) => ['outcome', 'reason'].includes(n)))) {
    out.push('DNS queries of the sender:', ...(s.dns?.length ? s.dns.map((q) => `  ${dnsLine(q)}`) : ['  (none)']));
  }
  if (names.includes('log')) out.push('sender log:', ...(s.log?.length ? s.log.slice(-12).map((l) => `  ${l}`) : ['  (none)']));
  if (names.some((n) => ['outcome', 'reason', 'tls', 'session', 'firewall'].includes(n))) {
    out.push(`${s.outcome} (${s.reason})${s.detail ? `: ${s.detail}` : ''}`);
    for (const ev of s.firewall.events.slice(-5)) out.push(`firewall ${ev.node}: ${ev.log}`);
    const hop = s.hops[0];
    if (hop) out.push(`last lines ${hop.from} → ${hop.to}:`, ...hop.entries.slice(-8).map(fmtEntry));
  }
  return out;
}

export function fmtEntry(e: TranscriptEntry): string {
  return `  ${e.t.toFixed(1).padStart(8)} ms ${e.dir === 'c2s' ? 'C:' : 'S:'} ${e.tls ? '[tls] ' : ''}${e.text}`;
}

/** `scenario name [label] › message: field, field` — a stable test name: no line numbers, nothing run-specific. */
export function expectationTitle(scenarioName: string, label: string, e: Pick<ExpectationResult, 'message' | 'spec'>): string {
  const fields = Object.keys(e.spec).filter((k) => k !== 'message' && k !== 'when');
  return `${scenarioName}${label ? ` [${label}]` : ''} › ${e.message}${fields.length ? `: ${fields.join(', ')}` : ''}`;
}
