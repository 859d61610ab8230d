import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect } from 'vitest';
import { attemptOf, cellOf, labTest, runScenario, sessionOf } from '../src/vitest/index.js';

/** An inline scenario object: the ASA masks STARTTLS from outside; inside, TLS. */
const scenario = {
  name: 'kit',
  nodes: {
    esa: { role: 'receiver' as const, persona: 'asyncos' as const, hostname: 'esa.example.com' },
    fw: { role: 'firewall' as const, device: 'pix 7.2(2)', 'forwards-to': 'esa' },
    partner: { role: 'sender' as const, via: 'fw' },
    lan: { role: 'sender' as const },
  },
  messages: [
    { id: 'outside', from: 'partner', to: 'esa' },
    { id: 'forced', from: 'partner', to: 'esa', starttls: 'always' as const },
    { id: 'dkim', from: 'partner', to: 'esa', dkim: true },
    { id: 'inside', from: 'lan', to: 'esa' },
  ],
  expect: [{ message: 'inside', tls: true }],
};

const test = labTest({ scenario });
let runs = 0;

describe('mxlab/vitest: the lab fixture and the matchers', () => {
  test('the lab runs the scenario once per file: every test sees the same result', ({ lab }) => {
    runs++;
    expect(lab.result.ok).toBe(true);
    expect(lab.cell().sessions.map((s) => s.message)).toEqual(['outside', 'forced', 'dkim', 'inside']);
  });

  test('… still the same run', ({ lab }) => {
    runs++;
    expect(lab.result).toBe(lab.result);
    expect(runs).toBe(2);
    expect(lab.result.scenarios).toHaveLength(1);
  });

  test('a matcher for every fact an expectation checks, each failing when the fact is not there', ({ lab }) => {
    const inside = lab.session('inside');
    const outside = lab.session('outside');
    const forced = lab.session('forced');
    const dkim = lab.session('dkim');
    expect(inside).toHaveNegotiatedTls();
    expect(outside).not.toHaveNegotiatedTls();
    expect(outside).toHaveOutcome('delivered');
    expect(dkim).toHaveOutcome('deferred', 'connection-reset');
    expect(dkim).not.toHaveOutcome('deferred', 'timeout');
    expect(dkim).toHaveReason('connection-reset');
    expect(outside).toHaveBannerLine('*****');
    expect(inside).toHaveBannerLine('220 esa.example.com ESMTP');
    expect(outside).toHaveEhloLine('250 XXXXXXXA');
    expect(outside).not.toHaveEhloLine('STARTTLS');
    expect(inside).toHaveEhloLines(['250-esa.example.com', '250-8BITMIME', '250-SIZE 10485760', '250 STARTTLS']);
    expect(forced).toHaveSentStartTls();
    expect(outside).not.toHaveSentStartTls();
    expect(forced).toHaveStartTlsReply('500 #5.5.1 command not recognized');
    expect(forced).toHaveServerCommand('XXXXXXXX');
    expect(forced).toHaveReplyLine('500 #5.5.1');
    expect(dkim).toHaveFirewallEvent('duplicate-header-bug');
    expect(outside).toHaveFirewallEvent('mask-ehlo-parameter');
    expect(outside).not.toHaveFirewallEvent('duplicate-header-bug');
    expect(inside).toHaveLogLine('TLS success');
    // failures say what the check saw
    expect(() => expect(outside).toHaveNegotiatedTls()).toThrow(/expected outside: delivered \(ok\), tls false to have negotiated TLS\n {2}✗ tls: expected true, got false/);
    expect(() => expect(outside).toHaveEhloLine('STARTTLS')).toThrow(/✗ ehlo\.includes: expected "STARTTLS", got \[.*"250 XXXXXXXA"\]/);
    expect(() => expect(dkim).not.toHaveFirewallEvent('duplicate-header-bug')).toThrow('expected dkim: deferred (connection-reset), tls false not to have a firewall event (rule or log line) containing "duplicate-header-bug", but it does');
    expect(() => expect(lab.result).toHaveOutcome('delivered')).toThrow('expected a session (sessionOf(result, \'message\') or lab.session(\'message\')), got object');
  });

  test('the banner whole, a firewall rule by its name (and how often it fired), a whole expectation as YAML writes it', ({ lab }) => {
    const outside = lab.session('outside');
    const forced = lab.session('forced');
    expect(lab.session('inside')).toHaveBanner('220 esa.example.com ESMTP');
    expect(outside).not.toHaveBanner('220 esa.example.com ESMTP');
    expect(outside).toHaveFirewallRule('mask-ehlo-parameter');
    expect(outside).toHaveFirewallRule('mask-ehlo-parameter', 1);
    expect(forced).toHaveFirewallRule('mask-command');
    // a rule name, not a part of one or of a log line
    expect(outside).not.toHaveFirewallRule('mask-ehlo');
    expect(outside).not.toHaveFirewallRule('mask-command');
    expect(() => expect(outside).toHaveFirewallRule('mask-ehlo-parameter', 2)).toThrow(/✗ firewall\.rule: expected "rule mask-ehlo-parameter fired 2 times", got "1 time \(rules fired: mask-banner, mask-ehlo-parameter\)"/);
    expect(outside).toMeetExpectation({ outcome: 'delivered', tls: false, ehlo: { includes: ['250 XXXXXXXA'], excludes: ['STARTTLS'] }, firewall: { events: { includes: ['mask-banner'] } } });
    expect(outside).not.toMeetExpectation({ tls: true });
    expect(() => expect(outside).toMeetExpectation({ tls: true, outcome: 'delivered' })).toThrow(/to meet \{"tls":true,"outcome":"delivered"\}\n {2}✗ tls: expected true, got false$/);
    expect(() => expect(outside).toMeetExpectation({ outcome: 'sent' } as never)).toThrow(/expected expectation fields as a scenario writes them: outcome: /);
  });

  test('toPassExpectations: holds for a passing run; a failing run fails with the console explanation', async ({ lab }) => {
    expect(lab.result).toPassExpectations();
    const failing = await runScenario({ scenario: { ...scenario, expect: [{ message: 'outside', tls: true }] } });
    expect(failing).not.toPassExpectations();
    let message = '';
    try {
      expect(failing).toPassExpectations();
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('expected every expectation to hold:\n<inline> line ');
    expect(message).toContain('message outside\n  ✗ tls: expected true, got false\n    EHLO reply the sender saw:\n      250-esa.example.com');
    expect(message).toContain('      250 XXXXXXXA\n    STARTTLS reply: (not sent)');
  });

  test('runScenario takes matrix overrides like --matrix, and sessionOf/cellOf pick a run by its label', async () => {
    const result = await runScenario({ scenario }, { matrix: { 'fw.device': ['pix 7.2(2)', 'asa 9.12(4)'] }, runtime: 'local' });
    expect(result.scenarios[0].cells.map((c) => c.label)).toEqual(['fw.device=pix 7.2(2)', 'fw.device=asa 9.12(4)']);
    expect(sessionOf(result, 'dkim', 'fw.device=pix 7.2(2)')).toHaveOutcome('deferred', 'connection-reset');
    expect(sessionOf(result, 'dkim', 'fw.device=asa 9.12(4)')).toHaveOutcome('delivered');
    expect(cellOf(result, 'fw.device=asa 9.12(4)').ok).toBe(true);
    expect(() => cellOf(result, 'fw.device=pix 6.3(5)')).toThrow('Failed to find the run [fw.device=pix 6.3(5)]. Did you mean one of [fw.device=pix 7.2(2)], [fw.device=asa 9.12(4)]?');
    await expect(runScenario({ scenario }, { matrix: { 'fw.device': ['cisco-bogus 9'] } })).rejects.toMatchObject({ code: 'E_SCENARIO_INVALID' });
  });

  test('sessionOf reports a run\'s harness error as that error, not as "not found"', async ({ lab }) => {
    // (a real MTA cannot be asked for starttls: always: that would be exit 2 at validation)
    const messages = scenario.messages.map((m) => ({ ...m, starttls: 'auto' as const }));
    const broken = await runScenario({ scenario: { ...scenario, messages, nodes: { ...scenario.nodes, partner: { role: 'sender' as const, via: 'fw', mta: 'postfix' as const } } } }, { runtime: 'local' });
    expect(broken.scenarios[0].cells[0].error?.code).toBe('E_RUNTIME_UNSUPPORTED');
    expect(() => sessionOf(broken, 'outside')).toThrow(expect.objectContaining({ code: 'E_RUNTIME_UNSUPPORTED', message: expect.stringContaining('node partner uses mta: postfix, which runs only in containers') }));
    expect(() => sessionOf(broken, 'outside')).toThrow('(the run broke before message "outside" was delivered)');
    expect(() => sessionOf(lab.result, 'nope')).toThrow('Failed to find a session for message "nope". Did you forget to list it under messages?');
  });
});

// a golden file through the matcher, written under a temporary folder
let lastGood: Awaited<ReturnType<typeof runScenario>> | undefined;
const goldenDir = await mkdtemp(join(tmpdir(), 'mxlab-kit-'));
afterAll(() => rm(goldenDir, { recursive: true, force: true }));

test('toMatchGolden reads the same normalised transcript a golden: expectation does', async () => {
  lastGood = await runScenario({ scenario }, { update: true });
  const path = join(goldenDir, 'outside.txt');
  expect(() => expect(sessionOf(lastGood!, 'outside')).toMatchGolden(path)).toThrow(`${path} does not exist: run mxlab run --update to write it`);
  const written = await runScenario({ scenario: { ...scenario, expect: [{ message: 'outside', golden: path }] } }, { update: true });
  expect(written.ok).toBe(true);
  expect(sessionOf(lastGood!, 'outside')).toMatchGolden(path);
  expect(sessionOf(lastGood!, 'inside')).not.toMatchGolden(path);
});

// retries on the scenario clock and the lab DNS: the facts attempt:, attempts:, delivered-after: and dns: check
test('attempts, the time of delivery, one attempt of many, and DNS queries', async () => {
  const result = await runScenario({
    scenario: {
      name: 'kit-time',
      dns: { 'corp.example': { mx: ['esa'] } },
      nodes: {
        esa: { role: 'receiver', persona: 'asyncos', hostname: 'mx1.corp.example' },
        fw: { role: 'firewall', device: 'pix 7.2(2)', 'forwards-to': 'esa' },
        partner: { role: 'sender', via: 'fw', retry: ['5m'], 'queue-lifetime': '1h' },
      },
      messages: [{ id: 'dkim', from: 'partner', to: 'ops@corp.example', dkim: true }],
      timeline: [{ at: '7m', node: 'fw', device: 'asa 9.12(4)' }],
    },
  });
  // attempts at 0 and 5 minutes die in DATA (the PIX 7.2(2) DKIM defect); the upgrade at 7 minutes lets the one at 10 through
  const dkim = sessionOf(result, 'dkim');
  expect(dkim).toHaveAttempts(3);
  expect(dkim).not.toHaveAttempts(2);
  expect(dkim).toHaveBeenDeliveredAfter('7m');
  expect(dkim).toHaveBeenDeliveredAfter(10 * 60_000);
  expect(dkim).not.toHaveBeenDeliveredAfter('11m');
  expect(() => expect(dkim).toHaveBeenDeliveredAfter('soon')).toThrow('expected a duration such as 10m, 90s or a number of ms, got "soon"');
  expect(attemptOf(dkim, 1)).toHaveOutcome('deferred', 'connection-reset');
  expect(attemptOf(dkim, 2)).toHaveFirewallRule('duplicate-header-bug');
  expect(attemptOf(dkim, 3)).toHaveOutcome('delivered');
  expect(attemptOf(dkim, 3)).not.toHaveFirewallRule('duplicate-header-bug');
  expect(() => attemptOf(dkim, 4)).toThrow('Failed to find attempt 4 of message "dkim": it took 3 attempts. Did you mean attempt 1 to 3?');
  expect(dkim).toMeetExpectation({ attempt: 2, outcome: 'deferred', reason: 'connection-reset' });
  expect(dkim).toMeetExpectation({ attempts: 3, 'delivered-after': '10m', outcome: 'delivered' });
  expect(dkim).not.toMeetExpectation({ attempt: 3, outcome: 'deferred' });
  expect(dkim).toHaveDnsQuery('corp.example MX NOERROR 10 mx1.corp.example');
  expect(dkim).not.toHaveDnsQuery('NXDOMAIN');
});
