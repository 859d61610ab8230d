import { describe, expect, it } from 'vitest';
import { formatDiagnostic, ScenarioError } from '../src/scenario/diagnostics.js';
import { parseScenario } from '../src/scenario/load.js';
import { planCells } from '../src/run/plan.js';
import { problems } from './helpers/problems.js';
import { seedHead } from './helpers/seed.js';

const valid = `${seedHead('ok', { lan: true })}  - { id: outside, from: partner, to: esa }
  - { id: inside, from: lan, to: esa }
matrix:
  fw.device: [pix 7.2(2), asa 9.12(4)]
expect:
  - { message: inside, tls: true }
  - { message: outside, when: { fw.device: asa 9.12(4) }, outcome: delivered }
`;

describe('scenario loading', () => {
  it('accepts the v1 format and applies defaults', () => {
    const l = parseScenario(valid, 'x.yaml');
    const partner = l.scenario.nodes.partner;
    expect(partner.role === 'sender' && partner.tls).toBe('opportunistic');
    expect(l.scenario.messages[0].starttls).toBe('auto');
  });

  it('expands the matrix and selects expectations with when', () => {
    const cells = planCells(parseScenario(valid, 'x.yaml'));
    expect(cells.map((c) => c.label)).toEqual(['fw.device=pix 7.2(2)', 'fw.device=asa 9.12(4)']);
    expect(cells[0].expectations.map((e) => e.spec.message)).toEqual(['inside']);
    expect(cells[1].expectations.map((e) => e.line)).toEqual([13, 14]);
    expect(cells[1].messages[0].path).toEqual(['partner', 'fw', 'esa']);
    expect(cells[1].messages[1].path).toEqual(['lan', 'esa']);
    const fw = cells[1].scenario.nodes.fw;
    expect(fw.role === 'firewall' && fw.device).toBe('asa 9.12(4)');
  });

  it('reports unknown keys with position and a did-you-mean hint', () => {
    const src = valid.replace('persona: asyncos,', 'persona: asyncos, tsl: off,');
    expect(problems(src)).toEqual([
      'x.yaml:3:44 nodes.esa.tsl: expected a key among role, persona, mta, hostname, tls, size, tls-fault, config, image, build, got unknown key "tsl" — did you mean "tls"?',
    ]);
  });

  it('reports every error of a file at once, schema and references together, in file order', () => {
    const src = valid
      .replace('persona: asyncos', 'persona: asyncoss')
      .replace('via: fw }', 'via: fw2 }')
      .replace('{ message: inside, tls: true }', '{ message: insde, tls: maybe }');
    const out = problems(src);
    expect(out).toHaveLength(4);
    expect(out[0]).toBe('x.yaml:3:35 nodes.esa.persona: expected one of "asyncos", "postfix", "sendmail", "exchange", "generic", got "asyncoss" — did you mean "asyncos"?');
    expect(out[1]).toBe('x.yaml:5:33 nodes.partner.via: expected a firewall node ("fw"), got "fw2" — did you mean "fw"?');
    expect(out[2]).toMatch(/^x\.yaml:13:16 expect\[0\]\.message: expected a message id \(one of "outside", "inside"\), got "insde" — did you mean "inside"\?$/);
    expect(out[3]).toMatch(/^x\.yaml:13:28 expect\[0\]\.tls: expected boolean, got "maybe"$/);
  });

  it('reports dangling forwards-to, from, to and unknown roles', () => {
    const src = valid
      .replace('forwards-to: esa', 'forwards-to: esb')
      .replace('{ id: inside, from: lan, to: esa }', '{ id: inside, from: lab, to: esa }')
      .replace('lan: { role: sender }', 'lan: { role: sendr }');
    const out = problems(src);
    expect(out.some((l) => l.startsWith('x.yaml:4:58 nodes.fw.forwards-to: expected a receiver or firewall node'))).toBe(true);
    expect(out.some((l) => l.includes('nodes.lan.role: expected role one of "sender", "receiver", "firewall", got "sendr" — did you mean "sender"?'))).toBe(true);
    expect(out.some((l) => l.includes('messages[1].from: expected a sender node'))).toBe(true);
  });

  it('reports YAML syntax errors with line and column', () => {
    const out = problems('name: x\nnodes:\n  a: {role: sender\n');
    expect(out[0]).toMatch(/^x\.yaml:\d+:\d+ \(file\): expected valid YAML, got /);
  });

  it('reports matrix keys and when values that do not exist', () => {
    const src = valid.replace('fw.device: [pix', 'fw.devic: [pix').replace('when: { fw.device: asa 9.12(4) }', 'when: { fw.device: asa 9.1 }');
    const out = problems(src);
    expect(out.some((l) => /matrix\.fw\.devic: expected a field of a firewall node .* — did you mean "device"\?/.test(l))).toBe(true);
    expect(out.some((l) => l.includes('expect[1].when.fw.device: expected a matrix key'))).toBe(true);
  });

  it('checks devices and maps config errors to file lines through the injected checker', () => {
    const src = `name: d
nodes:
  esa: { role: receiver }
  fw:
    role: firewall
    device: pix 7.2(2)
    config: |
      policy-map global_policy
       bogus line
    forwards-to: esa
  s: { role: sender, via: fw }
messages: [{ id: m, from: s, to: esa }]
`;
    const checkDevice = (_d: string | undefined, config?: string) =>
      config?.includes('bogus') ? [{ line: 2, col: 2, message: 'expected a command, got "bogus"', on: 'config' as const }] : [];
    try {
      parseScenario(src, 'd.yaml', { checkDevice });
      expect.unreachable();
    } catch (err) {
      expect((err as ScenarioError).diagnostics.map(formatDiagnostic)).toEqual(['d.yaml:9:8 nodes.fw.config (line 2): expected a command, got "bogus" (got "bogus line")']);
    }
  });
});
