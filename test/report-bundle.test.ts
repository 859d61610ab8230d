import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/model/result.js';
import { tar } from '../src/report/reporters/bundle-tar.js';
import { bundleFiles } from '../src/report/reporters/bundle.js';
import { mxlab, ROOT } from './helpers/cli.js';
import { hostileResult } from './helpers/report-fixture.js';

const sh = promisify(execFile);
/** `tar -tzf` and `tar -xzOf` from the system tar. */
const list = async (file: string) => (await sh('tar', ['-tzf', file])).stdout.trim().split('\n');
const extract = async (file: string, member: string) => (await sh('tar', ['-xzOf', file, member], { encoding: 'buffer', maxBuffer: 64 << 20 })).stdout as Buffer;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mxlab-bundle-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tar writer', () => {
  it('writes archives the system tar lists and extracts byte for byte: long, deep and non-ASCII names, binary, empty, block-sized', async () => {
    const files = [
      { name: 'a.txt', data: 'hello\n' },
      { name: 'empty', data: '' },
      { name: 'block.bin', data: Buffer.alloc(512, 7) },
      { name: 'bin/all-bytes', data: Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 256)) },
      { name: `${'d'.repeat(120)}/${'f'.repeat(90)}.txt`, data: 'prefix+name split' },
      { name: `${'x/'.repeat(150)}deep.txt`, data: 'needs pax' },
      { name: 'transcripts/ünïcødé/méssage.txt', data: 'utf-8 path' },
    ];
    const file = join(dir, 'unit.tar.gz');
    await writeFile(file, gzipSync(tar(files.map((f) => ({ ...f, mtime: 1_800_000_000 })))));
    expect(await list(file)).toEqual(files.map((f) => f.name));
    for (const f of files) expect((await extract(file, f.name)).equals(typeof f.data === 'string' ? Buffer.from(f.data) : f.data)).toBe(true);
    const verbose = (await sh('tar', ['-tvzf', file], { env: { ...process.env, TZ: 'UTC' } })).stdout;
    expect(verbose).toMatch(/-rw-r--r-- mxlab\/mxlab +6 2027-01-15 08:00 a\.txt/);
  });

  it('pads every entry to 512-byte blocks and ends with two zero blocks', () => {
    const t = tar([{ name: 'x', data: 'abc' }]);
    expect(t.length).toBe(512 * 4);
    expect(t.subarray(512 * 2).every((b) => b === 0)).toBe(true);
    expect(t.subarray(257, 263).toString('latin1')).toBe('ustar\0');
  });
});

describe('bundle contents (crafted RunResult)', () => {
  it('turns hostile message ids and labels into safe, unique paths and notes a missing scenario file', async () => {
    const r = hostileResult();
    const cell = r.scenarios[0].cells[0];
    cell.sessions.push({ ...cell.sessions[0], message: '../../etc/passwd' }, { ...cell.sessions[0], message: '..' }, { ...cell.sessions[0], message: '../../etc/passwd' });
    const { files, notes } = await bundleFiles(r);
    const names = files.map((f) => f.name);
    expect(names.filter((n) => n.startsWith('transcripts/'))).toEqual([
      'transcripts/hostile/fw.device=pix_7.2_2/m_script_alert_1_script.txt',
      'transcripts/hostile/fw.device=pix_7.2_2/etc_passwd.txt',
      'transcripts/hostile/fw.device=pix_7.2_2/_.txt',
      'transcripts/hostile/fw.device=pix_7.2_2/etc_passwd-2.txt',
    ]);
    expect(names.some((n) => n.split('/').some((p) => p === '..' || p === '.' || p === ''))).toBe(false);
    expect(names).toEqual(expect.arrayContaining(['result.json', 'versions.json', 'report.html']));
    expect(notes).toEqual(['scenario file scenarios/hostile.yaml not included: ENOENT']);
    const transcript = String(files.find((f) => f.name.endsWith('m_script_alert_1_script.txt'))!.data);
    expect(transcript).toContain('NUL\\x00ESC\\x1b[31mred'); // control bytes cannot reach a terminal
    expect(transcript).not.toMatch(/[\x00-\x08\x0b-\x1f]/);
    expect(transcript).toContain('FAIL scenarios/hostile.yaml:9 tls: expected true, got false');
  });
});

