import { describe, expect, it } from 'vitest';
import { problems } from './helpers/problems.js';

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

const chain = (forwards: Record<string, string>, extra = '') => `name: loops
nodes:
  esa: { role: receiver }
${Object.entries(forwards).map(([fw, to]) => `  ${fw}: { role: firewall, device: none, forwards-to: ${to} }`).join('\n')}
  lan: { role: sender, via: fw1 }
messages:
  - { id: m1, from: lan, to: esa }
${extra}`;

describe('scenario topology', () => {
  it('rejects a forwarding loop through two firewalls at validation', () => {
    expect(problems(chain({ fw1: 'fw2', fw2: 'fw1' }))).toEqual([
      'x.yaml:4:53 nodes.fw1.forwards-to: expected forwards-to to lead to a receiver, got a forwarding loop fw1 → fw2 → fw1 — point one of fw1, fw2 at a receiver',
    ]);
  });

  it('rejects a loop through any number of firewalls, once, from its first node in the file', () => {
    const fws = Object.fromEntries([...Array(7)].map((_, i) => [`fw${i + 1}`, `fw${((i + 1) % 7) + 1}`]));
    expect(problems(chain(fws))).toEqual([
      'x.yaml:4:53 nodes.fw1.forwards-to: expected forwards-to to lead to a receiver, got a forwarding loop fw1 → fw2 → fw3 → fw4 → fw5 → fw6 → fw7 → fw1 — point one of fw1, fw2, fw3, fw4, fw5, fw6, fw7 at a receiver',
    ]);
    // a loop the sender's path only runs into is reported too
    expect(problems(chain({ fw1: 'fw2', fw2: 'fw3', fw3: 'fw2' }))[0]).toContain('nodes.fw2.forwards-to: expected forwards-to to lead to a receiver, got a forwarding loop fw2 → fw3 → fw2');
  });

  it('rejects a loop that only some runs of the matrix make', () => {
    const src = chain({ fw1: 'fw2', fw2: 'esa' }, 'matrix:\n  fw2.forwards-to: [esa, fw1]\n');
    expect(problems(src)).toEqual([
      'x.yaml:10:3 matrix.fw2.forwards-to: expected forwards-to to lead to a receiver, got a forwarding loop fw1 → fw2 → fw1 — take the looping value out of the matrix',
    ].map((l) => l.replace('matrix.fw2.forwards-to: ', 'matrix.fw2.forwards-to: with fw2.forwards-to=fw1: ')));
    expect(problems(chain({ fw1: 'fw2', fw2: 'esa' }, 'matrix:\n  fw2.forwards-to: [esa, fw9]\n'))[0]).toMatch(
      /^x\.yaml:10:\d+ matrix\.fw2\.forwards-to\[1\]: expected a receiver or firewall node \(one of "esa", "fw1", "fw2"\), got "fw9"/,
    );
  });

  it('rejects a matrix of more than 1024 runs', () => {
    const axis = (n: number) => `[${[...Array(n)].map((_, i) => i + 1).join(', ')}]`;
    const src = chain({ fw1: 'esa' }, `matrix:\n  esa.size: ${axis(40)}\n  lan.timeout: ${axis(30)}\n`);
    expect(problems(src)).toEqual(['x.yaml:9:3 matrix: expected a matrix of at most 1024 runs, got 1,200 (40 × 30) — split it into several scenario files, or narrow an axis with --matrix']);
  });

  it('selects runs with when: by a number or boolean written as in the matrix', () => {
    const src = chain({ fw1: 'esa' }, 'matrix:\n  esa.size: [1000, 2000]\nexpect:\n  - { message: m1, when: { esa.size: 2000 }, outcome: delivered }\n');
    expect(problems(src)).toEqual([]);
    expect(problems(src.replace('esa.size: 2000 }', 'esa.size: 3000 }'))[0]).toBe('x.yaml:11:38 expect[0].when.esa.size: expected values of matrix esa.size (one of "1000", "2000"), got "3000" — did you mean "1000"?');
  });
});
