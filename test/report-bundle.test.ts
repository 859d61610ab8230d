import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/model/result.js';
import { readTarGz, writeTarGz } from '../src/report/bundle/tar.js';
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

/** A raw tar (tar-stream) with whatever headers a hostile bundle could carry. */
async function rawTar(entries: { name: string; type?: 'file' | 'symlink' | 'directory'; data?: string; linkname?: string }[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => chunks.push(c as Buffer));
  const ended = new Promise<void>((r) => p.on('end', () => r()));
  for (const e of entries) p.entry({ name: e.name, type: e.type ?? 'file', ...(e.linkname ? { linkname: e.linkname } : {}) }, e.data ?? '');
  p.finalize();
  await ended;
  return gzipSync(Buffer.concat(chunks));
}

describe('bundle archives (tar-stream)', () => {
  const files = [
    { name: 'a.txt', data: 'hello\n' },
    { name: 'empty', data: '' },
    { name: 'block.bin', data: Buffer.alloc(512, 7) },
    { name: 'bin/all-bytes', data: Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 256)) },
    { name: `${'d'.repeat(120)}/${'f'.repeat(90)}.txt`, data: 'prefix+name split' },
    { name: `${'x/'.repeat(150)}deep.txt`, data: 'needs pax' },
    { name: 'transcripts/ünïcødé/méssage.txt', data: 'utf-8 path' },
  ];

  it('writes archives the system tar lists and extracts byte for byte: long, deep and non-ASCII names, binary, empty, block-sized', async () => {
    const file = join(dir, 'unit.tar.gz');
    await writeFile(file, await writeTarGz(files.map((f) => ({ ...f, mtime: 1_800_000_000 }))));
    expect(await list(file)).toEqual(files.map((f) => f.name));
    for (const f of files) expect((await extract(file, f.name)).equals(typeof f.data === 'string' ? Buffer.from(f.data) : f.data)).toBe(true);
    const verbose = (await sh('tar', ['-tvzf', file], { env: { ...process.env, TZ: 'UTC' } })).stdout;
    expect(verbose).toMatch(/-rw-r--r-- mxlab\/mxlab +6 2027-01-15 08:00 a\.txt/);
  });

  it('reads back what it wrote, and what the system tar wrote', async () => {
    const back = await readTarGz(await writeTarGz(files), 'unit');
    expect([...back.keys()]).toEqual(files.map((f) => f.name));
    for (const f of files) expect(back.get(f.name)!.equals(typeof f.data === 'string' ? Buffer.from(f.data) : f.data)).toBe(true);
    const src = join(dir, 'systar');
    await mkdir(join(src, 'sub'), { recursive: true });
    await writeFile(join(src, 'sub/x.txt'), 'from GNU tar\n');
    await sh('tar', ['-czf', join(dir, 'sys.tar.gz'), '-C', src, '.']);
    const sys = await readTarGz(await readFile(join(dir, 'sys.tar.gz')), 'sys');
    expect([...sys.keys()]).toEqual(['sub/x.txt']);
  });

  it('refuses what is not a bundle: not gzip, gzip of garbage, members outside the folder, too many or too large', async () => {
    await expect(readTarGz(Buffer.from('name: x\n'), 'x.yaml')).rejects.toThrow('Failed to read x.yaml: not a gzip file. Is it a bundle written by mxlab run --reporter bundle?');
    await expect(readTarGz(gzipSync(Buffer.alloc(2000, 0x41)), 'g.gz')).rejects.toMatchObject({ code: 'E_BUNDLE' });
    await expect(readTarGz(await rawTar([{ name: '../../etc/cron.d/x', data: 'boom' }]), 'evil')).rejects.toThrow('a member named "../../etc/cron.d/x" points outside the bundle');
    await expect(readTarGz(await rawTar([{ name: '/etc/passwd', data: 'boom' }]), 'evil')).rejects.toThrow('points outside the bundle');
    // links and folders are never extracted
    const links = await readTarGz(await rawTar([{ name: 'd', type: 'directory' }, { name: 'l', type: 'symlink', linkname: '/etc/passwd' }, { name: 'ok.txt', data: 'fine' }]), 'links');
    expect([...links.keys()]).toEqual(['ok.txt']);
    const many = await rawTar(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, data: 'x' })));
    await expect(readTarGz(many, 'many', { totalBytes: 1 << 20, entries: 10 })).rejects.toThrow('more than 10 members');
    const big = await writeTarGz([{ name: 'zeros', data: Buffer.alloc(1 << 20) }]);
    expect(big.length).toBeLessThan(10_000);
    await expect(readTarGz(big, 'bomb', { totalBytes: 100_000, entries: 10 })).rejects.toThrow('more than 100000 bytes uncompressed');
  });
});