describe('mxlab run --reporter bundle (built CLI, real sockets)', () => {
  it('writes DIR/mxlab-bundle.tar.gz for the seed: scenario, result, versions, one transcript per session, report.html', async () => {
    const out = join(dir, 'seed');
    const r = await mxlab(['run', 'scenarios/seed-esa-behind-pix.yaml', '--reporter', 'json,bundle', '--out', out]);
    expect(r.stderr).toBe(`reports: ${out}/result.json, ${out}/mxlab-bundle.tar.gz\n`);
    expect(r.code).toBe(0);
    const file = join(out, 'mxlab-bundle.tar.gz');
    const t = 'transcripts/seed-esa-behind-pix/run';
    expect(await list(file)).toEqual([
      'scenarios/seed-esa-behind-pix.yaml',
      'result.json',
      'versions.json',
      `${t}/inside.txt`,
      `${t}/outside.txt`,
      `${t}/outside-forced.txt`,
      `${t}/outside-dkim.txt`,
      'report.html',
    ]);
    expect((await extract(file, 'scenarios/seed-esa-behind-pix.yaml')).equals(await readFile(join(ROOT, 'scenarios/seed-esa-behind-pix.yaml')))).toBe(true);
    const result = JSON.parse((await extract(file, 'result.json')).toString()) as RunResult;
    expect(result).toEqual(JSON.parse(await readFile(join(out, 'result.json'), 'utf8')));
    const versions = JSON.parse((await extract(file, 'versions.json')).toString());
    const pkg = async (n: string) => JSON.parse(await readFile(join(ROOT, 'node_modules', n, 'package.json'), 'utf8')).version;
    expect(versions).toMatchObject({ mxlab: result.mxlab, node: process.version, platform: process.platform, packages: { 'smtp-server': await pkg('smtp-server'), nodemailer: await pkg('nodemailer') } });

    const forced = (await extract(file, `${t}/outside-forced.txt`)).toString();
    expect(forced).toContain('== hop 1: partner → fw');
    expect(forced).toContain('== hop 2: fw → esa');
    expect(forced).toMatch(/\n +[\d.]+ ms {2}← 250 XXXXXXXA\n/);
    expect(forced).toMatch(/\n +[\d.]+ ms {2}→ STARTTLS\n/);
    expect(forced).toMatch(/\n +[\d.]+ ms {2}→ XXXXXXXX\n/);
    expect(forced).toMatch(/\n +[\d.]+ ms {2}fw conn \d+ mask-command rewrite \(client\): .*masked: "STARTTLS"/);
    const inside = (await extract(file, `${t}/inside.txt`)).toString();
    expect(inside).toMatch(/→ \[tls\] EHLO lan\.example/);
    expect((await extract(file, 'report.html')).toString()).toContain('<mark>XXXXXXXA</mark>');
  });

  it('without --out writes ./mxlab-report/mxlab-bundle.tar.gz and says so on stderr', async () => {
    const cwd = join(dir, 'cwd');
    await mkdir(cwd);
    const scenario = join(ROOT, 'scenarios/seed-esa-behind-pix.yaml');
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin/mxlab.js'), 'run', scenario, '--reporter', 'bundle'], { cwd, env: { ...process.env, NO_COLOR: '1' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error('mxlab run did not finish'))), 60_000);
      child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })));
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('reports: mxlab-report/mxlab-bundle.tar.gz\n');
    expect((await stat(join(cwd, 'mxlab-report/mxlab-bundle.tar.gz'))).size).toBeGreaterThan(1000);
    expect(await list(join(cwd, 'mxlab-report/mxlab-bundle.tar.gz'))).toContain('scenarios/seed-esa-behind-pix.yaml');
  });
});
