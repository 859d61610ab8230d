import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mxlab } from './helpers/cli.js';
import { seedHead } from './helpers/seed.js';

const sh = promisify(execFile);
let dir: string;
let bundle: string;
const RUN = 'mxlab-bundle/runs/fails-on-pix/fw.device=pix_7.2_2/scenario.yaml';

/** Extracts a bundle with the system tar, lets `edit` change a member, packs it again. */
async function edited(name: string, member: string, edit: (text: string) => string): Promise<string> {
  const work = join(dir, name);
  await mkdir(work);
  await sh('tar', ['-xzf', bundle, '-C', work]);
  await writeFile(join(work, member), edit(await readFile(join(work, member), 'utf8')));
  const out = join(dir, `${name}.tar.gz`);
  await sh('tar', ['-czf', out, '-C', work, 'mxlab-bundle']);
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mxlab-replay-'));
  await writeFile(
    join(dir, 'fails-on-pix.yaml'),
    `${seedHead('DKIM through the firewall')}  - { id: outside, from: partner, to: esa }
  - { id: outside-dkim, from: partner, to: esa, dkim: true }
matrix:
  fw.device: [pix 7.2(2)]
expect:
  - { message: outside, tls: true }
  - { message: outside-dkim, outcome: delivered }
`,
  );
  // the matrix of the file is replaced on the command line: the bundle must record the effective runs
  const r = await mxlab(['run', 'fails-on-pix.yaml', '--matrix', 'fw.device=pix 7.2(2),asa 9.12(4)', '--reporter', 'console,bundle', '--out', 'out'], { cwd: dir });
  expect(r.code).toBe(1);
  bundle = join(dir, 'out/mxlab-bundle.tar.gz');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('mxlab replay', () => {
  it('a bundle of a failing --matrix run replays to the same verdicts, recorded beside new, exit 0', async () => {
    const r = await mxlab(['replay', bundle], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^mxlab replay ${bundle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} · recorded \\S+ with mxlab [\\d.]+ on local · replaying on local$`));
    expect(lines.slice(1)).toEqual([
      '',
      'fails-on-pix.yaml [fw.device=pix 7.2(2)]',
      '  ✓ :12 outside: tls           recorded failed (tls)      now failed (tls)',
      '  ✓ :13 outside-dkim: outcome  recorded failed (outcome)  now failed (outcome)',
      '',
      'fails-on-pix.yaml [fw.device=asa 9.12(4)]',
      '  ✓ :12 outside: tls           recorded failed (tls)  now failed (tls)',
      '  ✓ :13 outside-dkim: outcome  recorded held          now held',
      '',
      'all 4 verdicts reproduced',
      '',
    ]);
  });

  it('reports a changed verdict, what changed and the first different transcript line per hop when the bundle\'s device is edited: exit 1', async () => {
    const changed = await edited('upgraded', RUN, (t) => {
      expect(t).toContain('device: pix 7.2(2)');
      return t.replace('device: pix 7.2(2)', 'device: asa 9.12(4)');
    });
    const r = await mxlab(['replay', changed], { cwd: dir });
    expect(r.code).toBe(1);
    const out = r.stdout;
    expect(out).toContain('  ✓ :12 outside: tls           recorded failed (tls)      now failed (tls)\n');
    expect(out).toContain('  ✗ :13 outside-dkim: outcome  recorded failed (outcome)  now held\n');
    expect(out).toContain('      outcome: recorded "deferred", now "delivered"\n');
    expect(out).toMatch(/ {6}hop 1 partner → fw, transcript line \d+:\n {8}recorded {2}S: <connection-reset: read ECONNRESET>\n {8}now {7}S: 250 ok: {2}Message <queue-id> accepted\n/);
    expect(out).toMatch(/ {6}hop 2 fw → esa, transcript line \d+:\n {8}recorded {2}C: <error: read ECONNRESET>\n {8}now {7}C: DKIM-Signature: /);
    expect(out.trim().split('\n').at(-1)).toBe('1 of 4 verdicts changed');
  });

  it('replays the folder a bundle was unpacked into (or its mxlab-bundle/): edit a run there and replay; a link inside is refused', async () => {
    const work = join(dir, 'unpacked');
    await mkdir(work);
    await sh('tar', ['-xzf', bundle, '-C', work]);
    const same = await mxlab(['replay', 'unpacked'], { cwd: dir });
    expect(same.stderr).toBe('');
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/\nall 4 verdicts reproduced\n$/);
    await writeFile(join(work, RUN), (await readFile(join(work, RUN), 'utf8')).replace('device: pix 7.2(2)', 'device: asa 9.12(4)'));
    const changed = await mxlab(['replay', 'unpacked/mxlab-bundle'], { cwd: dir });
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain('  ✗ :13 outside-dkim: outcome  recorded failed (outcome)  now held\n');
    expect(changed.stdout).toMatch(/\n1 of 4 verdicts changed\n$/);
    await symlink('/etc/passwd', join(work, 'mxlab-bundle/runs/fails-on-pix/extra.yaml'));
    const linked = await mxlab(['replay', 'unpacked'], { cwd: dir });
    expect(linked.code).toBe(2);
    expect(linked.stderr).toBe(`mxlab: E_BUNDLE: Failed to replay unpacked: runs/fails-on-pix/extra.yaml is a link; a bundle holds regular files only. Did you mean the folder a bundle (mxlab-bundle.tar.gz) was unpacked into?\n`);
    await mkdir(join(dir, 'empty-folder'));
    const empty = await mxlab(['replay', 'empty-folder'], { cwd: dir });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('mxlab: E_BUNDLE: Failed to replay empty-folder: it holds no manifest.json, so it is not an mxlab bundle');
  });

  it('a firewall config-file (a pasted show running-config) travels inside the run\'s scenario: the bundle replays anywhere', async () => {
    const out = join(dir, 'show-run');
    const r = await mxlab(['run', 'scenarios/seed-asa-8.2-show-run.yaml', '--reporter', 'bundle', '--out', out]);
    expect(r.code).toBe(0);
    const yaml = (await sh('tar', ['-xzOf', join(out, 'mxlab-bundle.tar.gz'), 'mxlab-bundle/runs/seed-asa-8.2-show-run/run/scenario.yaml'])).stdout;
    expect(yaml).not.toContain('config-file');
    expect(yaml).toMatch(/\n {4}config: \|\n(?: {6}.*\n)*? {6}ASA Version 8\.2\(5\)\n/);
    const elsewhere = join(dir, 'elsewhere');
    await mkdir(elsewhere);
    const replayed = await mxlab(['replay', join(out, 'mxlab-bundle.tar.gz')], { cwd: elsewhere });
    expect(replayed.stderr).toBe('');
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toMatch(/all \d+ verdicts reproduced\n$/);
  });

  it('an edit that breaks the scenario is exit 2 with the bundle member and line', async () => {
    const broken = await edited('broken', RUN, (t) => t.replace('device: pix 7.2(2)', 'device: cisco-bogus 9'));
    const r = await mxlab(['replay', broken], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain('verdicts');
    expect(r.stderr).toMatch(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:runs/fails-on-pix/fw\\.device=pix_7\\.2_2/scenario\\.yaml:\\d+:\\d+ nodes\\.fw\\.device: `));
  });

  it('mxlab run and mxlab validate given a bundle say to use mxlab replay: one line, exit 2', async () => {
    for (const cmd of ['run', 'validate']) {
      const r = await mxlab([cmd, 'out/mxlab-bundle.tar.gz'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('mxlab: E_BUNDLE: Failed to read out/mxlab-bundle.tar.gz as a scenario: it is a gzip archive, like the bundles mxlab writes. Did you mean mxlab replay out/mxlab-bundle.tar.gz?\n');
    }
  });

  it('mxlab replay given something that is not a bundle: exit 2, one line, nothing run', async () => {
    const yaml = await mxlab(['replay', 'fails-on-pix.yaml'], { cwd: dir });
    expect(yaml.code).toBe(2);
    expect(yaml.stderr).toBe('mxlab: E_BUNDLE: Failed to read fails-on-pix.yaml: not a gzip file. Is it a bundle written by mxlab run --reporter bundle?\n');
    await mkdir(join(dir, 'plain'));
    await writeFile(join(dir, 'plain/x.txt'), 'x');
    await sh('tar', ['-czf', join(dir, 'plain.tar.gz'), '-C', join(dir, 'plain'), 'x.txt']);
    const tgz = await mxlab(['replay', 'plain.tar.gz'], { cwd: dir });
    expect(tgz.code).toBe(2);
    expect(tgz.stderr).toContain('mxlab: E_BUNDLE: Failed to replay plain.tar.gz: it holds no manifest.json, so it is not an mxlab bundle');
    const missing = await mxlab(['replay', 'nope.tar.gz'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('mxlab: E_INPUT_FILE: Failed to read nope.tar.gz: expected a readable bundle (mxlab-bundle.tar.gz), got no such file.\n  Did you mistype the path?\n');
    const fifo = await mxlab(['replay', '/dev/zero'], { cwd: dir });
    expect(fifo.code).toBe(2);
    expect(fifo.stderr).toContain('Failed to read /dev/zero: expected a bundle (mxlab-bundle.tar.gz) (a regular file), got a character device.');
  });
});
