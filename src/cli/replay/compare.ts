import { firstDifference, normaliseHop } from '../../assertions/normalise.js';
import type { CellResult, ExpectationResult, SessionResult } from '../../model/result.js';
import { show } from '../../report/format.js';

/** One expectation's verdict then and now. */
export interface VerdictPair {
  /** `:40 outside: tls, outcome` */
  title: string;
  recorded: string;
  now: string;
  same: boolean;
  /** what changed: checks whose verdict moved, and the first different transcript line per hop */
  detail: string[];
}

/** `held`, `failed (tls, outcome)`, `not checked (E_LISTEN)`, or `—` when there is no such expectation. */
export function verdict(e: ExpectationResult | undefined, cell: CellResult): string {
  if (!e) return '—';
  if (e.ok) return 'held';
  const session = cell.sessions.some((s) => s.message === e.message);
  if (!session && cell.error) return `not checked (${cell.error.code})`;
  return `failed (${e.checks.filter((k) => !k.ok).map((k) => k.name).join(', ')})`;
}

/** Pairs a recorded cell's expectations with the replayed cell's, in order (the replayed scenario lists the same ones). */
export function compareCells(recorded: CellResult, now: CellResult): VerdictPair[] {
  const n = Math.max(recorded.expectations.length, now.expectations.length);
  const pairs: VerdictPair[] = [];
  for (let i = 0; i < n; i++) {
    const a = recorded.expectations[i];
    const b = now.expectations[i];
    const e = (a ?? b)!;
    const fields = Object.keys(e.spec).filter((k) => k !== 'message' && k !== 'when');
    const title = `${a?.line ? `:${a.line} ` : ''}${e.message}${fields.length ? `: ${fields.join(', ')}` : ''}`;
    const [r, w] = [verdict(a, recorded), verdict(b, now)];
    const same = r === w && a?.message === b?.message;
    pairs.push({ title, recorded: r, now: w, same, detail: same ? [] : explain(a, b, recorded, now) });
  }
  return pairs;
}

function explain(a: ExpectationResult | undefined, b: ExpectationResult | undefined, recorded: CellResult, now: CellResult): string[] {
  const out: string[] = [];
  if (a && b) {
    for (const k of b.checks) {
      const old = a.checks.find((x) => x.name === k.name);
      if (old && old.ok === k.ok) continue;
      out.push(`${k.name}: recorded ${old ? show(old.actual) : '(not checked)'}, now ${show(k.actual)}`);
    }
  }
  if (recorded.error?.code !== now.error?.code) out.push(`harness error: recorded ${recorded.error ? recorded.error.code : 'none'}, now ${now.error ? `${now.error.code}: ${now.error.message}` : 'none'}`);
  const message = (a ?? b)!.message;
  out.push(...transcriptDifferences(recorded.sessions.find((s) => s.message === message), now.sessions.find((s) => s.message === message)));
  return out;
}

/** For each hop, the first line where the normalised transcripts differ (recorded above, now below). */
export function transcriptDifferences(a: SessionResult | undefined, b: SessionResult | undefined): string[] {
  if (!a || !b) return [`transcript: recorded ${a ? 'a session' : 'no session'}, now ${b ? 'a session' : 'no session'}`];
  const out: string[] = [];
  const hops = Math.max(a.hops.length, b.hops.length);
  for (let i = 0; i < hops; i++) {
    const [ha, hb] = [a.hops[i], b.hops[i]];
    const name = `hop ${i + 1} ${(ha ?? hb)!.from} → ${(ha ?? hb)!.to}`;
    if (!ha || !hb) {
      out.push(`${name}: ${ha ? 'gone now' : 'new now'}`);
      continue;
    }
    const [la, lb] = [normaliseHop(ha, i).slice(1), normaliseHop(hb, i).slice(1)];
    const d = firstDifference(la, lb);
    if (!d) continue;
    out.push(`${name}, transcript line ${d.index + 1}:`, `  recorded  ${d.a ?? '(end of transcript)'}`, `  now       ${d.b ?? '(end of transcript)'}`);
  }
  return out;
}
