import { checkContext, checks, evaluate } from '../assertions/index.js';
import { attemptView } from '../assertions/checks/attempt.js';
import { result as checkResult } from '../assertions/types.js';
import type { CheckResult, Outcome, Reason, RunResult, SessionResult } from '../model/result.js';
import { formatTime } from '../model/time.js';
import { explainFailure } from '../report/explain.js';
import { describeCheck } from '../report/format.js';
import { parseDuration } from '../scenario/duration.js';
import { expectationSchema, type ExpectationInput } from '../scenario/schema.js';

/** What `expect.extend` wants back: pass, and a message for either outcome (`.not` included). */
interface MatcherResult {
  pass: boolean;
  message: () => string;
  actual?: unknown;
  expected?: unknown;
}

const isSession = (v: unknown): v is SessionResult => !!v && typeof v === 'object' && 'hops' in v && 'clientView' in v && 'outcome' in v;

/** A matcher over a session, judged by the same check a scenario expectation uses. */
function sessionMatcher<A extends unknown[]>(what: (s: SessionResult, ...args: A) => { checks: CheckResult[]; wants: string }) {
  return function (this: { isNot?: boolean }, received: unknown, ...args: A): MatcherResult {
    if (!isSession(received)) throw new TypeError(`expected a session (sessionOf(result, 'message') or lab.session('message')), got ${received === undefined ? 'undefined' : typeof received}`);
    const { checks: results, wants } = what(received, ...args);
    const pass = results.every((r) => r.ok);
    const failed = results.filter((r) => !r.ok);
    const head = `${received.message}: ${received.outcome} (${received.reason}), tls ${received.tls}`;
    return {
      pass,
      message: () =>
        this?.isNot
          ? `expected ${head} not to ${wants}, but it does`
          : `expected ${head} to ${wants}\n${failed.map((r) => `  ✗ ${describeCheck(r)}`).join('\n')}`,
      expected: results.length === 1 ? results[0].expected : results.map((r) => r.expected),
      actual: results.length === 1 ? results[0].actual : results.map((r) => r.actual),
    };
  };
}

const ctx = checkContext();

/** An expectation's fields as a scenario writes them (`delivered-after: '10m'`), without `message` and `when`. */
export type ExpectationFields = Omit<ExpectationInput, 'message' | 'when'>;

/**
 * The session as it stood after its `n`th delivery attempt (1 = the first): the same view an
 * expectation with `attempt: n` checks. Throws when the message took fewer attempts.
 */
export function attemptOf(session: SessionResult, n: number): SessionResult {
  const view = Number.isInteger(n) && n >= 1 ? attemptView(session, n) : undefined;
  if (!view) throw new Error(`Failed to find attempt ${n} of message "${session.message}": it took ${session.attempts} attempt${session.attempts === 1 ? '' : 's'}. Did you mean attempt 1 to ${session.attempts}?`);
  return view;
}

/** ms of a duration given as a number (ms) or as a scenario writes it (`10m`). */
function durationMs(d: string | number): number {
  const ms = typeof d === 'number' ? d : parseDuration(d);
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) throw new TypeError(`expected a duration such as 10m, 90s or a number of ms, got ${JSON.stringify(d)}`);
  return ms;
}

/**
 * Matchers for every fact a scenario expectation can check, each judged by the very check the
 * expectation uses (src/assertions), plus `toPassExpectations()` on a whole result.
 */
