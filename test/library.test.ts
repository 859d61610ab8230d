import { describe, expect, it } from 'vitest';
import { runScenario } from '../src/index.js';
// importing the kit adds its matchers to expect, types included: no declare module here
import { sessionOf } from '../src/vitest/index.js';

describe('library use: runScenario + mxlab/vitest matchers', () => {
  it('runs an inline scenario and asserts on sessions in code', async () => {
    const result = await runScenario({
      source: `name: inline
nodes:
  esa: { role: receiver, persona: asyncos, hostname: esa.example.com }
  fw: { role: firewall, device: asa 9.12(4), forwards-to: esa }
  partner: { role: sender, tls: required, via: fw }
  lan: { role: sender }
messages:
  - { id: outside, from: partner, to: esa }
  - { id: inside, from: lan, to: esa }
`,
    });
    expect(result.ok).toBe(true);
    expect(sessionOf(result, 'inside')).toHaveNegotiatedTls();
    expect(sessionOf(result, 'outside')).not.toHaveNegotiatedTls();
    expect(sessionOf(result, 'outside')).toHaveOutcome('deferred', 'tls-not-offered');
    expect(sessionOf(result, 'outside')).toHaveEhloLine('XXXXXXXA');
    expect(() => sessionOf(result, 'nope')).toThrow('Failed to find a session for message "nope"');
  });
});
