import { describe, expect, it } from 'vitest';
import { formatDiagnostic, ScenarioError } from '../src/scenario/diagnostics.js';
import { parseScenario } from '../src/scenario/load.js';

function problems(source: string): string[] {
  try {
    parseScenario(source, 'x.yaml');
  } catch (err) {
    if (err instanceof ScenarioError) return err.diagnostics.map(formatDiagnostic);
    throw err;
  }
  return [];
}

const base = (esa: string, extra = '') => `name: caps
nodes:
  esa: { role: receiver${esa} }
  lan: { role: sender }
messages:
  - { id: m1, from: lan, to: esa${extra} }
`;

describe('scenario string caps', () => {
  it('accepts a valid host name up to 253 characters', () => {
    const name = [...Array(4)].map(() => 'a'.repeat(62)).join('.') + '.a'; // 4 labels of 62, 3 dots, '.a'
    expect(name.length).toBe(253);
    expect(problems(base(`, hostname: ${name}`))).toEqual([]);
  });

  it('rejects a 1 MB hostname by its length, without echoing it whole', () => {
    const out = problems(base(`, hostname: ${'a'.repeat(1 << 20)}`));
    expect(out).toEqual([
      `x.yaml:3:36 nodes.esa.hostname: expected a host name of at most 253 characters, got "${'a'.repeat(57)}..." (1,048,576 characters)`,
    ]);
  });

  it('rejects a hostname that is not a DNS name', () => {
    expect(problems(base(', hostname: "mx..example.com"'))).toEqual([
      'x.yaml:3:36 nodes.esa.hostname: expected a host name: labels of letters, digits and - (each at most 63, not starting or ending with -) separated by dots, got "mx..example.com"',
    ]);
    expect(problems(base(`, hostname: ${'a'.repeat(64)}.com`))[0]).toMatch(/nodes\.esa\.hostname: expected a host name: labels/);
  });

  it('rejects a subject with a line break (it would inject a header)', () => {
    expect(problems(base('', ', subject: "hi\\r\\nBcc: x@y"'))).toEqual([
      'x.yaml:6:44 messages[0].subject: expected one line (no CR, LF or NUL), got "hi\\r\\nBcc: x@y"',
    ]);
  });

  it('caps node names, ids, header names and values', () => {
    const long = 'n'.repeat(64);
    expect(problems(base('').replace('lan:', `${long}:`).replace('from: lan', `from: ${long}`))[0]).toMatch(
      /^x\.yaml:4:3 nodes\.n{64}: expected a node name of at most 63 characters as the key, got "n{57}\.\.\." \(64 characters\)$/,
    );
    expect(problems(base('', `, headers: { "X Bad": v }`))[0]).toMatch(/messages\[0\]\.headers\.X Bad: expected a header name: printable ASCII without : or spaces/);
    expect(problems(base('', `, headers: { X-Big: ${'v'.repeat(65 * 1024)} }`))[0]).toMatch(/messages\[0\]\.headers\.X-Big: expected at most 65,536 characters, got "v{57}\.\.\." \(66,560 characters\)$/);
  });

  it('caps list lengths', () => {
    const many = [...Array(1001)].map(() => 'x').join(', ');
    const src = base('') + `expect:\n  - { message: m1, replies: { includes: [${many}] } }\n`;
    expect(problems(src)[0]).toMatch(/^x\.yaml:8:\d+ expect\[0\]\.replies\.includes: expected at most 1000 entries, got a list$/);
  });
});
