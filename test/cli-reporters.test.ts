import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/model/result.js';
import { mxlab } from './helpers/cli.js';
import { seedHead } from './helpers/seed.js';

let dir: string;
let scenario: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mxlab-reporters-'));
  scenario = join(dir, 'tiny.yaml');
  await writeFile(
    scenario,
    `${seedHead('tiny', { lan: true })}  - { id: outside, from: partner, to: esa }
  - { id: inside, from: lan, to: esa }
expect:
  - { message: outside, tls: false, outcome: delivered }
  - { message: inside, tls: true }
`,
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fresh = async (name: string) => {
  const cwd = join(dir, name);
  await import('node:fs/promises').then((fs) => fs.mkdir(cwd));
  return cwd;
};

describe('reporters and streams', () => {
  it('console owns stdout; file reporters write under ./mxlab-report/ and the console says where', async () => {
    const cwd = await fresh('console-files');
    const r = await mxlab(['run', scenario, '--reporter', 'console,junit,json,html'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('all 2 expectations held');
    expect(r.stdout).not.toContain('<?xml');
    expect(r.stdout).not.toContain('"scenarios"');
    expect(r.stdout.trim().split('\n').at(-1)).toBe('reports: mxlab-report/junit.xml, mxlab-report/result.json, mxlab-report/report.html');
    expect((await readdir(join(cwd, 'mxlab-report'))).sort()).toEqual(['junit.xml', 'report.html', 'result.json']);
    const result = JSON.parse(await readFile(join(cwd, 'mxlab-report/result.json'), 'utf8')) as RunResult;
    expect(result.ok).toBe(true);
    expect(result.command).toEqual(['mxlab', 'run', scenario, '--reporter', 'console,junit,json,html']);
  });

  it('without the console nothing goes to stdout; stderr says where the files are', async () => {
    const cwd = await fresh('no-console');
    const r = await mxlab(['run', scenario, '--reporter', 'junit,json'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('reports: mxlab-report/junit.xml, mxlab-report/result.json\n');
  });

  it('a single json or junit reporter without --out writes to stdout and nothing else there', async () => {
    const cwd = await fresh('alone');
    const j = await mxlab(['run', scenario, '--reporter', 'junit'], { cwd });
    expect(j.code).toBe(0);
    expect(j.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="mxlab" tests="2" failures="0" errors="0"')).toBe(true);
    expect(j.stderr).toBe('');
    const o = await mxlab(['run', scenario, '--reporter', 'json', '--out', 'elsewhere'], { cwd });
    expect(o.stdout).toBe('');
    expect(o.stderr).toBe('reports: elsewhere/result.json\n');
    expect(await readdir(cwd)).toEqual(['elsewhere']);
  });

  it('prints a line per finished message inside a long cell, and the slowest steps at the end', async () => {
    const quick = await mxlab(['run', scenario]);
    expect(quick.stdout).not.toContain('Slowest steps');
    expect(quick.stdout).not.toContain('message outside:');
    // "long" is 3 s by default; the threshold is lowered so the test needs no slow scenario
    const r = await mxlab(['run', scenario], { env: { MXLAB_PROGRESS_AFTER_MS: '0' } });
    expect(r.code).toBe(0);
    // a cell's messages go at once: the lines come in the order the messages finish
    expect(r.stdout).toMatch(/\n {2}… .*tiny\.yaml message outside: delivered \(ok\) in \d+ ms · \d+ ms into the run\n/);
    expect(r.stdout).toMatch(/\n {2}… .*tiny\.yaml message inside: delivered \(ok\) in \d+ ms · \d+ ms into the run\n/);
    const section = r.stdout.slice(r.stdout.indexOf('Slowest steps\n'));
    const slowest = section.slice(0, section.indexOf('\n\n')).split('\n').slice(1);
    // four steps in this cell: starting the nodes, two deliveries, stopping the nodes
    expect(slowest).toHaveLength(4);
    for (const l of slowest) expect(l).toMatch(/^ +\d+ ms {2}.*tiny\.yaml (starting the nodes|stopping the nodes|message (outside|inside) \(delivered, ok\))$/);
  });
});
