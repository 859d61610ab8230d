import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/model/result.js';
import { mxlab, ROOT } from './helpers/cli.js';

const sh = promisify(execFile);
const BIN = join(ROOT, 'bin/mxlab.js');

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  jobs: Record<string, { strategy?: { matrix?: { shard?: number[] } }; steps: Step[] }>;
}

/** The workflow of docs/ci.md, as a user copies it. */
async function workflow(): Promise<{ text: string; wf: Workflow }> {
  const doc = await readFile(join(ROOT, 'docs/ci.md'), 'utf8');
  const m = /```yaml\n([\s\S]*?)```/.exec(doc);
  if (!m) throw new Error('docs/ci.md has no ```yaml block');
  return { text: m[1], wf: parse(m[1]) as Workflow };
}

/** A `run:` line of the workflow, executed the way the runner's shell does, with `npx mxlab` as the built CLI. */
async function step(command: string, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const line = command.replace(/^npx mxlab /, `"${process.execPath}" "${BIN}" `);
  try {
    const { stdout, stderr } = await sh('sh', ['-c', line], { cwd, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const tests = (xml: string) => [...xml.matchAll(/<testcase classname="[^"]*" name="([^"]*)"/g)].map((m) => m[1]);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mxlab-ci-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the CI recipe (docs/ci.md, README)', () => {
  it('the README shows the same workflow as docs/ci.md', async () => {
    const { text } = await workflow();
    expect(await readFile(join(ROOT, 'README.md'), 'utf8')).toContain('```yaml\n' + text + '```');
  });

  it('its steps, run for every shard and merged, give the report of one unsharded run; a missing shard is named', async () => {
    const { wf } = await workflow();
    const shards = wf.jobs.shard.strategy!.matrix!.shard!;
    expect(shards).toEqual([1, 2, 3]);
    const run = wf.jobs.shard.steps.find((s) => s.run?.startsWith('npx mxlab run'))!.run!;
    const upload = wf.jobs.shard.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
    const mergeCmd = wf.jobs.report.steps.find((s) => s.run?.startsWith('npx mxlab merge'))!.run!;
    const download = wf.jobs.report.steps.find((s) => s.uses?.startsWith('actions/download-artifact'))!;
    // each worker: a checkout (the scenario) and its shard of the matrix
    for (const n of shards) {
      const worker = join(dir, `worker-${n}`);
      await mkdir(join(worker, 'scenarios'), { recursive: true });
      await cp(join(ROOT, 'scenarios/matrix-firewall-versions.yaml'), join(worker, 'scenarios/matrix-firewall-versions.yaml'));
      const r = await step(run.replace(/\$\{\{ matrix\.shard \}\}/g, String(n)), worker);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`runtime local · 1 scenario, ${n < 3 ? "2 runs" : "1 run"}\n`));
      const artifact = join(worker, String(upload.with!.path));
      expect((await readdir(artifact)).sort()).toEqual(['junit.xml', 'mxlab-bundle.tar.gz', 'result.json']);
      // download-artifact with a pattern puts each artifact in a folder named after it
      const name = String(upload.with!.name).replace(/\$\{\{ matrix\.shard \}\}/g, String(n));
      await mkdir(join(dir, 'report', String(download.with!.path)), { recursive: true });
      await rename(artifact, join(dir, 'report', String(download.with!.path), name));
    }
    const merged = await step(mergeCmd, join(dir, 'report'));
    expect(merged.code).toBe(0);
    expect(merged.stdout).toContain('mxlab · runtime local · 1 scenario, 5 runs');
    expect(merged.stdout).toContain('all 17 expectations held');
    expect(merged.stderr).toBe('mxlab merge: 3 parts: shards/mxlab-shard-1/result.json, shards/mxlab-shard-2/result.json, shards/mxlab-shard-3/result.json\n');
    const junit = await readFile(join(dir, 'report/mxlab-merged/junit.xml'), 'utf8');

    // the same run on one worker
    const whole = await mxlab(['run', 'scenarios/matrix-firewall-versions.yaml', '--matrix', 'fw.device=pix 6.3(5),pix 7.2(2),asa 7.2(3),asa 8.2(5),asa 9.12(4)', '--reporter', 'junit']);
    expect(whole.code).toBe(0);
    expect(tests(junit)).toEqual(tests(whole.stdout));
    expect(tests(junit)).toHaveLength(17);
    expect(junit).toMatch(/<testsuites name="mxlab" tests="17" failures="0" errors="0"/);
    expect([...junit.matchAll(/<testsuite name="([^"]*)"/g)].map((m) => m[1].replace(/^.*\[/, '['))).toEqual([
      '[fw.device=pix 6.3(5)]',
      '[fw.device=pix 7.2(2)]',
      '[fw.device=asa 7.2(3)]',
      '[fw.device=asa 8.2(5)]',
      '[fw.device=asa 9.12(4)]',
    ]);

    // a worker that died before uploading
    await rm(join(dir, 'report/shards/mxlab-shard-2'), { recursive: true });
    const partial = await step(mergeCmd, join(dir, 'report'));
    expect(partial.stderr).toContain('mxlab merge: shard 2/3 missing: its runs are not in this report\n');
    expect(partial.stdout).toContain('1 scenario, 3 runs');
    // eight CLI runs of a five-device matrix: 10–20 s on a quiet machine, past 30 s under load 10+
  }, 120_000);

  it('merge refuses what is not a result.json (exit 2) and exits 1 when a part failed', async () => {
    const bad = join(dir, 'bad');
    await mkdir(bad);
    await import('node:fs/promises').then((fs) => fs.writeFile(join(bad, 'result.json'), '{"hello": 1}'));
    const r = await mxlab(['merge', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`mxlab: E_INPUT_FILE: Failed to read ${bad}/result.json: expected an mxlab result.json (mxlab run --reporter json), got an object without mxlab and scenarios.\n`);
    const none = await mxlab(['merge', dir + '/worker-1/scenarios']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Failed to find result.json under');
    // a failing part makes the merged report fail
    const failing = join(dir, 'failing');
    await mkdir(failing);
    const good = JSON.parse(await readFile(join(dir, 'report/shards/mxlab-shard-1/result.json'), 'utf8')) as RunResult;
    good.scenarios[0].cells[0].expectations[0].ok = false;
    good.scenarios[0].cells[0].ok = false;
    await import('node:fs/promises').then((fs) => fs.writeFile(join(failing, 'result.json'), JSON.stringify(good)));
    const f = await mxlab(['merge', failing, '--reporter', 'junit']);
    expect(f.code).toBe(1);
    expect(f.stdout).toMatch(/<testsuites name="mxlab" tests="\d+" failures="1" errors="0"/);
  });
});