describe('bundle contents (crafted RunResult)', () => {
  it('turns hostile message ids and labels into safe, unique paths and notes a missing scenario file', async () => {
    const r = hostileResult();
    const cell = r.scenarios[0].cells[0];
    cell.sessions.push({ ...cell.sessions[0], message: '../../etc/passwd' }, { ...cell.sessions[0], message: '..' }, { ...cell.sessions[0], message: '../../etc/passwd' });
    const { files, notes } = await bundleFiles(r);
    const names = files.map((f) => f.name);
    expect(names.filter((n) => n.includes('/transcripts/'))).toEqual([
      'mxlab-bundle/transcripts/hostile/fw.device=pix_7.2_2/m_script_alert_1_script.txt',
      'mxlab-bundle/transcripts/hostile/fw.device=pix_7.2_2/etc_passwd.txt',
      'mxlab-bundle/transcripts/hostile/fw.device=pix_7.2_2/_.txt',
      'mxlab-bundle/transcripts/hostile/fw.device=pix_7.2_2/etc_passwd-2.txt',
    ]);
    expect(names.some((n) => n.split('/').some((p) => p === '..' || p === '.' || p === ''))).toBe(false);
    expect(names).toEqual(expect.arrayContaining(['mxlab-bundle/README.txt', 'mxlab-bundle/manifest.json', 'mxlab-bundle/result.json', 'mxlab-bundle/versions.json', 'mxlab-bundle/report.html']));
    expect(notes).toEqual(['scenario file scenarios/hostile.yaml not included: ENOENT', 'run scenarios/hostile.yaml [fw.device=pix 7.2(2)] has no recorded scenario: it cannot be replayed']);
    const transcript = String(files.find((f) => f.name.endsWith('m_script_alert_1_script.txt'))!.data);
    expect(transcript).toContain('NUL\\x00ESC\\x1b[31mred'); // control bytes cannot reach a terminal
    expect(transcript).not.toMatch(/[\x00-\x08\x0b-\x1f]/);
    expect(transcript).toContain('FAIL scenarios/hostile.yaml:9 tls: expected true, got false');
  });
});