export const mxlabMatchers = {
  toHaveNegotiatedTls: sessionMatcher((s) => ({ checks: checks.tls(true, s, ctx), wants: 'have negotiated TLS' })),
  toHaveOutcome: sessionMatcher((s, outcome: Outcome, reason?: Reason) => ({
    checks: [...checks.outcome(outcome, s, ctx), ...(reason === undefined ? [] : checks.reason(reason, s, ctx))],
    wants: `be ${outcome}${reason ? ` (${reason})` : ''}`,
  })),
  toHaveReason: sessionMatcher((s, reason: Reason) => ({ checks: checks.reason(reason, s, ctx), wants: `have reason ${reason}` })),
  toHaveBannerLine: sessionMatcher((s, text: string) => ({ checks: checks.banner({ includes: [text] }, s, ctx), wants: `have a banner line containing "${text}"` })),
  toHaveEhloLine: sessionMatcher((s, text: string) => ({ checks: checks.ehlo({ includes: [text] }, s, ctx), wants: `have an EHLO reply line containing "${text}"` })),
  toHaveEhloLines: sessionMatcher((s, lines: string[]) => ({ checks: checks.ehlo({ equals: lines }, s, ctx), wants: `have exactly the EHLO reply ${JSON.stringify(lines)}` })),
  toHaveStartTlsReply: sessionMatcher((s, reply: string) => ({ checks: checks.starttls({ reply }, s, ctx), wants: `have a STARTTLS reply starting "${reply}"` })),
  toHaveSentStartTls: sessionMatcher((s) => ({ checks: checks.starttls({ sent: true }, s, ctx), wants: 'have sent STARTTLS' })),
  toHaveReplyLine: sessionMatcher((s, text: string) => ({ checks: checks.replies({ includes: [text] }, s, ctx), wants: `have a reply line containing "${text}"` })),
  toHaveServerCommand: sessionMatcher((s, text: string) => ({ checks: checks.server({ commands: { includes: [text] } }, s, ctx), wants: `have the receiver get a command containing "${text}"` })),
  toHaveBanner: sessionMatcher((s, line: string) => ({ checks: checks.banner({ equals: line }, s, ctx), wants: `have the banner "${line}"` })),
  toHaveFirewallEvent: sessionMatcher((s, ruleOrLog: string) => ({ checks: checks.firewall({ events: { includes: [ruleOrLog] } }, s, ctx), wants: `have a firewall event (rule or log line) containing "${ruleOrLog}"` })),
  toHaveFirewallRule: sessionMatcher((s, rule: string, times?: number) => {
    const fired = s.firewall.events.filter((e) => e.rule === rule).length;
    const ok = times === undefined ? fired > 0 : fired === times;
    const all = s.firewall.events.map((e) => e.rule);
    return {
      checks: [checkResult('firewall.rule', ok, times === undefined ? `rule ${rule} fired` : `rule ${rule} fired ${times} time${times === 1 ? '' : 's'}`, fired ? `${fired} time${fired === 1 ? '' : 's'} (rules fired: ${[...new Set(all)].join(', ')})` : `never (rules fired: ${[...new Set(all)].join(', ') || 'none'})`)],
      wants: times === undefined ? `have firewall rule ${rule} fire` : `have firewall rule ${rule} fire ${times} time${times === 1 ? '' : 's'}`,
    };
  }),
  toHaveLogLine: sessionMatcher((s, text: string) => ({ checks: checks.log({ includes: [text] }, s, ctx), wants: `have an MTA log line containing "${text}"` })),
  toHaveDnsQuery: sessionMatcher((s, text: string) => ({ checks: checks.dns({ includes: [text] }, s, ctx), wants: `have a DNS query line (NAME TYPE RCODE [AD] answers) containing "${text}"` })),
  toHaveAttempts: sessionMatcher((s, n: number) => ({ checks: checks.attempts(n, s, ctx), wants: `have taken ${n} delivery attempt${n === 1 ? '' : 's'}` })),
  toHaveBeenDeliveredAfter: sessionMatcher((s, after: string | number) => {
    const ms = durationMs(after);
    return { checks: checks['delivered-after'](ms, s, ctx), wants: `have been delivered at ${formatTime(ms)} or later` };
  }),
  /** A whole expectation as a scenario writes it (`{ attempt: 1, outcome: 'deferred', ehlo: { excludes: ['STARTTLS'] } }`), judged as the scenario would. */
  toMeetExpectation: sessionMatcher((s, fields: ExpectationFields) => {
    const parsed = expectationSchema.safeParse({ ...fields, message: s.message });
    if (!parsed.success) throw new TypeError(`expected expectation fields as a scenario writes them: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(fields)'}: ${i.message}`).join('; ')}`);
    return { checks: evaluate(parsed.data, s, undefined, ctx).checks, wants: `meet ${JSON.stringify(fields)}` };
  }),
  toHaveArrivedIntact: sessionMatcher((s) => ({ checks: checks.intact(true, s, ctx), wants: 'have arrived byte for byte (same size and SHA-256 as sent)' })),
  toMatchGolden: sessionMatcher((s, path: string) => ({ checks: checks.golden(path, s, ctx), wants: `match the golden transcript ${path}` })),

  /** Every expectation of every run held and no run broke; the failure message is the console's explanation. */
  toPassExpectations(this: { isNot?: boolean }, received: unknown): MatcherResult {
    const r = received as RunResult;
    if (!r || !Array.isArray(r.scenarios)) throw new TypeError('expected a RunResult (what runScenario returns, or lab.result)');
    const lines: string[] = [];
    for (const s of r.scenarios) {
      for (const cell of s.cells) {
        const where = `${s.file}${cell.label ? ` [${cell.label}]` : ''}`;
        if (cell.error) lines.push(`${where}: harness error ${cell.error.code}: ${cell.error.message}`);
        for (const e of cell.expectations.filter((x) => !x.ok)) {
          const { checks: failed, evidence } = explainFailure(e, cell.sessions.find((x) => x.message === e.message));
          lines.push(`${where}${e.line ? ` line ${e.line}` : ''} message ${e.message}`, ...failed.map((c) => `  ✗ ${c}`), ...evidence.map((l) => `    ${l}`));
        }
      }
    }
    const pass = r.ok && lines.length === 0;
    const total = r.summary?.expectations ?? 0;
    return {
      pass,
      message: () => (this?.isNot ? `expected the run not to pass its ${total} expectations, but every one held` : `expected every expectation to hold:\n${lines.join('\n')}`),
    };
  },
};

/** The matchers' types, as `expect(x).toHaveNegotiatedTls()` sees them (mxlab/vitest adds them to vitest's `Matchers`). */
export interface MxlabMatchers<R = unknown> {
  toHaveNegotiatedTls(): R;
  toHaveOutcome(outcome: Outcome, reason?: Reason): R;
  toHaveReason(reason: Reason): R;
  toHaveBannerLine(text: string): R;
  toHaveEhloLine(text: string): R;
  toHaveEhloLines(lines: string[]): R;
  toHaveStartTlsReply(reply: string): R;
  toHaveSentStartTls(): R;
  toHaveReplyLine(text: string): R;
  toHaveServerCommand(text: string): R;
  toHaveBanner(line: string): R;
  toHaveFirewallEvent(ruleOrLogText: string): R;
  /** a firewall rule (its name, e.g. `mask-command`) fired, or fired exactly `times` times */
  toHaveFirewallRule(rule: string, times?: number): R;
  toHaveLogLine(text: string): R;
  toHaveDnsQuery(text: string): R;
  toHaveAttempts(n: number): R;
  /** a duration as a scenario writes it (`10m`) or ms */
  toHaveBeenDeliveredAfter(after: string | number): R;
  toMeetExpectation(fields: ExpectationFields): R;
  toHaveArrivedIntact(): R;
  toMatchGolden(path: string): R;
  toPassExpectations(): R;
}
