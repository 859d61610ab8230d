import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mxlab } from './helpers/cli.js';
import { seedHead } from './helpers/seed.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mxlab-golden-'));
  await writeFile(
    join(dir, 'g.yaml'),
    `${seedHead('golden transcripts', { lan: true })}  - { id: outside, from: partner, to: esa, dkim: true }
  - { id: inside, from: lan, to: esa }
expect:
  - { message: outside, golden: golden/outside.txt }
  - { message: inside, golden: golden/inside.txt, tls: true }
`,
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (...args: string[]) => mxlab(['run', 'g.yaml', ...args], { cwd: dir });

describe('golden transcripts', () => {
  it('round-trip: missing fails, --update writes and says which, then passes run after run, an edit fails with a diff, --update says updated', async () => {
    const missing = await run();
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('✗ golden: expected the transcript in golden/outside.txt, but golden/outside.txt does not exist: run mxlab run --update to write it');

    const written = await run('--update');
    expect(written.code).toBe(0);
    expect(written.stdout).toContain('Golden files (--update)\n  wrote golden/outside.txt (g.yaml message outside)\n  wrote golden/inside.txt (g.yaml message inside)\n');
    const outside = await readFile(join(dir, 'golden/outside.txt'), 'utf8');
    const inside = await readFile(join(dir, 'golden/inside.txt'), 'utf8');
    // every hop, both directions, run-specific values as tokens
    expect(outside.split('\n').slice(0, 8)).toEqual(['== hop 1: partner → fw', 'C: <connect <ip>:<port>>', 'S: 220 *********************', 'C: EHLO partner.example', 'S: 250-esa.example.com', 'S: 250-8BITMIME', 'S: 250-SIZE 10485760', 'S: 250 XXXXXXXA']);
    expect(outside).toContain('\n== hop 2: fw → esa\nS: 220 esa.example.com ESMTP\n');
    expect(outside).toContain('\nC: \tb=<signature>\nC: Date: <date>\nC: Message-ID: <message-id>\n');
    expect(inside).toContain('\nC: [tls] EHLO lan.example\n');
    expect(inside).toContain('\nS: [tls] 250 ok:  Message <queue-id> accepted\n');

    // new ports, times and keys, same files
    for (let i = 0; i < 2; i++) {
      const again = await run();
      expect(again.code).toBe(0);
      expect(again.stdout).not.toContain('Golden files');
    }
    const quiet = await run('--update');
    expect(quiet.stdout).not.toContain('Golden files');

    await writeFile(join(dir, 'golden/outside.txt'), outside.replace('S: 250 XXXXXXXA', 'S: 250 XXXXXXXB'));
    const changed = await run();
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain(
      [
        '    ✗ golden: expected the transcript in golden/outside.txt, got a different one:',
        '      --- golden/outside.txt',
        '      +++ this run',
        '      @@ -6,5 +6,5 @@',
        '       S: 250-8BITMIME',
        '       S: 250-SIZE 10485760',
        '      -S: 250 XXXXXXXB',
        '      +S: 250 XXXXXXXA',
        '       C: MAIL FROM:<partner@partner.example> SIZE=',
      ].join('\n'),
    );
    const updated = await run('--update');
    expect(updated.code).toBe(0);
    expect(updated.stdout).toContain('Golden files (--update)\n  updated golden/outside.txt (g.yaml message outside)\n');
    expect(await readFile(join(dir, 'golden/outside.txt'), 'utf8')).toBe(outside);
  });

  it('two runs of a matrix that would write different transcripts to one file fail instead of flip-flopping', async () => {
    await writeFile(
      join(dir, 'm.yaml'),
      `${seedHead('one file for two devices')}  - { id: outside, from: partner, to: esa }
matrix:
  fw.device: [pix 7.2(2), none]
expect:
  - { message: outside, golden: golden/shared.txt }
`,
    );
    const r = await mxlab(['run', 'm.yaml', '--update'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('another run of this scenario wrote a different transcript to golden/shared.txt in this run: give each run its own file (when:)');
  });

  it('a bundle carries the golden files its runs name, and replays them', async () => {
    const b = await run('--reporter', 'console,bundle', '--out', 'out');
    expect(b.code).toBe(0);
    const r = await mxlab(['replay', 'out/mxlab-bundle.tar.gz'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('  ✓ :11 outside: golden');
    expect(r.code).toBe(0);
  });
});
