/**
 * `mxlab/vitest`: matchers for suites written in code.
 *
 *   import { expect } from 'vitest';
 *   import { mxlabMatchers, sessionOf } from 'mxlab/vitest';
 *   expect.extend(mxlabMatchers);
 *   const result = await runScenario('scenarios/seed-esa-behind-pix.yaml');
 *   expect(sessionOf(result, 'inside')).toHaveNegotiatedTls();
 *
 * No import of vitest here: the matchers follow the expect.extend protocol ({ pass, message }).
 */
import type { Outcome, Reason, RunResult, SessionResult } from '../model/result.js';

/** The session of a message (first cell that has it, or the cell with the given label). */
export function sessionOf(result: RunResult, message: string, cellLabel?: string): SessionResult {
  for (const s of result.scenarios) {
    for (const c of s.cells) {
      if (cellLabel !== undefined && c.label !== cellLabel) continue;
      const hit = c.sessions.find((x) => x.message === message);
      if (hit) return hit;
    }
  }
  throw new Error(`Failed to find a session for message "${message}"${cellLabel ? ` in run [${cellLabel}]` : ''}. Did you forget to list it under messages?`);
}

interface MatcherResult {
  pass: boolean;
  message: () => string;
  actual?: unknown;
  expected?: unknown;
}

const describe = (s: SessionResult) => `${s.message}: ${s.outcome} (${s.reason}), tls ${s.tls}${s.detail ? ` — ${s.detail}` : ''}`;

export const mxlabMatchers = {
  toHaveNegotiatedTls(received: SessionResult): MatcherResult {
    return { pass: received.tls, message: () => `expected ${describe(received)} to have ${received.tls ? 'not ' : ''}negotiated TLS; EHLO: ${received.clientView.ehlo.join(' | ')}` };
  },
  toHaveOutcome(received: SessionResult, outcome: Outcome, reason?: Reason): MatcherResult {
    const pass = received.outcome === outcome && (reason === undefined || received.reason === reason);
    return { pass, message: () => `expected ${describe(received)} to${pass ? ' not' : ''} be ${outcome}${reason ? ` (${reason})` : ''}`, actual: `${received.outcome} (${received.reason})`, expected: `${outcome}${reason ? ` (${reason})` : ''}` };
  },
  toHaveEhloLine(received: SessionResult, text: string): MatcherResult {
    const pass = received.clientView.ehlo.some((l) => l.includes(text));
    return { pass, message: () => `expected the EHLO reply of ${received.message} to${pass ? ' not' : ''} contain "${text}": ${received.clientView.ehlo.join(' | ')}` };
  },
};

export interface MxlabMatchers<R = unknown> {
  toHaveNegotiatedTls(): R;
  toHaveOutcome(outcome: Outcome, reason?: Reason): R;
  toHaveEhloLine(text: string): R;
}