describe('mxlab run --reporter bundle (built CLI, real sockets)', () => {
  it('writes DIR/mxlab-bundle.tar.gz for the seed: README, manifest, scenario as given and as run, result, versions, transcripts, report.html', async () => {
    const out = join(dir, 'seed');
    const r = await mxlab(['run', 'scenarios/seed-esa-behind-pix.yaml', '--reporter', 'json,bundle', '--out', out]);
    expect(r.stderr).toBe(`reports: ${out}/result.json, ${out}/mxlab-bundle.tar.gz\n`);
    expect(r.code).toBe(0);
    const file = join(out, 'mxlab-bundle.tar.gz');
    const t = 'mxlab-bundle/transcripts/seed-esa-behind-pix/run';
    const names = await list(file);
    // a bundle asks the run to record the wire: one pcap per hop and message (7), and the key log
    expect(names.filter((n) => n.startsWith('mxlab-bundle/pcap/')).length).toBe(7);
    expect(names.filter((n) => !n.startsWith('mxlab-bundle/pcap/'))).toEqual([
      'mxlab-bundle/README.txt',
      'mxlab-bundle/manifest.json',
      'mxlab-bundle/scenarios/seed-esa-behind-pix.yaml',
      'mxlab-bundle/result.json',
      'mxlab-bundle/versions.json',
      'mxlab-bundle/runs/seed-esa-behind-pix/run/scenario.yaml',
      `${t}/inside.txt`,
      `${t}/outside.txt`,
      `${t}/outside-forced.txt`,
      `${t}/outside-dkim.txt`,
      'mxlab-bundle/report.html',
      'mxlab-bundle/keylog.txt',
    ]);
    const readme = (await extract(file, 'mxlab-bundle/README.txt')).toString().split('\n');
    expect(readme).toHaveLength(4); // three lines and the final newline
    expect(readme[0]).toMatch(/^mxlab bundle of "ESA behind a PIX 7\.2\(2\) with ESMTP inspection \(the seed\)": run \S+ with mxlab [\d.]+ on the local runtime \(mxlab run scenarios\/seed-esa-behind-pix\.yaml --reporter json,bundle --out \S+\); all 4 expectations held\.$/);
    expect(readme[1]).toContain('npx mxlab replay mxlab-bundle.tar.gz');
    expect((await extract(file, 'mxlab-bundle/scenarios/seed-esa-behind-pix.yaml')).equals(await readFile(join(ROOT, 'scenarios/seed-esa-behind-pix.yaml')))).toBe(true);
    const result = JSON.parse((await extract(file, 'mxlab-bundle/result.json')).toString()) as RunResult;
    expect(result).toEqual(JSON.parse(await readFile(join(out, 'result.json'), 'utf8')));
    const manifest = JSON.parse((await extract(file, 'mxlab-bundle/manifest.json')).toString());
    expect(manifest).toEqual({
      format: 'mxlab-bundle',
      version: 1,
      mxlab: result.mxlab,
      startedAt: result.startedAt,
      command: ['mxlab', 'run', 'scenarios/seed-esa-behind-pix.yaml', '--reporter', 'json,bundle', '--out', out],
      random: expect.stringContaining('nothing a verdict depends on'),
      runs: [{ file: 'scenarios/seed-esa-behind-pix.yaml', name: result.scenarios[0].name, runtime: 'local', label: '', cell: {}, scenario: 'runs/seed-esa-behind-pix/run/scenario.yaml', result: [0, 0] }],
    });
    const versions = JSON.parse((await extract(file, 'mxlab-bundle/versions.json')).toString());
    const pkg = async (n: string) => JSON.parse(await readFile(join(ROOT, 'node_modules', n, 'package.json'), 'utf8')).version;
    expect(versions).toMatchObject({ mxlab: result.mxlab, node: process.version, platform: process.platform, packages: { 'smtp-server': await pkg('smtp-server'), nodemailer: await pkg('nodemailer') } });
    expect(versions.runs[0].nodes).toEqual({
      esa: { role: 'receiver', software: 'asyncos persona', version: `mxlab ${result.mxlab}` },
      fw: { role: 'firewall', software: 'pix 7.2(2) (emulated)', version: `mxlab ${result.mxlab}` },
      partner: { role: 'sender', software: 'mxlab builtin sender', version: `mxlab ${result.mxlab}` },
      lan: { role: 'sender', software: 'mxlab builtin sender', version: `mxlab ${result.mxlab}` },
    });

    const forced = (await extract(file, `${t}/outside-forced.txt`)).toString();
    expect(forced).toContain('== hop 1: partner → fw');
    expect(forced).toContain('== hop 2: fw → esa');
    expect(forced).toMatch(/\n +[\d.]+ ms {2}← 250 XXXXXXXA\n/);
    expect(forced).toMatch(/\n +[\d.]+ ms {2}→ STARTTLS\n/);
    expect(forced).toMatch(/\n +[\d.]+ ms {2}→ XXXXXXXX\n/);
    expect(forced).toMatch(/\n +[\d.]+ ms {2}fw conn \d+ mask-command rewrite \(client\): .*masked: "STARTTLS"/);
    const inside = (await extract(file, `${t}/inside.txt`)).toString();
    expect(inside).toMatch(/→ \[tls\] EHLO lan\.example/);
    expect((await extract(file, 'mxlab-bundle/report.html')).toString()).toContain('<mark>XXXXXXXA</mark>');
  });
});
