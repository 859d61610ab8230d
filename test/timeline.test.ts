import { describe, expect, it } from 'vitest';
import type { CellResult, SessionResult } from '../src/model/result.js';
import { renderHtml } from '../src/report/html/page.js';
import { runScenario } from '../src/run/run-scenario.js';
import { mxlab } from './helpers/cli.js';
import { checkDevice } from '../src/run/device-check.js';
import { problems as checkedProblems } from './helpers/problems.js';

/** Retries and the timeline on the local runtime: real sockets, real TLS, the scenario clock. */
async function run(source: string): Promise<{ cell: CellResult; by: Record<string, SessionResult> }> {
  const r = await runScenario({ source, file: 'timeline.yaml' }, { reporter: {} });
  const cell = r.scenarios[0].cells[0];
  expect(cell.error).toBeUndefined();
  return { cell, by: Object.fromEntries(cell.sessions.map((s) => [s.message, s])) };
}

const HEAD = `name: t
nodes:
  esa: { role: receiver, persona: asyncos, hostname: esa.example.com }
  fw: { role: firewall, device: none, forwards-to: esa }
  partner: { role: sender, via: fw, tls: required, retry: [5m], queue-lifetime: 1h }
`;

describe('timeline on the local runtime', () => {
  it('a firewall fault set and cleared by the timeline: required defers with tls-failed, then delivers with TLS', async () => {
    const { cell, by } = await run(`${HEAD}messages:
  - { id: m, from: partner, to: esa }
timeline:
  - { at: 0, node: fw, fault: break-tls }
  - { at: 12m, node: fw, fault: none }
`);
    const s = by.m;
    expect(s).toMatchObject({ outcome: 'delivered', tls: true, attempts: 4 });
    expect(s.history!.map((a) => `${a.outcome}/${a.reason}`)).toEqual(['deferred/tls-failed', 'deferred/tls-failed', 'deferred/tls-failed', 'delivered/ok']);
    // each attempt keeps its own evidence: the firewall's reset on the first three, none on the last
    expect(s.history![0].firewall.events.map((e) => e.rule)).toContain('break-tls');
    expect(s.history![3].firewall.events.map((e) => e.rule)).not.toContain('break-tls');
    expect(s.history![0].hops[0].entries.length).toBeGreaterThan(0);
    expect(s.deliveredAt).toBeGreaterThanOrEqual(15 * 60_000);
    expect(cell.timeline!.map((x) => `${x.at} ${x.node} ${x.change}`)).toEqual(['0 fw fault break-tls', '720000 fw fault none']);
    expect(cell.scenarioMs).toBeGreaterThanOrEqual(15 * 60_000);
    // transcripts are in scenario time: the last attempt's lines are at 15 minutes and later
    expect(s.hops[0].entries[0].t).toBeGreaterThanOrEqual(15 * 60_000);
  });

  it('fault: none also clears the faults the config set (! mxlab fault / knob lines), and keeps its other lines', async () => {
    const { by } = await run(`name: t
nodes:
  esa: { role: receiver, persona: asyncos, hostname: esa.example.com }
  fw:
    role: firewall
    device: asa 9.12(4)
    config: |
      ! mxlab fault break-tls
      ! mxlab knob strip-tls-reply off
      policy-map type inspect esmtp tls_map
       parameters
        allow-tls
      policy-map global_policy
       class inspection_default
        inspect esmtp tls_map
    forwards-to: esa
  partner: { role: sender, via: fw, tls: required, retry: [5m], queue-lifetime: 1h }
messages:
  - { id: m, from: partner, to: esa }
timeline:
  - { at: 7m, node: fw, fault: none }
`);
    expect(by.m.history!.map((a) => `${a.outcome}/${a.reason}`)).toEqual(['deferred/tls-failed', 'deferred/tls-failed', 'delivered/ok']);
    // the allow-tls map is still in force after the step: STARTTLS reached the sender
    expect(by.m).toMatchObject({ tls: true, attempts: 3 });
  });

  it('a receiver stopped and started again: while it is down the firewall in front of it cuts the session', async () => {
    const { by } = await run(`${HEAD}messages:
  - { id: m, from: partner, to: esa }
timeline:
  - { at: 0, node: esa, state: stopped }
  - { at: 7m, node: esa, state: started }
`);
    expect(by.m.history!.map((a) => a.reason)).toEqual(['connection-reset', 'connection-reset', 'ok']);
    expect(by.m).toMatchObject({ outcome: 'delivered', attempts: 3 });
  });

  it('a receiver TLS fault and TLS policy changed mid-run; a firewall device replaced', async () => {
    const { by } = await run(`name: t
nodes:
  esa: { role: receiver, persona: asyncos, hostname: esa.example.com, tls-fault: expired }
  fw: { role: firewall, device: pix 7.2(2), forwards-to: esa }
  strict: { role: sender, tls: verify, retry: [10m] }
  partner: { role: sender, via: fw, retry: [10m] }
messages:
  - { id: v, from: strict, to: esa }
  - { id: p, from: partner, to: esa, dkim: true }
timeline:
  - { at: 5m, node: esa, tls-fault: none }
  - { at: 5m, node: fw, device: pix 7.2(3) }
`);
    expect(by.v.history!.map((a) => `${a.reason} ${a.tls}`)).toEqual(['tls-failed false', 'ok true']);
    expect(by.v.history![0].detail).toBe('TLS handshake failed: certificate has expired (CERT_HAS_EXPIRED)');
    // 7.2(3) fixed the DKIM defect but still masks STARTTLS: delivered, in plaintext
    expect(by.p).toMatchObject({ outcome: 'delivered', tls: false, attempts: 2 });
    expect(by.p.clientView.ehlo.at(-1)).toBe('250 XXXXXXXA');
  });

  it('expectations select an attempt, count attempts and check the time of delivery', async () => {
    const r = await runScenario({ source: `${HEAD}messages:
  - { id: m, from: partner, to: esa }
timeline:
  - { at: 0, node: fw, fault: break-tls }
  - { at: 4m, node: fw, fault: none }
expect:
  - { message: m, attempt: 1, outcome: deferred, reason: tls-failed }
  - { message: m, attempt: 2, outcome: delivered, tls: true }
  - { message: m, attempts: 2, delivered-after: 5m }
  - { message: m, attempt: 3, outcome: delivered }
  - { message: m, attempts: 1, delivered-after: 1h }
`, file: 't.yaml' }, { reporter: {} });
    const checks = r.scenarios[0].cells[0].expectations.map((e) => e.checks.map((c) => `${c.name} ${c.ok ? 'ok' : `✗ ${String(c.actual)}`}`).join(', '));
    expect(checks[0]).toBe('outcome ok, reason ok, attempt ok');
    expect(checks[1]).toBe('outcome ok, tls ok, attempt ok');
    expect(checks[2]).toBe('attempts ok, delivered-after ok');
    expect(checks[3]).toBe('attempt ✗ 2 attempts');
    expect(checks[4]).toMatch(/^attempts ✗ 2, delivered-after ✗ delivered at 5m(0\.\ds)?$/);
    const html = renderHtml(r);
    expect(html).toContain('Timeline (scenario time)');
    expect(html).toContain('Attempts (2)');
  });

  it('the console shows the steps and attempts at their scenario times', async () => {
    const r = await mxlab(['run', 'scenarios/fix-then-deliver.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/scenario time 4h15m/);
    expect(r.stdout).toMatch(/ {2,}10m {2}fw: config-append "policy-map global_policy \/ class inspection_default \/ no inspect esmtp"/);
    // attempt 3 starts at 15m plus the real time the earlier attempts took: 15m on a fast run, 15m0.1s on a slower one
    expect(r.stdout).toMatch(/ 15m(0\.\ds)? {2}dkim: attempt 3 delivered \(ok\), tls/);
    expect(r.stdout).toMatch(/dkim-unfixed +bounced +no +expired +15 attempts/);
  });
});

describe('timeline and queue validation', () => {
  const problems = (source: string): string[] => checkedProblems(source, { checkDevice });
  const base = `name: t
nodes:
  esa: { role: receiver }
  fw: { role: firewall, device: asa 9.12(4), forwards-to: esa }
  p: { role: sender, via: fw }
messages:
  - { id: m, from: p, to: esa }
`;
  it('each step names a node and changes only what its role has', async () => {
    expect(await problems(`${base}timeline:
  - { at: 10m, node: fw, tls: off }
  - { at: 1h, node: fww, state: stopped }
  - { at: 2h, node: p, fault: break-tls }
`)).toEqual([
      'x.yaml:9:26 timeline[0].tls: expected a change a firewall takes (one of "config", "config-append", "device", "fault", "state"), got "tls" — fw is a firewall',
      'x.yaml:10:21 timeline[1].node: expected a node (one of "esa", "fw", "p"), got "fww" — did you mean "fw"?',
      'x.yaml:11:24 timeline[2].fault: expected a change a sender takes ("state"), got "fault" — p is a sender',
    ]);
  });
  it('durations, an empty step, and what the firewall would run after a step', async () => {
    expect(await problems(`${base}timeline:
  - { at: ten, node: fw, state: stopped }
  - { at: 4h, node: fw }
`)).toEqual([
      'x.yaml:9:11 timeline[0].at: expected a duration such as 90s, 10m, 4h or 1h30m, got "ten"',
      'x.yaml:10:5 timeline[1]: expected a change: config, config-append, device, fault, tls, size, tls-fault or state, got a mapping',
    ]);
    expect(await problems(`${base}timeline:
  - { at: 3h, node: fw, config-append: "policy-map type inspect esmtp m\\n parameters\\n  frobnicate" }
  - { at: 4h, node: fw, fault: "delay fast" }
`)).toEqual([
      'x.yaml:9:40 timeline[0].config-append: with asa 9.12(4), config line 3 ("frobnicate") after this step: % Invalid input detected at \'^\' marker. — commands here: mask-banner, allow-tls, mail-relay, special-character, exit',
      'x.yaml:10:32 timeline[1].fault: with asa 9.12(4), config line 4 ("! mxlab fault delay fast") after this step: mxlab: fault delay takes a whole number of ms from 0 to 600000, got "fast"',
    ]);
  });
  it('retry delays of at least a second and at most 10,000 attempts', async () => {
    expect(await problems(base.replace('p: { role: sender, via: fw }', 'p: { role: sender, via: fw, retry: [500ms, 1m] }'))).toEqual([
      'x.yaml:5:39 nodes.p.retry[0]: expected a delay of at least 1s, got 500ms — real MTAs wait minutes between attempts (Postfix minimal_backoff_time 300s)',
    ]);
    expect(await problems(base.replace('p: { role: sender, via: fw }', 'p: { role: sender, via: fw, retry: [1m], queue-lifetime: 30d }'))).toEqual([
      'x.yaml:5:31 nodes.p.retry: expected at most 10,000 attempts per message, got more with these retry delays over the queue lifetime (queue-lifetime) — make the delays longer or the queue-lifetime shorter',
    ]);
    expect(await problems(base.replace('p: { role: sender, via: fw }', 'p: { role: sender, via: fw, retry: [5m] }'))).toEqual([]);
  });
});
